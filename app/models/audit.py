"""The audit log: every write and every refused write, who, what, when and with what outcome.

Append-only like the revision history (triggers refuse UPDATE and DELETE). It never holds a secret: a
refused credential is recorded by what was wrong with it, and a key by its name.
"""

import datetime as dt

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_actor", "actor", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=120)  # "key:<name>", "cli", or "anonymous" for a refused request
    action: str = Field(max_length=200)  # "keys.create", "POST /v1/sources", …
    target: str = Field(default="", max_length=400)  # what it acted on (a key name, a fact's URL)
    outcome: str = Field(max_length=400)  # "ok", "201", "401 unknown key", "403 needs scope publish", …
    request_id: str = Field(default="", max_length=128)
