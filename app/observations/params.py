"""The query parameters of /v1/observations and of one indicator's series, /v1/indicators/{code}/observations."""

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, select

from app.api.params import RANK, CollectionParams, RankParam, list_of
from app.models import Indicator, Observation, Place

OBSERVATION = Observation.__table__
INDICATOR = Indicator.__table__
PLACE = Place.__table__

Places = Annotated[list[str] | None, Field(description="Place slug(s); repeat or comma-separate.")]
Periods = Annotated[list[str] | None, Field(description="Exact period label(s), e.g. 2020-H1.")]
PeriodFrom = Annotated[dt.date | None, Field(description="Observations whose period ends on or after this day.")]
PeriodTo = Annotated[dt.date | None, Field(description="Observations whose period starts on or before this day.")]
Sort = Annotated[str | None, Field(description="Keys: period, period_end, slug; `-` for descending.",
                                   examples=["-period"])]
Facet = Annotated[str | None, Field(description="Count by: period, unit.")]


class SeriesFilters(BaseModel):
    place: Places = None
    period: Periods = None
    period_from: PeriodFrom = None
    period_to: PeriodTo = None
    rank: RankParam = RANK
    sort: Sort = None
    facet: Facet = None


class ObservationFilters(BaseModel):
    indicator: list[str] | None = Field(default=None, description="Indicator code(s).")
    place: Places = None
    period: Periods = None
    period_from: PeriodFrom = None
    period_to: PeriodTo = None
    rank: RankParam = RANK
    sort: Sort = None
    facet: Facet = None


class SeriesParams(CollectionParams, SeriesFilters):
    """One indicator's observations: the indicator is in the path."""

    SORTABLE: ClassVar = {"period": "period_start", "period_end": "period_end", "slug": "slug"}
    DEFAULT_SORT: ClassVar = "period,slug"
    FACETABLE: ClassVar = {"period": "period", "unit": "unit"}

    def conditions(self) -> list[ColumnElement]:
        where = []
        if place := list_of(self.place):
            where.append(_refers_to(OBSERVATION.c.place_id, select(PLACE.c.id).where(PLACE.c.slug.in_(place)),
                                    len(place)))
        if period := list_of(self.period):
            where.append(OBSERVATION.c.period.in_(period))
        # Overlap, as for events: a half-year is found by a range touching any of its days.
        if self.period_from:
            where.append(OBSERVATION.c.period_end >= self.period_from)
        if self.period_to:
            where.append(OBSERVATION.c.period_start <= self.period_to)
        return where


class ObservationParams(SeriesParams, ObservationFilters):
    def conditions(self) -> list[ColumnElement]:
        where = []
        if indicator := list_of(self.indicator):
            codes = select(INDICATOR.c.id).where(INDICATOR.c.code.in_(indicator))
            where.append(_refers_to(OBSERVATION.c.indicator_id, codes, len(indicator)))
        return where + super().conditions()


def _refers_to(column: ColumnElement, ids: Select, values: int) -> ColumnElement:
    """`column` is one of the ids. For one code or slug (the usual case) an equality with a one-row
    subquery: PostgreSQL resolves it first and can then read the page in index order."""
    return column == ids.scalar_subquery() if values == 1 else column.in_(ids)
