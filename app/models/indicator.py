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
