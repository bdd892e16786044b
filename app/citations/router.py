"""HTTP for /v1/sources/{slug}/citations: what a source supports."""

from typing import Annotated, Literal

from fastapi import Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Connection, select
from sqlmodel import Session
from starlette.responses import Response

from app.api.collection import query_page
from app.api.negotiation import negotiate
from app.api.params import PageParams, list_of
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.citations.schemas import SourceCitationOut
from app.citations.service import CITATION, CITATION_SORTABLE, FACT_TYPES, citations_query, fact_refs
from app.db import in_connection
from app.errors import NotFound
from app.models import Source

router = ResourceRouter(tags=["sources"])
SOURCE = Source.__table__
FactType = Literal[FACT_TYPES]  # type: ignore[valid-type]


class CitationFilters(BaseModel):
    fact_type: list[FactType] | None = Field(default=None, description="Only citations of these fact types.")
    sort: str | None = Field(default=None, description="Keys: start, end.")


class CitationParams(PageParams, CitationFilters):
    pass


@router.get("/sources/{slug}/citations", response_model=Page[SourceCitationOut],
            summary="List what a source supports",
            description="Every citation of the source, in the order of the text by default, with the fact each "
            "supports.", responses={**LIST_ERRORS, 404: ITEM_ERRORS[404]})
async def list_source_citations(request: Request, slug: str, params: Annotated[CitationParams, Query()]) -> Response:
    neg = negotiate(request, params.lang, params.format)

    def page(connection: Connection) -> Response:
        source_id = connection.execute(select(SOURCE.c.id).where(SOURCE.c.slug == slug)).scalar()
        if source_id is None:
            raise NotFound(f"There is no source '{slug}'.")
        session = Session(bind=connection)
        return query_page(
            request, connection, stmt=citations_query(source_id, list_of(params.fact_type)), id_column=CITATION.c.id,
            sort=params.sort, sortable=CITATION_SORTABLE, default_sort="start", limit=params.limit,
            cursor=params.cursor, neg=neg, serialize=lambda rows: fact_refs(session, rows), item_model=SourceCitationOut,
        )

    return await in_connection(request, page)
