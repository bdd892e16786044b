"""API models of the citations a source supports."""

from pydantic import BaseModel, Field


class FactRef(BaseModel):
    type: str = Field(description="place, event, indicator, observation, programme, measure or metric.",
                      examples=["metric"])
    slug: str = Field(description="The fact's slug (an indicator's code).", examples=["one-seal-licensing-items-1129"])
    url: str = Field(description="The fact's API URL (a metric's is its measure's).")


class SourceCitationOut(BaseModel):
    """A quote of the source and the fact it supports."""

    quote: str = Field(description="Verbatim text of the source body.")
    start: int = Field(description="Offset (code points, 0-based) of the quote in the body.")
    end: int = Field(description="End offset, exclusive: body[start:end] == quote.")
    fact: FactRef
