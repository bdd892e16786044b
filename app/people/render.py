"""People as API documents."""

from typing import Any

from sqlmodel import Session

from app.facts.kind import Languages, item_url, list_url
from app.facts.text import citations_for, text_of
from app.models import Person


def render_people(session: Session, rows: list[Person], languages: Languages) -> list[dict[str, Any]]:
    cites = citations_for(session, "person_id", [r.id for r in rows])
    return [
        {
            "slug": r.slug,
            "name": text_of(r, "name", languages),
            "role": text_of(r, "role", languages),
            "citations": cites.get(r.id, []),
            "url": item_url("people", r.slug),
            # What the source quotes them saying, by kind of statement.
            "statements_urls": {plural: f"{list_url(plural)}?speaker={r.slug}"
                                for plural in ("events", "programmes", "measures")},
        }
        for r in rows
    ]
