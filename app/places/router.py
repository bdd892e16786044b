"""HTTP for /v1/places."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.api.collection import CursorQ, FormatQ, LangQ, LimitQ, collection_response, find_one, render
from app.api.negotiation import negotiate
from app.api.pagination import DEFAULT_LIMIT
from app.api.responses import ITEM_ERRORS, LIST_ERRORS, list_of
from app.api.schemas import Page
from app.db import SessionDep
from app.models import Place
from app.models.enums import PlaceLevel
from app.places import service
from app.places.schemas import PlaceOut

router = APIRouter(tags=["places"])


@router.get("/places", response_model=Page[PlaceOut], summary="List places",
            description="Places facts are about, with their level and parent.", responses=LIST_ERRORS)
def list_places(
    request: Request,
    session: SessionDep,
    level: Annotated[list[PlaceLevel] | None, Query(description="Administrative level; repeatable.")] = None,
    parent: Annotated[list[str] | None, Query(description="Slug of the parent place; repeatable.")] = None,
    sort: Annotated[str | None, Query(description="Keys: slug, level.")] = None,
    facet: Annotated[str | None, Query(description="Count by: level.")] = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    stmt = service.places_query(level=list_of(level), parent=list_of(parent))
    return collection_response(
        request, session, stmt=stmt, id_column=Place.id, sort=sort, sortable=service.SORTABLE, default_sort="slug",
        limit=limit, cursor=cursor, neg=neg, serialize=service.serialize_places, facet=facet,
        facetable=service.FACETABLE,
    )


@router.get("/places/{slug}", response_model=PlaceOut, summary="Get one place", responses=ITEM_ERRORS,
            description="One place with its aliases and citations.")
def get_place(request: Request, session: SessionDep, slug: str, lang: LangQ = None, fmt: FormatQ = None) -> Response:
    neg = negotiate(request, lang, fmt)
    place = find_one(session, Place, "slug", slug, "place")
    return render(neg, service.serialize_places(session, [place], neg)[0])
