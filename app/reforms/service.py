"""Queries for reform measures (with metrics) and programmes."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from app.api.collection import citations_for, text_of
from app.api.negotiation import Negotiated
from app.models import MeasureMetric, Place, Programme, ReformMeasure
from app.places.service import place_refs

MEASURE_SORTABLE = {"slug": ReformMeasure.slug, "category": ReformMeasure.category, "kind": ReformMeasure.kind,
                    "id": ReformMeasure.id}
MEASURE_FACETABLE = {"category": ReformMeasure.category, "kind": ReformMeasure.kind}
PROGRAMME_SORTABLE = {"slug": Programme.slug, "kind": Programme.kind, "id": Programme.id}
PROGRAMME_FACETABLE = {"kind": Programme.kind}


def measures_query(*, category: list[str] | None, kind: list[str] | None, programme: list[str] | None,
                   place: list[str] | None, has_metrics: bool | None) -> Select:
    stmt = select(ReformMeasure)
    if category:
        stmt = stmt.where(ReformMeasure.category.in_(category))
    if kind:
        stmt = stmt.where(ReformMeasure.kind.in_(kind))
    if programme:
        stmt = stmt.where(ReformMeasure.programme_id.in_(select(Programme.id).where(Programme.slug.in_(programme))))
    if place:
        stmt = stmt.where(ReformMeasure.place_id.in_(select(Place.id).where(Place.slug.in_(place))))
    if has_metrics is not None:
        measured = ReformMeasure.id.in_(select(MeasureMetric.measure_id))
        stmt = stmt.where(measured if has_metrics else ~measured)
    return stmt


def _programme_refs(session: Session, ids: set[int | None], neg: Negotiated) -> dict[int, dict[str, Any]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Programme).where(Programme.id.in_(wanted))).scalars().all()
    return {p.id: {"slug": p.slug, "name": text_of(p, "name", neg)} for p in rows}


def serialize_measures(session: Session, rows: list[ReformMeasure], neg: Negotiated) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    cites = citations_for(session, "measure_id", ids)
    metrics = (session.execute(select(MeasureMetric).where(MeasureMetric.measure_id.in_(ids))
                               .order_by(MeasureMetric.measure_id, MeasureMetric.position)).scalars().all()
               if ids else [])
    metric_cites = citations_for(session, "metric_id", [m.id for m in metrics])
    by_measure: dict[int, list[dict[str, Any]]] = {}
    for m in metrics:
        by_measure.setdefault(m.measure_id, []).append({
            "slug": m.slug,
            "value": format(m.value, "f"),
            "unit": m.unit,
            "unit_zh": m.unit_zh,
            "unit_multiplier": m.unit_multiplier,
            "value_base": format(m.value_base, "f"),
            "comparator": m.comparator,
            "counted": text_of(m, "counted", neg),
            "citations": metric_cites.get(m.id, []),
        })
    places = place_refs(session, {r.place_id for r in rows}, neg)
    programmes = _programme_refs(session, {r.programme_id for r in rows}, neg)
    return [
        {
            "slug": r.slug,
            "name": text_of(r, "name", neg),
            "category": r.category,
            "kind": r.kind,
            "programme": programmes.get(r.programme_id) if r.programme_id else None,
            "place": places[r.place_id],
            "summary": text_of(r, "summary", neg),
            "metrics": by_measure.get(r.id, []),
            "citations": cites.get(r.id, []),
            "url": f"/v1/measures/{r.slug}",
        }
        for r in rows
    ]



def programmes_query(*, kind: list[str] | None, place: list[str] | None) -> Select:
    stmt = select(Programme)
    if kind:
        stmt = stmt.where(Programme.kind.in_(kind))
    if place:
        stmt = stmt.where(Programme.place_id.in_(select(Place.id).where(Place.slug.in_(place))))
    return stmt


def serialize_programmes(session: Session, rows: list[Programme], neg: Negotiated) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    cites = citations_for(session, "programme_id", ids)
    counts = dict(session.execute(
        select(ReformMeasure.programme_id, func.count()).where(ReformMeasure.programme_id.in_(ids))
        .group_by(ReformMeasure.programme_id)
    ).all()) if ids else {}
    places = place_refs(session, {r.place_id for r in rows}, neg)
    return [
        {
            "slug": r.slug,
            "name": text_of(r, "name", neg),
            "kind": r.kind,
            "place": places[r.place_id],
            "summary": text_of(r, "summary", neg),
            "measure_count": counts.get(r.id, 0),
            "citations": cites.get(r.id, []),
            "url": f"/v1/programmes/{r.slug}",
            "measures_url": f"/v1/measures?programme={r.slug}",
        }
        for r in rows
    ]

