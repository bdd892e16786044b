"""Loads a validated SeedSet into the database: upsert by slug, delete what the files dropped.

The caller owns the transaction (one commit for the whole load), so a failure loads nothing.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, SQLModel, select

from app.facts.documents import document_format, rebuild_documents
from app.models import (
    Citation,
    DatasetState,
    Event,
    Indicator,
    Measure,
    Metric,
    Observation,
    Place,
    Programme,
    Source,
    cited_fact,
)
from app.registry import DOCUMENTED_KINDS
from app.search.index import rebuild_search_index
from app.seed.schemas import CitationIn
from app.seed.validate import SeedSet


class _Sync:
    """Upserts the rows of one table by a key and remembers which existing rows were not seen."""

    def __init__(
        self, session: Session, model: type[SQLModel], key: Callable[[Any], Any], report: Counter
    ) -> None:
        self.session, self.model, self.report = session, model, report
        self.existing = {key(row): row for row in session.exec(select(model)).all()}
        self.seen: dict[Any, Any] = {}

    def put(self, key: Any, identity: dict[str, Any], values: dict[str, Any]) -> Any:
        """Insert the row with `identity` and `values`, or update the existing row's `values`."""
        row = self.existing.get(key)
        name = self.model.__tablename__
        if row is None:
            row = self.model(**identity, **values)
            self.session.add(row)
            self.report[f"{name}.inserted"] += 1
        else:
            changed = {k: v for k, v in values.items() if getattr(row, k) != v}
            for k, v in changed.items():
                setattr(row, k, v)
            self.report[f"{name}.updated"] += bool(changed)
        self.seen[key] = row
        return row

    def stale(self) -> list[Any]:
        return [row for k, row in self.existing.items() if k not in self.seen]

    def drop_stale(self) -> None:
        for row in self.stale():
            self.session.delete(row)
            self.report[f"{self.model.__tablename__}.deleted"] += 1
        self.session.flush()


def _by(attr: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, attr)


def load_seed(session: Session, seed: SeedSet) -> dict[str, int]:
    """Make the database hold exactly the seed set. Returns counts of inserted/updated/deleted rows."""
    report: Counter = Counter()

    sources = _Sync(session, Source, _by("slug"), report)
    for s in seed.sources:
        values = s.model_dump(exclude={"slug", "body_file", "repost_file"})
        sources.put(s.slug, {"slug": s.slug}, {**values, "body": seed.bodies[s.slug], "repost": seed.reposts[s.slug]})
    session.flush()
    source_ids = {slug: row.id for slug, row in sources.seen.items()}

    places = _Sync(session, Place, _by("slug"), report)
    for p in seed.places:
        places.put(p.slug, {"slug": p.slug}, p.model_dump(exclude={"slug", "parent", "citations"}))
    session.flush()
    place_ids = {slug: row.id for slug, row in places.seen.items()}
    for p in seed.places:
        row = places.seen[p.slug]
        parent_id = place_ids[p.parent] if p.parent else None
        if row.parent_id != parent_id:
            row.parent_id = parent_id

    indicators = _Sync(session, Indicator, _by("code"), report)
    for i in seed.indicators:
        indicators.put(i.code, {"code": i.code}, i.model_dump(exclude={"code", "citations"}))
    session.flush()

    observations = _Sync(session, Observation, _by("slug"), report)
    for o in seed.observations:
        values = o.model_dump(exclude={"slug", "indicator", "place", "reference_place", "citations"})
        values["indicator_id"] = indicators.seen[o.indicator].id
        values["place_id"] = place_ids[o.place]
        values["reference_place_id"] = place_ids[o.reference_place] if o.reference_place else None
        observations.put(o.slug, {"slug": o.slug}, values)

    events = _Sync(session, Event, _by("slug"), report)
    for e in seed.events:
        values = e.model_dump(exclude={"slug", "place", "citations"})
        events.put(e.slug, {"slug": e.slug}, {**values, "place_id": place_ids[e.place]})

    programmes = _Sync(session, Programme, _by("slug"), report)
    for p in seed.programmes:
        values = p.model_dump(exclude={"slug", "place", "citations"})
        programmes.put(p.slug, {"slug": p.slug}, {**values, "place_id": place_ids[p.place]})
    session.flush()

    measures = _Sync(session, Measure, _by("slug"), report)
    for m in seed.measures:
        values = m.model_dump(exclude={"slug", "place", "programme", "citations", "metrics"})
        values["place_id"] = place_ids[m.place]
        values["programme_id"] = programmes.seen[m.programme].id if m.programme else None
        measures.put(m.slug, {"slug": m.slug}, values)
    session.flush()

    metrics = _Sync(session, Metric, _by("slug"), report)
    for m in seed.measures:
        for position, metric in enumerate(m.metrics):
            values = metric.model_dump(exclude={"slug", "citations"})
            metrics.put(metric.slug, {"slug": metric.slug}, {**values, "position": position, "measure_id": measures.seen[m.slug].id})
    session.flush()

    # Citations are keyed by the fact they support and their position among its citations.
    cited: list[tuple[str, int, list[CitationIn]]] = []
    cited += [("place_id", places.seen[p.slug].id, p.citations) for p in seed.places]
    cited += [("indicator_id", indicators.seen[i.code].id, i.citations) for i in seed.indicators]
    cited += [("observation_id", observations.seen[o.slug].id, o.citations) for o in seed.observations]
    cited += [("event_id", events.seen[e.slug].id, e.citations) for e in seed.events]
    cited += [("programme_id", programmes.seen[p.slug].id, p.citations) for p in seed.programmes]
    cited += [("measure_id", measures.seen[m.slug].id, m.citations) for m in seed.measures]
    cited += [
        ("metric_id", metrics.seen[x.slug].id, x.citations) for m in seed.measures for x in m.metrics
    ]
    citations = _Sync(session, Citation, _citation_key, report)
    for column, fact_id, entries in cited:
        for position, c in enumerate(entries):
            values = {
                "source_id": source_ids[c.source],
                "quote": c.quote,
                "start_offset": c.start,
                "end_offset": c.end,
            }
            citations.put((column, fact_id, position), {column: fact_id, "position": position}, values)

    # Children before parents, so no foreign key is left pointing at a deleted row.
    citations.drop_stale()
    for sync in (metrics, measures, programmes, events, observations, indicators):
        sync.drop_stale()
    for row in places.stale():
        row.parent_id = None
    session.flush()
    places.drop_stale()
    sources.drop_stale()

    changes = {k: v for k, v in sorted(report.items()) if v}
    state = session.get(DatasetState, 1)
    now = dt.datetime.now(dt.UTC)
    if state is None:
        state = DatasetState(id=1, version=0, content_sha256="", updated_at=now)
        session.add(state)
    fmt = document_format(DOCUMENTED_KINDS)
    if changes or state.version == 0 or state.document_format != fmt:
        # The version is what caches in every process key on: bump it only when what is served changed.
        session.flush()
        rebuild_search_index(session)
        rebuild_documents(session, DOCUMENTED_KINDS)
        state.document_format = fmt
        state.version += 1
        state.updated_at = now
    state.content_sha256 = seed.content_sha256
    session.flush()
    return changes


def _citation_key(c: Citation) -> tuple[str, int, int]:
    return (*cited_fact(c), c.position)
