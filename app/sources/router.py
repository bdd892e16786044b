"""HTTP for /v1/sources (what each source supports is app.citations)."""

from typing import Annotated

from fastapi import Query, Request
from sqlalchemy import select
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.negotiation import TEXT_PLAIN, accepts_media, field_value
from app.api.params import FactItemParams, NoParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.errors import NotAcceptable, NotFound
from app.models import Source
from app.sources.kind import KIND
from app.sources.params import SourceParams
from app.sources.schemas import SourceOut

router = ResourceRouter(tags=["sources"])
SOURCE = Source.__table__


@router.get("/sources", response_model=Page[SourceOut], summary="List sources",
            description="The published texts every quote comes from.", responses=LIST_ERRORS)
async def list_sources(request: Request, params: Annotated[SourceParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/sources/{slug}", response_model=SourceOut, summary="Get one source", responses=ITEM_ERRORS,
            description="A source's metadata, the SHA-256 of its body and links to the body and its citations.")
async def get_source(request: Request, slug: str,
               params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, slug, params))


@router.get(
    "/sources/{slug}/body",
    summary="Get a source's body text",
    description="The article body without website chrome, as UTF-8 text/plain. Citation offsets are code-point "
    "offsets into exactly this text, and its SHA-256 is the source's `body_sha256`.",
    responses={**ITEM_ERRORS, 200: {"description": "The body.", "content": {"text/plain": {
        "schema": {"type": "string"}, "example": "  在机构层级上做减法 在社会服务上做加法\n…"}}}},
    response_class=Response,
)
async def get_source_body(request: Request, slug: str,
                    params: Annotated[NoParams, Query()]) -> Response:
    accept = field_value(request.scope["headers"], b"accept")
    if not accepts_media(accept, TEXT_PLAIN):
        raise NotAcceptable(f"The body is served as text/plain only, not {(accept or '')[:100]}.")
    row = await in_connection(request, lambda connection: connection.execute(
        select(SOURCE.c.body, SOURCE.c.language).where(SOURCE.c.slug == slug)).first())
    if row is None:
        raise NotFound(f"There is no source '{slug}'.")
    # The default max-age, like the citations that point into it: a body and its offsets change together.
    return Response(row.body.encode("utf-8"), media_type="text/plain; charset=utf-8",
                    headers={"Content-Language": row.language})
