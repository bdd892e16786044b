"""HTTP for /v1/places."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.params import FactItemParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.places.kind import KIND
from app.places.params import PlaceParams
from app.places.schemas import PlaceOut

router = ResourceRouter(tags=["places"])


@router.get("/places", response_model=Page[PlaceOut], summary="List places",
            description="Places facts are about, with their level and parent.", responses=LIST_ERRORS)
async def list_places(request: Request, params: Annotated[PlaceParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/places/{slug}", response_model=PlaceOut, summary="Get one place", responses=ITEM_ERRORS,
            description="One place with its aliases and citations.")
async def get_place(request: Request, slug: str,
              params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, slug, params))
