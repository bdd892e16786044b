"""`python -m app validate`: the real seed data passes, and each kind of error is caught and located."""

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.config import REPO_ROOT
from app.seed.validate import SeedError, read_seed
from app.seed.yamlio import dump_yaml, read_yaml

SEED_DIR = REPO_ROOT / "seed_data"
SOURCE = "economic-daily-2020-10-20-longgang"


def test_seed_data_is_valid_and_complete() -> None:
    seed = read_seed(SEED_DIR)
    assert seed.counts() == {
        "sources": 1, "places": 5, "people": 2, "indicators": 9, "observations": 7, "events": 8,
        "programmes": 27, "measures": 33, "metrics": 13, "citations": 150,
    }


def test_validate_command_exits_zero_on_the_seed_data() -> None:
    result = subprocess.run([sys.executable, "-m", "app", "validate"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    assert "2 people" in result.stdout and "150 citations" in result.stdout


def test_body_has_no_website_chrome() -> None:
    body = (SEED_DIR / "sources" / f"{SOURCE}.txt").read_text(encoding="utf-8")
    for chrome in ("当前位置", "重庆资讯网", "作者:Admin", "免责声明", "上一篇文章", "下一篇文章"):
        assert chrome not in body
    assert body.startswith("  在机构层级上做减法 在社会服务上做加法")
    assert body.rstrip().endswith("熊 丽")


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, target)
    return target


def edit(seed_dir: Path, name: str, change: Callable[[list], None]) -> None:
    path = seed_dir / name
    entries = read_yaml(path)
    change(entries)
    path.write_text(dump_yaml(entries), encoding="utf-8")


def problems_of(seed_dir: Path) -> list[str]:
    with pytest.raises(SeedError) as caught:
        read_seed(seed_dir)
    return caught.value.problems


def find(entries: list, slug: str, key: str = "slug") -> dict:
    return next(e for e in entries if e[key] == slug)


def test_quote_not_verbatim_is_caught(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "longgang-gdp-2020-h1")["citations"][0]["quote"] = "龙港实现地区生产总值138.2亿元"
    edit(seed_copy, "observations.yaml", change)
    assert any(p.startswith("observations.yaml: entry 'longgang-gdp-2020-h1'") and "not verbatim" in p
               for p in problems_of(seed_copy))


def test_offsets_that_do_not_match_the_quote_are_caught(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        citation = find(entries, "town-abolished-city-established-2019-09-25")["citations"][0]
        citation["start"] += 1
        citation["end"] += 1
    edit(seed_copy, "events.yaml", change)
    [problem] = problems_of(seed_copy)
    assert problem.startswith("events.yaml: entry 'town-abolished-city-established-2019-09-25'")
    assert "offsets 357..394 do not match the quote (it is at 356..393)" in problem


def test_number_missing_from_quotes_is_caught(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "longgang-gdp-2020-h1")["yoy_change_pct"] = find(entries, "longgang-gdp-2020-h1")[
            "yoy_change_pct"] + 1
    edit(seed_copy, "observations.yaml", change)
    assert any("yoy_change_pct 2.9 does not appear in any of its quotes" in p for p in problems_of(seed_copy))


def test_chinese_numerals_count_as_the_number(seed_copy: Path) -> None:
    measures = read_yaml(seed_copy / "measures.yaml")
    chinese_only = [m for measure in measures for m in measure["metrics"]
                    if not any(str(m["value"]) in c["quote"] for c in m["citations"])]
    assert chinese_only, "the seed data has metrics written in Chinese numerals (三大, 十大, 一半)"
    read_seed(seed_copy)  # and they validate

    def change(entries: list) -> None:
        for measure in entries:
            for metric in measure["metrics"]:
                if metric["slug"] == chinese_only[0]["slug"]:
                    metric["value"] += 7
                    metric["value_base"] = metric["value"] * 10 ** metric["unit_multiplier"]
    edit(seed_copy, "measures.yaml", change)
    assert any(f"'{chinese_only[0]['slug']}'" in p and "does not appear" in p for p in problems_of(seed_copy))


def test_repeated_slug_is_caught(seed_copy: Path) -> None:
    edit(seed_copy, "events.yaml", lambda entries: entries.append(dict(entries[0])))
    slug = read_yaml(seed_copy / "events.yaml")[0]["slug"]
    assert any(f"slug '{slug}' repeats" in p and p.startswith("events.yaml") for p in problems_of(seed_copy))


def test_missing_english_is_caught(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "one-seal-for-approvals")["name_en"] = " "
    edit(seed_copy, "measures.yaml", change)
    assert "measures.yaml: entry 'one-seal-for-approvals' (#1): name_en: Value error, must not be empty" in (
        problems_of(seed_copy))


def test_missing_english_twin_of_an_optional_field_is_caught(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "longgang")["description_en"] = None
    edit(seed_copy, "places.yaml", change)
    assert any("description_en is missing while its twin is set" in p for p in problems_of(seed_copy))


def test_reference_that_points_nowhere_is_caught(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "one-seal-for-approvals")["programme"] = "no-such-programme"
    edit(seed_copy, "measures.yaml", change)
    assert ("measures.yaml: entry 'one-seal-for-approvals' (#1): programme 'no-such-programme' points to no "
            "programme") in problems_of(seed_copy)


def test_citation_of_an_unknown_source_is_caught(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "gdp", key="code")["citations"][0]["source"] = "no-such-source"
    edit(seed_copy, "indicators.yaml", change)
    assert any("source 'no-such-source' points to no source" in p for p in problems_of(seed_copy))


def test_changed_body_no_longer_matches_its_hash(seed_copy: Path) -> None:
    body = seed_copy / "sources" / f"{SOURCE}.txt"
    body.write_text(body.read_text(encoding="utf-8") + "补充\n", encoding="utf-8")
    assert f"sources.yaml: entry '{SOURCE}': body_sha256 does not match sources/{SOURCE}.txt" in (
        problems_of(seed_copy))


def test_value_base_must_follow_the_multiplier(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "longgang-gdp-2020-h1")["unit_multiplier"] = 4
    edit(seed_copy, "observations.yaml", change)
    assert any("value_base 13810000000 != value 138.1 × 10^4" in p for p in problems_of(seed_copy))


def test_validate_command_exits_non_zero_and_names_file_and_entry(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "longgang-gdp-2020-h1")["citations"][0]["quote"] = "不存在的引文"
    edit(seed_copy, "observations.yaml", change)
    result = subprocess.run([sys.executable, "-m", "app", "validate", "--dir", str(seed_copy)], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "error: observations.yaml: entry 'longgang-gdp-2020-h1' (#" in result.stderr
    assert "quote is not verbatim in source" in result.stderr


FOUNDED = "events.yaml: entry 'longgang-town-founded-1983-10' (#1): edtf: "


def set_event(seed_dir: Path, slug: str, **values: str) -> None:
    edit(seed_dir, "events.yaml", lambda entries: find(entries, slug).update(values))


@pytest.mark.parametrize("edtf", ["1983-H2", "1983-10-32", "83-10", ""])
def test_malformed_edtf_is_caught_naming_the_field(seed_copy: Path, edtf: str) -> None:
    set_event(seed_copy, "longgang-town-founded-1983-10", edtf=edtf)
    [problem] = problems_of(seed_copy)
    assert problem.startswith(FOUNDED + f"Value error, '{edtf}' is not an EDTF (ISO 8601-2) date: ")


def test_edtf_that_disagrees_with_the_precision_and_dates_is_caught(seed_copy: Path) -> None:
    set_event(seed_copy, "longgang-town-founded-1983-10", edtf="1983-11")
    assert problems_of(seed_copy) == [FOUNDED + "Value error, '1983-11' disagrees with date_precision 'month' and "
                                      "date_start..date_end 1983-10-01..1983-10-31: expected '1983-10'"]


@pytest.mark.parametrize(("slug", "edtf", "expected"), [
    # the same days, but not stated as a month
    ("longgang-town-founded-1983-10", "1983-10-01/1983-10-31", "1983-10"),
    ("full-5g-coverage", "2020-41", "2020-40"),
    ("new-urbanization-forum-2020", "[..2020-10-19]", "[..2020-10-20]"),
    ("new-urbanization-forum-2020", "2020-10-20", "[..2020-10-20]"),
])
def test_each_edtf_must_be_the_one_its_precision_and_dates_give(seed_copy: Path, slug: str, edtf: str,
                                                                 expected: str) -> None:
    set_event(seed_copy, slug, edtf=edtf)
    [problem] = problems_of(seed_copy)
    assert problem.startswith(f"events.yaml: entry '{slug}' (#")
    assert f": edtf: Value error, '{edtf}' " in problem
    assert problem.endswith(f"expected '{expected}'")


def test_dates_that_do_not_fill_the_edtf_are_caught(seed_copy: Path) -> None:
    """A month stated as 1983-10 runs from its first day to its last, as the edtf library reads it."""
    set_event(seed_copy, "longgang-town-founded-1983-10", date_start="1983-10-05")
    assert problems_of(seed_copy) == [FOUNDED + "Value error, '1983-10' covers 1983-10-01..1983-10-31, not "
                                      "date_start..date_end 1983-10-05..1983-10-31"]


def test_missing_edtf_is_caught(seed_copy: Path) -> None:
    edit(seed_copy, "events.yaml", lambda entries: find(entries, "longgang-town-founded-1983-10").pop("edtf"))
    assert problems_of(seed_copy) == [FOUNDED + "Field required"]


def test_observation_period_must_cover_its_days(seed_copy: Path) -> None:
    def change(entries: list) -> None:
        find(entries, "longgang-gdp-2020-h1")["period"] = "2020-H2"
    edit(seed_copy, "observations.yaml", change)
    assert problems_of(seed_copy) == [
        ("observations.yaml: entry 'longgang-gdp-2020-h1' (#1): (entry): Value error, period '2020-H2' covers "
         "2020-07-01..2020-12-31, not period_start..period_end 2020-01-01..2020-06-30")]
