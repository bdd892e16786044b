"""/v1/search: Chinese 1–2 character words and phrases, numbers, English prefixes, ranking, snippets, paging.

Runs on SQLite and PostgreSQL (the `client` fixture is parametrized): the same query must give the same hits.
"""

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.main import create_app
from tests.api_helpers import assert_problem, get_json, walk
from tests.conftest import PG_ADMIN_URL, migrate_and_seed, settings_for

# The 9 × 26 sentence is one measure since the data review (it was also a second measure and a programme).
ENFORCEMENT_MEASURES = {
    ("measure", "enforcement-supervision-integration"),
    ("measure", "one-team-for-law-enforcement"),
}
APPROVAL_NAMES = {
    ("measure", "administrative-approval-bureau"),
    ("measure", "enterprise-investment-approval-time-limits"),
    ("measure", "one-seal-for-approvals"),
}


def search(client: TestClient, q: str, **params: object) -> list[dict]:
    body = get_json(client, "/v1/search", q=q, limit=200, **params)
    assert body["meta"]["total"] == len(body["data"]) and body["meta"]["sort"] == "-score"
    scores = [hit["score"] for hit in body["data"]]
    assert scores == sorted(scores, reverse=True), "best matches first"
    return body["data"]


def hits(client: TestClient, q: str, **params: object) -> list[tuple[str, str]]:
    return [(h["type"], h["slug"]) for h in search(client, q, **params)]


def top(client: TestClient, q: str, score: int | None = None) -> set[tuple[str, str]]:
    """The hits sharing the best score."""
    found = search(client, q)
    best = found[0]["score"]
    if score is not None:
        assert best == score, (q, best)
    return {(h["type"], h["slug"]) for h in found if h["score"] == best}


@pytest.mark.parametrize(("q", "expected_top"), [
    ("执法", ENFORCEMENT_MEASURES),
    ("审批", APPROVAL_NAMES),
    ("网格", {("measure", "grid-governance"), ("measure", "strong-communities-solid-grids-good-services"),
             ("programme", "four-modernizations-integrated-grassroots-reform")}),
    ("enforcement", ENFORCEMENT_MEASURES),
])
def test_two_character_words_and_english_words(client: TestClient, q: str, expected_top: set) -> None:
    assert top(client, q, score=5) == expected_top  # a match in a name counts 5


def test_chinese_and_english_find_the_same_facts(client: TestClient) -> None:
    assert set(hits(client, "执法")) >= set(hits(client, "enforcement"))
    assert len(hits(client, "执法")) == 6 and len(hits(client, "enforcement")) == 4


def test_one_character_word(client: TestClient) -> None:
    found = hits(client, "印")  # 印章 (seal) and 印刷 (printing)
    assert len(found) == 16
    assert found[:3] == [("measure", "one-seal-for-approvals"), ("measure", "printing-and-packaging-cluster"),
                         ("measure", "printing-materials-trading-market")]


def test_phrase(client: TestClient) -> None:
    found = search(client, "一枚印章")
    assert (found[0]["type"], found[0]["slug"], found[0]["field"]) == ("measure", "one-seal-for-approvals", "name_zh")
    assert found[0]["snippet"] == "<mark>一枚印章</mark>管审批"
    assert found[0]["url"] == "/v1/measures/one-seal-for-approvals"
    assert found[0]["title"] == {"zh": "一枚印章管审批", "en": "One seal for approvals"}
    assert len(found) == 6
    # every hit contains the whole phrase, not just its characters
    assert hits(client, "一枚印章管审批")[0] == ("measure", "one-seal-for-approvals")
    assert hits(client, "章印枚一") == []


def test_alias_phrase(client: TestClient) -> None:
    # The alias is the town's (its weight ranks it first); the city's citations quote the sentence.
    assert hits(client, "中国第一座农民城") == [("place", "longgang-town"),
                                            ("event", "town-abolished-city-established-2019-09-25"),
                                            ("place", "longgang")]


@pytest.mark.parametrize(("q", "first"), [
    ("1129", ("measure", "one-seal-for-approvals")),
    ("138.1", ("observation", "longgang-gdp-2020-h1")),
    ("40", ("measure", "enterprise-investment-approval-time-limits")),
])
def test_numbers(client: TestClient, q: str, first: tuple[str, str]) -> None:
    found = hits(client, q)
    assert found[0] == first
    assert len(found) == {"1129": 2, "138.1": 4, "40": 1}[q]


def test_prefix_matches_at_a_word_start(client: TestClient) -> None:
    approval = set(hits(client, "approval"))
    approv = set(hits(client, "approv"))
    assert ("measure", "enterprise-investment-approval-time-limits") in approval
    assert top(client, "approv") == APPROVAL_NAMES  # “approving” in a name matches approv, not approval
    assert approv >= approval and len(approv) == 5
    assert hits(client, "pproval") == []  # not in the middle of a word


def test_width_and_case_are_folded(client: TestClient) -> None:
    assert hits(client, "ＡＰＰＲＯＶ") == hits(client, "approv") == hits(client, "APPROV")


@pytest.mark.parametrize(("q", "expected"), [
    ("执法 26", [("measure", "one-team-for-law-enforcement")]),
    ("网格 103", [("measure", "grid-governance")]),
    ("印章 approval", None),
])
def test_mixed_queries_need_every_word(client: TestClient, q: str, expected: list | None) -> None:
    found = hits(client, q)
    if expected is not None:
        assert found == expected
    words = q.split()
    for word in words:
        assert set(found) <= set(hits(client, word)), word
    assert found[0] == (expected or [("measure", "one-seal-for-approvals")])[0]


def test_snippets_mark_the_match_and_escape_the_rest(client: TestClient) -> None:
    for q in ("执法", "网格", "1129", "enforcement", "Longgang"):
        for hit in search(client, q):
            marked = re.findall(r"<mark>(.*?)</mark>", hit["snippet"])
            assert marked, (q, hit)
            assert all(m.lower() == q.lower() for m in marked), (q, hit["snippet"])
            plain = hit["snippet"].replace("<mark>", "").replace("</mark>", "")
            assert "<" not in plain and ">" not in plain, hit["snippet"]
    longgang = search(client, "Longgang", type="event")[0]
    assert longgang["snippet"] == "<mark>Longgang</mark> town founded"
    town = search(client, "farmers", type="place")[0]  # the alias, since the review the town's
    assert (town["slug"], town["snippet"]) == ("longgang-town", "China&#x27;s first <mark>farmers</mark>&#x27; city")


def test_type_filter(client: TestClient) -> None:
    places = hits(client, "港", type="place")
    assert places == [("place", "longgang"), ("place", "longgang-town"), ("place", "wenzhou"),
                      ("place", "xiayangzheng-community"), ("place", "zhejiang")]
    events = hits(client, "港", type="event")
    assert len(events) == 8 and {t for t, _ in events} == {"event"}
    both = hits(client, "港", type=["event", "place"])
    assert sorted(both) == sorted(places + events)
    assert hits(client, "执法", type="indicator") == []


def test_lang_selects_title_languages(client: TestClient) -> None:
    (hit,) = [h for h in search(client, "一枚印章", lang="en") if h["slug"] == "one-seal-for-approvals"]
    assert hit["title"] == {"en": "One seal for approvals"}


def test_pagination_by_cursor(client: TestClient) -> None:
    everything = hits(client, "港")
    assert len(everything) == 81
    paged, pages = walk(client, "/v1/search", q="港", limit=25)
    assert [(h["type"], h["slug"]) for h in paged] == everything
    assert [p.json()["meta"]["count"] for p in pages] == [25, 25, 25, 6]
    assert {p.json()["meta"]["total"] for p in pages} == {81}
    assert pages[0].headers["link"] == f'<{pages[0].json()["links"]["next"]}>; rel="next"'
    assert "link" not in pages[-1].headers


def test_cursor_of_another_query_is_rejected(client: TestClient) -> None:
    next_url = get_json(client, "/v1/search", q="港", limit=5)["links"]["next"]
    cursor = next_url.split("cursor=")[1]
    assert_problem(client.get("/v1/search", params={"q": "龙", "limit": 5, "cursor": cursor}), 400, "cursor")
    assert_problem(client.get("/v1/search", params={"q": "港", "cursor": "not-a-cursor"}), 400, "cursor")


@pytest.mark.parametrize(("params", "status"), [
    ({"q": ""}, 422),
    ({}, 422),
    ({"q": "x" * 201}, 422),
    ({"q": "!!! ？"}, 400),
    ({"q": " ".join(f"w{i}" for i in range(13))}, 400),
])
def test_bad_queries_are_problems_naming_q(client: TestClient, params: dict, status: int) -> None:
    assert_problem(client.get("/v1/search", params=params), status, "q")


def test_unknown_type_is_422_naming_type(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/search", params={"q": "港", "type": "source"}), 422)
    assert any(e["parameter"].startswith("type") for e in body["errors"])


def test_no_hits_is_an_empty_page(client: TestClient) -> None:
    body = get_json(client, "/v1/search", q="zebra")
    assert body["data"] == [] and body["meta"]["total"] == 0 and body["links"]["next"] is None


@pytest.fixture
def icu_client(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over a PostgreSQL database whose default collation is ICU en-US, as many servers have."""
    if backend != "postgresql":
        pytest.skip("collations are a PostgreSQL matter")
    name = f"rf_test_icu_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' "
                           "LOCALE 'C.UTF-8'"))
    except DBAPIError as exc:
        admin.dispose()
        pytest.skip(f"this PostgreSQL cannot create an ICU database: {exc.orig}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate_and_seed(url)
        with TestClient(create_app(settings_for(url))) as client:
            yield client
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_numbers_are_found_whatever_the_database_collation(icu_client: TestClient) -> None:
    assert hits(icu_client, "1129") == [("measure", "one-seal-for-approvals"),
                                        ("measure", "administrative-approval-bureau")]
