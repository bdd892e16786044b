"""/v1/events: order, filters (date overlap), sort, facets, one event, 404 — values from seed_data/events.yaml."""

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import SOURCE_SLUG, assert_problem, get_json, slugs

DEFAULT_ORDER = [  # date_start, then slug
    "longgang-town-founded-1983-10",
    "national-new-urbanization-pilot-2014",
    "function-transfer-first-batch-signed",
    "town-abolished-city-established-2019-09-25",
    "city-brain-phase-1-in-operation",
    "full-5g-coverage",
    "new-urbanization-forum-2020",
    "reporter-visit-xiayangzheng-community-service-centre",
]
# “目前” (at present): 2019-09-25 .. 2020-10-20, precision `before`, the start assumed (the city's establishment).
WITHIN_YEAR_AFTER_CITY = {"function-transfer-first-batch-signed"}
# The 今年上半年 sentence (5G, the City Brain), dated 2020-H1 since the data review.
FIRST_HALF_2020 = ["city-brain-phase-1-in-operation", "full-5g-coverage"]
ASSUMED_START = ["function-transfer-first-batch-signed", "new-urbanization-forum-2020",
                 "reporter-visit-xiayangzheng-community-service-centre"]


def events(client: TestClient, **params: object) -> list[str]:
    body = get_json(client, "/v1/events", limit=200, **params)
    assert body["meta"]["total"] == len(body["data"])
    return slugs(body["data"])


def test_default_order_total_and_meta(client: TestClient) -> None:
    body = get_json(client, "/v1/events")
    assert body["meta"] == {"total": 8, "count": 8, "limit": 50, "sort": "date,slug"}
    assert slugs(body["data"]) == DEFAULT_ORDER
    assert body["links"] == {"self": "/v1/events", "next": None}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"place": "longgang-town"}, ["longgang-town-founded-1983-10", "national-new-urbanization-pilot-2014"]),
        ({"place": "xiayangzheng-community"}, ["reporter-visit-xiayangzheng-community-service-centre"]),
        ({"place": "longgang-town,xiayangzheng-community"},
         ["longgang-town-founded-1983-10", "national-new-urbanization-pilot-2014",
          "reporter-visit-xiayangzheng-community-service-centre"]),
        ({"place": "nowhere"}, []),
        ({"category": "infrastructure"}, ["city-brain-phase-1-in-operation", "full-5g-coverage"]),
        ({"category": ["forum", "reform"]}, ["function-transfer-first-batch-signed", "new-urbanization-forum-2020"]),
        ({"category": "economy"}, []),  # economy-2020-h1 summarised the H1 observations: deprecated
        ({"speaker": "zheng-jianzhong"}, ["new-urbanization-forum-2020"]),
        ({"speaker": "xiong-li"}, []),  # the reporter's visit is the reporter's own account, not a quote
        ({"speaker": "nobody"}, []),
        ({"date_precision": "day"}, ["town-abolished-city-established-2019-09-25"]),
        ({"date_precision": "half_year"}, FIRST_HALF_2020),
        ({"date_precision": "month"}, ["longgang-town-founded-1983-10"]),
        ({"date_precision": "year"}, ["national-new-urbanization-pilot-2014"]),
        ({"date_precision": "before"},
         [*sorted(WITHIN_YEAR_AFTER_CITY), "new-urbanization-forum-2020",
          "reporter-visit-xiayangzheng-community-service-centre"]),
        ({"place": "longgang", "category": "infrastructure", "date_precision": "half_year"}, FIRST_HALF_2020),
    ],
)
def test_filters(client: TestClient, params: dict, expected: list[str]) -> None:
    assert events(client, **params) == expected


def test_range_inside_a_half_year_finds_the_half_year_event(client: TestClient) -> None:
    # March 2020 lies inside 2020-H1 and inside “the year since the city was established”.
    found = events(client, date_from="2020-03-01", date_to="2020-03-31")
    assert set(found) == set(FIRST_HALF_2020) | WITHIN_YEAR_AFTER_CITY


def test_range_ending_the_day_before_excludes_the_city_establishment(client: TestClient) -> None:
    assert events(client, date_to="2019-09-24") == [
        "longgang-town-founded-1983-10", "national-new-urbanization-pilot-2014"]


def test_single_day_range_finds_day_event_and_overlapping_ranges(client: TestClient) -> None:
    found = events(client, date_from="2019-09-25", date_to="2019-09-25")
    assert set(found) == {"town-abolished-city-established-2019-09-25"} | WITHIN_YEAR_AFTER_CITY


def test_range_inside_a_month_finds_the_month_event(client: TestClient) -> None:
    assert events(client, date_from="1983-10-15", date_to="1983-10-15") == ["longgang-town-founded-1983-10"]
    assert events(client, date_from="1983-11-01", date_to="2013-12-31") == []


def test_date_from_keeps_events_ending_on_or_after_it(client: TestClient) -> None:
    found = events(client, date_from="2020-10-01")
    assert set(found) == WITHIN_YEAR_AFTER_CITY | {
        "new-urbanization-forum-2020", "reporter-visit-xiayangzheng-community-service-centre"}
    assert events(client, date_from="2020-10-21") == []


def test_sort_descending_date_then_slug(client: TestClient) -> None:
    body = get_json(client, "/v1/events", sort="-date,slug")
    assert body["meta"]["sort"] == "-date,slug"
    assert slugs(body["data"]) == [
        "new-urbanization-forum-2020",
        "reporter-visit-xiayangzheng-community-service-centre",
        "city-brain-phase-1-in-operation",
        "full-5g-coverage",
        "function-transfer-first-batch-signed",  # its start is assumed: `-date` sorts it among 2019's
        "town-abolished-city-established-2019-09-25",
        "national-new-urbanization-pilot-2014",
        "longgang-town-founded-1983-10",
    ]


def test_newest_first_is_by_the_end_of_the_range(client: TestClient) -> None:
    """`-date_end`: “目前” and “日前” events end at publication, so they come first, not among 2019's."""
    assert events(client, sort="-date_end,slug") == [
        "function-transfer-first-batch-signed", "new-urbanization-forum-2020",
        "reporter-visit-xiayangzheng-community-service-centre", *FIRST_HALF_2020,
        "town-abolished-city-established-2019-09-25", "national-new-urbanization-pilot-2014",
        "longgang-town-founded-1983-10"]


def test_assumed_start_dates_are_marked(client: TestClient) -> None:
    data = get_json(client, "/v1/events")["data"]
    assert [e["slug"] for e in data if e["date_start_assumed"]] == sorted(ASSUMED_START)


def test_sort_by_slug_descending(client: TestClient) -> None:
    assert events(client, sort="-slug") == sorted(DEFAULT_ORDER, reverse=True)


def test_facets_count_every_matching_event(client: TestClient) -> None:
    body = get_json(client, "/v1/events", facet="category,date_precision", limit=1)
    assert body["meta"]["count"] == 1 and body["meta"]["total"] == 8
    assert body["meta"]["facets"] == {
        "category": [
            {"value": "infrastructure", "count": 2},
            *({"value": v, "count": 1} for v in ["administrative_status", "establishment", "forum",
                                                 "pilot_designation", "reform", "reporting"]),
        ],
        "date_precision": [
            {"value": "before", "count": 3},
            {"value": "half_year", "count": 2},
            *({"value": v, "count": 1} for v in ["day", "month", "year"]),
        ],
    }


def test_facets_follow_filters(client: TestClient) -> None:
    body = get_json(client, "/v1/events", facet="date_precision", place="longgang-town")
    assert body["meta"]["facets"] == {"date_precision": [{"value": "month", "count": 1},
                                                          {"value": "year", "count": 1}]}


def test_unknown_facet_is_a_400_naming_facet(client: TestClient) -> None:
    assert_problem(client.get("/v1/events", params={"facet": "title"}), 400, "facet")


def test_city_establishment_event(client: TestClient) -> None:
    event = get_json(client, "/v1/events/town-abolished-city-established-2019-09-25")
    assert {k: event[k] for k in ("slug", "date", "date_precision", "date_start", "date_end", "category", "url")} == {
        "slug": "town-abolished-city-established-2019-09-25", "date": "2019-09-25", "date_precision": "day",
        "date_start": "2019-09-25", "date_end": "2019-09-25", "category": "administrative_status",
        "url": "/v1/events/town-abolished-city-established-2019-09-25"}
    assert event["place"] == {"slug": "longgang", "name": {"zh": "龙港市", "en": "Longgang City"}}
    assert event["title"]["zh"] == "龙港撤镇设市,成为全国第一个“镇改市”"
    assert [(c["start"], c["end"]) for c in event["citations"]] == [(356, 393), (393, 419), (513, 583)]
    assert event["citations"][0] == {
        "source": SOURCE_SLUG, "source_url": f"/v1/sources/{SOURCE_SLUG}",
        "quote": "2019年9月25日,被誉为“中国第一座农民城”的龙港镇正式挂牌撤镇设市。", "start": 356, "end": 393}


def test_forum_event_is_dated_before_publication(client: TestClient) -> None:
    event = get_json(client, "/v1/events/new-urbanization-forum-2020")
    assert (event["date"], event["date_precision"], event["date_start"], event["date_end"]) == (
        "2020-10-20", "before", "2020-09-25", "2020-10-20")
    assert event["category"] == "forum"
    assert event["title"] == {"zh": "2020中国(温州·龙港)新型城镇化改革发展高峰论坛",
                              "en": "2020 China (Wenzhou·Longgang) New-Type Urbanization Reform and "
                                    "Development Summit Forum"}


def test_half_year_event(client: TestClient) -> None:
    event = get_json(client, "/v1/events/full-5g-coverage")
    assert (event["date"], event["date_precision"], event["date_start"], event["date_end"],
            event["date_start_assumed"]) == ("2020-H1", "half_year", "2020-01-01", "2020-06-30", False)
    assert [c["quote"] for c in event["citations"]] == ["今年上半年", "在全国率先实现全域5G网络全覆盖"]


EDTF = {  # seed_data/events.yaml's `edtf`, ISO 8601-2
    "longgang-town-founded-1983-10": "1983-10",
    "national-new-urbanization-pilot-2014": "2014",
    "town-abolished-city-established-2019-09-25": "2019-09-25",
    **{slug: "2020-40" for slug in FIRST_HALF_2020},  # the first semester (EDTF level 2 sub-year grouping 40)
    "new-urbanization-forum-2020": "[..2020-10-20]",  # 日前: one day, on or before publication
    **{slug: "[..2020-10-20]" for slug in WITHIN_YEAR_AFTER_CITY},
    "reporter-visit-xiayangzheng-community-service-centre": "[..2020-10-20]",
}


@pytest.mark.parametrize(("slug", "edtf"), sorted(EDTF.items()))
def test_event_date_in_edtf(client: TestClient, slug: str, edtf: str) -> None:
    event = get_json(client, f"/v1/events/{slug}")
    assert event["date_edtf"] == edtf


def test_every_listed_event_has_its_edtf(client: TestClient) -> None:
    events = get_json(client, "/v1/events", lang="en")["data"]
    assert {e["slug"]: e["date_edtf"] for e in events} == EDTF


def test_unknown_event_is_404(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/events/no-such-event"), 404)
    assert "no-such-event" in body["detail"]


@pytest.mark.parametrize(("name", "value"), [("date_from", "2020-13-01"), ("date_to", "yesterday")])
def test_invalid_dates_are_422_naming_the_parameter(client: TestClient, name: str, value: str) -> None:
    assert_problem(client.get("/v1/events", params={name: value}), 422, name)


@pytest.mark.parametrize(("name", "value"), [("category", "party"), ("date_precision", "week")])
def test_invalid_enum_values_are_422_naming_the_parameter(client: TestClient, name: str, value: str) -> None:
    assert_problem(client.get("/v1/events", params={name: value}), 422, name)
