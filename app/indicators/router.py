"""HTTP for /v1/indicators and /v1/observations."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import Select
from sqlmodel import Session
from starlette.responses import Response

from app.api.collection import CursorQ, FormatQ, LangQ, LimitQ, collection_response, find_one, render
from app.api.negotiation import Negotiated, negotiate
from app.api.pagination import DEFAULT_LIMIT
from app.api.responses import ITEM_ERRORS, LIST_ERRORS, list_of
from app.api.schemas import Page
from app.db import SessionDep
from app.indicators import service
from app.indicators.schemas import IndicatorOut, ObservationOut
from app.models import Indicator, Observation

router = APIRouter(tags=["indicators"])

PlaceQ = Annotated[list[str] | None, Query(description="Place slug(s); repeat or comma-separate.")]
PeriodQ = Annotated[list[str] | None, Query(description="Exact period label(s), e.g. 2020-H1.")]
PeriodFromQ = Annotated[dt.date | None, Query(description="Observations whose period ends on or after this day.")]
PeriodToQ = Annotated[dt.date | None, Query(description="Observations whose period starts on or before this day.")]
ObsSortQ = Annotated[str | None, Query(description="Keys: period, period_end, slug; `-` for descending.",
                                       examples=["-period"])]
ObsFacetQ = Annotated[str | None, Query(description="Count by: period, unit.")]


@router.get("/indicators", response_model=Page[IndicatorOut], summary="List indicators",
            description="Economic indicators, with how many observations each has.", responses=LIST_ERRORS)
def list_indicators(
    request: Request,
    session: SessionDep,
    unit: Annotated[list[str] | None, Query(description="Base unit(s), e.g. CNY.")] = None,
    sort: Annotated[str | None, Query(description="Keys: code, unit.")] = None,
    facet: Annotated[str | None, Query(description="Count by: unit.")] = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    return collection_response(
        request, session, stmt=service.indicators_query(unit=list_of(unit)), id_column=Indicator.id, sort=sort,
        sortable=service.INDICATOR_SORTABLE, default_sort="code", limit=limit, cursor=cursor, neg=neg,
        serialize=service.serialize_indicators, facet=facet, facetable=service.INDICATOR_FACETABLE,
    )


@router.get("/indicators/{code}", response_model=IndicatorOut, summary="Get one indicator", responses=ITEM_ERRORS,
            description="One indicator with its definition and citations.")
def get_indicator(request: Request, session: SessionDep, code: str, lang: LangQ = None,
                  fmt: FormatQ = None) -> Response:
    neg = negotiate(request, lang, fmt)
    indicator = find_one(session, Indicator, "code", code, "indicator")
    return render(neg, service.serialize_indicators(session, [indicator], neg)[0])


@router.get("/indicators/{code}/observations", response_model=Page[ObservationOut],
            summary="List one indicator's observations", responses={**LIST_ERRORS, 404: ITEM_ERRORS[404]},
            description="The indicator's time series, oldest period first by default.")
def list_indicator_observations(
    request: Request,
    session: SessionDep,
    code: str,
    place: PlaceQ = None,
    period: PeriodQ = None,
    period_from: PeriodFromQ = None,
    period_to: PeriodToQ = None,
    sort: ObsSortQ = None,
    facet: ObsFacetQ = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    find_one(session, Indicator, "code", code, "indicator")
    stmt = service.observations_query(indicator=[code], place=list_of(place), period=list_of(period),
                                      period_from=period_from, period_to=period_to)
    return _observations_page(request, session, stmt, neg, sort=sort, facet=facet, limit=limit, cursor=cursor)


@router.get("/observations", response_model=Page[ObservationOut], summary="List observations",
            description="Published values of every indicator. Values are exact decimals as strings, in the "
            "published unit (`unit_zh`, e.g. 亿元); `value_base` is the same value in base units.",
            responses=LIST_ERRORS)
def list_observations(
    request: Request,
    session: SessionDep,
    indicator: Annotated[list[str] | None, Query(description="Indicator code(s).")] = None,
    place: PlaceQ = None,
    period: PeriodQ = None,
    period_from: PeriodFromQ = None,
    period_to: PeriodToQ = None,
    sort: ObsSortQ = None,
    facet: ObsFacetQ = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    stmt = service.observations_query(indicator=list_of(indicator), place=list_of(place), period=list_of(period),
                                      period_from=period_from, period_to=period_to)
    return _observations_page(request, session, stmt, neg, sort=sort, facet=facet, limit=limit, cursor=cursor)


def _observations_page(request: Request, session: Session, stmt: Select, neg: Negotiated, *, sort: str | None,
                       facet: str | None, limit: int, cursor: str | None) -> Response:
    """Both observation lists (all, and one indicator's) page, sort and facet alike."""
    return collection_response(
        request, session, stmt=stmt, id_column=Observation.id, sort=sort, sortable=service.OBSERVATION_SORTABLE,
        default_sort="period,slug", limit=limit, cursor=cursor, neg=neg,
        serialize=service.serialize_observations, facet=facet, facetable=service.OBSERVATION_FACETABLE,
    )


@router.get("/observations/{slug}", response_model=ObservationOut, summary="Get one observation",
            responses=ITEM_ERRORS, description="One observation with its citations.")
def get_observation(request: Request, session: SessionDep, slug: str, lang: LangQ = None,
                    fmt: FormatQ = None) -> Response:
    neg = negotiate(request, lang, fmt)
    observation = find_one(session, Observation, "slug", slug, "observation")
    return render(neg, service.serialize_observations(session, [observation], neg)[0])
