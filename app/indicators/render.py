"""Indicators as API documents."""

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from app.facts.kind import Languages, item_url
from app.facts.text import citations_for, text_of
from app.models import Indicator, Observation


def render_indicators(session: Session, rows: list[Indicator], languages: Languages) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    cites = citations_for(session, "indicator_id", ids)
    counts = dict(session.execute(
        select(Observation.indicator_id, func.count()).where(Observation.indicator_id.in_(ids), Observation.status == "active")
        .group_by(Observation.indicator_id)
    ).all()) if ids else {}
    return [
        {
            "code": r.code,
            "name": text_of(r, "name", languages),
            "unit": r.unit,
            "definition": text_of(r, "definition", languages),
            "observation_count": counts.get(r.id, 0),
            "citations": cites.get(r.id, []),
            "url": item_url("indicators", r.code),
            "observations_url": item_url("indicators", r.code) + "/observations",
        }
        for r in rows
    ]
