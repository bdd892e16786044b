"""The facts as they stood at a dataset version, and what changed between two versions, read from their revisions.

Every revision holds the whole document after it (app.models.revision), so a fact's document as of version V
is the document of its last revision with dataset_version ≤ V; a fact whose last such revision is a
deprecation was not part of the data at V. Releases (app.releases) freeze and compare versions this way, and
so can `as_of` reads. Everything here reads in batches of keys: memory stays bounded on a national dataset.
"""

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jsonpatch
import orjson
from sqlalchemy import Connection, func, select
from sqlmodel import Session

from app.facts.history import BATCH, REVISIONS

Database = Connection | Session


@dataclass(frozen=True)
class FactAsOf:
    kind: str
    key: str
    operation: str  # of its last revision at that version: create | update | deprecate
    document: str  # canonical JSON, as `lang=all` served it then

    @property
    def deprecated(self) -> bool:
        return self.operation == "deprecate"


def documents_as_of(db: Database, version: int, kinds: Iterable[str], *, keys: Iterable[str] | None = None,
                    include_deprecated: bool = False) -> Iterator[FactAsOf]:
    """Each fact of `kinds` (in that order, then by key) as of dataset `version`; only `keys` if given.

    Facts with no revision at or before `version` do not exist yet; deprecated ones are left out unless
    `include_deprecated`."""
    wanted = None if keys is None else sorted(set(keys))
    for kind in kinds:
        for batch in _last_revisions(db, version, kind, wanted):
            yield from (fact for fact in batch if include_deprecated or not fact.deprecated)


def document_as_of(db: Database, version: int, kind: str, key: str) -> FactAsOf | None:
    """One fact as of `version` (deprecated or not); None if it had no revision by then."""
    return next(documents_as_of(db, version, [kind], keys=[key], include_deprecated=True), None)


def _last_revisions(db: Database, version: int, kind: str, keys: list[str] | None) -> Iterator[list[FactAsOf]]:
    """The last revision at or before `version` of each fact of `kind` (of `keys`, if given), BATCH keys at a time."""
    after = ""
    while True:
        latest = (select(func.max(REVISIONS.c.id))
                  .where(REVISIONS.c.kind == kind, REVISIONS.c.dataset_version <= version)
                  .group_by(REVISIONS.c.key))
        if keys is None:
            latest = latest.where(REVISIONS.c.key > after).order_by(REVISIONS.c.key).limit(BATCH)
        else:
            batch_keys = [key for key in keys if key > after][:BATCH]
            if not batch_keys:
                return
            latest = latest.where(REVISIONS.c.key.in_(batch_keys))
        rows = db.execute(select(REVISIONS.c.key, REVISIONS.c.operation, REVISIONS.c.document)
                          .where(REVISIONS.c.id.in_(latest)).order_by(REVISIONS.c.key)).all()
        if rows:
            yield [FactAsOf(kind, key, operation, document) for key, operation, document in rows]
        if keys is None:
            if len(rows) < BATCH:
                return
            after = rows[-1][0]
        else:
            after = batch_keys[-1]


def changed_keys(db: Database, kind: str, since: int, until: int) -> Iterator[list[str]]:
    """The keys of `kind` with a revision after version `since` up to `until`, sorted, BATCH at a time."""
    after = ""
    while True:
        keys = db.execute(select(REVISIONS.c.key).distinct()
                          .where(REVISIONS.c.kind == kind, REVISIONS.c.key > after,
                                 REVISIONS.c.dataset_version > since, REVISIONS.c.dataset_version <= until)
                          .order_by(REVISIONS.c.key).limit(BATCH)).scalars().all()
        if not keys:
            return
        yield list(keys)
        after = keys[-1]


@dataclass(frozen=True)
class FactChange:
    """How one fact differs between two versions: created, updated (with its field changes) or deprecated."""

    kind: str
    key: str
    operation: str  # created | updated | deprecated
    changes: tuple[dict[str, Any], ...] = ()  # for `updated`: field_changes()
    reason: str | None = None  # for `deprecated`: why, as its deprecation says


def changes_between(db: Database, kinds: Iterable[str], since: int, until: int) -> Iterator[FactChange]:
    """Every fact whose document as of `until` differs from the one as of `since`, by kind (in the order given)
    then key. Only facts with a revision in between are compared: the cost follows the changes, not the data."""
    for kind in kinds:
        for keys in changed_keys(db, kind, since, until):
            before = {fact.key: fact for fact in documents_as_of(db, since, [kind], keys=keys)}
            after = {fact.key: fact for fact in documents_as_of(db, until, [kind], keys=keys,
                                                                   include_deprecated=True)}
            for key in keys:
                old, new = before.get(key), after[key]
                if old is None and not new.deprecated:
                    yield FactChange(kind, key, "created")
                elif old is not None and new.deprecated:
                    reason = orjson.loads(new.document).get("status_reason")
                    yield FactChange(kind, key, "deprecated", reason=reason)
                elif old is not None and old.document != new.document:
                    changes = field_changes(orjson.loads(old.document), orjson.loads(new.document))
                    yield FactChange(kind, key, "updated", tuple(changes))


def field_changes(before: Any, after: Any) -> list[dict[str, Any]]:
    """The RFC 6902 patch from `before` to `after` (jsonpatch.make_patch), field by field: each change's `op`
    (add, remove, replace), JSON Pointer `path`, and its `old` and `new` value (`old` absent for an add, `new`
    for a remove). A move is a remove and an add. Sorted by path, except that the changes inside one array keep
    the patch's order: each shifts the indices of the array's later items, and `old` is the value at `path`
    just before its change."""
    working = copy.deepcopy(before)
    changes: list[tuple[tuple[str, ...], int, dict[str, Any]]] = []
    for operation in jsonpatch.make_patch(before, after).patch:
        for step in _simple(operation, working):
            change: dict[str, Any] = {"op": step["op"], "path": step["path"]}
            if step["op"] in ("remove", "replace"):
                change["old"] = jsonpatch.JsonPointer(step["path"]).resolve(working)
            if step["op"] in ("add", "replace"):
                change["new"] = step["value"]
            changes.append((_sort_group(before, step["path"]), len(changes), change))
            working = jsonpatch.apply_patch(working, [step], in_place=True)
    return [change for _, _, change in sorted(changes, key=lambda c: (c[0], c[1]))]


def _simple(operation: dict[str, Any], working: Any) -> list[dict[str, Any]]:
    """add / remove / replace steps with their values; a move (or copy) becomes a remove (none) and an add."""
    op = operation["op"]
    if op in ("move", "copy"):
        value = copy.deepcopy(jsonpatch.JsonPointer(operation["from"]).resolve(working))
        removal = [{"op": "remove", "path": operation["from"]}] if op == "move" else []
        return [*removal, {"op": "add", "path": operation["path"], "value": value}]
    return [operation] if op in ("add", "remove", "replace") else []  # `test` changes nothing


def _sort_group(document: Any, path: str) -> tuple[str, ...]:
    """Where a change sorts: its path, cut after the first array it is inside (changes there keep their order)."""
    parts = jsonpatch.JsonPointer(path).parts
    node = document
    for depth, part in enumerate(parts):
        if isinstance(node, list):
            return tuple(parts[:depth])
        if not isinstance(node, dict) or part not in node:
            break
        node = node[part]
    return tuple(parts)
