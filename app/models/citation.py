"""Citations: each ties exactly one fact to a verbatim quote at known offsets in a source body."""

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

# The fact kinds a citation can support; each is a nullable foreign key and exactly one is set.
CITED_COLUMNS = (
    "place_id",
    "event_id",
    "indicator_id",
    "observation_id",
    "programme_id",
    "measure_id",
    "metric_id",
    "person_id",
)
_ONE_FACT = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in CITED_COLUMNS) + " = 1"


def _fact_fk(table: str) -> Column:
    return Column(Integer, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=True, index=True)


class Citation(SQLModel, table=True):
    __tablename__ = "citation"
    __table_args__ = (
        CheckConstraint(_ONE_FACT, name="one_fact"),
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="offsets"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(
        sa_column=Column(Integer, ForeignKey("source.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    position: int = 0  # order among the fact's citations, as curated
    quote: str = Field(sa_column=Column(Text, nullable=False))
    start_offset: int
    end_offset: int
    place_id: int | None = Field(default=None, sa_column=_fact_fk("place"))
    event_id: int | None = Field(default=None, sa_column=_fact_fk("timeline_event"))
    indicator_id: int | None = Field(default=None, sa_column=_fact_fk("indicator"))
    observation_id: int | None = Field(default=None, sa_column=_fact_fk("observation"))
    programme_id: int | None = Field(default=None, sa_column=_fact_fk("programme"))
    measure_id: int | None = Field(default=None, sa_column=_fact_fk("reform_measure"))
    metric_id: int | None = Field(default=None, sa_column=_fact_fk("measure_metric"))
    person_id: int | None = Field(default=None, sa_column=_fact_fk("person"))


def cited_fact(citation: Citation) -> tuple[str, int]:
    """The fact a citation supports, as (its column in CITED_COLUMNS, the fact's id)."""
    column = next(c for c in CITED_COLUMNS if getattr(citation, c) is not None)
    return column, getattr(citation, column)
