"""Revisions: every seed appends a hash-chained revision per changed fact; history and changes over HTTP;
`verify-history` finds tampering; nothing can update or delete a revision."""

import shutil
from pathlib import Path

import pytest
from conftest import SEED_DIR, client_for, migrate_and_seed
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.cli import main as cli
from app.config import Settings
from app.db import make_engine
from app.facts.history import GENESIS, verify_history
from app.seed.yamlio import dump_yaml, read_yaml

MEASURE = "one-seal-for-approvals"
EVENT = "longgang-town-founded-1983-10"


def every_change(client: TestClient, url: str) -> list[dict]:
    out: list[dict] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        out += response.json()["data"]
        url = response.json()["links"]["next"]
    return out


def verify(url: str) -> tuple[int, list[str]]:
    engine = make_engine(Settings(database_url=url))
    try:
        with Session(engine) as session:
            return verify_history(session)
    finally:
        engine.dispose()


@pytest.fixture
def changed_seed(tmp_path: Path) -> Path:
    """The seed files with one measure's English name changed and one event removed."""
    target = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, target)
    measures = read_yaml(target / "measures.yaml")
    next(m for m in measures if m["slug"] == MEASURE)["name_en"] = "One seal for every approval"
    (target / "measures.yaml").write_text(dump_yaml(measures), encoding="utf-8")
    events = read_yaml(target / "events.yaml")
    (target / "events.yaml").write_text(dump_yaml([e for e in events if e["slug"] != EVENT]), encoding="utf-8")
    return target


def test_first_seed_creates_each_fact_once_in_one_chain(client: TestClient) -> None:
    changes = every_change(client, "/v1/changes?limit=40")
    meta = client.get("/v1/meta").json()
    documented = sum(v for k, v in meta["counts"].items() if k not in ("citations", "metrics"))  # metrics: in measures
    assert len(changes) == documented == 92
    assert {c["operation"] for c in changes} == {"create"}
    assert {c["dataset_version"] for c in changes} == {1}
    assert changes[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(changes, changes[1:], strict=False))
    assert [c["revision"] for c in changes] == sorted(c["revision"] for c in changes)
    assert changes[0]["author"].startswith("seed sha256:")


def test_a_fact_history_replays_to_its_document(client: TestClient) -> None:
    history = client.get(f"/v1/measures/{MEASURE}/history").json()
    assert history["meta"]["total"] == 1
    (created,) = history["data"]
    assert (created["type"], created["slug"], created["url"], created["operation"]) == (
        "measure", MEASURE, f"/v1/measures/{MEASURE}", "create")
    import jsonpatch

    assert jsonpatch.apply_patch({}, created["patch"]) == client.get(f"/v1/measures/{MEASURE}").json()
    # An indicator's history is under its code, like the indicator.
    assert client.get("/v1/indicators/gdp/history").json()["data"][0]["slug"] == "gdp"


@pytest.mark.parametrize(("path", "status", "parameter"), [
    ("/v1/measures/no-such-measure/history", 404, None),
    ("/v1/changes?since=2", 400, "since"),
    ("/v1/changes?since=-1", 422, "since"),  # wrong type or range: 422, as on every route
    ("/v1/changes?since=one", 422, "since"),
    ("/v1/changes?type=meal", 422, "type"),
    ("/v1/changes?colour=red", 400, "colour"),
])
def test_bad_history_requests_name_the_problem(client: TestClient, path: str, status: int,
                                               parameter: str | None) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if parameter:
        assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


def test_changes_come_as_ndjson_and_filtered_by_type(client: TestClient) -> None:
    response = client.get("/v1/changes?type=indicator&format=ndjson&limit=200")
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.text.splitlines()
    assert len(lines) == 9
    assert all('"type":"indicator"' in line for line in lines)


def test_a_changed_seed_appends_an_update_and_a_deprecation(empty_url: str, changed_seed: Path) -> None:
    migrate_and_seed(empty_url)
    report = migrate_and_seed(empty_url, changed_seed)
    assert report is not None
    assert report["revision.update"] >= 1 and report["revision.deprecate"] == 1
    with client_for(empty_url) as client:
        since = every_change(client, "/v1/changes?since=1")
        assert {c["dataset_version"] for c in since} == {2}
        update = next(c for c in since if c["slug"] == MEASURE)
        assert update["operation"] == "update"
        assert update["patch"] == [{"op": "replace", "path": "/name/en", "value": "One seal for every approval"}]
        deprecation = next(c for c in since if c["slug"] == EVENT)
        assert deprecation["operation"] == "deprecate"
        assert deprecation["patch"] == [{"op": "replace", "path": "/status", "value": "deprecated"},
                                        {"op": "replace", "path": "/status_reason",
                                         "value": "removed from the seed files"}]
        assert client.get(f"/v1/events/{EVENT}").json()["status"] == "deprecated"
        # updated_since= on the collections: the facts those changes touched.
        slugs = lambda url: [item["slug"] for item in client.get(url).json()["data"]]  # noqa: E731
        assert slugs("/v1/measures?updated_since=1&limit=200") == [MEASURE]
        assert slugs("/v1/events?updated_since=1") == []  # the removed event is deprecated: not listed …
        assert slugs("/v1/events?updated_since=1&status=deprecated") == [EVENT]  # … unless asked for
        assert len(slugs("/v1/measures?updated_since=0&limit=200")) == 33
        future = client.get("/v1/measures?updated_since=3")
        assert future.status_code == 400
        assert [e["parameter"] for e in future.json()["errors"]] == ["updated_since"]
        history = client.get(f"/v1/measures/{MEASURE}/history").json()["data"]
        assert [h["operation"] for h in history] == ["create", "update"]
        assert client.get(f"/v1/events/{EVENT}/history").json()["meta"]["total"] == 2
    assert verify(empty_url) == (92 + len(since), [])
    # The same files again: nothing changed, nothing appended.
    assert migrate_and_seed(empty_url, changed_seed) is None


def test_revisions_cannot_be_updated_or_deleted_and_tampering_is_found(
        empty_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    migrate_and_seed(empty_url)
    monkeypatch.setenv("DATABASE_URL", empty_url)
    from app.config import get_settings

    get_settings.cache_clear()
    assert cli(["verify-history"]) == 0
    assert "ok: 92 revision(s)" in capsys.readouterr().out
    engine = make_engine(Settings(database_url=empty_url))
    try:
        for statement in ("UPDATE fact_revision SET comment = 'rewritten' WHERE id = 5",
                          "DELETE FROM fact_revision WHERE id = 5"):
            with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        # Someone with the database's owner rights drops the guard and edits a revision: the chain shows it.
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("ALTER TABLE fact_revision DISABLE TRIGGER fact_revision_append_only"))
            else:
                connection.execute(text("DROP TRIGGER fact_revision_append_only_update"))
            connection.execute(text("UPDATE fact_revision SET comment = 'rewritten' WHERE id = 5"))
    finally:
        engine.dispose()
    checked, problems = verify(empty_url)
    assert checked == 92
    assert len(problems) == 1 and problems[0].startswith("revision 5 (") and "hash does not match" in problems[0]
    assert cli(["verify-history"]) == 1
    assert "revision 5 (" in capsys.readouterr().err
    get_settings.cache_clear()
