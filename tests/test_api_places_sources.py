"""/v1/places, /v1/sources (record, body, citations) and /v1/meta — exact values from seed_data/."""

import hashlib

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import SOURCE_BODY, SOURCE_SLUG, assert_problem, get_json, slugs, walk

META_COUNTS = {"sources": 1, "places": 5, "people": 2, "events": 8, "indicators": 9, "observations": 7,
               "programmes": 27, "measures": 33, "metrics": 13, "citations": 150}
FARMERS_CITY = {"zh": "中国第一座农民城", "en": "China's first farmers' city"}


def test_places_list(client: TestClient) -> None:
    body = get_json(client, "/v1/places")
    assert body["meta"]["total"] == 5 and body["meta"]["sort"] == "slug"
    assert slugs(body["data"]) == ["longgang", "longgang-town", "wenzhou", "xiayangzheng-community", "zhejiang"]


def test_hierarchy_longgang_wenzhou_zhejiang(client: TestClient) -> None:
    chain, slug = [], "longgang"
    while slug is not None:
        place = get_json(client, f"/v1/places/{slug}")
        chain.append((place["slug"], place["level"], place["division_code"]))
        slug = place["parent"]["slug"] if place["parent"] else None
    assert chain == [("longgang", "county_level_city", "330383"), ("wenzhou", "prefecture_level_city", "330300"),
                     ("zhejiang", "province", "330000")]
    assert get_json(client, "/v1/places/longgang")["parent"] == {"slug": "wenzhou",
                                                                 "name": {"zh": "温州市", "en": "Wenzhou City"}}
    # It was a town of Cangnan County, which no stored source says: unknown rather than wrong.
    assert get_json(client, "/v1/places/longgang-town")["parent"] is None


def test_aliases(client: TestClient) -> None:
    longgang = get_json(client, "/v1/places/longgang")
    assert longgang["name"] == {"zh": "龙港市", "en": "Longgang City"}
    assert longgang["aliases"] == [{"zh": "龙港", "en": "Longgang"}]
    # The article hails the town (龙港镇) as China's first farmers' city.
    assert get_json(client, "/v1/places/longgang-town")["aliases"] == [FARMERS_CITY]
    assert get_json(client, "/v1/places/longgang-town", lang="zh")["aliases"] == [{"zh": "中国第一座农民城"}]
    assert get_json(client, "/v1/places/xiayangzheng-community")["aliases"] == []


@pytest.mark.parametrize(("params", "expected"), [
    ({"parent": "wenzhou"}, ["longgang"]),
    ({"parent": "longgang"}, ["xiayangzheng-community"]),
    ({"level": "province"}, ["zhejiang"]),
    ({"level": ["town", "community"]}, ["longgang-town", "xiayangzheng-community"]),
    ({"parent": "zhejiang", "level": "town"}, []),
])
def test_place_filters(client: TestClient, params: dict, expected: list[str]) -> None:
    assert slugs(get_json(client, "/v1/places", **params)["data"]) == expected


def test_unknown_place_is_404(client: TestClient) -> None:
    assert_problem(client.get("/v1/places/atlantis"), 404)


def test_source_record(client: TestClient) -> None:
    source = get_json(client, f"/v1/sources/{SOURCE_SLUG}")
    assert source["title"] == {"zh": "首个“镇改市”探索基层治理新模式", "en": "The first “town-to-city” conversion "
                               "explores a new model of grassroots governance"}
    assert (source["published_on"], source["language"], source["author"]["zh"], source["publisher"]["zh"]) == (
        "2020-10-20", "zh", "熊丽", "经济日报·中国经济网")
    assert source["body_sha256"] == "b8d496f0bbd7103edb0f9b147043457a46479479b51cfe29b55cae9c1cdf2560"
    assert source["body_length"] == len(SOURCE_BODY)
    assert source["citation_count"] == 150
    assert (source["url_body"], source["url_citations"], source["url_self"]) == (
        f"/v1/sources/{SOURCE_SLUG}/body", f"/v1/sources/{SOURCE_SLUG}/citations", f"/v1/sources/{SOURCE_SLUG}")
    assert slugs(get_json(client, "/v1/sources")["data"]) == [SOURCE_SLUG]


def test_body_hash_matches_served_bytes(client: TestClient) -> None:
    source = get_json(client, f"/v1/sources/{SOURCE_SLUG}")
    response = client.get(source["url_body"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-language"] == "zh"
    assert hashlib.sha256(response.content).hexdigest() == source["body_sha256"]
    assert response.content.decode("utf-8") == SOURCE_BODY
    assert len(response.text) == source["body_length"]


def test_body_has_no_website_chrome(client: TestClient) -> None:
    body = client.get(f"/v1/sources/{SOURCE_SLUG}/body").text
    for chrome in ("免责声明", "上一篇文章", "下一篇文章", "当前位置"):
        assert chrome not in body
    assert "集中梳理许可事项1129项" in body


def test_every_citation_of_the_source_quotes_its_body(client: TestClient) -> None:
    body = client.get(f"/v1/sources/{SOURCE_SLUG}/body").text
    citations, pages = walk(client, f"/v1/sources/{SOURCE_SLUG}/citations")
    assert len(pages) == 3  # 150 at the default 50 per page
    assert len(citations) == META_COUNTS["citations"] == get_json(client, "/v1/meta")["counts"]["citations"]
    assert {p.json()["meta"]["total"] for p in pages} == {150}
    bad = [c for c in citations if body[c["start"]:c["end"]] != c["quote"]]
    assert not bad, bad[:5]
    starts = [(c["start"], c["end"]) for c in citations]
    assert [s for s, _ in starts] == sorted(s for s, _ in starts)  # in the order of the text
    assert {c["fact"]["type"] for c in citations} == {"place", "event", "indicator", "observation", "programme",
                                                       "measure", "metric", "person"}


def test_source_citations_filtered_by_fact_type(client: TestClient) -> None:
    url = f"/v1/sources/{SOURCE_SLUG}/citations"
    metrics, _ = walk(client, url, fact_type="metric", limit=200)
    assert {c["fact"]["type"] for c in metrics} == {"metric"}
    items = [c for c in metrics if c["fact"]["slug"] == "one-seal-licensing-items-centralized"]
    assert items == [{"quote": "集中梳理许可事项1129项", "start": 1607, "end": 1620,
                      "fact": {"type": "metric", "slug": "one-seal-licensing-items-centralized",
                               "url": "/v1/measures/one-seal-for-approvals"}}]
    places, _ = walk(client, url, fact_type="place")
    assert sorted({c["fact"]["slug"] for c in places}) == sorted(
        ["zhejiang", "wenzhou", "longgang", "longgang-town", "xiayangzheng-community"])
    assert len(places) == 8  # 1 + 1 + 3 + 2 + 1 in places.yaml
    both, _ = walk(client, url, fact_type=["place", "metric"], limit=200)
    assert len(both) == len(places) + len(metrics)


@pytest.mark.parametrize("suffix", ["", "/body", "/citations"])
def test_unknown_source_is_404(client: TestClient, suffix: str) -> None:
    assert_problem(client.get(f"/v1/sources/no-such-source{suffix}"), 404)


def test_meta(client: TestClient) -> None:
    meta = get_json(client, "/v1/meta")
    assert meta["counts"] == META_COUNTS
    assert meta["api_version"] == "1.0.0"
    assert meta["dataset_version"] >= 1 and len(meta["content_sha256"]) == 64
    assert meta["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "经济日报·中国经济网" in meta["attribution"]


def test_meta_counts_match_collection_totals(client: TestClient) -> None:
    counts = get_json(client, "/v1/meta")["counts"]
    for name in ("sources", "places", "events", "indicators", "observations", "programmes", "measures"):
        assert get_json(client, f"/v1/{name}", limit=1)["meta"]["total"] == counts[name], name
