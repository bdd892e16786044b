"""create_app(): the FastAPI application — lifespan, routers, error handlers, docs, middleware."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote, quote_from_bytes

from fastapi import FastAPI
from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from app import __version__
from app.api.cache import ResponseCache
from app.api.docs import API_DESCRIPTION, OPENAPI_TAGS, install_docs
from app.citations.router import router as citations_router
from app.config import Settings, get_settings
from app.conflicts.router import router as conflicts_router
from app.curation.router import router as curation_router
from app.db import close_sqlite_reader, make_engine
from app.errors import install_error_handlers
from app.events.router import router as events_router
from app.facts.kind import API_ROOT
from app.history.router import router as history_router
from app.indicators.router import router as indicators_router
from app.keys.router import router as keys_router
from app.measures.router import router as measures_router
from app.meta.router import router as meta_router
from app.observations.router import router as observations_router
from app.ops import install_ops
from app.people.router import router as people_router
from app.places.router import router as places_router
from app.programmes.router import router as programmes_router
from app.releases.router import router as releases_router
from app.search.router import router as search_router
from app.sources.router import router as sources_router

# In the order of the API description: the timeline, indicators, reforms, places, sources, search, history,
# releases, meta, keys.
ROUTERS = (events_router, indicators_router, observations_router, measures_router, programmes_router,
           places_router, people_router, sources_router, citations_router, search_router, history_router,
           releases_router, conflicts_router, meta_router, curation_router,
           keys_router)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The engine lives with the app, not the module: tests and workers each get their own.
        app.state.engine = make_engine(settings)
        try:
            yield
        finally:
            close_sqlite_reader(app.state)
            app.state.engine.dispose()

    app = FastAPI(
        title="Reform Facts API",
        version=__version__,
        summary="Verified, cited facts about municipal reforms in China, starting with Longgang.",
        description=API_DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        redirect_slashes=False,  # Starlette's redirects name the Host header's host; ours are relative
        # We export Prometheus metrics and JSON logs ourselves and configure no OpenTelemetry provider; left on,
        # FastAPI's hooks look the global providers up (three environment reads) on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        docs_url=None,
        redoc_url=None,
        license_info={"name": "Data: CC BY 4.0; quoted source text © its publisher", "identifier": "CC-BY-4.0"},
    )
    app.state.settings = settings
    install_error_handlers(app)
    # Each resource router straight into the app, under /v1: one level of inclusion, not two, is one less
    # router for FastAPI to walk on every request. Their routes (QueryModelRoute) read queries strictly.
    for router in ROUTERS:
        app.include_router(router, prefix=API_ROOT)
    install_docs(app)
    app.router.default = _trailing_slash_redirect(app.router, app.router.default)
    # Innermost first: the cache sits next to the routes, operations middleware wraps everything.
    app.add_middleware(ResponseCache, settings=settings)
    install_ops(app, settings)
    return app


def _trailing_slash_redirect(router: Router, not_found: ASGIApp) -> ASGIApp:
    """The router's fallback: `/v1/events/?limit=1` answers 307 to `/v1/events?limit=1`, when that exists.

    The Location is a path, never scheme and host: those would come from the Host header, which the client
    writes, so an absolute one lets anybody make our redirects point anywhere.
    """

    async def fallback(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        target = path.rstrip("/")
        # "//x" or "/\x" as a Location would be another host (browsers read "\" as "/"): never redirect there.
        if (scope["type"] == "http" and target != path and target[:1] == "/" and target[1:2] not in ("/", "\\")
                and any(route.matches({**scope, "path": target})[0] != Match.NONE for route in router.routes)):
            location = quote(target)
            if scope["query_string"]:
                location += "?" + quote_from_bytes(scope["query_string"], safe="/?&=+,;:@!$'()*%~[]")
            await RedirectResponse(location, status_code=307)(scope, receive, send)
            return
        await not_found(scope, receive, send)

    return fallback
