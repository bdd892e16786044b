"""/healthz, /readyz and /metrics as an orchestrator and a Prometheus server see them."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.bootstrap import head_revision
from app.db import SQLITE_POOL_SIZE
from tests.conftest import client_for

PROBLEM = "application/problem+json"


@pytest.fixture
def client(sqlite_seeded_url: str) -> Iterator[TestClient]:
    with client_for(sqlite_seeded_url) as c:
        yield c


def test_healthz_answers_without_the_database(tmp_path: Path) -> None:
    # A database that does not exist yet: liveness must not care.
    with client_for(f"sqlite:///{tmp_path / 'never-created' / 'x.sqlite3'}") as c:
        response = c.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ok_when_the_database_is_at_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "revision": head_revision()}


def test_readyz_is_503_when_the_schema_is_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"  # never migrated
    with client_for(url) as c:
        response = c.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["type"] == "https://reform-facts.example/problems/not-ready"
    assert body["status"] == 503
    assert body["detail"] == (f"The database schema is at revision None, the code needs {head_revision()}; "
                              "run `python -m app migrate`.")


def test_readyz_is_503_when_the_database_is_unreachable(sqlite_seeded_url: str) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    with client_for("postgresql+psycopg://nobody@127.0.0.1:1/none", db_connect_timeout=1) as c:
        response = c.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == "The database is unreachable (OperationalError)."


@pytest.mark.parametrize(("revision", "advice"), [
    ("0001", "run `python -m app migrate`."),  # behind: a revision this code knows and can upgrade
    ("0000", "deploy the newer code or point DATABASE_URL at another database."),  # unknown: newer than us
])
def test_readyz_names_the_revision_and_what_to_do(tmp_path: Path, revision: str, advice: str) -> None:
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        connection.execute(text("INSERT INTO alembic_version VALUES (:revision)"), {"revision": revision})
    engine.dispose()
    with client_for(url) as c:
        response = c.get("/readyz")
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert f"at revision {revision}" in detail and detail.endswith(advice), detail


def test_operational_routes_stay_out_of_the_openapi_document(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/v1/events" in paths
    assert not {"/healthz", "/readyz", "/metrics"} & set(paths)
    assert client.get("/docs").status_code == 200


def _samples(text_: str, name: str) -> dict[str, float]:
    """{'label set': value} for one metric name in the Prometheus text format."""
    out = {}
    for line in text_.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            series, value = line.rsplit(" ", 1)
            out[series[len(name):]] = float(value)
    return out


def test_metrics_count_requests_by_route_template_method_and_status(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url) as c:
        c.get("/v1/events?limit=1")
        c.get("/v1/events/longgang-town-founded-1983-10")
        c.get("/v1/events/no-such-event")
        c.get("/no/such/path")
        c.get("/no/such/other/path")
        response = c.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    requests = _samples(response.text, "http_requests_total")
    assert requests['{method="GET",route="/v1/events",status="200"}'] == 1
    assert requests['{method="GET",route="/v1/events/{slug}",status="200"}'] == 1
    assert requests['{method="GET",route="/v1/events/{slug}",status="404"}'] == 1
    # Raw paths never become labels: every unmatched path shares one series.
    assert requests['{method="GET",route="unmatched",status="404"}'] == 2
    assert not any("no/such" in series for series in requests)
    latency = _samples(response.text, "http_request_duration_seconds_count")
    assert latency['{method="GET",route="/v1/events",status="200"}'] == 1
    buckets = _samples(response.text, "http_request_duration_seconds_bucket")
    assert '{le="+Inf",method="GET",route="/v1/events",status="200"}' in buckets


def test_metrics_label_cached_responses_with_the_same_template(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url) as c:
        c.get("/v1/places?limit=2")
        c.get("/v1/places?limit=2")  # served by the response cache
        requests = _samples(c.get("/metrics").text, "http_requests_total")
    assert requests['{method="GET",route="/v1/places",status="200"}'] == 2


def test_metrics_show_the_connection_pool(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url) as c:
        c.get("/v1/events?limit=1")
        text_ = c.get("/metrics").text
    # SQLite keeps one connection per worker thread (app.db.SQLITE_POOL_SIZE); PostgreSQL's is DB_POOL_SIZE.
    assert _samples(text_, "db_pool_size") == {"": float(SQLITE_POOL_SIZE)}
    # The event loop's SQLite reader stays checked out between requests (app.db._sqlite_reader); nothing else.
    assert _samples(text_, "db_pool_checked_out") == {"": 1.0}
    assert _samples(text_, "db_pool_overflow") == {"": 0.0}
    assert 'reform_facts_build_info{version="' in text_
    assert "process_resident_memory_bytes" in text_
