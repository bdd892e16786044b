"""The query parameters of /v1/people."""

from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement

from app.api.params import CollectionParams


class PersonFilters(BaseModel):
    sort: str | None = Field(default=None, description="Keys: id (source order), slug.")
    facet: str | None = Field(default=None, description="No facets: people have no field to count by.")


class PersonParams(CollectionParams, PersonFilters):
    SORTABLE: ClassVar = {"slug": "slug", "id": "id"}
    DEFAULT_SORT: ClassVar = "id"
    FACETABLE: ClassVar = {}

    def conditions(self) -> list[ColumnElement]:
        return []
