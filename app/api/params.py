"""Query parameters as models: what every list and item route takes, and the strict reading of the query string.

Each collection declares its filters, sort keys and facets in one model (app/<kind>/params.py) that
ends in PageParams. The models forbid extra fields; the error handler turns an unknown name into the
400 invalid-parameter problem it has always been (app.errors).
"""

from enum import Enum, StrEnum
from typing import Annotated, Any, ClassVar
from urllib.parse import unquote_to_bytes

from fastapi import Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import Column, ColumnElement, Table, select

from app.api.negotiation import Format, Lang
from app.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.errors import InvalidParameter
from app.models import Person

_LANG = Field(default=None, description="Languages of text fields; overrides Accept-Language. Default: both.")
_FORMAT = Field(default=None, description="Response format; overrides Accept.")


class NoParams(BaseModel):
    """A route that takes no query parameters: any name is unknown (400)."""

    model_config = ConfigDict(extra="forbid")


class ItemParams(BaseModel):
    """The parameters of an item route."""

    model_config = ConfigDict(extra="forbid")

    lang: Lang | None = _LANG
    format: Format | None = _FORMAT


# le: an INTEGER on every backend, so a larger number is a 422, never a database error (PostgreSQL refused
# 2**31 in the query: a 500 the stateful fuzz test found).
_AS_OF = Field(default=None, ge=1, le=2**31 - 1, description="A release number (`/v1/releases`): the facts "
               "exactly as that release had them.", examples=[1])


class FactItemParams(ItemParams):
    """The parameters of a fact's item route."""

    as_of: int | None = _AS_OF


class PageParams(BaseModel):
    """Paging and format: the last parameters of every list."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT}).")
    cursor: str | None = Field(default=None, max_length=512, description="Opaque cursor from `links.next`.")
    lang: Lang | None = _LANG
    format: Format | None = _FORMAT


class StatusFilter(StrEnum):
    active = "active"
    deprecated = "deprecated"
    all = "all"


class RankFilter(StrEnum):
    preferred = "preferred"
    all = "all"


def _rank_filter(value: Any) -> Any:
    """A rank filter that is neither value is a 400 naming `rank`, as a bad sort key or facet is."""
    if value not in tuple(RankFilter):
        raise InvalidParameter("rank", "must be preferred (the default) or all")
    return value


# For kinds whose facts are ranked (app.facts.ranks): their filters declare `rank: RankParam = RANK`.
RankParam = Annotated[RankFilter, BeforeValidator(_rank_filter)]
RANK = Field(default=RankFilter.preferred, description="Where sources disagree (`/v1/conflicts`), every fact is "
             "kept and ranked: the preferred one (the default), or all of them (normal and deprecated ranks too). "
             "Not with `as_of`: a release is served whole, each fact with the rank it had.")


class CollectionParams(PageParams):
    """A collection's parameters: `class XParams(CollectionParams, XFilters)`, where XFilters declares the
    filters, `sort` and `facet` (pydantic puts the base's fields first: so do the docs), and XParams says
    which sort keys and facets exist and what the filters select."""

    SORTABLE: ClassVar[dict[str, str]] = {}  # sort key → column of the kind's table
    DEFAULT_SORT: ClassVar[str] = "slug"
    FACETABLE: ClassVar[dict[str, str]] = {}  # facet name → column of the kind's table

    status: StatusFilter = Field(default=StatusFilter.active, description="Facts are deprecated, never deleted: "
                                 "active ones (the default), deprecated ones, or all.")
    as_of: int | None = _AS_OF
    updated_since: int | None = Field(default=None, ge=0, le=2**31 - 1, description="Only facts created, changed or deprecated "
                                      "after this dataset version (`/v1/meta` gives the current one; "
                                      "`/v1/changes?since=` lists the changes themselves).", examples=[1])

    def conditions(self) -> list[ColumnElement]:
        """The WHERE clauses of the filters, on the kind's table."""
        return []

    def status_conditions(self, table: Table) -> list[ColumnElement]:
        return [] if self.status is StatusFilter.all else [table.c.status == self.status.value]

    def rank_conditions(self, table: Table) -> list[ColumnElement]:
        """Only the preferred facts unless `rank=all`; kinds that are not ranked declare no `rank`."""
        ranked = getattr(self, "rank", RankFilter.all) is RankFilter.preferred
        return [table.c.rank == RankFilter.preferred.value] if ranked else []

    def filter_key(self) -> tuple:
        """What decides which rows match (the filters, normalised): keys the exact totals and facets."""
        names = set(type(self).model_fields) - NOT_FILTERS
        return tuple((name, _normal(getattr(self, name))) for name in sorted(names))


NOT_FILTERS = frozenset({"sort", "facet", "limit", "cursor", "lang", "format", "as_of"})


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(sorted({_normal(v) for v in value}))
    return value.value if isinstance(value, Enum) else value


def list_of(values: list[Any] | None) -> list[str] | None:
    """Repeated and comma-separated values alike (`place=a&place=b` or `place=a,b`)."""
    if not values:
        return None
    out: list[str] = []
    for value in values:
        raw = value.value if isinstance(value, Enum) else str(value)
        out += [part.strip() for part in raw.split(",") if part.strip()]
    return out or None


def speaker_condition(speaker_id: Column, slugs: list[str]) -> ColumnElement:
    """Statements (events, programmes, measures) whose speaker is one of the people `slugs` names."""
    return speaker_id.in_(select(Person.__table__.c.id).where(Person.__table__.c.slug.in_(slugs)))


async def clean_query_text(request: Request) -> None:
    """No name or value that is not clean UTF-8 text (Starlette would silently replace bad bytes) or that holds
    a NUL reaches a query; nor does such a path parameter."""
    for pair in request.scope["query_string"].decode("latin-1").split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name = _clean_text(raw_name, "query parameter names")
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

