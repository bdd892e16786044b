"""The query parameters of /v1/events: filters, sort keys, facets."""

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, select

from app.api.params import RANK, CollectionParams, RankParam, list_of, speaker_condition
from app.models import Event, Place
from app.models.enums import DatePrecision, EventCategory

EVENT = Event.__table__
PLACE = Place.__table__


class EventFilters(BaseModel):
    place: list[str] | None = Field(default=None, description="Place slug(s); repeat or comma-separate.")
    category: list[EventCategory] | None = Field(default=None, description="Event category; repeatable.")
    date_precision: list[DatePrecision] | None = Field(default=None, description="Date precision; repeatable.")
    speaker: list[str] | None = Field(default=None, description="Slug(s) of the person the source quotes "
                                      "(/v1/people); repeat or comma-separate.", examples=["zheng-jianzhong"])
    date_from: dt.date | None = Field(default=None, description="Events ending on or after this day.")
    date_to: dt.date | None = Field(default=None, description="Events starting on or before this day.")
    rank: RankParam = RANK
    sort: str | None = Field(default=None, description="Keys: date (the first day the date may mean, "
                             "date_start), date_end (the last), slug, category; `-` for descending. For newest first "
                             "use `-date_end`: a “日前” (on or before) event's range starts at our lower estimate "
                             "(`date_start_assumed`), so `-date` puts it among far older events; `date` stays the "
                             "start, so that ranges sort as they overlap.", examples=["-date_end,slug"])
    facet: str | None = Field(default=None, description="Count by: category, date_precision.")


class EventParams(CollectionParams, EventFilters):
    SORTABLE: ClassVar = {"date": "date_start", "date_end": "date_end", "slug": "slug", "category": "category"}
    DEFAULT_SORT: ClassVar = "date,slug"
    FACETABLE: ClassVar = {"category": "category", "date_precision": "date_precision"}

    def conditions(self) -> list[ColumnElement]:
        where = []
        if place := list_of(self.place):
            where.append(EVENT.c.place_id.in_(select(PLACE.c.id).where(PLACE.c.slug.in_(place))))
        if category := list_of(self.category):
            where.append(EVENT.c.category.in_(category))
        if precision := list_of(self.date_precision):
            where.append(EVENT.c.date_precision.in_(precision))
        # Overlap: an event dated “2020-H1” is in a range that touches any day of that half-year.
        if self.date_from:
            where.append(EVENT.c.date_end >= self.date_from)
        if self.date_to:
            where.append(EVENT.c.date_start <= self.date_to)
        if speaker := list_of(self.speaker):
            where.append(speaker_condition(EVENT.c.speaker_id, speaker))
        return where
