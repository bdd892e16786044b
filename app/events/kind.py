"""The event: a dated step of the town-to-city timeline."""

from sqlalchemy import func, select

from app.events.params import EventParams
from app.events.render import render_events
from app.events.schemas import EventOut
from app.facts.entries import EventIn
from app.facts.kind import FactKind
from app.facts.ranks import RankRule
from app.models import Event

KIND = FactKind(
    name="event", plural="events", noun="event", model=Event, item_schema=EventOut, render=render_events,
    title=lambda doc: doc["title"], cited_by="event_id", params=EventParams,
    search_rank=1, search_fields=(("title", 5), ("description", 3)), seed_file="events.yaml", seed_schema=EventIn,
    references=(("place", "place"), ("same_as", "event"), ("speaker", "person")),
    # An event and those `same_as` it are one event; the first recorded names the group.
    ranks=RankRule(
        what="event",
        identity=lambda table: [func.coalesce(table.c.same_as_id, table.c.id)],
        identity_of=lambda row: (row.same_as_id or row.id,),
        entry_identity=lambda entry: (entry.same_as or entry.slug,),
        stated=("date", "date_precision", "date_start", "date_end", "date_edtf"),
        describe=lambda connection, identity, document: {"event": connection.execute(
            select(Event.slug).where(Event.id == identity[0])).scalar_one()},
    ),
)
