"""Builds a synthetic national dataset in its own PostgreSQL database, for load and query-plan tests.

About 2,800 county-level places (31 provinces → 310 prefectures → 2,790 counties), 40 indicators,
40 half-year periods (2005-H1 … 2024-H2) for every county × indicator (4,464,000 observations),
~10 events and ~15 measures per county with metrics, a programme per county, synthetic sources whose
bodies every citation quotes at exact offsets, a dataset_state row, the search index, and the read model
(fact_document: every documented fact rendered by the app's own renderers, in each language variant).

The database is dropped and recreated on every run (the real seed data never goes into it), built by
the app's own migrations, then filled with COPY. Secondary indexes and foreign keys of the loaded
tables are dropped for the load and recreated from their exact definitions afterwards, which both
validates every foreign key and is several times faster than maintaining them row by row.

    python benchmarks/scale/generate.py [--database-url URL] [--counties-per-prefecture 9] [--document-workers 2]
"""

import argparse
import calendar
import datetime as dt
import io
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.bootstrap import bootstrap_lock, migrate  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.facts.documents import document_format, document_rows  # noqa: E402
from app.facts.edtf import event_edtf  # noqa: E402
from app.models.enums import DatePrecision, EventCategory, MeasureCategory, MeasureKind  # noqa: E402
from app.registry import BY_NAME, DOCUMENTED_KINDS  # noqa: E402
from app.search.index import QUOTE_WEIGHT  # noqa: E402
from app.search.terms import index_terms, normalize  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/reform_facts_scale"
SEED = 20261127
CHUNK_ROWS = 50_000
DOCUMENT_BATCH = 5_000  # facts rendered per batch (the app's own seed loader does 1,000)
DOCUMENT_COLUMNS = ("kind", "fact_id", "key", "json_zh_en", "json_zh", "json_en", "title_zh", "title_en")
DOCUMENT_TYPES = ("varchar", "int4", "varchar", "bytea", "bytea", "bytea", "varchar", "varchar")
YEARS = range(2005, 2025)
LOADED_TABLES = ("source", "place", "indicator", "observation", "timeline_event", "programme", "reform_measure",
                 "measure_metric", "citation", "search_document", "search_term", "dataset_state")

# 50 characters with their pinyin: place names are two of them plus 省/市/县, like real ones.
SYLLABLES = [
    ("安", "an"), ("平", "ping"), ("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("阳", "yang"),
    ("山", "shan"), ("河", "he"), ("江", "jiang"), ("湖", "hu"), ("海", "hai"), ("宁", "ning"), ("康", "kang"),
    ("永", "yong"), ("新", "xin"), ("兴", "xing"), ("德", "de"), ("福", "fu"), ("华", "hua"), ("丰", "feng"),
    ("乐", "le"), ("泰", "tai"), ("和", "he"), ("清", "qing"), ("长", "chang"), ("临", "lin"), ("昌", "chang"),
    ("青", "qing"), ("林", "lin"), ("石", "shi"), ("云", "yun"), ("金", "jin"), ("水", "shui"), ("龙", "long"),
    ("凤", "feng"), ("文", "wen"), ("武", "wu"), ("广", "guang"), ("宜", "yi"), ("嘉", "jia"), ("定", "ding"),
    ("瑞", "rui"), ("庆", "qing"), ("吉", "ji"), ("春", "chun"), ("明", "ming"), ("光", "guang"), ("远", "yuan"),
    ("顺", "shun"),
]
# 10 measured quantities × 4 statistical scopes = 40 indicators.
BASE_INDICATORS = [
    ("gdp", "地区生产总值", "gross domestic product", "CNY", "亿元", 8, 300),
    ("fiscal-revenue", "一般公共预算收入", "general public budget revenue", "CNY", "亿元", 8, 30),
    ("fixed-asset-investment", "固定资产投资", "fixed-asset investment", "CNY", "亿元", 8, 120),
    ("retail-sales", "社会消费品零售总额", "retail sales of consumer goods", "CNY", "亿元", 8, 110),
    ("industrial-value-added", "规上工业增加值", "industrial value added above designated size", "CNY", "亿元", 8, 90),
    ("exports", "出口总额", "exports", "CNY", "亿元", 8, 40),
    ("resident-population", "常住人口", "resident population", "person", "万人", 4, 50),
    ("urban-income", "城镇居民人均可支配收入", "urban per-capita disposable income", "CNY", "元", 0, 30000),
    ("rural-income", "农村居民人均可支配收入", "rural per-capita disposable income", "CNY", "元", 0, 15000),
    ("registered-enterprises", "在册企业数", "registered enterprises", "enterprise", "家", 0, 5000),
]
SCOPES = [("all", "全域", "whole area"), ("urban", "城区", "urban districts"), ("towns", "镇区", "towns"),
          ("zones", "开发区", "development zones")]
EVENT_TEMPLATES = {
    EventCategory.establishment: ("设立行政服务中心", "sets up an administrative service centre"),
    EventCategory.pilot_designation: ("入选新型城镇化综合试点", "selected as a new-type urbanization pilot"),
    EventCategory.administrative_status: ("撤镇设市获批", "approved to become a city"),
    EventCategory.reform: ("推行大部门制改革", "introduces super-department reform"),
    EventCategory.governance: ("推行网格化基层治理", "introduces grid-based grassroots governance"),
    EventCategory.infrastructure: ("建成城乡公交一体化网络", "completes an integrated bus network"),
    EventCategory.economy: ("地区生产总值突破百亿元", "GDP passes ten billion yuan"),
    EventCategory.public_services: ("启用一站式便民服务平台", "opens a one-stop public service platform"),
    EventCategory.forum: ("举办县域改革论坛", "hosts a county reform forum"),
    EventCategory.reporting: ("发布年度改革报告", "publishes its annual reform report"),
}
MEASURE_TEMPLATES = {
    MeasureCategory.institutional_structure: ("精简党政机构", "streamlining Party and government bodies"),
    MeasureCategory.administrative_approval: ("一枚印章管审批", "one seal for all approvals"),
    MeasureCategory.law_enforcement: ("综合行政执法改革", "comprehensive administrative law enforcement"),
    MeasureCategory.function_transfer: ("向社会组织转移职能", "transferring functions to social organizations"),
    MeasureCategory.grassroots_governance: ("社区网格员全覆盖", "grid workers in every community"),
    MeasureCategory.household_registration: ("放开落户限制", "lifting household registration limits"),
    MeasureCategory.land: ("宅基地制度改革", "homestead land reform"),
    MeasureCategory.industry: ("培育印刷包装产业集群", "growing a printing and packaging cluster"),
    MeasureCategory.public_services: ("教育医疗资源下沉", "moving schools and clinics closer to residents"),
    MeasureCategory.urban_development: ("老旧小区改造", "renovating old residential compounds"),
    MeasureCategory.digital_government: ("最多跑一次数字政务", "digital government: at most one visit"),
    MeasureCategory.social_services: ("养老服务全覆盖", "elderly care services for everyone"),
}
PRECISIONS = ("day", "month", "year", "half_year")
NULL = r"\N"  # COPY's text-format null


# ── small helpers ────────────────────────────────────────────────────────────────────────────────

def esc(value: object) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def line(*values: object) -> str:
    return "\t".join(esc(v) for v in values) + "\n"


class Timer:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float, str]] = []
        self.started = time.perf_counter()

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, str]]:
        note: dict[str, str] = {"": ""}
        began = time.perf_counter()
        print(f"… {name}", flush=True)
        yield note
        seconds = time.perf_counter() - began
        self.steps.append((name, seconds, note[""]))
        print(f"  {seconds:8.1f} s  {name} {note['']}", flush=True)

    def report(self) -> None:
        print("\nstep timings:")
        for name, seconds, note in self.steps:
            print(f"  {seconds:8.1f} s  {name} {note}")
        print(f"  {time.perf_counter() - self.started:8.1f} s  total")


def copy_lines(conn: psycopg.Connection, table: str, columns: str, lines: Iterable[str]) -> int:
    """COPY generated text lines into a table, in chunks; returns the row count."""
    n = 0
    buffer: list[str] = []
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for text in lines:
            buffer.append(text)
            if len(buffer) >= CHUNK_ROWS:
                copy.write("".join(buffer))
                n += len(buffer)
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
            n += len(buffer)
    return n


# ── the synthetic world ──────────────────────────────────────────────────────────────────────────

class Sources:
    """Synthetic source texts; `cite` appends a sentence once and returns its exact offsets."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.sentences: list[dict[str, tuple[int, int]]] = []
        self.bodies: list[list[str]] = []
        self.lengths: list[int] = []

    def add(self, slug: str, title_zh: str, title_en: str) -> int:
        self.rows.append({"slug": slug, "title_zh": title_zh, "title_en": title_en})
        self.sentences.append({})
        self.bodies.append([])
        self.lengths.append(0)
        return len(self.rows)  # ids start at 1

    def cite(self, source_id: int, sentence: str) -> tuple[int, int]:
        i = source_id - 1
        found = self.sentences[i].get(sentence)
        if found is None:
            start = self.lengths[i]
            found = (start, start + len(sentence))
            self.bodies[i].append(sentence)
            self.lengths[i] = found[1]
            self.sentences[i][sentence] = found
        return found

    def body(self, source_id: int) -> str:
        return "".join(self.bodies[source_id - 1])


def half_year(year: int, half: int) -> tuple[str, dt.date, dt.date]:
    if half == 1:
        return f"{year}-H1", dt.date(year, 1, 1), dt.date(year, 6, 30)
    return f"{year}-H2", dt.date(year, 7, 1), dt.date(year, 12, 31)


PERIODS = [half_year(y, h) for y in YEARS for h in (1, 2)]


def event_date(rng: random.Random) -> tuple[str, str, dt.date, dt.date]:
    year = rng.randint(1983, 2024)
    precision = rng.choice(PRECISIONS)
    month = rng.randint(1, 12)
    last = calendar.monthrange(year, month)[1]
    if precision == "day":
        day = dt.date(year, month, rng.randint(1, last))
        return day.isoformat(), precision, day, day
    if precision == "month":
        return f"{year}-{month:02d}", precision, dt.date(year, month, 1), dt.date(year, month, last)
    if precision == "year":
        return str(year), precision, dt.date(year, 1, 1), dt.date(year, 12, 31)
    label, start, end = half_year(year, rng.choice((1, 2)))
    return label, precision, start, end


class World:
    """Every synthetic row, generated deterministically; observations are streamed, not held."""

    def __init__(self, provinces: int, prefectures: int, counties: int, events: int, measures: int) -> None:
        self.rng = random.Random(SEED)
        self.sources = Sources()
        self.citations: list[tuple] = []  # (source_id, position, quote, start, end, column, fact_id)
        self.places: list[dict] = []
        self.counties: list[dict] = []
        self.indicators: list[dict] = []
        self.events: list[dict] = []
        self.programmes: list[dict] = []
        self.measures: list[dict] = []
        self.metrics: list[dict] = []
        self.gazetteer = self.sources.add("synthetic-gazetteer", "合成地名录", "Synthetic gazetteer")
        self._places(provinces, prefectures, counties)
        self._indicators()
        self._events(events)
        self._measures(measures)

    def _cite(self, source_id: int, sentence: str, column: str, fact_id: int, position: int = 0) -> None:
        start, end = self.sources.cite(source_id, sentence)
        self.citations.append((source_id, position, sentence, start, end, column, fact_id))

    def _name(self) -> tuple[str, str]:
        (a, pa), (b, pb) = self.rng.sample(SYLLABLES, 2)
        return a + b, pa + pb

    def _place(self, level: str, suffix_zh: str, suffix_en: str, parent: dict | None, code: str) -> dict:
        zh, py = self._name()
        pid = len(self.places) + 1
        full_zh = zh + suffix_zh
        chain_zh = (parent["chain_zh"] if parent else "") + full_zh
        place = {
            "id": pid, "slug": f"{py}-{code}", "name_zh": full_zh, "name_en": f"{py.title()} {suffix_en}".strip(),
            "level": level, "parent_id": parent["id"] if parent else None, "division_code": code.ljust(6, "0"),
            "description_zh": f"{chain_zh}（合成数据）。", "description_en": f"{py.title()} {suffix_en}, a synthetic "
            f"{level.replace('_', ' ')} in {parent['name_en'] if parent else 'China'}.",
            "chain_zh": chain_zh, "short_zh": zh,
        }
        self.places.append(place)
        self._cite(self.gazetteer, f"{chain_zh}，行政区划代码{place['division_code']}。", "place_id", pid)
        return place

    def _places(self, provinces: int, prefectures: int, counties: int) -> None:
        for p in range(provinces):
            province = self._place("province", "省", "Province", None, f"{11 + p:02d}")
            for q in range(prefectures):
                prefecture = self._place("prefecture_level_city", "市", "City", province,
                                         f"{11 + p:02d}{q + 1:02d}")
                for c in range(counties):
                    county = self._place("county_level_city", "县", "County", prefecture,
                                         f"{11 + p:02d}{q + 1:02d}{c + 1:02d}")
                    self.counties.append(county)

    def _indicators(self) -> None:
        for base, name_zh, name_en, unit, unit_zh, multiplier, typical in BASE_INDICATORS:
            for scope, scope_zh, scope_en in SCOPES:
                iid = len(self.indicators) + 1
                code = f"{base}-{scope}"
                source = self.sources.add(f"synthetic-bulletin-{code}", f"合成统计公报：{name_zh}（{scope_zh}）",
                                          f"Synthetic bulletin: {name_en} ({scope_en})")
                indicator = {
                    "id": iid, "code": code, "name_zh": f"{name_zh}（{scope_zh}）",
                    "name_en": f"{name_en} ({scope_en})", "unit": unit, "unit_zh": unit_zh,
                    "multiplier": multiplier, "typical": typical, "source_id": source,
                    "definition_zh": f"{scope_zh}范围内的{name_zh}，按半年统计，单位{unit_zh}。",
                    "definition_en": f"{name_en.capitalize()} within {scope_en}, by half-year, in {unit_zh}.",
                }
                self.indicators.append(indicator)
                self._cite(source, f"本公报发布各县（市）{scope_zh}{name_zh}半年度数据。", "indicator_id", iid)
                # One sentence per period, which that period's observations quote.
                indicator["period_quotes"] = {}
                for label, _, _ in PERIODS:
                    year, half = label.split("-H")
                    sentence = f"{year}年{'上' if half == '1' else '下'}半年各县（市）{name_zh}（{scope_zh}）见附表{label}。"
                    indicator["period_quotes"][label] = (sentence, *self.sources.cite(source, sentence))

    def _events(self, per_county: int) -> None:
        category_sources = {c: self.sources.add(f"synthetic-gazette-{c.value.replace('_', '-')}",
                                                f"合成政务公报：{c.value}", f"Synthetic gazette: {c.value}")
                            for c in EventCategory}
        categories = list(EventCategory)
        for county in self.counties:
            for k in range(per_county):
                category = categories[(k + county["id"]) % len(categories)]
                zh, en = EVENT_TEMPLATES[category]
                date, precision, start, end = event_date(self.rng)
                eid = len(self.events) + 1
                self.events.append({
                    "id": eid, "slug": f"{county['slug']}-event-{k + 1}", "date": date, "precision": precision,
                    "start": start, "end": end, "place_id": county["id"], "category": category.value,
                    "title_zh": f"{county['name_zh']}{zh}", "title_en": f"{county['name_en']} {en}",
                    "description_zh": f"{date}，{county['chain_zh']}{zh}。",
                    "description_en": f"On {date}, {county['name_en']} {en}.",
                })
                self._cite(category_sources[category], f"{county['name_zh']}{zh}。", "event_id", eid)

    def _measures(self, per_county: int) -> None:
        category_sources = {c: self.sources.add(f"synthetic-reform-report-{c.value.replace('_', '-')}",
                                                f"合成改革报告：{c.value}", f"Synthetic reform report: {c.value}")
                            for c in MeasureCategory}
        categories, kinds = list(MeasureCategory), list(MeasureKind)
        programme_source = self.sources.add("synthetic-reform-programmes", "合成改革方案汇编",
                                            "Synthetic reform programmes")
        for county in self.counties:
            gid = len(self.programmes) + 1
            self.programmes.append({
                "id": gid, "slug": f"{county['slug']}-reform-programme", "kind": "reform_programme",
                "name_zh": f"{county['name_zh']}综合改革方案", "name_en": f"{county['name_en']} reform programme",
                "place_id": county["id"], "summary_zh": f"{county['chain_zh']}推进县域综合改革的总体方案。",
                "summary_en": f"The overall plan for comprehensive reform in {county['name_en']}.",
            })
            self._cite(programme_source, f"{county['name_zh']}综合改革方案印发。", "programme_id", gid)
            for k in range(per_county):
                category = categories[(k + county["id"]) % len(categories)]
                zh, en = MEASURE_TEMPLATES[category]
                mid = len(self.measures) + 1
                self.measures.append({
                    "id": mid, "slug": f"{county['slug']}-measure-{k + 1}", "category": category.value,
                    "kind": kinds[k % len(kinds)].value, "programme_id": gid if k % 3 else None,
                    "place_id": county["id"], "name_zh": f"{county['name_zh']}{zh}",
                    "name_en": f"{county['name_en']}: {en}", "summary_zh": f"{county['chain_zh']}实施{zh}。",
                    "summary_en": f"{county['name_en']} carries out {en}.",
                })
                self._cite(category_sources[category], f"{county['name_zh']}实施{zh}。", "measure_id", mid)
                for position in range(1 + (k % 2)):  # 1 or 2 metrics: ~1.5 per measure
                    value = self.rng.randint(2, 400)
                    xid = len(self.metrics) + 1
                    counted_zh, counted_en = ("项事项纳入改革", "matters covered") if position == 0 else \
                        ("个部门参与", "departments involved")
                    self.metrics.append({
                        "id": xid, "slug": f"{county['slug']}-measure-{k + 1}-metric-{position + 1}",
                        "measure_id": mid, "position": position, "value": str(value), "unit": "item",
                        "unit_zh": "项" if position == 0 else "个", "unit_multiplier": 0, "value_base": str(value),
                        "comparator": "eq",
                        "counted_zh": counted_zh, "counted_en": counted_en,
                    })
                    self._cite(category_sources[category], f"{county['name_zh']}{zh}{value}{counted_zh}。",
                               "metric_id", xid)

    def observation_lines(self) -> Iterator[tuple[str, str]]:
        """(observation line, citation line) per observation, in publication order: period, indicator, place.

        Ids are the row order: 1… for observations; their citations follow the other facts' citations.
        """
        rng = random.Random(SEED + 1)
        baselines = {(c["id"], i["id"]): rng.uniform(0.3, 3.0) for c in self.counties for i in self.indicators}
        growth = {c["id"]: rng.uniform(0.01, 0.06) for c in self.counties}
        oid = 0
        cid = len(self.citations)
        previous: dict[tuple[int, int, int], Decimal] = {}  # (place, indicator, half) → last value
        for p_index, (label, start, end) in enumerate(PERIODS):
            start_s, end_s = start.isoformat(), end.isoformat()
            period_slug, half = label.lower(), p_index % 2
            for indicator in self.indicators:
                iid, code, mult = indicator["id"], indicator["code"], indicator["multiplier"]
                unit, unit_zh, typical = indicator["unit"], indicator["unit_zh"], indicator["typical"]
                quote, q_start, q_end = indicator["period_quotes"][label]
                source_id = indicator["source_id"]
                for county in self.counties:
                    pid = county["id"]
                    oid += 1
                    cid += 1
                    level = typical * baselines[(pid, iid)] * (1 + growth[pid]) ** (p_index / 2)
                    if mult:  # published with one decimal in 亿元 / 万人
                        value = Decimal(f"{level:.1f}")
                        base = format(value.scaleb(mult).quantize(Decimal(1)), "f")
                    else:
                        value = Decimal(int(level))
                        base = format(value, "f")
                    before = previous.get((pid, iid, half))
                    yoy = format((value / before - 1) * 100, ".1f") if before else NULL
                    previous[(pid, iid, half)] = value
                    yield (
                        f"{oid}\t{county['slug']}-{code}-{period_slug}\t{iid}\t{pid}\t{label}\t{start_s}\t{end_s}\t"
                        f"{format(value, 'f')}\t{unit}\t{unit_zh}\t{mult}\t{base}\t{yoy}\n",
                        f"{cid}\t{source_id}\t0\t{quote}\t{q_start}\t{q_end}\t{oid}\n",
                    )


# ── loading ──────────────────────────────────────────────────────────────────────────────────────

def recreate_database(url: str) -> None:
    target = make_url(url)
    name = target.database
    if not name or "scale" not in name:
        raise SystemExit(f"refusing to drop '{name}': the scale database's name must contain 'scale'")
    admin = target.set(database="postgres", drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_migrations(url: str) -> None:
    engine = make_engine(Settings(database_url=url, db_statement_timeout_ms=0))
    with bootstrap_lock(engine) as connection:
        migrate(connection)
    engine.dispose()


def drop_secondary_structures(conn: psycopg.Connection) -> list[str]:
    """Drop foreign keys, unique constraints and indexes (not primary keys) of the loaded tables.

    Returns the statements that recreate them exactly, foreign keys last.
    """
    tables = list(LOADED_TABLES)
    constraints = conn.execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
           FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u')""",
        (tables,)).fetchall()
    indexes = conn.execute(
        """SELECT tablename, indexname, indexdef FROM pg_indexes
           WHERE schemaname = 'public' AND tablename = ANY(%s)
             AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))""",
        (tables,)).fetchall()
    recreate: list[str] = []
    for table, name, _, kind in constraints:
        if kind == "f":
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for table, name, definition, kind in constraints:
        if kind == "u":
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, name, definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
        recreate.append(definition)
    recreate += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                 for table, name, definition, kind in constraints if kind == "f"]
    return recreate


def load(conn: psycopg.Connection, world: World, timer: Timer) -> None:
    w = world
    with timer.step("copy sources, places, indicators") as note:
        copy_lines(conn, "place", "id, slug, name_zh, name_en, level, parent_id, division_code, aliases, "
                   "description_zh, description_en",
                   (line(p["id"], p["slug"], p["name_zh"], p["name_en"], p["level"], p["parent_id"],
                         p["division_code"], "[]", p["description_zh"], p["description_en"]) for p in w.places))
        copy_lines(conn, "indicator", "id, code, name_zh, name_en, unit, definition_zh, definition_en",
                   (line(i["id"], i["code"], i["name_zh"], i["name_en"], i["unit"], i["definition_zh"],
                         i["definition_en"]) for i in w.indicators))
        note[""] = f"({len(w.places)} places, {len(w.indicators)} indicators)"

    with timer.step("copy events, programmes, measures, metrics") as note:
        copy_lines(conn, "timeline_event", "id, slug, date, date_precision, date_start, date_end, date_edtf, "
                   "place_id, category, title_zh, title_en, description_zh, description_en",
                   (line(e["id"], e["slug"], e["date"], e["precision"], e["start"], e["end"],
                         event_edtf(DatePrecision(e["precision"]), e["start"], e["end"]), e["place_id"],
                         e["category"], e["title_zh"], e["title_en"], e["description_zh"], e["description_en"])
                    for e in w.events))
        copy_lines(conn, "programme", "id, slug, name_zh, name_en, kind, place_id, summary_zh, summary_en",
                   (line(g["id"], g["slug"], g["name_zh"], g["name_en"], g["kind"], g["place_id"],
                         g["summary_zh"], g["summary_en"]) for g in w.programmes))
        copy_lines(conn, "reform_measure", "id, slug, name_zh, name_en, category, kind, programme_id, place_id, "
                   "summary_zh, summary_en",
                   (line(m["id"], m["slug"], m["name_zh"], m["name_en"], m["category"], m["kind"],
                         m["programme_id"], m["place_id"], m["summary_zh"], m["summary_en"]) for m in w.measures))
        copy_lines(conn, "measure_metric", "id, slug, measure_id, position, value, unit, unit_zh, unit_multiplier, "
                   "value_base, comparator, counted_zh, counted_en",
                   (line(x["id"], x["slug"], x["measure_id"], x["position"], x["value"], x["unit"], x["unit_zh"],
                         x["unit_multiplier"], x["value_base"], x["comparator"], x["counted_zh"], x["counted_en"])
                    for x in w.metrics))
        note[""] = (f"({len(w.events)} events, {len(w.programmes)} programmes, {len(w.measures)} measures, "
                    f"{len(w.metrics)} metrics)")

    with timer.step("copy observations and their citations") as note:
        # Two COPYs cannot share one connection; the citations go to a spool and follow.
        spool = io.StringIO()
        n = copy_lines(conn, "observation", "id, slug, indicator_id, place_id, period, period_start, period_end, "
                       "value, unit, unit_zh, unit_multiplier, value_base, yoy_change_pct",
                       _tee(w.observation_lines(), spool))
        spool.seek(0)
        copy_lines(conn, "citation", "id, source_id, position, quote, start_offset, end_offset, observation_id",
                   spool)
        note[""] = f"({n} observations)"

    with timer.step("copy sources and the other citations") as note:
        copy_lines(conn, "source", "id, slug, title_zh, title_en, publisher_zh, publisher_en, published_on, "
                   "language, licence_zh, licence_en, body, body_sha256",
                   (line(i, s["slug"], s["title_zh"], s["title_en"], "合成数据生成器", "Synthetic data generator",
                         "2026-11-27", "zh", "合成数据，仅供测试。", "Synthetic data, for testing only.",
                         w.sources.body(i), _sha256(w.sources.body(i)))
                    for i, s in enumerate(w.sources.rows, start=1)))
        copy_lines(conn, "citation", "id, source_id, position, quote, start_offset, end_offset, place_id, "
                   "event_id, indicator_id, programme_id, measure_id, metric_id",
                   (_citation_line(cid, c) for cid, c in enumerate(w.citations, start=1)))
        note[""] = f"({len(w.sources.rows)} sources, {len(w.citations)} citations of non-observation facts)"


def _tee(pairs: Iterator[tuple[str, str]], spool: io.StringIO) -> Iterator[str]:
    for observation, citation in pairs:
        spool.write(citation)
        yield observation


def _citation_line(cid: int, c: tuple) -> str:
    source_id, position, quote, start, end, column, fact_id = c
    facts = {k: None for k in ("place_id", "event_id", "indicator_id", "programme_id", "measure_id", "metric_id")}
    facts[column] = fact_id
    return line(cid, source_id, position, quote, start, end, *facts.values())


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def search_documents(world: World) -> Iterator[tuple[str, str, str, int, str]]:
    """The same documents app.search.index builds, for every fact except observations (see README)."""
    w = world
    quotes: dict[tuple[str, int], list[str]] = {}
    for _, _, quote, _, _, column, fact_id in w.citations:
        quotes.setdefault((column, fact_id), []).append(quote)
    kinds = [
        ("event", w.events, "slug", "event_id", [("title", 5), ("description", 3)]),
        ("measure", w.measures, "slug", "measure_id", [("name", 5), ("summary", 3)]),
        ("programme", w.programmes, "slug", "programme_id", [("name", 5), ("summary", 3)]),
        ("indicator", w.indicators, "code", "indicator_id", [("name", 5), ("definition", 3)]),
        ("place", w.places, "slug", "place_id", [("name", 5), ("description", 3)]),
    ]
    for doc_type, rows, key, column, fields in kinds:
        for row in rows:
            for stem, weight in fields:
                for lang in ("zh", "en"):
                    text = row[f"{stem}_{lang}"]
                    if text:
                        yield doc_type, row[key], f"{stem}_{lang}", weight, text
            for quote in quotes.get((column, row["id"]), []):
                yield doc_type, row[key], "quote", QUOTE_WEIGHT, quote
    measure_slugs = {m["id"]: m["slug"] for m in w.measures}
    for x in w.metrics:
        slug = measure_slugs[x["measure_id"]]
        yield "measure", slug, "metric_zh", 3, f"{x['value']}{x['unit_zh'] or ''} {x['counted_zh']}"
        yield "measure", slug, "metric_en", 3, f"{x['value']} {x['unit']} {x['counted_en']}"


def load_search_index(conn: psycopg.Connection, world: World) -> tuple[int, int]:
    documents: list[str] = []
    term_count = 0
    terms_spool = io.StringIO()
    for doc_id, (doc_type, slug, field, weight, text) in enumerate(search_documents(world), start=1):
        documents.append(line(doc_id, doc_type, slug, field, weight, text))
        for term in index_terms(normalize(text)):
            terms_spool.write(f"{esc(term)}\t{doc_id}\t{esc(doc_type)}\t{esc(slug)}\t{weight}\n")
            term_count += 1
    copy_lines(conn, "search_document", "id, doc_type, doc_slug, field, weight, text", documents)
    terms_spool.seek(0)
    copy_lines(conn, "search_term", "term, document_id, doc_type, doc_slug, weight", terms_spool)
    return len(documents), term_count


def observation_index_estimate(world: World, sample: int = 20_000) -> str:
    """What indexing every observation's summaries (as app.search.index does) would add, from a sample."""
    names = {p["id"]: p for p in world.places}
    total = 40 * 40 * len(world.counties)
    sample = min(sample, total)
    began = time.perf_counter()
    documents = terms = 0
    pairs = world.observation_lines()
    for _ in range(sample):
        observation, _ = next(pairs)
        _, _, iid, pid, period, _, _, value, unit, unit_zh, *_ = observation.split("\t")
        indicator, place = world.indicators[int(iid) - 1], names[int(pid)]
        for text in (f"{place['name_zh']} {period} {indicator['name_zh']} {value}{unit_zh}",
                     f"{place['name_en']} {period} {indicator['name_en']} {value} {unit}"):
            documents += 1
            terms += len(index_terms(normalize(text)))
        # each observation also has one quote document
        documents += 1
        terms += len(index_terms(normalize(indicator["period_quotes"][period][0])))
    seconds = time.perf_counter() - began
    factor = total / sample
    return (f"indexing all {total:,} observations would add ~{documents * factor / 1e6:.1f} M search_document "
            f"rows and ~{terms * factor / 1e6:.0f} M search_term rows (~{terms / documents:.0f} terms per "
            f"document; term extraction alone ~{seconds * factor / 60:.0f} min of CPU) — not built")


# ── the read model ───────────────────────────────────────────────────────────────────────────────

DOCUMENT_TASK_ROWS = 250_000  # ids per task: the pool hands tasks out one at a time, so both workers stay busy
_worker_engine = None


def document_tasks(conn: psycopg.Connection) -> list[tuple[str, int, int, int]]:
    """(kind, first id, last id, facts) per task: each documented kind's ids in contiguous ranges, largest first."""
    tasks = []
    for kind in DOCUMENTED_KINDS:
        low, high, count = conn.execute(f"SELECT min(id), max(id), count(*) FROM {kind.table.name}").fetchone()
        if not count:
            continue
        parts = max(1, round(count / DOCUMENT_TASK_ROWS))
        bounds = [low + (high - low + 1) * k // parts for k in range(parts + 1)]
        tasks += [(kind.name, bounds[k], bounds[k + 1] - 1, count // parts) for k in range(parts)]
    return sorted(tasks, key=lambda t: -t[3])


def render_documents(task: tuple[str, str, int, int]) -> tuple[str, int, int, int, int, float]:
    """Render the facts of one kind with lo <= id <= hi through the app's own renderer and COPY them in.

    Runs in a pool worker (or in-process for one worker). Reads with a SQLModel Session, as the seed loader
    does (app.facts.documents.rebuild_documents), and writes on the Session's own connection, in its
    transaction, with binary COPY: the documents are exactly the bytes `document_rows` returns.
    """
    from sqlalchemy import select, text
    from sqlmodel import Session

    global _worker_engine
    url, kind_name, low, high = task
    if _worker_engine is None:
        _worker_engine = make_engine(Settings(database_url=url, db_statement_timeout_ms=0))
    kind = BY_NAME[kind_name]
    model = kind.model
    began = time.perf_counter()
    facts = size = 0
    with Session(_worker_engine) as session:
        session.execute(text("SET LOCAL synchronous_commit = off"))
        raw = session.connection().connection.driver_connection
        last = low - 1
        while True:
            rows = list(session.execute(select(model).where(model.id > last, model.id <= high)
                                        .order_by(model.id).limit(DOCUMENT_BATCH)).scalars().all())
            if not rows:
                break
            documents = document_rows(session, kind, rows)
            with raw.cursor() as cur, cur.copy(f"COPY fact_document ({', '.join(DOCUMENT_COLUMNS)}) "
                                               "FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(list(DOCUMENT_TYPES))
                for document in documents:
                    copy.write_row([document[c] for c in DOCUMENT_COLUMNS])
                    size += len(document["json_zh_en"]) + len(document["json_zh"]) + len(document["json_en"])
            facts += len(rows)
            last = rows[-1].id
            session.expunge_all()  # the identity map would otherwise hold every fact of the range
        session.commit()
    return kind_name, low, high, facts, size, time.perf_counter() - began


def load_documents(conn: psycopg.Connection, url: str, workers: int) -> dict[str, tuple]:
    """fact_document for every documented kind; returns {kind: (facts, JSON bytes, worker-seconds)}.

    The (kind, key) unique index is dropped for the load and rebuilt afterwards (the primary key stays: rows
    arrive in its order within each range).
    """
    index = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_fact_document_kind_key'").fetchone()
    if index:
        conn.execute('DROP INDEX "ix_fact_document_kind_key"')
    tasks = [(url, kind, low, high) for kind, low, high, _ in document_tasks(conn)]
    totals: dict[str, list] = {kind.name: [0, 0, 0.0] for kind in DOCUMENTED_KINDS}
    done = 0
    began = time.perf_counter()

    def record(result: tuple[str, int, int, int, int, float]) -> None:
        nonlocal done
        kind, low, high, facts, size, seconds = result
        totals[kind][0] += facts
        totals[kind][1] += size
        totals[kind][2] += seconds
        done += facts
        print(f"    {kind:12} ids {low:>9,}–{high:>9,}: {facts:>8,} facts in {seconds:6.1f} s "
              f"({facts / seconds:6.0f}/s per worker; {done:,} done, {time.perf_counter() - began:6.1f} s)",
              flush=True)

    if workers <= 1:
        for task in tasks:
            record(render_documents(task))
    else:
        # spawn, not fork: the parent's open connection must not be shared with the children
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for result in pool.imap_unordered(render_documents, tasks):
                record(result)
    if index:
        conn.execute(index[0])
    return {kind: tuple(v) for kind, v in totals.items()}


def documents_step(conn: psycopg.Connection, url: str, workers: int, timer: Timer) -> None:
    """Fill fact_document, check one document per fact, and name the renderer in dataset_state.

    With the right `document_format` the app serves these documents as they are; a different one would make
    a seeding start-up (AUTO_SEED=true) re-render all of them (measure.py serves with AUTO_SEED=false).
    """
    with timer.step(f"render the read model: fact_document, the app's renderers, {workers} process(es)") as note:
        totals = load_documents(conn, url, workers)
        missing = []
        for kind in DOCUMENTED_KINDS:
            facts, documents = conn.execute(
                f"SELECT (SELECT count(*) FROM {kind.table.name}), "
                "(SELECT count(*) FROM fact_document WHERE kind = %s)", (kind.name,)).fetchone()
            if facts != documents:
                missing.append(f"{kind.name}: {facts} facts, {documents} documents")
        if missing:
            raise SystemExit("fact_document incomplete: " + "; ".join(missing))
        fmt = document_format(DOCUMENTED_KINDS)
        conn.execute("INSERT INTO dataset_state (id, version, content_sha256, updated_at, document_format) "
                     "VALUES (1, 1, %s, now(), %s) ON CONFLICT (id) DO UPDATE SET document_format = "
                     "EXCLUDED.document_format, version = greatest(dataset_state.version, 1)",
                     ("synthetic-scale-" + str(SEED), fmt))
        facts = sum(v[0] for v in totals.values())
        json_bytes = sum(v[1] for v in totals.values())
        observations = totals.get("observation", (0, 0, 0.0))
        rate = f", observations {observations[0] / observations[2]:,.0f}/s per worker" if observations[2] else ""
        note[""] = (f"({facts:,} facts × 3 variants, {json_bytes / 1e9:.2f} GB of JSON{rate}; "
                    f"document_format {fmt[:12]}…)")


def rerender_documents(url: str, libpq_url: str, workers: int, timer: Timer) -> int:
    """--documents-only: replace fact_document on an already generated database."""
    if "scale" not in (make_url(url).database or ""):
        raise SystemExit("refusing: the scale database's name must contain 'scale'")
    with psycopg.connect(libpq_url, autocommit=True) as conn:
        conn.execute("TRUNCATE fact_document")
        documents_step(conn, url, workers, timer)
        with timer.step("VACUUM (ANALYZE) fact_document"):
            conn.execute("VACUUM (ANALYZE) fact_document")
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('fact_document'))").fetchone()[0]
    timer.report()
    print(f"\nfact_document with its indexes and TOAST: {size}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--prefectures-per-province", type=int, default=10)
    parser.add_argument("--counties-per-prefecture", type=int, default=9)
    parser.add_argument("--events-per-county", type=int, default=10)
    parser.add_argument("--measures-per-county", type=int, default=15)
    parser.add_argument("--document-workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes rendering fact_document (default: 2, or 1 on one core)")
    parser.add_argument("--documents-only", action="store_true",
                        help="keep the database; only re-render fact_document (after a renderer change)")
    args = parser.parse_args()
    url = args.database_url
    libpq_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    timer = Timer()
    if args.documents_only:
        return rerender_documents(url, libpq_url, args.document_workers, timer)

    with timer.step("generate places, indicators, events, measures in memory") as note:
        world = World(args.provinces, args.prefectures_per_province, args.counties_per_prefecture,
                      args.events_per_county, args.measures_per_county)
        note[""] = f"({len(world.counties)} counties)"
    with timer.step(f"drop and recreate {make_url(url).database}"):
        recreate_database(url)
    with timer.step("alembic upgrade head (app.bootstrap.migrate under bootstrap_lock)"):
        run_migrations(url)

    with psycopg.connect(libpq_url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        with timer.step("drop secondary indexes, unique constraints and foreign keys for the load") as note:
            recreate = drop_secondary_structures(conn)
            note[""] = f"({len(recreate)} to recreate)"
        load(conn, world, timer)
        with timer.step("build search index (COPY search_document, search_term)") as note:
            documents, terms = load_search_index(conn, world)
            note[""] = f"({documents:,} documents, {terms:,} terms)"
        with timer.step("dataset_state and sequences"):
            conn.execute("INSERT INTO dataset_state (id, version, content_sha256, updated_at) "
                         "VALUES (1, 1, %s, now())", ("synthetic-scale-" + str(SEED),))
            for table in LOADED_TABLES:
                if table not in ("search_term", "dataset_state"):
                    conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 1) FROM {table}))")
        with timer.step("recreate indexes, unique constraints, foreign keys (validates them)") as note:
            for statement in recreate:
                began = time.perf_counter()
                conn.execute(statement)
                seconds = time.perf_counter() - began
                if seconds > 2:
                    print(f"    {seconds:6.1f} s  {statement[:110]}", flush=True)
            note[""] = f"({len(recreate)} statements)"
        conn.commit()
        conn.autocommit = True
        documents_step(conn, url, args.document_workers, timer)
        with timer.step("VACUUM (ANALYZE) — visibility map for index-only scans, planner statistics"):
            conn.execute("VACUUM (ANALYZE)")
        with timer.step("check citation offsets against source bodies") as note:
            # Each distinct (source, quote, offsets) once: 4.5 M observations share 1,600 period sentences.
            bad = conn.execute(
                "SELECT count(*) FROM (SELECT DISTINCT source_id, quote, start_offset, end_offset FROM citation) c "
                "JOIN source s ON s.id = c.source_id "
                "WHERE substr(s.body, c.start_offset + 1, c.end_offset - c.start_offset) <> c.quote"
            ).fetchone()[0]
            uncited = conn.execute(
                "SELECT (SELECT count(*) FROM observation o WHERE NOT EXISTS "
                "(SELECT 1 FROM citation c WHERE c.observation_id = o.id))"
            ).fetchone()[0]
            note[""] = f"({bad} citations whose quote differs from the body; {uncited} uncited observations)"
            if bad or uncited:
                raise SystemExit("citation check failed")
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in (*LOADED_TABLES, "fact_document")}
        read_model = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('fact_document'))").fetchone()[0]

    with timer.step("estimate: search index over observations"):
        print("  " + observation_index_estimate(world))
    timer.report()
    print(f"\ndatabase size: {size} (fact_document with its indexes and TOAST: {read_model})")
    print("rows: " + ", ".join(f"{t}={n:,}" for t, n in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
