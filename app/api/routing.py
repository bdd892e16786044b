"""QueryModelRoute: every /v1 route. It reads the query string strictly, and parses a route's parameter model
by a plan made once.

Strictly: no name or value that is not clean UTF-8 text, or that holds a NUL, reaches a route (params.
clean_query_text), whichever handler serves it.

FastAPI documents such a route from its signature as usual (OpenAPI is unchanged), but its own request
handler re-derives, on every request and for every field, whether the field is a list, and resolves the
route's dependencies generically: about 0.6 ms of CPU per request for a list with a dozen filters, more than
the rest of a cold page. This route class, FastAPI's documented extension point (a custom APIRoute),
parses the query string with a plan computed at start-up and validates it with pydantic directly,
raising the same RequestValidationError (locations prefixed with "query") for the same problems.
Routes it cannot handle exactly (a sync endpoint, a body, dependencies) keep FastAPI's handler.
"""

import inspect
import os
from collections.abc import Awaitable, Callable, Coroutine
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, APIRouter
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from app.api.params import clean_query_text
from app.facts.kind import API_ROOT

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class QueryModelRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = _plan_handler(self) or super().get_route_handler()

        async def strict(request: Request) -> Response:
            await clean_query_text(request)
            return await handler(request)

        return strict


class ResourceRouter(APIRouter):
    """The router of one resource, included under API_ROOT: a request for a path none of its routes can match
    is turned away by one string test.

    FastAPI asks every included router in turn, and each tries every one of its routes (a regex and a save
    and restore of its scope keys per route), so a request for the last router's paths paid for all the
    routes before it. Every route of this router starts with the literal text of its paths before their
    first parameter, so a path without that text cannot match any of them (not even partly, as for a 405).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", QueryModelRoute)
        super().__init__(**kwargs)
        self._prefix_of: tuple[int, str] = (-1, "")  # (number of routes, prefix) it was computed for

    def _literal_prefix(self) -> str:
        count, prefix = self._prefix_of
        if count != len(self.routes):  # routes are added after the router is made
            literal = [API_ROOT + getattr(route, "path", "").split("{", 1)[0] for route in self.routes]
            prefix = os.path.commonprefix(literal) if literal else API_ROOT
            self._prefix_of = (len(self.routes), prefix)
        return prefix

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not scope["path"].startswith(self._literal_prefix()):
            return Match.NONE, {}
        return super().matches(scope)


def _plan_handler(route: APIRoute) -> Handler | None:
    dependant = route.dependant
    endpoint = dependant.call
    if (not inspect.iscoroutinefunction(endpoint) or route.body_field is not None or dependant.header_params
            or dependant.cookie_params or len(dependant.query_params) != 1):
        return None
    (query,) = dependant.query_params
    model = query.field_info.annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    if dependant.dependencies:
        return None
    # The plan hands path parameters over as the strings they are: one of another type (a release's number)
    # needs FastAPI's conversion and checks.
    if any(param.field_info.annotation is not str for param in dependant.path_params):
        return None
    plan = [(info.alias or name, _is_list(info.annotation)) for name, info in model.model_fields.items()]
    known = {alias for alias, _ in plan}
    query_name, request_name = query.name, dependant.request_param_name
    path_names = [p.name for p in dependant.path_params]

    async def handler(request: Request) -> Response:
        received = request.query_params
        values: dict[str, Any] = {}
        for alias, many in plan:
            if many:
                if items := received.getlist(alias):
                    values[alias] = items
            elif (value := received.get(alias)) is not None:
                values[alias] = value
        # Names the model does not know are passed on, so that `extra="forbid"` names them.
        for name, value in received.multi_items():
            if name not in known:
                values.setdefault(name, value)
        try:
            params = model.model_validate(values)
        except ValidationError as exc:
            raise RequestValidationError([{**error, "loc": ("query", *error["loc"])}
                                          for error in exc.errors(include_url=False)]) from None
        arguments: dict[str, Any] = {query_name: params, **{name: request.path_params[name] for name in path_names}}
        if request_name:
            arguments[request_name] = request
        response: Awaitable[Response] = endpoint(**arguments)
        return await response

    return handler


def _is_list(annotation: Any) -> bool:
    """list[X] or list[X] | None: a parameter that may be repeated."""
    if get_origin(annotation) in (Union, UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    return get_origin(annotation) is list
