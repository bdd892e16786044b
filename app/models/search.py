"""The search index: text fields of every fact, and the terms (CJK bigrams, words, numbers) found in them.

Built by the seed loader, so search behaves the same on SQLite and PostgreSQL: no FTS extension is used.
"""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel


def _bytewise(length: int) -> String:
    """Text compared byte by byte on every backend (SQLite's default; collation "C" on PostgreSQL)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class SearchDocument(SQLModel, table=True):
    __tablename__ = "search_document"
    __table_args__ = (Index("ix_search_document_doc", "doc_type", "doc_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    # Bytewise ("C") on PostgreSQL like the terms: ranking groups and sorts thousands of hits by these,
    # and a locale-aware comparison of each pair costs more than the rest of the query.
    doc_type: str = Field(sa_column=Column(_bytewise(20), nullable=False))  # event, measure, place, …
    doc_slug: str = Field(sa_column=Column(_bytewise(160), nullable=False))
    field: str = Field(max_length=40)  # title_zh, summary_en, quote, …
    weight: int = 1  # how much a match in this field counts when ranking
    text: str = Field(sa_column=Column(Text, nullable=False))


class SearchTerm(SQLModel, table=True):
    __tablename__ = "search_term"
    __table_args__ = (Index("ix_search_term_fact", "term", "doc_type", "doc_slug", "weight"),)

    # (term, document_id) is the primary key, so a term's postings are one index range scan. Terms
    # compare bytewise (collation "C" on PostgreSQL, SQLite's default): prefix search is a range
    # [term, next(term)) that must mean the same whatever locale the database was created with.
    term: str = Field(sa_column=Column(_bytewise(64), primary_key=True))
    document_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    # Copied from the document so that ranking a common word (thousands of postings) reads this table's
    # ix_search_term_fact alone, already grouped by fact, without visiting each document.
    doc_type: str = Field(sa_column=Column(_bytewise(20), nullable=False))
    doc_slug: str = Field(sa_column=Column(_bytewise(160), nullable=False))
    weight: int
