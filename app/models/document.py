"""The read model: each fact's API document, rendered when the fact is written, in every language variant.

List and detail routes answer from these bytes: a page is one indexed query plus concatenation, however
many related rows (places, programmes, metrics, citations) went into each document. A seed rebuilds them
in the transaction that changes the facts, so they are never older or newer than the facts themselves.
"""

from sqlalchemy import Column, Index, Integer, LargeBinary, String
from sqlmodel import Field, SQLModel


class FactDocument(SQLModel, table=True):
    __tablename__ = "fact_document"
    # Detail routes look a fact up by its kind and key (a slug, or an indicator's code).
    __table_args__ = (Index("ix_fact_document_kind_key", "kind", "key", unique=True),)

    # (kind, fact_id) is the primary key: list pages join it from the fact's own table, row by row.
    kind: str = Field(sa_column=Column(String(20), primary_key=True))
    fact_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    key: str = Field(max_length=160)
    # The JSON document for each `lang` variant: both languages, Chinese only, English only.
    json_zh_en: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    json_zh: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    json_en: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # The fact's display title (search hits show it).
    title_zh: str = Field(sa_column=Column(String(400), nullable=False))
    title_en: str = Field(sa_column=Column(String(400), nullable=False))
