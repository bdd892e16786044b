"""The query parameters of /v1/measures."""

from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, select

from app.api.params import CollectionParams, list_of, speaker_condition
from app.models import Measure, Metric, Place, Programme
from app.models.enums import MeasureCategory, MeasureKind

MEASURE = Measure.__table__
METRIC = Metric.__table__
PLACE = Place.__table__
PROGRAMME = Programme.__table__


class MeasureFilters(BaseModel):
    category: list[MeasureCategory] | None = Field(default=None, description="Policy domain; repeatable.")
    kind: list[MeasureKind] | None = Field(default=None, description="Kind of measure; repeatable.")
    programme: list[str] | None = Field(default=None, description="Programme slug(s).")
    place: list[str] | None = Field(default=None, description="Place slug(s); repeat or comma-separate.")
    speaker: list[str] | None = Field(default=None, description="Slug(s) of the person the source quotes "
                                      "(/v1/people); repeat or comma-separate.", examples=["zheng-jianzhong"])
    has_metrics: bool | None = Field(default=None, description="Only measures with (true) or without (false) "
                                                               "quantitative metrics.")
    sort: str | None = Field(default=None, description="Keys: id (source order), slug, category, kind.")
    facet: str | None = Field(default=None, description="Count by: category, kind.")


class MeasureParams(CollectionParams, MeasureFilters):
    SORTABLE: ClassVar = {"slug": "slug", "category": "category", "kind": "kind", "id": "id"}
    DEFAULT_SORT: ClassVar = "id"
    FACETABLE: ClassVar = {"category": "category", "kind": "kind"}

    def conditions(self) -> list[ColumnElement]:
        where = []
        if category := list_of(self.category):
            where.append(MEASURE.c.category.in_(category))
        if kind := list_of(self.kind):
            where.append(MEASURE.c.kind.in_(kind))
        if programme := list_of(self.programme):
            where.append(MEASURE.c.programme_id.in_(select(PROGRAMME.c.id).where(PROGRAMME.c.slug.in_(programme))))
        if place := list_of(self.place):
            where.append(MEASURE.c.place_id.in_(select(PLACE.c.id).where(PLACE.c.slug.in_(place))))
        if self.has_metrics is not None:
            measured = MEASURE.c.id.in_(select(METRIC.c.measure_id).where(METRIC.c.status == "active"))
            where.append(measured if self.has_metrics else ~measured)
        if speaker := list_of(self.speaker):
            where.append(speaker_condition(MEASURE.c.speaker_id, speaker))
        return where
