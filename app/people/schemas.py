"""API models of people."""

from pydantic import BaseModel, Field

from app.api.schemas import Citations, LocalizedText, SelfUrl, Status, StatusReason


class StatementUrls(BaseModel):
    events: str = Field(description="Events whose statement the source attributes to this person.")
    programmes: str = Field(description="Programmes, likewise.")
    measures: str = Field(description="Measures, likewise.")


class PersonOut(BaseModel):
    """A person a source names: whom it quotes, or who wrote it."""

    slug: str = Field(description="Stable identifier.", examples=["zheng-jianzhong"])
    name: LocalizedText
    role: LocalizedText = Field(description="The role the source gives them at the time (龙港市委书记).")
    citations: Citations
    url: SelfUrl
    statements_urls: StatementUrls = Field(description="Lists of the statements they are the speaker of.")
    status: Status
    status_reason: StatusReason
