"""API models of indicators."""

from pydantic import BaseModel, Field

from app.api.schemas import Citations, LocalizedText, SelfUrl, Status, StatusReason


class IndicatorOut(BaseModel):
    """What is measured, in which unit."""

    code: str = Field(description="Stable identifier.", examples=["gdp"])
    name: LocalizedText
    unit: str = Field(description="Base unit of observations (CNY, percent, indicator, …).", examples=["CNY"])
    definition: LocalizedText
    observation_count: int = Field(description="How many observations it has.", examples=[1])
    citations: Citations
    url: SelfUrl
    observations_url: str = Field(description="This indicator's observations.")
    status: Status
    status_reason: StatusReason
