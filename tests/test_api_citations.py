"""Provenance: every fact in every collection carries citations that are verbatim slices of a served source body."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import COLLECTIONS, get_json, walk

CITED = [c for c in COLLECTIONS if c != "/v1/sources"]


class Bodies:
    """Source bodies fetched through the API, by citation source_url."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.cache: dict[str, str] = {}

    def __getitem__(self, source_url: str) -> str:
        if source_url not in self.cache:
            source = get_json(self.client, source_url)
            assert source["url_self"] == source_url
            response = self.client.get(source["url_body"])
            assert response.status_code == 200, source_url
            self.cache[source_url] = response.text
        return self.cache[source_url]


def check_citations(label: str, citations: list[dict[str, Any]], bodies: Bodies) -> list[str]:
    problems = []
    if not citations:
        problems.append(f"{label}: no citations")
    for c in citations:
        if c["source_url"] != f"/v1/sources/{c['source']}":
            problems.append(f"{label}: source_url {c['source_url']} is not the source {c['source']}")
        elif bodies[c["source_url"]][c["start"]:c["end"]] != c["quote"]:
            problems.append(f"{label}: quote {c['quote'][:20]}… is not body[{c['start']}:{c['end']}]")
    return problems


@pytest.mark.parametrize("collection", CITED)
def test_every_fact_is_cited_verbatim(client: TestClient, collection: str) -> None:
    bodies = Bodies(client)
    items, _ = walk(client, collection, limit=200)
    assert items, collection
    key = COLLECTIONS[collection]
    problems = []
    for item in items:
        problems += check_citations(f"{collection}/{item[key]}", item["citations"], bodies)
        for metric in item.get("metrics", []):
            problems += check_citations(f"{collection}/{item[key]} metric {metric['slug']}", metric["citations"],
                                        bodies)
    assert not problems, "\n".join(problems)


def test_all_citations_are_reachable_from_the_facts(client: TestClient) -> None:
    """The facts' citations add up to the dataset's citation count: none is orphaned or hidden."""
    total = 0
    for collection in CITED:
        for item in walk(client, collection, limit=200)[0]:
            total += len(item["citations"]) + sum(len(m["citations"]) for m in item.get("metrics", []))
    assert total == get_json(client, "/v1/meta")["counts"]["citations"] == 150


def test_item_routes_carry_the_same_citations_as_lists(client: TestClient) -> None:
    for collection in CITED:
        for item in walk(client, collection, limit=200)[0]:
            assert get_json(client, item["url"])["citations"] == item["citations"], item["url"]


def test_source_citation_fact_urls_resolve(client: TestClient) -> None:
    for source in walk(client, "/v1/sources")[0]:
        citations, _ = walk(client, source["url_citations"], limit=200)
        for url in sorted({c["fact"]["url"] for c in citations}):
            assert client.get(url).status_code == 200, url
