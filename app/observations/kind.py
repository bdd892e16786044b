"""The observation: a published value of an indicator for a place and period."""

from app.facts.entries import ObservationIn
from app.facts.kind import FactKind
from app.models import Observation
from app.observations.params import ObservationParams
from app.observations.render import observation_title, render_observations, search_summaries
from app.observations.schemas import ObservationOut

KIND = FactKind(
    name="observation", plural="observations", noun="observation", model=Observation,
    item_schema=ObservationOut, render=render_observations, title=observation_title, cited_by="observation_id",
    params=ObservationParams, search_rank=5, search_fields=(("comparison", 2), ("note", 2)), search_before=search_summaries,
    seed_file="observations.yaml", seed_schema=ObservationIn,
    references=(("indicator", "indicator"), ("place", "place"), ("reference_place", "place")),
    numbers=("value", "yoy_change_pct"),
)
