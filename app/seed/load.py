"""Loads a validated SeedSet into the database: upsert by slug, deprecate the facts the files dropped.

The caller owns the transaction (one commit for the whole load), so a failure loads nothing.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from sqlmodel import Session, SQLModel, select

from app.config import REPO_ROOT
from app.facts.documents import document_format, rebuild_documents
from app.facts.history import DEPRECATED_BY_SEED, Change, record_revisions
from app.facts.kind import FactKind
from app.facts.ranks import assign_ranks
from app.models import Citation, DatasetState, cited_fact
from app.registry import BY_NAME, CITED_KINDS, DOCUMENTED_KINDS, KINDS, SOURCE
from app.search.index import rebuild_search_index
from app.search.terms import index_terms
from app.seed.fingerprint import source_commit
from app.seed.validate import SeedSet

DEPRECATED = "deprecated"
ACTIVE = {"status": "active", "status_reason": None}  # what every fact in the files is, a reinstated one too


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

    def keep(self, wanted: Callable[[Any], bool]) -> None:
        """Count the existing rows whose key is `wanted` as seen, so they are not stale."""
        for key, row in self.existing.items():
            if key not in self.seen and wanted(key):
                self.seen[key] = row

    def drop_stale(self) -> None:
        for row in self.stale():
            self.session.delete(row)
            self.report[f"{self.model.__tablename__}.deleted"] += 1
        self.session.flush()

    def deprecate_stale(self, reason: str) -> list[Any]:
        """Facts are never deleted: those the files no longer hold stay, deprecated, at their URLs."""
        deprecated = []
        for row in self.stale():
            if row.status != DEPRECATED:
                row.status, row.status_reason = DEPRECATED, reason
                self.report[f"{self.model.__tablename__}.deprecated"] += 1
            deprecated.append(row)
        self.session.flush()
        return deprecated


def _by(attr: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, attr)


def load_seed(session: Session, seed: SeedSet) -> dict[str, int]:
    """Make the database hold exactly the seed set. Returns counts of inserted/updated/deleted rows.

    Kinds load in the registry's order (what an entry refers to is loaded before it); a kind that refers
    to its own kind (a place's parent) gets those references once all its rows have ids.
    """
    report: Counter = Counter()
    syncs: dict[str, _Sync] = {}
    ids: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        sync = syncs[kind.name] = _Sync(session, kind.model, _by(kind.key), report)
        for key, values in _rows(kind, seed, ids):
            sync.put(key, {kind.key: key}, values)
        session.flush()
        ids[kind.name] = {key: row.id for key, row in sync.seen.items()}
        for field_name, target in kind.references:
            if target == kind.name:
                for entry in seed.of(kind):
                    row, value = sync.seen[getattr(entry, kind.key)], getattr(entry, field_name)
                    referred = ids[target][value] if value is not None else None
                    if getattr(row, f"{field_name}_id") != referred:
                        setattr(row, f"{field_name}_id", referred)

    # Citations are keyed by the fact they support and their position among its citations.
    citations = _Sync(session, Citation, _citation_key, report)
    for kind in CITED_KINDS:
        for entry in seed.of(kind):
            fact_id = ids[kind.name][getattr(entry, kind.key)]
            for position, c in enumerate(entry.citations):
                values = {"source_id": ids[SOURCE.name][c.source], "quote": c.quote, "start_offset": c.start,
                          "end_offset": c.end}
                citations.put((kind.cited_by, fact_id, position), {kind.cited_by: fact_id, "position": position},
                              values)

    # A deprecated fact keeps its citations (its URL still shows what supported it); a citation removed from
    # a fact the files still hold is deleted (the fact's revision records it).
    deprecated = {(kind.cited_by, row.id) for kind in CITED_KINDS
                  for row in syncs[kind.name].stale()}
    citations.keep(lambda key: key[:2] in deprecated)
    citations.drop_stale()
    for kind in KINDS:
        syncs[kind.name].deprecate_stale(DEPRECATED_BY_SEED)
    for kind in KINDS:
        if kind.ranks is not None and kind.cited_by is not None:
            explicit = {getattr(e, kind.key): (e.rank.value, e.rank_reason) for e in seed.of(kind) if e.rank}
            report[f"{kind.table.name}.reranked"] += assign_ranks(session, kind.model, kind.cited_by, kind.key,
                                                                  kind.ranks, explicit)

    changes = {k: v for k, v in sorted(report.items()) if v}
    state = session.get(DatasetState, 1)
    now = dt.datetime.now(dt.UTC)
    if state is None:
        state = DatasetState(id=1, version=0, content_sha256="", updated_at=now)
        session.add(state)
    fmt = read_model_format()
    if changes or state.version == 0 or state.document_format != fmt:
        # The version is what caches in every process key on: bump it only when what is served changed.
        session.flush()
        rebuild_search_index(session)
        rebuild_documents(session, DOCUMENTED_KINDS)
        reason = "seed" if changes or state.version == 0 else "documents rendered by new code"
        state.document_format = fmt
        state.version += 1
        state.updated_at = now
        revisions = record_revisions(session, DOCUMENTED_KINDS,
                                     Change(seed_author(seed), reason, state.version, now))
        changes.update({f"revision.{operation}": n for operation, n in sorted(revisions.items())})
    state.content_sha256 = seed.content_sha256
    session.flush()
    return changes


# Seed keys that are not the fact's own values: a curator's rank, applied by app.facts.ranks with the others.
RANK_FIELDS = frozenset({"rank", "rank_reason"})
def read_model_format() -> str:
    """The code that writes the read model: the documents' renderers, and the tokenizer, because the search index
    is rebuilt with the documents and must hold the terms today's queries look up."""
    return document_format(DOCUMENTED_KINDS, index_terms.__module__)


def _rows(kind: FactKind, seed: SeedSet, ids: dict[str, dict[str, int]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, column values) of each entry of `kind`: its own fields that are columns, the ids of what it refers
    to, its seed files' texts (a source's body), and for a part its parent and position."""
    columns = set(kind.table.c.keys())
    if kind.part_of is not None:
        parent = BY_NAME[kind.part_of]
        for entry in seed.of(parent):
            parent_id = ids[parent.name][getattr(entry, parent.key)]
            for position, part in enumerate(getattr(entry, parent.parts or "")):
                values = {k: v for k, v in part.model_dump().items() if k in columns and k != kind.key}
                yield getattr(part, kind.key), {**values, **ACTIVE, "position": position,
                                                f"{parent.name}_id": parent_id}
        return
    for entry in seed.of(kind):
        key = getattr(entry, kind.key)
        values = {k: v for k, v in entry.model_dump().items()
                  if k in columns and k != kind.key and k not in RANK_FIELDS}
        for field_name, target in kind.references:
            value = getattr(entry, field_name)
            if target != kind.name:  # references to its own kind are set once every row has an id
                values[f"{field_name}_id"] = ids[target][value] if value is not None else None
        yield key, {**values, **ACTIVE, **seed.texts.get((kind.name, key), {})}


def _citation_key(c: Citation) -> tuple[str, int, int]:
    return (*cited_fact(c), c.position)


def seed_author(seed: SeedSet) -> str:
    """Who a seed's revisions are by: the seed files' content and, when known, the code's commit."""
    commit = source_commit(REPO_ROOT)
    return f"seed sha256:{seed.content_sha256}" + (f" git:{commit}" if commit else "")
