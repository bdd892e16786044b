"""Response model of one revision."""

from typing import Any, Literal

from pydantic import BaseModel, Field


class RevisionOut(BaseModel):
    """One change to one fact: what it did (an RFC 6902 JSON Patch), who made it, and its place in the chain."""

    revision: int = Field(description="The revision's number: its position in the history of the whole dataset.",
                          examples=[42])
    type: str = Field(description="The kind of fact.", examples=["measure"])
    slug: str = Field(description="The fact's key (an indicator's code).", examples=["one-seal-for-approvals"])
    url: str = Field(description="The fact's API URL (a deprecated fact keeps it).",
                     examples=["/v1/measures/one-seal-for-approvals"])
    operation: Literal["create", "update", "deprecate"] = Field(description="What the revision did to the fact.")
    patch: list[dict[str, Any]] = Field(
        description="RFC 6902 JSON Patch from the fact's previous document (`{}` before it was created) to its "
                    "document after this revision, both as `lang=all` serves it.",
        examples=[[{"op": "replace", "path": "/summary/en", "value": "Approvals take one seal."}]])
    author: str = Field(description="Who made the change. A seed: the seed files' sha256 and the code's git commit.",
                        examples=["seed sha256:0721…fb51 git:e09c5f5…"])
    comment: str = Field(description="Why.", examples=["seed"])
    reviewer: str | None = Field(default=None, description="Who approved it: the reviewing key of a published "
                                 "proposal (null for a seed or an upload).", examples=["key:data-desk"])
    proposal_id: int | None = Field(default=None, description="The published proposal that made it "
                                    "(`/v1/proposals/{proposal_id}`); null for a seed or an upload.", examples=[7])
    created_at: str = Field(description="When, UTC (ISO 8601).", examples=["2026-11-30T19:48:08.486537Z"])
    dataset_version: int = Field(description="The dataset version this change is part of (`since` counts these).",
                                 examples=[1])
    prev_hash: str = Field(description="The hash of the revision before it (64 zeros for the first).")
    hash: str = Field(description="sha256 of prev_hash and this revision's canonical JSON; "
                                  "`python -m app verify-history` checks the chain.")
