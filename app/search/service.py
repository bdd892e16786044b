"""Ranked search over the index built by app.search.index, identical on SQLite and PostgreSQL."""

import html
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, Connection, Select, case, func, select, union

from app.api.negotiation import Negotiated
from app.models import FactDocument, SearchDocument, SearchTerm
from app.registry import BY_NAME, SEARCHED_KINDS
from app.search.terms import QueryUnit, normalize, unit_matches

# Core tables, not the ORM classes: these statements are built on every search, and ORM-enabled ones cost more.
TERM = SearchTerm.__table__
DOCUMENT = SearchDocument.__table__
TYPE_ORDER = tuple(kind.name for kind in SEARCHED_KINDS)  # among equal scores
SNIPPET_RADIUS = 24
PHRASE_BONUS = 2


@dataclass
class _Fact:
    type: str
    slug: str
    best: dict[QueryUnit, tuple[int, str, str, int]] = field(default_factory=dict)  # weight, field, text, pos
    phrase: bool = False

    @property
    def score(self) -> int:
        return sum(w for w, _, _, _ in self.best.values()) + (PHRASE_BONUS if self.phrase else 0)


def _term_condition(unit: QueryUnit) -> Any:
    if unit.prefix:
        term = unit.terms[0]
        # A btree range instead of LIKE: the same plan and, with bytewise term order (see SearchTerm),
        # the same answer on every backend.
        upper = term[:-1] + chr(ord(term[-1]) + 1)
        return (TERM.c.term >= term) & (TERM.c.term < upper)
    return TERM.c.term.in_(unit.terms)


def _candidate_ids(units: list[QueryUnit]) -> Select | CompoundSelect:
    """Ids of the documents holding any unit's terms, as a subquery (a common word has thousands)."""
    selects: list[Select] = []
    for unit in units:
        if unit.prefix:
            selects.append(select(TERM.c.document_id).where(_term_condition(unit)))
        else:
            selects.append(select(TERM.c.document_id).where(_term_condition(unit))
                           .group_by(TERM.c.document_id).having(func.count() == len(unit.terms)))
    return selects[0] if len(selects) == 1 else union(*selects)


def search_page(connection: Connection, query: str, units: list[QueryUnit], types: list[str] | None,
                offset: int, limit: int) -> tuple[int, list[_Fact]]:
    """The total number of matching facts and one page of them, best first."""
    if len(units) == 1 and units[0].exact:
        return _single_unit_page(connection, units[0], types, offset, limit)
    ranked = search(connection, query, units, types)
    return len(ranked), ranked[offset : offset + limit]


def _single_unit_page(connection: Connection, unit: QueryUnit, types: list[str] | None, offset: int,
                      limit: int) -> tuple[int, list[_Fact]]:
    """When the index alone decides every match, rank in SQL and read only the page's documents.

    A fact's score is then its best field weight, as in search(); a common word can match thousands of
    facts, and verifying each in Python is what made such searches slow on a national dataset.
    """
    facts = (select(TERM.c.doc_type, TERM.c.doc_slug, func.max(TERM.c.weight).label("score"))
             .where(_term_condition(unit)).group_by(TERM.c.doc_type, TERM.c.doc_slug))
    if types:
        facts = facts.where(TERM.c.doc_type.in_(types))
    ranked = facts.subquery()
    type_order = case({t: i for i, t in enumerate(TYPE_ORDER)}, value=ranked.c.doc_type)
    # The total rides along with the page (one aggregation, not two).
    page = connection.execute(select(ranked.c.doc_type, ranked.c.doc_slug, func.count().over().label("total"))
                           .order_by(ranked.c.score.desc(), type_order, ranked.c.doc_slug)
                           .offset(offset).limit(limit)).all()
    if not page:
        return connection.execute(select(func.count()).select_from(ranked)).scalar_one(), []
    # Every document of the page's facts: _collect finds the matching ones again (exactly the indexed ones).
    # Selected by types and by slugs (two list parameters: the index's two columns), then by (type, slug) here:
    # a row-value IN of twenty pairs cost more to build than the query took to run.
    wanted = {(t, s) for t, s, _ in page}
    docs = (select(DOCUMENT.c.doc_type, DOCUMENT.c.doc_slug, DOCUMENT.c.field, DOCUMENT.c.weight,
                   DOCUMENT.c.text)
            .where(DOCUMENT.c.doc_type.in_({t for t, _ in wanted}), DOCUMENT.c.doc_slug.in_({s for _, s in wanted}))
            .order_by(DOCUMENT.c.id))
    collected = _collect((d for d in connection.execute(docs) if (d.doc_type, d.doc_slug) in wanted), [unit], phrase="")
    return page[0].total, [collected[(t, s)] for t, s, _ in page]


def search(connection: Connection, query: str, units: list[QueryUnit], types: list[str] | None) -> list[_Fact]:
    """Every fact matching all units, ranked, each match confirmed in its text."""
    # Plain columns, not ORM objects, in id order (ties between equal weights go to the first document).
    stmt = (select(DOCUMENT.c.doc_type, DOCUMENT.c.doc_slug, DOCUMENT.c.field, DOCUMENT.c.weight,
                   DOCUMENT.c.text)
            .where(DOCUMENT.c.id.in_(_candidate_ids(units))).order_by(DOCUMENT.c.id))
    if types:
        stmt = stmt.where(DOCUMENT.c.doc_type.in_(types))
    facts = _collect(connection.execute(stmt), units, phrase=normalize(query).strip())
    matched = [f for f in facts.values() if len(f.best) == len(units)]
    matched.sort(key=lambda f: (-f.score, TYPE_ORDER.index(f.type), f.slug))
    return matched


def _collect(docs: Any, units: list[QueryUnit], phrase: str) -> dict[tuple[str, str], _Fact]:
    """Group documents by fact, keeping each unit's best-weighted match (the first, on equal weights)."""
    facts: dict[tuple[str, str], _Fact] = {}
    for doc in docs:
        text = normalize(doc.text)
        fact = facts.setdefault((doc.doc_type, doc.doc_slug), _Fact(doc.doc_type, doc.doc_slug))
        for unit in units:
            position = unit_matches(unit, text)
            if position >= 0:
                current = fact.best.get(unit)
                if current is None or doc.weight > current[0]:
                    fact.best[unit] = (doc.weight, doc.field, doc.text, position)
        if len(units) > 1 and phrase in text:
            fact.phrase = True
    return facts


def snippet(fact: _Fact, units: list[QueryUnit]) -> tuple[str, str]:
    """The best-weighted field's text around the match, every query unit in it marked."""
    weight, field_name, text, position = max(fact.best.values(), key=lambda b: (b[0], -b[3]))
    normalized = normalize(text)
    if len(normalized) != len(text):
        text = normalized  # offsets come from the normalized text; keep them aligned
    start = max(0, position - SNIPPET_RADIUS)
    end = min(len(text), position + SNIPPET_RADIUS * 2)
    window, lowered = text[start:end], normalized[start:end]
    spans: list[tuple[int, int]] = []
    for unit in units:
        i = lowered.find(unit.text)
        while i >= 0:
            spans.append((i, i + len(unit.text)))
            i = lowered.find(unit.text, i + 1)
    out, cursor = [], 0
    for s, e in sorted(_merge(spans)):
        out += [html.escape(window[cursor:s]), "<mark>", html.escape(window[s:e]), "</mark>"]
        cursor = e
    out.append(html.escape(window[cursor:]))
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return field_name, prefix + "".join(out) + suffix


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def titles(connection: Connection, facts: list[_Fact], neg: Negotiated) -> dict[tuple[str, str], dict[str, Any]]:
    """Each hit's display title, as its kind declared it (stored with its documents)."""
    if not facts:
        return {}
    documents = FactDocument.__table__
    wanted = {(f.type, f.slug) for f in facts}
    rows = connection.execute(
        select(documents.c.kind, documents.c.key, documents.c.title_zh, documents.c.title_en)
        .where(documents.c.kind.in_({kind for kind, _ in wanted}), documents.c.key.in_({slug for _, slug in wanted}))
    ).all()
    return {(kind, key): {lang: {"zh": zh, "en": en}[lang] for lang in neg.languages}
            for kind, key, zh, en in rows if (kind, key) in wanted}


def serialize_hits(connection: Connection, facts: list[_Fact], units: list[QueryUnit],
                   neg: Negotiated) -> list[dict[str, Any]]:
    names = titles(connection, facts, neg)
    hits = []
    for f in facts:
        field_name, text = snippet(f, units)
        hits.append({"type": f.type, "slug": f.slug, "url": BY_NAME[f.type].url(f.slug),
                     "title": names.get((f.type, f.slug), {}), "field": field_name, "snippet": text,
                     "score": f.score})
    return hits


