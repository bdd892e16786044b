"""HTTP caching and transfer: strong ETags, 304s, gzip above 1 KB, Cache-Control and Vary."""

import gzip
import re

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import SOURCE_SLUG

STRONG_ETAG = re.compile(r'^"[^"]+"$')
URLS = ["/v1/events", "/v1/measures/one-seal-for-approvals", "/v1/meta", "/v1/search?q=执法",
        f"/v1/sources/{SOURCE_SLUG}/body"]


def raw_get(client: TestClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the bytes as sent on the wire (TestClient would otherwise gunzip them)."""
    with client.stream("GET", url, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


@pytest.mark.parametrize("url", URLS)
def test_strong_etag_and_cache_control(client: TestClient, url: str) -> None:
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200
    assert STRONG_ETAG.match(first.headers["etag"]), first.headers["etag"]
    assert second.headers["etag"] == first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    vary = {v.strip() for v in first.headers["vary"].split(",")}
    assert {"Accept", "Accept-Encoding", "Accept-Language"} <= vary


def test_representations_have_different_etags(client: TestClient) -> None:
    etags = {client.get("/v1/events", params=p).headers["etag"] for p in
             ({}, {"lang": "en"}, {"lang": "zh"}, {"format": "csv"}, {"limit": 2})}
    assert len(etags) == 5


@pytest.mark.parametrize("url", URLS)
def test_if_none_match_gives_304_with_same_etag_and_no_body(client: TestClient, url: str) -> None:
    etag = client.get(url).headers["etag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(url, headers={"If-None-Match": if_none_match})
        assert response.status_code == 304, if_none_match
        assert response.headers["etag"] == etag
        assert response.content == b""
        assert "cache-control" in response.headers and "vary" in response.headers


def test_different_etag_gives_200(client: TestClient) -> None:
    response = client.get("/v1/events")
    etag = response.headers["etag"]
    for other in ('"0123456789abcdef01234567"', 'W/"nope"', etag[:-2] + '"'):
        again = client.get("/v1/events", headers={"If-None-Match": other})
        assert again.status_code == 200 and again.content == response.content


def test_etag_of_another_language_does_not_match(client: TestClient) -> None:
    etag_en = client.get("/v1/events", params={"lang": "en"}).headers["etag"]
    response = client.get("/v1/events", params={"lang": "zh"}, headers={"If-None-Match": etag_en})
    assert response.status_code == 200


def test_gzip_for_bodies_over_1_kb(client: TestClient) -> None:
    plain = client.get("/v1/events", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) > 1024
    status, headers, wire = raw_get(client, "/v1/events", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert int(headers["content-length"]) == len(wire) < len(plain.content)
    assert gzip.decompress(wire) == plain.content
    # Two representations, two strong validators (RFC 9110 §8.8.3): a cache must not mix their bytes.
    assert STRONG_ETAG.match(headers["etag"]) and headers["etag"] != plain.headers["etag"]


def test_each_encoding_revalidates_with_its_own_etag(client: TestClient) -> None:
    identity = client.get("/v1/events", headers={"Accept-Encoding": "identity"}).headers["etag"]
    gzipped = raw_get(client, "/v1/events", **{"Accept-Encoding": "gzip"})[1]["etag"]
    assert client.get("/v1/events", headers={"Accept-Encoding": "gzip", "If-None-Match": gzipped}).status_code == 304
    assert client.get("/v1/events", headers={"Accept-Encoding": "identity",
                                             "If-None-Match": identity}).status_code == 304
    # The other representation's validator does not match: the client gets the bytes it can decode.
    status, headers, _ = raw_get(client, "/v1/events", **{"Accept-Encoding": "gzip", "If-None-Match": identity})
    assert (status, headers["etag"], headers["content-encoding"]) == (200, gzipped, "gzip")
    assert client.get("/v1/events", headers={"Accept-Encoding": "identity",
                                             "If-None-Match": gzipped}).status_code == 200


@pytest.mark.parametrize(("accept_encoding", "gzipped"), [
    ("gzip", True), ("x-gzip", True), ("GZIP", True), ("gzip;q=0.5, identity", True), ("*", True),
    ("br, *;q=0.1", True), ("gzip;q=0", False), ("x-notgzip", False), ("identity", False),
    ("*;q=0", False), ("gzip;q=0, *", False), ("deflate, br", False), ("gzip;q=nonsense", False),
])
def test_gzip_only_when_accepted(client: TestClient, accept_encoding: str, gzipped: bool) -> None:
    status, headers, wire = raw_get(client, "/v1/events", **{"Accept-Encoding": accept_encoding})
    assert status == 200
    assert (headers.get("content-encoding") == "gzip") is gzipped
    assert wire[:2] == (b"\x1f\x8b" if gzipped else b'{"')


def test_source_body_is_gzipped_too(client: TestClient) -> None:
    status, headers, wire = raw_get(client, f"/v1/sources/{SOURCE_SLUG}/body", **{"Accept-Encoding": "gzip, br"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "集中梳理许可事项1129项" in gzip.decompress(wire).decode("utf-8")


def test_no_gzip_for_small_bodies(client: TestClient) -> None:
    status, headers, wire = raw_get(client, "/v1/search?q=zebra", **{"Accept-Encoding": "gzip"})
    assert status == 200 and len(wire) < 1024
    assert "content-encoding" not in headers
    assert wire.startswith(b'{"data":[]')


def test_no_gzip_without_accept_encoding(client: TestClient) -> None:
    status, headers, wire = raw_get(client, "/v1/measures", **{"Accept-Encoding": "identity"})
    assert status == 200 and "content-encoding" not in headers
    assert wire.startswith(b'{"data":[')


def test_head_has_headers_but_no_body(client: TestClient) -> None:
    get = client.get("/v1/places")
    head = client.head("/v1/places")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == "application/json"


def test_errors_are_not_cached_as_successes(client: TestClient) -> None:
    for _ in range(2):
        response = client.get("/v1/events/no-such-event")
        assert response.status_code == 404 and "etag" not in response.headers


@pytest.mark.parametrize("path", ["/v1/events?limit=2", "/v1/measures/one-seal-for-approvals", "/v1/meta"])
def test_head_is_get_without_the_body(client: TestClient, path: str) -> None:
    get = client.get(path, headers={"Accept-Encoding": "identity"})
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    assert (head.status_code, head.content) == (200, b"")
    for name in ("etag", "content-type", "content-length", "content-language", "cache-control"):
        assert head.headers[name] == get.headers[name], name
    assert client.head("/v1/events/no-such-event").status_code == 404


def test_source_body_is_cached_as_long_as_the_citations_that_point_into_it(client: TestClient) -> None:
    body = client.get(f"/v1/sources/{SOURCE_SLUG}/body")
    citations = client.get(f"/v1/sources/{SOURCE_SLUG}/citations")
    assert body.status_code == citations.status_code == 200
    assert body.headers["cache-control"] == citations.headers["cache-control"] == "public, max-age=60"
