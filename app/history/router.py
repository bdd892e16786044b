"""HTTP for /v1/changes and /v1/<collection>/<key>/history (one route per documented kind)."""

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Connection, exists, select
from starlette.responses import Response

from app.api.aggregates import read_dataset_version
from app.api.collection import query_page
from app.api.negotiation import negotiate
from app.api.params import PageParams, list_of
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.errors import InvalidParameter, NotFound
from app.facts.history import REVISIONS
from app.facts.kind import FactKind
from app.history.schemas import RevisionOut
from app.history.service import DEFAULT_SORT, SORTABLE, changes_since, fact_history, revisions_out
from app.registry import DOCUMENTED_KINDS

router = ResourceRouter(tags=["history"])
FactType = Literal[tuple(kind.name for kind in DOCUMENTED_KINDS)]  # type: ignore[valid-type]


class ChangeFilters(BaseModel):
    since: int = Field(default=0, ge=0, description="Only changes after this dataset version (`/v1/meta` gives "
                                                    "the current one); 0: every change.", examples=[1])
    type: list[FactType] | None = Field(default=None, description="Only changes to these kinds of fact; repeatable.")


class ChangeParams(PageParams, ChangeFilters):
    pass


class HistoryParams(PageParams):
    pass


@router.get("/changes", response_model=Page[RevisionOut], summary="List changes since a dataset version",
            description="Every revision of every fact made after dataset version `since`, oldest first: keep the "
            "last `dataset_version` you saw and ask again with it to get only what changed since.",
            responses=LIST_ERRORS)
async def list_changes(request: Request, params: Annotated[ChangeParams, Query()]) -> Response:
    neg = negotiate(request, params.lang, params.format)

    def page(connection: Connection) -> Response:
        current = read_dataset_version(connection)
        if params.since > (current[0] if current else 0):
            raise InvalidParameter("since", f"is after the current dataset version ({current[0] if current else 0})")
        return query_page(request, connection, stmt=changes_since(params.since, list_of(params.type)),
                          id_column=REVISIONS.c.id, sort=None, sortable=SORTABLE, default_sort=DEFAULT_SORT,
                          limit=params.limit, cursor=params.cursor, neg=neg, serialize=revisions_out,
                          item_model=RevisionOut)

    return await in_connection(request, page)


def _history_route(kind: FactKind) -> Callable[..., Awaitable[Response]]:
    async def history(request: Request, params: HistoryParams, **path: str) -> Response:
        key = path[kind.key]
        neg = negotiate(request, params.lang, params.format)

        def page(connection: Connection) -> Response:
            if not connection.execute(select(exists(fact_history(kind.name, key)))).scalar():
                raise NotFound(f"There is no {kind.noun} '{key}'.")
            return query_page(request, connection, stmt=fact_history(kind.name, key), id_column=REVISIONS.c.id,
                              sort=None, sortable=SORTABLE, default_sort=DEFAULT_SORT, limit=params.limit,
                              cursor=params.cursor, neg=neg, serialize=revisions_out, item_model=RevisionOut)

        return await in_connection(request, page)

    history.__name__ = f"{kind.name}_history"
    # The path parameter is named as on the kind's item route ({slug}, an indicator's {code}).
    history.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter(kind.key, inspect.Parameter.KEYWORD_ONLY, annotation=str),
        inspect.Parameter("params", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[HistoryParams, Query()]),
    ], return_annotation=Response)
    return history


for _kind in DOCUMENTED_KINDS:
    router.add_api_route(
        f"/{_kind.plural}/{{{_kind.key}}}/history", _history_route(_kind), methods=["GET"], response_model=Page[RevisionOut],
        summary=f"List one {_kind.noun}'s revisions",
        description=f"Every revision of the {_kind.noun}, oldest first, each with the JSON Patch that made it. A "
                    f"{_kind.noun} that was deprecated keeps its history.",
        responses={**LIST_ERRORS, 404: ITEM_ERRORS[404]})
