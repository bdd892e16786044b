"""Places: the administrative hierarchy facts are about (Longgang → Wenzhou → Zhejiang)."""

from sqlalchemy import JSON, Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel


class Place(SQLModel, table=True):
    __tablename__ = "place"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    level: str = Field(max_length=40, index=True)
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("place.id", ondelete="RESTRICT"), nullable=True)
    )
    division_code: str | None = Field(default=None, max_length=12)
    # [{"zh": "中国第一座农民城", "en": "China's first farmers' city"}, …]
    aliases: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description_zh: str | None = Field(default=None, sa_column=Column(Text))
    description_en: str | None = Field(default=None, sa_column=Column(Text))
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)
