"""The query parameters of /v1/places."""

from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, select

from app.api.params import CollectionParams, list_of
from app.models import Place
from app.models.enums import PlaceLevel

PLACE = Place.__table__


class PlaceFilters(BaseModel):
    level: list[PlaceLevel] | None = Field(default=None, description="Administrative level; repeatable.")
    parent: list[str] | None = Field(default=None, description="Slug of the parent place; repeatable.")
    sort: str | None = Field(default=None, description="Keys: slug, level.")
    facet: str | None = Field(default=None, description="Count by: level.")


class PlaceParams(CollectionParams, PlaceFilters):
    SORTABLE: ClassVar = {"slug": "slug", "level": "level"}
    DEFAULT_SORT: ClassVar = "slug"
    FACETABLE: ClassVar = {"level": "level"}

    def conditions(self) -> list[ColumnElement]:
        where = []
        if level := list_of(self.level):
            where.append(PLACE.c.level.in_(level))
        if parent := list_of(self.parent):
            parents = select(PLACE.c.id).where(PLACE.c.slug.in_(parent)).scalar_subquery()
            where.append(PLACE.c.parent_id.in_(parents))
        return where
