"""The observation: a published value of an indicator for a place and period."""

from app.facts.entries import ObservationIn
from app.facts.kind import FactKind
from app.facts.ranks import RankRule
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
    ranks=RankRule(
        what="indicator, place and period",
        identity=lambda table: [table.c.indicator_id, table.c.place_id, table.c.period],
        identity_of=lambda row: (row.indicator_id, row.place_id, row.period),
        entry_identity=lambda entry: (entry.indicator, entry.place, entry.period),
        stated=("value", "unit", "unit_zh", "yoy_change_pct"),
        describe=lambda connection, identity, document: {
            "indicator": document["indicator"]["code"], "place": document["place"]["slug"],
            "period": document["period"]},
    ),
)
