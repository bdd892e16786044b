"""The seed guard: once keys write facts through the API, `seed` does not overwrite them until `export` has
written them to the files, unless told to; a start-up serves the database as it is."""

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import SEED_DIR, migrate_and_seed
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.cli import main as cli
from app.config import Settings, get_settings
from app.db import make_engine
from app.facts.documents import rebuild_documents
from app.facts.history import Change, record_revisions
from app.models import Citation, DatasetState, Measure, Revision
from app.registry import DOCUMENTED_KINDS
from app.seed.export import begin_snapshot
from app.seed.guard import api_changes_since_export
from app.seed.yamlio import dump_yaml, read_yaml
from tests.live_server import live_server

MEASURE = "one-seal-for-approvals"
MEASURE_NAME = "One seal for approvals"  # as in seed_data/measures.yaml
API_NAME = "One seal for every approval"
NEW = "approvals-online-by-default"  # a measure only the API has
EVENT = "longgang-town-founded-1983-10"
SOURCE, PROGRAMME = "economic-daily-2020-10-20-longgang", "ten-ones-institutional-results"  # what MEASURE cites, is in
HINT = ("Run `python -m app export {dir}` to write the database's facts to the files first (and review the diff), "
        "or seed with --overwrite-api-changes to replace them with the files' content")


def published(url: str, edit: Callable[[Session], None]) -> list[tuple[int, str, str]]:
    """What a key's publish does (app.curation, not needed here): change the rows, rewrite the documents and
    append revisions by "key:alice" in one transaction with a new version. Returns the revisions appended."""
    engine = make_engine(Settings(database_url=url))
    try:
        with Session(engine) as session:
            before = session.execute(select(Revision.id).order_by(Revision.id.desc()).limit(1)).scalar() or 0
            edit(session)
            session.flush()
            state = session.get(DatasetState, 1)
            state.version += 1
            rebuild_documents(session, DOCUMENTED_KINDS)
            record_revisions(session, DOCUMENTED_KINDS, Change("key:alice", "published proposal 1", state.version,
                                                               dt.datetime.now(dt.UTC), reviewer="key:bob",
                                                               proposal_id=1))
            appended = session.execute(select(Revision.id, Revision.kind, Revision.key)
                                       .where(Revision.id > before).order_by(Revision.id)).all()
            session.commit()
    finally:
        engine.dispose()
    return [tuple(row) for row in appended]


def rename_measure(session: Session) -> None:
    session.exec(select(Measure).where(Measure.slug == MEASURE)).one().name_en = API_NAME


def create_measure(session: Session) -> None:
    """A new measure in the same programme, citing a quote one of the seed's measures cites."""
    like = session.exec(select(Measure).where(Measure.slug == MEASURE)).one()
    measure = Measure(slug=NEW, name_zh="审批网上办", name_en="Approvals online by default", category=like.category,
                      kind=like.kind, programme_id=like.programme_id, place_id=like.place_id,
                      summary_zh="审批事项网上办理。", summary_en="Approvals are handled online.")
    session.add(measure)
    session.flush()
    quote = session.exec(select(Citation).where(Citation.measure_id == like.id, Citation.position == 1)).one()
    session.add(Citation(source_id=quote.source_id, position=0, quote=quote.quote, start_offset=quote.start_offset,
                         end_offset=quote.end_offset, measure_id=measure.id))


def observed(url: str) -> dict:
    """What a refused seed must leave alone: the version, every revision, every served document and the audit log."""
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            return {
                "state": tuple(connection.execute(text(
                    "SELECT version, content_sha256, exported_revision FROM dataset_state")).one()),
                "revisions": connection.execute(text("SELECT id, hash FROM fact_revision ORDER BY id")).all(),
                "documents": connection.execute(text(
                    "SELECT kind, key, json_zh_en FROM fact_document ORDER BY kind, key")).all(),
                "audit": audit_events(connection),
            }
    finally:
        engine.dispose()


def audit_events(connection) -> list[tuple]:
    return [tuple(row) for row in connection.execute(text(
        "SELECT actor, action, target, outcome FROM audit_event ORDER BY id"))]


def query(url: str, sql: str) -> list[tuple]:
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def measure_row(url: str, slug: str) -> tuple:
    (row,) = query(url, f"SELECT name_en, status FROM reform_measure WHERE slug = '{slug}'")
    return row


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, target)
    return target


@pytest.fixture
def command(empty_url: str, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """`python -m app …` over `empty_url`: (exit status, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", empty_url)
    get_settings.cache_clear()

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    yield run
    get_settings.cache_clear()


def test_seed_refuses_to_undo_an_api_update_and_writes_nothing(
        empty_url: str, seed_copy: Path, command: Callable[..., tuple[int, str, str]]) -> None:
    migrate_and_seed(empty_url, seed_copy)
    assert published(empty_url, rename_measure) == [(93, "measure", MEASURE)]
    before = observed(empty_url)
    assert before["state"][0] == 2

    # The files are those last seeded: they no longer say what the database holds, so an operator's seed looks.
    status, out, err = command("seed", "--dir", str(seed_copy))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "error: the seed files would overwrite 1 fact changed through the API since the last export: measure "
        f"{MEASURE} (/v1/measures/{MEASURE}, changed by key:alice in revision 93). " + HINT.format(dir=seed_copy),
        "nothing was loaded"]
    assert observed(empty_url) == before
    assert measure_row(empty_url, MEASURE) == (API_NAME, "active")
    # --force compares every fact: refused the same way.
    assert command("seed", "--dir", str(seed_copy), "--force")[0] == 1
    # Files that change another fact too: still refused, and the other change waits with it.
    events = read_yaml(seed_copy / "events.yaml")
    next(e for e in events if e["slug"] == EVENT)["title_en"] = "Longgang town is founded"
    (seed_copy / "events.yaml").write_text(dump_yaml(events), encoding="utf-8")
    assert command("seed", "--dir", str(seed_copy))[0] == 1
    assert observed(empty_url) == before


def test_seed_refuses_to_deprecate_a_fact_created_through_the_api(
        empty_url: str, seed_copy: Path, command: Callable[..., tuple[int, str, str]]) -> None:
    migrate_and_seed(empty_url, seed_copy)
    appended = published(empty_url, create_measure)
    # The new measure, and the source and programme whose documents list their measures.
    assert appended == [(93, "source", SOURCE), (94, "programme", PROGRAMME), (95, "measure", NEW)]
    before = observed(empty_url)

    # Not the source: a deprecated measure keeps its citations, so the source's document would stay as it is.
    status, out, err = command("seed", "--dir", str(seed_copy))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "error: the seed files would overwrite 2 facts changed through the API since the last export: programme "
        f"{PROGRAMME} (/v1/programmes/{PROGRAMME}, changed by key:alice in revision 94); measure {NEW} "
        f"(/v1/measures/{NEW}, changed by key:alice in revision 95). "
        + HINT.format(dir=seed_copy),
        "nothing was loaded"]
    assert observed(empty_url) == before
    assert measure_row(empty_url, NEW) == ("Approvals online by default", "active")


def test_after_export_the_files_hold_the_api_changes_and_the_guard_lets_go(
        empty_url: str, seed_copy: Path, tmp_path: Path, command: Callable[..., tuple[int, str, str]]) -> None:
    migrate_and_seed(empty_url, seed_copy)
    published(empty_url, rename_measure)
    published(empty_url, create_measure)
    exported = tmp_path / "exported"

    assert command("export", str(exported)) == (
        0, (f"ok: wrote 10 files to {exported} (the facts as of revision 96; a seed now guards only facts changed "
           "through the API after it)\n"), "")
    measures = {m["slug"]: m for m in read_yaml(exported / "measures.yaml")}
    assert (measures[MEASURE]["name_en"], measures[NEW]["name_en"]) == (API_NAME, "Approvals online by default")
    assert query(empty_url, "SELECT exported_revision FROM dataset_state") == [(96,)]
    assert query(empty_url, "SELECT actor, action, target, outcome FROM audit_event") == [
        ("cli", "export", str(exported), "ok: 10 files, revision 96")]

    # Seeding the exported files is a fixed point: the facts, version, history and documents stay as they are.
    before = observed(empty_url)
    assert command("seed", "--dir", str(exported)) == (
        0, "ok: nothing to change; the database already holds these seed files\n", "")
    after = observed(empty_url)
    assert {k: v for k, v in after.items() if k != "state"} == {k: v for k, v in before.items() if k != "state"}
    assert after["state"][0] == before["state"][0] == 3
    assert after["state"][2] == 96

    # The changes are in files now (and in git, once committed): seeding the older files is an ordinary edit.
    status, out, _ = command("seed", "--dir", str(seed_copy))
    assert status == 0 and "revision.update=2" in out and "revision.deprecate=1" in out
    assert measure_row(empty_url, MEASURE) == (MEASURE_NAME, "active")
    assert measure_row(empty_url, NEW) == ("Approvals online by default", "deprecated")


def test_overwrite_api_changes_replaces_them_and_is_audited(
        empty_url: str, seed_copy: Path, command: Callable[..., tuple[int, str, str]]) -> None:
    migrate_and_seed(empty_url, seed_copy)
    published(empty_url, rename_measure)

    status, out, err = command("seed", "--dir", str(seed_copy), "--overwrite-api-changes")
    assert (status, out, err) == (
        0, "ok: reform_measure.updated=1, revision.update=1, api_change.overwritten=1\n", "")
    assert measure_row(empty_url, MEASURE) == (MEASURE_NAME, "active")
    assert query(empty_url, "SELECT id, author, operation FROM fact_revision WHERE id > 92 ORDER BY id") == [
        (93, "key:alice", "update"), (94, query(empty_url, "SELECT author FROM fact_revision WHERE id = 1")[0][0],
                                      "update")]
    assert query(empty_url, "SELECT actor, action, target, outcome FROM audit_event") == [
        ("cli", "seed", f"/v1/measures/{MEASURE}", f"ok: overwrote key:alice's revision 93 with {seed_copy}")]
    # Overwritten, the change is no longer guarded: the same files again are nothing to do.
    assert query(empty_url, "SELECT version, exported_revision FROM dataset_state") == [(3, 94)]
    assert command("seed", "--dir", str(seed_copy)) == (
        0, "ok: nothing to change; the database already holds these seed files\n", "")


def test_without_api_changes_seed_is_as_before(
        empty_url: str, seed_copy: Path, command: Callable[..., tuple[int, str, str]]) -> None:
    migrate_and_seed(empty_url, seed_copy)
    before = observed(empty_url)
    assert command("seed", "--dir", str(seed_copy)) == (
        0, "ok: nothing to change; the database already holds these seed files\n", "")
    measures = read_yaml(seed_copy / "measures.yaml")
    next(m for m in measures if m["slug"] == MEASURE)["name_en"] = API_NAME
    (seed_copy / "measures.yaml").write_text(dump_yaml(measures), encoding="utf-8")
    assert command("seed", "--dir", str(seed_copy)) == (
        0, "ok: reform_measure.updated=1, revision.update=1\n", "")
    assert query(empty_url, "SELECT version, exported_revision FROM dataset_state") == [(2, 0)]
    assert observed(empty_url)["audit"] == before["audit"] == []


def test_a_start_up_with_changed_files_keeps_serving_the_api_changes(
        empty_url: str, seed_copy: Path, tmp_path: Path) -> None:
    migrate_and_seed(empty_url, seed_copy)
    published(empty_url, rename_measure)
    events = read_yaml(seed_copy / "events.yaml")
    event = next(e for e in events if e["slug"] == EVENT)
    title = event["title_en"]
    event["title_en"] = "Longgang town is founded"
    (seed_copy / "events.yaml").write_text(dump_yaml(events), encoding="utf-8")
    before = observed(empty_url)

    with live_server(empty_url, tmp_path, SEED_DATA_DIR=str(seed_copy)) as server:
        ready = httpx.get(f"{server.url}/readyz", timeout=5)
        assert ready.status_code == 200, ready.text
        assert ready.json()["status"] == "ok"
        assert httpx.get(f"{server.url}/v1/measures/{MEASURE}", timeout=5).json()["name"]["en"] == API_NAME
        assert httpx.get(f"{server.url}/v1/events/{EVENT}", timeout=5).json()["title"]["en"] == title
        assert httpx.get(f"{server.url}/v1/meta", timeout=5).json()["dataset_version"] == 2
        log = server.log()
    warnings = [line for line in map(json.loads, log.splitlines()) if line.get("level") == "warning"]
    assert [w["msg"] for w in warnings] == [
        "seed files not loaded, serving the database as it is: the seed files would overwrite 1 fact changed "
        f"through the API since the last export: measure {MEASURE} (/v1/measures/{MEASURE}, changed by key:alice "
        f"in revision 93). " + HINT.format(dir=seed_copy)]
    assert observed(empty_url) == before


def test_no_write_commits_between_the_guards_look_and_the_seeds_commit(empty_url: str) -> None:
    migrate_and_seed(empty_url)
    engine = make_engine(Settings(database_url=empty_url))
    impatient = create_engine(empty_url, **({"connect_args": {"timeout": 0.2}} if engine.dialect.name == "sqlite"
                                            else {}))
    try:
        with Session(engine) as seeding:
            assert api_changes_since_export(seeding) == {}
            with pytest.raises(OperationalError, match="lock"), impatient.begin() as publishing:
                if impatient.dialect.name == "postgresql":
                    publishing.execute(text("SET LOCAL lock_timeout = '200ms'"))
                publishing.execute(text("UPDATE dataset_state SET version = version + 1"))
            seeding.rollback()
        with impatient.begin() as publishing:  # once the seed's transaction ends, the write goes ahead
            publishing.execute(text("UPDATE dataset_state SET version = version + 1"))
    finally:
        impatient.dispose()
        engine.dispose()
    assert query(empty_url, "SELECT version FROM dataset_state") == [(2,)]


def test_an_export_reads_one_snapshot(empty_url: str) -> None:
    migrate_and_seed(empty_url)
    engine = make_engine(Settings(database_url=empty_url))
    try:
        with engine.connect() as exporting:
            begin_snapshot(exporting)
            assert exporting.execute(text("SELECT version FROM dataset_state")).scalar() == 1
            with engine.begin() as publishing:  # a write commits halfway through the export …
                publishing.execute(text("UPDATE dataset_state SET version = version + 1"))
            # … and the export's later reads still see the state its first read saw.
            assert exporting.execute(text("SELECT version FROM dataset_state")).scalar() == 1
            exporting.rollback()
            assert exporting.execute(text("SELECT version FROM dataset_state")).scalar() == 2
    finally:
        engine.dispose()
