"""API models of a disagreement between sources."""

from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas import RankOf, RankReason, SelfUrl


class ConflictKey(BaseModel):
    """What the facts are about: an observation's indicator, place and period, or an event."""

    indicator: str | None = Field(default=None, description="The indicator's code (observations).", examples=["gdp"])
    place: str | None = Field(default=None, description="The place's slug (observations).", examples=["longgang"])
    period: str | None = Field(default=None, description="The period (observations).", examples=["2020-H1"])
    event: str | None = Field(default=None, description="The slug of the event first recorded, which the others "
                              "are `same_as` (events).", examples=[None])


class ConflictingFact(BaseModel):
    """One source's version: the fact, what it states and its rank."""

    slug: str = Field(description="The fact's slug.", examples=["longgang-gdp-2020-h1"])
    url: SelfUrl
    stated: dict[str, str | None] = Field(
        description="The fields the facts disagree on, as this fact states them: value, unit, unit_zh and "
                    "yoy_change_pct (observations); date, date_precision, date_start, date_end and date_edtf (events).",
        examples=[{"value": "138.1", "unit": "CNY", "unit_zh": "亿元", "yoy_change_pct": "1.9"}])
    sources: list[str] = Field(description="The slugs of the sources its citations quote, in citation order.",
                               examples=[["economic-daily-2020-10-20-longgang"]])
    rank: RankOf
    rank_reason: RankReason


class ConflictOut(BaseModel):
    """Sources that state the same thing differently: every version is kept, ranked; lists show the preferred one.

    Open while two or more active facts that are not ranked deprecated state it differently."""

    kind: Literal["observation", "event"] = Field(description="The kind of the facts.", examples=["observation"])
    key: ConflictKey
    facts: list[ConflictingFact] = Field(description="The competing facts: the preferred one first, then by slug.")
