"""The ingest result on the real seed article: verbatim quotes, the JSON and YAML the command prints, names,
and the benchmark's bars (benchmarks/ingest_recall.py)."""

import html
import importlib.util
import json
import shutil
from datetime import date
from decimal import Decimal

import pytest

from app.cli import main
from app.config import REPO_ROOT
from app.facts.entries import Comparator
from app.ingest.candidates import ingest_body, quote_span
from app.ingest.drafts import draft_entries
from app.ingest.names import find_names
from app.ingest.text import BadArticle
from app.seed.validate import read_seed
from app.seed.yamlio import SeedLoader, dump_yaml

SLUG = "economic-daily-2020-10-20-longgang"
REPOST = REPO_ROOT / "seed_data" / "sources" / f"{SLUG}.repost.txt"
BODY = (REPO_ROOT / "seed_data" / "sources" / f"{SLUG}.txt").read_text(encoding="utf-8")
PUBLISHED = date(2020, 10, 20)


@pytest.fixture(scope="module")
def result() -> dict:
    return ingest_body(BODY, PUBLISHED)


def test_every_quote_is_verbatim_at_its_offsets(result) -> None:
    assert result["candidates"]
    for c in result["candidates"]:
        assert BODY[c["start"] : c["end"]] == c["quote"]
        assert BODY[c["mention_start"] : c["mention_end"]] == c["mention"]
        assert c["start"] <= c["mention_start"] < c["mention_end"] <= c["end"]
        assert c["quote"] == c["quote"].strip()  # no indent, no line break: a clause as a reader quotes it


def test_the_gdp_candidate(result) -> None:
    gdp = next(c for c in result["candidates"] if c.get("mention") == "138.1亿元")
    assert gdp["quote"] == "今年上半年,龙港实现地区生产总值138.1亿元,同比增长1.9%;"
    assert (gdp["start"], gdp["end"]) == (608, 641)  # the curated citation's offsets
    assert {k: gdp[k] for k in ("value", "unit", "unit_zh", "unit_multiplier", "value_base", "comparator",
                                "role", "period", "period_start", "period_end")} == {
        "value": "138.1", "unit": "CNY", "unit_zh": "亿元", "unit_multiplier": 8, "value_base": "13810000000",
        "comparator": "eq", "role": "level", "period": "2020-H1", "period_start": "2020-01-01",
        "period_end": "2020-06-30"}
    growth = next(c for c in result["candidates"] if c.get("mention") == "1.9%")
    assert (growth["role"], growth["period"]) == ("change", "2020-H1")


def test_json_from_the_command_on_the_raw_repost(capsys) -> None:
    assert main(["ingest", str(REPOST)]) == 0  # the date comes from the re-post's byline
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == ["body", "sha256", "published", "candidates"]
    assert printed["body"] == BODY
    assert printed["sha256"] == "b8d496f0bbd7103edb0f9b147043457a46479479b51cfe29b55cae9c1cdf2560"
    assert printed["published"] == "2020-10-20"
    assert {c["kind"] for c in printed["candidates"]} == {"number", "date", "name"}


def test_a_long_clause_is_cut_at_commas_around_the_mention() -> None:
    filler = "甲乙丙丁戊己庚辛壬癸,"
    text = filler * 3 + "划分为32个大网格、103个全科网格," + filler * 4 + "完。"
    at = text.index("32个")
    start, end = quote_span(text, at, at + 3)
    assert text[start:end] == "划分为32个大网格、103个全科网格,"


@pytest.mark.parametrize(
    ("text", "term", "names"),
    [
        ("增挂行政审批局,", "行政审批局", "bureau"),
        ("由市综合行政执法局集中行使", "市综合行政执法局", "bureau"),
        ("、龙湖公园、", "龙湖公园", "park"),
        ("推进医疗卫生材料产业园、", "医疗卫生材料产业园", "industrial_park"),
        ("实施制造业“三百三新”计划和", "“三百三新”计划", "plan"),
        ("开展综合行政执法体制改革省级试点,", "综合行政执法体制改革省级试点", "pilot"),
        ("积极推动宅基地(农房)市域流转改革试点;", "宅基地(农房)市域流转改革试点", "pilot"),
        ("有序推进执法监管一体化改革,", "执法监管一体化改革", "reform"),
        ("城乡一体化发展格局,", None, None),  # 格局 ends in 局 and is no bureau
    ],
)
def test_names(text: str, term: str | None, names: str | None) -> None:
    assert [(n.term, n.names) for n in find_names(text)] == ([(term, names)] if term else [])


def test_yaml_drafts_load_through_validate_once_finished(result, tmp_path, capsys) -> None:
    assert main(["ingest", str(REPOST), "--format", "yaml", "--source-slug", SLUG]) == 0
    drafts = SeedLoader(capsys.readouterr().out).get_single_data()
    assert list(drafts) == list(draft_entries(result, SLUG)) == ["events.yaml", "observations.yaml", "measures.yaml"]
    gdp = next(o for o in drafts["observations.yaml"] if o["value"] == Decimal("138.1"))
    assert (gdp["unit_multiplier"], gdp["value_base"], gdp["yoy_change_pct"]) == (8, 13810000000, Decimal("1.9"))
    # What a curator does: English, and the choices a machine cannot make (place, category, indicator …).
    for event in drafts["events.yaml"]:
        event.update(place="longgang", category="economy", title_en="Stand-in English", description_en="Stand-in")
    for observation in drafts["observations.yaml"]:
        observation.update(indicator="gdp", place="longgang")
    for measure in drafts["measures.yaml"]:
        measure.update(name_zh=measure["name_zh"] or "未归类", name_en="Stand-in English", category="industry",
                       kind="reform", place="longgang", summary_en="Stand-in")
        for metric in measure["metrics"]:
            metric.update(counted_zh=metric["counted_zh"] or "未定", counted_en="stand-in",
                          unit=metric["unit"] or "count")
            if metric["comparator"] not in {c.value for c in Comparator}:
                metric["comparator"] = "ge"  # 百亿级 (magnitude): the curator picks from the seed's vocabulary
    seed_dir = tmp_path / "seed_data"
    shutil.copytree(REPO_ROOT / "seed_data", seed_dir)
    for name, entries in drafts.items():
        (seed_dir / name).write_text(dump_yaml(entries), encoding="utf-8")
    counts = read_seed(seed_dir).counts()
    assert (counts["events"], counts["observations"]) == (len(drafts["events.yaml"]), len(drafts["observations.yaml"]))


def _benchmark():
    spec = importlib.util.spec_from_file_location("ingest_recall", REPO_ROOT / "benchmarks" / "ingest_recall.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def _html_page(text: str) -> str:
    """The re-post as a web page: a paragraph per line, the chrome included, and a script to drop."""
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>站名</title></head><body>"
            f"<script>var 上一篇 = '138.1亿元';</script>\n{paragraphs}\n</body></html>")


@pytest.mark.parametrize("form", ["text", "gb18030", "html"])
def test_benchmark_bars_are_met_on_the_seed_article(tmp_path, form) -> None:
    bench = _benchmark()
    article = REPOST
    if form == "gb18030":
        article = tmp_path / "repost.txt"
        article.write_bytes(REPOST.read_text(encoding="utf-8").encode("gb18030"))
    elif form == "html":
        article = tmp_path / "repost.html"
        article.write_text(_html_page(REPOST.read_text(encoding="utf-8")), encoding="utf-8")
        with pytest.raises(BadArticle, match="script"):
            bench.measure(article, REPO_ROOT / "seed_data", SLUG)
    report = bench.measure(article, REPO_ROOT / "seed_data", SLUG, drop_scripts=form == "html")
    assert report.body_identical == (form != "html")  # HTML paragraphs keep no count of blank lines
    assert report.problems == []
    assert report.recall(report.numbers, report.found) >= bench.NUMBER_BAR
    assert report.recall(report.events, report.found) >= bench.DATE_BAR
