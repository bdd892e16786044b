"""Finding the open disagreements: facts of one identity (app.facts.ranks) that state it differently.

Only the identities with two or more live facts are read (one GROUP BY per ranked kind), then their
stored documents; what they state is compared there, so agreeing facts (one fact cited twice over) are no
conflict.
"""

from typing import Any

import orjson
from sqlalchemy import Connection, Table, and_, func, select

from app.facts.kind import FactKind
from app.models import FactDocument
from app.models.enums import Rank
from app.registry import RANKED_KINDS

DOCUMENTS: Table = FactDocument.__table__  # type: ignore[attr-defined]
_RANK_ORDER = {rank.value: i for i, rank in enumerate(Rank)}


def open_conflicts(connection: Connection) -> list[dict[str, Any]]:
    """Every open disagreement, by kind (registry order) then identity."""
    conflicts = []
    for kind in RANKED_KINDS:
        conflicts += sorted(_conflicts_of(connection, kind), key=lambda c: tuple(v or "" for v in c["key"].values()))
    return conflicts


def _conflicts_of(connection: Connection, kind: FactKind) -> list[dict[str, Any]]:
    assert kind.ranks is not None
    table = kind.table
    identity = kind.ranks.identity(table)
    live = [table.c.status == "active", table.c.rank != Rank.deprecated.value]
    shared = (select(*(column.label(f"k{i}") for i, column in enumerate(identity))).where(*live)
              .group_by(*identity).having(func.count() > 1).subquery())
    rows = connection.execute(
        select(DOCUMENTS.c.json_zh_en, *identity)
        .join(table, and_(DOCUMENTS.c.kind == kind.name, DOCUMENTS.c.fact_id == table.c.id))
        .where(*live, *(column == shared.c[f"k{i}"] for i, column in enumerate(identity)))).all()
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for document, *key in rows:
        groups.setdefault(tuple(key), []).append(orjson.loads(document))
    out = []
    for key, documents in groups.items():
        facts = [_fact(document, kind.ranks.stated) for document in documents]
        if len({orjson.dumps(fact["stated"]) for fact in facts}) < 2:
            continue  # they agree: several citations of one value, not a disagreement
        facts.sort(key=lambda fact: (_RANK_ORDER[fact["rank"]], fact["slug"]))
        out.append({"kind": kind.name, "key": _key(kind.ranks.describe(connection, key, documents[0])),
                    "facts": facts})
    return out


def _fact(document: dict[str, Any], stated: tuple[str, ...]) -> dict[str, Any]:
    return {
        "slug": document["slug"], "url": document["url"], "stated": {name: document[name] for name in stated},
        "sources": list(dict.fromkeys(citation["source"] for citation in document["citations"])),
        "rank": document["rank"], "rank_reason": document["rank_reason"],
    }


def _key(described: dict[str, str]) -> dict[str, str | None]:
    """Every key field, in the schema's order, null where the kind has none."""
    return {name: described.get(name) for name in ("indicator", "place", "period", "event")}
