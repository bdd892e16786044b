"""/v1/indicators and /v1/observations: counts, filters, exact decimals — values from seed_data/*.yaml."""

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import SOURCE_SLUG, assert_problem, get_json, slugs

OBSERVATION_COUNTS = {
    "administrative-villages-converted-to-communities": 1,
    "comparable-main-economic-indicators": 1,
    "fiscal-revenue-total": 1,
    "gdp": 1,
    "general-public-budget-revenue": 1,
    "growth-indicators-ranked-first-in-wenzhou": 1,
    "industrial-profit-above-designated-size": 0,  # ranked first in Wenzhou, but no value is published
    "industrial-value-added-above-designated-size": 0,
    "main-indicators-growing-faster-than-wenzhou-average": 1,
}
H1_2020 = [  # period_start 2020-01-01, then slug
    "longgang-comparable-main-economic-indicators-2020-h1",
    "longgang-fiscal-revenue-total-2020-h1",
    "longgang-gdp-2020-h1",
    "longgang-general-public-budget-revenue-2020-h1",
    "longgang-growth-indicators-ranked-first-in-wenzhou-2020-h1",
    "longgang-main-indicators-growing-faster-than-wenzhou-average-2020-h1",
]
# Dated like the rest of its sentence (今年上半年) since the data review; first of the half-year by slug.
VILLAGES = "longgang-administrative-villages-converted-to-communities-2020-h1"
ALL_H1 = [VILLAGES, *H1_2020]
BEAT_WENZHOU = "longgang-main-indicators-growing-faster-than-wenzhou-average-2020-h1"


def observations(client: TestClient, **params: object) -> list[str]:
    body = get_json(client, "/v1/observations", limit=200, **params)
    assert body["meta"]["total"] == len(body["data"])
    return slugs(body["data"])


def test_indicators_list_with_observation_counts(client: TestClient) -> None:
    body = get_json(client, "/v1/indicators")
    assert body["meta"]["total"] == 9 and body["meta"]["sort"] == "code"
    assert {i["code"]: i["observation_count"] for i in body["data"]} == OBSERVATION_COUNTS
    assert [i["code"] for i in body["data"]] == sorted(OBSERVATION_COUNTS)


def test_indicator_item(client: TestClient) -> None:
    gdp = get_json(client, "/v1/indicators/gdp")
    assert gdp["name"] == {"zh": "地区生产总值", "en": "Gross domestic product (regional GDP)"}
    assert (gdp["unit"], gdp["observation_count"], gdp["url"], gdp["observations_url"]) == (
        "CNY", 1, "/v1/indicators/gdp", "/v1/indicators/gdp/observations")
    assert gdp["citations"] == [{"source": SOURCE_SLUG, "source_url": f"/v1/sources/{SOURCE_SLUG}",
                                 "quote": "今年上半年,龙港实现地区生产总值138.1亿元,同比增长1.9%;",
                                 "start": 608, "end": 641}]


def test_indicators_filter_and_facet_by_unit(client: TestClient) -> None:
    body = get_json(client, "/v1/indicators", unit="indicator", facet="unit")
    assert [i["code"] for i in body["data"]] == [
        "comparable-main-economic-indicators", "growth-indicators-ranked-first-in-wenzhou",
        "main-indicators-growing-faster-than-wenzhou-average"]
    assert body["meta"]["facets"] == {"unit": [{"value": "indicator", "count": 3}]}
    all_units = get_json(client, "/v1/indicators", facet="unit")["meta"]["facets"]["unit"]
    assert all_units == [{"value": "CNY", "count": 5}, {"value": "indicator", "count": 3},
                         {"value": "village", "count": 1}]


def test_gdp_observations_exact_values(client: TestClient) -> None:
    body = get_json(client, "/v1/indicators/gdp/observations")
    assert body["meta"]["total"] == 1
    (obs,) = body["data"]
    assert {k: obs[k] for k in ("slug", "period", "period_start", "period_end", "period_edtf", "value", "unit",
                                "unit_zh", "unit_multiplier", "value_base", "yoy_change_pct", "reference_place",
                                "url")} == {
        "slug": "longgang-gdp-2020-h1", "period": "2020-H1", "period_start": "2020-01-01",
        "period_end": "2020-06-30", "period_edtf": "2020-40", "value": "138.1", "unit": "CNY", "unit_zh": "亿元",
        "unit_multiplier": 8,
        "value_base": "13810000000", "yoy_change_pct": "1.9", "reference_place": None,
        "url": "/v1/observations/longgang-gdp-2020-h1"}
    assert obs["indicator"] == {"code": "gdp", "name": {"zh": "地区生产总值",
                                                        "en": "Gross domestic product (regional GDP)"}}
    assert obs["place"]["slug"] == "longgang"


@pytest.mark.parametrize(("slug", "value", "value_base", "yoy"), [
    ("longgang-fiscal-revenue-total-2020-h1", "14.4", "1440000000", None),
    ("longgang-general-public-budget-revenue-2020-h1", "9.5", "950000000", None),
    ("longgang-comparable-main-economic-indicators-2020-h1", "29", "29", None),
    (VILLAGES, "73", "73", None),
])
def test_observation_decimals_are_exact_strings(client: TestClient, slug: str, value: str, value_base: str,
                                                yoy: str | None) -> None:
    obs = get_json(client, f"/v1/observations/{slug}")
    assert (obs["value"], obs["value_base"], obs["yoy_change_pct"]) == (value, value_base, yoy)


def test_observation_periods_in_edtf(client: TestClient) -> None:
    """Derived from the period label: 2020-H1 is the first semester, 2020-40."""
    data = get_json(client, "/v1/observations")["data"]
    assert {o["slug"]: o["period_edtf"] for o in data} == {slug: "2020-40" for slug in ALL_H1}


def test_fifteen_of_twenty_nine_beat_the_wenzhou_average(client: TestClient) -> None:
    beat = get_json(client, f"/v1/observations/{BEAT_WENZHOU}")
    assert (beat["value"], beat["unit"], beat["unit_zh"], beat["unit_multiplier"]) == ("15", "indicator", "项", 0)
    assert beat["reference_place"] == {"slug": "wenzhou", "name": {"zh": "温州市", "en": "Wenzhou City"}}
    assert beat["comparison"] == {
        "zh": "29项可比主要经济指标中增速超过温州市平均水平",
        "en": "growth rate above the Wenzhou average (15 of 29 comparable main economic indicators)"}
    assert "29项可比主要经济指标中增速超过温州市平均水平的有15项" in [c["quote"] for c in beat["citations"]]
    comparable = get_json(client, "/v1/indicators/comparable-main-economic-indicators/observations")["data"]
    assert [o["value"] for o in comparable] == ["29"]


def test_observations_default_order(client: TestClient) -> None:
    body = get_json(client, "/v1/observations")
    assert body["meta"]["total"] == 7 and body["meta"]["sort"] == "period,slug"
    assert slugs(body["data"]) == ALL_H1


def test_observations_sorted_by_period_descending(client: TestClient) -> None:
    assert observations(client, sort="-period,slug") == ALL_H1  # one period: by slug
    assert observations(client, sort="-slug") == ALL_H1[::-1]


@pytest.mark.parametrize(("params", "expected"), [
    ({"indicator": "gdp"}, ["longgang-gdp-2020-h1"]),
    ({"indicator": "gdp,fiscal-revenue-total"}, ["longgang-fiscal-revenue-total-2020-h1", "longgang-gdp-2020-h1"]),
    ({"indicator": ["gdp", "fiscal-revenue-total"]},
     ["longgang-fiscal-revenue-total-2020-h1", "longgang-gdp-2020-h1"]),
    ({"indicator": "industrial-profit-above-designated-size"}, []),
    ({"place": "longgang"}, ALL_H1),
    ({"place": "wenzhou"}, []),  # wenzhou is a reference place, not an observed one
    ({"period": "2020-H1"}, ALL_H1),
    ({"period": "2020-10-20"}, []),
    ({"period": "2020"}, []),
    ({"period_from": "2020-07-01"}, []),
    ({"period_to": "2020-06-30"}, ALL_H1),
    ({"period_from": "2020-06-30", "period_to": "2020-06-30"}, ALL_H1),  # the half-year's last day overlaps it
    ({"period_from": "2020-03-01", "period_to": "2020-03-31"}, ALL_H1),
    ({"period_to": "2019-12-31"}, []),
    ({"period_from": "2020-10-21"}, []),
    ({"indicator": "gdp", "period_from": "2020-07-01"}, []),
])
def test_observation_filters(client: TestClient, params: dict, expected: list[str]) -> None:
    assert observations(client, **params) == expected


def test_nested_route_takes_the_same_filters(client: TestClient) -> None:
    url = "/v1/indicators/administrative-villages-converted-to-communities/observations"
    assert slugs(get_json(client, url, period_from="2020-06-30")["data"]) == [VILLAGES]
    assert get_json(client, url, period_from="2020-07-01")["data"] == []


def test_observation_facets(client: TestClient) -> None:
    facets = get_json(client, "/v1/observations", facet="period,unit")["meta"]["facets"]
    assert facets == {
        "period": [{"value": "2020-H1", "count": 7}],
        "unit": [{"value": "CNY", "count": 3}, {"value": "indicator", "count": 3}, {"value": "village", "count": 1}],
    }


@pytest.mark.parametrize("url", ["/v1/indicators/no-such-indicator", "/v1/indicators/no-such-indicator/observations",
                                 "/v1/observations/no-such-observation"])
def test_unknown_indicator_or_observation_is_404(client: TestClient, url: str) -> None:
    body = assert_problem(client.get(url), 404)
    assert "no-such-" in body["detail"]


def test_bad_period_bound_is_422_naming_it(client: TestClient) -> None:
    assert_problem(client.get("/v1/observations", params={"period_from": "2020-H1"}), 422, "period_from")
