"""API models of sources."""

import datetime as dt

from pydantic import BaseModel, Field

from app.api.schemas import LocalizedText, Status, StatusReason


class SourceOut(BaseModel):
    """A published text facts are cited from (metadata; the body is at body_url)."""

    slug: str = Field(description="Stable identifier.", examples=["economic-daily-2020-10-20-longgang"])
    title: LocalizedText
    subtitle: LocalizedText
    publisher: LocalizedText = Field(description="经济日报·中国经济网 (Economic Daily / China Economic Net).")
    author: LocalizedText
    published_on: dt.date = Field(description="Publication date.", examples=["2020-10-20"])
    language: str = Field(description="Language of the body (BCP 47).", examples=["zh"])
    url: str | None = Field(description="Where the original is published, if known.")
    licence: LocalizedText = Field(description="Terms of the quoted text and of our data.")
    body_sha256: str = Field(description="SHA-256 of the body's UTF-8 bytes; check quotes against it.")
    body_length: int = Field(description="Length of the body in code points (citation offsets index into it).")
    citation_count: int = Field(description="How many citations quote it.")
    url_body: str = Field(description="The body as text/plain.", examples=["/v1/sources/x/body"])
    url_citations: str = Field(description="Every citation of this source.")
    url_self: str = Field(description="This source's API URL.")
    status: Status
    status_reason: StatusReason
