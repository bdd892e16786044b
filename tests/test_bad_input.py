"""Hostile and malformed input: every case is a clear 4xx problem naming the parameter, never a 5xx.

SQL meta-characters, absurd limits, forged and truncated cursors, invalid UTF-8 and NUL bytes, over-long
query strings, unknown languages and media types — then proof that none of it changed the data.
"""

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.config import Settings
from app.main import create_app
from tests.api_helpers import SOURCE_SLUG, assert_problem, get_json
from tests.conftest import settings_for

SQL_META = ["' OR 1=1 --", "%", "_", "\\", ";", "'; DROP TABLE timeline_event; --", "*"]
# A free-text filter of each collection: unknown values match nothing (200, total 0), never everything.
TEXT_FILTERS = [
    ("/v1/events", "place"),
    ("/v1/places", "parent"),
    ("/v1/indicators", "unit"),
    ("/v1/observations", "indicator"),
    ("/v1/observations", "period"),
    ("/v1/measures", "programme"),
    ("/v1/programmes", "place"),
]
LISTS = ["/v1/events", "/v1/places", "/v1/indicators", "/v1/observations", "/v1/measures", "/v1/programmes",
         "/v1/sources", f"/v1/sources/{SOURCE_SLUG}/citations"]
MAX_QUERY_STRING = Settings().max_query_string



@pytest.fixture(scope="module")
def client(seeded_url: str) -> Iterator[TestClient]:
    """Like conftest's, but a 500 comes back as a response to assert on, not as the server's exception."""
    with TestClient(create_app(settings_for(seeded_url)), raise_server_exceptions=False) as c:
        yield c



def b64(payload: Any) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def forged_cursor(path: str, sort: str, values: list[Any], row_id: Any) -> str:
    """A cursor with a valid signature, built from the public recipe (no secret is involved)."""
    signature = hashlib.sha256(f"{path}|{sort}".encode()).hexdigest()[:12]
    return b64({"s": signature, "v": values, "id": row_id})


def next_cursor(client: TestClient, url: str) -> str:
    body = get_json(client, url)
    assert body["links"]["next"], url
    return body["links"]["next"].split("cursor=")[1].split("&")[0]


# --- SQL meta-characters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", SQL_META)
@pytest.mark.parametrize(("url", "name"), TEXT_FILTERS)
def test_sql_meta_characters_in_filters_match_nothing(client: TestClient, url: str, name: str, value: str) -> None:
    """Treated as a literal value: no injection, and % and _ are not LIKE wildcards."""
    body = get_json(client, url, **{name: value})
    assert body["meta"]["total"] == 0 and body["data"] == [], body["meta"]


@pytest.mark.parametrize("value", ["%", "_", "\\", ";", "%%", "'--", "%_\\;"])
def test_sql_meta_characters_alone_in_q_are_400_naming_q(client: TestClient, value: str) -> None:
    assert_problem(client.get("/v1/search", params={"q": value}), 400, "q")


def test_sql_injection_in_q_is_only_searched_for(client: TestClient) -> None:
    """`' OR 1=1 --` is the words OR and 1: it finds what those words find, not every fact."""
    injected = get_json(client, "/v1/search", q="' OR 1=1 --", limit=200)
    plain = get_json(client, "/v1/search", q="OR 1 1", limit=200)
    assert injected["meta"]["total"] == plain["meta"]["total"]
    assert [h["slug"] for h in injected["data"]] == [h["slug"] for h in plain["data"]]


@pytest.mark.parametrize(("url", "name", "value"), [
    ("/v1/events", "sort", "date; DROP TABLE timeline_event"),
    ("/v1/events", "sort", "' OR 1=1 --"),
    ("/v1/events", "sort", "%"),
    ("/v1/events", "facet", "category; --"),
    ("/v1/events", "facet", "%"),
    ("/v1/measures", "sort", "id)--"),
])
def test_sql_meta_characters_in_sort_and_facet_are_400(client: TestClient, url: str, name: str, value: str) -> None:
    assert_problem(client.get(url, params={name: value}), 400, name)


@pytest.mark.parametrize(("url", "name"), [("/v1/events", "category"), ("/v1/measures", "kind"),
                                           ("/v1/places", "level"), ("/v1/search", "type")])
@pytest.mark.parametrize("value", ["' OR 1=1 --", "%", ";"])
def test_sql_meta_characters_in_enum_filters_are_422(client: TestClient, url: str, name: str, value: str) -> None:
    params = {name: value, **({"q": "longgang"} if url == "/v1/search" else {})}
    body = assert_problem(client.get(url, params=params), 422)
    assert body["errors"][0]["parameter"].split(".")[0] == name, body


@pytest.mark.parametrize("slug", ["' OR 1=1 --", "%", "_", ";", "\\"])
@pytest.mark.parametrize("collection", ["events", "places", "indicators", "observations", "measures",
                                        "programmes", "sources"])
def test_sql_meta_characters_in_item_slugs_are_404(client: TestClient, collection: str, slug: str) -> None:
    from urllib.parse import quote

    assert_problem(client.get(f"/v1/{collection}/{quote(slug, safe='')}"), 404)


# --- limit ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [str(10**30), "-1", "0", "201", "1.5", "abc", "", "1e3", "0x10"])
@pytest.mark.parametrize("url", LISTS + ["/v1/search?q=longgang"])
def test_bad_limit_is_422_naming_limit(client: TestClient, url: str, limit: str) -> None:
    sep = "&" if "?" in url else "?"
    assert_problem(client.get(f"{url}{sep}limit={limit}"), 422, "limit")


# --- cursors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", [
    b64(bytes(range(7, 250, 7))),  # random bytes
    b64({"s": "0" * 12, "v": [], "id": 1}),  # wrong signature and arity
    b64({"s": "x", "v": "not-a-list", "id": 1}),
    b64([1, 2, 3]),
    b64({"s": "x", "v": [1], "id": 10**30}),  # id beyond any integer column
    "!!!not*base64!!!",
    "%FF%FE",
    "%00",
    "e30",  # "{}"
])
@pytest.mark.parametrize("url", LISTS)
def test_forged_cursors_are_400_naming_cursor(client: TestClient, url: str, cursor: str) -> None:
    assert_problem(client.get(f"{url}?cursor={cursor}"), 400, "cursor")


@pytest.mark.parametrize("url", ["/v1/events?limit=1", "/v1/measures?limit=2", "/v1/places?limit=1",
                                 f"/v1/sources/{SOURCE_SLUG}/citations?limit=3"])
@pytest.mark.parametrize("cut", [1, 2, 5])
def test_truncated_real_cursor_is_400_naming_cursor(client: TestClient, url: str, cut: int) -> None:
    cursor = next_cursor(client, url)
    assert_problem(client.get(f"{url}&cursor={cursor[:-cut]}"), 400, "cursor")


def test_cursor_from_another_endpoint_is_400(client: TestClient) -> None:
    cursor = next_cursor(client, "/v1/events?limit=1")
    for other in ("/v1/places", "/v1/measures", "/v1/observations", "/v1/indicators/x/observations"):
        response = client.get(f"{other}?cursor={cursor}")
        if other.endswith("/observations") and response.status_code == 404:
            continue  # the unknown indicator is found out first
        assert_problem(response, 400, "cursor")


def test_cursor_from_another_sort_is_400(client: TestClient) -> None:
    cursor = next_cursor(client, "/v1/events?limit=1&sort=slug")
    assert_problem(client.get(f"/v1/events?limit=1&cursor={cursor}"), 400, "cursor")
    assert_problem(client.get(f"/v1/events?limit=1&sort=-slug&cursor={cursor}"), 400, "cursor")


def test_search_cursor_for_another_query_is_400(client: TestClient) -> None:
    cursor = next_cursor(client, "/v1/search?q=longgang&limit=1")
    assert_problem(client.get(f"/v1/search?q=reform&limit=1&cursor={cursor}"), 400, "cursor")
    assert_problem(client.get(f"/v1/search?q=longgang&type=event&limit=1&cursor={cursor}"), 400, "cursor")
    assert_problem(client.get(f"/v1/events?cursor={cursor}"), 400, "cursor")


def test_over_long_cursor_is_422_naming_cursor(client: TestClient) -> None:
    assert_problem(client.get("/v1/events", params={"cursor": "A" * 513}), 422, "cursor")


@pytest.mark.parametrize(("url", "sort", "values", "row_id"), [
    ("/v1/events", "date,slug", [{"d": "2020-01-01"}, "x"], 2**63),  # id past BIGINT
    ("/v1/events", "date,slug", [[1, 2], {"a": 1}], 1),  # non-scalar sort values
    ("/v1/events", "date,slug", [None, "x"], 1),  # NULL sort value
    ("/v1/measures", "id", [True], True),
    ("/v1/observations", "period,slug", ["not-a-date", "x"], 1),  # a string where a date belongs
], ids=["id-2**63", "list-and-object", "null", "boolean", "string-for-date"])
def test_well_signed_cursor_with_wrong_types_is_400(client: TestClient, url: str, sort: str, values: list[Any],
                                                    row_id: Any) -> None:
    cursor = forged_cursor(url, sort, values, row_id)
    assert_problem(client.get(f"{url}?cursor={cursor}"), 400, "cursor")


@pytest.mark.parametrize(("url", "sort", "values", "row_id"), [
    # Ids are 32-bit INTEGER columns on PostgreSQL: anything outside is the client's error, not the database's.
    ("/v1/measures", "id", [2**31], 1),
    ("/v1/measures", "id", [1], 2**31),
    ("/v1/measures", "id", [1], 2**63 - 1),
    ("/v1/measures", "id", [-(2**31) - 1], 1),
    ("/v1/events", "date,slug", [{"d": "2020-01-01"}, "x"], 2**31),
    (f"/v1/sources/{SOURCE_SLUG}/citations", "start", [2**40], 1),
    # Text values the database cannot hold: a NUL, a lone surrogate, longer than the column.
    ("/v1/events", "date,slug", [{"d": "2020-01-01"}, "a\x00b"], 1),
    ("/v1/events", "date,slug", [{"d": "2020-01-01"}, "\ud800"], 1),
    ("/v1/places", "slug", ["x" * 300], 1),
    ("/v1/measures", "slug", ["a\x00"], 1),
    ("/v1/events", "date,slug", [{"d": "99999-01-01"}, "x"], 1),
    ("/v1/events", "date,slug", [1.5, "x"], 1),
    ("/v1/measures", "id", [1], 1.0),
], ids=["value-2**31", "id-2**31", "id-2**63-1", "value-below-int32", "events-id-2**31", "offset-2**40",
        "nul-in-slug", "lone-surrogate", "slug-300", "nul-in-measure-slug", "year-99999", "float-for-date",
        "float-id"])
def test_cursor_values_outside_their_column_are_400(client: TestClient, url: str, sort: str, values: list[Any],
                                                     row_id: Any) -> None:
    cursor = forged_cursor(url, sort, values, row_id)
    assert_problem(client.get(f"{url}?cursor={cursor}&sort={sort}"), 400, "cursor")


def rank_cursor(q: str, types: Any, offset: Any) -> str:
    signature = hashlib.sha256(f"{q}|{types}".encode()).hexdigest()[:12]
    return b64({"s": signature, "o": offset})


@pytest.mark.parametrize("offset", [2**63, 2**31, 2**62, -1, True, 1.5, "10", None])
def test_search_cursor_offset_out_of_range_is_400(client: TestClient, offset: Any) -> None:
    assert_problem(client.get(f"/v1/search?q=longgang&cursor={rank_cursor('longgang', None, offset)}"), 400,
                   "cursor")


def test_search_cursor_at_the_largest_offset_is_an_empty_page(client: TestClient) -> None:
    body = get_json(client, f"/v1/search?q=longgang&cursor={rank_cursor('longgang', None, 2**31 - 1)}")
    assert body["data"] == [] and body["links"]["next"] is None and body["meta"]["total"] > 0


def test_repeated_facet_names_are_counted_once(client: TestClient) -> None:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    once = get_json(client, "/v1/measures?facet=category,kind&limit=1")
    client.app.state.aggregate_cache.entries.clear()  # count again, as a fresh process would
    engine = client.app.state.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        many = get_json(client, "/v1/measures?facet=" + ",".join(["category", "kind"] * 110) + "&limit=1")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert many["meta"]["facets"] == once["meta"]["facets"]
    assert list(many["meta"]["facets"]) == ["category", "kind"]
    assert sum("GROUP BY" in s for s in statements) == 2, statements


# --- invalid UTF-8 and NUL bytes --------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "name"), [
    ("/v1/search", "q"), ("/v1/events", "sort"), ("/v1/events", "facet"), ("/v1/events", "cursor"),
    ("/v1/events", "limit"), ("/v1/events", "date_from"), ("/v1/events", "category"), ("/v1/events", "lang"),
    ("/v1/events", "format"),
])
@pytest.mark.parametrize("raw", ["%FF%FE", "%00", "%C0%80", "%ED%A0%80"], ids=["FFFE", "NUL", "overlong-NUL",
                                                                             "surrogate"])
def test_invalid_bytes_in_any_parameter_are_400_naming_it(client: TestClient, url: str, name: str,
                                                         raw: str) -> None:
    # Checked before any parameter is parsed, so typed and free-text parameters answer alike.
    body = assert_problem(client.get(f"{url}?{name}={raw}"), 400, name)
    assert "UTF-8" in body["detail"] or "NUL" in body["detail"], body


@pytest.mark.parametrize("raw", ["%FF%FE", "%FF%FEab"])
@pytest.mark.parametrize(("url", "name"), [("/v1/events", "place"), ("/v1/search", "q")])
def test_invalid_utf8_in_free_text_is_400_naming_it(client: TestClient, url: str, name: str, raw: str) -> None:
    body = assert_problem(client.get(f"{url}?{name}={raw}"), 400, name)
    assert "UTF-8" in body["detail"], body


@pytest.mark.parametrize(("url", "name"), [("/v1/events", "place"), ("/v1/observations", "indicator"),
                                           ("/v1/measures", "programme"), ("/v1/search", "q")])
def test_nul_byte_in_free_text_is_400_naming_it(client: TestClient, url: str, name: str) -> None:
    sep = "&" if "?" in url else "?"
    assert_problem(client.get(f"{url}{sep}{name}=a%00b"), 400, name)


@pytest.mark.parametrize(("path", "name"), [("/v1/events/a%00b", "slug"), ("/v1/indicators/a%00b/observations", "code"),
                                            ("/v1/sources/a%00b/body", "slug"), ("/v1/places/%00", "slug")])
def test_nul_byte_in_a_path_slug_is_400_naming_it(client: TestClient, path: str, name: str) -> None:
    body = assert_problem(client.get(path), 400, name)
    assert body["errors"][0]["in"] == "path", body


# --- query-string length ----------------------------------------------------------------------------------


def test_10kb_query_string_is_414(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/events?place=" + "a" * 10_000), 414)
    assert str(MAX_QUERY_STRING) in body["detail"]


def test_10kb_query_string_of_many_parameters_is_414(client: TestClient) -> None:
    assert_problem(client.get("/v1/search?" + "&".join(["q=longgang"] * 1000)), 414)


def test_query_string_at_the_limit_is_served(client: TestClient) -> None:
    prefix = "place="
    at_limit = prefix + "a" * (MAX_QUERY_STRING - len(prefix))
    assert get_json(client, f"/v1/events?{at_limit}")["meta"]["total"] == 0
    assert_problem(client.get(f"/v1/events?{at_limit}a"), 414)


# --- language and media type ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ZH", "zh-CN", "", "en,zh", "*"])
@pytest.mark.parametrize("url", ["/v1/events", "/v1/meta", "/v1/events/town-abolished-city-established-2019-09-25",
                                 "/v1/search?q=longgang"])
def test_unknown_lang_is_422_naming_lang(client: TestClient, url: str, lang: str) -> None:
    sep = "&" if "?" in url else "?"
    assert_problem(client.get(f"{url}{sep}lang={lang}"), 422, "lang")


@pytest.mark.parametrize("fmt", ["xml", "html", "JSON", ""])
def test_unknown_format_is_422_naming_format(client: TestClient, fmt: str) -> None:
    assert_problem(client.get(f"/v1/events?format={fmt}"), 422, "format")


@pytest.mark.parametrize("accept", ["image/png", "text/html", "application/xml", "application/json;q=0",
                                    "application/pdf, image/*", "nonsense", "text/csv;q=0, text/*",
                                    "application/jsonx", "text/csvx, application/json;q=0"])
@pytest.mark.parametrize("url", ["/v1/events", "/v1/meta", "/v1/places/longgang", "/v1/search?q=longgang",
                                 f"/v1/sources/{SOURCE_SLUG}/citations"])
def test_unserved_accept_is_406(client: TestClient, url: str, accept: str) -> None:
    assert_problem(client.get(url, headers={"Accept": accept}), 406)


@pytest.mark.parametrize("accept", ["image/png", "application/json", "text/plainx", "text/plain;q=0",
                                    "text/plain;q=0, text/*", "text/csv"])
def test_unserved_accept_on_source_body_is_406(client: TestClient, accept: str) -> None:
    assert_problem(client.get(f"/v1/sources/{SOURCE_SLUG}/body", headers={"Accept": accept}), 406)


# --- nothing changed --------------------------------------------------------------------------------------


HOSTILE = [
    "/v1/events?place=%27%20OR%201%3D1%20--", "/v1/events?place=%27%3B%20DROP%20TABLE%20timeline_event%3B%20--",
    "/v1/search?q=%27%3B%20DELETE%20FROM%20citation%3B%20--", "/v1/events?sort=date%3B%20DROP%20TABLE%20place",
    "/v1/measures?programme=%25", "/v1/events?limit=-1", "/v1/events/a%00b", "/v1/events?place=a%00b",
    "/v1/events?cursor=" + forged_cursor("/v1/events", "date,slug", [[1], {"a": 1}], 1),
    "/v1/events?place=" + "a" * 10_000,
]


def test_data_unchanged_after_hostile_requests(seeded_url: str, client: TestClient) -> None:
    def meta() -> dict[str, Any]:
        # A fresh app each time: no response cache can hide a change.
        with TestClient(create_app(settings_for(seeded_url))) as fresh:
            body = get_json(fresh, "/v1/meta")
        return {k: body[k] for k in ("counts", "dataset_version", "content_sha256", "last_updated")}

    before = meta()
    for url in HOSTILE:
        client.get(url)
    assert meta() == before
    assert before["counts"]["events"] > 0 and before["counts"]["citations"] > 0
