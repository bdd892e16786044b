"""The indicator: what is measured, in which unit (its observations are their own kind)."""

from app.facts.entries import IndicatorIn
from app.facts.kind import FactKind
from app.indicators.params import IndicatorParams
from app.indicators.render import render_indicators
from app.indicators.schemas import IndicatorOut
from app.models import Indicator

KIND = FactKind(
    name="indicator", plural="indicators", noun="indicator", model=Indicator, item_schema=IndicatorOut,
    render=render_indicators, title=lambda doc: doc["name"], key="code", cited_by="indicator_id",
    params=IndicatorParams, search_rank=4, search_fields=(("name", 5), ("definition", 3)), seed_file="indicators.yaml", seed_schema=IndicatorIn,
)
