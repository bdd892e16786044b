"""Measures, with their metrics, as API documents; and the search documents of their metrics."""

from collections.abc import Collection, Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.facts.kind import Languages, item_url
from app.facts.text import citations_for, place_refs, speaker_refs, text_of
from app.models import Measure, Metric, Programme


def render_measures(session: Session, rows: list[Measure], languages: Languages) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    cites = citations_for(session, "measure_id", ids)
    metrics = (session.execute(select(Metric).where(Metric.measure_id.in_(ids), Metric.status == "active")
                               .order_by(Metric.measure_id, Metric.position)).scalars().all()
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
            "target": m.target,
            "counted": text_of(m, "counted", languages),
            "citations": metric_cites.get(m.id, []),
        })
    places = place_refs(session, {r.place_id for r in rows}, languages)
    speakers = speaker_refs(session, {r.speaker_id for r in rows}, languages)
    programmes = _programme_refs(session, {r.programme_id for r in rows}, languages)
    return [
        {
            "slug": r.slug,
            "name": text_of(r, "name", languages),
            "category": r.category,
            "kind": r.kind,
            "programme": programmes.get(r.programme_id) if r.programme_id else None,
            "place": places[r.place_id],
            "summary": text_of(r, "summary", languages),
            "speaker": speakers.get(r.speaker_id) if r.speaker_id else None,
            "metrics": by_measure.get(r.id, []),
            "citations": cites.get(r.id, []),
            "url": item_url("measures", r.slug),
        }
        for r in rows
    ]


def _programme_refs(session: Session, ids: set[int | None], languages: Languages) -> dict[int, dict[str, Any]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Programme).where(Programme.id.in_(wanted))).scalars().all()
    return {p.id: {"slug": p.slug, "name": text_of(p, "name", languages)} for p in rows}


def search_metrics(session: Session, keys: Collection[str] | None = None) -> Iterator[tuple[str, str, int, str]]:
    """Each metric as a line of its measure (value, unit, what is counted), after the measure's own fields; of
    the measures `keys` names, or all."""
    statement = (select(Metric, Measure.slug).join(Measure, Metric.measure_id == Measure.id)
                 .where(Metric.status == "active").order_by(Metric.id))
    if keys is not None:
        statement = statement.where(Measure.slug.in_(keys))
    rows = session.execute(statement).all()
    for metric, measure_slug in rows:
        value = format(metric.value, "f")
        yield measure_slug, "metric_zh", 3, f"{value}{metric.unit_zh or ''} {metric.counted_zh}"
        yield measure_slug, "metric_en", 3, f"{value} {metric.unit} {metric.counted_en}"


def metric_urls(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """A metric has no URL of its own: it is shown in its measure's document."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Metric.id, Measure.slug).join(Measure, Measure.id == Metric.measure_id)
                           .where(Metric.id.in_(wanted))).all()
    return {metric_id: item_url("measures", slug) for metric_id, slug in rows}
