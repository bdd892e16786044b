"""A second, synthetic source and the facts it states, added to a copy of the seed files (never seed_data/).

The bulletin is invented for the tests and says so in its own text. Against the article it:
- gives another GDP for Longgang in 2020-H1 (138.5 亿元, the article 138.1): an open disagreement, which the
  rank rule settles for the later publication;
- gives the same fiscal revenue (14.4 亿元): two facts that agree, ranked, but no disagreement;
- dates the city's establishment 2019-08-16 (the article 2019-09-25), and a curator prefers the article's;
- dates the town's founding 1984 (the article 1983-10), and a curator deprecates it.
"""

import hashlib
import shutil
from pathlib import Path
from typing import Any

from conftest import SEED_DIR

from app.seed.yamlio import dump_yaml, read_yaml

BULLETIN = "synthetic-bulletin-2021-03-01"
BULLETIN_BODY = ("【测试用合成文本,并非真实出版物】龙港统计简报。2020年上半年,龙港地区生产总值138.5亿元。"
                 "财政总收入14.4亿元。2019年8月16日,龙港撤镇设市。1984年,龙港建镇。\n")
ARTICLE = "economic-daily-2020-10-20-longgang"

SEED_GDP = "longgang-gdp-2020-h1"
BULLETIN_GDP = "bulletin-longgang-gdp-2020-h1"
SEED_FISCAL = "longgang-fiscal-revenue-total-2020-h1"
BULLETIN_FISCAL = "bulletin-longgang-fiscal-revenue-total-2020-h1"
SEED_CITY = "town-abolished-city-established-2019-09-25"
BULLETIN_CITY = "bulletin-city-established-2019-08-16"
SEED_TOWN = "longgang-town-founded-1983-10"
BULLETIN_TOWN = "bulletin-town-founded-1984"
CITY_REASON = "the city was established on 2019-09-25, when it put up its plaque"
TOWN_REASON = "misdated: the town was founded in October 1983"


def cite(quote: str) -> list[dict[str, Any]]:
    start = BULLETIN_BODY.index(quote)
    return [{"source": BULLETIN, "quote": quote, "start": start, "end": start + len(quote)}]


def _observation(seed: dict[str, Any], slug: str, value: str, quote: str) -> dict[str, Any]:
    return {**seed, "slug": slug, "value": value, "value_base": str(int(float(value) * 10**8)), "yoy_change_pct": None,
            "note_zh": None, "note_en": None, "citations": cite(quote)}


def _event(seed: dict[str, Any], slug: str, quote: str, **dates: Any) -> dict[str, Any]:
    return {**seed, "slug": slug, **dates, "citations": cite(quote), "same_as": seed["slug"]}


def write_conflict_seed(target: Path, *, with_bulletin_gdp: bool = True) -> Path:
    """The seed files plus the bulletin and its facts, in `target`; returns it."""
    shutil.copytree(SEED_DIR, target)
    sources = read_yaml(target / "sources.yaml")
    body_file = f"sources/{BULLETIN}.txt"
    (target / body_file).write_text(BULLETIN_BODY, encoding="utf-8")
    sources.append({
        "slug": BULLETIN, "title_zh": "龙港统计简报(合成)", "title_en": "Longgang statistical bulletin (synthetic)",
        "subtitle_zh": None, "subtitle_en": None, "publisher_zh": "测试", "publisher_en": "Test fixture",
        "author_zh": None, "author_en": None, "published_on": "2021-03-01", "language": "zh", "url": None,
        "body_file": body_file, "repost_file": None,
        "body_sha256": hashlib.sha256(BULLETIN_BODY.encode()).hexdigest(), "licence_zh": None, "licence_en": None,
    })
    (target / "sources.yaml").write_text(dump_yaml(sources), encoding="utf-8")

    observations = read_yaml(target / "observations.yaml")
    by_slug = {o["slug"]: o for o in observations}
    if with_bulletin_gdp:
        observations.append(_observation(by_slug[SEED_GDP], BULLETIN_GDP, "138.5", "龙港地区生产总值138.5亿元"))
    observations.append(_observation(by_slug[SEED_FISCAL], BULLETIN_FISCAL, "14.4", "财政总收入14.4亿元"))
    (target / "observations.yaml").write_text(dump_yaml(observations), encoding="utf-8")

    events = read_yaml(target / "events.yaml")
    by_slug = {e["slug"]: e for e in events}
    by_slug[SEED_CITY].update(rank="preferred", rank_reason=CITY_REASON)
    events.append(_event(by_slug[SEED_CITY], BULLETIN_CITY, "2019年8月16日,龙港撤镇设市", date="2019-08-16",
                         date_start="2019-08-16", date_end="2019-08-16", edtf="2019-08-16", rank=None,
                         rank_reason=None))
    events.append(_event(by_slug[SEED_TOWN], BULLETIN_TOWN, "1984年,龙港建镇", date="1984", date_precision="year",
                         date_start="1984-01-01", date_end="1984-12-31", edtf="1984", rank="deprecated",
                         rank_reason=TOWN_REASON))
    (target / "events.yaml").write_text(dump_yaml(events), encoding="utf-8")
    return target
