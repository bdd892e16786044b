"""Ranks: which of the facts that sources give differently for the same thing the lists show.

Facts that share an identity — an observation's indicator, place and period; an event and those `same_as`
it — are all kept. In each such group one is `preferred` and the others `normal`, each with a reason; a
fact alone in its group is preferred, with no reason. A curator's `rank` and `rank_reason` in the seed
files are kept as given. Otherwise the preferred fact is the one citing the most recently published
source (a later publication revises an earlier one), and of equally recent ones the first recorded.
Only active facts are ranked: a deprecated fact keeps the rank it had.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, func, select
from sqlmodel import Session

from app.models import Citation, Source
from app.models.enums import Rank

PREFERRED, NORMAL = Rank.preferred.value, Rank.normal.value


@dataclass(frozen=True)
class RankRule:
    """What makes two facts of a kind claims about the same thing, and what they may disagree on."""

    what: str  # in reasons: "for the same {what}"
    identity: Callable[[Table], list[ColumnElement]]  # the columns (or expressions) facts about one thing share
    identity_of: Callable[[Any], tuple]  # the same, of a row
    entry_identity: Callable[[Any], tuple]  # the same, of a seed entry (references by key)
    stated: tuple[str, ...]  # the document fields sources may state differently (shown by /v1/conflicts)
    # (connection, identity, a member's document) → the identity by keys, as /v1/conflicts names it
    describe: Callable[[Connection, tuple, dict[str, Any]], dict[str, str]]


Explicit = dict[str, tuple[str, str]]  # key → (rank, reason) as the seed files give them


def assign_ranks(session: Session, model: Any, cited_by: str, key: str, rule: RankRule, explicit: Explicit) -> int:
    """Set the rank and reason of every active fact of `model`; returns how many changed."""
    rows = session.execute(select(model).where(model.status == "active")).scalars().all()
    published = _latest_source_dates(session, cited_by)
    groups: dict[tuple, list[Any]] = defaultdict(list)
    for row in rows:
        groups[rule.identity_of(row)].append(row)
    changed = 0
    for group in groups.values():
        ranked_group = rank_group(group, key, rule.what, explicit, published)
        for row in group:
            ranked = ranked_group[row.id]
            if (row.rank, row.rank_reason) != ranked:
                row.rank, row.rank_reason = ranked
                changed += 1
    session.flush()
    return changed


def rank_group(group: list[Any], key: str, what: str, explicit: Explicit,
               published: dict[int, dt.date]) -> dict[int, tuple[str, str | None]]:
    """The rank and reason of each fact of one group (rows with `id` and the `key` attribute), by id."""
    ranks: dict[int, tuple[str, str | None]] = {}
    by_id = {row.id: row for row in group}
    free = []
    for row in sorted(group, key=lambda r: r.id):
        given = explicit.get(getattr(row, key))
        if given is not None:
            ranks[row.id] = given
        else:
            free.append(row)
    if len(group) == 1 and free:
        return {free[0].id: (PREFERRED, None)}
    chosen = [by_id[fact_id] for fact_id, (rank, _) in ranks.items() if rank == PREFERRED]
    if not chosen and free:
        # The latest publication; among equally recent ones the first recorded (max keeps the first it meets).
        winner = max(free, key=lambda r: published.get(r.id, dt.date.min))
        date = published.get(winner.id)
        ties = [r for r in free if published.get(r.id) == date]
        if len(free) == 1:
            why = f"the other facts for the same {what} are ranked by a curator"
        elif len(ties) == 1:
            why = f"cites the most recently published source ({date}) of the {len(free)} facts for the same {what}"
        else:
            why = (f"recorded first of the {len(ties)} facts for the same {what} whose latest sources were "
                   f"published {date}")
        ranks[winner.id] = (PREFERRED, why)
        free.remove(winner)
        chosen = [winner]
    for row in free:
        ranks[row.id] = (NORMAL, f"{getattr(chosen[0], key)} is preferred for the same {what}")
    return ranks


def rerank_groups(session: Session, model: Any, cited_by: str, key: str, rule: RankRule,
                  identities: set[tuple]) -> list[int]:
    """Rank by the rule the active facts of these identity groups only (those a curation write touched: the
    rest cannot have moved); returns the ids whose rank changed."""
    changed = []
    columns = rule.identity(model.__table__)
    for identity in identities:
        group = session.execute(select(model).where(
            model.status == "active", *(column == value for column, value in zip(columns, identity, strict=True)))
        ).scalars().all()
        if not group:
            continue
        published = _latest_source_dates(session, cited_by, [row.id for row in group])
        ranked = rank_group(list(group), key, rule.what, {}, published)
        for row in group:
            if (row.rank, row.rank_reason) != ranked[row.id]:
                row.rank, row.rank_reason = ranked[row.id]
                changed.append(row.id)
    session.flush()
    return changed


def _latest_source_dates(session: Session, cited_by: str, ids: list[int] | None = None) -> dict[int, dt.date]:
    """The publication date of each fact's (of `ids`, or every fact's) most recently published cited source."""
    column = getattr(Citation, cited_by)
    statement = (select(column, func.max(Source.published_on)).join(Source, Source.id == Citation.source_id)
                 .where(column.isnot(None) if ids is None else column.in_(ids)).group_by(column))
    rows = session.execute(statement).all()
    return {fact_id: date for fact_id, date in rows}
