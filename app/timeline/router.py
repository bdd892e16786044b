"""HTTP for /v1/events."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.api.collection import CursorQ, FormatQ, LangQ, LimitQ, collection_response, find_one, render
from app.api.negotiation import negotiate
from app.api.pagination import DEFAULT_LIMIT
from app.api.responses import ITEM_ERRORS, LIST_ERRORS, list_of
from app.api.schemas import Page
from app.db import SessionDep
from app.models import TimelineEvent
from app.models.enums import DatePrecision, EventCategory
from app.timeline import service
from app.timeline.schemas import EventOut

router = APIRouter(tags=["timeline"])


@router.get(
    "/events",
    response_model=Page[EventOut],
    summary="List timeline events",
    description="The town-to-city timeline, oldest first by default. `date_from`/`date_to` select events whose "
    "date range overlaps the given range, so an event dated only by month or half-year is found by any day in it.",
    responses=LIST_ERRORS,
)
def list_events(
    request: Request,
    session: SessionDep,
    place: Annotated[list[str] | None, Query(description="Place slug(s); repeat or comma-separate.")] = None,
    category: Annotated[list[EventCategory] | None, Query(description="Event category; repeatable.")] = None,
    date_precision: Annotated[list[DatePrecision] | None, Query(description="Date precision; repeatable.")] = None,
    date_from: Annotated[dt.date | None, Query(description="Events ending on or after this day.")] = None,
    date_to: Annotated[dt.date | None, Query(description="Events starting on or before this day.")] = None,
    sort: Annotated[str | None, Query(description="Keys: date, date_end, slug, category; `-` for descending.",
                                      examples=["-date,slug"])] = None,
    facet: Annotated[str | None, Query(description="Count by: category, date_precision.")] = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    stmt = service.events_query(place=list_of(place), category=list_of(category),
                                precision=list_of(date_precision), date_from=date_from, date_to=date_to)
    return collection_response(
        request, session, stmt=stmt, id_column=TimelineEvent.id, sort=sort, sortable=service.SORTABLE,
        default_sort="date,slug", limit=limit, cursor=cursor, neg=neg, serialize=service.serialize_events,
        facet=facet, facetable=service.FACETABLE,
    )


@router.get("/events/{slug}", response_model=EventOut, summary="Get one timeline event",
            description="One event with its citations.", responses=ITEM_ERRORS)
def get_event(request: Request, session: SessionDep, slug: str, lang: LangQ = None, fmt: FormatQ = None) -> Response:
    neg = negotiate(request, lang, fmt)
    event = find_one(session, TimelineEvent, "slug", slug, "event")
    return render(neg, service.serialize_events(session, [event], neg)[0])
