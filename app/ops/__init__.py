"""Operations: health, readiness, metrics, JSON logs, limits, proxies, security and CORS headers.

install_ops() runs after every other middleware is added, so the OpsMiddleware it adds is the
outermost of the app's own layers and sees every request, cached or not.
"""

from fastapi import FastAPI

from app.api.routes import RouteTemplates
from app.config import Settings
from app.ops import health, metrics
from app.ops.logs import configure_logging
from app.ops.middleware import OpsMiddleware
from app.ops.ratelimit import TokenBuckets


def install_ops(app: FastAPI, settings: Settings) -> None:
    configure_logging(settings)
    registry = metrics.build_registry(app)
    app.state.metrics_registry = registry
    app.include_router(health.router)
    app.include_router(metrics.router)
    # Shared with the response cache (app.api.routes.route_template) so both name routes the same way.
    app.state.route_templates = RouteTemplates()
    # Per API key, on routes that require() a scope (app.keys.auth); kept here so the keys need no ops import.
    app.state.key_buckets = (TokenBuckets(settings.write_rate_limit_per_minute, settings.write_rate_limit_burst)
                             if settings.write_rate_limit_per_minute else None)
    app.add_middleware(OpsMiddleware, settings=settings, metrics=metrics.RequestMetrics(registry),
                       routes=app.state.route_templates)
