"""Queries for timeline events."""

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session

from app.api.collection import citations_for, text_of
from app.api.negotiation import Negotiated
from app.models import Place, TimelineEvent
from app.places.service import place_refs

SORTABLE = {"date": TimelineEvent.date_start, "date_end": TimelineEvent.date_end, "slug": TimelineEvent.slug,
            "category": TimelineEvent.category}
FACETABLE = {"category": TimelineEvent.category, "date_precision": TimelineEvent.date_precision}


def events_query(*, place: list[str] | None, category: list[str] | None, precision: list[str] | None,
                 date_from: dt.date | None, date_to: dt.date | None) -> Select:
    stmt = select(TimelineEvent)
    if place:
        stmt = stmt.join(Place, Place.id == TimelineEvent.place_id).where(Place.slug.in_(place))
    if category:
        stmt = stmt.where(TimelineEvent.category.in_(category))
    if precision:
        stmt = stmt.where(TimelineEvent.date_precision.in_(precision))
    # Overlap: an event dated “2020-H1” is in a range that touches any day of that half-year.
    if date_from:
        stmt = stmt.where(TimelineEvent.date_end >= date_from)
    if date_to:
        stmt = stmt.where(TimelineEvent.date_start <= date_to)
    return stmt


def serialize_events(session: Session, rows: list[TimelineEvent], neg: Negotiated) -> list[dict[str, Any]]:
    cites = citations_for(session, "event_id", [r.id for r in rows])
    places = place_refs(session, {r.place_id for r in rows}, neg)
    return [
        {
            "slug": r.slug,
            "date": r.date,
            "date_precision": r.date_precision,
            "date_start": r.date_start.isoformat(),
            "date_end": r.date_end.isoformat(),
            "place": places[r.place_id],
            "category": r.category,
            "title": text_of(r, "title", neg),
            "description": text_of(r, "description", neg),
            "citations": cites.get(r.id, []),
            "url": f"/v1/events/{r.slug}",
        }
        for r in rows
    ]

