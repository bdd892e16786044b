"""The entries of the seed files (seed_data/*.yaml), one schema per kind, as each kind declares (FactKind.seed_schema)."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.models.enums import (
    Comparator,
    DatePrecision,
    EventCategory,
    MeasureCategory,
    MeasureKind,
    PlaceLevel,
    ProgrammeKind,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError("must be lowercase ASCII words joined by '-'")
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Text = Annotated[str, AfterValidator(_text)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitationIn(Entry):
    source: Slug
    quote: Text
    start: int = Field(ge=0)
    end: int = Field(gt=0)


# Every fact has at least one citation; it is the last key of an entry, after the fact itself.
Citations = Annotated[list[CitationIn], Field(min_length=1)]


def _paired(entry: BaseModel, *stems: str) -> None:
    """A Chinese field and its English twin are both set or both null."""
    for stem in stems:
        zh, en = getattr(entry, f"{stem}_zh"), getattr(entry, f"{stem}_en")
        if (zh is None) != (en is None):
            missing = f"{stem}_en" if en is None else f"{stem}_zh"
            raise ValueError(f"{missing} is missing while its twin is set")


def _check_base(value: Decimal, multiplier: int, base: Decimal) -> None:
    if value * (Decimal(10) ** multiplier) != base:
        raise ValueError(f"value_base {base} != value {value} × 10^{multiplier}")


class SourceIn(Entry):
    slug: Slug
    title_zh: Text
    title_en: Text
    subtitle_zh: Text | None
    subtitle_en: Text | None
    publisher_zh: Text
    publisher_en: Text
    author_zh: Text | None
    author_en: Text | None
    published_on: dt.date
    language: Text
    url: str | None
    body_file: Text
    repost_file: str | None
    body_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    licence_zh: Text | None
    licence_en: Text | None

    @model_validator(mode="after")
    def _twins(self) -> "SourceIn":
        _paired(self, "subtitle", "author", "licence")
        return self


class AliasIn(Entry):
    zh: Text
    en: Text


class PlaceIn(Entry):
    slug: Slug
    name_zh: Text
    name_en: Text
    level: PlaceLevel
    parent: Slug | None
    division_code: str | None = Field(pattern=r"^\d{6}(\d{6})?$")
    aliases: list[AliasIn]
    description_zh: Text | None
    description_en: Text | None
    citations: Citations

    @model_validator(mode="after")
    def _twins(self) -> "PlaceIn":
        _paired(self, "description")
        return self


class IndicatorIn(Entry):
    code: Slug
    name_zh: Text
    name_en: Text
    unit: Text
    definition_zh: Text
    definition_en: Text
    citations: Citations


class ObservationIn(Entry):
    slug: Slug
    indicator: Slug
    place: Slug
    period: str = Field(pattern=r"^\d{4}(-H[12]|-Q[1-4]|-\d{2}(-\d{2})?)?$")
    period_start: dt.date
    period_end: dt.date
    value: Decimal
    unit: Text
    unit_zh: Text | None
    unit_multiplier: int = Field(ge=0, le=12)
    value_base: Decimal
    yoy_change_pct: Decimal | None
    reference_place: Slug | None
    comparison_zh: Text | None
    comparison_en: Text | None
    note_zh: Text | None
    note_en: Text | None
    citations: Citations

    @model_validator(mode="after")
    def _consistent(self) -> "ObservationIn":
        _paired(self, "comparison", "note")
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        _check_base(self.value, self.unit_multiplier, self.value_base)
        return self


class EventIn(Entry):
    slug: Slug
    date: str = Field(pattern=r"^\d{4}(-H[12]|-\d{2}(-\d{2})?)?$")
    date_precision: DatePrecision
    date_start: dt.date
    date_end: dt.date
    place: Slug
    category: EventCategory
    title_zh: Text
    title_en: Text
    description_zh: Text
    description_en: Text
    citations: Citations

    @model_validator(mode="after")
    def _range(self) -> "EventIn":
        if self.date_end < self.date_start:
            raise ValueError("date_end is before date_start")
        return self


class ProgrammeIn(Entry):
    slug: Slug
    name_zh: Text
    name_en: Text
    kind: ProgrammeKind
    place: Slug
    summary_zh: Text
    summary_en: Text
    citations: Citations


class MetricIn(Entry):
    slug: Slug
    value: Decimal
    unit: Text
    unit_zh: Text | None
    unit_multiplier: int = Field(ge=0, le=12)
    value_base: Decimal
    comparator: Comparator
    counted_zh: Text
    counted_en: Text
    citations: Citations

    @model_validator(mode="after")
    def _scaled(self) -> "MetricIn":
        _check_base(self.value, self.unit_multiplier, self.value_base)
        return self


class MeasureIn(Entry):
    slug: Slug
    name_zh: Text
    name_en: Text
    category: MeasureCategory
    kind: MeasureKind
    programme: Slug | None
    place: Slug
    summary_zh: Text
    summary_en: Text
    citations: Citations
    metrics: list[MetricIn]
