"""The query parameters of /v1/sources."""

from typing import ClassVar

from pydantic import BaseModel, Field

from app.api.params import CollectionParams


class SourceFilters(BaseModel):
    sort: str | None = Field(default=None, description="Keys: slug, published_on.")


class SourceParams(CollectionParams, SourceFilters):
    SORTABLE: ClassVar = {"slug": "slug", "published_on": "published_on"}
    DEFAULT_SORT: ClassVar = "slug"
