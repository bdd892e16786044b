"""`python -m app seed` and `export`: one transaction, idempotent, updates in place, round-trips."""

import filecmp
import shutil
from pathlib import Path

import pytest
from conftest import SEED_DIR, client_for, migrate_and_seed
from sqlmodel import Session, func, select

from app.config import Settings
from app.db import make_engine
from app.models import Citation, DatasetState, Event, Measure, Metric, Observation
from app.seed.export import export_seed
from app.seed.validate import SeedError
from app.seed.yamlio import dump_yaml, read_yaml


def snapshot(url: str) -> dict:
    engine = make_engine(Settings(database_url=url))
    with Session(engine) as s:
        state = s.get(DatasetState, 1)
        out = {
            "version": state.version if state else 0,
            "events": s.exec(select(func.count()).select_from(Event)).one(),
            "measures": s.exec(select(func.count()).select_from(Measure)).one(),
            "metrics": s.exec(select(func.count()).select_from(Metric)).one(),
            "observations": s.exec(select(func.count()).select_from(Observation)).one(),
            "citations": s.exec(select(func.count()).select_from(Citation)).one(),
            "gdp": s.exec(select(Observation.id, Observation.value).where(Observation.slug == "longgang-gdp-2020-h1"))
            .first(),
        }
    engine.dispose()
    return out


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, target)
    return target


def test_first_seed_loads_every_fact(empty_url: str) -> None:
    report = migrate_and_seed(empty_url)
    assert report["timeline_event.inserted"] == 8
    assert report["observation.inserted"] == 7
    assert report["reform_measure.inserted"] == 33
    assert report["measure_metric.inserted"] == 13
    assert report["citation.inserted"] == 150
    assert report["person.inserted"] == 2
    state = snapshot(empty_url)
    assert (state["version"], state["events"], state["measures"], state["citations"]) == (1, 8, 33, 150)
    assert str(state["gdp"][1]) == "138.1"


def test_second_seed_changes_nothing(empty_url: str, seed_copy: Path) -> None:
    migrate_and_seed(empty_url, seed_copy)
    before = snapshot(empty_url)
    assert migrate_and_seed(empty_url, seed_copy) is None  # files unchanged: not even read
    # Rewriting the files with the same content (new mtime, same bytes) is still nothing to do.
    for path in seed_copy.glob("*.yaml"):
        path.write_bytes(path.read_bytes())
    assert migrate_and_seed(empty_url, seed_copy) is None
    assert snapshot(empty_url) == before


def test_edited_fact_is_updated_in_place_and_bumps_the_version(empty_url: str, seed_copy: Path) -> None:
    migrate_and_seed(empty_url, seed_copy)
    before = snapshot(empty_url)
    entries = read_yaml(seed_copy / "observations.yaml")
    gdp = next(e for e in entries if e["slug"] == "longgang-gdp-2020-h1")
    gdp["note_en"], gdp["note_zh"] = "Edited note.", "修改的说明。"
    (seed_copy / "observations.yaml").write_text(dump_yaml(entries), encoding="utf-8")

    assert migrate_and_seed(empty_url, seed_copy) == {"observation.updated": 1, "revision.update": 1}
    after = snapshot(empty_url)
    assert after["gdp"] == before["gdp"]  # same row id, same value
    assert after["version"] == before["version"] + 1


def test_removed_fact_is_deprecated_not_deleted(empty_url: str, seed_copy: Path) -> None:
    migrate_and_seed(empty_url, seed_copy)
    entries = read_yaml(seed_copy / "measures.yaml")
    removed = next(e for e in entries if e["slug"] == "one-seal-for-approvals")
    entries.remove(removed)
    (seed_copy / "measures.yaml").write_text(dump_yaml(entries), encoding="utf-8")

    report = migrate_and_seed(empty_url, seed_copy)
    assert report["reform_measure.deprecated"] == 1
    assert report["measure_metric.deprecated"] == len(removed["metrics"]) == 1
    assert not [k for k in report if k.endswith(".deleted")]  # its citations stay with it
    state = snapshot(empty_url)
    assert (state["measures"], state["metrics"], state["citations"]) == (33, 13, 150)
    with client_for(empty_url) as client:
        measure = client.get("/v1/measures/one-seal-for-approvals")
        assert measure.status_code == 200
        assert (measure.json()["status"], measure.json()["status_reason"]) == ("deprecated",
                                                                               "removed from the seed files")
        assert measure.json()["citations"] == client.get("/v1/measures/one-seal-for-approvals").json()["citations"]
        assert len(measure.json()["citations"]) == len(removed["citations"])
        listed = client.get("/v1/measures", params={"limit": 200}).json()
        assert listed["meta"]["total"] == 32
        assert "one-seal-for-approvals" not in [m["slug"] for m in listed["data"]]
        deprecated = client.get("/v1/measures", params={"status": "deprecated"}).json()
        assert [m["slug"] for m in deprecated["data"]] == ["one-seal-for-approvals"]
        assert client.get("/v1/measures", params={"status": "all", "limit": 1}).json()["meta"]["total"] == 33
        assert client.get("/v1/meta").json()["counts"]["measures"] == 32
        found = client.get("/v1/search", params={"q": "一枚印章", "type": "measure", "limit": 200}).json()["data"]
        assert found and "one-seal-for-approvals" not in [hit["slug"] for hit in found]

    # Back in the files: the same fact, active again (a slug is never given to another fact).
    (seed_copy / "measures.yaml").write_text(dump_yaml([*entries, removed]), encoding="utf-8")
    report = migrate_and_seed(empty_url, seed_copy)
    assert report["reform_measure.updated"] == 1 and report["revision.update"] == 2
    with client_for(empty_url) as client:
        assert client.get("/v1/measures/one-seal-for-approvals").json()["status"] == "active"
        # The other revision: its programme counts its measures again.
        changes = client.get("/v1/changes", params={"since": 2}).json()["data"]
        assert {(c["type"], c["slug"], c["operation"]) for c in changes} == {
            ("measure", "one-seal-for-approvals", "update"), ("programme", removed["programme"], "update")}
        assert client.get("/v1/meta").json()["counts"]["measures"] == 33


def test_a_bad_file_loads_nothing(empty_url: str, seed_copy: Path) -> None:
    migrate_and_seed(empty_url, seed_copy)
    before = snapshot(empty_url)
    entries = read_yaml(seed_copy / "events.yaml")
    entries[0]["title_en"] = "Changed, and would be loaded if the batch were not rejected"
    entries[-1]["citations"][0]["quote"] = "这句话不在原文里"
    (seed_copy / "events.yaml").write_text(dump_yaml(entries), encoding="utf-8")

    with pytest.raises(SeedError):
        migrate_and_seed(empty_url, seed_copy)
    assert snapshot(empty_url) == before


def test_export_reproduces_the_seed_files_and_round_trips(empty_url: str, tmp_path: Path) -> None:
    migrate_and_seed(empty_url)
    engine = make_engine(Settings(database_url=empty_url))
    first, second = tmp_path / "first", tmp_path / "second"
    with Session(engine) as s:
        export_seed(s, first)
    engine.dispose()
    # The committed files are in canonical form: export writes them back byte for byte.
    for path in sorted(first.rglob("*")):
        if path.is_file():
            assert filecmp.cmp(path, SEED_DIR / path.relative_to(first), shallow=False), path.name

    # export → seed (into another database) → export gives identical files.
    other = tmp_path / "other.sqlite3"
    other_url = f"sqlite:///{other}"
    migrate_and_seed(other_url, first)
    engine = make_engine(Settings(database_url=other_url))
    with Session(engine) as s:
        export_seed(s, second)
    engine.dispose()
    comparison = filecmp.dircmp(first, second)
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
