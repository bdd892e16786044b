"""The person: someone a source quotes (a statement's speaker) or who wrote it."""

from app.facts.entries import PersonIn
from app.facts.kind import FactKind
from app.models import Person
from app.people.params import PersonParams
from app.people.render import render_people
from app.people.schemas import PersonOut

KIND = FactKind(
    name="person", plural="people", noun="person", model=Person, item_schema=PersonOut, render=render_people,
    title=lambda doc: doc["name"], cited_by="person_id", params=PersonParams,
    search_rank=7, search_fields=(("name", 5), ("role", 3)), seed_file="people.yaml", seed_schema=PersonIn,
)
