"""API models of search hits."""

from pydantic import BaseModel, Field

from app.api.schemas import LocalizedText


class SearchHit(BaseModel):
    """A fact that matches every word of the query, with where it matched."""

    type: str = Field(description="event, measure, programme, indicator, observation or place.",
                      examples=["measure"])
    slug: str = Field(description="The fact's slug (an indicator's code).", examples=["one-seal-for-approvals"])
    url: str = Field(description="The fact's API URL.", examples=["/v1/measures/one-seal-for-approvals"])
    title: LocalizedText = Field(description="The fact's name or title.")
    field: str = Field(description="The field the best match is in: name_zh, summary_en, quote, metric_zh, …",
                       examples=["name_zh"])
    snippet: str = Field(description="Text around the match, matches wrapped in <mark>…</mark>.",
                         examples=["<mark>一枚印章</mark>管审批"])
    score: int = Field(description="Relevance: higher is better (field weights of the matched words).")
