"""Queries for places, and the compact place references other resources embed."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session

from app.api.collection import citations_for, text_of
from app.api.negotiation import Negotiated
from app.models import Place

SORTABLE = {"slug": Place.slug, "level": Place.level}
FACETABLE = {"level": Place.level}


def place_refs(session: Session, ids: Iterable[int | None], neg: Negotiated) -> dict[int, dict[str, Any]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Place).where(Place.id.in_(wanted))).scalars().all()
    return {p.id: {"slug": p.slug, "name": text_of(p, "name", neg)} for p in rows}


def places_query(*, level: list[str] | None, parent: list[str] | None) -> Select:
    stmt = select(Place)
    if level:
        stmt = stmt.where(Place.level.in_(level))
    if parent:
        parents = select(Place.id).where(Place.slug.in_(parent))
        stmt = stmt.where(Place.parent_id.in_(parents))
    return stmt


def serialize_places(session: Session, rows: list[Place], neg: Negotiated) -> list[dict[str, Any]]:
    cites = citations_for(session, "place_id", [r.id for r in rows])
    parents = place_refs(session, {r.parent_id for r in rows}, neg)
    return [
        {
            "slug": r.slug,
            "name": text_of(r, "name", neg),
            "level": r.level,
            "parent": parents.get(r.parent_id) if r.parent_id else None,
            "division_code": r.division_code,
            "aliases": [{lang: a[lang] for lang in neg.languages} for a in r.aliases],
            "description": text_of(r, "description", neg),
            "citations": cites.get(r.id, []),
            "url": f"/v1/places/{r.slug}",
        }
        for r in rows
    ]

