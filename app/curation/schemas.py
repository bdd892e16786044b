"""Request and response models of the curation API."""

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.facts.entries import Slug, Text

MAX_SOURCE_CHARS = 1_000_000  # a long report; the request body limit (max_write_body_bytes) applies first


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: Text = Field(max_length=300, description="In Chinese, as the source gives it.", examples=["新华社"])
    en: Text = Field(max_length=300, description="In English: our translation.", examples=["Xinhua News Agency"])


class SourceUpload(BaseModel):
    """A new source: its metadata and the UTF-8 text that facts will quote."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "slug": "xinhua-2021-03-01-longgang", "title": {"zh": "龙港“镇改市”一年间", "en": "Longgang's first year as a city"},
        "publisher": {"zh": "新华社", "en": "Xinhua News Agency"}, "published_on": "2021-03-01", "language": "zh",
        "url": "https://example.org/article", "body": "龙港市……"}]})

    slug: Slug = Field(max_length=120, description="The source's id in URLs: lowercase ASCII words joined by '-'.")
    title: Bilingual = Field(description="The headline.")
    subtitle: Bilingual | None = Field(default=None, description="The sub-headline, if any.")
    publisher: Bilingual = Field(description="Who published it.")
    author: Bilingual | None = Field(default=None, description="Who wrote it, if named.")
    published_on: dt.date = Field(description="The publication date; relative dates in the text resolve against it.")
    language: str = Field(default="zh", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=16,
                          description="BCP 47 language of the body.")
    url: str | None = Field(default=None, max_length=500, pattern=r"^https?://", description="Where it was published.")
    licence: Bilingual | None = Field(default=None, description="Under what terms the text is quoted.")
    body: Text = Field(max_length=MAX_SOURCE_CHARS, description="The article body without website chrome, UTF-8. "
                       "It is stored NFC-normalised; citation offsets are code points into that text.")


class ProposalIn(BaseModel):
    """A change to one fact. `document` is the fact as `GET /v1/{kind}s/{slug}` serves it (with `lang=all`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "person", "operation": "create", "slug": "xiong-li",
        "document": {"slug": "xiong-li", "name": {"zh": "熊丽", "en": "Xiong Li"},
                     "role": {"zh": "经济日报记者", "en": "Economic Daily reporter"},
                     "citations": [{"source": "economic-daily-2020-10-20-longgang", "quote": "熊丽",
                                    "start": 21, "end": 23}]},
        "comment": "The article's author."}]})

    kind: str = Field(description="The kind of fact: event, place, person, indicator, observation, programme, measure.",
                      examples=["measure"])
    operation: Literal["create", "update", "deprecate"] = Field(description="What to do to the fact.")
    slug: Slug = Field(max_length=160, description="The fact's id (an indicator's code).")
    document: dict[str, Any] | None = Field(default=None, description="The fact's new document (create, update); "
                                            "a deprecation needs none.")
    comment: str = Field(default="", max_length=2000, description="Why: shown in the fact's history.")


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"decision": "approve", "comment": "Quote and offsets checked against the source."}]})
    decision: Literal["approve", "reject"] = Field(description="Approve (it may be published) or reject.")
    comment: str = Field(default="", max_length=2000, description="What was checked, or what is wrong.")


class ReviewOut(BaseModel):
    reviewer: str = Field(description="The reviewing key's name.", examples=["research-desk-bob"])
    decision: Literal["approve", "reject"] = Field(description="The decision.")
    comment: str = Field(description="The reviewer's comment.")
    created_at: str = Field(description="When, UTC (ISO 8601).", examples=["2026-12-01T03:20:00.000000Z"])


class ProposalOut(BaseModel):
    """A proposal and where it stands: open → approved or rejected → published."""

    id: int = Field(description="The proposal's number.", examples=[1])
    url: str = Field(description="Its URL.", examples=["/v1/proposals/1"])
    kind: str = Field(description="The kind of fact.", examples=["measure"])
    operation: Literal["create", "update", "deprecate"] = Field(description="What it does to the fact.")
    slug: str = Field(description="The fact's id.", examples=["one-seal-for-approvals"])
    fact_url: str = Field(description="Where the fact is (or will be) served.",
                          examples=["/v1/measures/one-seal-for-approvals"])
    status: Literal["open", "approved", "rejected", "published"] = Field(description="Where it stands.")
    author: str = Field(description="The name of the key that proposed it.", examples=["data-desk-alice"])
    comment: str = Field(description="Why, as the author gave it.")
    base_etag: str | None = Field(description="The ETag of the fact the change was based on (If-Match).",
                                  examples=['"31bece044b58ac5860a0c5e6"'])
    document: dict[str, Any] | None = Field(description="The fact's document as proposed (null for a deprecation).")
    reviews: list[ReviewOut] = Field(description="Its reviews, oldest first.")
    created_at: str = Field(description="When it was proposed, UTC (ISO 8601).")
    updated_at: str = Field(description="When its status last changed, UTC (ISO 8601).")
    published_version: int | None = Field(description="The dataset version its publication made.")


class ProposalQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["open", "approved", "rejected", "published"] | None = Field(default=None,
                                                                                 description="Only these.")
    kind: str | None = Field(default=None, max_length=20, description="Only proposals for this kind of fact.")
    author: str | None = Field(default=None, max_length=80, description="Only those made by this key's name.")
    after: int = Field(default=0, ge=0, le=2**31 - 1, description="The last id of the page before (from `next`).")
    limit: int = Field(default=50, ge=1, le=100, description="At most this many.")


class SourceCreated(BaseModel):
    slug: str = Field(description="The new source's id.", examples=["xinhua-2021-03-01-longgang"])
    url: str = Field(description="Its URL.", examples=["/v1/sources/xinhua-2021-03-01-longgang"])



class CandidateSet(BaseModel):
    """What `python -m app ingest --format json` prints, for a stored source."""

    source: str = Field(description="The source's slug.", examples=["economic-daily-2020-10-20-longgang"])
    url: str = Field(description="The source's URL.", examples=["/v1/sources/economic-daily-2020-10-20-longgang"])
    sha256: str = Field(description="SHA-256 of the body the offsets index into (the source's body_sha256).")
    published: str = Field(description="The publication date relative dates were resolved against.",
                           examples=["2020-10-20"])
    candidates: list[dict[str, Any]] = Field(
        description="Each candidate: `kind` (number, date, name), `quote`, `start`, `end` (body[start:end] == quote), "
                    "what was found, and `citation` ({source, quote, start, end}) to put in a proposal.",
        examples=[[{"kind": "number", "quote": "集中梳理许可事项1129项", "start": 1607, "end": 1620, "value": "1129",
                    "unit_zh": "项", "unit_multiplier": 0, "value_base": "1129", "comparator": "eq",
                    "citation": {"source": "economic-daily-2020-10-20-longgang", "quote": "集中梳理许可事项1129项",
                                 "start": 1607, "end": 1620}}]])
