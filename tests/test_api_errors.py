"""Every error is one RFC 9457 problem shape (application/problem+json), and a 500 shows no internals."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.api_helpers import PROBLEM_MEDIA_TYPE
from tests.conftest import settings_for

SECRET = "secret-internal-detail-7f3a"
TYPE_BASE = "https://reform-facts.example/problems/"


@pytest.fixture
def crashing_client(seeded_url: str) -> Iterator[TestClient]:
    """The real app plus routes that fail unexpectedly; exceptions become responses, as in production."""
    app = create_app(settings_for(seeded_url))

    def boom() -> None:
        raise RuntimeError(f"{SECRET}: password=hunter2 at /srv/app/db.py line 42")

    app.add_api_route("/boom", boom)
    app.add_api_route("/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# (method, url, headers) → (status, type slug, title, parameter named in errors[] or None)
CASES = [
    ("GET", "/v1/events?colour=red", {}, (400, "invalid-parameter", "Invalid query parameter", "colour")),
    ("GET", "/v1/events?cursor=bm9wZQ", {}, (400, "invalid-parameter", "Invalid query parameter", "cursor")),
    ("GET", "/v1/events?sort=colour", {}, (400, "invalid-parameter", "Invalid query parameter", "sort")),
    ("GET", "/v1/events/no-such-event", {}, (404, "not-found", "Not Found", None)),
    ("GET", "/v1/no-such-resource", {}, (404, "not-found", "Not Found", None)),
    ("GET", "/nowhere", {}, (404, "not-found", "Not Found", None)),
    ("POST", "/v1/events", {}, (405, "method-not-allowed", "Method Not Allowed", None)),
    ("DELETE", "/v1/measures/one-seal-for-approvals", {}, (405, "method-not-allowed", "Method Not Allowed", None)),
    ("GET", "/v1/events", {"Accept": "image/png"}, (406, "not-acceptable", "Not Acceptable", None)),
    ("GET", "/v1/events?limit=0", {}, (422, "validation-error", "Invalid request", "limit")),
    ("GET", "/v1/events?date_from=someday", {}, (422, "validation-error", "Invalid request", "date_from")),
    ("GET", "/v1/search", {}, (422, "validation-error", "Invalid request", "q")),
]


def test_every_error_is_a_problem_document(client: TestClient, crashing_client: TestClient) -> None:
    responses = [(client.request(m, url, headers=h), url, expected) for m, url, h, expected in CASES]
    for url in ("/boom", "/v1/boom"):
        responses.append((crashing_client.get(url), url, (500, "internal-server-error", "Internal Server Error",
                                                           None)))
    for response, url, (status, type_slug, title, parameter) in responses:
        where = f"{url} → {response.status_code}"
        assert response.status_code == status, where
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE, where
        body = response.json()
        assert set(body) == {"type", "title", "status", "detail", "instance"} | ({"errors"} if parameter else set())
        assert body["type"] == TYPE_BASE + type_slug, where
        assert body["status"] == status and body["instance"] == url.split("?")[0], where
        if title is not None:
            assert body["title"] == title, where
        assert isinstance(body["detail"], str) and len(body["detail"]) > 10, where
        if parameter:
            assert [e["parameter"] for e in body["errors"]] == [parameter], where
            assert all(set(e) <= {"parameter", "reason", "in"} and e["reason"] for e in body["errors"]), where
            if status == 422:
                assert body["errors"][0]["in"] == "query", where
        text = response.text
        for leak in ("Traceback", 'File "', SECRET, "hunter2", "RuntimeError", "/srv/app", "sqlalchemy"):
            assert leak not in text, (where, leak)
    assert responses[6][0].headers["allow"] == "GET, HEAD"


def test_one_problem_type_has_one_title(client: TestClient) -> None:
    item = client.get("/v1/events/no-such-event").json()
    path = client.get("/v1/no-such-resource").json()
    assert item["type"] == path["type"]
    assert item["title"] == path["title"]


def test_database_errors_are_503_only_when_the_connection_is_lost(seeded_url: str) -> None:
    from sqlalchemy.exc import DatabaseError, DataError

    app = create_app(settings_for(seeded_url))

    def lost() -> None:  # e.g. the server killed mid-query, reported by the driver as a generic DatabaseError
        raise DatabaseError("SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True)

    def bad_data() -> None:  # a query of ours the database rejects: a bug, not an outage
        raise DataError("SELECT 1", {}, Exception(f"{SECRET}: invalid input"))

    app.add_api_route("/v1/lost", lost)
    app.add_api_route("/v1/bad-data", bad_data)
    with TestClient(app, raise_server_exceptions=False) as c:
        outage, bug = c.get("/v1/lost"), c.get("/v1/bad-data")
    assert (outage.status_code, outage.headers["content-type"], outage.headers["retry-after"]) == (
        503, PROBLEM_MEDIA_TYPE, "2")
    assert outage.json()["type"] == TYPE_BASE + "service-unavailable"
    assert (bug.status_code, bug.json()["type"]) == (500, TYPE_BASE + "internal-server-error")
    assert SECRET not in bug.text
