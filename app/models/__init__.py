"""Every table, imported here so that Alembic and the app see one complete metadata."""

import app.db  # noqa: F401  (sets the constraint naming convention before any table is declared)
from app.models.citation import CITED_COLUMNS, Citation, cited_fact
from app.models.dataset import DatasetState
from app.models.indicator import Indicator, Observation
from app.models.place import Place
from app.models.reform import MeasureMetric, Programme, ReformMeasure
from app.models.search import SearchDocument, SearchTerm
from app.models.source import Source
from app.models.timeline import TimelineEvent

__all__ = [
    "CITED_COLUMNS",
    "Citation",
    "DatasetState",
    "Indicator",
    "MeasureMetric",
    "Observation",
    "Place",
    "Programme",
    "ReformMeasure",
    "SearchDocument",
    "SearchTerm",
    "Source",
    "TimelineEvent",
    "cited_fact",
]
