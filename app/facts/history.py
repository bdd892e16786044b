"""Writing and checking the history of facts (app.models.revision).

`record_revisions` runs in the transaction that changed the facts, after their documents were rewritten
(app.facts.documents): it compares each fact's document with its last revision and appends a revision
for what was created, changed or removed. `verify_history` re-derives every hash and replays every patch.

Revisions are appended here and nowhere else, and never updated or deleted.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jsonpatch
import orjson
from sqlalchemy import func, insert, select
from sqlmodel import Session

from app.facts.kind import FactKind
from app.models import FactDocument, Revision

REVISIONS = Revision.__table__  # type: ignore[attr-defined]
DOCUMENTS = FactDocument.__table__  # type: ignore[attr-defined]
GENESIS = "0" * 64  # the prev_hash of the first revision
BATCH = 1000  # facts compared at a time: bounded memory on a national dataset
DEPRECATED_BY_SEED = "removed from the seed files"


def canonical(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no whitespace, UTF-8 as is (what hashes cover)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def timestamp(moment: dt.datetime) -> str:
    """A revision's time as hashed and served: UTC, microseconds, `Z`."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def revision_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """sha256(prev_hash + canonical JSON of the revision's content): editing, removing or reordering any
    revision changes every hash after it."""
    content = {
        "kind": row["kind"], "key": row["key"], "operation": row["operation"],
        "patch": orjson.loads(row["patch"]), "document": orjson.loads(row["document"]),
        "author": row["author"], "comment": row["comment"], "created_at": timestamp(row["created_at"]),
        "dataset_version": row["dataset_version"],
    }
    # A published proposal's reviewer and number are covered too; a seed's revisions have neither, and hash
    # as they did before curation existed.
    for name in ("reviewer", "proposal_id"):
        if row.get(name) is not None:
            content[name] = row[name]
    return hashlib.sha256((prev_hash + canonical(content)).encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    """Who makes a change and why: one per transaction, on every revision it appends."""

    author: str
    comment: str
    dataset_version: int
    at: dt.datetime
    reviewer: str | None = None  # a published proposal's approver
    proposal_id: int | None = None


def record_revisions(session: Session, kinds: Iterable[FactKind], change: Change) -> dict[str, int]:
    """Append a revision for every fact whose document differs from its last revision's (create, update),
    and for every fact with a history that no longer has a document (deprecate). Returns counts by operation."""
    prev_hash = session.execute(select(REVISIONS.c.hash).order_by(REVISIONS.c.id.desc()).limit(1)).scalar()
    chain = _Chain(session, prev_hash or GENESIS, change)
    for kind in kinds:
        if kind.render is None:
            continue
        seen: set[str] = set()
        for batch in _document_batches(session, kind.name):
            seen.update(key for key, _ in batch)
            _append_changed(session, chain, kind.name, batch)
        for key, (operation, document) in _last_of_kind(session, kind.name):
            if key not in seen and operation != "deprecate":
                # A fact whose row is gone (deleted before facts had a status): its history says so and keeps
                # its last document.
                deprecated = {**document, "status": "deprecated", "status_reason": DEPRECATED_BY_SEED}
                chain.append(kind.name, key, "deprecate", document, deprecated)
        chain.flush()
    return dict(chain.counts)


def record_fact_revisions(session: Session, kind: str, keys: Iterable[str], change: Change) -> dict[str, int]:
    """Append a revision for each of these facts whose document differs from its last revision's: a curation
    write, which knows which facts it touched, need not compare the whole dataset."""
    prev_hash = session.execute(select(REVISIONS.c.hash).order_by(REVISIONS.c.id.desc()).limit(1)).scalar()
    chain = _Chain(session, prev_hash or GENESIS, change)
    keys = sorted(set(keys))
    rows = session.execute(select(DOCUMENTS.c.key, DOCUMENTS.c.json_zh_en)
                           .where(DOCUMENTS.c.kind == kind, DOCUMENTS.c.key.in_(keys)).order_by(DOCUMENTS.c.key)).all()
    _append_changed(session, chain, kind, [(key, orjson.loads(document)) for key, document in rows])
    chain.flush()
    return dict(chain.counts)


def _append_changed(session: Session, chain: "_Chain", kind: str, batch: list[tuple[str, dict]]) -> None:
    """Append a revision for each (key, document) that differs from the fact's last revision."""
    last = _last_documents(session, kind, [key for key, _ in batch])
    for key, document in batch:
        before = last.get(key)
        deprecated = document.get("status") == "deprecated"
        if before is None:
            chain.append(kind, key, "deprecate" if deprecated else "create", {}, document)
        elif before[1] != document:
            # A fact that becomes deprecated is a deprecation; any other change (a reinstatement too) is an update.
            operation = "deprecate" if deprecated and before[0] != "deprecate" else "update"
            chain.append(kind, key, operation, before[1], document)


class _Chain:
    """Appends revisions in order, each hashed over the one before; inserted in batches."""

    def __init__(self, session: Session, prev_hash: str, change: Change) -> None:
        self.session, self.prev_hash, self.change = session, prev_hash, change
        self.pending: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}

    def append(self, kind: str, key: str, operation: str, before: dict, after: dict) -> None:
        row = {
            "kind": kind, "key": key, "operation": operation,
            "patch": canonical(jsonpatch.make_patch(before, after).patch), "document": canonical(after),
            "author": self.change.author, "comment": self.change.comment,
            "created_at": self.change.at.astimezone(dt.UTC),
            "dataset_version": self.change.dataset_version, "prev_hash": self.prev_hash,
            "reviewer": self.change.reviewer, "proposal_id": self.change.proposal_id,
        }
        row["hash"] = self.prev_hash = revision_hash(self.prev_hash, row)
        self.pending.append(row)
        self.counts[operation] = self.counts.get(operation, 0) + 1
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.session.execute(insert(REVISIONS), self.pending)
            self.pending = []


def _document_batches(session: Session, kind: str) -> Iterator[list[tuple[str, dict]]]:
    last_key = ""
    while True:
        rows = session.execute(select(DOCUMENTS.c.key, DOCUMENTS.c.json_zh_en)
                               .where(DOCUMENTS.c.kind == kind, DOCUMENTS.c.key > last_key)
                               .order_by(DOCUMENTS.c.key).limit(BATCH)).all()
        if not rows:
            return
        yield [(key, orjson.loads(document)) for key, document in rows]
        last_key = rows[-1][0]


def _last_documents(session: Session, kind: str, keys: list[str]) -> dict[str, tuple[str, dict]]:
    """Each key's last revision: (operation, document)."""
    latest = (select(func.max(REVISIONS.c.id)).where(REVISIONS.c.kind == kind, REVISIONS.c.key.in_(keys))
              .group_by(REVISIONS.c.key))
    rows = session.execute(select(REVISIONS.c.key, REVISIONS.c.operation, REVISIONS.c.document)
                           .where(REVISIONS.c.id.in_(latest))).all()
    return {key: (operation, orjson.loads(document)) for key, operation, document in rows}


def _last_of_kind(session: Session, kind: str) -> Iterator[tuple[str, tuple[str, dict]]]:
    """Every fact of `kind` with a history, and its last revision, in batches."""
    last_key = ""
    while True:
        keys = session.execute(select(REVISIONS.c.key).where(REVISIONS.c.kind == kind, REVISIONS.c.key > last_key)
                               .group_by(REVISIONS.c.key).order_by(REVISIONS.c.key).limit(BATCH)).scalars().all()
        if not keys:
            return
        last = _last_documents(session, kind, list(keys))
        yield from ((key, last[key]) for key in keys)
        last_key = keys[-1]


def verify_history(session: Session) -> tuple[int, list[str]]:
    """Check the whole chain: every hash, every link, every patch, and that each fact's last revision is the
    document served now (or a deprecation of a fact no longer served). Returns (revisions checked, problems)."""
    problems: list[str] = []
    prev_hash = GENESIS
    documents: dict[tuple[str, str], tuple[str, dict]] = {}
    checked = 0
    last_id = 0
    while True:
        rows = session.execute(select(REVISIONS).where(REVISIONS.c.id > last_id)
                               .order_by(REVISIONS.c.id).limit(BATCH)).mappings().all()
        if not rows:
            break
        for row in rows:
            checked += 1
            name = f"revision {row['id']} ({row['kind']} {row['key']})"
            if row["prev_hash"] != prev_hash:
                problems.append(f"{name}: prev_hash does not match the revision before it")
            if revision_hash(row["prev_hash"], dict(row)) != row["hash"]:
                problems.append(f"{name}: its hash does not match its content")
            prev_hash = row["hash"]
            before = documents.get((row["kind"], row["key"]), (None, {}))[1]
            after = orjson.loads(row["document"])
            try:
                replayed = jsonpatch.apply_patch(before, orjson.loads(row["patch"]))
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
                problems.append(f"{name}: its patch does not apply to the document before it ({exc})")
            else:
                if replayed != after:
                    problems.append(f"{name}: its patch does not lead from the document before it to its document")
            documents[(row["kind"], row["key"])] = (row["operation"], after)
        last_id = rows[-1]["id"]
    served = {(kind, key): orjson.loads(document) for kind, key, document in
              session.execute(select(DOCUMENTS.c.kind, DOCUMENTS.c.key, DOCUMENTS.c.json_zh_en))}
    for fact, document in served.items():
        if fact not in documents:
            problems.append(f"{fact[0]} {fact[1]}: served but has no revision")
        elif documents[fact][1] != document:
            problems.append(f"{fact[0]} {fact[1]}: the served document differs from its last revision")
    for fact, (operation, _) in documents.items():
        if fact not in served and operation != "deprecate":
            problems.append(f"{fact[0]} {fact[1]}: no longer served, but its last revision is not a deprecation")
    return checked, problems
