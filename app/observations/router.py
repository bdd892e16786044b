"""HTTP for /v1/observations and one indicator's series, /v1/indicators/{code}/observations."""

from typing import Annotated

from fastapi import Query, Request
from sqlalchemy import Connection, bindparam, select
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.params import FactItemParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.errors import NotFound
from app.observations.kind import KIND
from app.observations.params import INDICATOR, OBSERVATION, ObservationParams, SeriesParams
from app.observations.schemas import ObservationOut

# Built once: a statement object run again skips SQLAlchemy's building and cache-key work (app.api.collection).
_INDICATOR_ID = select(INDICATOR.c.id).where(INDICATOR.c.code == bindparam("code"))

router = ResourceRouter(tags=["indicators"])


@router.get("/indicators/{code}/observations", response_model=Page[ObservationOut],
            summary="List one indicator's observations", responses={**LIST_ERRORS, 404: ITEM_ERRORS[404]},
            description="The indicator's time series, oldest period first by default.")
async def list_indicator_observations(request: Request, code: str,
                                      params: Annotated[SeriesParams, Query()]) -> Response:
    def series(connection: Connection) -> Response:
        indicator_id = connection.execute(_INDICATOR_ID, {"code": code}).scalar()
        if indicator_id is None:
            raise NotFound(f"There is no indicator '{code}'.")
        return list_page(request, connection, KIND, params, conditions=[OBSERVATION.c.indicator_id == indicator_id],
                         conditions_key=("indicator_id", indicator_id))

    return await in_connection(request, series)


@router.get("/observations", response_model=Page[ObservationOut], summary="List observations",
            description="Published values of every indicator. Values are exact decimals as strings, in the "
            "published unit (`unit_zh`, e.g. 亿元); `value_base` is the same value in base units.",
            responses=LIST_ERRORS)
async def list_observations(request: Request,
                      params: Annotated[ObservationParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/observations/{slug}", response_model=ObservationOut, summary="Get one observation",
            responses=ITEM_ERRORS, description="One observation with its citations.")
async def get_observation(request: Request, slug: str,
                    params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, slug, params))
