"""Helpers the renderers of every kind share: bilingual text, citations, and the references documents embed."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.facts.kind import Languages, item_url
from app.models import Citation, Person, Place, Source


def text_of(row: Any, stem: str, languages: Languages) -> dict[str, str | None]:
    """{"zh": row.<stem>_zh, "en": row.<stem>_en}, in the languages asked for."""
    return {lang: getattr(row, f"{stem}_{lang}") for lang in languages}


def citations_for(session: Session, column: str, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Citations of many facts of one kind, in one query, grouped by fact id."""
    if not ids:
        return {}
    fact = getattr(Citation, column)
    rows = session.execute(
        select(fact, Source.slug, Citation.quote, Citation.start_offset, Citation.end_offset)
        .join(Source, Source.id == Citation.source_id)
        .where(fact.in_(ids))
        .order_by(fact, Citation.position)
    ).all()
    grouped: dict[int, list[dict[str, Any]]] = {}
    for fact_id, slug, quote, start, end in rows:
        grouped.setdefault(fact_id, []).append(
            {"source": slug, "source_url": item_url("sources", slug), "quote": quote, "start": start, "end": end}
        )
    return grouped


def place_refs(session: Session, ids: Iterable[int | None], languages: Languages) -> dict[int, dict[str, Any]]:
    """The compact {slug, name} reference of each place, as events, measures and observations embed it."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Place).where(Place.id.in_(wanted))).scalars().all()
    return {p.id: {"slug": p.slug, "name": text_of(p, "name", languages)} for p in rows}


def speaker_refs(session: Session, ids: Iterable[int | None], languages: Languages) -> dict[int, dict[str, Any]]:
    """The compact {slug, name, url} reference of each person a statement quotes."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Person).where(Person.id.in_(wanted))).scalars().all()
    return {p.id: {"slug": p.slug, "name": text_of(p, "name", languages), "url": item_url("people", p.slug)}
            for p in rows}
