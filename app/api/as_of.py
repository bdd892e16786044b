"""`as_of=<release>`: a collection page or an item exactly as a release had it, read from the revisions.

A release freezes a dataset version; a fact's document then is the document of its last revision at or
before that version (app.facts.history keeps the whole document in every revision). Revisions hold the
`lang=all` document as canonical JSON, so it is put back in the item schema's key order and cut to the
languages asked for: for the current data that gives the live document byte for byte (tested).
A release is served whole, in key order: filters, sort keys and facets apply to the current data only.
"""

from dataclasses import dataclass
from functools import cache, lru_cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import orjson
from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import Connection, Integer, Select, Table, bindparam, func, select
from starlette.responses import Response

from app.api.aggregates import aggregate_cache, request_version
from app.api.links import page_url, request_path
from app.api.negotiation import Negotiated
from app.api.pagination import SortKey, decode_cursor, encode_cursor, keyset_after, keyset_order, keyset_parameters
from app.api.params import NOT_FILTERS, CollectionParams, StatusFilter
from app.api.render import render_documents
from app.errors import InvalidParameter, NotFound
from app.facts.kind import FactKind
from app.models import Release, Revision

REVISIONS: Table = Revision.__table__  # type: ignore[attr-defined]
RELEASES: Table = Release.__table__  # type: ignore[attr-defined]
CURSOR_SCOPE = "@as_of"  # signs a release page's cursors apart from the live list's (ids differ)


_RELEASE_VERSION = select(RELEASES.c.dataset_version).where(RELEASES.c.number == bindparam("number"))


def release_version(connection: Connection, number: int) -> int:
    """The dataset version release `number` froze; a release that does not exist is the client's error."""
    version = connection.execute(_RELEASE_VERSION, {"number": number}).scalar()
    if version is None:
        latest = connection.execute(select(func.max(RELEASES.c.number))).scalar()
        raise InvalidParameter("as_of", f"names no release: the latest is {latest}" if latest
                               else "names no release: there are no releases yet")
    return version


def refuse_filters(params: CollectionParams) -> None:
    """A release is served whole: a filter, sort or facet would apply to today's data, not the release's."""
    if "rank" in params.model_fields_set:
        # Even rank=preferred: a release's page holds every fact with the rank it had then, not only preferred ones.
        raise InvalidParameter("rank", "cannot be combined with as_of: a release is served whole, every fact with "
                                       "the rank it had (each document gives it)")
    for name, info in type(params).model_fields.items():
        if name in NOT_FILTERS - {"sort", "facet"} or name in ("as_of", "status"):
            continue
        if getattr(params, name) != info.default:
            raise InvalidParameter(name, "cannot be combined with as_of: a release is served whole, in key order "
                                         "(use status, limit, cursor, lang and format)")


def release_page(request: Request, connection: Connection, kind: FactKind, params: CollectionParams,
                 neg: Negotiated, members: Select | None = None, members_key: tuple = ()) -> Response:
    """One page of `kind` as release `params.as_of` had it, in key order; only the keys `members` selects, if
    given (a nested list: the observations of one indicator)."""
    assert params.as_of is not None
    refuse_filters(params)
    version = release_version(connection, params.as_of)
    if members is None:
        statements = _page_statements(kind, params.status)
    else:  # a nested list (the observations of one indicator): built for its members
        statements = _ReleasePage.build(kind, params.status, members)
    facts, keys = statements.facts, statements.keys
    path = request_path(request) + CURSOR_SCOPE
    after = decode_cursor(path, keys, params.cursor, facts.c.id) if params.cursor else None
    bound = {"version": version, "limit": params.limit + 1}
    total = aggregate_cache(request).get(
        ("as_of", request_version(request, connection), kind.name, version, params.status.value, members_key),
        lambda: connection.execute(statements.count, bound).scalar_one())
    if after is None:
        rows = connection.execute(statements.first_page, bound).all()
    else:
        rows = connection.execute(statements.after_cursor, {**bound, **keyset_parameters(after)}).all()
    has_more = len(rows) > params.limit
    rows = rows[:params.limit]
    next_url = None
    if has_more:
        next_url = page_url(request, cursor=encode_cursor(path, keys, [rows[-1].key], rows[-1].id))
    meta = {"total": total, "count": len(rows), "limit": params.limit, "sort": kind.key}
    links = {"self": page_url(request), "next": next_url}
    envelope = (b'{"data":[', b'],"meta":' + orjson.dumps(meta) + b',"links":' + orjson.dumps(links) + b"}")
    documents = [served_document(row.document, kind.item_schema, neg.languages) for row in rows]
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return render_documents(neg, documents, envelope=envelope, headers=headers, item_model=kind.item_schema)


def release_item(connection: Connection, kind: FactKind, key: str, number: int, neg: Negotiated) -> bytes:
    """One fact as release `number` had it (a fact deprecated by then is served, as deprecated)."""
    version = release_version(connection, number)
    latest = (select(func.max(REVISIONS.c.id))
              .where(REVISIONS.c.kind == kind.name, REVISIONS.c.key == key, REVISIONS.c.dataset_version <= version)
              .scalar_subquery())
    document = connection.execute(select(REVISIONS.c.document).where(REVISIONS.c.id == latest)).scalar()
    if document is None:
        raise NotFound(f"There is no {kind.noun} '{key}' in release {number}.")
    return served_document(document, kind.item_schema, neg.languages)


@dataclass(frozen=True)
class _ReleasePage:
    """The statements of a release page of one kind and status; the version, limit and cursor are parameters."""

    facts: Any
    keys: list[SortKey]
    count: Select
    first_page: Select
    after_cursor: Select

    @classmethod
    def build(cls, kind: FactKind, status: StatusFilter, members: Select | None) -> "_ReleasePage":
        facts = _facts_as_of(kind, status, members)
        keys = [SortKey(kind.key, facts.c.key, descending=False)]  # a release page's one order
        page = (select(facts.c.document, facts.c.id, facts.c.key).order_by(*keyset_order(keys, facts.c.id))
                .limit(bindparam("limit", type_=Integer)))
        return cls(facts, keys, select(func.count()).select_from(facts), page,
                   page.where(*keyset_after(keys, facts.c.id)))


# Built once per kind and status: building them on each request cost more than the rest of a release page.
_RELEASE_PAGES: dict[tuple[str, StatusFilter], _ReleasePage] = {}


def _page_statements(kind: FactKind, status: StatusFilter) -> _ReleasePage:
    statements = _RELEASE_PAGES.get((kind.name, status))
    if statements is None:
        statements = _RELEASE_PAGES[(kind.name, status)] = _ReleasePage.build(kind, status, None)
    return statements


def _facts_as_of(kind: FactKind, status: StatusFilter, members: Select | None) -> Any:
    """Each fact's last revision at or before the parameter `version` (id, key, document), as a subquery."""
    latest = (select(func.max(REVISIONS.c.id))
              .where(REVISIONS.c.kind == kind.name, REVISIONS.c.dataset_version <= bindparam("version", type_=Integer),
                     *([REVISIONS.c.key.in_(members)] if members is not None else []))
              .group_by(REVISIONS.c.key))
    stmt: Select = select(REVISIONS.c.id, REVISIONS.c.key, REVISIONS.c.document).where(REVISIONS.c.id.in_(latest))
    if status is StatusFilter.active:
        stmt = stmt.where(REVISIONS.c.operation != "deprecate")
    elif status is StatusFilter.deprecated:
        stmt = stmt.where(REVISIONS.c.operation == "deprecate")
    return stmt.subquery("facts")


# A revision never changes (fact_revision is append-only), so its served form is a pure function of the stored
# text, the schema and the languages: remembered for the release pages' most recent documents. Keyed by the
# text itself, so a process that serves several databases (the tests) never mixes them up.
@lru_cache(maxsize=4096)
def served_document(canonical: str, model: type[BaseModel] | None, languages: tuple[str, ...]) -> bytes:
    """A revision's document as the API serves it: the item schema's key order, the languages asked for."""
    return orjson.dumps(_localized(_in_schema_order(orjson.loads(canonical), model), languages))


def _in_schema_order(value: Any, model: type[BaseModel] | None) -> Any:
    if isinstance(value, list):
        return [_in_schema_order(v, model) for v in value]
    if not isinstance(value, dict) or model is None:
        return value
    ordered = {name: _in_schema_order(value[name], field_model)
               for name, field_model in _fields(model) if name in value}
    ordered.update((k, v) for k, v in value.items() if k not in ordered)  # keys the schema no longer has
    return ordered


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel] | None], ...]:
    """The model's fields in order, each with the model it holds: worked out once per model (reading the type
    annotations of every field of every value was nine tenths of a release page)."""
    return tuple((name, _model_of(info.annotation)) for name, info in model.model_fields.items())


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds: X, X | None, list[X] or Annotated[X, …]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (Union, UnionType, list, Annotated):
        models = [m for m in map(_model_of, get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    return None


def _localized(value: Any, languages: tuple[str, ...]) -> Any:
    """Every bilingual text ({"zh", "en"}) cut to `languages`, as the renderers write it for lang=zh or en."""
    if isinstance(value, list):
        return [_localized(v, languages) for v in value]
    if not isinstance(value, dict):
        return value
    if value.keys() == {"zh", "en"}:
        return {lang: value[lang] for lang in languages}
    return {k: _localized(v, languages) for k, v in value.items()}
