"""Draft seed entries from candidates, in the seed_data/ format and key order, for a curator to finish.

What a machine cannot know is left for the curator, visibly: every *_en is empty, and place, indicator,
category and kind are null. Slugs are `draft-…` placeholders.
"""

from decimal import Decimal

from app.seed.yamlio import dump_yaml  # the canonical layout: numbers exact and unquoted

# Names that a measure can be: the entries of measures.yaml are reforms, pilots, plans and projects.
MEASURE_NAMES = {"reform", "pilot", "plan", "project", "system", "model", "mechanism", "list", "slogan",
                 "industry_cluster", "industrial_park", "demonstration_zone"}


def _citation(source: str, candidate: dict) -> dict:
    return {"source": source, "quote": candidate["quote"], "start": candidate["start"], "end": candidate["end"]}


def _event(n: int, source: str, c: dict) -> dict:
    return {"slug": f"draft-event-{n}", "date": c["date"], "date_precision": c["date_precision"],
            "date_start": c["date_start"], "date_end": c["date_end"], "edtf": c["edtf"], "place": None,
            "category": None, "title_zh": c["quote"], "title_en": "", "description_zh": c["quote"],
            "description_en": "", "citations": [_citation(source, c)]}


def _observation(n: int, source: str, c: dict) -> dict:
    return {"slug": f"draft-observation-{n}", "indicator": None, "place": None, "period": c["period"],
            "period_start": c["period_start"], "period_end": c["period_end"], "value": Decimal(c["value"]),
            "unit": c["unit"], "unit_zh": c["unit_zh"], "unit_multiplier": c["unit_multiplier"],
            "value_base": Decimal(c["value_base"]), "yoy_change_pct": None,
            "reference_place": None, "comparison_zh": None, "comparison_en": None, "note_zh": None,
            "note_en": None, "citations": [_citation(source, c)]}


def _metric(n: int, source: str, c: dict) -> dict:
    return {"slug": f"draft-metric-{n}", "value": Decimal(c["value"]), "unit": c["unit"],
            "unit_zh": c["unit_zh"], "unit_multiplier": c["unit_multiplier"], "value_base": Decimal(c["value_base"]),
            "comparator": c["comparator"], "counted_zh": c["counted"], "counted_en": "", "citations": [_citation(source, c)]}


def _measure(n: int, source: str, name: dict | None, first: dict) -> dict:
    """A measure named by `name`, or, for numbers no name comes before, an unnamed one cited by its first number."""
    cited = name or first
    return {"slug": f"draft-measure-{n}", "name_zh": name["term"] if name else None, "name_en": "",
            "category": None, "kind": None, "programme": None, "place": None, "summary_zh": cited["quote"],
            "summary_en": "", "citations": [_citation(source, cited)], "metrics": []}


def draft_entries(result: dict, source: str) -> dict[str, list[dict]]:
    """Seed file name → draft entries. Amounts with a period become observations (a growth rate right after
    one is its yoy_change_pct); other numbers become metrics of the measure named last before them."""
    body, candidates = result["body"], result["candidates"]
    events = [_event(i, source, c) for i, c in enumerate((c for c in candidates if c["kind"] == "date"), 1)]
    observations: list[dict] = []
    measures: dict[str, dict] = {}
    numbers = [c for c in candidates if c["kind"] == "number"]
    names = [c for c in candidates if c["kind"] == "name" and c["names"] in MEASURE_NAMES]
    for i, c in enumerate(numbers):
        if c["role"] == "change" and observations and observations[-1]["citations"][0]["start"] == c["start"] \
                and c["unit"] == "percent":
            observations[-1]["yoy_change_pct"] = Decimal(c["value"])  # 138.1亿元,同比增长1.9%
            continue
        if c["period"] and c["unit"] not in (None, "count", "item"):
            observations.append(_observation(len(observations) + 1, source, c))
            continue
        paragraph = body.rfind("\n", 0, c["mention_start"]) + 1
        named = [n for n in names if paragraph <= n["mention_start"] < c["mention_start"]]
        name = named[-1] if named else None
        key = name["term"] if name else ""
        if key not in measures:
            measures[key] = _measure(len(measures) + 1, source, name, c)
        measures[key]["metrics"].append(_metric(i + 1, source, c))
    return {"events.yaml": events, "observations.yaml": observations, "measures.yaml": list(measures.values())}


def drafts_yaml(result: dict, source: str) -> str:
    header = (f"# Draft seed entries for source {source} (published {result['published']}, body sha256 "
              f"{result['sha256']}).\n# Finish each entry (English, place, category …), move it into its file, "
              "then run `python -m app validate`.\n")
    return header + dump_yaml(draft_entries(result, source))
