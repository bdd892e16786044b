"""Indicators: what is measured, in which unit."""

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class Indicator(SQLModel, table=True):
    __tablename__ = "indicator"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=120, unique=True)
    name_zh: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    unit: str = Field(max_length=40)
    definition_zh: str = Field(sa_column=Column(Text, nullable=False))
    definition_en: str = Field(sa_column=Column(Text, nullable=False))
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)
