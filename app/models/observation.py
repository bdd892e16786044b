"""Observations: published values of indicators, exact, with unit, multiplier and period."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from app.db import ExactDecimal


class Observation(SQLModel, table=True):
    __tablename__ = "observation"
    # The lists' default order is (period_start, slug, id); these let any page, filtered by indicator or not,
    # start at its cursor's row (migration 0002; figures in benchmarks/scale/RESULTS.md).
    __table_args__ = (
        Index("ix_observation_place_indicator_period", "place_id", "indicator_id", "period_start"),
        Index("ix_observation_indicator_period", "indicator_id", "period_start", "slug"),
        Index("ix_observation_period_slug", "period_start", "slug"),
        Index("ix_observation_indicator_label", "indicator_id", "period", "period_start", "slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=160, unique=True)
    indicator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("indicator.id", ondelete="RESTRICT"), nullable=False)
    )
    place_id: int = Field(sa_column=Column(Integer, ForeignKey("place.id", ondelete="RESTRICT"), nullable=False))
    period: str = Field(max_length=20)  # "2020-H1", "2020", "2020-10-20"
    period_start: dt.date
    period_end: dt.date
    # Exactly as published (138.1 in 亿元): value × 10^unit_multiplier == value_base (in `unit`).
    value: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    unit: str = Field(max_length=40)
    unit_zh: str | None = Field(default=None, max_length=40)
    unit_multiplier: int = 0
    value_base: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    yoy_change_pct: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal, nullable=True))
    reference_place_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("place.id", ondelete="RESTRICT"), nullable=True)
    )
    comparison_zh: str | None = Field(default=None, sa_column=Column(Text))
    comparison_en: str | None = Field(default=None, sa_column=Column(Text))
    note_zh: str | None = Field(default=None, sa_column=Column(Text))
    note_en: str | None = Field(default=None, sa_column=Column(Text))
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)
    # Facts of the same indicator, place and period from several sources are all kept; the rank says which one
    # the lists show (app.facts.ranks): preferred, normal or deprecated, and why.
    rank: str = Field(default="preferred", max_length=12, sa_column_kwargs={"server_default": "preferred"})
    rank_reason: str | None = Field(default=None, max_length=400)
