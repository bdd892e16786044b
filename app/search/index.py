"""Builds the search index from the facts in the database (rebuilt whole by every seed)."""

from collections.abc import Iterator

from sqlalchemy import delete, insert
from sqlmodel import Session, select

from app.models import (
    Citation,
    Indicator,
    MeasureMetric,
    Observation,
    Place,
    Programme,
    ReformMeasure,
    SearchDocument,
    SearchTerm,
    TimelineEvent,
    cited_fact,
)
from app.search.terms import index_terms, normalize

# doc_type → (model, key attribute, citation column, [(field, weight)])
SEARCHABLE = {
    "event": (TimelineEvent, "slug", "event_id", [("title", 5), ("description", 3)]),
    "measure": (ReformMeasure, "slug", "measure_id", [("name", 5), ("summary", 3)]),
    "programme": (Programme, "slug", "programme_id", [("name", 5), ("summary", 3)]),
    "indicator": (Indicator, "code", "indicator_id", [("name", 5), ("definition", 3)]),
    "place": (Place, "slug", "place_id", [("name", 5), ("description", 3)]),
}
QUOTE_WEIGHT = 1


def _documents(session: Session) -> Iterator[tuple[str, str, str, int, str]]:
    quotes: dict[tuple[str, int], list[str]] = {}
    for c in session.exec(select(Citation)).all():
        quotes.setdefault(cited_fact(c), []).append(c.quote)  # metrics' quotes are simply never looked up

    for doc_type, (model, key, column, fields) in SEARCHABLE.items():
        for row in session.exec(select(model)).all():
            slug = getattr(row, key)
            for stem, weight in fields:
                for lang in ("zh", "en"):
                    text = getattr(row, f"{stem}_{lang}")
                    if text:
                        yield doc_type, slug, f"{stem}_{lang}", weight, text
            for quote in quotes.get((column, row.id), []):
                yield doc_type, slug, "quote", QUOTE_WEIGHT, quote
            if doc_type == "place":
                for alias in row.aliases:
                    yield doc_type, slug, "alias_zh", 4, alias["zh"]
                    yield doc_type, slug, "alias_en", 4, alias["en"]

    metrics = session.exec(
        select(MeasureMetric, ReformMeasure.slug).join(ReformMeasure, MeasureMetric.measure_id == ReformMeasure.id)
    ).all()
    for metric, measure_slug in metrics:
        value = format(metric.value, "f")
        yield "measure", measure_slug, "metric_zh", 3, f"{value}{metric.unit_zh or ''} {metric.counted_zh}"
        yield "measure", measure_slug, "metric_en", 3, f"{value} {metric.unit} {metric.counted_en}"

    rows = session.exec(
        select(Observation, Indicator, Place)
        .join(Indicator, Observation.indicator_id == Indicator.id)
        .join(Place, Observation.place_id == Place.id)
    ).all()
    for obs, indicator, place in rows:
        value = format(obs.value, "f")
        zh = f"{place.name_zh} {obs.period} {indicator.name_zh} {value}{obs.unit_zh or ''}"
        en = f"{place.name_en} {obs.period} {indicator.name_en} {value} {obs.unit}"
        yield "observation", obs.slug, "summary_zh", 4, zh
        yield "observation", obs.slug, "summary_en", 4, en
        for stem in ("comparison", "note"):
            for lang in ("zh", "en"):
                text = getattr(obs, f"{stem}_{lang}")
                if text:
                    yield "observation", obs.slug, f"{stem}_{lang}", 2, text
        for quote in quotes.get(("observation_id", obs.id), []):
            yield "observation", obs.slug, "quote", QUOTE_WEIGHT, quote


def rebuild_search_index(session: Session) -> int:
    """Replace the index with one built from the current facts; returns the number of documents.

    Two bulk inserts (Core executemany, batched by SQLAlchemy): the documents, returning their ids in the
    order given, then every term. Adding ORM objects one by one, with a flush per document for its id, took
    nine tenths of a seed.
    """
    session.execute(delete(SearchTerm))
    session.execute(delete(SearchDocument))
    documents = [{"doc_type": doc_type, "doc_slug": slug, "field": field, "weight": weight, "text": text}
                 for doc_type, slug, field, weight, text in _documents(session)]
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
