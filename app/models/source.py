"""Sources: the published texts every fact is cited from."""

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class Source(SQLModel, table=True):
    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title_zh: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    subtitle_zh: str | None = Field(default=None, max_length=300)
    subtitle_en: str | None = Field(default=None, max_length=300)
    publisher_zh: str = Field(max_length=200)
    publisher_en: str = Field(max_length=200)
    author_zh: str | None = Field(default=None, max_length=200)
    author_en: str | None = Field(default=None, max_length=200)
    published_on: dt.date
    language: str = Field(max_length=16)
    url: str | None = Field(default=None, max_length=500)
    licence_zh: str | None = Field(default=None, sa_column=Column(Text))
    licence_en: str | None = Field(default=None, sa_column=Column(Text))
    # The article body without website chrome; citations' offsets index into it.
    body: str = Field(sa_column=Column(Text, nullable=False))
    body_sha256: str = Field(max_length=64)
    # The re-post the body was cut from, chrome included, kept for provenance.
    repost: str | None = Field(default=None, sa_column=Column(Text))
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)
