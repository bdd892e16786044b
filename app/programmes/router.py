"""HTTP for /v1/programmes."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.params import FactItemParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.programmes.kind import KIND
from app.programmes.params import ProgrammeParams
from app.programmes.schemas import ProgrammeOut

router = ResourceRouter(tags=["reforms"])


@router.get("/programmes", response_model=Page[ProgrammeOut], summary="List programmes",
            description="Programmes, plans, result sets, goals and principles, in the source's order by default.",
            responses=LIST_ERRORS)
async def list_programmes(request: Request,
                    params: Annotated[ProgrammeParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/programmes/{slug}", response_model=ProgrammeOut, summary="Get one programme",
            responses=ITEM_ERRORS, description="One programme with its citations; its measures are at measures_url.")
async def get_programme(request: Request, slug: str,
                  params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, slug, params))
