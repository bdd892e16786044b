"""Reads seed_data/ and checks it whole: every problem is reported with its file and entry."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.facts.entries import CitationIn
from app.facts.kind import FactKind
from app.registry import BY_NAME, CITED_KINDS, KINDS, SOURCE
from app.seed.fingerprint import seed_fingerprint
from app.seed.numerals import number_in_text
from app.seed.yamlio import read_yaml

# Seed files in load order (parents before children), each with its entry schema and key field.
SEED_FILES: dict[str, tuple[type[BaseModel], str]] = {
    kind.seed_file: (kind.seed_schema, kind.key) for kind in KINDS if kind.seed_file and kind.seed_schema
}
_KIND_OF_FILE = {kind.seed_file: kind for kind in KINDS if kind.seed_file}


class SeedError(Exception):
    """The seed files are not fit to load; `problems` says where and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in seed data")
        self.problems = problems


@dataclass
class SeedSet:
    """Validated seed data, ready to load."""

    entries: dict[str, list[Any]] = field(default_factory=dict)  # kind name → its entries, in file order
    bodies: dict[str, str] = field(default_factory=dict)  # source slug → body text
    reposts: dict[str, str | None] = field(default_factory=dict)
    # (kind name, key) → column values read from files beside the YAML (a source's body and re-post)
    texts: dict[tuple[str, str], dict[str, str | None]] = field(default_factory=dict)
    content_sha256: str = ""

    def of(self, kind: FactKind) -> list[Any]:
        """The entries of a kind; a part's (a metric's) are gathered from its parents' entries."""
        if kind.part_of is not None:
            parent = BY_NAME[kind.part_of]
            return [part for entry in self.of(parent) for part in getattr(entry, parent.parts or "")]
        return self.entries.get(kind.name, [])

    def counts(self) -> dict[str, int]:
        counts = {kind.plural: len(self.of(kind)) for kind in KINDS}
        counts["citations"] = sum(len(entry.citations) for kind in CITED_KINDS for entry in self.of(kind))
        return counts


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
        seed.entries[_KIND_OF_FILE[name].name] = _parse_entries(name, schema, key, raw, problems)
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
    for source in seed.of(SOURCE):
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
        seed.texts[(SOURCE.name, source.slug)] = {"body": body, "repost": repost}


def _cross_check(seed: SeedSet, problems: list[str]) -> None:
    keys = {kind.name: {getattr(entry, kind.key) for entry in seed.of(kind)} for kind in KINDS}
    part_slugs: set[str] = set()  # a part's slug is unique across all its parents

    for kind in KINDS:
        if not kind.seed_file:
            continue
        for i, entry in enumerate(seed.of(kind)):
            where = f"{kind.seed_file}: entry {getattr(entry, kind.key)!r} (#{i + 1})"
            for field_name, target in kind.references:
                value = getattr(entry, field_name)
                if value is not None and value not in keys[target]:
                    problems.append(f"{where}: {field_name} {value!r} points to no {target}")
            if kind.numbers:
                _check_numbers(where, entry.citations, [(n, getattr(entry, n)) for n in kind.numbers], problems)
            if kind.parts:
                _check_parts(where, kind, entry, part_slugs, problems)
        if any(target == kind.name for _, target in kind.references):
            _check_cycles(kind, seed.of(kind), problems)
        if kind.ranks is not None:
            _check_ranks(kind, seed.of(kind), problems)
    for name, where, citations in _all_citations(seed):
        _check_citations(name, where, citations, seed.bodies, problems)


def _check_parts(where: str, kind: FactKind, entry: Any, seen: set[str], problems: list[str]) -> None:
    """A measure's metrics: slugs unique across every measure, numbers in their quotes."""
    part_kind = next(k for k in KINDS if k.part_of == kind.name)
    for j, part in enumerate(getattr(entry, kind.parts or "")):
        pwhere = f"{where}: {kind.parts}[{j}] {part.slug!r}"
        if part.slug in seen:
            problems.append(f"{pwhere}: slug {part.slug!r} repeats")
        seen.add(part.slug)
        _check_numbers(pwhere, part.citations, [(n, getattr(part, n)) for n in part_kind.numbers], problems)


def _all_citations(seed: SeedSet) -> Iterable[tuple[str, str, list[CitationIn]]]:
    for kind in CITED_KINDS:
        if not kind.seed_file:
            continue
        for i, entry in enumerate(seed.of(kind)):
            where = f"{kind.seed_file}: entry {getattr(entry, kind.key)!r} (#{i + 1})"
            yield kind.seed_file, where, entry.citations
            for j, part in enumerate(getattr(entry, kind.parts) if kind.parts else []):
                yield kind.seed_file, f"{where}: {kind.parts}[{j}] {part.slug!r}", part.citations


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


def _check_ranks(kind: FactKind, entries: list[Any], problems: list[str]) -> None:
    """Facts of one identity (app.facts.ranks) have at most one curator-preferred fact; an event is `same_as`
    the first recorded of its group, which is itself same_as nothing (one name for the group)."""
    assert kind.ranks is not None
    preferred: dict[tuple, list[str]] = {}
    for entry in entries:
        if entry.rank is not None and entry.rank.value == "preferred":
            preferred.setdefault(kind.ranks.entry_identity(entry), []).append(getattr(entry, kind.key))
    for keys in preferred.values():
        if len(keys) > 1:
            problems.append(f"{kind.seed_file}: entries {', '.join(map(repr, keys))} are all rank 'preferred' for "
                            f"the same {kind.ranks.what}: prefer one, rank the others normal or deprecated")
    same_as = {getattr(e, kind.key): getattr(e, "same_as", None) for e in entries}
    for key, target in same_as.items():
        if target is not None and same_as.get(target) is not None:
            problems.append(f"{kind.seed_file}: entry {key!r}: same_as {target!r} is itself same_as "
                            f"{same_as[target]!r}: name the first recorded event")


def _check_cycles(kind: FactKind, entries: list[Any], problems: list[str]) -> None:
    """A kind that refers to its own kind (a place's parent) must not loop."""
    field_name = next(f for f, target in kind.references if target == kind.name)
    parent = {getattr(e, kind.key): getattr(e, field_name) for e in entries}
    for key in parent:
        seen, current = set(), key
        while current is not None and current in parent:
            if current in seen:
                problems.append(f"{kind.seed_file}: entry {key!r}: {field_name} chain loops back to {current!r}")
                break
            seen.add(current)
            current = parent[current]
