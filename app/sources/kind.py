"""The source: a published text that facts are cited from. Not itself a cited fact, nor searched."""

from app.facts.entries import SourceIn
from app.facts.kind import FactKind
from app.models import Source
from app.sources.params import SourceParams
from app.sources.render import render_sources
from app.sources.schemas import SourceOut

KIND = FactKind(
    name="source", plural="sources", noun="source", model=Source, item_schema=SourceOut, render=render_sources,
    title=lambda doc: doc["title"], params=SourceParams, seed_file="sources.yaml", seed_schema=SourceIn,
)
