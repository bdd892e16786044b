"""Reform measures (table `reform_measure`) and the metrics that measure them (table `measure_metric`)."""

from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Integer, Text, false
from sqlmodel import Field, SQLModel

from app.db import ExactDecimal


class Measure(SQLModel, table=True):
    __tablename__ = "reform_measure"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name_zh: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    category: str = Field(max_length=40, index=True)
    kind: str = Field(max_length=40)
    programme_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("programme.id", ondelete="RESTRICT"), nullable=True, index=True),
    )
    place_id: int = Field(sa_column=Column(Integer, ForeignKey("place.id", ondelete="RESTRICT"), nullable=False))
    summary_zh: str = Field(sa_column=Column(Text, nullable=False))
    summary_en: str = Field(sa_column=Column(Text, nullable=False))
    # Whom the source quotes for this statement (郑建忠表示…); null where it is the reporter's own account.
    speaker_id: int | None = Field(
        default=None,
        # person.id, without a foreign key: SQLite can drop a column a key uses only by copying the table, and
        # dropping the old copy would cascade onto the citations of its rows (see migration 0008). The seed
        # validator checks every speaker names a person, and people, like every fact, are never deleted.
        sa_column=Column(Integer, nullable=True, index=True),
    )
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)


class Metric(SQLModel, table=True):
    __tablename__ = "measure_metric"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=160, unique=True)
    measure_id: int = Field(
        sa_column=Column(Integer, ForeignKey("reform_measure.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int = 0  # order within the measure, as curated
    # As for observations: value × 10^unit_multiplier == value_base (百亿级 is 100 亿元 = 10^10 CNY).
    value: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    unit: str = Field(max_length=40)
    unit_zh: str | None = Field(default=None, max_length=40)
    unit_multiplier: int = 0
    value_base: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    comparator: str = Field(default="eq", max_length=10)
    # A goal (打造…百亿级产业集群), not a measured value: its comparator is usually `magnitude`, a size class.
    target: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    counted_zh: str = Field(sa_column=Column(Text, nullable=False))
    counted_en: str = Field(sa_column=Column(Text, nullable=False))
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)
