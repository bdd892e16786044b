"""Programmes as API documents."""

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from app.facts.kind import Languages, item_url, list_url
from app.facts.text import citations_for, place_refs, speaker_refs, text_of
from app.models import Measure, Programme


def render_programmes(session: Session, rows: list[Programme], languages: Languages) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    cites = citations_for(session, "programme_id", ids)
    counts = dict(session.execute(
        select(Measure.programme_id, func.count()).where(Measure.programme_id.in_(ids), Measure.status == "active")
        .group_by(Measure.programme_id)
    ).all()) if ids else {}
    places = place_refs(session, {r.place_id for r in rows}, languages)
    speakers = speaker_refs(session, {r.speaker_id for r in rows}, languages)
    return [
        {
            "slug": r.slug,
            "name": text_of(r, "name", languages),
            "kind": r.kind,
            "place": places[r.place_id],
            "summary": text_of(r, "summary", languages),
            "speaker": speakers.get(r.speaker_id) if r.speaker_id else None,
            "measure_count": counts.get(r.id, 0),
            "citations": cites.get(r.id, []),
            "url": item_url("programmes", r.slug),
            "measures_url": f"{list_url('measures')}?programme={r.slug}",
        }
        for r in rows
    ]
