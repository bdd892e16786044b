"""Security headers on every response, CORS for browsers, and a docs page that works under its CSP."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.main import create_app
from app.ops.headers import asks_authorization
from tests.conftest import client_for

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
}
EXPOSED = "Link, ETag, Content-Language, X-Request-ID, Retry-After"


@pytest.fixture
def client(sqlite_seeded_url: str) -> Iterator[TestClient]:
    with client_for(sqlite_seeded_url) as c:
        yield c


def assert_security_headers(headers: object, csp: str = API_CSP) -> None:
    for name, value in SECURITY.items():
        assert headers[name] == value, name  # type: ignore[index]
    assert headers["content-security-policy"] == csp  # type: ignore[index]


@pytest.mark.parametrize("url", ["/v1/events?limit=1", "/v1/events/no-such-event", "/no/such/path",
                                 "/healthz", "/openapi.json", "/docs-assets/swagger-ui.css"])
def test_every_response_carries_the_security_headers(client: TestClient, url: str) -> None:
    assert_security_headers(client.get(url).headers)


def test_cached_and_not_modified_responses_carry_them_too(client: TestClient) -> None:
    first = client.get("/v1/places?limit=3")
    again = client.get("/v1/places?limit=3")
    not_modified = client.get("/v1/places?limit=3", headers={"If-None-Match": first.headers["etag"]})
    assert (first.status_code, again.status_code, not_modified.status_code) == (200, 200, 304)
    for response in (again, not_modified):
        assert_security_headers(response.headers)
        assert response.headers["access-control-allow-origin"] == "*"


def test_an_unexpected_error_is_a_problem_with_the_headers(sqlite_seeded_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_seeded_url, access_log=False))

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The server met an unexpected error; it has been logged."
    assert response.headers["x-request-id"] == "boom-1"
    assert_security_headers(response.headers)


def test_docs_pages_reference_only_same_origin_assets(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self' 'unsafe-inline'" in csp and "frame-ancestors 'none'" in csp
        urls = re.findall(r'(?:src|href|spec-url)\s*=\s*["\']([^"\']+)', response.text)
        urls += re.findall(r'(?:url|spec-url)\s*:\s*["\']([^"\']+)', response.text)
        assert urls, page
        for url in urls:
            # Same origin: a path on this host, never another host or a protocol-relative URL.
            assert url.startswith("/") and not url.startswith("//"), (page, url)
            if not url.startswith("/openapi.json"):
                asset = client.get(url)
                assert asset.status_code == 200, url
                assert asset.headers["content-type"].split(";")[0] in {"text/css", "text/javascript",
                                                                        "application/javascript", "image/png"}


def test_swagger_ui_needs_its_inline_script_allowed(client: TestClient) -> None:
    html = client.get("/docs").text
    assert re.search(r"<script>\s*const ui = SwaggerUIBundle", html) or "SwaggerUIBundle(" in html


def test_cors_any_origin_by_default(client: TestClient) -> None:
    response = client.get("/v1/events?limit=1", headers={"Origin": "https://reader.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-expose-headers"] == EXPOSED
    assert "origin" not in response.headers.get("vary", "").lower()


def test_cors_preflight_for_get(client: TestClient) -> None:
    response = client.options("/v1/events", headers={
        "Origin": "https://reader.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-request-id, if-none-match",
    })
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "GET, HEAD"
    assert response.headers["access-control-allow-headers"] == "x-request-id, if-none-match"
    assert response.headers["access-control-max-age"] == "600"
    assert_security_headers(response.headers)


def test_cors_preflight_for_a_write_is_refused(client: TestClient) -> None:
    response = client.options("/v1/events", headers={"Origin": "https://reader.example",
                                                     "Access-Control-Request-Method": "DELETE"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == ("CORS preflight refused: only GET and HEAD, without Authorization, are "
                                         "allowed cross-origin.")
    assert "access-control-allow-methods" not in response.headers


def test_cors_limited_to_listed_origins(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url, cors_origins="https://a.example, https://b.example") as c:
        allowed = c.get("/v1/events?limit=1", headers={"Origin": "https://b.example"})
        other = c.get("/v1/events?limit=1", headers={"Origin": "https://evil.example"})
        refused = c.options("/v1/events", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "GET"})
        preflight = c.options("/v1/events", headers={"Origin": "https://a.example",
                                                     "Access-Control-Request-Method": "GET"})
    assert allowed.headers["access-control-allow-origin"] == "https://b.example"
    assert allowed.headers["access-control-expose-headers"] == EXPOSED
    assert "Origin" in allowed.headers.get_list("vary")
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers
    assert "Origin" in other.headers.get_list("vary")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "CORS preflight refused: this origin is not allowed."
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://a.example"


# --- writes cross-origin: only from CORS_WRITE_ORIGINS ------------------------------------------------------

WRITE_PREFLIGHT = {"Access-Control-Request-Method": "POST",
                   "Access-Control-Request-Headers": "authorization, content-type"}
CURATE = "https://curate.example"


@pytest.mark.parametrize(("requested", "asks"), [
    (None, False), (b"", False), (b"authorization", True), (b"content-type, Authorization", True),
    (b" AUTHORIZATION ", True), (b"x-authorization", False), (b"authorization-x", False), (b"content-type", False),
])
def test_asks_authorization_reads_the_requested_header_list(requested: bytes | None, asks: bool) -> None:
    assert asks_authorization(requested) is asks


@pytest.mark.parametrize(("method", "headers"), [
    ("POST", "authorization, content-type"), ("DELETE", None), ("GET", "Authorization"),
])
def test_by_default_no_origin_may_write_or_send_a_key(client: TestClient, method: str, headers: str | None) -> None:
    asked = {"Origin": "https://reader.example", "Access-Control-Request-Method": method}
    response = client.options("/v1/sources", headers={**asked, **({"Access-Control-Request-Headers": headers}
                                                                    if headers else {})})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == ("CORS preflight refused: only GET and HEAD, without Authorization, are "
                                         "allowed cross-origin.")
    for name in ("access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers"):
        assert name not in response.headers


def test_a_listed_write_origin_may_write_with_a_key(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url, cors_write_origins=f"{CURATE}, https://desk.example") as c:
        allowed = c.options("/v1/sources", headers={"Origin": CURATE, **WRITE_PREFLIGHT})
        unlisted = c.options("/v1/sources", headers={"Origin": "https://reader.example", **WRITE_PREFLIGHT})
        read_preflight = c.options("/v1/sources", headers={"Origin": "https://reader.example",
                                                           "Access-Control-Request-Method": "GET"})
        write = c.post("/v1/events", headers={"Origin": CURATE})
        unlisted_write = c.post("/v1/events", headers={"Origin": "https://reader.example"})
        read = c.get("/v1/events?limit=1", headers={"Origin": "https://reader.example"})
    assert allowed.status_code == 204 and allowed.content == b""
    assert allowed.headers["access-control-allow-origin"] == CURATE
    assert allowed.headers["access-control-allow-methods"] == "GET, HEAD, POST, PUT, PATCH, DELETE"
    assert allowed.headers["access-control-allow-headers"] == "authorization, content-type"
    assert allowed.headers["access-control-max-age"] == "600"
    assert "Origin" in allowed.headers.get_list("vary")
    assert unlisted.status_code == 400
    assert unlisted.json()["detail"] == ("CORS preflight refused: this origin may not write, or send Authorization, "
                                         "cross-origin (CORS_WRITE_ORIGINS).")
    assert "access-control-allow-origin" not in unlisted.headers
    # Reading is as before: any origin, GET and HEAD.
    assert read_preflight.status_code == 204
    assert read_preflight.headers["access-control-allow-origin"] == "*"
    assert read_preflight.headers["access-control-allow-methods"] == "GET, HEAD"
    assert read.headers["access-control-allow-origin"] == "*"
    # The answer to a write names its origin (never *) and only a listed one.
    assert write.status_code == 405
    assert write.headers["access-control-allow-origin"] == CURATE
    assert write.headers["access-control-expose-headers"] == EXPOSED
    assert "Origin" in write.headers.get_list("vary")
    assert "access-control-allow-origin" not in unlisted_write.headers


def test_a_write_origin_may_read_when_reading_is_limited_too(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url, cors_origins="https://a.example", cors_write_origins=CURATE) as c:
        read = c.get("/v1/events?limit=1", headers={"Origin": CURATE})
        reader_write = c.options("/v1/sources", headers={"Origin": "https://a.example", **WRITE_PREFLIGHT})
    assert read.headers["access-control-allow-origin"] == CURATE
    assert reader_write.status_code == 400  # a read origin is not a write origin


def test_a_wildcard_write_origin_is_refused() -> None:
    with pytest.raises(ValidationError, match="CORS_WRITE_ORIGINS must name each origin"):
        Settings(cors_write_origins="https://curate.example, *")
