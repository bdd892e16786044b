"""The event: a dated step of the town-to-city timeline."""

from app.events.params import EventParams
from app.events.render import render_events
from app.events.schemas import EventOut
from app.facts.entries import EventIn
from app.facts.kind import FactKind
from app.models import Event

KIND = FactKind(
    name="event", plural="events", noun="event", model=Event, item_schema=EventOut, render=render_events,
    title=lambda doc: doc["title"], cited_by="event_id", params=EventParams,
    search_rank=1, search_fields=(("title", 5), ("description", 3)), seed_file="events.yaml", seed_schema=EventIn,
    references=(("place", "place"), ("speaker", "person")),
)
