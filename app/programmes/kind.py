"""The programme: a plan, result set or principle that measures belong to."""

from app.facts.entries import ProgrammeIn
from app.facts.kind import FactKind
from app.models import Programme
from app.programmes.params import ProgrammeParams
from app.programmes.render import render_programmes
from app.programmes.schemas import ProgrammeOut

KIND = FactKind(
    name="programme", plural="programmes", noun="programme", model=Programme, item_schema=ProgrammeOut,
    render=render_programmes, title=lambda doc: doc["name"], cited_by="programme_id", params=ProgrammeParams,
    search_rank=3, search_fields=(("name", 5), ("summary", 3)), seed_file="programmes.yaml", seed_schema=ProgrammeIn,
    references=(("place", "place"), ("speaker", "person")),
)
