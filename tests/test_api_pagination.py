"""Keyset pagination of every collection: links.next walks, Link headers, and rejected cursors and limits."""

import base64
import hashlib
from urllib.parse import parse_qsl, urlencode

import orjson
import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import COLLECTIONS, SOURCE_SLUG, assert_problem, get_json, walk

PAGED = {**COLLECTIONS, f"/v1/sources/{SOURCE_SLUG}/citations": None, "/v1/indicators/gdp/observations": "slug"}


def identity(item: dict, key: str | None) -> object:
    return item[key] if key else (item["start"], item["end"], item["fact"]["type"], item["fact"]["slug"])


def forge(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


@pytest.mark.parametrize("limit", [1, 2, 3])
@pytest.mark.parametrize("url", list(PAGED))
def test_walking_by_links_next_yields_the_full_list(client: TestClient, url: str, limit: int) -> None:
    key = PAGED[url]
    full = get_json(client, url, limit=200)
    assert full["links"]["next"] is None
    expected = [identity(i, key) for i in full["data"]]
    items, pages = walk(client, url, limit=limit)
    assert [identity(i, key) for i in items] == expected
    assert {p.json()["meta"]["total"] for p in pages} == {full["meta"]["total"]}
    assert all(p.json()["meta"]["count"] == limit for p in pages[:-1])
    for page in pages[:-1]:
        assert page.headers["link"] == f'<{page.json()["links"]["next"]}>; rel="next"'
    assert "link" not in pages[-1].headers and pages[-1].json()["links"]["next"] is None


# Every collection and search with a repeated filter whose values together match more than one page.
REPEATED_FILTERS = [
    ("/v1/events", [("category", "infrastructure"), ("category", "economy"), ("category", "reform")]),
    ("/v1/events", [("date_precision", "day"), ("date_precision", "before")]),
    ("/v1/events", [("place", "longgang"), ("place", "longgang-town"), ("place", "xiayangzheng-community")]),
    ("/v1/places", [("level", "province"), ("level", "town"), ("level", "community")]),
    ("/v1/places", [("parent", "zhejiang"), ("parent", "wenzhou"), ("parent", "longgang")]),
    ("/v1/indicators", [("unit", "CNY"), ("unit", "village")]),
    ("/v1/observations", [("indicator", "gdp"), ("indicator", "fiscal-revenue-total"),
                          ("indicator", "general-public-budget-revenue")]),
    ("/v1/observations", [("period", "2020-H1"), ("period", "2020-10-20")]),
    ("/v1/measures", [("category", "industry"), ("category", "land")]),
    ("/v1/measures", [("kind", "policy"), ("kind", "principle"), ("kind", "goal")]),
    ("/v1/measures", [("programme", "ten-landmark-projects"), ("programme", "three-key-emerging-industries")]),
    ("/v1/programmes", [("kind", "plan"), ("kind", "pilot")]),
    (f"/v1/sources/{SOURCE_SLUG}/citations", [("fact_type", "event"), ("fact_type", "observation")]),
    ("/v1/search", [("q", "longgang"), ("type", "event"), ("type", "observation"), ("type", "place")]),
]


def _key(item: dict) -> object:
    if "fact" in item:
        return (item["start"], item["end"], item["fact"]["type"], item["fact"]["slug"])
    return (item.get("type"), item.get("slug") or item.get("code"))


@pytest.mark.parametrize(("url", "filters"), REPEATED_FILTERS, ids=lambda v: v if isinstance(v, str) else
                         ",".join(f"{k}={x}" for k, x in v))
def test_walk_with_repeated_filters_keeps_every_value(client: TestClient, url: str,
                                                      filters: list[tuple[str, str]]) -> None:
    """Following links.next must not drop a repeated value: the walk yields exactly meta.total items."""
    everything = client.get(url, params=[*filters, ("limit", 200)]).json()
    total = everything["meta"]["total"]
    assert total > 2, (url, total)  # more than a page of 2, or the walk proves nothing
    items, pages = walk(client, f"{url}?{urlencode([*filters, ('limit', 2)])}")
    keys = [_key(i) for i in items]
    assert len(keys) == len(set(keys)) == total
    assert set(keys) == {_key(i) for i in everything["data"]}
    for page in pages:
        links = page.json()["links"]
        for link in filter(None, (links["self"], links["next"])):
            assert parse_qsl(link.split("?", 1)[1])[:len(filters)] == filters, link
        if links["next"]:
            assert page.headers["link"] == f'<{links["next"]}>; rel="next"'


@pytest.mark.parametrize("sort", ["-date,slug", "category,-date_end", "-slug"])
def test_walk_with_every_kind_of_sort(client: TestClient, sort: str) -> None:
    full = [e["slug"] for e in get_json(client, "/v1/events", sort=sort)["data"]]
    items, _ = walk(client, "/v1/events", sort=sort, limit=2)
    assert [e["slug"] for e in items] == full and len(set(full)) == 8


def test_walk_keeps_filters(client: TestClient) -> None:
    items, pages = walk(client, "/v1/measures", category="industry", limit=4)
    assert len(items) == 11 and {m["category"] for m in items} == {"industry"}
    assert all("category=industry" in p.json()["links"]["self"] for p in pages)


def next_cursor(client: TestClient, url: str, **params: object) -> str:
    return get_json(client, url, limit=1, **params)["links"]["next"].split("cursor=")[1]


BAD_CURSORS = {
    "garbage": lambda good, client: "not-a-cursor",
    "truncated": lambda good, client: good[: len(good) // 2],
    "edited": lambda good, client: good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
    "not json": lambda good, client: forge(b"hello"),
    "wrong shape": lambda good, client: forge(orjson.dumps({"s": "x", "v": [], "id": 1})),
    "other sort": lambda good, client: next_cursor(client, "/v1/events", sort="-date,slug"),
    "other collection": lambda good, client: next_cursor(client, "/v1/places"),
}


@pytest.mark.parametrize("kind", list(BAD_CURSORS))
def test_forged_truncated_and_foreign_cursors_are_400_naming_cursor(client: TestClient, kind: str) -> None:
    cursor = BAD_CURSORS[kind](next_cursor(client, "/v1/events"), client)
    assert_problem(client.get("/v1/events", params={"cursor": cursor}), 400, "cursor")


def test_overlong_cursor_is_422_naming_cursor(client: TestClient) -> None:
    assert_problem(client.get("/v1/events", params={"cursor": "x" * 513}), 422, "cursor")


@pytest.mark.parametrize("values", [["not-a-date", "x"], [None, None], [5, 6]])
def test_cursor_with_mistyped_values_is_400(client: TestClient, values: list) -> None:
    signature = hashlib.sha256(b"/v1/events|date,slug").hexdigest()[:12]
    cursor = forge(orjson.dumps({"s": signature, "v": values, "id": 1}))
    assert_problem(client.get("/v1/events", params={"cursor": cursor}), 400, "cursor")


@pytest.mark.parametrize("limit", ["0", "201", "-1", "abc", "1.5"])
@pytest.mark.parametrize("url", ["/v1/events", "/v1/search?q=港", f"/v1/sources/{SOURCE_SLUG}/citations"])
def test_bad_limits_are_422_naming_limit(client: TestClient, url: str, limit: str) -> None:
    assert_problem(client.get(url, params={"limit": limit}), 422, "limit")


def test_limit_bounds_are_accepted(client: TestClient) -> None:
    assert get_json(client, "/v1/measures", limit=1)["meta"]["count"] == 1
    assert get_json(client, "/v1/measures", limit=200)["meta"]["count"] == 33


@pytest.mark.parametrize(("url", "sort"), [("/v1/events", "title"), ("/v1/events", "date,-date"),
                                           ("/v1/measures", "name"), ("/v1/observations", "value"),
                                           ("/v1/places", "-parent")])
def test_unknown_sort_key_is_400_naming_sort(client: TestClient, url: str, sort: str) -> None:
    assert_problem(client.get(url, params={"sort": sort}), 400, "sort")


@pytest.mark.parametrize("url", [*COLLECTIONS, "/v1/events/full-5g-coverage", "/v1/meta", "/v1/search?q=港",
                                 f"/v1/sources/{SOURCE_SLUG}/body"])
def test_unknown_query_parameter_is_400_naming_it(client: TestClient, url: str) -> None:
    body = assert_problem(client.get(url, params={"colour": "red"}), 400, "colour")
    assert body["instance"] == url.split("?")[0]


def test_misspelt_filter_does_not_return_everything(client: TestClient) -> None:
    assert_problem(client.get("/v1/events", params={"categroy": "forum"}), 400, "categroy")
