"""Releases: a fresh start makes release 1; `python -m app release` makes the next with its changelog; each is
served with a Frictionless Data Package that validates and is the same bytes on every download."""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frictionless
import pytest
import yaml
from alembic import command
from conftest import SEED_DIR, client_for, migrate_and_seed
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.bootstrap import alembic_config
from app.cli import main as cli
from app.config import Settings, get_settings
from app.db import make_engine
from app.facts.releases import document_as_of, documents_as_of, field_changes
from app.registry import DOCUMENTED_KINDS
from app.releases.service import FIRST_RELEASE_NOTES, rebuild_package
from tests.api_helpers import SOURCE_BODY, SOURCE_SLUG, assert_problem, walk

# The changed seed files (one name, one event fewer) are test_history's: one fixture for both.
from test_history import EVENT, MEASURE, changed_seed  # noqa: E402, F401  (a fixture)

SEED_COUNTS = {"sources": 1, "places": 5, "people": 2, "events": 8, "indicators": 9, "observations": 7,
               "programmes": 27, "measures": 33, "metrics": 13, "citations": 150}
PACKAGE_FILES = ["datapackage.json", "README.md", "CITATION.cff",
                 *(f"data/{kind.plural}.csv" for kind in DOCUMENTED_KINDS), "data/citations.csv",
                 f"sources/{SOURCE_SLUG}.txt"]


@pytest.fixture
def cli_database(empty_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`empty_url`, seeded, and the database `python -m app …` (app.cli.main) works on."""
    migrate_and_seed(empty_url)
    monkeypatch.setenv("DATABASE_URL", empty_url)
    get_settings.cache_clear()
    yield empty_url
    get_settings.cache_clear()


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# --- release 1, made by the first start ---------------------------------------------------------------

def test_a_fresh_start_serves_release_1_with_the_seed_counts(client: TestClient) -> None:
    page = client.get("/v1/releases").json()
    assert page["meta"] == {"total": 1, "count": 1, "limit": 50, "sort": "-number"}
    release = dict(page["data"][0])
    published = release.pop("published_at")
    assert dt.datetime.fromisoformat(published).tzinfo == dt.UTC and published.endswith("Z")
    sha256, size = release.pop("datapackage_sha256"), release.pop("datapackage_size")
    assert release == {"number": 1, "notes": FIRST_RELEASE_NOTES, "dataset_version": 1, "counts": SEED_COUNTS,
                       "url": "/v1/releases/1", "datapackage_url": "/v1/releases/1/datapackage.zip"}
    assert SEED_COUNTS == client.get("/v1/meta").json()["counts"]
    assert len(sha256) == 64 and size > 10_000

    detail = client.get("/v1/releases/1").json()
    assert {k: v for k, v in detail.items() if k != "changelog"} == page["data"][0]
    changelog = detail["changelog"]
    assert changelog["updated"] == changelog["deprecated"] == []
    # Every fact is created, by kind in the registry's order, then by slug.
    expected = [{"type": kind.name, "slug": item[kind.key], "url": kind.url(item[kind.key])}
                for kind in DOCUMENTED_KINDS
                for item in sorted(walk(client, kind.url_root, limit=200)[0], key=lambda item: item[kind.key])]
    assert changelog["created"] == expected and len(expected) == 92


@pytest.mark.parametrize(("path", "status", "parameter"), [
    ("/v1/releases/2", 404, None),
    ("/v1/releases/2/datapackage.zip", 404, None),
    ("/v1/releases/one", 422, "number"),
    ("/v1/releases/1.5/datapackage.zip", 422, "number"),
    ("/v1/releases/0", 422, "number"),
    ("/v1/releases/2147483648", 422, "number"),  # beyond an INTEGER: never reaches the database
    ("/v1/releases?sort=number", 400, "sort"),
    ("/v1/releases?limit=0", 422, "limit"),
    ("/v1/releases/1/datapackage.zip?format=json", 400, "format"),
])
def test_bad_release_requests_name_the_problem(client: TestClient, path: str, status: int,
                                               parameter: str | None) -> None:
    body = assert_problem(client.get(path), status, parameter)
    if status == 404:
        assert body["detail"] == "There is no release 2."


def test_the_package_is_the_same_bytes_every_time_and_served_as_a_zip(client: TestClient, seeded_url: str) -> None:
    release = client.get("/v1/releases/1").json()
    first = client.get("/v1/releases/1/datapackage.zip", headers={"Accept-Encoding": "gzip"})
    second = client.get("/v1/releases/1/datapackage.zip", headers={"Accept": "application/zip"})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == release["datapackage_sha256"]
    assert len(first.content) == release["datapackage_size"]
    assert first.headers["content-type"] == "application/zip"
    assert first.headers["content-disposition"] == 'attachment; filename="reform-facts-release-1.zip"'
    assert "content-encoding" not in first.headers  # a zip is not gzipped again
    assert first.headers["etag"] == second.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', first.headers["etag"])  # strong: no W/
    revalidated = client.get("/v1/releases/1/datapackage.zip", headers={"If-None-Match": first.headers["etag"]})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert_problem(client.get("/v1/releases/1/datapackage.zip", headers={"Accept": "application/json"}), 406)
    # Built again from the revisions and the stored source texts: the same bytes.
    engine = make_engine(Settings(database_url=seeded_url))
    try:
        with Session(engine) as session:
            assert rebuild_package(session, 1) == first.content
    finally:
        engine.dispose()

    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == PACKAGE_FILES
    published = dt.datetime.fromisoformat(release["published_at"])
    for info in infos:  # a zip keeps times to 2 seconds (MS-DOS format)
        assert info.date_time == (*published.timetuple()[:5], published.second // 2 * 2)
        assert (info.compress_type, info.external_attr >> 16, info.create_system) == (
            zipfile.ZIP_DEFLATED, 0o100644, 3)


def test_the_package_describes_its_files_and_passes_frictionless_validate(client: TestClient,
                                                                          tmp_path: Path) -> None:
    release = client.get("/v1/releases/1").json()
    files = unzip(client.get("/v1/releases/1/datapackage.zip").content)
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    package = json.loads(files["datapackage.json"])
    assert (package["profile"], package["name"], package["version"]) == (
        "tabular-data-package", "reform-facts-longgang", "1.0.0")
    assert package["created"] == release["published_at"]
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                    "title": client.get("/v1/meta").json()["licence"]["data"]}]
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert list(resources) == [*(kind.plural for kind in DOCUMENTED_KINDS), "citations"]
    for resource in resources.values():
        data = files[resource["path"]]
        assert (resource["bytes"], resource["hash"]) == (len(data), "sha256:" + hashlib.sha256(data).hexdigest())
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == ("csv", "text/csv", "utf-8")
        assert all(field["type"] != "any" for field in resource["schema"]["fields"])
    (source,) = package["sources"]
    text = files[source["path"]]
    assert text.decode("utf-8") == SOURCE_BODY == client.get(f"/v1/sources/{SOURCE_SLUG}/body").text
    assert (source["bytes"], source["hash"]) == (len(text), "sha256:" + hashlib.sha256(text).hexdigest())

    # Each table has the columns of the API's CSV, a row per fact of the release, and typed fields.
    for kind in DOCUMENTED_KINDS:
        header = client.get(kind.url_root, params={"format": "csv", "limit": 1}).text.splitlines()[0]
        assert files[f"data/{kind.plural}.csv"].decode().splitlines()[0] == header
        rows = csv_rows(files[f"data/{kind.plural}.csv"])
        assert len(rows) == release["counts"][kind.plural]
        assert resources[kind.plural]["schema"]["primaryKey"] == [kind.key]
    fields = {f["name"]: f for f in resources["observations"]["schema"]["fields"]}
    assert [fields[name]["type"] for name in ("value", "value_base", "yoy_change_pct", "unit_multiplier",
                                              "period_start", "citations")] == [
        "number", "number", "number", "integer", "date", "array"]
    assert [fields[name]["description"] for name in ("indicator_name_zh", "note_en")] == [
        "Indicator name. In Chinese, as in the source.", "Note. In English, written by Reform Facts."]
    gdp = next(row for row in csv_rows(files["data/observations.csv"]) if row["slug"] == "longgang-gdp-2020-h1")
    assert (gdp["value"], gdp["value_base"], gdp["yoy_change_pct"]) == ("138.1", "13810000000", "1.9")

    citations = csv_rows(files["data/citations.csv"])
    assert len(citations) == release["counts"]["citations"]
    founded = [c for c in citations if (c["fact_type"], c["fact_key"]) == ("event", EVENT)]
    assert [(c["position"], c["quote"], c["start"], c["end"]) for c in founded] == [
        ("0", "龙港因改革而生、靠改革而兴。", "461", "475"), ("1", "1983年10月龙港建镇", "475", "487")]
    assert all(SOURCE_BODY[int(c["start"]):int(c["end"])] == c["quote"] for c in citations)
    assert sum(c["fact_type"] == "metric" for c in citations) == 13  # one for each metric

    cff = yaml.safe_load(files["CITATION.cff"])
    assert (cff["cff-version"], cff["type"], cff["version"], cff["license"]) == (
        "1.2.0", "dataset", "1.0.0", "CC-BY-4.0")
    assert cff["date-released"] == release["published_at"][:10] and "release 1" in cff["title"]
    assert cff["references"][0]["date-published"] == "2020-10-20"
    readme = files["README.md"].decode()
    assert "release 1" in readme and FIRST_RELEASE_NOTES in readme and "| `data/events.csv` | 8 |" in readme


# --- the next release: its changelog, the command, immutability ---------------------------------------

def test_a_changed_seed_and_release_give_release_2_with_exactly_those_changes(
        cli_database: str, changed_seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with client_for(cli_database, version_check_interval=0) as client:
        assert client.get("/v1/releases").json()["meta"]["total"] == 1
        assert cli(["release", "--notes", "Nothing new"]) == 1
        assert capsys.readouterr().err == ("error: nothing changed since release 1 (dataset version 1); "
                                           "seed new data first\n")
        migrate_and_seed(cli_database, changed_seed)
        assert client.get("/v1/releases").json()["meta"]["total"] == 1  # a seed makes no release of its own
        assert cli(["release", "--notes", " "]) == 1
        assert capsys.readouterr().err == "error: --notes must say what the release is\n"
        assert cli(["release", "--notes", "Second release: one name, one event fewer"]) == 0
        assert capsys.readouterr().out.startswith("ok: release 2 (dataset version 2; package ")
        # The response cache sees the new release, although the data did not change.
        page = client.get("/v1/releases").json()
        assert [r["number"] for r in page["data"]] == [2, 1]
        second = client.get("/v1/releases/2").json()
        assert second["notes"] == "Second release: one name, one event fewer"
        assert second["counts"] == {**SEED_COUNTS, "events": 7, "citations": 148}
        assert second["changelog"] == {
            "created": [],
            # The deprecated event keeps its two citations, so the source's citation_count is unchanged (the
            # package's citations.csv holds only the active facts' citations: 148).
            "updated": [
                {"type": "measure", "slug": MEASURE, "url": f"/v1/measures/{MEASURE}",
                 "changes": [{"op": "replace", "path": "/name/en", "old": "One seal for approvals",
                              "new": "One seal for every approval"}]},
            ],
            "deprecated": [{"type": "event", "slug": EVENT, "url": f"/v1/events/{EVENT}",
                            "reason": "removed from the seed files"}],
        }
        # Release 1's package did not change; release 2's holds the new data.
        package = unzip(client.get("/v1/releases/2/datapackage.zip").content)
        assert EVENT not in package["data/events.csv"].decode()
        assert "One seal for every approval" in package["data/measures.csv"].decode()
        assert EVENT in unzip(client.get("/v1/releases/1/datapackage.zip").content)["data/events.csv"].decode()
        assert cli(["release", "--notes", "again"]) == 1
        assert "nothing changed since release 2" in capsys.readouterr().err


def test_the_facts_as_of_a_version(cli_database: str, changed_seed: Path) -> None:
    migrate_and_seed(cli_database, changed_seed)
    engine = make_engine(Settings(database_url=cli_database))
    try:
        with engine.connect() as connection:
            events = [fact.key for fact in documents_as_of(connection, 1, ["event"])]
            assert len(events) == 8 and events == sorted(events) and EVENT in events
            assert EVENT not in [fact.key for fact in documents_as_of(connection, 2, ["event"])]
            kept = documents_as_of(connection, 2, ["event"], include_deprecated=True)
            assert [fact.operation for fact in kept if fact.key == EVENT] == ["deprecate"]
            names = [json.loads(document_as_of(connection, version, "measure", MEASURE).document)["name"]["en"]
                     for version in (1, 2)]
            assert names == ["One seal for approvals", "One seal for every approval"]
            assert document_as_of(connection, 0, "measure", MEASURE) is None
            assert document_as_of(connection, 2, "measure", "no-such-measure") is None
            both = list(documents_as_of(connection, 2, ["indicator", "place"], keys=["gdp", "longgang", "x"]))
            assert [(fact.kind, fact.key) for fact in both] == [("indicator", "gdp"), ("place", "longgang")]
    finally:
        engine.dispose()


def test_releases_cannot_be_updated_or_deleted(cli_database: str) -> None:
    engine = make_engine(Settings(database_url=cli_database))
    try:
        for statement in ("UPDATE dataset_release SET notes = 'rewritten' WHERE number = 1",
                          "DELETE FROM dataset_release WHERE number = 1"):
            with pytest.raises(Exception, match="immutable"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT notes FROM dataset_release")).scalars().all() == [
                FIRST_RELEASE_NOTES]
    finally:
        engine.dispose()


def test_start_ups_make_release_1_once(cli_database: str) -> None:
    migrate_and_seed(cli_database)  # nothing to load
    migrate_and_seed(cli_database, SEED_DIR)
    engine = make_engine(Settings(database_url=cli_database))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT number, dataset_version FROM dataset_release")).all() == [(1, 1)]
    finally:
        engine.dispose()


def test_no_release_is_made_of_facts_without_a_history(cli_database: str, capsys: pytest.CaptureFixture[str],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """A database seeded before revisions existed, whose seed files have not changed since, has no history of its
    facts: a release made from it would be empty. Start-up serves it without making one; `release` says why."""
    engine = make_engine(Settings(database_url=cli_database))
    try:
        with engine.connect() as connection:
            config = alembic_config(connection)
            command.downgrade(config, "0004")
            command.upgrade(config, "head")
            connection.commit()
    finally:
        engine.dispose()
    with caplog.at_level("WARNING", logger="reform_facts.bootstrap"):
        assert migrate_and_seed(cli_database) is None
    assert "no release made: 92 served fact(s) have no revision" in caplog.text
    assert cli(["release", "--notes", "x"]) == 1
    assert capsys.readouterr().err == ("error: 92 served fact(s) have no revision, so a release would leave them "
                                       "out; `python -m app verify-history` names them\n")
    with client_for(cli_database) as client:
        assert client.get("/v1/releases").json()["meta"]["total"] == 0
        assert client.get("/v1/events").json()["meta"]["total"] == 8


# --- a changelog's field changes: the patch between two documents, field by field ----------------------

FIELD_CHANGES: list[tuple[Any, Any, list[dict[str, Any]]]] = [
    ({"a": 1}, {"a": 2}, [{"op": "replace", "path": "/a", "old": 1, "new": 2}]),
    ({}, {"b": [1]}, [{"op": "add", "path": "/b", "new": [1]}]),
    ({"a": 1, "z": None}, {"a": 1}, [{"op": "remove", "path": "/z", "old": None}]),
    # By path, whatever order the patch has (remove /z, add /a, replace /b/c).
    ({"z": 1, "b": {"c": 1}}, {"a": 0, "b": {"c": 2}}, [
        {"op": "add", "path": "/a", "new": 0}, {"op": "replace", "path": "/b/c", "old": 1, "new": 2},
        {"op": "remove", "path": "/z", "old": 1}]),
    ({"l": ["x", "y", "z"]}, {"l": ["x", "z"]}, [{"op": "remove", "path": "/l/1", "old": "y"}]),
    # Inside one array, in the order that applies them: /l/2 is the index after the add.
    ({"l": [1, 2, 3]}, {"l": [0, 1, 3]}, [
        {"op": "add", "path": "/l/0", "new": 0}, {"op": "remove", "path": "/l/2", "old": 2}]),
    # A move is a remove and an add.
    ({"a": {"k": "v"}, "b": 1}, {"b": 1, "c": {"k": "v"}}, [
        {"op": "remove", "path": "/a", "old": {"k": "v"}}, {"op": "add", "path": "/c", "new": {"k": "v"}}]),
    ({"l": [{"q": "a"}, {"q": "b"}], "m": 1}, {"l": [{"q": "b"}, {"q": "a"}], "m": 2}, [
        {"op": "remove", "path": "/l/1", "old": {"q": "b"}}, {"op": "add", "path": "/l/0", "new": {"q": "b"}},
        {"op": "replace", "path": "/m", "old": 1, "new": 2}]),
    ({"a/b": {"~": 1}}, {"a/b": {"~": 2}}, [{"op": "replace", "path": "/a~1b/~0", "old": 1, "new": 2}]),
]


@pytest.mark.parametrize(("before", "after", "expected"), FIELD_CHANGES)
def test_field_changes(before: Any, after: Any, expected: list[dict[str, Any]]) -> None:
    assert field_changes(before, after) == expected
