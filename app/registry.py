"""Every kind of fact the service holds, in load order (a kind's references load before it).

This is the one list: seeding, validation, export, the search index, the read model, source citations,
/v1/meta counts, the routers and the test helpers all loop over it (tests/test_registry.py checks that
each kind is complete).
"""

from app.events.kind import KIND as EVENT
from app.facts.kind import FactKind
from app.indicators.kind import KIND as INDICATOR
from app.measures.kind import KIND as MEASURE
from app.measures.kind import METRIC_KIND as METRIC
from app.observations.kind import KIND as OBSERVATION
from app.people.kind import KIND as PERSON
from app.places.kind import KIND as PLACE
from app.programmes.kind import KIND as PROGRAMME
from app.sources.kind import KIND as SOURCE

KINDS: tuple[FactKind, ...] = (SOURCE, PLACE, PERSON, EVENT, INDICATOR, OBSERVATION, PROGRAMME, MEASURE, METRIC)
BY_NAME = {kind.name: kind for kind in KINDS}
# SOURCE is named here because citations point into sources (Citation.source_id) and seed files carry their texts.
# What has documents of its own (list and item routes); a metric is part of its measure's document.
DOCUMENTED_KINDS = tuple(kind for kind in KINDS if kind.render is not None)
# What citations point at: every kind but sources.
CITED_KINDS = tuple(kind for kind in KINDS if kind.cited_by is not None)
# What search finds, best-ranked type first among equal scores.
SEARCHED_KINDS = tuple(sorted((kind for kind in KINDS if kind.search_fields), key=lambda kind: kind.search_rank))
# What several sources may state differently: their facts are ranked, and /v1/conflicts lists disagreements.
RANKED_KINDS = tuple(kind for kind in KINDS if kind.ranks is not None)
