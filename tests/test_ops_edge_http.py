"""What the edge trusts and echoes: relative redirects, HEAD wherever GET answers, bounded echoes of the path.

Redirects and HEAD are checked on a real `python -m app serve` too: uvicorn, not TestClient, decides
what a forged Host header becomes and whether a HEAD response leaves the connection usable.
"""

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.errors import MAX_ECHOED_PATH
from app.ops.logs import JsonFormatter
from tests.api_helpers import PROBLEM_MEDIA_TYPE, SOURCE_SLUG
from tests.conftest import client_for
from tests.live_server import LiveServer, live_server, read_all, split_response


@pytest.fixture(scope="module")
def server(sqlite_seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(sqlite_seeded_url, tmp_path_factory.mktemp("edge-logs")) as s:
        yield s


@pytest.fixture
def client(sqlite_seeded_url: str) -> Iterator[TestClient]:
    with client_for(sqlite_seeded_url) as c:
        yield c


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in headers if k == name]
    assert len(values) <= 1, (name, values)
    return values[0] if values else None


# ---- 1. Redirects never name a host: the Host header is the client's to forge -------------------------------


def test_trailing_slash_redirect_is_relative_on_a_real_server(server: LiveServer) -> None:
    raw = server.raw(b"GET /v1/events/?limit=1 HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    status, headers, _ = split_response(raw)
    assert b"evil.example" not in raw
    assert status == 307
    assert header(headers, "location") == "/v1/events?limit=1"


@pytest.mark.parametrize("path", ["/", "/docs", "/redoc", "/openapi.json", "/v1/no-such-thing/"])
def test_no_page_echoes_a_forged_host(server: LiveServer, path: str) -> None:
    raw = server.raw(b"GET %s HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n" % path.encode())
    status, headers, _ = split_response(raw)
    assert status in (200, 404), path
    assert b"evil.example" not in raw, path
    assert header(headers, "location") is None, path


# request target → Location, on the app behind any proxy (X-Forwarded-Host is not trusted either).
REDIRECTS = [
    ("/v1/events/", "/v1/events"),
    ("/v1/events/?limit=1&lang=en", "/v1/events?limit=1&lang=en"),
    ("/v1/events///", "/v1/events"),
    ("/v1/measures/one-seal-for-approvals/", "/v1/measures/one-seal-for-approvals"),
    (f"/v1/sources/{SOURCE_SLUG}/body/", f"/v1/sources/{SOURCE_SLUG}/body"),
    ("/v1/places/%E9%BE%99%E6%B8%AF/", "/v1/places/%E9%BE%99%E6%B8%AF"),  # percent-encoded, as it came
    ("/healthz/", "/healthz"),
    ("/docs/", "/docs"),
]


@pytest.mark.parametrize(("target", "location"), REDIRECTS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_trailing_slash_redirects_to_the_relative_path(client: TestClient, method: str, target: str,
                                                       location: str) -> None:
    response = client.request(method, target, follow_redirects=False,
                              headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 307
    assert response.headers["location"] == location
    assert "evil.example" not in response.text


@pytest.mark.parametrize("target", ["/nowhere/", "//v1/events/", "/%5Cv1/events/", "/v1/events/no-such-event/x/"])
def test_no_redirect_where_the_path_without_slash_matches_nothing(client: TestClient, target: str) -> None:
    # "//v1/events" as a Location would be protocol-relative: another host. It matches no route, so no redirect.
    response = client.get("http://testserver" + target, follow_redirects=False)  # "//v1" is not a host
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "location" not in response.headers


def test_the_root_page_links_to_the_docs_relatively(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert 'url=/docs"' in response.text and 'href="/docs"' in response.text
    assert "evil.example" not in response.text


# ---- 2. HEAD answers wherever GET does -------------------------------------------------------------------------

HEAD_PATHS = ["/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json", "/v1/events",
              "/v1/measures/one-seal-for-approvals", f"/v1/sources/{SOURCE_SLUG}/body",
              "/docs-assets/swagger-ui.css", "/v1/events/no-such-event", "/no/such/path"]
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.mark.parametrize("path", HEAD_PATHS)
def test_head_is_get_without_the_body(client: TestClient, path: str) -> None:
    get = client.get(path, headers=IDENTITY)
    head = client.head(path, headers=IDENTITY)
    assert (head.status_code, head.content) == (get.status_code, b"")
    assert head.headers["content-type"] == get.headers["content-type"]
    if path == "/metrics":  # the scrape counts itself, so two scrapes never have quite the same length
        assert int(head.headers["content-length"]) > 1000
    else:
        assert head.headers["content-length"] == str(len(get.content))
    for name in ("etag", "cache-control", "content-language", "x-content-type-options", "last-modified"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_is_counted_and_logged_as_head_with_its_route(sqlite_seeded_url: str,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="reform_facts.access")
    with client_for(sqlite_seeded_url, access_log=True) as c:
        for path in ("/healthz", "/v1/events/longgang-town-founded-1983-10", "/v1/events/longgang-town-founded-1983-10",
                     "/v1/events"):
            assert c.head(path).status_code == 200
        scrape = c.get("/metrics").text
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "reform_facts.access"]
    # The item twice: once rendered, once from the response cache; both name the same route.
    assert [(line["method"], line["route"]) for line in lines[:4]] == [
        ("HEAD", "/healthz"), ("HEAD", "/v1/events/{slug}"), ("HEAD", "/v1/events/{slug}"), ("HEAD", "/v1/events")]
    assert 'http_requests_total{method="HEAD",route="/healthz",status="200"} 1.0' in scrape
    assert 'http_requests_total{method="HEAD",route="/v1/events/{slug}",status="200"} 2.0' in scrape


def test_head_then_get_on_one_connection_of_a_real_server(server: LiveServer) -> None:
    with server.connect() as sock:
        sock.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection after HEAD"
            received += chunk
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        received += read_all(sock)
    head_part, _, rest = received.partition(b"\r\n\r\n")
    status, headers, _ = split_response(head_part + b"\r\n\r\n")
    assert status == 200
    assert header(headers, "content-length") == "15"
    assert header(headers, "content-type") == "application/json"
    # No body after the HEAD response: the next bytes are the GET's status line.
    assert rest.startswith(b"HTTP/1.1 200 ")
    get_status, get_headers, get_body = split_response(rest)
    assert (get_status, get_body) == (200, b'{"status":"ok"}')
    assert header(get_headers, "content-length") == "15"


# ---- 3. A long path is echoed in bounded form ----------------------------------------------------------------

LONG = 60_000


@pytest.mark.parametrize("path", ["/" + "a" * LONG, "/v1/events/" + "b" * LONG, "/v1/" + "c" * LONG + "/",
                                  "/v1/events/" + "d" * LONG + "?lang=fr"])
def test_a_long_path_is_echoed_truncated(sqlite_seeded_url: str, caplog: pytest.LogCaptureFixture,
                                         path: str) -> None:
    caplog.set_level(logging.INFO, logger="reform_facts.access")
    with client_for(sqlite_seeded_url, access_log=True) as c:
        response = c.get(path, follow_redirects=False)
    assert response.status_code in (400, 404, 422)
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert len(response.content) < 2048
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == response.status_code
    assert len(body["instance"]) == MAX_ECHOED_PATH and body["instance"].endswith("…")
    assert path.startswith(body["instance"][:-1])
    [record] = [r for r in caplog.records if r.name == "reform_facts.access"]
    line = JsonFormatter().format(record)
    assert len(line) < 2048
    assert json.loads(line)["path"] == body["instance"]


def test_a_path_at_the_limit_is_echoed_whole(client: TestClient) -> None:
    path = "/" + "e" * (MAX_ECHOED_PATH - 1)
    body = client.get(path).json()
    assert body["instance"] == path
    assert body["detail"] == f"No resource at {path}."
