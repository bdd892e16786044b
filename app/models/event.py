"""Events: the town-to-city timeline, each dated with its precision (table `timeline_event`)."""

import datetime as dt

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, false
from sqlmodel import Field, SQLModel


class Event(SQLModel, table=True):
    __tablename__ = "timeline_event"
    # A category's events in the default order (date_start, slug, id), see migration 0002.
    __table_args__ = (Index("ix_timeline_event_category_date", "category", "date_start", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    # As precisely as the source states it: "2019-09-25", "1983-10", "2014", "2020-H1".
    date: str = Field(max_length=20)
    date_precision: str = Field(max_length=20)
    # The inclusive range of days the statement covers; range filters use overlap on these.
    date_start: dt.date = Field(index=True)
    date_end: dt.date = Field(index=True)
    # date_start is our estimate, not the source's (“日前” read as “since the first anniversary”): say so.
    date_start_assumed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The same statement in EDTF (ISO 8601-2), checked against the range when seeded: "2020-40", "[..2020-10-20]".
    date_edtf: str = Field(max_length=40)
    place_id: int = Field(sa_column=Column(Integer, ForeignKey("place.id", ondelete="RESTRICT"), nullable=False))
    category: str = Field(max_length=40, index=True)
    title_zh: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    description_zh: str = Field(sa_column=Column(Text, nullable=False))
    description_en: str = Field(sa_column=Column(Text, nullable=False))
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
    # An event another source dates differently is its own fact, `same_as` the event first recorded: the two
    # share one identity and the rank says which date the lists show (app.facts.ranks). No foreign key (see
    # migration 0009): facts are never deleted and the seed validator checks the reference.
    same_as_id: int | None = Field(default=None)
    rank: str = Field(default="preferred", max_length=12, sa_column_kwargs={"server_default": "preferred"})
    rank_reason: str | None = Field(default=None, max_length=400)
