"""How much of a curated answer `ingest` finds on its own: recall of numbers and event dates, precision, and checks.

    python benchmarks/ingest_recall.py [ARTICLE] [--seed-dir seed_data] [--source-slug SLUG]
                                       [--published YYYY-MM-DD] [--sample 12] [--drop-scripts] [--check]

ARTICLE is the raw file (a re-post with its website chrome is fine; default: the seed article at
../shared/seeds/000_c4d388b58b1e6c1a.txt). The curated answer is a directory in the seed_data/ format and
the slug of the article's entry in its sources.yaml; only citations of that source are counted.

- A curated number (an observation, or a measure's metric) is found when a number candidate has the same
  value, unit multiplier and comparator, and its words lie inside one of the number's cited quotes.
- A curated event is found when a date candidate has the event's date and precision, its words inside one of
  the event's cited quotes.
- Precision is the share of candidates that find a curated fact; a sample of the rest is printed to check by hand.
- Checks: every quote is verbatim at its offsets, and every candidate's quote is in the curated body (none
  comes from the chrome); when the page holds the curated body verbatim, every candidate's offsets lie inside it.

Comparators: curators' vocabulary moves (百亿级 read as `ge` or as `magnitude`; 一半 as `eq` or `approx`).
Strict recall wants the same word; the recall that counts takes these known alternative readings too, and
both are printed. --check exits 1 when a figure is under its bar (numbers 95 %, dates 90 %) or a check fails.
"""

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.ingest.candidates import ingest_body
from app.ingest.chrome import strip_chrome
from app.ingest.text import BadArticle, read_article
from app.seed.yamlio import read_yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLE = REPO.parent / "shared" / "seeds" / "000_c4d388b58b1e6c1a.txt"
NUMBER_BAR, DATE_BAR = Decimal("0.95"), Decimal("0.90")
# (candidate's comparator, curated comparator) pairs that are two readings of the same words.
ALTERNATIVE_READINGS = {
    ("magnitude", "ge"): "百亿级: of the order of 100亿 (magnitude) or at least 100亿 (ge)",
    ("ge", "magnitude"): "百亿级: at least (ge) or of the order of (magnitude)",
}
HALF_WORDS = {"一半", "半数"}  # “about half” (approx) or “half” (eq): news prose does not say which


@dataclass
class Fact:
    kind: str  # observation, metric, event
    slug: str
    spans: list[tuple[int, int]]  # cited quotes of this source, as offsets in the curated body
    value: Decimal | None = None
    unit_multiplier: int = 0
    comparator: str = "eq"
    date: str | None = None
    date_precision: str | None = None


@dataclass
class Report:
    body_identical: bool
    numbers: list[Fact] = field(default_factory=list)
    rates: list[Fact] = field(default_factory=list)  # observations' yoy_change_pct: found, not in the recall bar
    events: list[Fact] = field(default_factory=list)
    found_strict: set[str] = field(default_factory=set)
    found: set[str] = field(default_factory=set)
    candidates: list[dict] = field(default_factory=list)
    matched: set[int] = field(default_factory=set)  # indexes of candidates that find a curated fact
    problems: list[str] = field(default_factory=list)

    def recall(self, facts: list[Fact], found: set[str]) -> Decimal:
        return Decimal(sum(f.slug in found for f in facts)) / len(facts) if facts else Decimal(1)

    def precision(self, kind: str) -> tuple[int, int]:
        of_kind = [i for i, c in enumerate(self.candidates) if c["kind"] == kind]
        return sum(i in self.matched for i in of_kind), len(of_kind)


def _multiplier(unit_zh: str | None) -> int:
    unit_zh = unit_zh or ""
    return 12 if "万亿" in unit_zh else 8 if "亿" in unit_zh else 4 if "万" in unit_zh else 0


def curated_facts(seed_dir: Path, slug: str) -> tuple[str, str, list[Fact], list[Fact], list[Fact]]:
    """(body, published_on, numbers, growth rates, events) of one source in a seed_data-format directory."""
    sources = {s["slug"]: s for s in read_yaml(seed_dir / "sources.yaml")}
    if slug not in sources:
        raise SystemExit(f"error: no source {slug!r} in {seed_dir / 'sources.yaml'}")
    body = (seed_dir / sources[slug]["body_file"]).read_text(encoding="utf-8")

    def spans(entry: dict) -> list[tuple[int, int]]:
        return [(c["start"], c["end"]) for c in entry.get("citations") or [] if c["source"] == slug]

    def read(name: str) -> list[dict]:
        return read_yaml(seed_dir / name) if (seed_dir / name).exists() else []  # a curator's answer may be partial

    numbers, rates, events = [], [], []
    for o in read("observations.yaml"):
        if spans(o):
            numbers.append(Fact("observation", o["slug"], spans(o), Decimal(o["value"]),
                                o.get("unit_multiplier", _multiplier(o.get("unit_zh"))), "eq"))
            if o.get("yoy_change_pct") is not None:
                rates.append(Fact("yoy", o["slug"] + "#yoy", spans(o), Decimal(o["yoy_change_pct"])))
    for measure in read("measures.yaml"):
        for m in measure.get("metrics") or []:
            if spans(m):
                numbers.append(Fact("metric", m["slug"], spans(m), Decimal(m["value"]),
                                    m.get("unit_multiplier", _multiplier(m.get("unit_zh"))), m["comparator"]))
    for e in read("events.yaml"):
        if spans(e):
            events.append(Fact("event", e["slug"], spans(e), date=str(e["date"]), date_precision=e["date_precision"]))
    return body, str(sources[slug]["published_on"]), numbers, rates, events


def _located(candidate: dict, body: str, curated: str) -> tuple[int, int] | None:
    """The candidate's words as offsets in the curated body (the same when the bodies are identical)."""
    if body == curated:
        return candidate["mention_start"], candidate["mention_end"]
    at, best = -1, None
    while (at := curated.find(candidate["quote"], at + 1)) != -1:
        if best is None or abs(at - candidate["start"]) < abs(best - candidate["start"]):
            best = at
    if best is None:
        return None
    shift = best - candidate["start"]
    return candidate["mention_start"] + shift, candidate["mention_end"] + shift


def _inside(span: tuple[int, int] | None, spans: list[tuple[int, int]]) -> bool:
    return span is not None and any(start <= span[0] and span[1] <= end for start, end in spans)


def _comparators(candidate: dict, fact: Fact) -> tuple[bool, bool]:
    """(same word, same or an alternative reading)."""
    ours, theirs = candidate["comparator"], fact.comparator
    if ours == theirs:
        return True, True
    half = candidate["mention"] in HALF_WORDS and {ours, theirs} == {"eq", "approx"}
    return False, half or (ours, theirs) in ALTERNATIVE_READINGS


def measure(article: Path, seed_dir: Path, slug: str, published: str | None = None,
            drop_scripts: bool = False) -> Report:
    curated, published_on, numbers, rates, events = curated_facts(seed_dir, slug)
    page, _ = read_article(article, drop_scripts=drop_scripts)
    stripped = strip_chrome(page)
    result = ingest_body(stripped.body, date.fromisoformat(published or published_on))
    body = result["body"]
    report = Report(body_identical=body == curated, numbers=numbers, rates=rates, events=events,
                    candidates=result["candidates"])
    # Where the chrome ends and starts again, when the page holds the curated body verbatim (a text re-post;
    # an HTML page's blank lines differ, and there each quote is looked up in the curated body instead).
    curated_at = page.find(curated)
    for i, c in enumerate(report.candidates):
        if body[c["start"] : c["end"]] != c["quote"] or body[c["mention_start"] : c["mention_end"]] != c["mention"]:
            report.problems.append(f"not verbatim at its offsets: {c['quote']!r} {c['start']}..{c['end']}")
        at = _located(c, body, curated)
        if at is None:  # its quote is nowhere in the curated body: the chrome, or a body cut wrongly
            report.problems.append(f"not in the curated body: {c['quote']!r}")
        if curated_at >= 0:
            absolute = stripped.start + c["mention_start"]
            if not curated_at <= absolute < curated_at + len(curated):
                report.problems.append(f"from the chrome, outside the curated body: {c['mention']!r} at {absolute}")
        if c["kind"] == "number":
            for fact in numbers:
                if (_inside(at, fact.spans) and Decimal(c["value"]) == fact.value
                        and c["unit_multiplier"] == fact.unit_multiplier):
                    strict, tolerant = _comparators(c, fact)
                    if strict:
                        report.found_strict.add(fact.slug)
                    if tolerant:
                        report.found.add(fact.slug)
                        report.matched.add(i)
            for fact in rates:  # 同比增长1.9%: a change, curated as the observation's yoy_change_pct
                if _inside(at, fact.spans) and c["role"] == "change" and Decimal(c["value"]) == fact.value:
                    report.found.add(fact.slug)
                    report.matched.add(i)
        elif c["kind"] == "date":
            for fact in events:
                if _inside(at, fact.spans) and c["date"] == fact.date and c["date_precision"] == fact.date_precision:
                    report.found_strict.add(fact.slug)
                    report.found.add(fact.slug)
                    report.matched.add(i)
    return report


def _pct(x: Decimal) -> str:
    return f"{x * 100:.1f} %"


def print_report(report: Report, sample: int) -> bool:
    """Print the figures; True when every bar is met and every check passes."""
    number_recall = report.recall(report.numbers, report.found)
    date_recall = report.recall(report.events, report.found)
    strict = report.recall(report.numbers, report.found_strict)
    n_found = sum(f.slug in report.found for f in report.numbers)
    d_found = sum(f.slug in report.found for f in report.events)
    print(f"body identical to the curated body: {'yes' if report.body_identical else 'no'}")
    print(f"numbers recall: {_pct(number_recall)} ({n_found}/{len(report.numbers)}; value, unit multiplier and "
          f"comparator; bar {_pct(NUMBER_BAR)}) — same comparator word: {_pct(strict)}")
    r_found = sum(f.slug in report.found for f in report.rates)
    print(f"growth rates (yoy_change_pct) found as changes: {r_found}/{len(report.rates)}")
    print(f"event dates recall: {_pct(date_recall)} ({d_found}/{len(report.events)}; date and precision; "
          f"bar {_pct(DATE_BAR)})")
    for kind in ("number", "date"):
        hit, total = report.precision(kind)
        print(f"{kind} candidates that find a curated fact: {hit}/{total}"
              + (f" ({_pct(Decimal(hit) / total)})" if total else ""))
    print(f"name candidates: {sum(c['kind'] == 'name' for c in report.candidates)} (not scored)")
    missed = [f.slug for f in report.numbers + report.rates + report.events if f.slug not in report.found]
    print("missed: " + (", ".join(missed) if missed else "none"))
    loose = [f.slug for f in report.numbers if f.slug in report.found and f.slug not in report.found_strict]
    if loose:
        print("found with an alternative comparator reading: " + ", ".join(loose))
    print(f"checks: {len(report.problems)} problem(s)")
    for problem in report.problems[:20]:
        print(f"  {problem}")
    unmatched = [c for i, c in enumerate(report.candidates) if c["kind"] != "name" and i not in report.matched]
    print(f"sample of unmatched candidates ({min(sample, len(unmatched))} of {len(unmatched)}), to check by hand:")
    for c in unmatched[:sample]:
        what = (f"{c['value']} ×10^{c['unit_multiplier']} {c['unit_zh'] or ''} {c['comparator']}"
                if c["kind"] == "number" else f"{c['date']} {c['date_precision']}")
        print(f"  {c['kind']:6} {c['mention']!s:10} → {what:28} | {c['quote']}")
    return number_recall >= NUMBER_BAR and date_recall >= DATE_BAR and not report.problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("article", nargs="?", type=Path, default=DEFAULT_ARTICLE)
    parser.add_argument("--seed-dir", type=Path, default=REPO / "seed_data")
    parser.add_argument("--source-slug", default="economic-daily-2020-10-20-longgang")
    parser.add_argument("--published", help="default: the source's published_on in sources.yaml")
    parser.add_argument("--sample", type=int, default=12, help="unmatched candidates to print")
    parser.add_argument("--drop-scripts", action="store_true", help="read an HTML page that has <script> elements")
    parser.add_argument("--check", action="store_true", help="exit 1 if a bar is not met or a check fails")
    args = parser.parse_args()
    try:
        report = measure(args.article, args.seed_dir, args.source_slug, args.published, args.drop_scripts)
    except BadArticle as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ok = print_report(report, args.sample)
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
