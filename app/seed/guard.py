"""Keeps a seed from overwriting facts changed through the API since the last export.

Once keys publish facts, the database is their system of record; the seed files catch up only when
`python -m app export` writes them out. A seed loaded before that would put the files' older content back
(or deprecate a fact the files never had), so it is refused unless the operator says to overwrite.
"""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from app.models import DatasetState, Revision

REVISIONS = Revision.__table__  # type: ignore[attr-defined]
API_AUTHORS = "key:%"  # the curation API's revisions are by "key:<name>"; a seed's by "seed …"


@dataclass(frozen=True)
class ApiChange:
    """A fact's last revision written through the API."""

    kind: str
    key: str
    author: str
    revision: int

    @property
    def url(self) -> str:
        from app.registry import BY_NAME  # every kind's package: only when a refusal is told

        return BY_NAME[self.kind].url(self.key)

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.url}, changed by {self.author} in revision {self.revision})"


class ApiChangesWouldBeOverwritten(Exception):
    """A seed would change facts written through the API since the last export; nothing was loaded."""

    def __init__(self, changes: list[ApiChange], seed_dir: Path) -> None:
        self.changes = changes
        facts = "; ".join(str(change) for change in changes)
        noun = "fact" if len(changes) == 1 else "facts"
        super().__init__(
            f"the seed files would overwrite {len(changes)} {noun} changed through the API since the last "
            f"export: {facts}. Run `python -m app export {seed_dir}` to write the database's facts to the "
            "files first (and review the diff), or seed with --overwrite-api-changes to replace them with the "
            "files' content")


def api_changes_since_export(session: Session) -> dict[tuple[str, str], ApiChange]:
    """Each fact written through the API after the revision the last export reached, with its last such revision.

    Holds off other writers until the caller's transaction ends: every API write bumps the version in
    dataset_state's row, so none can commit between this look and the seed's commit."""
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        # SQLite's driver begins a transaction only before the first write, and a plain BEGIN takes no lock:
        # without IMMEDIATE another process could still commit before the load's first write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    exported = session.execute(select(DatasetState.exported_revision).where(DatasetState.id == 1)
                               .with_for_update()).scalar() or 0
    rows = session.execute(select(REVISIONS.c.id, REVISIONS.c.kind, REVISIONS.c.key, REVISIONS.c.author)
                           .where(REVISIONS.c.id > exported, REVISIONS.c.author.like(API_AUTHORS))
                           .order_by(REVISIONS.c.id)).all()
    return {(kind, key): ApiChange(kind, key, author, revision) for revision, kind, key, author in rows}


def last_revision(session: Session) -> int:
    return session.execute(select(func.max(REVISIONS.c.id))).scalar() or 0


def touched_since(session: Session, revision: int) -> set[tuple[str, str]]:
    """The facts that have a revision after `revision`."""
    return {(kind, key) for kind, key in session.execute(
        select(REVISIONS.c.kind, REVISIONS.c.key).where(REVISIONS.c.id > revision).distinct())}


def load_guarded(session: Session, seed_dir: Path, *, overwrite: bool) -> tuple[dict[str, int], list[ApiChange]]:
    """Load the seed files in the caller's transaction, unless that would change a fact written through the API
    since the last export. Returns the load's report and the API changes it overwrote (only with `overwrite`).

    Raises ApiChangesWouldBeOverwritten after the load ran: the caller must roll its transaction back. Loading
    first and then looking at the revisions it appended finds every way a seed changes a fact (an update, a
    deprecation, a document that embeds another fact) with the loader's own rules, not a second copy of them.
    """
    from app.seed.load import load_seed  # the loader and validator (YAML, schemas, search) only when loading
    from app.seed.validate import read_seed

    seed = read_seed(seed_dir)
    guarded = api_changes_since_export(session)
    if not guarded:  # the usual case, and every database before curation: no second look
        return load_seed(session, seed), []
    before = last_revision(session)
    report = load_seed(session, seed)
    overwritten = [guarded[fact] for fact in sorted(touched_since(session, before) & guarded.keys(),
                                                    key=lambda fact: guarded[fact].revision)]
    if overwritten and not overwrite:
        raise ApiChangesWouldBeOverwritten(overwritten, seed_dir)
    # The database now holds exactly the files: each API change was overwritten or the files already had it,
    # so none is guarded any longer, as after an export.
    state = session.get(DatasetState, 1)
    assert state is not None  # load_seed made it
    state.exported_revision = last_revision(session)
    if overwritten:
        report["api_change.overwritten"] = len(overwritten)
    return report, overwritten
