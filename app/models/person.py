"""People the sources name: whom a statement quotes (its speaker) and who wrote the source (table `person`)."""

from sqlmodel import Field, SQLModel


class Person(SQLModel, table=True):
    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    # The role the source gives them at the time (龙港市委书记), not a current title.
    role_zh: str = Field(max_length=300)
    role_en: str = Field(max_length=300)
    # A fact is never deleted: one dropped from the seed files (later: retracted) stays, deprecated, at its URL.
    status: str = Field(default="active", max_length=12, sa_column_kwargs={"server_default": "active"})
    status_reason: str | None = Field(default=None, max_length=400)
