"""Answering a list or item request from the stored fact documents (app.models.document).

A list page is one indexed query on the kind's own table (filters, keyset, sort) joined to its
documents, plus the exact total (and facets) from the aggregate cache; the response is the documents'
bytes concatenated. An item is one lookup by kind and key.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import orjson
from fastapi import Request
from sqlalchemy import ColumnElement, Connection, Integer, Select, Table, bindparam, func, select
from starlette.responses import Response

from app.api.aggregates import aggregate_cache, request_version
from app.api.links import page_links, page_url, request_path
from app.api.negotiation import Negotiated, negotiate
from app.api.pagination import (
    SortKey,
    apply_keyset,
    decode_cursor,
    encode_cursor,
    keyset_after,
    keyset_order,
    keyset_parameters,
    parse_sort,
)
from app.api.as_of import release_item, release_page
from app.api.params import CollectionParams, FactItemParams
from app.api.render import render, render_documents
from app.errors import InvalidParameter, NotFound
from app.facts.kind import FactKind
from app.models import FactDocument, Revision

DOCUMENTS: Table = FactDocument.__table__  # type: ignore[attr-defined]
REVISIONS: Table = Revision.__table__  # type: ignore[attr-defined]


def document_column(neg: Negotiated) -> ColumnElement:
    """The stored document for the negotiated languages: json_zh_en, json_zh or json_en."""
    return DOCUMENTS.c["json_" + "_".join(neg.languages)]


def list_page(request: Request, connection: Connection, kind: FactKind, params: CollectionParams,
              conditions: Sequence[ColumnElement] = (), conditions_key: tuple = ()) -> Response:
    """One page of `kind` matching `params`, and `conditions` (a nested list's parent: `conditions_key` says
    which, for the aggregate cache)."""
    neg = negotiate(request, params.lang, params.format)
    if params.as_of is not None:
        members = select(kind.table.c[kind.key]).where(*conditions) if conditions else None
        return release_page(request, connection, kind, params, neg, members, conditions_key)
    table = kind.table
    keys = parse_sort(getattr(params, "sort", None), _sortable(table, type(params)), type(params).DEFAULT_SORT)
    after = decode_cursor(request_path(request), keys, params.cursor, table.c.id) if params.cursor else None
    version = request_version(request, connection)
    if params.updated_since is not None and params.updated_since > (version[0] if version else 0):
        raise InvalidParameter("updated_since",
                               f"is after the current dataset version ({version[0] if version else 0})")
    # The WHERE clauses, built only when a count or a new statement needs them.
    where = cache(lambda: [*params.conditions(), *params.status_conditions(table), *params.rank_conditions(table),
                           *_updated_since(kind, params.updated_since), *conditions])
    facet = getattr(params, "facet", None)
    facets = _facet_names(facet, type(params).FACETABLE) if facet else None

    aggregates = aggregate_cache(request)
    filter_key = params.filter_key()
    filtered = (version, kind.name, filter_key, conditions_key)
    total = aggregates.get(("total", *filtered), lambda: connection.execute(
        select(func.count()).select_from(table).where(*where())).scalar_one())
    facet_counts = ({name: aggregates.get(("facet", name, *filtered),
                                          lambda name=name: _facet(connection, table, where(), type(params).FACETABLE[name]))
                     for name in facets} if facets is not None else None)

    shape = (kind.name, neg.languages, tuple(k.spec for k in keys), after is not None, filter_key, conditions_key)
    stmt = _PAGE_STATEMENTS.get(shape, lambda: _page_statement(kind, neg, keys, where(), after is not None))
    parameters = {"page_limit": params.limit + 1, **(keyset_parameters(after) if after else {})}
    rows = connection.execute(stmt, parameters).all()
    has_more = len(rows) > params.limit
    rows = rows[:params.limit]
    next_cursor = None
    if has_more:
        last = rows[-1]
        next_cursor = encode_cursor(request_path(request), keys, list(last[2:]), last[1])
    self_url, next_url = page_links(request, next_cursor)
    meta: dict[str, Any] = {"total": total, "count": len(rows), "limit": params.limit,
                            "sort": ",".join(k.spec for k in keys)}
    if facet_counts is not None:
        meta["facets"] = facet_counts
    links = {"self": self_url, "next": next_url}
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    envelope = (b'{"data":[', b'],"meta":' + orjson.dumps(meta) + b',"links":' + orjson.dumps(links) + b"}")
    return render_documents(neg, [row[0] for row in rows], envelope=envelope, headers=headers,
                            item_model=kind.item_schema)


def _updated_since(kind: FactKind, version: int | None) -> list[ColumnElement]:
    """Facts with a revision after `version` (app.facts.history): by key, through the revisions' index."""
    if version is None:
        return []
    changed = select(REVISIONS.c.key).where(REVISIONS.c.kind == kind.name, REVISIONS.c.dataset_version > version)
    return [kind.table.c[kind.key].in_(changed)]


def item(request: Request, connection: Connection, kind: FactKind, key: str, params: FactItemParams) -> Response:
    """One fact of `kind` by its key, or a 404 naming what was not found."""
    neg = negotiate(request, params.lang, params.format)
    if params.as_of is not None:
        document = release_item(connection, kind, key, params.as_of, neg)
    else:
        document = find_document(connection, kind, key, neg)
    return render_documents(neg, [document], envelope=None, headers={}, item_model=kind.item_schema)


def find_document(connection: Connection, kind: FactKind, key: str, neg: Negotiated) -> bytes:
    document = connection.execute(_document_statement(neg.languages), {"kind": kind.name, "key": key}).scalar()
    if document is None:
        raise NotFound(f"There is no {kind.noun} '{key}'.")
    return document


@cache
def _document_statement(languages: tuple[str, ...]) -> Select:
    """One document by kind and key; built once per language variant (see _StatementCache for why)."""
    column = DOCUMENTS.c["json_" + "_".join(languages)]
    return select(column).where(DOCUMENTS.c.kind == bindparam("kind"), DOCUMENTS.c.key == bindparam("key"))


def _page_statement(kind: FactKind, neg: Negotiated, keys: list[SortKey], where: list[ColumnElement],
                    after: bool) -> Select:
    """The page query of one shape: the cursor's values and the limit are parameters (keyset_parameters,
    `page_limit`), so every page of a filter and sort runs the same statement object."""
    table = kind.table
    # The document is a correlated subquery, not a join: the page is planned exactly as it would be without
    # documents (filters, keyset, index order, LIMIT), and only its own rows' documents are read. As a join,
    # PostgreSQL merge-joined all 27,839 event documents.
    document = (select(document_column(neg))
                .where(DOCUMENTS.c.kind == kind.name, DOCUMENTS.c.fact_id == table.c.id).scalar_subquery())
    stmt = (select(document, table.c.id, *(k.column.label(f"sort_{i}") for i, k in enumerate(keys)))
            .where(*where, *(keyset_after(keys, table.c.id) if after else ()))
            .order_by(*keyset_order(keys, table.c.id))
            .limit(bindparam("page_limit", type_=Integer)))
    return stmt


class _StatementCache:
    """Built statements by shape (least recently used go first).

    Building a Select and deriving SQLAlchemy's cache key from it cost more CPU than running it on SQLite
    (~130 µs of a ~600 µs cold page); a statement object run again reuses its memoized key and compiled
    form. Shared by the threads that serve PostgreSQL, hence the lock.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple, Select] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, shape: tuple, build: Callable[[], Select]) -> Select:
        with self.lock:
            stmt = self.entries.get(shape)
            if stmt is not None:
                self.entries.move_to_end(shape)
                return stmt
        stmt = build()
        with self.lock:
            self.entries[shape] = stmt
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return stmt


# A shape is a kind, languages, sort, cursor or not, and filter values: paging through one filter reuses one.
_PAGE_STATEMENTS = _StatementCache(1024)


@cache
def _sortable(table: Table, params: type[CollectionParams]) -> dict[str, ColumnElement]:
    return {name: table.c[column] for name, column in params.SORTABLE.items()}


def _facet_names(facet: str, facetable: dict[str, str]) -> list[str]:
    # Each name once, in the order first given: a repeated name would otherwise cost a GROUP BY per copy.
    names = list(dict.fromkeys(f.strip() for f in facet.split(",")))
    for name in names:
        if name not in facetable:
            raise InvalidParameter("facet", f"cannot facet by '{name}'; allowed: {', '.join(sorted(facetable))}")
    return names


def _facet(connection: Connection, table: Table, where: list[ColumnElement], column_name: str) -> list[dict]:
    column = table.c[column_name]
    rows = connection.execute(select(column, func.count()).where(*where).group_by(column)
                              .order_by(func.count().desc(), column)).all()
    return [{"value": _facet_label(v), "count": n} for v, n in rows]


def _facet_label(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else str(value)


def query_page(request: Request, connection: Connection, *, stmt: Select, id_column: ColumnElement,
               sort: str | None, sortable: dict[str, ColumnElement], default_sort: str, limit: int,
               cursor: str | None, neg: Negotiated, serialize: Callable[[list[Any]], list[dict[str, Any]]],
               item_model: Any) -> Response:
    """A page of rows that have no stored documents (a source's citations): rendered on each request."""
    keys: list[SortKey] = parse_sort(sort, sortable, default_sort)
    after = decode_cursor(request_path(request), keys, cursor, id_column) if cursor else None
    total = aggregate_cache(request).get(
        ("total", request_version(request, connection), str(stmt), repr(sorted(stmt.compile().params.items()))),
        lambda: connection.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one())
    rows = connection.execute(apply_keyset(stmt, keys, id_column, after).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if has_more:
        last = rows[-1]._mapping
        values = [last[k.column] for k in keys]
        next_url = page_url(request, cursor=encode_cursor(request_path(request), keys, values, last[id_column]))
    data = serialize(rows)
    body = {"data": data, "meta": {"total": total, "count": len(data), "limit": limit,
                                   "sort": ",".join(k.spec for k in keys)},
            "links": {"self": page_url(request), "next": next_url}}
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return render(neg, body, rows=data, headers=headers, item_model=item_model)
