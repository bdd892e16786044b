"""HTTP for /v1/people."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.params import FactItemParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.people.kind import KIND
from app.people.params import PersonParams
from app.people.schemas import PersonOut

router = ResourceRouter(tags=["people"])


@router.get("/people", response_model=Page[PersonOut], summary="List people",
            description="People the sources quote or who wrote them, in the source's order by default.",
            responses=LIST_ERRORS)
async def list_people(request: Request, params: Annotated[PersonParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/people/{slug}", response_model=PersonOut, summary="Get one person", responses=ITEM_ERRORS,
            description="One person with their role, citations and the lists of what they are quoted saying.")
async def get_person(request: Request, slug: str, params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, slug, params))
