"""HTTP for /v1/measures and /v1/programmes."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.api.collection import CursorQ, FormatQ, LangQ, LimitQ, collection_response, find_one, render
from app.api.negotiation import negotiate
from app.api.pagination import DEFAULT_LIMIT
from app.api.responses import ITEM_ERRORS, LIST_ERRORS, list_of
from app.api.schemas import Page
from app.db import SessionDep
from app.models import Programme, ReformMeasure
from app.models.enums import MeasureCategory, MeasureKind, ProgrammeKind
from app.reforms import service
from app.reforms.schemas import MeasureOut, ProgrammeOut

router = APIRouter(tags=["reforms"])
PlaceQ = Annotated[list[str] | None, Query(description="Place slug(s); repeat or comma-separate.")]


@router.get("/measures", response_model=Page[MeasureOut], summary="List reform measures",
            description="Reform measures with their metrics and citations, in the source's order by default "
            "(`sort=id`).", responses=LIST_ERRORS)
def list_measures(
    request: Request,
    session: SessionDep,
    category: Annotated[list[MeasureCategory] | None, Query(description="Policy domain; repeatable.")] = None,
    kind: Annotated[list[MeasureKind] | None, Query(description="Kind of measure; repeatable.")] = None,
    programme: Annotated[list[str] | None, Query(description="Programme slug(s).")] = None,
    place: PlaceQ = None,
    has_metrics: Annotated[bool | None, Query(description="Only measures with (true) or without (false) "
                                                          "quantitative metrics.")] = None,
    sort: Annotated[str | None, Query(description="Keys: id (source order), slug, category, kind.")] = None,
    facet: Annotated[str | None, Query(description="Count by: category, kind.")] = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    stmt = service.measures_query(category=list_of(category), kind=list_of(kind), programme=list_of(programme),
                                  place=list_of(place), has_metrics=has_metrics)
    return collection_response(
        request, session, stmt=stmt, id_column=ReformMeasure.id, sort=sort, sortable=service.MEASURE_SORTABLE,
        default_sort="id", limit=limit, cursor=cursor, neg=neg, serialize=service.serialize_measures,
        facet=facet, facetable=service.MEASURE_FACETABLE,
    )


@router.get("/measures/{slug}", response_model=MeasureOut, summary="Get one reform measure",
            responses=ITEM_ERRORS, description="One measure with its metrics and citations.")
def get_measure(request: Request, session: SessionDep, slug: str, lang: LangQ = None,
                fmt: FormatQ = None) -> Response:
    neg = negotiate(request, lang, fmt)
    measure = find_one(session, ReformMeasure, "slug", slug, "measure")
    return render(neg, service.serialize_measures(session, [measure], neg)[0])


@router.get("/programmes", response_model=Page[ProgrammeOut], summary="List programmes",
            description="Programmes, plans, result sets, goals and principles, in the source's order by default.",
            responses=LIST_ERRORS)
def list_programmes(
    request: Request,
    session: SessionDep,
    kind: Annotated[list[ProgrammeKind] | None, Query(description="Kind of programme; repeatable.")] = None,
    place: PlaceQ = None,
    sort: Annotated[str | None, Query(description="Keys: id (source order), slug, kind.")] = None,
    facet: Annotated[str | None, Query(description="Count by: kind.")] = None,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
    lang: LangQ = None,
    fmt: FormatQ = None,
) -> Response:
    neg = negotiate(request, lang, fmt)
    stmt = service.programmes_query(kind=list_of(kind), place=list_of(place))
    return collection_response(
        request, session, stmt=stmt, id_column=Programme.id, sort=sort, sortable=service.PROGRAMME_SORTABLE,
        default_sort="id", limit=limit, cursor=cursor, neg=neg, serialize=service.serialize_programmes,
        facet=facet, facetable=service.PROGRAMME_FACETABLE,
    )


@router.get("/programmes/{slug}", response_model=ProgrammeOut, summary="Get one programme",
            responses=ITEM_ERRORS, description="One programme with its citations; its measures are at measures_url.")
def get_programme(request: Request, session: SessionDep, slug: str, lang: LangQ = None,
                  fmt: FormatQ = None) -> Response:
    neg = negotiate(request, lang, fmt)
    programme = find_one(session, Programme, "slug", slug, "programme")
    return render(neg, service.serialize_programmes(session, [programme], neg)[0])
