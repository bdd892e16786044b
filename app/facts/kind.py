"""FactKind: everything the service needs to know about one kind of fact, declared once.

Each domain package declares its kind (app/<kind>/kind.py); app.registry lists them. Seeding, validation,
export, the search index, the read model, source citations, /v1/meta counts, URL building and the test
helpers loop over the registry, so a new kind is one declaration plus its package.
"""

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import Table
from sqlmodel import Session, SQLModel

if TYPE_CHECKING:
    from app.api.params import CollectionParams
    from app.facts.ranks import RankRule

Languages = tuple[str, ...]
# rows of the kind's model, the languages to render → one JSON-ready dict per row, in order
Renderer = Callable[[Session, list[Any], Languages], list[dict[str, Any]]]
# (slug, field, weight, text) search documents beyond the facts' declared fields: of the facts whose keys are
# given (a curation write's), or of all
ExtraSearch = Callable[[Session, Collection[str] | None], Iterator[tuple[str, str, int, str]]]


@dataclass(frozen=True)
class FactKind:
    name: str  # singular: the `type` of search hits and cited facts ("measure")
    plural: str  # the URL root's last segment and the /v1/meta count ("measures")
    noun: str  # in "There is no measure 'x'."
    model: type[SQLModel]
    item_schema: type[BaseModel] | None  # the API model of one item (None: embedded in its parent's)
    render: Renderer | None  # None: rendered inside its parent's documents
    title: Callable[[dict[str, Any]], dict[str, str]] | None = None  # display title, from the zh+en document
    key: str = "slug"  # the column that identifies an item in URLs and seed files
    cited_by: str | None = None  # its column in Citation; None for sources, which are what citations point into
    params: "type[CollectionParams] | None" = None  # the list route's query parameters, filters, sorts, facets
    search_fields: tuple[tuple[str, int], ...] = ()  # (text stem, weight): name_zh/name_en … are indexed
    search_rank: int = 0  # among equally scored hits, lower ranks first (events, then measures, …)
    search_before: ExtraSearch | None = None  # documents indexed before the declared fields (slug, field, …)
    search_after: ExtraSearch | None = None  # … and after the fields and quotes
    seed_file: str | None = None  # seed_data/<file>; None: nested in its parent's entries
    seed_schema: type[BaseModel] | None = None  # one entry of the seed file (app.facts.entries)
    # (entry field, kind): the field names an item of that kind by its key; the row holds its id in <field>_id
    references: tuple[tuple[str, str], ...] = ()
    numbers: tuple[str, ...] = ()  # fields whose value must appear in one of the entry's quotes
    parts: str | None = None  # the entry field that holds this kind's parts (a measure's metrics)
    part_of: str | None = None  # the kind whose documents embed this one (a metric is part of its measure)
    url_of_part: Callable[[Session, Iterable[int]], dict[int, str]] | None = None  # part id → its parent's URL
    ranks: "RankRule | None" = None  # several sources may state it differently: its facts are ranked (app.facts.ranks)

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined]

    @property
    def url_root(self) -> str:
        return list_url(self.plural)

    def url(self, key: str) -> str:
        return item_url(self.plural, key)


API_ROOT = "/v1"


def list_url(plural: str) -> str:
    return f"{API_ROOT}/{plural}"


def item_url(plural: str, key: str) -> str:
    """The API URL of one item: every /v1/<kind>/<key> link in a document is built here."""
    return f"{API_ROOT}/{plural}/{key}"
