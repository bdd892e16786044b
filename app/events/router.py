"""HTTP for /v1/events."""

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from app.api.collection import item, list_page
from app.api.params import FactItemParams
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.events.kind import KIND
from app.events.params import EventParams
from app.events.schemas import EventOut

router = ResourceRouter(tags=["timeline"])


@router.get(
    "/events",
    response_model=Page[EventOut],
    summary="List timeline events",
    description="The town-to-city timeline, oldest first by default. `date_from`/`date_to` select events whose "
    "date range overlaps the given range, so an event dated only by month or half-year is found by any day in it.",
    responses=LIST_ERRORS,
)
async def list_events(request: Request, params: Annotated[EventParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: list_page(request, connection, KIND, params))


@router.get("/events/{slug}", response_model=EventOut, summary="Get one timeline event",
            description="One event with its citations.", responses=ITEM_ERRORS)
async def get_event(request: Request, slug: str,
              params: Annotated[FactItemParams, Query()]) -> Response:
    return await in_connection(request, lambda connection: item(request, connection, KIND, slug, params))
