"""HTTP for /v1/measures."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.params import FactItemParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.measures.kind import KIND
from app.measures.params import MeasureParams
from app.measures.schemas import MeasureOut

router = ResourceRouter(tags=["reforms"])


@router.get("/measures", response_model=Page[MeasureOut], summary="List reform measures",
            description="Reform measures with their metrics and citations, in the source's order by default "
            "(`sort=id`).", responses=LIST_ERRORS)
async def list_measures(request: Request,
                  params: Annotated[MeasureParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/measures/{slug}", response_model=MeasureOut, summary="Get one reform measure",
            responses=ITEM_ERRORS, description="One measure with its metrics and citations.")
async def get_measure(request: Request, slug: str,
                params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, slug, params))
