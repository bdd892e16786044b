"""Observations as API documents, and their search documents."""

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.facts.edtf import period_edtf
from app.facts.kind import Languages, item_url
from app.facts.text import citations_for, place_refs, text_of
from app.models import Indicator, Observation, Place


def _decimal(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def render_observations(session: Session, rows: list[Observation], languages: Languages) -> list[dict[str, Any]]:
    cites = citations_for(session, "observation_id", [r.id for r in rows])
    places = place_refs(session, {r.place_id for r in rows} | {r.reference_place_id for r in rows}, languages)
    indicator_ids = {r.indicator_id for r in rows}
    indicators = {
        i.id: {"code": i.code, "name": text_of(i, "name", languages)}
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
            "period_edtf": period_edtf(r.period),
            "value": _decimal(r.value),
            "unit": r.unit,
            "unit_zh": r.unit_zh,
            "unit_multiplier": r.unit_multiplier,
            "value_base": _decimal(r.value_base),
            "yoy_change_pct": _decimal(r.yoy_change_pct),
            "reference_place": places.get(r.reference_place_id) if r.reference_place_id else None,
            "comparison": text_of(r, "comparison", languages),
            "note": text_of(r, "note", languages),
            "citations": cites.get(r.id, []),
            "url": item_url("observations", r.slug),
        }
        for r in rows
    ]


def observation_title(document: dict[str, Any]) -> dict[str, str]:
    """An observation is shown as its indicator and period: “GDP 2020-H1”."""
    return {lang: f"{name} {document['period']}" for lang, name in document["indicator"]["name"].items()}


def search_summaries(session: Session, keys: Collection[str] | None = None) -> Iterator[tuple[str, str, int, str]]:
    """One line per language (place, period, indicator, value), indexed before the declared fields; of the
    observations `keys` names, or all."""
    statement = (select(Observation, Indicator, Place)
                 .join(Indicator, Observation.indicator_id == Indicator.id)
                 .join(Place, Observation.place_id == Place.id)
                 .order_by(Observation.id))
    if keys is not None:
        statement = statement.where(Observation.slug.in_(keys))
    rows = session.execute(statement).all()
    for obs, indicator, place in rows:
        value = format(obs.value, "f")
        yield obs.slug, "summary_zh", 4, f"{place.name_zh} {obs.period} {indicator.name_zh} {value}{obs.unit_zh or ''}"
        yield obs.slug, "summary_en", 4, f"{place.name_en} {obs.period} {indicator.name_en} {value} {obs.unit}"
