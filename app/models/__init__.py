"""Every table, imported here so that Alembic and the app see one complete metadata."""

import app.db  # noqa: F401  (sets the constraint naming convention before any table is declared)
from app.models.api_key import ApiKey
from app.models.audit import AuditEvent
from app.models.citation import CITED_COLUMNS, Citation, cited_fact
from app.models.dataset import DatasetState
from app.models.document import FactDocument
from app.models.event import Event
from app.models.indicator import Indicator
from app.models.measure import Measure, Metric
from app.models.observation import Observation
from app.models.person import Person
from app.models.place import Place
from app.models.programme import Programme
from app.models.proposal import Proposal, ProposalReview
from app.models.release import Release
from app.models.revision import Revision
from app.models.search import SearchDocument, SearchTerm
from app.models.source import Source

__all__ = [
    "CITED_COLUMNS",
    "ApiKey",
    "AuditEvent",
    "Citation",
    "DatasetState",
    "Event",
    "FactDocument",
    "Indicator",
    "Measure",
    "Metric",
    "Observation",
    "Person",
    "Place",
    "Programme",
    "Proposal",
    "ProposalReview",
    "Release",
    "Revision",
    "SearchDocument",
    "SearchTerm",
    "Source",
    "cited_fact",
]
