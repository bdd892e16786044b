"""Ranked search over the index built by app.search.index, identical on SQLite and PostgreSQL."""

import html
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Integer,
    Select,
    bindparam,
    case,
    func,
    literal_column,
    select,
    union,
)

from app.api.negotiation import Negotiated
from app.models import FactDocument, SearchDocument, SearchTerm
from app.registry import BY_NAME, SEARCHED_KINDS
from app.search.terms import QueryUnit, normalize, unit_matches

# Core tables, not the ORM classes: these statements are built on every search, and ORM-enabled ones cost more.
TERM = SearchTerm.__table__
DOCUMENT = SearchDocument.__table__
FACT_DOCUMENT = FactDocument.__table__
TYPE_ORDER = tuple(kind.name for kind in SEARCHED_KINDS)  # among equal scores
if not all(name.isidentifier() for name in TYPE_ORDER):  # they are written into SQL as literals
    raise ValueError(f"kind names must be identifiers: {TYPE_ORDER}")
SNIPPET_RADIUS = 24
PHRASE_BONUS = 2


@dataclass
class _Fact:
    type: str
    slug: str
    best: dict[QueryUnit, tuple[int, str, str, int]] = field(default_factory=dict)  # weight, field, text, pos
    phrase: bool = False
    titles: tuple[str, str] | None = None  # (zh, en) when read with the page

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
    if unit.prefix:
        term = unit.terms[0]
        # A btree range instead of LIKE: the same plan and, with bytewise term order (see SearchTerm),
        # the same answer on every backend.
        bounds = {"low": term, "high": term[:-1] + chr(ord(term[-1]) + 1)}
    else:
        bounds = {"term": unit.terms[0]}  # one character or one bigram
    parameters = {**bounds, "offset": offset, "limit": limit, **({"types": types} if types else {})}
    # (a Session, as the ranking tests pass, names its dialect through its bind)
    dialect = connection.dialect if isinstance(connection, Connection) else connection.get_bind().dialect
    page, count = _single_unit_statements(unit.prefix, bool(types), dialect.name == "postgresql")
    rows = connection.execute(page, parameters).all()
    if not rows:
        return connection.execute(count, parameters).scalar_one(), []
    hits: dict[tuple[str, str], tuple[str, str]] = {}  # in rank order: (type, slug) → titles
    for doc_type, doc_slug, _, _, _, _, title_zh, title_en in rows:
        hits.setdefault((doc_type, doc_slug), (title_zh, title_en))
    collected = _collect(((r[0], r[1], r[3], r[4], r[5]) for r in rows), [unit], phrase="")
    facts = [collected[key] for key in hits]
    for fact in facts:
        fact.titles = hits[(fact.type, fact.slug)]
    return rows[0][2], facts


@cache
def _single_unit_statements(prefix: bool, typed: bool, postgresql: bool) -> tuple[Select, Select]:
    """The page of one exact unit with its facts' documents and titles, as one statement, and its count.

    Built once per shape (the term, types, offset and limit are parameters): building the three statements
    this replaced, each with its IN lists, cost several times what SQLite took to run them.
    """
    condition = ((TERM.c.term >= bindparam("low")) & (TERM.c.term < bindparam("high"))) if prefix \
        else TERM.c.term == bindparam("term")
    facts = (select(TERM.c.doc_type, TERM.c.doc_slug, func.max(TERM.c.weight).label("score"))
             .where(condition).group_by(TERM.c.doc_type, TERM.c.doc_slug))
    if typed:
        facts = facts.where(TERM.c.doc_type.in_(bindparam("types", expanding=True)))
    ranked = facts.subquery("ranked")
    # Kind names and ranks are the registry's constants, written into the SQL: as parameters, binding the
    # 24 of them cost more than ranking the page.
    type_order = case({literal_column(f"'{t}'"): literal_column(str(i)) for i, t in enumerate(TYPE_ORDER)},
                      value=ranked.c.doc_type)
    # The total rides along with the page (one aggregation, not two).
    page = (select(ranked.c.doc_type, ranked.c.doc_slug, ranked.c.score, type_order.label("type_rank"),
                   func.count().over().label("total"))
            .order_by(ranked.c.score.desc(), type_order, ranked.c.doc_slug)
            .offset(bindparam("offset", type_=Integer)).limit(bindparam("limit", type_=Integer))
            .subquery("page"))
    # The page's facts' documents, in rank order and then document order (ties go to the first document);
    # _collect finds the match in each again.
    if prefix:
        # Every document of each page fact (by the (type, slug) index): those without a word of the prefix do
        # not match in _collect. Keeping only those that hold one cost a probe per document of every posting
        # of the prefix (a term range cannot seek the (term, document) key by document): 100 ms for
        # 'homestead' on the national dataset.
        documents = (select(page.c.doc_type, page.c.doc_slug, page.c.total, DOCUMENT.c.field, DOCUMENT.c.weight,
                            DOCUMENT.c.text, FACT_DOCUMENT.c.title_zh, FACT_DOCUMENT.c.title_en)
                     .select_from(page)
                     .join(DOCUMENT, (DOCUMENT.c.doc_type == page.c.doc_type)
                           & (DOCUMENT.c.doc_slug == page.c.doc_slug)))
    else:
        # One term: its postings of each page fact are one seek of the (term, type, slug) index, and each
        # names its document.
        documents = (select(page.c.doc_type, page.c.doc_slug, page.c.total, DOCUMENT.c.field, DOCUMENT.c.weight,
                            DOCUMENT.c.text, FACT_DOCUMENT.c.title_zh, FACT_DOCUMENT.c.title_en)
                     .select_from(page)
                     .join(TERM, (TERM.c.term == bindparam("term")) & (TERM.c.doc_type == page.c.doc_type)
                           & (TERM.c.doc_slug == page.c.doc_slug))
                     .join(DOCUMENT, DOCUMENT.c.id == TERM.c.document_id))
    # On PostgreSQL the index's (type, slug) are COLLATE "C" (bytewise, see SearchTerm) and fact_document's are
    # in the database's collation: compared as they are, no index of fact_document applies, and a national
    # dataset read all 4.5 M documents (seconds) to title a page. Compared in fact_document's collation, it is
    # one index probe per hit. (Equality of slugs is the same in both.)
    doc_type, doc_slug = ((page.c.doc_type.collate("default"), page.c.doc_slug.collate("default")) if postgresql
                          else (page.c.doc_type, page.c.doc_slug))
    stmt = (documents
            .outerjoin(FACT_DOCUMENT, (FACT_DOCUMENT.c.kind == doc_type) & (FACT_DOCUMENT.c.key == doc_slug))
            .order_by(page.c.score.desc(), page.c.type_rank, page.c.doc_slug, DOCUMENT.c.id))
    return stmt, select(func.count()).select_from(ranked)


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
    """Group documents — (type, slug, field, weight, text) rows — by fact, keeping each unit's best-weighted
    match (the first, on equal weights)."""
    facts: dict[tuple[str, str], _Fact] = {}
    for doc_type, doc_slug, field_name, weight, original in docs:
        text = normalize(original)
        fact = facts.get((doc_type, doc_slug))
        if fact is None:
            fact = facts[(doc_type, doc_slug)] = _Fact(doc_type, doc_slug)
        for unit in units:
            position = unit_matches(unit, text)
            if position >= 0:
                current = fact.best.get(unit)
                if current is None or weight > current[0]:
                    fact.best[unit] = (weight, field_name, original, position)
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
    names = titles(connection, [f for f in facts if f.titles is None], neg)
    for f in facts:
        if f.titles is not None:
            names[(f.type, f.slug)] = {lang: f.titles[0 if lang == "zh" else 1] for lang in neg.languages}
    hits = []
    for f in facts:
        field_name, text = snippet(f, units)
        hits.append({"type": f.type, "slug": f.slug, "url": BY_NAME[f.type].url(f.slug),
                     "title": names.get((f.type, f.slug), {}), "field": field_name, "snippet": text,
                     "score": f.score})
    return hits


