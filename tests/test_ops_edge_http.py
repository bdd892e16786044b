"""What the edge trusts and echoes: relative redirects, HEAD wherever GET answers, bounded echoes of the path.

Redirects and HEAD are checked on a real `python -m app serve` too: uvicorn, not TestClient, decides
what a forged Host header becomes and whether a HEAD response leaves the connection usable.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import PROBLEM_MEDIA_TYPE, SOURCE_SLUG
from tests.conftest import client_for
from tests.live_server import LiveServer, live_server, split_response


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
