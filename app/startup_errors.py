"""Misconfigurations met while opening the database, told to the operator in one line: what is wrong, what to do.

A traceback is the right answer to a bug and the wrong one to a typo in DATABASE_URL: these are the
mistakes an operator makes, and each gets its own sentence. Anything else still raises as it is.
"""

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from app.config import Settings

SUPPORTED_URLS = "sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user@host:5432/name"


class StartupError(Exception):
    """The database cannot be used as configured; the message is the whole story, for one `error:` line."""


@contextmanager
def database_for_startup(settings: Settings) -> Iterator[Engine]:
    """The engine of DATABASE_URL, disposed afterwards; the operator's mistakes surface as a StartupError."""
    from app.db import make_engine

    try:
        engine = make_engine(settings)
    except NoSuchModuleError:  # before ArgumentError, its base
        raise StartupError(f"DATABASE_URL names {_scheme(settings)}, a database this service does not know; "
                           f"set it to {SUPPORTED_URLS}") from None
    except ArgumentError:
        raise StartupError(f"DATABASE_URL is not a database URL; set it to {SUPPORTED_URLS}") from None
    except ImportError as exc:  # the dialect is known but its driver is not installed
        raise StartupError(f"DATABASE_URL names {_scheme(settings)}, whose driver is not installed ({exc}); "
                           f"install it, or set DATABASE_URL to {SUPPORTED_URLS}") from None
    except OSError as exc:  # make_engine creates the SQLite file's directory
        raise _unusable_sqlite_path(settings, _os_reason(exc)) from None
    try:
        yield engine
    except DBAPIError as exc:
        if exc.statement is not None:  # a failing statement is not a connection problem: a bug, raise it
            raise
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        if settings.is_sqlite:
            raise _unusable_sqlite_path(settings, reason) from None
        raise StartupError(f"cannot connect to the database at {_shown_url(settings)} ({reason}); check "
                           "DATABASE_URL and that the database server is running and reachable") from None
    except OSError as exc:
        if not settings.is_sqlite:
            raise
        raise _unusable_sqlite_path(settings, _os_reason(exc)) from None  # the lock file next to it
    finally:
        engine.dispose()


def _unusable_sqlite_path(settings: Settings, reason: str) -> StartupError:
    return StartupError(f"cannot create or open the SQLite database at {make_url(settings.database_url).database} "
                        f"({reason}); set DATABASE_URL to a file in a directory this process can write")


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # "File exists" would hide that a file is in the way
        return f"{exc.filename} is not a directory"
    return f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)


def _scheme(settings: Settings) -> str:
    return settings.database_url.partition(":")[0] or "no database"


def _shown_url(settings: Settings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)
