"""HTTP for /v1/sources."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.api.collection import CursorQ, FormatQ, LangQ, LimitQ, collection_response, find_one, render
from app.api.negotiation import TEXT_PLAIN, accepts_media, field_value, negotiate
from app.api.pagination import DEFAULT_LIMIT
from app.api.responses import ITEM_ERRORS, LIST_ERRORS, list_of
from app.api.schemas import Page
from app.db import SessionDep
from app.errors import NotAcceptable
from app.models import Citation, Source
from app.sources import service
from app.sources.schemas import SourceCitationOut, SourceOut

router = APIRouter(tags=["sources"])
FactType = Literal["place", "event", "indicator", "observation", "programme", "measure", "metric"]


@router.get("/sources", response_model=Page[SourceOut], summary="List sources",
            description="The published texts every quote comes from.", responses=LIST_ERRORS)
def list_sources(
    request: Request,
    session: SessionDep,
    sort: Annotated[str | None, Query(description="Keys: slug, published_on.")] = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    return collection_response(
        request, session, stmt=service.sources_query(), id_column=Source.id, sort=sort,
        sortable=service.SOURCE_SORTABLE, default_sort="slug", limit=limit, cursor=cursor, neg=neg,
        serialize=service.serialize_sources,
    )


@router.get("/sources/{slug}", response_model=SourceOut, summary="Get one source", responses=ITEM_ERRORS,
            description="A source's metadata, the SHA-256 of its body and links to the body and its citations.")
def get_source(request: Request, session: SessionDep, slug: str, lang: LangQ = None,
               fmt: FormatQ = None) -> Response:
    neg = negotiate(request, lang, fmt)
    return render(neg, service.serialize_sources(session, [find_one(session, Source, "slug", slug, "source")], neg)[0])


@router.get(
    "/sources/{slug}/body",
    summary="Get a source's body text",
    description="The article body without website chrome, as UTF-8 text/plain. Citation offsets are code-point "
    "offsets into exactly this text, and its SHA-256 is the source's `body_sha256`.",
    responses={**ITEM_ERRORS, 200: {"description": "The body.", "content": {"text/plain": {
        "schema": {"type": "string"}, "example": "  在机构层级上做减法 在社会服务上做加法\n…"}}}},
    response_class=Response,
)
def get_source_body(request: Request, session: SessionDep, slug: str) -> Response:
    accept = field_value(request.scope["headers"], b"accept")
    if not accepts_media(accept, TEXT_PLAIN):
        raise NotAcceptable(f"The body is served as text/plain only, not {(accept or '')[:100]}.")
    source = find_one(session, Source, "slug", slug, "source")
    # The default max-age, like the citations that point into it: a body and its offsets change together.
    return Response(source.body.encode("utf-8"), media_type="text/plain; charset=utf-8",
                    headers={"Content-Language": source.language})


@router.get("/sources/{slug}/citations", response_model=Page[SourceCitationOut],
            summary="List what a source supports",
            description="Every citation of the source, in the order of the text by default, with the fact each "
            "supports.", responses={**LIST_ERRORS, 404: ITEM_ERRORS[404]})
def list_source_citations(
    request: Request,
    session: SessionDep,
    slug: str,
    fact_type: Annotated[list[FactType] | None, Query(description="Only citations of these fact types.")] = None,
    sort: Annotated[str | None, Query(description="Keys: start, end.")] = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    source = find_one(session, Source, "slug", slug, "source")
    return collection_response(
        request, session, stmt=service.citations_query(source.id, list_of(fact_type)), id_column=Citation.id,
        sort=sort, sortable=service.CITATION_SORTABLE, default_sort="start", limit=limit, cursor=cursor, neg=neg,
        serialize=service.serialize_source_citations,
    )
