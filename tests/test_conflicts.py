"""Several sources per fact: ranks, rank= on the lists, and /v1/conflicts, with a synthetic second source
(tests/conflict_seed.py) seeded beside the real data on each backend."""

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from conflict_seed import (
    ARTICLE,
    BULLETIN,
    BULLETIN_CITY,
    BULLETIN_FISCAL,
    BULLETIN_GDP,
    BULLETIN_TOWN,
    CITY_REASON,
    SEED_CITY,
    SEED_FISCAL,
    SEED_GDP,
    SEED_TOWN,
    TOWN_REASON,
    write_conflict_seed,
)
from conftest import SEED_DIR, client_for, fresh_database, migrate_and_seed
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.facts.ranks import rank_group
from app.seed.export import export_seed
from app.seed.validate import SeedError, read_seed
from app.seed.yamlio import dump_yaml, read_yaml

SAME_OBSERVATION = "for the same indicator, place and period"
# The bulletin's town event is appended second after the seed's events: its entry number in messages.
TOWN_ENTRY = len(read_yaml(SEED_DIR / "events.yaml")) + 2
LATEST = f"cites the most recently published source (2021-03-01) of the 2 facts {SAME_OBSERVATION}"
AS_OF_REASON = ("cannot be combined with as_of: a release is served whole, every fact with the rank it had "
                "(each document gives it)")
GDP_CONFLICT = {
    "kind": "observation",
    "key": {"indicator": "gdp", "place": "longgang", "period": "2020-H1", "event": None},
    "facts": [
        {"slug": BULLETIN_GDP, "url": f"/v1/observations/{BULLETIN_GDP}",
         "stated": {"value": "138.5", "unit": "CNY", "unit_zh": "亿元", "yoy_change_pct": None},
         "sources": [BULLETIN], "rank": "preferred",
         "rank_reason": LATEST},
        {"slug": SEED_GDP, "url": f"/v1/observations/{SEED_GDP}",
         "stated": {"value": "138.1", "unit": "CNY", "unit_zh": "亿元", "yoy_change_pct": "1.9"},
         "sources": [ARTICLE], "rank": "normal", "rank_reason": f"{BULLETIN_GDP} is preferred {SAME_OBSERVATION}"},
    ],
}
CITY_CONFLICT = {
    "kind": "event",
    "key": {"indicator": None, "place": None, "period": None, "event": SEED_CITY},
    "facts": [
        {"slug": SEED_CITY, "url": f"/v1/events/{SEED_CITY}",
         "stated": {"date": "2019-09-25", "date_precision": "day", "date_start": "2019-09-25",
                    "date_end": "2019-09-25", "date_edtf": "2019-09-25"},
         "sources": [ARTICLE], "rank": "preferred", "rank_reason": CITY_REASON},
        {"slug": BULLETIN_CITY, "url": f"/v1/events/{BULLETIN_CITY}",
         "stated": {"date": "2019-08-16", "date_precision": "day", "date_start": "2019-08-16",
                    "date_end": "2019-08-16", "date_edtf": "2019-08-16"},
         "sources": [BULLETIN], "rank": "normal", "rank_reason": f"{SEED_CITY} is preferred for the same event"},
    ],
}


@pytest.fixture(scope="module")
def conflict_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real seed data plus the bulletin's facts, seeded once per backend (read-only)."""
    tmp = tmp_path_factory.mktemp(f"conflicts-{backend}")
    with fresh_database(backend, tmp) as url:
        migrate_and_seed(url, write_conflict_seed(tmp / "seed_data"))
        yield url


@pytest.fixture(scope="module")
def conflicts(conflict_url: str) -> Iterator[TestClient]:
    with client_for(conflict_url) as c:
        yield c


def ranks(client: TestClient, url: str, **params: object) -> dict[str, tuple[str, str | None]]:
    response = client.get(url, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return {d["slug"]: (d["rank"], d["rank_reason"]) for d in response.json()["data"]}


def test_the_seed_data_alone_has_no_conflicts(client: TestClient) -> None:
    assert client.get("/v1/conflicts").json() == {
        "data": [], "meta": {"total": 0, "count": 0, "limit": 50, "sort": "kind,key"},
        "links": {"self": "/v1/conflicts", "next": None}}
    for url in ("/v1/observations", "/v1/events"):
        everything = ranks(client, url, rank="all")
        assert ranks(client, url) == everything  # rank=preferred (the default) leaves nothing out
        assert set(everything.values()) == {("preferred", None)}


def test_lists_show_the_preferred_fact_and_rank_all_every_one(conflicts: TestClient) -> None:
    gdp = {"indicator": "gdp", "period": "2020-H1"}
    assert ranks(conflicts, "/v1/observations", **gdp) == {
        BULLETIN_GDP: ("preferred", GDP_CONFLICT["facts"][0]["rank_reason"])}
    assert ranks(conflicts, "/v1/observations", **gdp, rank="all") == {
        BULLETIN_GDP: ("preferred", GDP_CONFLICT["facts"][0]["rank_reason"]),
        SEED_GDP: ("normal", f"{BULLETIN_GDP} is preferred {SAME_OBSERVATION}")}
    series = conflicts.get("/v1/indicators/gdp/observations", params={"rank": "all"}).json()
    assert series["meta"]["total"] == 2 and [o["slug"] for o in series["data"]] == [BULLETIN_GDP, SEED_GDP]
    assert conflicts.get("/v1/indicators/gdp/observations").json()["meta"]["total"] == 1
    # Agreeing sources are ranked too (the list shows one), but they are no disagreement.
    assert ranks(conflicts, "/v1/observations", indicator="fiscal-revenue-total", rank="all") == {
        BULLETIN_FISCAL: ("preferred", LATEST),
        SEED_FISCAL: ("normal", f"{BULLETIN_FISCAL} is preferred {SAME_OBSERVATION}")}


def test_a_curators_rank_is_kept_and_a_deprecated_rank_shows_only_with_rank_all(conflicts: TestClient) -> None:
    events = ranks(conflicts, "/v1/events")
    assert BULLETIN_CITY not in events and BULLETIN_TOWN not in events
    assert events[SEED_CITY] == ("preferred", CITY_REASON)
    assert events[SEED_TOWN] == ("preferred", "the other facts for the same event are ranked by a curator")
    every = ranks(conflicts, "/v1/events", rank="all")
    assert every[BULLETIN_CITY] == ("normal", f"{SEED_CITY} is preferred for the same event")
    assert every[BULLETIN_TOWN] == ("deprecated", TOWN_REASON)
    assert len(every) == len(events) + 2
    # The total and the facets count what the list shows.
    page = conflicts.get("/v1/events", params={"facet": "category", "category": "establishment"}).json()
    assert page["meta"]["total"] == 1 and page["meta"]["facets"]["category"] == [
        {"value": "establishment", "count": 1}]
    page = conflicts.get("/v1/events", params={"facet": "category", "category": "establishment", "rank": "all"})
    assert page.json()["meta"]["facets"]["category"] == [{"value": "establishment", "count": 2}]


def test_every_ranked_fact_keeps_its_url(conflicts: TestClient) -> None:
    document = conflicts.get(f"/v1/events/{BULLETIN_TOWN}").json()
    assert (document["status"], document["rank"], document["rank_reason"]) == ("active", "deprecated", TOWN_REASON)
    assert list(document)[-4:] == ["status", "status_reason", "rank", "rank_reason"]  # appended, last
    assert conflicts.get(f"/v1/observations/{SEED_GDP}").json()["value"] == "138.1"


def test_conflicts_lists_the_open_disagreements(conflicts: TestClient) -> None:
    response = conflicts.get("/v1/conflicts")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    # The town's founding is no open disagreement: the bulletin's date is ranked deprecated. Nor is the
    # fiscal revenue: both sources state 14.4 亿元.
    assert response.json() == {"data": [CITY_CONFLICT, GDP_CONFLICT],
                               "meta": {"total": 2, "count": 2, "limit": 50, "sort": "kind,key"},
                               "links": {"self": "/v1/conflicts", "next": None}}


def test_conflicts_are_paged_with_opaque_cursors(conflicts: TestClient) -> None:
    first = conflicts.get("/v1/conflicts", params={"limit": 1})
    body = first.json()
    assert body["data"] == [CITY_CONFLICT] and body["meta"]["total"] == 2
    next_url = body["links"]["next"]
    assert next_url.startswith("/v1/conflicts?limit=1&cursor=")
    assert first.headers["link"] == f'<{next_url}>; rel="next"'
    second = conflicts.get(next_url).json()
    assert second["data"] == [GDP_CONFLICT] and second["links"]["next"] is None
    foreign = conflicts.get("/v1/search", params={"q": "龙港", "limit": 1}).json()["links"]["next"]
    cursor = foreign.split("cursor=")[1].split("&")[0]
    wrong = conflicts.get("/v1/conflicts", params={"cursor": cursor})
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == [{"in": "query", "parameter": "cursor",
                                       "reason": "was issued for another query; start again without a cursor"}]


def test_conflicts_as_ndjson_and_csv(conflicts: TestClient) -> None:
    ndjson = conflicts.get("/v1/conflicts", params={"format": "ndjson"})
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    assert ndjson.text.splitlines() == [json.dumps(c, ensure_ascii=False, separators=(",", ":"))
                                        for c in (CITY_CONFLICT, GDP_CONFLICT)]
    csv = conflicts.get("/v1/conflicts", params={"format": "csv"})
    rows = csv.text.splitlines()
    assert rows[0] == "kind,key_indicator,key_place,key_period,key_event,facts"
    assert rows[1].startswith(f"event,,,,{SEED_CITY},") and rows[2].startswith("observation,gdp,longgang,2020-H1,,")


@pytest.mark.parametrize(("url", "params", "reason"), [
    ("/v1/observations", {"rank": "normal"}, "must be preferred (the default) or all"),
    ("/v1/events", {"rank": ""}, "must be preferred (the default) or all"),
    ("/v1/indicators/gdp/observations", {"rank": "ALL"}, "must be preferred (the default) or all"),
    ("/v1/events", {"as_of": 1, "rank": "all"}, AS_OF_REASON),
    ("/v1/observations", {"as_of": 1, "rank": "preferred"}, AS_OF_REASON),
    ("/v1/measures", {"rank": "all"}, None),  # measures are not ranked: an unknown parameter
])
def test_a_bad_rank_is_a_400_naming_it(conflicts: TestClient, url: str, params: dict, reason: str | None) -> None:
    response = conflicts.get(url, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/invalid-parameter")
    assert [e["parameter"] for e in problem["errors"]] == ["rank"]
    if reason is not None:
        assert problem["errors"][0]["reason"] == reason


def test_a_release_serves_every_rank(conflicts: TestClient) -> None:
    """as_of serves the release whole: the deprecated-rank and normal facts are on its page, each saying its rank."""
    released = conflicts.get("/v1/events", params={"as_of": 1, "limit": 200}).json()["data"]
    assert {d["slug"]: d["rank"] for d in released if d["slug"].startswith("bulletin-")} == {
        BULLETIN_CITY: "normal", BULLETIN_TOWN: "deprecated"}
    old = conflicts.get(f"/v1/observations/{SEED_GDP}", params={"as_of": 1})
    assert old.content == conflicts.get(f"/v1/observations/{SEED_GDP}").content


def test_the_preferred_fact_withdrawn_closes_the_disagreement(empty_url: str, tmp_path: Path) -> None:
    migrate_and_seed(empty_url, write_conflict_seed(tmp_path / "before"))
    assert migrate_and_seed(empty_url, tmp_path / "before") is None  # ranks are stable: nothing changes
    changes = migrate_and_seed(empty_url, write_conflict_seed(tmp_path / "after", with_bulletin_gdp=False))
    assert changes is not None and changes["observation.deprecated"] == 1 and changes["observation.reranked"] == 1
    with client_for(empty_url) as c:
        assert c.get("/v1/conflicts").json()["data"] == [CITY_CONFLICT]
        assert ranks(c, "/v1/observations", indicator="gdp", rank="all") == {SEED_GDP: ("preferred", None)}
        withdrawn = c.get(f"/v1/observations/{BULLETIN_GDP}").json()
        assert (withdrawn["status"], withdrawn["rank"]) == ("deprecated", "preferred")  # keeps the rank it had
        history = c.get(f"/v1/observations/{SEED_GDP}/history").json()["data"]
    assert [r["operation"] for r in history] == ["create", "update"]
    assert history[1]["patch"] == [{"op": "replace", "path": "/rank", "value": "preferred"},
                                   {"op": "replace", "path": "/rank_reason", "value": None}]


def test_export_writes_the_ranks_back_and_round_trips(conflict_url: str, tmp_path: Path) -> None:
    """Ranked facts are exported with their rank (as a curator's), same_as by key; seeding the export into another
    database serves the same ranks, and exporting that gives the same files."""
    engine = make_engine(Settings(database_url=conflict_url))
    with Session(engine) as session:
        export_seed(session, tmp_path / "first")
    engine.dispose()
    events = {e["slug"]: e for e in read_yaml(tmp_path / "first" / "events.yaml")}
    assert {k: events[BULLETIN_TOWN][k] for k in ("same_as", "rank", "rank_reason")} == {
        "same_as": SEED_TOWN, "rank": "deprecated", "rank_reason": TOWN_REASON}
    assert not {"same_as", "rank", "rank_reason"} & set(events["full-5g-coverage"])  # no rival: keys left out
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    migrate_and_seed(other, tmp_path / "first")
    engine = make_engine(Settings(database_url=other))
    with Session(engine) as session:
        export_seed(session, tmp_path / "second")
    engine.dispose()
    for name in ("events.yaml", "observations.yaml"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    with client_for(conflict_url) as before, client_for(other) as after:
        assert after.get("/v1/conflicts").json() == before.get("/v1/conflicts").json()
        assert ranks(after, "/v1/events", rank="all") == ranks(before, "/v1/events", rank="all")


def _seed_problems(tmp_path: Path, edit) -> list[str]:
    seed = write_conflict_seed(tmp_path / "seed_data")
    events = read_yaml(seed / "events.yaml")
    edit({e["slug"]: e for e in events})
    (seed / "events.yaml").write_text(dump_yaml(events), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        read_seed(seed)
    return caught.value.problems


def test_two_curator_preferred_facts_for_one_event_are_refused(tmp_path: Path) -> None:
    problems = _seed_problems(tmp_path, lambda e: e[BULLETIN_CITY].update(rank="preferred", rank_reason="newer"))
    assert problems == [(f"events.yaml: entries '{SEED_CITY}', '{BULLETIN_CITY}' are all rank 'preferred' for the "
                         "same event: prefer one, rank the others normal or deprecated")]


def test_a_rank_without_a_reason_is_refused(tmp_path: Path) -> None:
    problems = _seed_problems(tmp_path, lambda e: e[BULLETIN_TOWN].update(rank_reason=None))
    assert problems == [(f"events.yaml: entry '{BULLETIN_TOWN}' (#{TOWN_ENTRY}): (entry): "
                         "Value error, rank and rank_reason are given together: a rank says why")]


def test_same_as_must_name_the_first_recorded_event(tmp_path: Path) -> None:
    problems = _seed_problems(tmp_path, lambda e: e[BULLETIN_TOWN].update(same_as=BULLETIN_CITY))
    assert problems == [(f"events.yaml: entry '{BULLETIN_TOWN}': same_as '{BULLETIN_CITY}' is itself same_as "
                         f"'{SEED_CITY}': name the first recorded event")]
    problems = _seed_problems(tmp_path / "x", lambda e: e[BULLETIN_TOWN].update(same_as="no-such-event"))
    assert problems == [f"events.yaml: entry '{BULLETIN_TOWN}' (#{TOWN_ENTRY}): same_as 'no-such-event' points to no event"]


def _fact(id_: int, slug: str) -> SimpleNamespace:
    return SimpleNamespace(id=id_, slug=slug)


D1, D2 = dt.date(2020, 10, 20), dt.date(2021, 3, 1)


@pytest.mark.parametrize(("published", "explicit", "expected"), [
    ({1: D1}, {}, {1: ("preferred", None)}),
    ({1: D1}, {"a": ("deprecated", "wrong")}, {1: ("deprecated", "wrong")}),
    ({1: D1, 2: D2}, {}, {2: ("preferred", ("cites the most recently published source (2021-03-01) of the 2 facts "
                                           "for the same thing")),
                          1: ("normal", "b is preferred for the same thing")}),
    ({1: D2, 2: D2, 3: D1}, {}, {1: ("preferred", ("recorded first of the 2 facts for the same thing whose latest "
                                                  "sources were published 2021-03-01")),
                                 2: ("normal", "a is preferred for the same thing"),
                                 3: ("normal", "a is preferred for the same thing")}),
    ({1: D1, 2: D2}, {"a": ("preferred", "curated")}, {1: ("preferred", "curated"),
                                                      2: ("normal", "a is preferred for the same thing")}),
    ({1: D1, 2: D2}, {"b": ("normal", "curated"), "a": ("deprecated", "wrong")},
     {1: ("deprecated", "wrong"), 2: ("normal", "curated")}),  # a curator may leave a group without a preferred fact
])
def test_the_rank_rule(published: dict, explicit: dict, expected: dict) -> None:
    group = [_fact(i, "abc"[i - 1]) for i in published]
    assert rank_group(group, "slug", "thing", explicit, published) == expected
