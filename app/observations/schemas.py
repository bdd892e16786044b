"""API models of observations."""

import datetime as dt

from pydantic import BaseModel, Field

from app.api.schemas import Citations, LocalizedText, PlaceRef, RankOf, RankReason, SelfUrl, Status, StatusReason


class IndicatorRef(BaseModel):
    code: str = Field(description="The indicator's code.", examples=["gdp"])
    name: LocalizedText


class ObservationOut(BaseModel):
    """A published value of an indicator for a place and period, exactly as published."""

    slug: str = Field(description="Stable identifier.", examples=["longgang-gdp-2020-h1"])
    indicator: IndicatorRef
    place: PlaceRef
    period: str = Field(description="2020-H1 (a half-year), 2020 (a year), 2020-10-20 (a state on a day).",
                        examples=["2020-H1"])
    period_start: dt.date = Field(description="First day of the period.", examples=["2020-01-01"])
    period_end: dt.date = Field(description="Last day of the period (a state on a day: that day).",
                                examples=["2020-06-30"])
    period_edtf: str = Field(description="The period in EDTF (ISO 8601-2): 2020-40 (first half of 2020; 2020-41 "
                             "the second, 2020-33…36 the quarters), 2020, 2020-10-20.", examples=["2020-40"])
    value: str = Field(description="The value as published, an exact decimal in `unit_zh` (e.g. 亿元).",
                       examples=["138.1"])
    unit: str = Field(description="Base unit.", examples=["CNY"])
    unit_zh: str | None = Field(description="The unit as published.", examples=["亿元"])
    unit_multiplier: int = Field(description="Power of ten of the published unit (亿 → 8).", examples=[8])
    value_base: str = Field(description="value × 10^unit_multiplier, in `unit`, exact.", examples=["13810000000"])
    yoy_change_pct: str | None = Field(description="Published year-on-year change, percent.", examples=["1.9"])
    reference_place: PlaceRef | None = Field(description="Place a stated comparison is made against.")
    comparison: LocalizedText = Field(description="A comparison stated in the source, e.g. vs. the Wenzhou average.")
    note: LocalizedText
    citations: Citations
    url: SelfUrl
    status: Status
    status_reason: StatusReason
    rank: RankOf
    rank_reason: RankReason
