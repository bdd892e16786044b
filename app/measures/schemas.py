"""API models of reform measures and their metrics."""

from pydantic import BaseModel, Field

from app.api.schemas import Citations, LocalizedText, PlaceRef, SelfUrl, Speaker, Status, StatusReason
from app.models.enums import Comparator, MeasureCategory, MeasureKind


class MetricOut(BaseModel):
    """A number that measures a reform: what is counted, how many, and how it is bounded."""

    slug: str = Field(description="Stable identifier.", examples=["one-seal-licensing-items-1129"])
    value: str = Field(description="Exact decimal, as published.", examples=["1129"])
    unit: str = Field(description="What one unit is.", examples=["item"])
    unit_zh: str | None = Field(description="The unit or measure word as published.", examples=["项"])
    unit_multiplier: int = Field(description="Power of ten of the published unit (亿 → 8).", examples=[0])
    value_base: str = Field(description="value × 10^unit_multiplier, in `unit`, exact.", examples=["1129"])
    comparator: Comparator = Field(description="eq (exactly), le (at most, 最多), ge (at least, 以上), approx "
                                           "(about, 一半), magnitude (the size class of a target, 百亿级).")
    target: bool = Field(description="True for a goal (打造…百亿级产业集群), false for a value already reached.")
    counted: LocalizedText = Field(description="What is counted.")
    citations: Citations


class ProgrammeRef(BaseModel):
    slug: str = Field(description="The programme's slug.", examples=["ten-ones-institutional-results"])
    name: LocalizedText


class MeasureOut(BaseModel):
    """A named reform, policy, plan, project or industry the source describes."""

    slug: str = Field(description="Stable identifier.", examples=["one-seal-for-approvals"])
    name: LocalizedText
    category: MeasureCategory = Field(description="Policy domain.")
    kind: MeasureKind = Field(description="What sort of thing it is.")
    programme: ProgrammeRef | None = Field(description="The programme it belongs to, if any.")
    place: PlaceRef
    summary: LocalizedText
    speaker: Speaker
    metrics: list[MetricOut] = Field(description="Its quantitative metrics, in the source's order.")
    citations: Citations
    url: SelfUrl
    status: Status
    status_reason: StatusReason
