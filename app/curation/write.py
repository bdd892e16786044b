"""Writing one fact and everything derived from it, in the caller's transaction.

A seed rebuilds the whole read model; a curation write knows which fact it changed, so it rewrites only the
documents that show that fact: its own, those of the facts it refers to (a programme counts its measures),
those that refer to it (a measure shows its programme's name) and those of the sources it cites (a source
counts its citations), before and after the change. tests/test_curation.py holds the result equal to a
full rebuild. Then the search entries of those facts, one revision per changed document, and the dataset
version, which every process's cache and every ETag key on.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlmodel import Session

from app.facts.documents import document_rows
from app.facts.history import Change, record_fact_revisions
from app.facts.kind import FactKind
from app.facts.ranks import rerank_groups
from app.models import Citation, DatasetState, FactDocument, Source
from app.registry import BY_NAME, KINDS, SOURCE
from app.search.index import reindex_facts

DOCUMENTS = FactDocument.__table__  # type: ignore[attr-defined]
CITATIONS = Citation.__table__  # type: ignore[attr-defined]
RANK_FIELDS = frozenset({"rank", "rank_reason"})
Facts = dict[str, set[int]]  # kind name → row ids


def lock_dataset(session: Session) -> DatasetState:
    """Take the dataset's write lock before reading anything: writers queue here, one at a time.

    A no-op UPDATE of the one dataset_state row is a row lock on PostgreSQL and the database's write lock on
    SQLite (its driver begins the transaction just before this first write), so every read after it sees
    the last writer's commit, and the revision chain has one tip.
    """
    session.execute(update(DatasetState).where(DatasetState.id == 1).values(version=DatasetState.version))
    state = session.get(DatasetState, 1, populate_existing=True)
    if state is None:
        raise RuntimeError("the database has not been seeded")
    return state


def fact_row(session: Session, kind: FactKind, key: str) -> Any:
    return session.execute(select(kind.model).where(getattr(kind.model, kind.key) == key)).scalars().first()


def write_entry(session: Session, kind: FactKind, entry: Any, row: Any) -> tuple[Any, Facts]:
    """Create (row None) or update the fact from its validated seed entry; returns the row and the facts
    whose documents may show it."""
    touched: Facts = defaultdict(set)
    groups = set()
    if row is not None:
        _neighbours(session, kind, row, touched)
        groups = _rank_groups(kind, row)
    values = _values(session, kind, entry, update=row is not None)
    if row is None:
        row = kind.model(**{kind.key: getattr(entry, kind.key)}, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()
    _replace_citations(session, kind, row.id, entry.citations)
    if kind.parts:
        _write_parts(session, kind, row, getattr(entry, kind.parts))
    _rerank(session, kind, groups | _rank_groups(kind, row), touched)
    _neighbours(session, kind, row, touched)
    return row, touched


def deprecate(session: Session, kind: FactKind, row: Any, reason: str) -> Facts:
    """Mark the fact deprecated (it stays at its URL, with its citations and history)."""
    touched: Facts = defaultdict(set)
    _neighbours(session, kind, row, touched)
    groups = _rank_groups(kind, row)
    row.status, row.status_reason = "deprecated", reason
    if kind.parts:
        part_kind = _part_kind(kind)
        for part in _parts(session, kind, part_kind, row.id):
            part.status, part.status_reason = "deprecated", reason
    session.flush()
    _rerank(session, kind, groups, touched)
    return touched


def add_source(session: Session, values: dict[str, Any]) -> tuple[Any, Facts]:
    row = Source(**values, status="active")
    session.add(row)
    session.flush()
    return row, {SOURCE.name: {row.id}}


def refresh(session: Session, touched: Facts, state: DatasetState, change: Change) -> dict[str, int]:
    """Re-render the touched facts' documents and search entries, append a revision for each document that
    changed, and bump the dataset version; returns the revisions by operation."""
    state.version += 1
    state.updated_at = change.at
    change = Change(change.author, change.comment, state.version, change.at, change.reviewer, change.proposal_id)
    counts: dict[str, int] = defaultdict(int)
    reindex: dict[str, set[str]] = {}
    for kind in KINDS:
        ids = touched.get(kind.name)
        if not ids or kind.render is None:
            continue
        rows = session.execute(select(kind.model).where(kind.model.id.in_(ids)).order_by(kind.model.id)).scalars().all()
        new = document_rows(session, kind, list(rows))
        old = dict(session.execute(select(DOCUMENTS.c.key, DOCUMENTS.c.json_zh_en)
                                   .where(DOCUMENTS.c.kind == kind.name, DOCUMENTS.c.fact_id.in_(ids))).all())
        changed = [doc for doc in new if old.get(doc["key"]) != doc["json_zh_en"]]
        if not changed:
            continue
        keys = [doc["key"] for doc in changed]
        session.execute(delete(DOCUMENTS).where(DOCUMENTS.c.kind == kind.name, DOCUMENTS.c.key.in_(keys)))
        session.execute(insert(DOCUMENTS), changed)
        for operation, n in record_fact_revisions(session, kind.name, keys, change).items():
            counts[operation] += n
        reindex[kind.name] = set(keys)
    reindex_facts(session, reindex)
    session.flush()
    return dict(counts)


def _values(session: Session, kind: FactKind, entry: Any, *, update: bool) -> dict[str, Any]:
    """The row's column values of an entry. An update leaves a field the document left out (an optional one:
    an event's `same_as`) as it was."""
    columns = set(kind.table.c.keys())
    given = entry.model_fields_set if update else set(type(entry).model_fields)
    values = {k: v for k, v in entry.model_dump().items()
              if k in columns and k in given and k != kind.key and k not in RANK_FIELDS}
    for field_name, target in kind.references:
        if field_name in given:
            values[f"{field_name}_id"] = _id_of(session, BY_NAME[target], getattr(entry, field_name))
    return {**values, "status": "active", "status_reason": None}


def _id_of(session: Session, kind: FactKind, key: str | None) -> int | None:
    if key is None:
        return None
    return session.execute(select(kind.model.id).where(getattr(kind.model, kind.key) == key)).scalar_one()


def _replace_citations(session: Session, kind: FactKind, fact_id: int, citations: list) -> None:
    assert kind.cited_by is not None
    column = CITATIONS.c[kind.cited_by]
    session.execute(delete(CITATIONS).where(column == fact_id))
    if not citations:
        return
    sources = dict(session.execute(select(Source.slug, Source.id)
                                   .where(Source.slug.in_({c.source for c in citations}))).all())
    session.execute(insert(CITATIONS), [
        {kind.cited_by: fact_id, "position": i, "source_id": sources[c.source], "quote": c.quote,
         "start_offset": c.start, "end_offset": c.end} for i, c in enumerate(citations)])


def _part_kind(kind: FactKind) -> FactKind:
    return next(k for k in KINDS if k.part_of == kind.name)


def _parts(session: Session, kind: FactKind, part_kind: FactKind, parent_id: int) -> list[Any]:
    model = part_kind.model
    return list(session.execute(select(model).where(getattr(model, f"{kind.name}_id") == parent_id)
                                .order_by(model.position, model.id)).scalars())


def _write_parts(session: Session, kind: FactKind, row: Any, entries: list) -> None:
    """A measure's metrics as the entry lists them; a metric it no longer lists is deprecated, like the seed's."""
    part_kind = _part_kind(kind)
    existing = {getattr(part, part_kind.key): part for part in _parts(session, kind, part_kind, row.id)}
    for position, entry in enumerate(entries):
        values = {**_values(session, part_kind, entry, update=False), "position": position,
                  f"{kind.name}_id": row.id}
        part = existing.pop(getattr(entry, part_kind.key), None)
        if part is None:
            part = part_kind.model(**{part_kind.key: getattr(entry, part_kind.key)}, **values)
            session.add(part)
        else:
            for name, value in values.items():
                setattr(part, name, value)
        session.flush()
        _replace_citations(session, part_kind, part.id, entry.citations)
    for part in existing.values():
        part.status, part.status_reason = "deprecated", f"no longer listed by its {kind.noun}"
    session.flush()


def _rank_groups(kind: FactKind, row: Any) -> set[tuple]:
    return {kind.ranks.identity_of(row)} if kind.ranks is not None else set()


def _rerank(session: Session, kind: FactKind, groups: set[tuple], touched: Facts) -> None:
    """The groups the fact was and is in are ranked by the rule again (app.facts.ranks; a curator's rank in
    the seed files is for the seed to give); the facts whose rank moved are touched."""
    if kind.ranks is None or kind.cited_by is None:
        return
    touched[kind.name].update(rerank_groups(session, kind.model, kind.cited_by, kind.key, kind.ranks, groups))


def _neighbours(session: Session, kind: FactKind, row: Any, touched: Facts) -> None:
    """The fact, what it refers to, what refers to it, and the sources it (and its parts) cite."""
    touched[kind.name].add(row.id)
    for field_name, target in kind.references:
        referred = getattr(row, f"{field_name}_id")
        if referred is not None:
            touched[target].add(referred)
    for other in KINDS:
        for field_name, target in other.references:
            if target == kind.name:
                column = getattr(other.model, f"{field_name}_id")
                touched[other.name].update(session.execute(select(other.model.id).where(column == row.id)).scalars())
    if kind.cited_by is not None:
        cited = [CITATIONS.c[kind.cited_by] == row.id]
        if kind.parts:
            part_kind = _part_kind(kind)
            part_ids = [part.id for part in _parts(session, kind, part_kind, row.id)]
            if part_ids and part_kind.cited_by:
                cited.append(CITATIONS.c[part_kind.cited_by].in_(part_ids))
        touched[SOURCE.name].update(session.execute(select(CITATIONS.c.source_id).where(or_(*cited))).scalars())
