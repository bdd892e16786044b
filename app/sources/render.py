"""Sources as API documents."""

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from app.facts.kind import Languages, item_url
from app.facts.text import text_of
from app.models import Citation, Source


def render_sources(session: Session, rows: list[Source], languages: Languages) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    counts = dict(session.execute(
        select(Citation.source_id, func.count()).where(Citation.source_id.in_(ids)).group_by(Citation.source_id)
    ).all()) if ids else {}
    return [
        {
            "slug": r.slug,
            "title": text_of(r, "title", languages),
            "subtitle": text_of(r, "subtitle", languages),
            "publisher": text_of(r, "publisher", languages),
            "author": text_of(r, "author", languages),
            "published_on": r.published_on.isoformat(),
            "language": r.language,
            "url": r.url,
            "licence": text_of(r, "licence", languages),
            "body_sha256": r.body_sha256,
            "body_length": len(r.body),
            "citation_count": counts.get(r.id, 0),
            "url_body": item_url("sources", r.slug) + "/body",
            "url_citations": item_url("sources", r.slug) + "/citations",
            "url_self": item_url("sources", r.slug),
        }
        for r in rows
    ]
