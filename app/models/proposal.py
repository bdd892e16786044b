"""Proposals: a change to one fact, written by one key, approved by another, then published.

A proposal holds the fact's document as the client sent it (validated when it was proposed, and again when
it is published, against the data as it is then). Its reviews are their own rows, so a rejection and a later
approval by someone else are both on record. Neither is ever deleted.
"""

import datetime as dt

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


class Proposal(SQLModel, table=True):
    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_status", "status", "id"), Index("ix_proposal_fact", "kind", "slug", "id"))

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # a FactKind's name ("measure")
    operation: str = Field(max_length=12)  # create | update | deprecate
    slug: str = Field(max_length=160)  # the fact's key
    document: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of the document sent
    comment: str = Field(default="", max_length=2000)
    base_etag: str | None = Field(default=None, max_length=80)  # If-Match of an update or deprecation
    status: str = Field(default="open", max_length=12)  # open | approved | rejected | published
    author: str = Field(max_length=80)  # the proposing key's name
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    published_version: int | None = None  # the dataset version its publication made


class ProposalReview(SQLModel, table=True):
    __tablename__ = "proposal_review"
    __table_args__ = (Index("ix_proposal_review_proposal", "proposal_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id")
    reviewer: str = Field(max_length=80)  # the reviewing key's name (never the author's)
    decision: str = Field(max_length=8)  # approve | reject
    comment: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
