"""The search index: text fields of every fact, and the terms (CJK bigrams, words, numbers) found in them.

Built by the seed loader, so search behaves the same on SQLite and PostgreSQL: no FTS extension is used.
"""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel


class SearchDocument(SQLModel, table=True):
    __tablename__ = "search_document"
    __table_args__ = (Index("ix_search_document_doc", "doc_type", "doc_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    doc_type: str = Field(max_length=20)  # event, measure, indicator, observation, programme, place
    doc_slug: str = Field(max_length=160)
    field: str = Field(max_length=40)  # title_zh, summary_en, quote, …
    weight: int = 1  # how much a match in this field counts when ranking
    text: str = Field(sa_column=Column(Text, nullable=False))


class SearchTerm(SQLModel, table=True):
    __tablename__ = "search_term"

    # (term, document_id) is the primary key, so a term's postings are one index range scan. Terms
    # compare bytewise (collation "C" on PostgreSQL, SQLite's default): prefix search is a range
    # [term, next(term)) that must mean the same whatever locale the database was created with.
    term: str = Field(sa_column=Column(String(64).with_variant(String(64, collation="C"), "postgresql"),
                                       primary_key=True))
    document_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
