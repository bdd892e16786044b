"""Response models of releases and their changelogs."""

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from app.releases.service import COUNTED

ReleaseCounts: type[BaseModel] = create_model(  # one field per resource, so the CSV has a column for each
    "ReleaseCounts",
    __doc__="Items per resource in the release, keyed as in `/v1/meta` (a metric is part of its measure).",
    **{name: (int, Field(description=f"Number of {name} in the release.", examples=[10])) for name in COUNTED},
)


class FieldChange(BaseModel):
    """One field of a fact that changed: an operation of the RFC 6902 patch between its two documents."""

    op: Literal["add", "remove", "replace"] = Field(description="add (a new field or list item), remove, replace.")
    path: str = Field(description="JSON Pointer (RFC 6901) into the fact's `lang=all` document.",
                      examples=["/name/en"])
    old: Any = Field(default=None, description="The value before (absent for an add).",
                     examples=["One seal for approvals"])
    new: Any = Field(default=None, description="The value after (absent for a remove).",
                     examples=["One seal for every approval"])


class ReleaseFact(BaseModel):
    """A fact that is new in this release (or back after a deprecation)."""

    type: str = Field(description="The kind of fact.", examples=["measure"])
    slug: str = Field(description="The fact's key (an indicator's code).", examples=["one-seal-for-approvals"])
    url: str = Field(description="The fact's API URL.", examples=["/v1/measures/one-seal-for-approvals"])


class ReleaseUpdate(ReleaseFact):
    """A fact whose document changed since the previous release, field by field."""

    changes: list[FieldChange] = Field(
        description="Sorted by path; changes inside one array keep the order that applies them (each shifts the "
                    "indices after it), and `old` is the value at `path` just before its change.")


class ReleaseDeprecation(ReleaseFact):
    """A fact of the previous release that this one no longer holds (its URL and history stay)."""

    reason: str | None = Field(description="Why it was deprecated.", examples=["removed from the seed files"])


class ReleaseChangelog(BaseModel):
    """How the release differs from the one before it (release 1: every fact is created). Each list is ordered by
    kind of fact (as /v1/meta lists them) and then slug."""

    created: list[ReleaseFact] = Field(description="Facts new in this release.")
    updated: list[ReleaseUpdate] = Field(description="Facts whose document changed.")
    deprecated: list[ReleaseDeprecation] = Field(description="Facts this release no longer holds.")


class ReleaseOut(BaseModel):
    """A numbered, immutable release: the facts frozen at one dataset version, and their data package."""

    number: int = Field(description="The release's number: 1, 2, …", examples=[1])
    published_at: str = Field(description="When it was made, UTC (ISO 8601).", examples=["2026-11-30T21:00:00Z"])
    notes: str = Field(description="What the release is, in its maker's words.",
                       examples=["First release: the facts of the seed files."])
    dataset_version: int = Field(description="The dataset version it freezes (`/v1/changes?since=` counts these).",
                                 examples=[1])
    counts: ReleaseCounts  # type: ignore[valid-type]
    url: str = Field(description="This release's API URL (with its changelog).", examples=["/v1/releases/1"])
    datapackage_url: str = Field(description="Its Frictionless Data Package (zip): a CSV per kind of fact, one of "
                                             "citations, the source texts, datapackage.json, README.md, CITATION.cff.",
                                 examples=["/v1/releases/1/datapackage.zip"])
    datapackage_sha256: str = Field(description="SHA-256 of the package's bytes (its ETag is the first 24 digits).")
    datapackage_size: int = Field(description="Size of the package, bytes.", examples=[98304])


class ReleaseDetailOut(ReleaseOut):
    """A release with its changelog."""

    changelog: ReleaseChangelog
