"""API keys for the write routes: only a hash of each secret is stored.

A secret is `rfk_<key_id>_<43 random url-safe characters>` (256 bits): the prefix makes a leaked key easy to
recognise (secret scanners, logs), the key id finds the row without a scan, and SHA-256 of the whole secret
is what is compared — a slow password hash buys nothing for a random 256-bit token. A key is never
deleted: revoking it sets `revoked_at`, so the audit log's key names always resolve.
"""

import datetime as dt

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)  # who holds it: a person or a desk, shown in the audit log
    key_id: str = Field(max_length=16, unique=True)  # the public part of the secret
    secret_sha256: str = Field(max_length=64)  # hex SHA-256 of the whole secret
    scopes: str = Field(max_length=200)  # comma-separated, in SCOPES order
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
