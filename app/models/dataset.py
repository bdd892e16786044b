"""The dataset's version: bumped by every seed that changes data, so every process can drop stale caches."""

import datetime as dt

from sqlmodel import Field, SQLModel


class DatasetState(SQLModel, table=True):
    __tablename__ = "dataset_state"

    id: int = Field(default=1, primary_key=True)  # a single row
    version: int = 0
    content_sha256: str = Field(default="", max_length=64)  # of the seed files last loaded
    updated_at: dt.datetime
    # The code that wrote the fact documents (app.facts.documents.document_format()): a start-up whose
    # code renders differently rebuilds them, even when the seed files are unchanged.
    document_format: str = Field(default="", max_length=64)
    # The last revision the seed files are known to hold: the one `python -m app export` reached, or the last
    # of a seed loaded over the API's changes. A seed will not overwrite a fact changed through the API after
    # it (app.seed.guard) unless told to.
    exported_revision: int = 0
