"""/v1/measures and /v1/programmes: source order, filters, inline metrics, measure counts — from seed_data/*.yaml."""

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import SOURCE_SLUG, assert_problem, get_json, slugs, walk

FIRST_MEASURES = [  # measures.yaml order
    "one-seal-for-approvals",
    "administrative-approval-bureau",
    "enterprise-investment-approval-time-limits",
    "one-team-for-law-enforcement",
    "enforcement-supervision-integration",
]
LAST_MEASURES = ["modern-logistics-park", "headquarters-economy-park", "traditional-reshaping-and-emerging-cultivation"]
MEASURE_COUNT = 33  # 36 before the data review merged three duplicates into other facts
WITH_METRICS = {  # measure → number of metrics
    "one-seal-for-approvals": 1,
    "enterprise-investment-approval-time-limits": 3,
    "one-team-for-law-enforcement": 2,
    "one-list-for-transferring-functions": 1,  # the first batch of 27 is the event function-transfer-first-batch-signed
    "grid-governance": 3,
    "printing-and-packaging-cluster": 1,
    "new-materials-cluster": 1,
    "green-textiles-cluster": 1,
}
TEN_ONES = [
    "one-seal-for-approvals",
    "enterprise-investment-approval-time-limits",
    "one-team-for-law-enforcement",
    "one-list-for-transferring-functions",
    "government-function-transfer-and-service-purchase-list",
]


def measures(client: TestClient, **params: object) -> list[str]:
    body = get_json(client, "/v1/measures", limit=200, **params)
    assert body["meta"]["total"] == len(body["data"])
    return slugs(body["data"])


def metric(measure: dict, slug: str) -> dict:
    (found,) = [m for m in measure["metrics"] if m["slug"] == slug]
    return found


def test_measures_in_source_order(client: TestClient) -> None:
    body = get_json(client, "/v1/measures", limit=200)
    assert body["meta"]["total"] == MEASURE_COUNT and body["meta"]["sort"] == "id"
    found = slugs(body["data"])
    assert found[:5] == FIRST_MEASURES and found[-3:] == LAST_MEASURES
    assert len(set(found)) == MEASURE_COUNT


@pytest.mark.parametrize(("params", "expected"), [
    ({"category": "law_enforcement"}, ["one-team-for-law-enforcement", "enforcement-supervision-integration"]),
    ({"category": ["land", "household_registration"]}, ["household-registration-fully-opened",
                                                        "homestead-transfer-pilot"]),
    ({"kind": "industry_cluster"}, ["printing-and-packaging-cluster", "new-materials-cluster",
                                    "green-textiles-cluster"]),
    ({"programme": "ten-ones-institutional-results"}, TEN_ONES),
    ({"programme": "ten-landmark-projects,three-key-emerging-industries"},
     ["public-service-centre", "longhu-park", "new-peoples-hospital", "new-energy-equipment",
      "medical-and-sanitary-materials", "general-purpose-machinery"]),
    ({"programme": "no-such-programme"}, []),
    ({"has_metrics": "true"}, list(WITH_METRICS)),
    ({"category": "digital_government"}, []),  # 5G and the City Brain are events (infrastructure)
    ({"speaker": "zheng-jianzhong", "category": "grassroots_governance"},
     ["strong-communities-solid-grids-good-services"]),
    ({"place": "wenzhou"}, []),
])
def test_measure_filters(client: TestClient, params: dict, expected: list[str]) -> None:
    assert measures(client, **params) == expected


def test_has_metrics_false_is_the_complement(client: TestClient) -> None:
    without = measures(client, has_metrics="false")
    assert len(without) == MEASURE_COUNT - len(WITH_METRICS)
    assert "villages-to-communities" in without  # its 73 is the observation, not a metric
    assert not set(without) & set(WITH_METRICS)
    assert "administrative-approval-bureau" in without


def test_metric_counts_inline(client: TestClient) -> None:
    body = get_json(client, "/v1/measures", limit=200)
    assert {m["slug"]: len(m["metrics"]) for m in body["data"] if m["metrics"]} == WITH_METRICS
    assert sum(len(m["metrics"]) for m in body["data"]) == get_json(client, "/v1/meta")["counts"]["metrics"] == 13


def test_measure_facets(client: TestClient) -> None:
    facets = get_json(client, "/v1/measures", facet="kind", programme="ten-ones-institutional-results")["meta"]
    assert facets["facets"] == {"kind": [{"value": "reform", "count": 3}, {"value": "policy", "count": 2}]}
    all_categories = get_json(client, "/v1/measures", facet="category", limit=1)["meta"]["facets"]["category"]
    assert all_categories[0] == {"value": "industry", "count": 11}
    assert sum(f["count"] for f in all_categories) == MEASURE_COUNT


def test_one_seal_for_approvals_1129_licensing_items(client: TestClient) -> None:
    measure = get_json(client, "/v1/measures/one-seal-for-approvals")
    assert measure["name"] == {"zh": "一枚印章管审批", "en": "One seal for approvals"}
    assert (measure["category"], measure["kind"]) == ("administrative_approval", "reform")
    assert measure["programme"]["slug"] == "ten-ones-institutional-results"
    assert measure["programme"]["name"]["zh"] == "“十个一”制度成果"
    items = metric(measure, "one-seal-licensing-items-centralized")
    assert (items["value"], items["unit"], items["unit_zh"], items["comparator"]) == ("1129", "item", "项", "eq")
    assert items["counted"]["zh"] == "集中梳理的行政许可事项"
    assert items["citations"] == [{"source": SOURCE_SLUG, "source_url": f"/v1/sources/{SOURCE_SLUG}",
                                   "quote": "集中梳理许可事项1129项", "start": 1607, "end": 1620}]


def test_approval_in_at_most_40_and_16_days(client: TestClient) -> None:
    measure = get_json(client, "/v1/measures/enterprise-investment-approval-time-limits")
    assert [(m["slug"], m["value"], m["unit"], m["unit_zh"], m["comparator"]) for m in measure["metrics"]] == [
        ("general-enterprise-investment-project-approval-days", "40", "day", "天", "le"),
        ("low-risk-small-investment-project-approval-days", "16", "day", "天", "le"),
        ("enterprise-approval-time-further-reduction", "50", "percent", "%", "approx"),  # 一半: about half
    ]


def test_grids_32_large_103_all_purpose_90_percent_at_least(client: TestClient) -> None:
    measure = get_json(client, "/v1/measures/grid-governance")
    assert [(m["slug"], m["value"], m["comparator"]) for m in measure["metrics"]] == [
        ("large-grids", "32", "eq"), ("all-purpose-grids", "103", "eq"), ("matters-resolved-at-grid-level", "90", "ge")]
    assert metric(measure, "large-grids")["citations"][0]["quote"] == "龙港将全市划分为32个大网格、103个全科网格"


def test_ten_billion_yuan_clusters_are_targets_of_the_100_yi_class(client: TestClient) -> None:
    """百亿级 is the size class of a goal, not a measured 10^10 CNY: a target, comparator magnitude."""
    for slug in ("printing-and-packaging-cluster", "new-materials-cluster", "green-textiles-cluster"):
        measure = get_json(client, f"/v1/measures/{slug}")
        (only,) = measure["metrics"]
        assert (only["value"], only["unit"], only["unit_zh"], only["value_base"], only["comparator"],
                only["target"]) == ("100", "CNY", "亿元", "10000000000", "magnitude", True)
        assert measure["speaker"]["slug"] == "zheng-jianzhong"
    grids = get_json(client, "/v1/measures/grid-governance")["metrics"]
    assert [m["target"] for m in grids] == [False, False, False]


def test_measure_without_programme(client: TestClient) -> None:
    measure = get_json(client, "/v1/measures/enforcement-supervision-integration")
    assert measure["programme"] is None and measure["metrics"] == []
    assert measure["url"] == "/v1/measures/enforcement-supervision-integration"


def test_programmes_in_source_order_with_measure_counts(client: TestClient) -> None:
    body = get_json(client, "/v1/programmes", limit=200)
    assert body["meta"]["total"] == 27 and body["meta"]["sort"] == "id"
    counts = {p["slug"]: p["measure_count"] for p in body["data"]}
    assert slugs(body["data"])[:3] == ["new-urbanization-reform-testing-ground",
                                       "national-new-urbanization-comprehensive-pilot", "town-to-city-reform"]
    assert {k: v for k, v in counts.items() if v} == {
        "grassroots-governance-model-reform": 1, "four-modernizations-integrated-grassroots-reform": 3,
        "key-area-reforms": 4, "ten-ones-institutional-results": 5, "ten-landmark-projects": 3,
        "three-ten-billion-yuan-industry-clusters": 3, "three-key-emerging-industries": 3,
        "chain-strengthening-projects": 4, "livelihood-first-reform-priorities": 4}
    assert sum(counts.values()) == MEASURE_COUNT - 3  # three measures belong to no programme


def test_every_programme_measures_url_lists_its_measures(client: TestClient) -> None:
    programmes, _ = walk(client, "/v1/programmes", limit=200)
    for programme in programmes:
        listed, _ = walk(client, programme["measures_url"])
        assert len(listed) == programme["measure_count"], programme["slug"]
        assert all(m["programme"]["slug"] == programme["slug"] for m in listed)
    ten_ones = next(p for p in programmes if p["slug"] == "ten-ones-institutional-results")
    assert slugs(walk(client, ten_ones["measures_url"])[0]) == TEN_ONES


def test_programme_filters_and_facets(client: TestClient) -> None:
    body = get_json(client, "/v1/programmes", kind="results_set", facet="kind")
    assert slugs(body["data"]) == ["ten-ones-institutional-results"]
    all_kinds = get_json(client, "/v1/programmes", facet="kind", limit=1)["meta"]["facets"]["kind"]
    assert all_kinds == [{"value": "goal", "count": 8}, {"value": "principle", "count": 5},
                         {"value": "reform_programme", "count": 5}, {"value": "plan", "count": 4},
                         {"value": "pilot", "count": 2}, {"value": "project_list", "count": 2},
                         {"value": "results_set", "count": 1}]


def test_programme_item(client: TestClient) -> None:
    programme = get_json(client, "/v1/programmes/ten-ones-institutional-results")
    assert (programme["kind"], programme["measure_count"], programme["measures_url"], programme["url"]) == (
        "results_set", 5, "/v1/measures?programme=ten-ones-institutional-results",
        "/v1/programmes/ten-ones-institutional-results")
    assert programme["name"]["zh"] == "“十个一”制度成果"
    assert programme["place"]["slug"] == "longgang" and programme["citations"]


@pytest.mark.parametrize("url", ["/v1/measures/no-such-measure", "/v1/programmes/no-such-programme"])
def test_unknown_measure_or_programme_is_404(client: TestClient, url: str) -> None:
    body = assert_problem(client.get(url), 404)
    assert url.rsplit("/", 1)[1] in body["detail"]


def test_has_metrics_must_be_a_boolean(client: TestClient) -> None:
    assert_problem(client.get("/v1/measures", params={"has_metrics": "maybe"}), 422, "has_metrics")
