"""The entries of the seed files (seed_data/*.yaml), one schema per kind, as each kind declares (FactKind.seed_schema)."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from app.facts import edtf
from app.models.enums import (
    Comparator,
    DatePrecision,
    EventCategory,
    MeasureCategory,
    MeasureKind,
    PlaceLevel,
    ProgrammeKind,
    Rank,
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


# A curator's rank for a fact that other sources contradict (app.facts.ranks decides without one); optional
# keys after the citations, which the files of facts no source contradicts leave out.
RankIn = Annotated[Rank | None, Field(default=None)]
RankReasonIn = Annotated[Text | None, Field(default=None, max_length=400)]


def _reasoned(entry: "ObservationIn | EventIn") -> None:
    if (entry.rank is None) != (entry.rank_reason is None):
        raise ValueError("rank and rank_reason are given together: a rank says why")


def _check_base(value: Decimal, multiplier: int, base: Decimal) -> None:
    if value * (Decimal(10) ** multiplier) != base:
        raise ValueError(f"value_base {base} != value {value} × 10^{multiplier}")


def _span(start: dt.date | None, end: dt.date | None) -> str:
    """Days as in messages: 2020-01-01..2020-06-30, or ..2020-10-20 when the start is open."""
    return f"{start or ''}..{end or ''}"


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


class PersonIn(Entry):
    slug: Slug
    name_zh: Text
    name_en: Text
    role_zh: Text
    role_en: Text
    citations: Citations


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
    rank: RankIn = None
    rank_reason: RankReasonIn = None

    @model_validator(mode="after")
    def _consistent(self) -> "ObservationIn":
        _paired(self, "comparison", "note")
        _reasoned(self)
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        _check_base(self.value, self.unit_multiplier, self.value_base)
        # The API serves period_edtf derived from the label, so the label and the days must agree.
        days = edtf.bounds(edtf.parse(edtf.period_edtf(self.period)))
        if days != (self.period_start, self.period_end):
            raise ValueError(f"period {self.period!r} covers {_span(*days)}, "
                             f"not period_start..period_end {_span(self.period_start, self.period_end)}")
        return self


class EventIn(Entry):
    slug: Slug
    date: str = Field(pattern=r"^\d{4}(-H[12]|-\d{2}(-\d{2})?)?$")
    date_precision: DatePrecision
    date_start: dt.date
    date_end: dt.date
    # The source gives no start (“日前”): date_start is our estimate. Absent in files older than the data review.
    date_start_assumed: bool = False
    # `edtf` in the seed file, column date_edtf; declared after the fields it is checked against (info.data).
    date_edtf: str = Field(alias="edtf")
    place: Slug
    category: EventCategory
    title_zh: Text
    title_en: Text
    description_zh: Text
    description_en: Text
    speaker: Slug | None = None  # the person the source quotes, when it quotes someone
    citations: Citations
    # The event first recorded, when this one is the same event as another source dates it.
    same_as: Slug | None = None
    rank: RankIn = None
    rank_reason: RankReasonIn = None

    @field_validator("date_edtf")
    @classmethod
    def _edtf(cls, value: str, info: ValidationInfo) -> str:
        parsed = edtf.parse(value)
        precision, start, end = (info.data.get(k) for k in ("date_precision", "date_start", "date_end"))
        if precision is None or start is None or end is None:
            return value  # those fields' own errors are reported; nothing to compare against
        expected = edtf.event_edtf(precision, start, end)
        if value != expected:
            raise ValueError(f"{value!r} disagrees with date_precision {precision.value!r} and date_start..date_end "
                             f"{_span(start, end)}: expected {expected!r}")
        # The string is the expected one; the library's days also test that the dates fit the precision
        # (a month must run from its first day to its last).
        days = edtf.bounds(parsed)
        wanted = (None if precision is DatePrecision.before else start, end)
        if days != wanted:
            raise ValueError(f"{value!r} covers {_span(*days)}, not date_start..date_end {_span(start, end)}")
        return value

    @model_validator(mode="after")
    def _range(self) -> "EventIn":
        if self.date_end < self.date_start:
            raise ValueError("date_end is before date_start")
        if self.same_as == self.slug:
            raise ValueError("same_as names the event itself")
        _reasoned(self)
        return self


class ProgrammeIn(Entry):
    slug: Slug
    name_zh: Text
    name_en: Text
    kind: ProgrammeKind
    place: Slug
    summary_zh: Text
    summary_en: Text
    speaker: Slug | None = None
    citations: Citations


class MetricIn(Entry):
    slug: Slug
    value: Decimal
    unit: Text
    unit_zh: Text | None
    unit_multiplier: int = Field(ge=0, le=12)
    value_base: Decimal
    comparator: Comparator
    target: bool = False  # a goal (百亿级), not a measured value
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
    speaker: Slug | None = None
    citations: Citations
    metrics: list[MetricIn]
