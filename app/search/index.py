"""Builds the search index from the facts in the database (rebuilt whole by every seed)."""

from collections.abc import Iterator

from sqlalchemy import delete, insert
from sqlmodel import Session, select

from app.models import Citation, SearchDocument, SearchTerm, cited_fact
from app.registry import SEARCHED_KINDS
from app.search.terms import index_terms, normalize

QUOTE_WEIGHT = 1


def _documents(session: Session, only: dict[str, set[str]] | None = None) -> Iterator[tuple[str, str, str, int, str]]:
    """(type, slug, field, weight, text) of every fact, a fact's documents together: what its kind indexes
    before its fields, its fields in each language, the quotes of its citations, what it indexes after.
    `only`: the keys of each kind to index (a curation write's facts), instead of every fact."""
    quotes: dict[tuple[str, int], list[str]] = {}
    if only is None:
        for c in session.exec(select(Citation).order_by(Citation.id)).all():
            quotes.setdefault(cited_fact(c), []).append(c.quote)

    for kind in SEARCHED_KINDS:
        keys = None if only is None else only.get(kind.name)
        if only is not None and not keys:
            continue
        before = _by_slug(kind.search_before(session, keys)) if kind.search_before else {}
        after = _by_slug(kind.search_after(session, keys)) if kind.search_after else {}
        rows = select(kind.model).where(kind.model.status == "active")  # type: ignore[attr-defined]
        if keys is not None:
            rows = rows.where(getattr(kind.model, kind.key).in_(keys))
        rows = session.exec(rows.order_by(kind.model.id)).all()
        if keys is not None and rows and kind.cited_by:  # only these facts' quotes
            column = getattr(Citation, kind.cited_by)
            for c in session.exec(select(Citation).where(column.in_([row.id for row in rows]))
                                  .order_by(Citation.id)).all():
                quotes.setdefault(cited_fact(c), []).append(c.quote)
        for row in rows:
            slug = getattr(row, kind.key)
            for field, weight, text in before.get(slug, []):
                yield kind.name, slug, field, weight, text
            for stem, weight in kind.search_fields:
                for lang in ("zh", "en"):
                    text = getattr(row, f"{stem}_{lang}")
                    if text:
                        yield kind.name, slug, f"{stem}_{lang}", weight, text
            for quote in quotes.get((kind.cited_by, row.id), []):
                yield kind.name, slug, "quote", QUOTE_WEIGHT, quote
            for field, weight, text in after.get(slug, []):
                yield kind.name, slug, field, weight, text


def _by_slug(documents: Iterator[tuple[str, str, int, str]]) -> dict[str, list[tuple[str, int, str]]]:
    grouped: dict[str, list[tuple[str, int, str]]] = {}
    for slug, field, weight, text in documents:
        grouped.setdefault(slug, []).append((field, weight, text))
    return grouped


def rebuild_search_index(session: Session) -> int:
    """Replace the index with one built from the current facts; returns the number of documents.

    Two bulk inserts (Core executemany, batched by SQLAlchemy): the documents, returning their ids in the
    order given, then every term. Adding ORM objects one by one, with a flush per document for its id, took
    nine tenths of a seed.
    """
    session.execute(delete(SearchTerm))
    session.execute(delete(SearchDocument))
    return _insert(session, _documents(session))


def reindex_facts(session: Session, facts: dict[str, set[str]]) -> int:
    """Replace the index entries of these facts (kind name → keys), as a rebuild would write them."""
    for kind, keys in facts.items():
        if keys:
            old = session.execute(select(SearchDocument.id, SearchDocument.text)
                                  .where(SearchDocument.doc_type == kind, SearchDocument.doc_slug.in_(keys))).all()
            # A term row is found by its primary key (term, document): the terms are those the same tokenizer
            # made of the same text (a new tokenizer rebuilds the whole index at start-up).
            for document_id, text in old:
                terms = sorted(index_terms(normalize(text)))
                if terms:
                    session.execute(delete(SearchTerm).where(SearchTerm.document_id == document_id,
                                                             SearchTerm.term.in_(terms)))
            if old:
                session.execute(delete(SearchDocument).where(SearchDocument.id.in_([i for i, _ in old])))
    return _insert(session, _documents(session, facts))


def _insert(session: Session, rows: Iterator[tuple[str, str, str, int, str]]) -> int:
    documents = [{"doc_type": doc_type, "doc_slug": slug, "field": field, "weight": weight, "text": text}
                 for doc_type, slug, field, weight, text in rows]
    if not documents:
        return 0
    ids = session.execute(insert(SearchDocument).returning(SearchDocument.id, sort_by_parameter_order=True),
                          documents).scalars().all()
    terms = [{"term": term, "document_id": document_id, "doc_type": document["doc_type"],
              "doc_slug": document["doc_slug"], "weight": document["weight"]}
             for document_id, document in zip(ids, documents, strict=True)
             for term in sorted(index_terms(normalize(document["text"])))]
    if terms:
        session.execute(insert(SearchTerm), terms)
    return len(documents)
