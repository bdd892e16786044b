"""HTTP for /v1/search."""

from typing import Annotated, Literal

from fastapi import Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Connection
from starlette.responses import Response

from app.api.links import page_url
from app.api.negotiation import negotiate
from app.api.pagination import decode_rank_cursor, encode_rank_cursor
from app.api.params import PageParams, list_of
from app.api.render import render
from app.api.responses import LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.errors import InvalidParameter
from app.registry import SEARCHED_KINDS
from app.search import service
from app.search.schemas import SearchHit
from app.search.terms import query_units

router = ResourceRouter(tags=["search"])
HitType = Literal[tuple(kind.name for kind in SEARCHED_KINDS)]  # type: ignore[valid-type]


class SearchQuery(BaseModel):
    q: str = Field(min_length=1, max_length=200, description="Words to find (Chinese, English, numbers).",
                   examples=["执法"])
    type: list[HitType] | None = Field(default=None, description="Only these kinds of fact; repeatable.")


class SearchParams(PageParams, SearchQuery):
    pass


@router.get(
    "/search",
    response_model=Page[SearchHit],
    summary="Search every fact",
    description="Finds events, measures, programmes, indicators, observations and places whose text (names, "
    "summaries, metrics, quotes; Chinese and English) contains every word of `q`. Chinese needs no spaces: "
    "1- and 2-character words (执法, 审批, 网格) and phrases (一枚印章) are found anywhere in a text; Latin words "
    "and numbers match at a word start (approv finds approval). Best matches first: a match in a name or title "
    "counts more than one in a summary or quote.",
    responses=LIST_ERRORS,
)
async def search(request: Request, params: Annotated[SearchParams, Query()]) -> Response:
    q, limit, cursor = params.q, params.limit, params.cursor
    neg = negotiate(request, params.lang, params.format)
    units = query_units(q)
    if not units:
        raise InvalidParameter("q", "has no letters, digits or Chinese characters to search for")
    if len(units) > 12:
        raise InvalidParameter("q", "has more than 12 words")
    types = list_of(params.type)
    signature = f"{q}|{types}"
    offset = decode_rank_cursor(signature, cursor) if cursor else 0

    def ranked(connection: Connection) -> tuple[int, list]:
        total, page = service.search_page(connection, q, units, types, offset, limit)
        return total, service.serialize_hits(connection, page, units, neg)

    total, data = await in_connection(request, ranked)
    has_more = offset + limit < total
    next_url = page_url(request, cursor=encode_rank_cursor(signature, offset + limit)) if has_more else None
    body = {
        "data": data,
        "meta": {"total": total, "count": len(data), "limit": limit, "sort": "-score"},
        "links": {"self": page_url(request), "next": next_url},
    }
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return render(neg, body, rows=data, headers=headers, item_model=SearchHit)
