"""Prometheus metrics: per-request counters and latency by route template, and the DB pool at scrape time.

Each worker process keeps its own registry, so with WORKERS > 1 a scrape of /metrics shows the worker
that answered. Run one worker per container and scale containers instead (each is its own scrape
target); prometheus_client's multiprocess mode would need a shared directory, slower file-backed
counters on every request, and could not aggregate the live pool gauges.
"""

from collections.abc import Iterator

from fastapi import APIRouter, FastAPI, Request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from starlette.responses import Response

from app import __version__

# Cached pages answer in well under a millisecond; cold queries in tens of milliseconds.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
KNOWN_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
UNMATCHED = "unmatched"

router = APIRouter(include_in_schema=False)


class RequestMetrics:
    """Request count and latency labelled by method, route template and status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("method", "route", "status")
        self.requests = Counter("http_requests", "HTTP requests answered.", labels, registry=registry)
        self.latency = Histogram("http_request_duration_seconds", "Time to answer an HTTP request.", labels,
                                 buckets=LATENCY_BUCKETS, registry=registry)
        # .labels() costs a lock and a few allocations; the label sets are few, so keep the children.
        self.children: dict[tuple[str, str, int], tuple] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        pair = self.children.get(key)
        if pair is None:
            if method not in KNOWN_METHODS:
                method = "OTHER"  # methods are client-chosen: keep the label set bounded
            values = (method, route, str(status))
            pair = self.children[key] = (self.requests.labels(*values), self.latency.labels(*values))
        pair[0].inc()
        pair[1].observe(seconds)


class PoolCollector(Collector):
    """The database connection pool of the app's engine, read when Prometheus scrapes."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(self._families())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        families = self._families()
        pool = getattr(getattr(self.app.state, "engine", None), "pool", None)
        if pool is None or not hasattr(pool, "checkedout"):
            return iter(())  # before start-up, or a pool kind (NullPool, StaticPool) with no figures
        size, checked_out, overflow = families
        size.add_metric([], pool.size())
        checked_out.add_metric([], pool.checkedout())
        # QueuePool counts overflow from -pool_size up; what matters is connections beyond the pool.
        overflow.add_metric([], max(pool.overflow(), 0))
        return iter(families)

    @staticmethod
    def _families() -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily("db_pool_size", "Connections the pool keeps open."),
            GaugeMetricFamily("db_pool_checked_out", "Connections in use by requests right now."),
            GaugeMetricFamily("db_pool_overflow", "Connections open beyond the pool size right now."),
        ]


class _AppInfo(Collector):
    def collect(self) -> Iterator[InfoMetricFamily]:
        yield InfoMetricFamily("reform_facts_build", "The running version.", value={"version": __version__})


def build_registry(app: FastAPI) -> CollectorRegistry:
    """A registry per app (not the global one), so tests and several apps in a process don't collide."""
    disable_created_metrics()  # the *_created series double the output and no dashboard of ours reads them
    registry = CollectorRegistry(auto_describe=True)
    registry.register(PoolCollector(app))
    registry.register(_AppInfo())
    ProcessCollector(registry=registry)
    return registry


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    body = generate_latest(request.app.state.metrics_registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
