"""The curation API on SQLite and PostgreSQL: upload a source, propose a fact, have another key approve it,
publish it — and everything a reader sees move with it, exactly as a full rebuild would have it."""

import copy
import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import client_for, migrate_and_seed
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.cli import main as cli
from app.config import Settings, get_settings
from app.db import make_engine
from app.facts.documents import rebuild_documents
from app.facts.history import verify_history
from app.ingest.candidates import find_candidates
from app.keys.service import create_key
from app.registry import DOCUMENTED_KINDS
from app.search.index import rebuild_search_index

SOURCE = "economic-daily-2020-10-20-longgang"
NEW_SOURCE = "test-daily-2021-03-01-longgang"
NEW_BODY = "龙港市2021年新增市场主体1.2万户,同比增长15%。全市推行“一件事”集成改革。"
MEASURE = "one-seal-for-approvals"


def make_keys(url: str) -> dict[str, dict[str, str]]:
    """name → Authorization header: an author, a reviewer, a publisher, and one key of every other kind."""
    engine = make_engine(Settings(database_url=url))
    headers = {}
    with engine.begin() as connection:
        for name, scopes in [("alice", ("propose",)), ("bob", ("review",)), ("carol", ("publish",)),
                             ("dave", ("propose", "review", "publish")), ("admin", ("admin",))]:
            headers[name] = {"Authorization": f"Bearer {create_key(connection, name, scopes)}"}
    engine.dispose()
    return headers


@pytest.fixture
def curated(empty_url: str) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], str]]:
    migrate_and_seed(empty_url)
    keys = make_keys(empty_url)
    with client_for(empty_url, version_check_interval=0.0) as client:
        yield client, keys, empty_url


def new_measure(slug: str = "new-market-entities-2021") -> dict[str, Any]:
    return {
        "slug": slug, "name": {"zh": "新增市场主体", "en": "New market entities"}, "category": "industry",
        "kind": "reform", "programme": None, "place": {"slug": "longgang"},
        "summary": {"zh": "龙港市2021年新增市场主体1.2万户。", "en": "Longgang added 12,000 market entities in 2021."},
        "speaker": None,
        "citations": [{"source": NEW_SOURCE, "quote": "龙港市2021年新增市场主体1.2万户", "start": 0, "end": 19}],
        "metrics": [{"slug": slug + "-count", "value": "1.2", "unit": "entity", "unit_zh": "万户",
                     "unit_multiplier": 4, "value_base": "12000", "comparator": "eq", "target": False,
                     "counted": {"zh": "新增市场主体", "en": "New market entities"},
                     "citations": [{"source": NEW_SOURCE, "quote": "新增市场主体1.2万户", "start": 8, "end": 19}]}],
    }


def upload(client: TestClient, keys: dict, slug: str = NEW_SOURCE, body: str = NEW_BODY) -> Any:
    return client.post("/v1/sources", headers=keys["alice"], json={
        "slug": slug, "title": {"zh": "龙港一年", "en": "Longgang's year"},
        "publisher": {"zh": "测试日报", "en": "Test Daily"}, "published_on": "2021-03-01", "body": body})


def propose(client: TestClient, keys: dict, operation: str, slug: str, document: Any = None,
            if_match: str | None = None, who: str = "alice", kind: str = "measure") -> Any:
    headers = {**keys[who], **({"If-Match": if_match} if if_match else {})}
    return client.post("/v1/proposals", headers=headers, json={
        "kind": kind, "operation": operation, "slug": slug, "document": document, "comment": f"{operation} {slug}"})


def approve_and_publish(client: TestClient, keys: dict, proposal_id: int) -> Any:
    assert client.post(f"/v1/proposals/{proposal_id}/reviews", headers=keys["bob"],
                       json={"decision": "approve", "comment": "checked"}).status_code == 201
    return client.post(f"/v1/proposals/{proposal_id}/publish", headers=keys["carol"])


def version(client: TestClient) -> int:
    return client.get("/v1/meta").json()["dataset_version"]


def test_a_fact_goes_from_proposal_to_every_read_view(curated: tuple) -> None:
    client, keys, url = curated
    before = version(client)
    response = upload(client, keys)
    assert (response.status_code, response.json()) == (201, {"slug": NEW_SOURCE, "url": f"/v1/sources/{NEW_SOURCE}"})
    assert response.headers["location"] == f"/v1/sources/{NEW_SOURCE}"
    source = client.get(f"/v1/sources/{NEW_SOURCE}").json()
    assert source["body_sha256"] == hashlib.sha256(NEW_BODY.encode()).hexdigest()
    assert client.get(f"/v1/sources/{NEW_SOURCE}/body").text == NEW_BODY
    assert version(client) == before + 1

    response = propose(client, keys, "create", "new-market-entities-2021", new_measure())
    assert response.status_code == 201, response.text
    proposal = response.json()
    assert response.headers["location"] == proposal["url"] == f"/v1/proposals/{proposal['id']}"
    assert response.headers["cache-control"] == "no-store"
    assert (proposal["status"], proposal["author"], proposal["reviews"]) == ("open", "alice", [])
    assert client.get("/v1/measures/new-market-entities-2021").status_code == 404  # nothing served yet

    own = client.post(f"/v1/proposals/{proposal['id']}/reviews", headers=keys["alice"],
                      json={"decision": "approve"})
    assert own.status_code == 403  # alice has no review scope
    published = approve_and_publish(client, keys, proposal["id"])
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.json()["published_version"] == before + 2 == version(client)

    fact = client.get("/v1/measures/new-market-entities-2021").json()
    assert fact["name"] == {"zh": "新增市场主体", "en": "New market entities"}
    assert fact["place"]["name"]["en"] == "Longgang City"
    assert fact["metrics"][0]["value"] == "1.2" and fact["metrics"][0]["value_base"] == "12000"
    assert fact["citations"][0]["quote"] == "龙港市2021年新增市场主体1.2万户"
    assert fact["status"] == "active"

    hits = client.get("/v1/search", params={"q": "新增市场主体"}).json()["data"]
    assert [h["slug"] for h in hits if h["type"] == "measure"] == ["new-market-entities-2021"]
    changes = client.get("/v1/changes", params={"since": before + 1}).json()["data"]
    assert [(c["type"], c["slug"], c["operation"], c["author"], c["reviewer"], c["proposal"]) for c in changes
            if c["slug"] == "new-market-entities-2021"] == [
        ("measure", "new-market-entities-2021", "create", "key:alice", "key:bob", proposal["url"])]
    # The source now counts the citations that quote it.
    assert client.get(f"/v1/sources/{NEW_SOURCE}").json()["citation_count"] == 2
    assert_read_model_is_a_rebuild(url)


def test_update_and_deprecate_need_the_current_etag(curated: tuple) -> None:
    client, keys, url = curated
    item = client.get(f"/v1/measures/{MEASURE}")
    etag, document = item.headers["etag"].removesuffix('-gzip"').rstrip('"') + '"', item.json()
    changed = copy.deepcopy(document)
    changed["summary"]["en"] = "One seal now covers approvals in every field."

    missing = propose(client, keys, "update", MEASURE, changed)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["current_etag"] == etag == missing.headers["etag"]
    stale = propose(client, keys, "update", MEASURE, changed, if_match='"000000000000000000000000"')
    assert (stale.status_code, stale.json()["current_etag"]) == (412, etag)
    assert propose(client, keys, "update", MEASURE, changed, if_match="*").status_code == 428
    assert propose(client, keys, "update", MEASURE, changed, if_match=f"W/{etag}").status_code == 412

    first = propose(client, keys, "update", MEASURE, changed, if_match=etag).json()
    second = propose(client, keys, "deprecate", MEASURE, None, if_match=etag).json()
    assert first["base_etag"] == second["base_etag"] == etag
    assert approve_and_publish(client, keys, first["id"]).status_code == 200
    after = client.get(f"/v1/measures/{MEASURE}")
    assert after.json()["summary"]["en"] == "One seal now covers approvals in every field."
    # The deprecation was based on the version before the update: publishing it would silently undo it.
    refused = approve_and_publish(client, keys, second["id"])
    new_etag = after.headers["etag"].removesuffix('-gzip"').rstrip('"') + '"'
    assert (refused.status_code, refused.json()["current_etag"]) == (412, new_etag)
    assert client.get(f"/v1/proposals/{second['id']}").json()["status"] == "approved"  # left as it was

    again = propose(client, keys, "deprecate", MEASURE, None, if_match=new_etag).json()
    assert approve_and_publish(client, keys, again["id"]).status_code == 200
    gone = client.get(f"/v1/measures/{MEASURE}").json()
    assert (gone["status"], gone["status_reason"]) == ("deprecated", f"deprecate {MEASURE}")
    assert MEASURE not in [m["slug"] for m in client.get("/v1/measures", params={"limit": 100}).json()["data"]]
    history = client.get(f"/v1/measures/{MEASURE}/history").json()["data"]
    assert [(h["operation"], h["author"], h["reviewer"]) for h in history] == [
        ("create", history[0]["author"], None), ("update", "key:alice", "key:bob"),
        ("deprecate", "key:alice", "key:bob")]
    assert_read_model_is_a_rebuild(url)


def test_review_and_publish_follow_the_proposals_state(curated: tuple) -> None:
    client, keys, _ = curated
    assert upload(client, keys).status_code == 201
    proposal = propose(client, keys, "create", "new-market-entities-2021", new_measure()).json()
    pid = proposal["id"]
    assert client.post(f"/v1/proposals/{pid}/publish", headers=keys["carol"]).status_code == 409  # open
    # dave holds every scope, but reviews only others' proposals.
    own = propose(client, keys, "create", "another-2021", new_measure("another-2021"), who="dave").json()
    refused = client.post(f"/v1/proposals/{own['id']}/reviews", headers=keys["dave"], json={"decision": "approve"})
    assert (refused.status_code, refused.json()["detail"]) == (
        403, "A proposal is reviewed by someone else: this key proposed it.")
    rejected = client.post(f"/v1/proposals/{pid}/reviews", headers=keys["bob"],
                           json={"decision": "reject", "comment": "source unclear"})
    assert (rejected.status_code, rejected.json()["status"]) == (201, "rejected")
    assert client.post(f"/v1/proposals/{pid}/reviews", headers=keys["dave"],
                       json={"decision": "approve"}).status_code == 409
    assert client.post(f"/v1/proposals/{pid}/publish", headers=keys["carol"]).status_code == 409
    assert client.post("/v1/proposals/999/publish", headers=keys["carol"]).status_code == 404
    listed = client.get("/v1/proposals", params={"status": "rejected"}).json()
    assert [(p["id"], p["reviews"][0]["reviewer"], p["reviews"][0]["comment"]) for p in listed["data"]] == [
        (pid, "bob", "source unclear")]
    assert [p["id"] for p in client.get("/v1/proposals", params={"author": "dave"}).json()["data"]] == [own["id"]]
    page = client.get("/v1/proposals", params={"limit": 1}).json()
    assert page["links"]["next"] == f"/v1/proposals?limit=1&after={pid}"
    assert client.get("/v1/proposals", params={"colour": "red"}).status_code == 400
    assert client.get("/v1/proposals", headers={"Accept": "text/csv"}).status_code == 406


def pointers(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [e["pointer"] for e in response.json()["errors"]]


def with_change(change: Any) -> dict[str, Any]:
    document = new_measure()
    change(document)
    return document


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["citations"][0].update(quote="龙港市2022年新增市场主体"), ["/document/citations/0/quote"]),
    (lambda d: d["citations"][0].update(start=1, end=21), ["/document/citations/0/start"]),
    (lambda d: d["citations"][0].update(source="no-such-source"), ["/document/citations/0/source"]),
    (lambda d: d["metrics"][0].update(value="1.3", value_base="13000"), ["/document/metrics/0/value"]),
    (lambda d: d["metrics"][0].update(value_base="1200"), ["/document/metrics/0"]),
    (lambda d: d["name"].update(en=None), ["/document/name/en"]),
    (lambda d: d.pop("summary"), ["/document/summary/zh", "/document/summary/en"]),
    (lambda d: d.update(place="atlantis"), ["/document/place"]),
    (lambda d: d.update(programme={"slug": "no-programme"}), ["/document/programme"]),
    (lambda d: d.update(category="weather"), ["/document/category"]),
    (lambda d: d.update(slug="other-slug"), ["/document/slug"]),
    (lambda d: d.update(citations=[]), ["/document/citations"]),
    (lambda d: d["metrics"][0].update(slug="one-seal-licensing-items-centralized"), ["/document/metrics/0/slug"]),
])
def test_a_proposal_fails_the_seed_checks_with_pointers(curated: tuple, change: Any, expected: list[str]) -> None:
    client, keys, _ = curated
    assert upload(client, keys).status_code == 201
    response = propose(client, keys, "create", "new-market-entities-2021", with_change(change))
    assert pointers(response) == expected
    assert client.get("/v1/proposals").json()["data"] == []  # nothing stored


def test_proposals_that_cannot_be_made(curated: tuple) -> None:
    client, keys, _ = curated
    exists = propose(client, keys, "create", MEASURE, new_measure(MEASURE))
    assert (exists.status_code, exists.json()["errors"]) == (409, [{"pointer": "/slug", "detail": "is taken"}])
    assert propose(client, keys, "update", "no-such-measure", new_measure("no-such-measure"),
                   if_match='"x"').status_code == 404
    assert pointers(propose(client, keys, "create", "x", new_measure("x"), kind="source")) == ["/kind"]
    assert pointers(propose(client, keys, "create", "new-one", None)) == ["/document"]
    assert propose(client, keys, "create", "Bad Slug", new_measure()).status_code == 422


def test_a_source_is_stored_nfc_and_once(curated: tuple) -> None:
    client, keys, _ = curated
    decomposed = unicodedata.normalize("NFD", "Café 龙港")
    assert upload(client, keys, slug="nfc-test", body=decomposed).status_code == 201
    stored = client.get("/v1/sources/nfc-test/body").text
    assert stored == unicodedata.normalize("NFC", decomposed) != decomposed
    assert client.get("/v1/sources/nfc-test").json()["body_sha256"] == hashlib.sha256(stored.encode()).hexdigest()
    again = upload(client, keys, slug="nfc-test")
    assert again.status_code == 409
    empty = upload(client, keys, slug="empty-body", body="   ")
    assert empty.status_code == 422 and "body" in empty.text


def test_the_cached_item_moves_on_after_a_publish(curated: tuple) -> None:
    client, keys, _ = curated
    first = client.get(f"/v1/measures/{MEASURE}")
    assert client.get(f"/v1/measures/{MEASURE}").headers["etag"] == first.headers["etag"]  # cached
    document = first.json()
    document["name"]["en"] = "One seal for all approvals"
    etag = first.headers["etag"]  # the gzip body's ETag names the same version of the fact
    assert etag.endswith('-gzip"')
    proposal = propose(client, keys, "update", MEASURE, document, if_match=etag).json()
    assert approve_and_publish(client, keys, proposal["id"]).status_code == 200
    second = client.get(f"/v1/measures/{MEASURE}")
    assert second.json()["name"]["en"] == "One seal for all approvals"
    assert second.headers["etag"] != first.headers["etag"]
    assert client.get(f"/v1/measures/{MEASURE}", headers={"If-None-Match": first.headers["etag"]}).status_code == 200


def test_every_write_is_audited_without_secrets(curated: tuple) -> None:
    client, keys, url = curated
    assert upload(client, keys).status_code == 201
    proposal = propose(client, keys, "create", "new-market-entities-2021", new_measure()).json()
    assert approve_and_publish(client, keys, proposal["id"]).status_code == 200
    assert client.post("/v1/sources", json={}).status_code == 401
    engine = make_engine(Settings(database_url=url))
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(text(
            "SELECT actor, action, target, outcome FROM audit_event WHERE actor <> 'cli' ORDER BY id"))]
        stored = " ".join(str(v) for r in connection.execute(text("SELECT * FROM audit_event")) for v in r)
    engine.dispose()
    pid = proposal["id"]
    assert rows[:4] == [
        ("key:alice", "POST /v1/sources", f"/v1/sources/{NEW_SOURCE}", rows[0][3]),
        ("key:alice", "POST /v1/proposals", f"/v1/proposals/{pid}", "201 create /v1/measures/new-market-entities-2021"),
        ("key:bob", "POST /v1/proposals/{proposal_id}/reviews", f"/v1/proposals/{pid}", "201 approved"),
        ("key:carol", "POST /v1/proposals/{proposal_id}/publish", f"/v1/proposals/{pid}", rows[3][3]),
    ]
    assert rows[0][3].startswith("201 version ") and rows[3][3].startswith("200 published /v1/measures/")
    assert rows[4] == ("anonymous", "POST /v1/sources", "/v1/sources", "401 no credentials")
    assert len(rows) == 5  # a refused credential is recorded once
    for header in keys.values():
        secret = header["Authorization"].split()[1]
        assert secret not in stored and secret[17:] not in stored


def test_every_refused_write_is_audited(curated: tuple) -> None:
    client, keys, url = curated
    assert propose(client, keys, "create", "x-1", with_change(lambda d: d.update(slug="x-1"))).status_code == 422
    assert propose(client, keys, "update", MEASURE, new_measure(MEASURE)).status_code == 428
    assert client.post("/v1/proposals", headers=keys["alice"], json={"kind": "measure"}).status_code == 422
    own = propose(client, keys, "create", "mine", None, who="dave")
    assert own.status_code == 422
    assert client.post("/v1/proposals/77/publish", headers=keys["carol"]).status_code == 404
    engine = make_engine(Settings(database_url=url))
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(text(
            "SELECT actor, action, outcome FROM audit_event WHERE actor <> 'cli' ORDER BY id"))]
    engine.dispose()
    assert [(actor, action, outcome.split(" ", 1)[0]) for actor, action, outcome in rows] == [
        ("key:alice", "POST /v1/proposals", "422"), ("key:alice", "POST /v1/proposals", "428"),
        ("key:alice", "POST /v1/proposals", "422"), ("key:dave", "POST /v1/proposals", "422"),
        ("key:carol", "POST /v1/proposals/{proposal_id}/publish", "404")]
    assert rows[0][2].startswith("422 The measure does not pass the checks every fact passes: /document/citations/0/source")


def assert_read_model_is_a_rebuild(url: str) -> None:
    """What the writes left — documents, search index, history — is what a full rebuild would make."""
    engine = make_engine(Settings(database_url=url))
    documents = "SELECT kind, key, json_zh_en, json_zh, json_en, title_zh, title_en FROM fact_document"
    search = "SELECT doc_type, doc_slug, field, weight, text FROM search_document"
    terms = ("SELECT t.term, d.doc_type, d.doc_slug, d.field, t.weight FROM search_term t "
             "JOIN search_document d ON d.id = t.document_id")

    def read(session: Session) -> tuple:
        return tuple(sorted(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                            for row in session.execute(text(q))) for q in (documents, search, terms))

    with Session(engine) as session:
        written = read(session)
        rebuild_documents(session, DOCUMENTED_KINDS)
        rebuild_search_index(session)
        rebuilt = read(session)
        session.rollback()
        checked, problems = verify_history(session)
    engine.dispose()
    assert written[0] == rebuilt[0]
    assert written[1] == rebuilt[1]
    assert written[2] == rebuilt[2]
    assert checked > 0 and problems == []


def test_nothing_is_half_written_when_a_publish_fails(curated: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    client, keys, url = curated
    assert upload(client, keys).status_code == 201
    proposal = propose(client, keys, "create", "new-market-entities-2021", new_measure()).json()
    assert client.post(f"/v1/proposals/{proposal['id']}/reviews", headers=keys["bob"],
                       json={"decision": "approve"}).status_code == 201
    before = version(client)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the search index is full")

    monkeypatch.setattr("app.curation.write.reindex_facts", broken)
    with TestClient(client.app, raise_server_exceptions=False) as failing:
        response = failing.post(f"/v1/proposals/{proposal['id']}/publish", headers=keys["carol"])
    assert response.status_code == 500 and "the search index is full" not in response.text
    monkeypatch.undo()
    assert version(client) == before
    assert client.get("/v1/measures/new-market-entities-2021").status_code == 404
    assert client.get(f"/v1/proposals/{proposal['id']}").json()["status"] == "approved"
    assert approve_and_publish_again(client, keys, proposal["id"]).status_code == 200
    assert_read_model_is_a_rebuild(url)


def approve_and_publish_again(client: TestClient, keys: dict, proposal_id: int) -> Any:
    return client.post(f"/v1/proposals/{proposal_id}/publish", headers=keys["carol"])


def test_candidates_of_a_stored_source_are_the_ingest_commands_and_propose_as_they_are(curated: tuple) -> None:
    client, keys, _ = curated
    response = client.post(f"/v1/sources/{SOURCE}/candidates", headers=keys["alice"])
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    found = response.json()
    body = client.get(f"/v1/sources/{SOURCE}/body").text
    assert (found["source"], found["published"]) == (SOURCE, "2020-10-20")
    assert found["sha256"] == hashlib.sha256(body.encode()).hexdigest()
    assert [{k: v for k, v in c.items() if k != "citation"} for c in found["candidates"]] == \
        find_candidates(body, dt.date(2020, 10, 20))
    for candidate in found["candidates"]:
        citation = candidate["citation"]
        assert body[citation["start"]:citation["end"]] == citation["quote"] == candidate["quote"]
    licensing = next(c for c in found["candidates"] if c["kind"] == "number" and c["value"] == "1129")
    assert (licensing["unit_zh"], licensing["value_base"], licensing["comparator"]) == ("项", "1129", "eq")

    # A person quoted by a candidate's clause: the citation goes into a proposal unchanged.
    name = next(c for c in found["candidates"] if c["kind"] == "name")
    document = {"slug": "candidate-test", "name": {"zh": "测试", "en": "Test"}, "role": {"zh": "测试", "en": "Test"},
                "citations": [name["citation"]]}
    assert propose(client, keys, "create", "candidate-test", document, kind="person").status_code == 201
    assert client.post("/v1/sources/no-such-source/candidates", headers=keys["alice"]).status_code == 404
    assert client.post(f"/v1/sources/{SOURCE}/candidates", headers=keys["bob"]).status_code == 403


def test_an_article_goes_from_upload_to_a_published_fact_through_its_candidates(curated: tuple) -> None:
    """Issue 12's path: upload a source → its candidates → a proposal made of them → review → publish."""
    client, keys, url = curated
    assert upload(client, keys).status_code == 201
    found = client.post(f"/v1/sources/{NEW_SOURCE}/candidates", headers=keys["alice"]).json()["candidates"]
    reform = next(c for c in found if c["kind"] == "name" and c["names"] == "reform")
    count = next(c for c in found if c["kind"] == "number" and c["role"] == "level")
    metric = {key: count[key] for key in ("value", "unit", "unit_zh", "unit_multiplier", "value_base", "comparator")}
    document = {
        "slug": "one-thing-integrated-reform", "category": "public_services", "kind": "reform", "programme": None,
        "place": "longgang", "speaker": None, "name": {"zh": reform["term"], "en": "“One thing” integrated reform"},
        "summary": {"zh": reform["quote"], "en": "The city rolls out the “one thing” integrated reform."},
        "citations": [reform["citation"]],
        "metrics": [{"slug": "one-thing-new-market-entities", **metric, "target": False,
                     "counted": {"zh": "新增市场主体", "en": "New market entities"}, "citations": [count["citation"]]}],
    }
    proposal = propose(client, keys, "create", "one-thing-integrated-reform", document)
    assert proposal.status_code == 201, proposal.text
    assert approve_and_publish(client, keys, proposal.json()["id"]).status_code == 200
    fact = client.get("/v1/measures/one-thing-integrated-reform").json()
    assert fact["name"]["zh"] == "“一件事”集成改革"
    assert fact["citations"][0] | {"source_url": None} == {**reform["citation"], "source_url": None}
    assert {k: fact["metrics"][0][k] for k in metric} == {
        "value": "1.2", "unit": "household", "unit_zh": "万户", "unit_multiplier": 4, "value_base": "12000",
        "comparator": "eq"}
    assert_read_model_is_a_rebuild(url)


@pytest.mark.parametrize(("plural", "kind", "slug", "stem"), [
    ("places", "place", "longgang", "name"),  # shown in ~70 other facts' documents
    ("people", "person", "zheng-jianzhong", "role"),
    ("events", "event", "longgang-town-founded-1983-10", "title"),
    ("indicators", "indicator", "gdp", "name"),
    ("observations", "observation", "longgang-gdp-2020-h1", "note"),
    ("programmes", "programme", "town-to-city-reform", "name"),
    ("measures", "measure", MEASURE, "name"),
])
def test_an_update_of_each_kind_leaves_what_a_rebuild_would(curated: tuple, plural: str, kind: str, slug: str,
                                                             stem: str) -> None:
    client, keys, url = curated
    item = client.get(f"/v1/{plural}/{slug}")
    document = item.json()
    document[stem]["en"] = f"{document[stem]['en']} (revised)"
    etag = item.headers["etag"].removesuffix('-gzip"').rstrip('"') + '"'
    proposal = propose(client, keys, "update", slug, document, if_match=etag, kind=kind)
    assert proposal.status_code == 201, proposal.text
    assert approve_and_publish(client, keys, proposal.json()["id"]).status_code == 200
    assert client.get(f"/v1/{plural}/{slug}").json()[stem]["en"].endswith(" (revised)")
    assert_read_model_is_a_rebuild(url)


def test_a_published_observation_that_disagrees_is_ranked_and_listed(curated: tuple) -> None:
    client, keys, url = curated
    body = "2020年上半年,龙港实现地区生产总值140.2亿元。"
    assert upload(client, keys, slug="later-report-2021", body=body).status_code == 201
    document = client.get("/v1/observations/longgang-gdp-2020-h1").json()
    document.update(slug="longgang-gdp-2020-h1-revised", value="140.2", value_base="14020000000", yoy_change_pct=None,
                    note={"zh": None, "en": None},
                    citations=[{"source": "later-report-2021", "quote": body[:-1], "start": 0, "end": len(body) - 1}])
    proposal = propose(client, keys, "create", "longgang-gdp-2020-h1-revised", document, kind="observation")
    assert proposal.status_code == 201, proposal.text
    assert approve_and_publish(client, keys, proposal.json()["id"]).status_code == 200
    old = client.get("/v1/observations/longgang-gdp-2020-h1").json()
    new = client.get("/v1/observations/longgang-gdp-2020-h1-revised").json()
    assert (new["rank"], old["rank"]) == ("preferred", "normal")
    assert old["rank_reason"] == "longgang-gdp-2020-h1-revised is preferred for the same indicator, place and period"
    conflicts = client.get("/v1/conflicts").json()["data"]
    assert [[fact["slug"] for fact in c["facts"]] for c in conflicts] == [
        ["longgang-gdp-2020-h1-revised", "longgang-gdp-2020-h1"]]  # the preferred one first
    assert_read_model_is_a_rebuild(url)


def test_seed_will_not_overwrite_a_published_fact_until_it_is_exported(
        curated: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    client, keys, url = curated
    assert upload(client, keys).status_code == 201
    proposal = propose(client, keys, "create", "new-market-entities-2021", new_measure()).json()
    assert approve_and_publish(client, keys, proposal["id"]).status_code == 200
    published_version = version(client)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        capsys.readouterr()
        assert cli(["seed", "--force"]) == 1  # the files know nothing of the published measure: it would go
        err = capsys.readouterr().err
        assert "/v1/measures/new-market-entities-2021" in err and "key:alice" in err
        assert version(client) == published_version
        assert client.get("/v1/measures/new-market-entities-2021").json()["status"] == "active"
        out_dir = tmp_path / "exported"
        assert cli(["export", str(out_dir)]) == 0
        assert "new-market-entities-2021" in (out_dir / "measures.yaml").read_text(encoding="utf-8")
        assert cli(["seed", "--dir", str(out_dir)]) == 0  # the files and the database agree again
    finally:
        get_settings.cache_clear()
    assert client.get("/v1/measures/new-market-entities-2021").json()["status"] == "active"
