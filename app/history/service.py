"""Reading revisions: the statements behind a fact's history and the change feed, and their JSON."""

from typing import Any

import orjson
from sqlalchemy import Select, select

from app.facts.history import REVISIONS, timestamp
from app.registry import BY_NAME

SORTABLE = {"revision": REVISIONS.c.id}  # oldest first: the order they were made in
DEFAULT_SORT = "revision"


def fact_history(kind: str, key: str) -> Select:
    return select(REVISIONS).where(REVISIONS.c.kind == kind, REVISIONS.c.key == key)


def changes_since(version: int, kinds: list[str] | None) -> Select:
    stmt = select(REVISIONS).where(REVISIONS.c.dataset_version > version)
    return stmt.where(REVISIONS.c.kind.in_(kinds)) if kinds else stmt


def revisions_out(rows: list[Any]) -> list[dict[str, Any]]:
    return [{
        "revision": row.id, "type": row.kind, "slug": row.key, "url": BY_NAME[row.kind].url(row.key),
        "operation": row.operation, "patch": orjson.loads(row.patch), "author": row.author, "comment": row.comment,
        "reviewer": row.reviewer, "proposal_id": row.proposal_id, "created_at": timestamp(row.created_at), "dataset_version": row.dataset_version,
        "prev_hash": row.prev_hash, "hash": row.hash,
    } for row in rows]
