"""create_app(): the FastAPI application — lifespan, routers, error handlers, docs, middleware."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import __version__
from app.api.cache import ResponseCache
from app.api.docs import API_DESCRIPTION, OPENAPI_TAGS, install_docs
from app.api.router import api_router
from app.config import Settings, get_settings
from app.db import make_engine
from app.errors import install_error_handlers
from app.ops import install_ops


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The engine lives with the app, not the module: tests and workers each get their own.
        app.state.engine = make_engine(settings)
        try:
            yield
        finally:
            app.state.engine.dispose()

    app = FastAPI(
        title="Reform Facts API",
        version=__version__,
        summary="Verified, cited facts about municipal reforms in China, starting with Longgang.",
        description=API_DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        license_info={"name": "Data: CC BY 4.0; quoted source text © its publisher", "identifier": "CC-BY-4.0"},
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(api_router)
    install_docs(app)
    # Innermost first: the cache sits next to the routes, operations middleware wraps everything.
    app.add_middleware(ResponseCache, settings=settings)
    install_ops(app, settings)
    return app
