"""The checks a proposal passes against the data as it is: the seed files' cross-checks, one fact at a time.

app.curation.entries has already run the kind's seed schema (types, bilingual twins, dates and periods that
agree, value_base = value × 10^multiplier). Here: the slug is free (create) or taken (update, deprecate),
every reference names an active fact, every quote is verbatim in its stored source at its offsets, every
number appears in one of its quotes, and a measure's metric slugs are its own. Each problem is a JSON
Pointer into the request and a sentence.
"""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.curation.entries import Pointers, pointer
from app.facts.kind import FactKind
from app.models import Source
from app.registry import BY_NAME, KINDS
from app.seed.numerals import number_in_text

Problem = dict[str, str]


def _active_keys(session: Session, kind: FactKind, keys: set[str]) -> set[str]:
    if not keys:
        return set()
    column = getattr(kind.model, kind.key)
    return set(session.execute(select(column).where(column.in_(keys), kind.model.status == "active")).scalars())


def check_entry(session: Session, kind: FactKind, entry: Any, pointers: Pointers) -> list[Problem]:
    """Problems of a schema-valid entry against the stored data."""
    problems: list[Problem] = []
    for field_name, target in kind.references:
        value = getattr(entry, field_name)
        if value is None:
            continue
        if target == kind.name and value == getattr(entry, kind.key):
            problems.append({"pointer": pointer(pointers, (field_name,)), "detail": "names the fact itself"})
        elif not _active_keys(session, BY_NAME[target], {value}):
            problems.append({"pointer": pointer(pointers, (field_name,)),
                             "detail": f"{value!r} names no active {BY_NAME[target].noun}"})
    problems += _check_citations(session, entry.citations, ("citations",), pointers)
    problems += _check_numbers(kind, entry, (), pointers)
    if kind.parts:
        part_kind = next(k for k in KINDS if k.part_of == kind.name)
        parts = getattr(entry, kind.parts)
        seen: set[str] = set()
        for i, part in enumerate(parts):
            where = (kind.parts, i)
            if part.slug in seen:
                problems.append({"pointer": pointer(pointers, (*where, "slug")), "detail": f"{part.slug!r} repeats"})
            seen.add(part.slug)
            problems += _check_citations(session, part.citations, (*where, "citations"), pointers)
            problems += _check_numbers(part_kind, part, where, pointers)
        taken = _parts_of_others(session, part_kind, kind, getattr(entry, kind.key), seen)
        for i, part in enumerate(parts):
            if part.slug in taken:
                problems.append({"pointer": pointer(pointers, (kind.parts, i, "slug")),
                                 "detail": f"{part.slug!r} is a {part_kind.noun} of another {kind.noun}"})
    return problems


def _parts_of_others(session: Session, part_kind: FactKind, kind: FactKind, key: str, slugs: set[str]) -> set[str]:
    if not slugs:
        return set()
    parent = kind.model
    part = part_kind.model
    rows = session.execute(select(getattr(part, part_kind.key)).join(parent, getattr(part, f"{kind.name}_id") == parent.id)
                           .where(getattr(part, part_kind.key).in_(slugs), getattr(parent, kind.key) != key))
    return set(rows.scalars())


def _check_citations(session: Session, citations: list, where: tuple, pointers: Pointers) -> list[Problem]:
    problems: list[Problem] = []
    slugs = {c.source for c in citations}
    bodies = dict(session.execute(select(Source.slug, Source.body)
                                  .where(Source.slug.in_(slugs), Source.status == "active")).all())
    for i, c in enumerate(citations):
        body = bodies.get(c.source)
        if body is None:
            problems.append({"pointer": pointer(pointers, (*where, i, "source")),
                             "detail": f"{c.source!r} names no active source (upload it with POST /v1/sources)"})
        elif c.quote not in body:
            problems.append({"pointer": pointer(pointers, (*where, i, "quote")),
                             "detail": f"is not verbatim in source {c.source!r}"})
        elif body[c.start : c.end] != c.quote:
            found = body.find(c.quote)
            problems.append({"pointer": pointer(pointers, (*where, i, "start")),
                             "detail": f"offsets {c.start}..{c.end} do not match the quote "
                                       f"(it is at {found}..{found + len(c.quote)})"})
    return problems


def _check_numbers(kind: FactKind, entry: Any, where: tuple, pointers: Pointers) -> list[Problem]:
    return [{"pointer": pointer(pointers, (*where, name)), "detail": f"{value} does not appear in any of its quotes"}
            for name in kind.numbers
            if (value := getattr(entry, name)) is not None
            and not any(number_in_text(value, c.quote) for c in entry.citations)]
