"""Reads seed_data/ and checks it whole: every problem is reported with its file and entry."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.seed.fingerprint import seed_fingerprint
from app.seed.numerals import number_in_text
from app.seed.schemas import CitationIn, EventIn, IndicatorIn, MeasureIn, ObservationIn, PlaceIn, ProgrammeIn, SourceIn
from app.seed.yamlio import read_yaml

# Seed files in load order (parents before children), each with its entry schema and key field.
SEED_FILES: dict[str, tuple[type[BaseModel], str]] = {
    "sources.yaml": (SourceIn, "slug"),
    "places.yaml": (PlaceIn, "slug"),
    "indicators.yaml": (IndicatorIn, "code"),
    "observations.yaml": (ObservationIn, "slug"),
    "events.yaml": (EventIn, "slug"),
    "programmes.yaml": (ProgrammeIn, "slug"),
    "measures.yaml": (MeasureIn, "slug"),
}


class SeedError(Exception):
    """The seed files are not fit to load; `problems` says where and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in seed data")
        self.problems = problems


@dataclass
class SeedSet:
    """Validated seed data, ready to load."""

    sources: list[SourceIn] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)  # source slug → body text
    reposts: dict[str, str | None] = field(default_factory=dict)
    places: list[PlaceIn] = field(default_factory=list)
    indicators: list[IndicatorIn] = field(default_factory=list)
    observations: list[ObservationIn] = field(default_factory=list)
    events: list[EventIn] = field(default_factory=list)
    programmes: list[ProgrammeIn] = field(default_factory=list)
    measures: list[MeasureIn] = field(default_factory=list)
    content_sha256: str = ""

    def counts(self) -> dict[str, int]:
        facts = [*self.places, *self.indicators, *self.observations, *self.events, *self.programmes]
        metrics = [m for measure in self.measures for m in measure.metrics]
        citations = sum(len(f.citations) for f in [*facts, *self.measures, *metrics])
        return {
            "sources": len(self.sources),
            "places": len(self.places),
            "indicators": len(self.indicators),
            "observations": len(self.observations),
            "events": len(self.events),
            "programmes": len(self.programmes),
            "measures": len(self.measures),
            "metrics": len(metrics),
            "citations": citations,
        }


def read_seed(seed_dir: Path) -> SeedSet:
    """Parse and cross-check every seed file; raise SeedError listing every problem found."""
    problems: list[str] = []
    seed = SeedSet(content_sha256=seed_fingerprint(seed_dir))
    for name, (schema, key) in SEED_FILES.items():
        path = seed_dir / name
        if not path.is_file():
            problems.append(f"{name}: file is missing")
            continue
        try:
            raw = read_yaml(path)
        except Exception as exc:  # a YAML syntax error names its line
            problems.append(f"{name}: not valid YAML: {exc}")
            continue
        if not isinstance(raw, list):
            problems.append(f"{name}: must be a list of entries")
            continue
        entries = _parse_entries(name, schema, key, raw, problems)
        setattr(seed, name.removesuffix(".yaml"), entries)
    _read_bodies(seed_dir, seed, problems)
    if not problems:
        _cross_check(seed, problems)
    if problems:
        raise SeedError(problems)
    return seed


def _where(name: str, index: int, item: Any, key: str) -> str:
    label = item.get(key) if isinstance(item, dict) else None
    return f"{name}: entry {label!r} (#{index + 1})" if label else f"{name}: entry #{index + 1}"


def _parse_entries(name: str, schema: type[BaseModel], key: str, raw: list, problems: list[str]) -> list:
    entries, seen = [], set()
    for index, item in enumerate(raw):
        where = _where(name, index, item, key)
        try:
            entry = schema.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(entry)"
                problems.append(f"{where}: {loc}: {err['msg']}")
            continue
        slug = getattr(entry, key)
        if slug in seen:
            problems.append(f"{where}: {key} {slug!r} repeats")
        seen.add(slug)
        entries.append(entry)
    return entries


def _read_bodies(seed_dir: Path, seed: SeedSet, problems: list[str]) -> None:
    for source in seed.sources:
        where = f"sources.yaml: entry {source.slug!r}"
        body_path = seed_dir / source.body_file
        if not body_path.is_file():
            problems.append(f"{where}: body_file {source.body_file!r} does not exist")
            continue
        body_bytes = body_path.read_bytes()
        if hashlib.sha256(body_bytes).hexdigest() != source.body_sha256:
            problems.append(f"{where}: body_sha256 does not match {source.body_file}")
        body = body_bytes.decode("utf-8")
        seed.bodies[source.slug] = body
        repost = None
        if source.repost_file:
            repost_path = seed_dir / source.repost_file
            if not repost_path.is_file():
                problems.append(f"{where}: repost_file {source.repost_file!r} does not exist")
            else:
                repost = repost_path.read_text(encoding="utf-8")
                if body.strip() not in repost:
                    problems.append(f"{where}: body is not a verbatim excerpt of {source.repost_file}")
        seed.reposts[source.slug] = repost


def _cross_check(seed: SeedSet, problems: list[str]) -> None:
    places = {p.slug for p in seed.places}
    indicators = {i.code for i in seed.indicators}
    programmes = {p.slug for p in seed.programmes}

    def ref(where: str, field_name: str, value: str | None, known: set[str], kind: str) -> None:
        if value is not None and value not in known:
            problems.append(f"{where}: {field_name} {value!r} points to no {kind}")

    for i, p in enumerate(seed.places):
        ref(f"places.yaml: entry {p.slug!r} (#{i + 1})", "parent", p.parent, places, "place")
    _check_place_cycles(seed.places, problems)
    for i, o in enumerate(seed.observations):
        where = f"observations.yaml: entry {o.slug!r} (#{i + 1})"
        ref(where, "indicator", o.indicator, indicators, "indicator")
        ref(where, "place", o.place, places, "place")
        ref(where, "reference_place", o.reference_place, places, "place")
        _check_numbers(where, o.citations, [("value", o.value), ("yoy_change_pct", o.yoy_change_pct)], problems)
    for i, e in enumerate(seed.events):
        ref(f"events.yaml: entry {e.slug!r} (#{i + 1})", "place", e.place, places, "place")
    for i, p in enumerate(seed.programmes):
        ref(f"programmes.yaml: entry {p.slug!r} (#{i + 1})", "place", p.place, places, "place")
    metric_slugs: set[str] = set()
    for i, m in enumerate(seed.measures):
        where = f"measures.yaml: entry {m.slug!r} (#{i + 1})"
        ref(where, "programme", m.programme, programmes, "programme")
        ref(where, "place", m.place, places, "place")
        for j, metric in enumerate(m.metrics):
            mwhere = f"{where}: metrics[{j}] {metric.slug!r}"
            if metric.slug in metric_slugs:
                problems.append(f"{mwhere}: slug {metric.slug!r} repeats")
            metric_slugs.add(metric.slug)
            _check_numbers(mwhere, metric.citations, [("value", metric.value)], problems)
    for name, where, citations in _all_citations(seed):
        _check_citations(name, where, citations, seed.bodies, problems)


def _all_citations(seed: SeedSet) -> Iterable[tuple[str, str, list[CitationIn]]]:
    for name, entries, key in (
        ("places.yaml", seed.places, "slug"),
        ("indicators.yaml", seed.indicators, "code"),
        ("observations.yaml", seed.observations, "slug"),
        ("events.yaml", seed.events, "slug"),
        ("programmes.yaml", seed.programmes, "slug"),
        ("measures.yaml", seed.measures, "slug"),
    ):
        for i, entry in enumerate(entries):
            where = f"{name}: entry {getattr(entry, key)!r} (#{i + 1})"
            yield name, where, entry.citations
            for j, metric in enumerate(getattr(entry, "metrics", [])):
                yield name, f"{where}: metrics[{j}] {metric.slug!r}", metric.citations


def _check_citations(
    name: str, where: str, citations: list[CitationIn], bodies: dict[str, str], problems: list[str]
) -> None:
    for k, c in enumerate(citations):
        cwhere = f"{where}: citations[{k}]"
        body = bodies.get(c.source)
        if body is None:
            problems.append(f"{cwhere}: source {c.source!r} points to no source")
        elif c.quote not in body:
            problems.append(f"{cwhere}: quote is not verbatim in source {c.source!r}: {c.quote[:40]!r}")
        elif body[c.start : c.end] != c.quote:
            found = body.find(c.quote)
            problems.append(
                f"{cwhere}: offsets {c.start}..{c.end} do not match the quote (it is at {found}..{found + len(c.quote)})"
            )


def _check_numbers(where: str, citations: list[CitationIn], values: list[tuple[str, Any]], problems: list[str]) -> None:
    for field_name, value in values:
        if value is not None and not any(number_in_text(value, c.quote) for c in citations):
            problems.append(f"{where}: {field_name} {value} does not appear in any of its quotes")


def _check_place_cycles(places: list[PlaceIn], problems: list[str]) -> None:
    parent = {p.slug: p.parent for p in places}
    for slug in parent:
        seen, current = set(), slug
        while current is not None and current in parent:
            if current in seen:
                problems.append(f"places.yaml: entry {slug!r}: parent chain loops back to {current!r}")
                break
            seen.add(current)
            current = parent[current]
