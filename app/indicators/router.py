"""HTTP for /v1/indicators (an indicator's observations are served by app.observations)."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.params import FactItemParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.indicators.kind import KIND
from app.indicators.params import IndicatorParams
from app.indicators.schemas import IndicatorOut

router = ResourceRouter(tags=["indicators"])


@router.get("/indicators", response_model=Page[IndicatorOut], summary="List indicators",
            description="Economic indicators, with how many observations each has.", responses=LIST_ERRORS)
async def list_indicators(request: Request,
                    params: Annotated[IndicatorParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/indicators/{code}", response_model=IndicatorOut, summary="Get one indicator", responses=ITEM_ERRORS,
            description="One indicator with its definition and citations.")
async def get_indicator(request: Request, code: str,
                  params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, code, params))
