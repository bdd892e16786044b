"""Request ids, the JSON access log, size limits, rate limiting and who the client is behind a proxy."""

import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.api.routes import RouteTemplates
from app.config import Settings
from app.main import create_app
from app.ops.logs import JsonFormatter
from app.ops.metrics import RequestMetrics
from app.ops.middleware import OpsMiddleware

PROBLEM = "application/problem+json"
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


def client_for(url: str, peer: str = "testclient", **settings: object) -> TestClient:
    settings.setdefault("access_log", False)
    return TestClient(create_app(Settings(database_url=url, **settings)), client=(peer, 40000))


@pytest.fixture
def client(sqlite_seeded_url: str) -> Iterator[TestClient]:
    with client_for(sqlite_seeded_url) as c:
        yield c


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "reform_facts.access"]


def test_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/v1/events?limit=1", headers={"X-Request-ID": "trace-42/abc:def"})
    assert response.headers["x-request-id"] == "trace-42/abc:def"


@pytest.mark.parametrize("sent", [None, "x" * 129, "tab\there", b"caf\xc3\xa9"])
def test_missing_or_invalid_request_id_is_replaced(client: TestClient, sent: str | bytes | None) -> None:
    headers = {} if sent is None else {"X-Request-ID": sent}
    response = client.get("/healthz", headers=headers)
    assert GENERATED_ID.match(response.headers["x-request-id"])


def test_request_id_of_128_characters_is_kept(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "r" * 128}).headers["x-request-id"] == "r" * 128


def test_one_json_access_line_per_request(sqlite_seeded_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="reform_facts.access")
    with client_for(sqlite_seeded_url, access_log=True) as c:
        c.get("/v1/events/longgang-town-founded-1983-10?lang=en", headers={"X-Request-ID": "req-1"})
    [line] = access_lines(caplog)
    assert set(line) == {"ts", "level", "logger", "msg", "method", "route", "path", "status", "duration_ms",
                         "request_id", "client"}
    assert (line["level"], line["logger"], line["msg"]) == ("info", "reform_facts.access", "request")
    assert line["method"] == "GET"
    assert line["route"] == "/v1/events/{slug}"
    assert line["path"] == "/v1/events/longgang-town-founded-1983-10"
    assert line["status"] == 200
    assert line["request_id"] == "req-1"
    assert line["client"] == "testclient"
    assert line["duration_ms"] > 0


def test_access_log_can_be_switched_off(sqlite_seeded_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="reform_facts.access")
    with client_for(sqlite_seeded_url, access_log=False) as c:
        c.get("/healthz")
    assert access_lines(caplog) == []


def test_app_logs_are_json_with_the_request_id(sqlite_seeded_url: str, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(database_url=sqlite_seeded_url, access_log=False))

    @app.get("/say", include_in_schema=False)
    def say() -> dict[str, str]:  # a sync route: runs in a worker thread
        logging.getLogger("reform_facts.test").warning("hello %s", "there")
        return {}

    caplog.set_level(logging.INFO)
    with TestClient(app) as c:
        c.get("/say", headers={"X-Request-ID": "say-1"})
    [record] = [r for r in caplog.records if r.name == "reform_facts.test"]
    line = json.loads(JsonFormatter().format(record))
    assert {k: line[k] for k in ("level", "logger", "msg", "request_id")} == {
        "level": "warning", "logger": "reform_facts.test", "msg": "hello there", "request_id": "say-1"}


def test_body_over_the_limit_is_413(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url, max_body_bytes=100) as c:
        response = c.request("GET", "/v1/events", content=b"x" * 101)
        fits = c.request("GET", "/v1/events?limit=1", content=b"x" * 100)
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "https://reform-facts.example/problems/payload-too-large", "title": "Request Entity Too Large",
        "status": 413, "detail": "The request body is larger than 100 bytes (MAX_BODY_BYTES, the limit for "
                                 "requests other than writes under /v1/).", "instance": "/v1/events"}
    assert response.headers["x-frame-options"] == "DENY"
    assert fits.status_code == 200


def echo_client(url: str, **settings: object) -> TestClient:
    """A client of the app with test-only routes that answer with the length of the body they read."""
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(len(await request.body())))

    client = client_for(url, **settings)
    for path in ("/_test/echo", "/v1/_test/echo"):
        client.app.add_api_route(path, echo, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    return client


def test_chunked_body_over_the_limit_is_413() -> None:
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(len(await request.body())))

    inner = Starlette(routes=[Route("/echo", echo, methods=["POST"])])
    metrics = RequestMetrics(CollectorRegistry())
    app = OpsMiddleware(inner, Settings(max_body_bytes=10, access_log=False), metrics, RouteTemplates())
    with TestClient(app) as c:
        small = c.post("/echo", content=iter([b"12345", b"12345"]))
        large = c.post("/echo", content=iter([b"12345", b"12345", b"1"]))
    assert (small.status_code, small.text) == (200, "10")
    assert large.status_code == 413


GENERAL_LIMIT = "(MAX_BODY_BYTES, the limit for requests other than writes under /v1/)."
WRITE_LIMIT = "(MAX_WRITE_BODY_BYTES, the limit for writes under /v1/)."


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(("method", "path", "limit", "named"), [
    ("POST", "/v1/_test/echo", 50, WRITE_LIMIT),
    ("PUT", "/v1/_test/echo", 50, WRITE_LIMIT),
    ("PATCH", "/v1/_test/echo", 50, WRITE_LIMIT),
    ("DELETE", "/v1/_test/echo", 50, WRITE_LIMIT),
    ("GET", "/v1/_test/echo", 10, GENERAL_LIMIT),  # a read, even with a body
    ("POST", "/_test/echo", 10, GENERAL_LIMIT),  # a write, but not under /v1/
])
def test_writes_under_v1_have_their_own_body_limit(sqlite_seeded_url: str, method: str, path: str, limit: int,
                                                   named: str, chunked: bool) -> None:
    def body(size: int) -> bytes | Iterator[bytes]:
        return iter([b"x" * (size - 1), b"x"]) if chunked else b"x" * size

    with echo_client(sqlite_seeded_url, max_body_bytes=10, max_write_body_bytes=50) as c:
        # (a query string each: the response cache would answer the second GET with the first's page)
        fits = c.request(method, f"{path}?size={limit}", content=body(limit))
        over = c.request(method, f"{path}?size={limit + 1}", content=body(limit + 1))
    assert (fits.status_code, fits.text) == (200, str(limit))
    assert over.status_code == 413
    assert over.headers["content-type"] == PROBLEM
    assert over.json() == {
        "type": "https://reform-facts.example/problems/payload-too-large", "title": "Request Entity Too Large",
        "status": 413, "detail": f"The request body is larger than {limit} bytes {named}", "instance": path}


def test_the_write_body_limit_defaults_to_2_mib(sqlite_seeded_url: str) -> None:
    assert (Settings().max_write_body_bytes, Settings().max_body_bytes) == (2 * 1024 * 1024, 16 * 1024)
    article = b"x" * (300 * 1024)  # a long article: far over the general limit, well under the write limit
    with echo_client(sqlite_seeded_url) as c:
        write = c.post("/v1/_test/echo", content=article)
        read = c.request("GET", "/v1/_test/echo", content=article)
        too_large = c.post("/v1/_test/echo", content=b"x" * (2 * 1024 * 1024 + 1))
    assert (write.status_code, write.text) == (200, str(len(article)))
    assert read.status_code == 413 and read.json()["detail"].endswith(GENERAL_LIMIT)
    assert too_large.status_code == 413
    assert too_large.json()["detail"] == f"The request body is larger than 2097152 bytes {WRITE_LIMIT}"


def test_query_string_over_the_limit_is_414(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url, max_query_string=64) as c:
        response = c.get("/v1/events?place=" + "a" * 60)
        fits = c.get("/v1/events?limit=1&place=" + "a" * 47)
    assert response.status_code == 414
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == "The query string is longer than 64 bytes."
    assert response.headers["x-content-type-options"] == "nosniff"
    assert fits.status_code == 200


def test_rate_limit_answers_429_with_retry_after(sqlite_seeded_url: str) -> None:
    # A token every 10 s: a loaded machine can take a second over three requests, and a token a second
    # would refill the bucket in between.
    with client_for(sqlite_seeded_url, rate_limit_per_minute=6, rate_limit_burst=2) as c:
        statuses = [c.get("/v1/events?limit=1").status_code for _ in range(3)]
        limited = c.get("/v1/events?limit=1", headers={"X-Request-ID": "slow-down"})
        probe = c.get("/healthz")  # probes are never throttled
    assert statuses == [200, 200, 429]
    assert limited.status_code == 429
    wait = limited.headers["retry-after"]  # whole seconds until the next token: 10 less what has passed
    assert wait in {"9", "10"}
    assert limited.headers["content-type"] == PROBLEM
    assert limited.headers["x-request-id"] == "slow-down"
    assert limited.json()["type"] == "https://reform-facts.example/problems/too-many-requests"
    assert limited.json()["detail"] == f"Too many requests from testclient; retry in {wait} s."
    assert probe.status_code == 200


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(sqlite_seeded_url: str,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="reform_facts.access")
    # One token a minute: the bucket cannot refill between the requests, however slow a loaded machine is.
    with client_for(sqlite_seeded_url, peer="203.0.113.9", trusted_proxies="10.0.0.0/8", access_log=True,
                    rate_limit_per_minute=1, rate_limit_burst=1) as c:
        first = c.get("/v1/events/", follow_redirects=False,
                      headers={"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"})
        # A new forged address each time does not buy a new rate-limit bucket.
        second = c.get("/healthz/x", headers={"X-Forwarded-For": "198.51.100.2"})
    assert first.status_code == 307
    assert first.headers["location"] == "/v1/events"  # relative: the scheme is checked by its own test below
    assert second.status_code == 429
    assert [line["client"] for line in access_lines(caplog)] == ["203.0.113.9", "203.0.113.9"]


def test_forwarded_headers_from_a_trusted_proxy_are_honoured(sqlite_seeded_url: str,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="reform_facts.access")
    # One token a minute: at 60 a minute the first client's bucket refilled whenever the page between its two
    # requests took over a second (a cold page on a loaded machine), and `again` got a 200.
    with client_for(sqlite_seeded_url, peer="10.1.2.3", trusted_proxies="10.0.0.0/8, 192.0.2.7", access_log=True,
                    rate_limit_per_minute=1, rate_limit_burst=1) as c:
        first = c.get("/v1/events/", follow_redirects=False,
                      headers={"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"})
        # The client wrote the leftmost hop itself; the rightmost untrusted one is who connected to us.
        other = c.get("/v1/events?limit=1", headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.2, 192.0.2.7"})
        again = c.get("/v1/events?limit=1", headers={"X-Forwarded-For": "198.51.100.1"})
    assert first.status_code == 307
    assert first.headers["location"] == "/v1/events"  # relative: the scheme is checked by its own test below
    assert other.status_code == 200  # its own bucket
    assert again.status_code == 429  # same client as the first request
    assert [line["client"] for line in access_lines(caplog)] == ["198.51.100.1", "198.51.100.2", "198.51.100.1"]


@pytest.mark.parametrize(("peer", "scheme"), [("203.0.113.9", "http"), ("10.1.2.3", "https")])
def test_forwarded_proto_sets_the_scheme_only_from_a_trusted_proxy(sqlite_seeded_url: str, peer: str,
                                                                   scheme: str) -> None:
    app = create_app(Settings(database_url=sqlite_seeded_url, access_log=False, trusted_proxies="10.0.0.0/8"))

    @app.get("/scheme", include_in_schema=False)
    def seen_scheme(request: Request) -> dict[str, str]:
        return {"scheme": request.url.scheme}

    with TestClient(app, client=(peer, 40000)) as c:
        response = c.get("/scheme", headers={"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"})
    assert response.json() == {"scheme": scheme}
