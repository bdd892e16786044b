"""Brings a database to the schema head and the seed files' content, safely from many processes at once.

Several containers may start together against one PostgreSQL: a session-level advisory lock makes
them migrate and seed one after another (the later ones find nothing left to do). On SQLite a file
lock next to the database does the same for several local processes.
"""

import fcntl
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.audit.log import record
from app.config import REPO_ROOT, Settings
from app.models import DatasetState, Release
from app.seed.fingerprint import seed_fingerprint
from app.seed.guard import ApiChangesWouldBeOverwritten, api_changes_since_export, load_guarded
from app.startup_errors import StartupError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only where it is used: a worker process that never migrates (and /readyz, whose
# head is computed once) should not pay for it at start-up.

log = logging.getLogger("reform_facts.bootstrap")
ADVISORY_LOCK_KEY = 7_411_2019  # any constant shared by every process of this app


def alembic_config(connection: Connection | None = None) -> "Config":
    from alembic.config import Config

    config = Config(toml_file=str(REPO_ROOT / "pyproject.toml"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


_REVISION_RE = re.compile(r"""^revision: str = ["'](\w+)["']""", re.MULTILINE)
_DOWN_REVISION_RE = re.compile(r"""^down_revision: str \| None = ["'](\w+)["']""", re.MULTILINE)


@lru_cache(maxsize=1)  # both known_revisions() and head_revision() read them; the files do not change
def _migration_sources() -> str:
    scripts = sorted((REPO_ROOT / "migrations" / "versions").glob("*.py"))
    return "\n".join(script.read_text(encoding="utf-8") for script in scripts)


@lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    """Every migration shipped with this code: a database at any other revision was migrated by newer code.

    Read from the scripts' revision lines rather than through Alembic, whose import alone costs more
    than the rest of a start-up check; a test holds the head equal to Alembic's own answer.
    """
    return frozenset(_REVISION_RE.findall(_migration_sources()))


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration shipped with this code (it cannot change while the process runs)."""
    heads = known_revisions() - set(_DOWN_REVISION_RE.findall(_migration_sources()))
    if len(heads) > 1:
        raise RuntimeError(f"migrations have several heads: {sorted(heads)}")
    return next(iter(heads), None)


class DatabaseNewerThanCode(StartupError):
    """The database's revision is none of ours: migrating it would fail, serving it would misread it."""

    def __init__(self, revision: str) -> None:
        super().__init__(f"the database is newer than this code: it is at revision {revision}, which this code "
                         f"does not know (its newest is {head_revision()}); deploy the newer code or point "
                         "DATABASE_URL at another database")


def current_revision(connection: Connection) -> str | None:
    """The database's schema revision, read directly (None for an empty database)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def bootstrap_lock(engine: Engine) -> Iterator[Connection]:
    """A connection held under an exclusive lock across processes."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            # The statement timeout guards requests. Here it would end a replica that waits for another's
            # migration and seeding (which may take longer than the timeout themselves): off until unlocked.
            connection.execute(text("SET statement_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                connection.execute(text("RESET statement_timeout"))  # back to the engine's, for the pool
                connection.commit()
        return
    database = make_url(str(engine.url)).database
    lock_path = Path(f"{database}.lock") if database and database != ":memory:" else None
    with engine.connect() as connection:
        if lock_path is None:
            yield connection
            return
        with lock_path.open("w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield connection
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def migrate(connection: Connection) -> None:
    revision = current_revision(connection)
    if revision is not None and revision not in known_revisions():
        raise DatabaseNewerThanCode(revision)
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
    connection.commit()


def seed(connection: Connection, seed_dir: Path, *, force: bool = False, on_request: bool = False,
         overwrite_api_changes: bool = False) -> dict[str, int] | None:
    """Load the seed files unless the database already holds exactly them. None means nothing to do.

    Facts changed through the API since the last export are the database's to keep: a load that would change
    them raises ApiChangesWouldBeOverwritten and writes nothing, unless `overwrite_api_changes` (then the audit
    log names them). An operator's seed (`on_request`) loads even when the files look loaded if there are such
    facts, since the files no longer say what the database holds; a start-up does not, or every restart until
    the next export would repeat the whole load only to refuse it.

    A database with facts and no release yet (a fresh start, or one made before releases) gets release 1, in
    the same transaction; the caller holds bootstrap_lock, so processes starting together make it once."""
    with Session(bind=connection) as session:
        state = session.get(DatasetState, 1)
        report = None
        files_loaded = (state is not None and state.content_sha256 == seed_fingerprint(seed_dir)
                        and state.document_format == current_document_format())
        if force or not files_loaded or (on_request and api_changes_since_export(session)):
            try:
                report, overwritten = load_guarded(session, seed_dir, overwrite=overwrite_api_changes)
            except ApiChangesWouldBeOverwritten:
                session.rollback()
                connection.rollback()  # the session may have joined the connection's transaction: end it too
                raise
            for change in overwritten:  # one event per fact, found by its URL like the API's writes
                record(session.connection(), actor="cli", action="seed", target=change.url,
                       outcome=f"ok: overwrote {change.author}'s revision {change.revision} with {seed_dir}")
        if not session.execute(select(Release.number).limit(1)).first():
            from app.releases.service import IncompleteHistory, ensure_first_release  # only when it is needed

            try:
                release = ensure_first_release(session)
            except IncompleteHistory as exc:  # the facts are still served; a release waits for a full history
                log.warning("no release made: %s", exc)
            else:
                if release is not None:
                    log.info("made release %d of dataset version %d", release.number, release.dataset_version)
        session.commit()
    connection.commit()
    return report


def current_document_format() -> str:
    """What this code's renderers write (their modules are imported only here, when there is a database to check)."""
    from app.seed.load import read_model_format

    return read_model_format()


def prepare_database(engine: Engine, settings: Settings) -> None:
    """Migrate to head and load the seed files if they changed; what `serve` does before it listens."""
    with bootstrap_lock(engine) as connection:
        if current_revision(connection) != head_revision():  # Alembic is loaded only when behind
            migrate(connection)
        try:
            report = seed(connection, settings.seed_data_dir)
        except ApiChangesWouldBeOverwritten as exc:
            # The database is the facts' system of record: serving it as it is beats refusing to start.
            log.warning("seed files not loaded, serving the database as it is: %s", exc)
            return
        if report is None:
            log.info("database is at head and holds the current seed data")
        else:
            log.info("seeded: %s", report)
