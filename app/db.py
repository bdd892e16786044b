"""Engine factory, how read routes use a connection, the constraint naming convention and exact-decimal storage."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import anyio
from fastapi import Request
from sqlalchemy import Connection, Engine, String, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from app.config import Settings

T = TypeVar("T")

# Named constraints make migrations reviewable and downgrades possible on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


SQLITE_POOL_SIZE = 40  # anyio's default worker threads: at most this many requests use the database at once


class ExactDecimal(TypeDecorator):
    """A Decimal stored as its canonical text, so `138.1` comes back as `138.1` on every backend.

    SQLite has no exact numeric type (NUMERIC columns become floats); text keeps the published digits.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return format(Decimal(value), "f")

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if settings.is_sqlite:
        _ensure_sqlite_dir(url)
        # A connection per request thread in use, kept: opening one runs the pragmas below, and the default
        # pool (5 + 10 overflow, the overflow closed on return) reopened connections on every busy request.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15},
                               pool_size=SQLITE_POOL_SIZE, max_overflow=0, pool_timeout=settings.db_pool_timeout)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # JIT compilation costs tens of milliseconds on the large counts and pays off only for long
    # analytical queries, which this API does not run.
    options = f"-c statement_timeout={settings.db_statement_timeout_ms} -c jit=off"
    return create_engine(
        url,
        pool_pre_ping=True,  # a connection that died with the database is replaced, not handed out
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        connect_args={
            "connect_timeout": settings.db_connect_timeout,
            "options": options,
            # A database that stops answering with the socket still open (a partition) must not hang a
            # request until TCP gives up: unacknowledged data fails the connection after this long.
            "tcp_user_timeout": (settings.db_connect_timeout + 5) * 1000,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    )


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


async def in_connection(request: Request, work: Callable[[Connection], T]) -> T:
    """Run `work` with a Core connection: the read routes are async and do all their database work in one call.

    SQLite work runs right here: it is in-process CPU with no network wait (readers never wait for a
    writer in WAL mode), and handing it to a thread and back cost more CPU than a whole cold page
    (about 1 ms per request). PostgreSQL work runs in a worker thread, so that waiting on the network
    never holds up the event loop; see `_Readers` for how.
    """
    engine = request.app.state.engine
    if engine.dialect.name == "sqlite":
        connection = _sqlite_reader(request.app.state, engine)
        try:
            return work(connection)
        except DBAPIError:
            close_sqlite_reader(request.app.state)  # a broken connection is not handed to the next request
            raise
    readers = _readers(request.app.state, engine)

    def run() -> T:
        with readers.engine.connect() as connection:
            return work(connection)

    return await anyio.to_thread.run_sync(run, limiter=readers.limiter)


def _sqlite_reader(state: Any, engine: Engine) -> Connection:
    """The event loop's one SQLite connection, kept open across requests.

    Reads run inline on the loop, one at a time, so one connection serves them all; checking one out of
    the pool and returning it (with its reset) cost about a tenth of a cold page. It holds no transaction
    between statements: SQLite's driver begins one only before a write, so each read sees the latest commit.
    """
    reader = getattr(state, "sqlite_reader", None)
    if reader is None or reader.engine is not engine:  # one per engine: tests give each app its own
        reader = state.sqlite_reader = engine.connect()
    return reader


def close_sqlite_reader(state: Any) -> None:
    reader = getattr(state, "sqlite_reader", None)
    state.sqlite_reader = None
    if reader is not None:
        reader.close()


@dataclass(frozen=True)
class _Readers:
    """How the read routes use PostgreSQL.

    - Autocommit: a read is one or two statements that need no transaction, so no BEGIN before them and
      no ROLLBACK when the connection goes back to the pool (two round trips of five, per cold page).
    - At most DB_POOL_SIZE at once: more threads than pooled connections made the pool open overflow
      connections and close them again on return, a new PostgreSQL backend per busy request.
    """

    source: Engine
    engine: Engine
    limiter: anyio.CapacityLimiter


def _readers(state: Any, engine: Engine) -> _Readers:
    readers = getattr(state, "readers", None)
    if readers is None or readers.source is not engine:  # one per engine: tests give each app its own
        readers = state.readers = _Readers(engine, engine.execution_options(isolation_level="AUTOCOMMIT"),
                                           anyio.CapacityLimiter(engine.pool.size()))
    return readers
