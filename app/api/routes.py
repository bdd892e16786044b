"""The route template a request matched ("/v1/events/{slug}", never the raw path), for metrics and logs.

Since FastAPI 0.137 included routers stay a tree and scope["route"] holds the route *without* the
include prefixes ("/events", fastapi/fastapi#16051). The full templates come from FastAPI's
iter_route_contexts(), read once per app; older FastAPI copies routes with their prefix, so there
route.path is already the full template.
"""

from typing import Any

from starlette.types import Scope

ROUTE_SCOPE_KEY = "reform_facts.route"  # where a response-cache hit tells outer layers which route it served

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # FastAPI < 0.137.2
    iter_route_contexts = None


class RouteTemplates:
    """Full path templates of an app's routes, keyed by the route object the router puts in scope."""

    def __init__(self) -> None:
        self._by_route: dict[int, tuple[Any, str]] | None = None

    def template(self, scope: Scope) -> str | None:
        route = scope.get("route")
        if route is None:
            return None
        if self._by_route is None:
            self._by_route = _full_templates(scope["app"].routes)  # routes are complete once requests arrive
        known = self._by_route.get(id(route))
        return known[1] if known is not None else getattr(route, "path", None)


def _full_templates(routes: list[Any]) -> dict[int, tuple[Any, str]]:
    if iter_route_contexts is None:
        return {}
    templates: dict[int, tuple[Any, str]] = {}
    for context in iter_route_contexts(routes):
        path = context.path
        if path is not None:
            # The route is kept alongside its id so the id cannot be reused by another object.
            templates[id(context.original_route)] = (context.original_route, path)
    return templates


def route_template(scope: Scope) -> str | None:
    """The matched route's full template, for layers that see the scope after routing (the response cache)."""
    return scope["app"].state.route_templates.template(scope)
