"""Queries for indicators and observations."""

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session

from app.api.collection import citations_for, text_of
from app.api.negotiation import Negotiated
from app.models import Indicator, Observation, Place
from app.places.service import place_refs

INDICATOR_SORTABLE = {"code": Indicator.code, "unit": Indicator.unit}
INDICATOR_FACETABLE = {"unit": Indicator.unit}
OBSERVATION_SORTABLE = {"period": Observation.period_start, "period_end": Observation.period_end,
                        "slug": Observation.slug}
OBSERVATION_FACETABLE = {"period": Observation.period, "unit": Observation.unit}


def indicators_query(*, unit: list[str] | None) -> Select:
    stmt = select(Indicator)
    if unit:
        stmt = stmt.where(Indicator.unit.in_(unit))
    return stmt


def serialize_indicators(session: Session, rows: list[Indicator], neg: Negotiated) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    cites = citations_for(session, "indicator_id", ids)
    counts = dict(session.execute(
        select(Observation.indicator_id, func.count()).where(Observation.indicator_id.in_(ids))
        .group_by(Observation.indicator_id)
    ).all()) if ids else {}
    return [
        {
            "code": r.code,
            "name": text_of(r, "name", neg),
            "unit": r.unit,
            "definition": text_of(r, "definition", neg),
            "observation_count": counts.get(r.id, 0),
            "citations": cites.get(r.id, []),
            "url": f"/v1/indicators/{r.code}",
            "observations_url": f"/v1/indicators/{r.code}/observations",
        }
        for r in rows
    ]



def observations_query(*, indicator: list[str] | None, place: list[str] | None, period: list[str] | None,
                       period_from: dt.date | None, period_to: dt.date | None) -> Select:
    stmt = select(Observation)
    if indicator:
        codes = select(Indicator.id).where(Indicator.code.in_(indicator))
        stmt = stmt.where(_refers_to(Observation.indicator_id, codes, len(indicator)))
    if place:
        slugs = select(Place.id).where(Place.slug.in_(place))
        stmt = stmt.where(_refers_to(Observation.place_id, slugs, len(place)))
    if period:
        stmt = stmt.where(Observation.period.in_(period))
    # Overlap, as for events: a half-year is found by a range touching any of its days.
    if period_from:
        stmt = stmt.where(Observation.period_end >= period_from)
    if period_to:
        stmt = stmt.where(Observation.period_start <= period_to)
    return stmt


def _refers_to(column: ColumnElement, ids: Select, values: int) -> ColumnElement:
    """`column` is one of the ids. For one code or slug (the usual case) an equality with a one-row
    subquery: PostgreSQL resolves it first and can then read the page in index order."""
    return column == ids.scalar_subquery() if values == 1 else column.in_(ids)


def _decimal(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def serialize_observations(session: Session, rows: list[Observation], neg: Negotiated) -> list[dict[str, Any]]:
    cites = citations_for(session, "observation_id", [r.id for r in rows])
    places = place_refs(session, {r.place_id for r in rows} | {r.reference_place_id for r in rows}, neg)
    indicator_ids = {r.indicator_id for r in rows}
    indicators = {
        i.id: {"code": i.code, "name": text_of(i, "name", neg)}
        for i in (session.execute(select(Indicator).where(Indicator.id.in_(indicator_ids))).scalars().all()
                  if indicator_ids else [])
    }
    return [
        {
            "slug": r.slug,
            "indicator": indicators[r.indicator_id],
            "place": places[r.place_id],
            "period": r.period,
            "period_start": r.period_start.isoformat(),
            "period_end": r.period_end.isoformat(),
            "value": _decimal(r.value),
            "unit": r.unit,
            "unit_zh": r.unit_zh,
            "unit_multiplier": r.unit_multiplier,
            "value_base": _decimal(r.value_base),
            "yoy_change_pct": _decimal(r.yoy_change_pct),
            "reference_place": places.get(r.reference_place_id) if r.reference_place_id else None,
            "comparison": text_of(r, "comparison", neg),
            "note": text_of(r, "note", neg),
            "citations": cites.get(r.id, []),
            "url": f"/v1/observations/{r.slug}",
        }
        for r in rows
    ]

