"""Events as API documents (rendered when they are written; see app.facts.documents)."""

from typing import Any

from sqlmodel import Session

from app.facts.kind import Languages, item_url
from app.facts.text import citations_for, place_refs, speaker_refs, text_of
from app.models import Event


def render_events(session: Session, rows: list[Event], languages: Languages) -> list[dict[str, Any]]:
    cites = citations_for(session, "event_id", [r.id for r in rows])
    places = place_refs(session, {r.place_id for r in rows}, languages)
    speakers = speaker_refs(session, {r.speaker_id for r in rows}, languages)
    return [
        {
            "slug": r.slug,
            "date": r.date,
            "date_precision": r.date_precision,
            "date_start": r.date_start.isoformat(),
            "date_end": r.date_end.isoformat(),
            "date_start_assumed": r.date_start_assumed,
            "date_edtf": r.date_edtf,
            "place": places[r.place_id],
            "category": r.category,
            "title": text_of(r, "title", languages),
            "description": text_of(r, "description", languages),
            "speaker": speakers.get(r.speaker_id) if r.speaker_id else None,
            "citations": cites.get(r.id, []),
            "url": item_url("events", r.slug),
        }
        for r in rows
    ]
