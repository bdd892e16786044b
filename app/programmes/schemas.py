"""API models of programmes."""

from pydantic import BaseModel, Field

from app.api.schemas import Citations, LocalizedText, PlaceRef, SelfUrl, Speaker, Status, StatusReason
from app.models.enums import ProgrammeKind


class ProgrammeOut(BaseModel):
    """A programme, plan, result set or principle that reform measures belong to."""

    slug: str = Field(description="Stable identifier.", examples=["ten-ones-institutional-results"])
    name: LocalizedText
    kind: ProgrammeKind
    place: PlaceRef
    summary: LocalizedText
    speaker: Speaker
    measure_count: int = Field(description="How many measures belong to it.")
    citations: Citations
    url: SelfUrl
    measures_url: str = Field(description="Its measures.")
    status: Status
    status_reason: StatusReason
