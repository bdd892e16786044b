"""The query parameters of /v1/indicators."""

from typing import ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement

from app.api.params import CollectionParams, list_of
from app.models import Indicator

INDICATOR = Indicator.__table__


class IndicatorFilters(BaseModel):
    unit: list[str] | None = Field(default=None, description="Base unit(s), e.g. CNY.")
    sort: str | None = Field(default=None, description="Keys: code, unit.")
    facet: str | None = Field(default=None, description="Count by: unit.")


class IndicatorParams(CollectionParams, IndicatorFilters):
    SORTABLE: ClassVar = {"code": "code", "unit": "unit"}
    DEFAULT_SORT: ClassVar = "code"
    FACETABLE: ClassVar = {"unit": "unit"}

    def conditions(self) -> list[ColumnElement]:
        return [INDICATOR.c.unit.in_(unit)] if (unit := list_of(self.unit)) else []
