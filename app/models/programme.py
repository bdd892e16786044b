"""Programmes: the plans, result sets and principles that reform measures belong to."""

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel


class Programme(SQLModel, table=True):
    __tablename__ = "programme"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name_zh: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    kind: str = Field(max_length=40)
    place_id: int = Field(sa_column=Column(Integer, ForeignKey("place.id", ondelete="RESTRICT"), nullable=False))
    summary_zh: str = Field(sa_column=Column(Text, nullable=False))
    summary_en: str = Field(sa_column=Column(Text, nullable=False))
    # Whom the source quotes for this statement (郑建忠表示…); null where it is the reporter's own account.
    speaker_id: int | None = Field(
        default=None,
        # person.id, without a foreign key: SQLite can drop a column a key uses only by copying the table, and
        # dropping the old copy would cascade onto the citations of its rows (see migration 0008). The seed
        # validator checks every speaker names a person, and people, like every fact, are never deleted.
        sa_column=Column(Integer, nullable=True, index=True),
    )
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)
