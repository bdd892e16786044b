"""Queries for sources and for what each source supports."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from app.api.collection import text_of
from app.api.negotiation import Negotiated
from app.models import (
    Citation,
    Indicator,
    MeasureMetric,
    Observation,
    Place,
    Programme,
    ReformMeasure,
    Source,
    TimelineEvent,
    cited_fact,
)

SOURCE_SORTABLE = {"slug": Source.slug, "published_on": Source.published_on}
CITATION_SORTABLE = {"start": Citation.start_offset, "end": Citation.end_offset}

# citation column → (fact type, model, key attribute, URL of the fact)
FACT_KINDS = {
    "place_id": ("place", Place, "slug", "/v1/places/{}"),
    "event_id": ("event", TimelineEvent, "slug", "/v1/events/{}"),
    "indicator_id": ("indicator", Indicator, "code", "/v1/indicators/{}"),
    "observation_id": ("observation", Observation, "slug", "/v1/observations/{}"),
    "programme_id": ("programme", Programme, "slug", "/v1/programmes/{}"),
    "measure_id": ("measure", ReformMeasure, "slug", "/v1/measures/{}"),
}


def sources_query() -> Select:
    return select(Source)


def serialize_sources(session: Session, rows: list[Source], neg: Negotiated) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    counts = dict(session.execute(
        select(Citation.source_id, func.count()).where(Citation.source_id.in_(ids)).group_by(Citation.source_id)
    ).all()) if ids else {}
    return [
        {
            "slug": r.slug,
            "title": text_of(r, "title", neg),
            "subtitle": text_of(r, "subtitle", neg),
            "publisher": text_of(r, "publisher", neg),
            "author": text_of(r, "author", neg),
            "published_on": r.published_on.isoformat(),
            "language": r.language,
            "url": r.url,
            "licence": text_of(r, "licence", neg),
            "body_sha256": r.body_sha256,
            "body_length": len(r.body),
            "citation_count": counts.get(r.id, 0),
            "url_body": f"/v1/sources/{r.slug}/body",
            "url_citations": f"/v1/sources/{r.slug}/citations",
            "url_self": f"/v1/sources/{r.slug}",
        }
        for r in rows
    ]


def citations_query(source_id: int, fact_type: list[str] | None) -> Select:
    stmt = select(Citation).where(Citation.source_id == source_id)
    if fact_type:
        columns = [column for column, kind in _types().items() if kind in fact_type]
        stmt = stmt.where(*[getattr(Citation, c).is_(None) for c in _types() if c not in columns])
    return stmt


def _types() -> dict[str, str]:
    return {**{column: kind[0] for column, kind in FACT_KINDS.items()}, "metric_id": "metric"}


def serialize_source_citations(session: Session, rows: list[Citation], neg: Negotiated) -> list[dict[str, Any]]:
    refs: dict[tuple[str, int], dict[str, str]] = {}
    for column, (kind, model, key, url) in FACT_KINDS.items():
        wanted = {getattr(c, column) for c in rows if getattr(c, column) is not None}
        if wanted:
            for fact_id, slug in session.execute(select(model.id, getattr(model, key)).where(model.id.in_(wanted))):
                refs[(column, fact_id)] = {"type": kind, "slug": slug, "url": url.format(slug)}
    metric_ids = {c.metric_id for c in rows if c.metric_id is not None}
    if metric_ids:
        for metric_id, slug, measure_slug in session.execute(
            select(MeasureMetric.id, MeasureMetric.slug, ReformMeasure.slug)
            .join(ReformMeasure, ReformMeasure.id == MeasureMetric.measure_id)
            .where(MeasureMetric.id.in_(metric_ids))
        ):
            refs[("metric_id", metric_id)] = {"type": "metric", "slug": slug, "url": f"/v1/measures/{measure_slug}"}
    return [{"quote": c.quote, "start": c.start_offset, "end": c.end_offset, "fact": refs[cited_fact(c)]}
            for c in rows]
