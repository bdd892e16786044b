"""The place: where facts are about (Longgang → Wenzhou → Zhejiang)."""

from app.facts.entries import PlaceIn
from app.facts.kind import FactKind
from app.models import Place
from app.places.params import PlaceParams
from app.places.render import render_places, search_aliases
from app.places.schemas import PlaceOut

KIND = FactKind(
    name="place", plural="places", noun="place", model=Place, item_schema=PlaceOut, render=render_places,
    title=lambda doc: doc["name"], cited_by="place_id", params=PlaceParams,
    search_rank=6, search_fields=(("name", 5), ("description", 3)), search_after=search_aliases, seed_file="places.yaml", seed_schema=PlaceIn,
    references=(("parent", "place"),),
)
