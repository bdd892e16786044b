"""Formats (JSON, CSV, NDJSON) and languages (lang, Accept-Language) of the same data."""

import csv
import io
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import COLLECTIONS, assert_problem, get_json

EVENT_COLUMNS = ["slug", "date", "date_precision", "date_start", "date_end", "date_start_assumed", "date_edtf",
                 "place_slug", "place_name_zh", "place_name_en", "category", "title_zh", "title_en", "description_zh",
                 "description_en", "speaker_slug", "speaker_name_zh", "speaker_name_en", "speaker_url", "citations",
                 "url", "status", "status_reason", "rank", "rank_reason"]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def text_objects(value: Any) -> list[dict]:
    """Every bilingual text object ({"zh": …, "en": …} or a part of it) inside a JSON value."""
    found = []
    if isinstance(value, dict):
        if value and set(value) <= {"zh", "en"}:
            found.append(value)
        for v in value.values():
            found += text_objects(v)
    elif isinstance(value, list):
        for v in value:
            found += text_objects(v)
    return found


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/csv"}}, {"params": {"format": "csv"}}])
def test_csv_of_events(client: TestClient, how: dict) -> None:
    response = client.get("/v1/events", **how)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content.decode("utf-8"))
    assert rows[0] == EVENT_COLUMNS
    assert len(rows) == 1 + 8
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["slug"], first["title_zh"], first["place_name_zh"], first["date_precision"], first["date_edtf"]) == (
        "longgang-town-founded-1983-10", "龙港建镇", "龙港镇", "month", "1983-10")
    assert orjson.loads(first["citations"])[1]["quote"] == "1983年10月龙港建镇"
    assert response.headers["content-language"] == "zh, en"


def test_csv_columns_follow_lang(client: TestClient) -> None:
    rows = csv_rows(client.get("/v1/events", params={"format": "csv", "lang": "en", "limit": 1}).text)
    assert rows[0] == [c for c in EVENT_COLUMNS if not c.endswith("_zh")]


def test_empty_csv_still_has_the_header_row(client: TestClient) -> None:
    response = client.get("/v1/events", params={"format": "csv", "place": "nowhere"})
    assert response.status_code == 200
    assert csv_rows(response.text) == [EVENT_COLUMNS]
    empty_search = client.get("/v1/search", params={"q": "zebra", "format": "csv"})
    assert csv_rows(empty_search.text) == [["type", "slug", "url", "title_zh", "title_en", "field", "snippet",
                                            "score"]]


def test_csv_of_observations_keeps_exact_decimals_and_nulls(client: TestClient) -> None:
    rows = csv_rows(client.get("/v1/observations", params={"format": "csv", "indicator": "gdp"}).text)
    gdp = dict(zip(rows[0], rows[1], strict=True))
    assert (gdp["value"], gdp["value_base"], gdp["yoy_change_pct"], gdp["unit_zh"]) == (
        "138.1", "13810000000", "1.9", "亿元")
    assert gdp["reference_place_slug"] == ""  # a null nested object leaves its columns empty


@pytest.mark.parametrize("url", list(COLLECTIONS))
def test_csv_and_ndjson_have_one_row_per_item(client: TestClient, url: str) -> None:
    total = get_json(client, url, limit=200)["meta"]["total"]
    assert len(csv_rows(client.get(url, params={"format": "csv", "limit": 200}).text)) == 1 + total
    response = client.get(url, params={"limit": 200}, headers={"Accept": "application/x-ndjson"})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.content.decode("utf-8").splitlines()
    assert [orjson.loads(line) for line in lines] == get_json(client, url, limit=200)["data"]


def test_ndjson_of_one_item(client: TestClient) -> None:
    response = client.get("/v1/measures/one-seal-for-approvals", params={"format": "ndjson"})
    (line,) = response.text.splitlines()
    assert orjson.loads(line) == get_json(client, "/v1/measures/one-seal-for-approvals")


@pytest.mark.parametrize(("params", "headers", "languages"), [
    ({}, {}, {"zh", "en"}),
    ({"lang": "zh"}, {}, {"zh"}),
    ({"lang": "en"}, {}, {"en"}),
    ({"lang": "all"}, {}, {"zh", "en"}),
    ({}, {"Accept-Language": "en-US"}, {"en"}),
    ({}, {"Accept-Language": "zh-CN"}, {"zh"}),
    ({}, {"Accept-Language": "en;q=0.3, zh-Hans;q=0.8"}, {"zh"}),
    ({}, {"Accept-Language": "fr-FR, en;q=0.5"}, {"en"}),
    ({}, {"Accept-Language": "zh;q=0, en"}, {"en"}),
    ({}, {"Accept-Language": "fr"}, {"zh", "en"}),
    ({"lang": "en"}, {"Accept-Language": "zh-CN"}, {"en"}),  # the parameter wins
])
def test_language_selection(client: TestClient, params: dict, headers: dict, languages: set) -> None:
    response = client.get("/v1/measures", params={"limit": 200, **params}, headers=headers)
    assert response.status_code == 200
    assert set(response.headers["content-language"].split(", ")) == languages
    assert "Accept-Language" in response.headers["vary"]
    objects = text_objects(response.json()["data"])
    assert len(objects) > 36 * 3
    assert {frozenset(o) for o in objects} == {frozenset(languages)}


def test_language_applies_to_every_resource(client: TestClient) -> None:
    for url in [*COLLECTIONS, "/v1/events/full-5g-coverage", "/v1/places/longgang"]:
        response = client.get(url, params={"lang": "zh"})
        assert response.headers["content-language"] == "zh", url
        assert {frozenset(o) for o in text_objects(response.json())} == {frozenset({"zh"})}, url


def test_unknown_lang_is_rejected_naming_lang(client: TestClient) -> None:
    assert_problem(client.get("/v1/events", params={"lang": "fr"}), 422, "lang")


def test_unknown_format_is_rejected_naming_format(client: TestClient) -> None:
    assert_problem(client.get("/v1/events", params={"format": "xml"}), 422, "format")


@pytest.mark.parametrize("accept", ["image/png", "text/html;q=0.9, application/xml", "application/json;q=0"])
def test_unservable_accept_is_406(client: TestClient, accept: str) -> None:
    body = assert_problem(client.get("/v1/events", headers={"Accept": accept}), 406)
    assert "application/json" in body["detail"]


@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/csv;q=0.5, application/json", "application/json"),
    ("application/x-ndjson, application/json;q=0.1", "application/x-ndjson"),
    ("image/png, */*;q=0.1", "application/json"),
    ("text/*", "text/csv; charset=utf-8"),
])
def test_accept_q_values(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/v1/places", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"] == media_type


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get("/v1/places", params={"format": "json"}, headers={"Accept": "image/png"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
