"""The measure (a reform, policy, plan, project or industry) and its metrics."""

from app.facts.entries import MeasureIn, MetricIn
from app.facts.kind import FactKind
from app.measures.params import MeasureParams
from app.measures.render import metric_urls, render_measures, search_metrics
from app.measures.schemas import MeasureOut
from app.models import Measure, Metric

KIND = FactKind(
    name="measure", plural="measures", noun="measure", model=Measure, item_schema=MeasureOut,
    render=render_measures, title=lambda doc: doc["name"], cited_by="measure_id", params=MeasureParams,
    search_rank=2, search_fields=(("name", 5), ("summary", 3)), search_after=search_metrics, seed_file="measures.yaml", seed_schema=MeasureIn,
    references=(("programme", "programme"), ("place", "place"), ("speaker", "person")), parts="metrics",
)
# A metric is part of its measure: rendered, searched, seeded and linked as part of the measure's document.
METRIC_KIND = FactKind(
    name="metric", plural="metrics", noun="metric", model=Metric, item_schema=None, render=None,
    cited_by="metric_id", part_of="measure", url_of_part=metric_urls, seed_schema=MetricIn,
    numbers=("value",),
)
