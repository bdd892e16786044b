"""A source's citations, each with the fact it supports (any kind in the registry)."""

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session

from app.models import Citation, cited_fact
from app.registry import CITED_KINDS

CITATION = Citation.__table__
CITATION_SORTABLE = {"start": CITATION.c.start_offset, "end": CITATION.c.end_offset}
FACT_TYPES = tuple(kind.name for kind in CITED_KINDS)


def citations_query(source_id: int, fact_types: list[str] | None) -> Select:
    stmt = select(CITATION).where(CITATION.c.source_id == source_id)
    if fact_types:
        # Exactly one fact column is set (a check constraint): the others being null selects these types.
        stmt = stmt.where(*[CITATION.c[kind.cited_by].is_(None) for kind in CITED_KINDS if kind.name not in fact_types])
    return stmt


def fact_refs(session: Session, rows: list[Any]) -> list[dict[str, Any]]:
    refs: dict[tuple[str, int], dict[str, str]] = {}
    for kind in CITED_KINDS:
        column = kind.cited_by
        wanted = {getattr(c, column) for c in rows if getattr(c, column) is not None}
        if not wanted:
            continue
        table = kind.table
        keys = dict(session.execute(select(table.c.id, table.c[kind.key]).where(table.c.id.in_(wanted))).all())
        urls = kind.url_of_part(session, wanted) if kind.url_of_part else {i: kind.url(k) for i, k in keys.items()}
        for fact_id, key in keys.items():
            refs[(column, fact_id)] = {"type": kind.name, "slug": key, "url": urls[fact_id]}
    return [{"quote": c.quote, "start": c.start_offset, "end": c.end_offset, "fact": refs[cited_fact(c)]} for c in rows]

