"""HTTP for /v1/meta: what this dataset is, how fresh, under which licence, and how big."""

from typing import Annotated

from fastapi import Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, select
from sqlmodel import Session
from starlette.responses import Response

from app import __version__
from app.api.negotiation import negotiate
from app.api.params import ItemParams
from app.api.render import render
from app.api.responses import ITEM_ERRORS
from app.api.routing import ResourceRouter
from app.db import in_connection
from app.facts.licence import ATTRIBUTION, LICENCE
from app.models import Citation, DatasetState
from app.registry import KINDS

router = ResourceRouter(tags=["meta"])
COUNTED = {**{kind.plural: kind.model for kind in KINDS}, "citations": Citation}


class MetaOut(BaseModel):
    api_version: str = Field(description="Version of the API software.", examples=["1.0.0"])
    dataset_version: int = Field(description="Increases whenever the facts change.", examples=[1])
    last_updated: str | None = Field(description="When the facts last changed (UTC, ISO 8601).")
    content_sha256: str = Field(description="Hash of the seed files the facts were loaded from.")
    licence: dict[str, str] = Field(description="Licence of the data and of the quoted text, with its URL.")
    attribution: str = Field(description="How to credit the dataset.")
    counts: dict[str, int] = Field(description="Items per resource: the active facts (what lists show by "
                                               "default), and every citation.",
                                   examples=[{"events": 10, "measures": 36, "citations": 161}])


@router.get("/meta", response_model=MetaOut, summary="Dataset version, licence and counts",
            description="Cheap to poll: `dataset_version` changes whenever any fact changes.",
            responses={status: r for status, r in ITEM_ERRORS.items() if status != 404})
async def meta(request: Request, params: Annotated[ItemParams, Query()]) -> Response:
    neg = negotiate(request, params.lang, params.format)

    def read(connection: Connection) -> tuple[DatasetState | None, dict[str, int]]:
        session = Session(bind=connection)
        # Facts that lists show by default (deprecated ones are left out there too); every citation.
        counts = {name: session.execute(select(func.count()).select_from(model).where(
                      *([model.status == "active"] if hasattr(model, "status") else []))).scalar_one()
                  for name, model in COUNTED.items()}
        return session.get(DatasetState, 1), counts

    state, counts = await in_connection(request, read)
    body = {
        "api_version": __version__,
        "dataset_version": state.version if state else 0,
        "last_updated": state.updated_at.isoformat() if state else None,
        "content_sha256": state.content_sha256 if state else "",
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "counts": counts,
    }
    return render(neg, body)
