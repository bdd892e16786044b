"""HTTP for /v1/conflicts."""

from typing import Annotated

from fastapi import Query, Request
from sqlalchemy import Connection
from starlette.responses import Response

from app.api.aggregates import aggregate_cache, request_version
from app.api.links import page_url
from app.api.negotiation import negotiate
from app.api.pagination import decode_rank_cursor, encode_rank_cursor
from app.api.params import PageParams
from app.api.render import render
from app.api.responses import LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.conflicts.schemas import ConflictOut
from app.conflicts.service import open_conflicts
from app.db import in_connection

router = ResourceRouter(tags=["conflicts"])
CURSOR_SIGNATURE = "/v1/conflicts"  # a page's position in the one ordering there is


class ConflictParams(PageParams):
    pass


@router.get("/conflicts", response_model=Page[ConflictOut], summary="List open disagreements between sources",
            description="Where sources state the same thing differently — an indicator's value for one place and "
            "period, or an event's date — every version is kept and ranked (`rank` on observations and events): "
            "lists show the preferred one, `rank=all` all of them. Each item is one open disagreement with its "
            "competing facts, what each states, its sources and its rank; by kind, then key.",
            responses=LIST_ERRORS)
async def list_conflicts(request: Request, params: Annotated[ConflictParams, Query()]) -> Response:
    neg = negotiate(request, params.lang, params.format)
    offset = decode_rank_cursor(CURSOR_SIGNATURE, params.cursor) if params.cursor else 0

    def page(connection: Connection) -> Response:
        # Computed once per dataset version: the data changes only when a seed commits.
        conflicts = aggregate_cache(request).get(("conflicts", request_version(request, connection)),
                                                 lambda: open_conflicts(connection))
        data = conflicts[offset:offset + params.limit]
        has_more = offset + params.limit < len(conflicts)
        next_url = page_url(request, cursor=encode_rank_cursor(CURSOR_SIGNATURE, offset + params.limit)) \
            if has_more else None
        body = {"data": data, "meta": {"total": len(conflicts), "count": len(data), "limit": params.limit,
                                       "sort": "kind,key"},
                "links": {"self": page_url(request), "next": next_url}}
        headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
        return render(neg, body, rows=data, headers=headers, item_model=ConflictOut)

    return await in_connection(request, page)
