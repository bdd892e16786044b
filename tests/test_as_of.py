"""`as_of=<release>` on every collection and item: the facts exactly as that release had them."""

from pathlib import Path

import pytest
from api_helpers import COLLECTIONS
from conftest import client_for
from fastapi.testclient import TestClient
from test_releases import EVENT, MEASURE, changed_seed, cli_database  # noqa: F401  (fixtures)

from app.cli import main as cli
from conftest import migrate_and_seed


def every_page(client: TestClient, url: str, **params: object) -> list[dict]:
    items: list[dict] = []
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        items += response.json()["data"]
        if not (next_url := response.json()["links"]["next"]):
            return items
        response = client.get(next_url)


@pytest.mark.parametrize("url", list(COLLECTIONS))
@pytest.mark.parametrize("lang", ["all", "zh", "en"])
def test_the_latest_release_serves_the_live_documents_byte_for_byte(client: TestClient, url: str, lang: str) -> None:
    key = COLLECTIONS[url]
    live = client.get(url, params={"limit": 200, "lang": lang}).json()["data"]
    released = every_page(client, url, as_of=1, limit=4, lang=lang)  # through the cursors
    assert [d[key] for d in released] == sorted(d[key] for d in live)
    for document in released:
        item = client.get(f"{url}/{document[key]}", params={"lang": lang})
        old = client.get(f"{url}/{document[key]}", params={"lang": lang, "as_of": 1})
        assert old.status_code == 200
        assert old.content == item.content
        assert old.headers["content-language"] == item.headers["content-language"]


def test_a_release_page_says_its_order_and_total(client: TestClient) -> None:
    page = client.get("/v1/measures", params={"as_of": 1, "limit": 5}).json()
    assert page["meta"] == {"total": 33, "count": 5, "limit": 5, "sort": "slug"}
    assert page["links"]["self"] == "/v1/measures?as_of=1&limit=5"
    series = client.get("/v1/indicators/gdp/observations", params={"as_of": 1}).json()["data"]
    assert {o["indicator"]["code"] for o in series} == {"gdp"} and len(series) >= 1
    csv = client.get("/v1/events", params={"as_of": 1, "format": "csv"})
    assert csv.headers["content-type"] == "text/csv; charset=utf-8" and len(csv.text.splitlines()) == 9


@pytest.mark.parametrize(("params", "status", "parameter"), [
    ({"as_of": 2}, 400, "as_of"),
    ({"as_of": 0}, 422, "as_of"),
    ({"as_of": 2**31}, 422, "as_of"),  # beyond a PostgreSQL INTEGER: never reaches the query
    ({"as_of": "latest"}, 422, "as_of"),
    ({"as_of": 2**63}, 422, "as_of"),  # beyond an INTEGER: never reaches the database (found by the fuzzer)
    ({"updated_since": 2**31}, 422, "updated_since"),
    ({"as_of": 1, "category": "law_enforcement"}, 400, "category"),
    ({"as_of": 1, "sort": "slug"}, 400, "sort"),
    ({"as_of": 1, "updated_since": 0}, 400, "updated_since"),
])
def test_bad_as_of_requests_name_the_parameter(client: TestClient, params: dict, status: int,
                                               parameter: str) -> None:
    response = client.get("/v1/measures", params=params)
    assert response.status_code == status, response.text
    assert [e["parameter"] for e in response.json()["errors"]] == [parameter]
    if parameter == "as_of" and status == 400:
        assert response.json()["errors"][0]["reason"] == "names no release: the latest is 1"


def test_an_unknown_fact_in_a_release_is_a_404(client: TestClient) -> None:
    response = client.get("/v1/measures/no-such-measure", params={"as_of": 1})
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no measure 'no-such-measure' in release 1."


def test_each_release_keeps_its_own_facts(cli_database: str, changed_seed: Path) -> None:  # noqa: F811
    migrate_and_seed(cli_database, changed_seed)
    assert cli(["release", "--notes", "A name changed, an event withdrawn"]) == 0
    with client_for(cli_database) as client:
        names = {n: client.get(f"/v1/measures/{MEASURE}", params={"as_of": n}).json()["name"]["en"] for n in (1, 2)}
        assert names == {1: "One seal for approvals", 2: "One seal for every approval"}
        assert client.get(f"/v1/events/{EVENT}", params={"as_of": 1}).json()["status"] == "active"
        assert client.get(f"/v1/events/{EVENT}", params={"as_of": 2}).json()["status"] == "deprecated"
        slugs = {n: [e["slug"] for e in every_page(client, "/v1/events", as_of=n)] for n in (1, 2)}
        assert EVENT in slugs[1] and EVENT not in slugs[2] and len(slugs[2]) == len(slugs[1]) - 1
        withdrawn = client.get("/v1/events", params={"as_of": 2, "status": "deprecated"}).json()
        assert [e["slug"] for e in withdrawn["data"]] == [EVENT] and withdrawn["meta"]["total"] == 1
        assert client.get("/v1/events", params={"as_of": 2, "status": "all"}).json()["meta"]["total"] == 8
