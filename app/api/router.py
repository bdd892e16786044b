"""The /v1 API: every resource router, with the unknown-parameter guard on all of them."""

from fastapi import APIRouter

from app.api.collection import RejectUnknown
from app.indicators.router import router as indicators_router
from app.meta.router import router as meta_router
from app.places.router import router as places_router
from app.reforms.router import router as reforms_router
from app.search.router import router as search_router
from app.sources.router import router as sources_router
from app.timeline.router import router as timeline_router

api_router = APIRouter(prefix="/v1", dependencies=[RejectUnknown])
for router in (timeline_router, indicators_router, reforms_router, places_router, sources_router, search_router,
               meta_router):
    api_router.include_router(router)
