"""The data review's corrections (issue 10) as release 2: the seed files as they were before the review
(tests/fixtures/seed_before_review) make release 1, the corrected seed_data/ make release 2, and release 2's
changelog is exactly the corrections — what was created, updated (field by field) and deprecated."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import client_for, migrate_and_seed
from fastapi.testclient import TestClient

from app.cli import main as cli
from app.config import get_settings
from tests.api_helpers import SOURCE_SLUG, assert_problem, get_json, slugs, walk

BEFORE_REVIEW = Path(__file__).parent / "fixtures" / "seed_before_review"
ZHENG = {"slug": "zheng-jianzhong", "name": {"zh": "郑建忠", "en": "Zheng Jianzhong"},
         "url": "/v1/people/zheng-jianzhong"}
REMOVED = "removed from the seed files"
H1_DATES = [("/date", "2020-10-20", "2020-H1"), ("/date_edtf", "[..2020-10-20]", "2020-40"),
            ("/date_end", "2020-10-20", "2020-06-30"), ("/date_precision", "before", "half_year"),
            ("/date_start", "2019-09-25", "2020-01-01")]
# The 今年上半年 quote replaces 一年来,龙港市顺利起步 as what dates the sentence.
H1_CITATION = [("/citations/0/end", 598, 613), ("/citations/0/quote", "一年来,龙港市顺利起步", "今年上半年"),
               ("/citations/0/start", 587, 608)]

CREATED = [("person", "xiong-li"), ("person", "zheng-jianzhong"),
           ("observation", "longgang-administrative-villages-converted-to-communities-2020-h1")]
DEPRECATED = [
    ("event", "economy-2020-h1"),  # a summary of the six H1 observations, not an event
    ("event", "villages-converted-to-communities"),  # the 73 villages: one observation
    ("observation", "longgang-administrative-villages-converted-to-communities-2020-10-20"),  # now dated 2020-H1
    ("programme", "comprehensive-administrative-law-enforcement-provincial-pilot"),  # 9 × 26: one-team-for-…
    ("programme", "relatively-concentrated-administrative-licensing-reform"),  # 1129: one-seal-for-approvals
    ("measure", "city-brain-phase-1"),  # the event city-brain-phase-1-in-operation
    ("measure", "comprehensive-administrative-law-enforcement-bureau"),  # 9 × 26: one-team-for-law-enforcement
    ("measure", "full-5g-coverage"),  # the event full-5g-coverage (telecom infrastructure)
]
SPEAKER = [("replace", "/speaker")]
EN = [("replace", "/summary/en")]
# (type, slug) → the (op, path) of each of its changes, in the changelog's order.
UPDATED: dict[tuple[str, str], list[tuple[str, str]]] = {
    # Deprecated facts keep their citations, and the new ones add theirs: 161 + 5.
    ("source", SOURCE_SLUG): [("replace", "/citation_count")],
    ("place", "longgang"): [("remove", "/aliases/0"), ("replace", "/parent/name/en")],
    ("place", "longgang-town"): [("replace", "/parent")],
    ("place", "wenzhou"): [("replace", "/name/en")],
    **{("event", slug): [("replace", path) for path, _, _ in H1_CITATION + H1_DATES[:3]]
       + [("replace", "/date_precision"), ("replace", "/date_start"), ("replace", "/description/en"),
          ("replace", "/description/zh")]
       for slug in ("city-brain-phase-1-in-operation", "full-5g-coverage")},
    ("event", "function-transfer-first-batch-signed"): [("replace", "/date_start_assumed"),
                                                         ("replace", "/description/en")],
    ("event", "new-urbanization-forum-2020"): [("replace", "/date_start_assumed"), ("replace", "/description/en"),
                                               *SPEAKER],
    ("event", "reporter-visit-xiayangzheng-community-service-centre"): [("replace", "/date_start_assumed"),
                                                                         ("replace", "/description/en")],
    ("event", "town-abolished-city-established-2019-09-25"): [("replace", "/description/en")],
    **{("indicator", code): [("replace", "/definition/en"), ("replace", "/definition/zh")]
       for code in ("industrial-profit-above-designated-size", "industrial-value-added-above-designated-size")},
    **{("observation", slug): [("replace", "/reference_place/name/en")]
       for slug in ("longgang-growth-indicators-ranked-first-in-wenzhou-2020-h1",
                    "longgang-main-indicators-growing-faster-than-wenzhou-average-2020-h1")},
    **{("programme", slug): SPEAKER for slug in (
        "chain-strengthening-projects", "city-manages-communities-model",
        "four-modernizations-integrated-grassroots-reform", "longgang-experience", "longgang-solution",
        "national-new-urbanization-comprehensive-reform-demonstration-zone", "private-enterprise-longteng-plan",
        "three-key-emerging-industries", "town-to-city-reform")},
    ("programme", "government-transferable-society-undertakable"): [("replace", "/name/en"), *EN],
    ("programme", "holistic-smart-governance-approach"): [("replace", "/name/en"), *SPEAKER, *EN],
    ("programme", "large-department-system-reform"): [*EN, ("replace", "/summary/zh")],
    ("programme", "manufacturing-three-hundred-three-new-plan"): [("replace", "/name/en"), *SPEAKER, *EN],
    ("programme", "multi-party-co-governance-model"): [("replace", "/name/en"), *EN],
    ("programme", "national-new-urbanization-comprehensive-pilot"): [
        ("replace", "/place/name/en"), ("replace", "/place/name/zh"), ("replace", "/place/slug"), *EN],
    ("programme", "subtract-tiers-add-services"): [*SPEAKER, *EN],
    ("programme", "three-ten-billion-yuan-industry-clusters"): [*SPEAKER, *EN],
    ("measure", "administrative-approval-bureau"): [("replace", "/programme")],
    ("measure", "enforcement-supervision-integration"): [("replace", "/programme")],
    ("measure", "enterprise-investment-approval-time-limits"): [("replace", "/metrics/2/comparator")],
    **{("measure", slug): SPEAKER for slug in (
        "general-purpose-machinery", "headquarters-economy-park", "medical-and-sanitary-materials",
        "medical-and-sanitary-materials-industrial-park", "modern-logistics-park", "new-energy-equipment",
        "printing-materials-trading-market", "strong-communities-solid-grids-good-services")},
    ("measure", "government-function-transfer-and-service-purchase-list"): EN,
    **{("measure", slug): [("replace", "/metrics/0/comparator"), ("replace", "/metrics/0/counted/en"),
                           ("replace", "/metrics/0/counted/zh"), ("replace", "/metrics/0/target"), *SPEAKER]
       for slug in ("green-textiles-cluster", "new-materials-cluster", "printing-and-packaging-cluster")},
    ("measure", "homestead-transfer-pilot"): [("replace", "/name/en"), *EN],
    # The first batch of 27 is the event function-transfer-first-batch-signed.
    ("measure", "one-list-for-transferring-functions"): [("remove", "/metrics/1"), *EN],
    ("measure", "social-forces-run-social-undertakings"): [("replace", "/name/en"), *EN],
    ("measure", "traditional-reshaping-and-emerging-cultivation"): [*SPEAKER, *EN, ("replace", "/summary/zh")],
    # The 73 villages are the observation; the reform stays, dated like its sentence.
    ("measure", "villages-to-communities"): [("add", "/citations/0"), ("remove", "/metrics/0"), *EN,
                                             ("replace", "/summary/zh")],
}
KIND_ORDER = ["source", "place", "person", "event", "indicator", "observation", "programme", "measure"]


def url_of(kind: str, slug: str) -> str:
    plural = {"person": "people"}.get(kind, kind + "s")
    return f"/v1/{plural}/{slug}"


def by_kind(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """In the changelog's order: by kind as the registry lists them, then by slug."""
    return sorted(pairs, key=lambda pair: (KIND_ORDER.index(pair[0]), pair[1]))


@pytest.fixture
def review_release(empty_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """Release 1 from the files before the review (made by the first start), release 2 after it."""
    migrate_and_seed(empty_url, BEFORE_REVIEW)
    migrate_and_seed(empty_url)
    monkeypatch.setenv("DATABASE_URL", empty_url)
    get_settings.cache_clear()
    try:
        assert cli(["release", "--notes", "The data review's corrections (issue 10)"]) == 0
        with client_for(empty_url) as client:
            yield client
    finally:
        get_settings.cache_clear()


def changes(entry: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {c["path"]: (c.get("old"), c.get("new")) for c in entry["changes"]}


def test_release_2_changelog_is_exactly_the_review(review_release: TestClient) -> None:
    release = get_json(review_release, "/v1/releases/2")
    assert release["notes"] == "The data review's corrections (issue 10)"
    assert release["counts"] == {"sources": 1, "places": 5, "people": 2, "events": 8, "indicators": 9,
                                 "observations": 7, "programmes": 27, "measures": 33, "metrics": 13,
                                 "citations": 150}
    log = release["changelog"]
    assert [(c["type"], c["slug"], c["url"]) for c in log["created"]] == [
        (kind, slug, url_of(kind, slug)) for kind, slug in by_kind(CREATED)]
    assert log["deprecated"] == [{"type": kind, "slug": slug, "url": url_of(kind, slug), "reason": REMOVED}
                                 for kind, slug in by_kind(DEPRECATED)]
    assert [(u["type"], u["slug"]) for u in log["updated"]] == by_kind(list(UPDATED))
    assert {(u["type"], u["slug"]): [(c["op"], c["path"]) for c in u["changes"]] for u in log["updated"]} == UPDATED


def test_the_key_corrections_field_by_field(review_release: TestClient) -> None:
    log = get_json(review_release, "/v1/releases/2")["changelog"]
    updated = {(u["type"], u["slug"]): changes(u) for u in log["updated"]}
    # 百亿级 is the size class of a goal, not a measured 10^10 CNY; 一半 is about half.
    assert {path: updated[("measure", "green-textiles-cluster")][path]
            for path in ("/metrics/0/comparator", "/metrics/0/target")} == {
        "/metrics/0/comparator": ("ge", "magnitude"), "/metrics/0/target": (False, True)}
    assert updated[("measure", "enterprise-investment-approval-time-limits")] == {
        "/metrics/2/comparator": ("eq", "approx")}
    # The reporter's line is no longer Zheng's; he is the speaker of the rest.
    trad = updated[("measure", "traditional-reshaping-and-emerging-cultivation")]
    assert trad["/summary/zh"] == (
        "郑建忠表示,龙港坚持传统产业重塑和新兴产业培育并举,加快形成具有龙港优势的产业集群;小空间里集聚大能量。",
        "郑建忠表示,龙港坚持传统产业重塑和新兴产业培育并举,加快形成具有龙港优势的产业集群。")
    assert trad["/speaker"] == (None, ZHENG)
    # Longgang town's parent is unknown rather than wrong; the alias is the town's.
    assert updated[("place", "longgang-town")] == {
        "/parent": ({"slug": "wenzhou", "name": {"zh": "温州市", "en": "Wenzhou"}}, None)}
    assert updated[("place", "longgang")]["/aliases/0"] == (
        {"zh": "中国第一座农民城", "en": "China's first farmers' city"}, None)
    assert updated[("place", "wenzhou")] == {"/name/en": ("Wenzhou", "Wenzhou City")}
    assert updated[("programme", "large-department-system-reform")]["/summary/zh"] == (
        "龙港系统推进政府“大部门制”改革,精简机构、合并职能。", "龙港系统推进政府“大部门制”改革。")
    assert updated[("programme", "national-new-urbanization-comprehensive-pilot")]["/place/slug"] == (
        "longgang", "longgang-town")
    # The 今年上半年 sentence: 2020-H1 wherever it is used.
    five_g = updated[("event", "full-5g-coverage")]
    assert {path: five_g[path] for path, _, _ in H1_DATES + H1_CITATION} == {
        path: (old, new) for path, old, new in H1_DATES + H1_CITATION}
    for slug in ("function-transfer-first-batch-signed", "new-urbanization-forum-2020",
                 "reporter-visit-xiayangzheng-community-service-centre"):
        assert updated[("event", slug)]["/date_start_assumed"] == (False, True)
    assert updated[("source", SOURCE_SLUG)] == {"/citation_count": (161, 166)}


def test_after_the_review_the_facts_read_as_corrected(review_release: TestClient) -> None:
    client = review_release
    villages = get_json(client, "/v1/observations/longgang-administrative-villages-converted-to-communities-2020-h1")
    assert (villages["period"], villages["value"], villages["status"]) == ("2020-H1", "73", "active")
    # What was merged away stays at its URL, deprecated, and out of the lists.
    old = get_json(client, "/v1/measures/full-5g-coverage")
    assert (old["status"], old["status_reason"]) == ("deprecated", REMOVED)
    assert "full-5g-coverage" not in slugs(walk(client, "/v1/measures", limit=200)[0])
    assert slugs(walk(client, "/v1/events", status="deprecated")[0]) == ["villages-converted-to-communities",
                                                                         "economy-2020-h1"]
    # Release 1 still has them as they were.
    assert get_json(client, "/v1/measures/full-5g-coverage?as_of=1")["status"] == "active"


def test_people_and_what_they_are_quoted_saying(client: TestClient) -> None:
    people = walk(client, "/v1/people")[0]
    assert [(p["slug"], p["name"], p["role"]["zh"]) for p in people] == [
        ("zheng-jianzhong", ZHENG["name"], "龙港市委书记"),
        ("xiong-li", {"zh": "熊丽", "en": "Xiong Li"}, "经济日报·中国经济网记者")]
    zheng = get_json(client, "/v1/people/zheng-jianzhong")
    assert zheng["citations"][0]["quote"] == "龙港市委书记郑建忠表示"
    assert zheng["statements_urls"]["events"] == "/v1/events?speaker=zheng-jianzhong"
    assert slugs(walk(client, zheng["statements_urls"]["events"])[0]) == ["new-urbanization-forum-2020"]
    assert len(walk(client, "/v1/programmes", speaker="zheng-jianzhong")[0]) == 13
    assert len(walk(client, "/v1/measures", speaker="zheng-jianzhong,xiong-li")[0]) == 12
    assert walk(client, "/v1/measures", speaker="xiong-li")[0] == []
    forum = get_json(client, "/v1/events/new-urbanization-forum-2020")
    assert forum["speaker"] == ZHENG and forum["date_start_assumed"] is True
    assert get_json(client, "/v1/events/longgang-town-founded-1983-10")["speaker"] is None


@pytest.mark.parametrize("path", ["/v1/people/nobody", "/v1/people/nobody?as_of=1"])
def test_an_unknown_person_is_404(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 404)


@pytest.mark.parametrize(("path", "status", "parameter"), [
    ("/v1/events?speaker=", 200, None),  # empty: no filter, as for every list filter
    ("/v1/people?level=town", 400, "level"),
    ("/v1/people?sort=name", 400, "sort"),
])
def test_people_parameters(client: TestClient, path: str, status: int, parameter: str | None) -> None:
    response = client.get(path)
    if status == 200:
        assert response.status_code == 200, response.text
    else:
        assert_problem(response, status, parameter)


def test_search_finds_the_author_and_5g_is_not_50_percent(client: TestClient) -> None:
    hits = get_json(client, "/v1/search", q="熊丽")["data"]
    assert [(h["type"], h["slug"]) for h in hits] == [("person", "xiong-li")]
    five_g = get_json(client, "/v1/search", q="5G")["data"]
    assert [(h["type"], h["slug"]) for h in five_g] == [("event", "full-5g-coverage")]
