"""The dataset version a request works with, and the exact totals and facet counts cached under it.

Data changes only when a seed (later: a curation write) commits and bumps `dataset_state.version`.
A request reads that version at most once: the response cache, when its check is due, leaves what it
read in the request's scope, and the page reader takes it from there or else reads it itself.
"""

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.types import Scope

VERSION_SCOPE_KEY = "reform_facts.dataset_version"
# The newest release too: making one changes what /v1/releases answers without changing the data.
_READ_VERSION = ("SELECT version, updated_at, (SELECT max(number) FROM dataset_release) FROM dataset_state "
                 "WHERE id = 1")


def read_dataset_version(connection: Connection) -> tuple | None:
    """(version, updated_at, newest release): updated_at too, so a database recreated from scratch is never taken
    for the old one.

    Plain SQL on the driver's own cursor: every cold page reads this, and SQLAlchemy's execution context and
    result object cost several times the query itself (~40 µs of ~50 on SQLite).
    """
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_READ_VERSION)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return tuple(row) if row else None


def remember_version(scope: Scope, version: tuple | None) -> None:
    """Hand a version read by an outer layer (the response cache) to the page reader."""
    scope[VERSION_SCOPE_KEY] = version


def request_version(request: Request, connection: Connection) -> tuple | None:
    """This request's dataset version: read once, by whichever layer needs it first."""
    scope = request.scope
    if VERSION_SCOPE_KEY not in scope:
        scope[VERSION_SCOPE_KEY] = read_dataset_version(connection)
    return scope[VERSION_SCOPE_KEY]


class AggregateCache:
    """Exact totals and facet counts, computed once per filter and dataset version (least recently used go first).

    Counting a filter that matches millions of rows is a scan; every page of that filter needs the same
    number until the data changes, which changes the version that keys the cache. Bounded by
    AGGREGATE_CACHE_MAX_ENTRIES, independently of the response cache (CACHE_MAX_ENTRIES=0 turns off that
    cache only).
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple, Any] = OrderedDict()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        value = compute()
        if self.max_entries > 0:
            while len(self.entries) >= self.max_entries:
                self.entries.popitem(last=False)
            self.entries[key] = value
        return value


def aggregate_cache(request: Request) -> AggregateCache:
    """The app's cache (one per app, so per database)."""
    cache = getattr(request.app.state, "aggregate_cache", None)
    if cache is None:
        cache = request.app.state.aggregate_cache = AggregateCache(request.app.state.settings.aggregate_cache_max_entries)
    return cache
