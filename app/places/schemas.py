"""API models of places."""

from pydantic import BaseModel, Field

from app.api.schemas import Citations, LocalizedText, PlaceRef, SelfUrl, Status, StatusReason
from app.models.enums import PlaceLevel


class PlaceOut(BaseModel):
    """A place in the administrative hierarchy."""

    slug: str = Field(description="Stable identifier.", examples=["longgang"])
    name: LocalizedText
    level: PlaceLevel
    parent: PlaceRef | None = Field(description="The place it belongs to (Longgang → Wenzhou → Zhejiang).")
    division_code: str | None = Field(description="Official administrative division code, where known.",
                                      examples=["330383"])
    aliases: list[LocalizedText] = Field(description="Other names, e.g. 中国第一座农民城.")
    description: LocalizedText
    citations: Citations
    url: SelfUrl
    status: Status
    status_reason: StatusReason
