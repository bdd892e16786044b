"""One way to answer a collection request: filter, facet, count, keyset-page, render (JSON/CSV/NDJSON)."""

import csv
import io
from collections.abc import Callable, Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import unquote_to_bytes, urlencode

import orjson
from fastapi import Query, Request
from fastapi.params import Depends
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session
from starlette.responses import Response

from app.api.negotiation import MEDIA_TYPES, Format, Lang, Negotiated
from app.api.pagination import MAX_LIMIT, apply_keyset, decode_cursor, encode_cursor, parse_sort
from app.api.schemas import LocalizedText
from app.errors import InvalidParameter, NotFound
from app.models import Citation, DatasetState, Source

# Query parameters every collection takes, documented once.
LimitQ = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT}).")]
CursorQ = Annotated[str | None, Query(max_length=512, description="Opaque cursor from `links.next`.")]
LangQ = Annotated[Lang | None, Query(description="Languages of text fields; overrides Accept-Language. "
                                                 "Default: both.")]
FormatQ = Annotated[Format | None, Query(alias="format", description="Response format; overrides Accept.")]


def reject_unknown_parameters(request: Request) -> None:
    """A misspelt filter must fail loudly, not silently return everything; and no value that is not
    clean UTF-8 text (Starlette would silently replace bad bytes) or that holds a NUL reaches a query."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = {p.alias for p in _all_query_params(dependant)}
    for pair in request.scope["query_string"].decode("latin-1").split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name = _clean_text(raw_name, "query parameter names")
        if name not in known:
            raise InvalidParameter(name, f"is not a parameter of this endpoint; known: {', '.join(sorted(known))}")
        _clean_text(raw_value, name)
    for name, value in request.path_params.items():
        if "\x00" in str(value) or "\ufffd" in str(value):
            raise InvalidParameter(name, "contains a NUL or an invalid UTF-8 byte", location="path")


def _clean_text(raw: str, name: str) -> str:
    """Percent-decode strictly as UTF-8; a NUL or an invalid byte is the client's error."""
    try:
        text = unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidParameter(name, "is not valid UTF-8") from None
    if "\x00" in text:
        raise InvalidParameter(name, "contains a NUL character")
    return text


def _all_query_params(dependant: Any) -> list:
    params = list(dependant.query_params)
    for sub in dependant.dependencies:
        params += _all_query_params(sub)
    return params


RejectUnknown = Depends(reject_unknown_parameters)


def text_of(row: Any, stem: str, neg: Negotiated) -> dict[str, str | None]:
    return {lang: getattr(row, f"{stem}_{lang}") for lang in neg.languages}


def find_one(session: Session, model: type, key: str, value: str, noun: str) -> Any:
    """The row of `model` whose `key` is `value`, or a 404 saying which `noun` was not found."""
    row = session.execute(select(model).where(getattr(model, key) == value)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no {noun} '{value}'.")
    return row


def citations_for(session: Session, column: str, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Citations of many facts of one kind, in one query, grouped by fact id."""
    if not ids:
        return {}
    fact = getattr(Citation, column)
    rows = session.execute(
        select(fact, Source.slug, Citation.quote, Citation.start_offset, Citation.end_offset)
        .join(Source, Source.id == Citation.source_id)
        .where(fact.in_(ids))
        .order_by(fact, Citation.position)
    ).all()
    grouped: dict[int, list[dict[str, Any]]] = {}
    for fact_id, slug, quote, start, end in rows:
        grouped.setdefault(fact_id, []).append(
            {"source": slug, "source_url": f"/v1/sources/{slug}", "quote": quote, "start": start, "end": end}
        )
    return grouped


def page_url(request: Request, **overrides: str | None) -> str:
    """This request's URL (relative) with `overrides` replacing parameters; every repeated value kept, in order."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in overrides]
    params += [(k, v) for k, v in overrides.items() if v is not None]
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


def collection_response(
    request: Request,
    session: Session,
    *,
    stmt: Select,
    id_column: ColumnElement,
    sort: str | None,
    sortable: dict[str, ColumnElement],
    default_sort: str,
    limit: int,
    cursor: str | None,
    neg: Negotiated,
    serialize: Callable[[Session, list[Any], Negotiated], list[dict[str, Any]]],
    facet: str | None = None,
    facetable: dict[str, ColumnElement] | None = None,
) -> Response:
    """`stmt` selects the filtered rows (one entity); everything else about a page happens here."""
    keys = parse_sort(sort, sortable, default_sort)
    after = decode_cursor(request.url.path, keys, cursor, id_column) if cursor else None
    aggregates = _aggregates(request, session)
    total = aggregates.get(("total", stmt), lambda: session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one())
    facets = (aggregates.get(("facets", facet, stmt), lambda: _facets(session, stmt, facet, facetable or {}))
              if facet else None)
    rows = session.execute(apply_keyset(stmt, keys, id_column, after).limit(limit + 1)).scalars().all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more:
        last = rows[-1]
        values = [_sort_value(last, k.column) for k in keys]
        next_cursor = encode_cursor(request.url.path, keys, values, last.id)
    data = serialize(session, rows, neg)
    links = {"self": page_url(request), "next": page_url(request, cursor=next_cursor) if next_cursor else None}
    meta: dict[str, Any] = {"total": total, "count": len(data), "limit": limit,
                            "sort": ",".join(k.spec for k in keys)}
    if facets is not None:
        meta["facets"] = facets
    headers = {"Content-Language": neg.content_language}
    if links["next"]:
        headers["Link"] = f'<{links["next"]}>; rel="next"'
    return render(neg, {"data": data, "meta": meta, "links": links}, rows=data, headers=headers,
                  item_model=_item_model(request))


class AggregateCache:
    """Exact totals and facet counts, computed once per filter and dataset version.

    Counting a filter that matches millions of rows is a scan; every page of that filter needs the same
    number until a seed changes the data, which bumps the dataset version that keys the cache.
    """

    MAX_ENTRIES = 4096

    def __init__(self, entries: dict[tuple, Any], session: Session) -> None:
        self.entries = entries  # shared by every request of one app
        self.session = session
        self.version: tuple | None = None

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if self.version is None:
            # Read before computing: a seed committing in between leaves a value that is at least as new
            # as the version it is filed under, never older.
            self.version = tuple(self.session.execute(select(DatasetState.version, DatasetState.updated_at)
                                                      .where(DatasetState.id == 1)).one_or_none() or ())
        *names, stmt = key
        compiled = stmt.compile(dialect=self.session.get_bind().dialect)
        full_key = (self.version, *names, str(compiled), repr(sorted(compiled.params.items())))
        if full_key not in self.entries:
            if len(self.entries) >= self.MAX_ENTRIES:
                self.entries.clear()
            self.entries[full_key] = compute()
        return self.entries[full_key]


def _aggregates(request: Request, session: Session) -> AggregateCache:
    """The app's cache (one per app, so per database), bound to this request's session."""
    entries = getattr(request.app.state, "aggregate_cache_entries", None)
    if entries is None:
        entries = request.app.state.aggregate_cache_entries = {}
    return AggregateCache(entries, session)


def _item_model(request: Request) -> type[BaseModel] | None:
    """The item schema of the route's documented Page[Item] response model."""
    page_model = getattr(request.scope.get("route"), "response_model", None)
    field = getattr(page_model, "model_fields", {}).get("data")
    args = get_args(field.annotation) if field else ()
    return args[0] if args and isinstance(args[0], type) and issubclass(args[0], BaseModel) else None


def _sort_value(row: Any, column: ColumnElement) -> Any:
    return getattr(row, column.key)


def _facets(session: Session, stmt: Select, facet: str, facetable: dict[str, ColumnElement]) -> dict[str, list]:
    out: dict[str, list] = {}
    # Each name once, in the order first given: a repeated name would otherwise cost a GROUP BY per copy.
    for name in dict.fromkeys(f.strip() for f in facet.split(",")):
        if name not in facetable:
            raise InvalidParameter("facet", f"cannot facet by '{name}'; allowed: {', '.join(sorted(facetable))}")
        column = facetable[name]
        sub = stmt.order_by(None).subquery()
        counted = sub.c[column.key]
        rows = session.execute(
            select(counted, func.count()).group_by(counted).order_by(func.count().desc(), counted)
        ).all()
        out[name] = [{"value": _facet_label(v), "count": n} for v, n in rows]
    return out


def _facet_label(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else str(value)


def render(neg: Negotiated, body: dict[str, Any], *, rows: list[dict[str, Any]] | None = None,
           headers: dict[str, str] | None = None, item_model: type[BaseModel] | None = None) -> Response:
    """JSON as is; CSV and NDJSON get the page's rows (or the single item) flattened.

    `item_model` (the schema of one row) fixes the CSV columns, so even an empty page has its header row.
    """
    headers = {"Content-Language": neg.content_language, **(headers or {})}
    if neg.format is Format.json:
        return Response(orjson.dumps(body), media_type=MEDIA_TYPES[Format.json], headers=headers)
    items = rows if rows is not None else [body]
    if neg.format is Format.ndjson:
        payload = b"".join(orjson.dumps(item) + b"\n" for item in items)
        return Response(payload, media_type=MEDIA_TYPES[Format.ndjson], headers=headers)
    columns = csv_columns(item_model, neg.languages) if item_model else None
    return Response(to_csv(items, columns).encode("utf-8"), media_type=MEDIA_TYPES[Format.csv], headers=headers)


def csv_columns(model: type[BaseModel], languages: tuple[str, ...], prefix: str = "") -> list[str]:
    """The flattened column names of a response model, in its field order."""
    columns: list[str] = []
    for name, info in model.model_fields.items():
        nested = _model_in(info.annotation)
        if nested is LocalizedText:
            columns += [f"{prefix}{name}_{lang}" for lang in languages]
        elif nested is not None:
            columns += csv_columns(nested, languages, f"{prefix}{name}_")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly (X or X | None), not inside a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, UnionType):
        models = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    return None


def flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become prefixed columns (name.zh → name_zh); lists become JSON text."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not key.startswith("facets"):
            flat.update(flatten(value, f"{name}_"))
        elif isinstance(value, list):
            flat[name] = orjson.dumps(value).decode()
        else:
            flat[name] = value
    return flat


def to_csv(items: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    buffer = io.StringIO()
    flat = [flatten(item) for item in items]
    if columns is None:
        columns = []
        for row in flat:
            columns += [c for c in row if c not in columns]
    # A null nested object (a measure without programme) leaves its columns empty.
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", restval="", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(flat)
    return buffer.getvalue()
