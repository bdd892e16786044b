"""Making releases (`python -m app release`, and release 1 on a fresh start) and reading them back for the API."""

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import Row, Select, exists, func, insert, select
from sqlmodel import Session

from app.facts.history import DOCUMENTS, REVISIONS, canonical
from app.facts.kind import item_url
from app.facts.releases import FactChange, changes_between
from app.models import DatasetState, Release
from app.registry import BY_NAME, DOCUMENTED_KINDS, KINDS
from app.releases.metadata import ReleaseFacts, iso_utc, utc
from app.releases.package import build_package

RELEASES = Release.__table__  # type: ignore[attr-defined]
FIRST_RELEASE_NOTES = "First release: the facts of the seed files."
# Items per resource, as /v1/meta counts them: every kind, and citations.
COUNTED = (*(kind.plural for kind in KINDS), "citations")
# What a page of releases reads: everything but the changelog and the package.
SUMMARY_COLUMNS = (RELEASES.c.number, RELEASES.c.published_at, RELEASES.c.notes, RELEASES.c.dataset_version,
                   RELEASES.c.counts, RELEASES.c.package_sha256, RELEASES.c.package_size)
SORTABLE = {"number": RELEASES.c.number}
DEFAULT_SORT = "-number"  # newest first


class NothingToRelease(Exception):
    """The data is what the last release holds (or there is no data yet)."""


class IncompleteHistory(Exception):
    """Some served facts have no revision, so a release made from the revisions would leave them out."""


def create_release(session: Session, notes: str) -> Release:
    """Freeze the current dataset version as the next release, in the caller's transaction (it commits)."""
    state = session.get(DatasetState, 1)
    if state is None or state.version == 0:
        raise NothingToRelease("there are no facts to release yet: seed the database first")
    last = session.execute(select(RELEASES.c.number, RELEASES.c.dataset_version)
                           .order_by(RELEASES.c.number.desc()).limit(1)).first()
    if last is not None and last.dataset_version == state.version:
        raise NothingToRelease(f"nothing changed since release {last.number} (dataset version {state.version}); "
                               "seed new data first")
    unrecorded = session.execute(select(func.count()).select_from(DOCUMENTS).where(~exists().where(
        REVISIONS.c.kind == DOCUMENTS.c.kind, REVISIONS.c.key == DOCUMENTS.c.key))).scalar_one()
    if unrecorded:
        # A database seeded before revisions were recorded, whose seed files have not changed since.
        raise IncompleteHistory(f"{unrecorded} served fact(s) have no revision, so a release would leave them out; "
                                "`python -m app verify-history` names them")
    number = last.number + 1 if last is not None else 1
    since = last.dataset_version if last is not None else 0
    changes = changelog(changes_between(session, [kind.name for kind in DOCUMENTED_KINDS], since, state.version))
    published_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    facts = ReleaseFacts(number, published_at, notes, state.version, last.number if last is not None else None,
                         {operation: len(entries) for operation, entries in changes.items()})
    package = build_package(session, facts)
    row = {
        "number": number, "published_at": published_at, "notes": notes, "dataset_version": state.version,
        "counts": canonical(package.counts), "changelog": orjson.dumps(changes).decode(),
        "package": package.content, "package_sha256": hashlib.sha256(package.content).hexdigest(),
        "package_size": len(package.content),
    }
    session.execute(insert(RELEASES), [row])
    release = session.get(Release, number)
    assert release is not None
    return release


def ensure_first_release(session: Session) -> Release | None:
    """Release 1 from the facts as they stand, if the database holds facts and no release yet (a fresh start).
    Raises IncompleteHistory, like create_release."""
    if session.execute(select(RELEASES.c.number).limit(1)).first() is not None:
        return None
    try:
        return create_release(session, FIRST_RELEASE_NOTES)
    except NothingToRelease:
        return None


def changelog(changes: Iterable[FactChange]) -> dict[str, list[dict[str, Any]]]:
    """The changes as served: created, updated (field by field) and deprecated facts, each in the order given."""
    out: dict[str, list[dict[str, Any]]] = {"created": [], "updated": [], "deprecated": []}
    for change in changes:
        entry: dict[str, Any] = {"type": change.kind, "slug": change.key, "url": BY_NAME[change.kind].url(change.key)}
        if change.operation == "updated":
            entry["changes"] = list(change.changes)
        elif change.operation == "deprecated":
            entry["reason"] = change.reason
        out[change.operation].append(entry)
    return out


def rebuild_package(session: Session, number: int) -> bytes | None:
    """Build release `number`'s package again from its revisions and the stored source texts: the bytes it was
    published with, as long as this code packages as the code that made it did (tests hold it to that)."""
    row = session.execute(select(RELEASES).where(RELEASES.c.number == number)).first()
    if row is None:
        return None
    changes = orjson.loads(row.changelog)
    facts = ReleaseFacts(row.number, utc(row.published_at), row.notes, row.dataset_version,
                         row.number - 1 if row.number > 1 else None,
                         {operation: len(entries) for operation, entries in changes.items()})
    return build_package(session, facts).content


def releases_page() -> Select:
    return select(*SUMMARY_COLUMNS)


def release_statement(number: int) -> Select:
    return select(*SUMMARY_COLUMNS, RELEASES.c.changelog).where(RELEASES.c.number == number)


def package_statement(number: int) -> Select:
    return select(RELEASES.c.package).where(RELEASES.c.number == number)


def releases_out(rows: list[Row]) -> list[dict[str, Any]]:
    return [release_out(row) for row in rows]


def release_out(row: Row, *, with_changelog: bool = False) -> dict[str, Any]:
    counts = orjson.loads(row.counts)
    out = {
        "number": row.number,
        "published_at": iso_utc(row.published_at),
        "notes": row.notes,
        "dataset_version": row.dataset_version,
        # A resource added after the release had none of its items in it.
        "counts": {name: counts.get(name, 0) for name in COUNTED},
        "url": release_url(row.number),
        "datapackage_url": release_url(row.number) + "/datapackage.zip",
        "datapackage_sha256": row.package_sha256,
        "datapackage_size": row.package_size,
    }
    if with_changelog:
        out["changelog"] = orjson.loads(row.changelog)
    return out


def release_url(number: int) -> str:
    return item_url("releases", str(number))


def package_filename(number: int) -> str:
    return f"reform-facts-release-{number}.zip"
