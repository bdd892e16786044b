"""Places as API documents."""

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.facts.kind import Languages, item_url
from app.facts.text import citations_for, place_refs, text_of
from app.models import Place


def render_places(session: Session, rows: list[Place], languages: Languages) -> list[dict[str, Any]]:
    cites = citations_for(session, "place_id", [r.id for r in rows])
    parents = place_refs(session, {r.parent_id for r in rows}, languages)
    return [
        {
            "slug": r.slug,
            "name": text_of(r, "name", languages),
            "level": r.level,
            "parent": parents.get(r.parent_id) if r.parent_id else None,
            "division_code": r.division_code,
            "aliases": [{lang: a[lang] for lang in languages} for a in r.aliases],
            "description": text_of(r, "description", languages),
            "citations": cites.get(r.id, []),
            "url": item_url("places", r.slug),
        }
        for r in rows
    ]


def search_aliases(session: Session, keys: Collection[str] | None = None) -> Iterator[tuple[str, str, int, str]]:
    """Each place's other names (of the places `keys` names, or all), indexed after its fields and quotes (weight 4)."""
    rows = select(Place.slug, Place.aliases).order_by(Place.id)
    for slug, aliases in session.execute(rows if keys is None else rows.where(Place.slug.in_(keys))):
        for alias in aliases:
            yield slug, "alias_zh", 4, alias["zh"]
            yield slug, "alias_en", 4, alias["en"]
