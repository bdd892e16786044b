"""The query parameters of /v1/programmes."""

from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, select

from app.api.params import CollectionParams, list_of, speaker_condition
from app.models import Place, Programme
from app.models.enums import ProgrammeKind

PROGRAMME = Programme.__table__
PLACE = Place.__table__


class ProgrammeFilters(BaseModel):
    kind: list[ProgrammeKind] | None = Field(default=None, description="Kind of programme; repeatable.")
    place: list[str] | None = Field(default=None, description="Place slug(s); repeat or comma-separate.")
    speaker: list[str] | None = Field(default=None, description="Slug(s) of the person the source quotes "
                                      "(/v1/people); repeat or comma-separate.", examples=["zheng-jianzhong"])
    sort: str | None = Field(default=None, description="Keys: id (source order), slug, kind.")
    facet: str | None = Field(default=None, description="Count by: kind.")


class ProgrammeParams(CollectionParams, ProgrammeFilters):
    SORTABLE: ClassVar = {"slug": "slug", "kind": "kind", "id": "id"}
    DEFAULT_SORT: ClassVar = "id"
    FACETABLE: ClassVar = {"kind": "kind"}

    def conditions(self) -> list[ColumnElement]:
        where = []
        if kind := list_of(self.kind):
            where.append(PROGRAMME.c.kind.in_(kind))
        if place := list_of(self.place):
            where.append(PROGRAMME.c.place_id.in_(select(PLACE.c.id).where(PLACE.c.slug.in_(place))))
        if speaker := list_of(self.speaker):
            where.append(speaker_condition(PROGRAMME.c.speaker_id, speaker))
        return where
