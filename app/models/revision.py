"""The history of every fact: an append-only chain of revisions.

Each change to a fact's document (seed now, curation later) appends one row: what changed as an RFC 6902
JSON Patch from the previous document, the whole new document (so any past state is one lookup), who and
why, and a hash that covers the row and the hash before it, so editing or deleting any past row breaks
the chain (`python -m app verify-history`). No code path updates or deletes a revision.
"""

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class Revision(SQLModel, table=True):
    __tablename__ = "fact_revision"
    __table_args__ = (
        Index("ix_fact_revision_fact", "kind", "key", "id"),
        Index("ix_fact_revision_version", "dataset_version", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)  # the chain's order
    kind: str = Field(max_length=20)
    key: str = Field(max_length=160)
    operation: str = Field(max_length=12)  # create | update | deprecate
    patch: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of the RFC 6902 operations
    document: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of the document after it
    author: str = Field(max_length=200)
    # A published proposal's: who approved it, and the proposal (None for a seed). Hashed only when set, so
    # the revisions written before curation keep their hashes.
    reviewer: str | None = Field(default=None, max_length=80)
    proposal_id: int | None = None
    comment: str = Field(default="", max_length=2000)
    created_at: dt.datetime
    dataset_version: int  # the version this change is part of
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
