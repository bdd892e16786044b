"""Every error is an RFC 9457 problem: application/problem+json with type, title, status, detail.

One renderer serves the app's own errors, FastAPI's validation errors, Starlette's 404/405 and
anything unexpected (a 500 that shows no internals).
"""

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("reform_facts.errors")
PROBLEM_TYPE_BASE = "https://reform-facts.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
# The request path is the client's to choose and uvicorn lets it run to tens of kilobytes: what we echo of
# it (a problem's instance and detail, log lines) stops at this many characters, the last being "…".
MAX_ECHOED_PATH = 256
# Details also quote path segments (a slug that was not found); past this they are cut the same way.
MAX_DETAIL = 1024


def echoed(text: str, limit: int = MAX_ECHOED_PATH) -> str:
    """`text` as we quote it back: whole if it fits in `limit` characters, else cut to `limit` ending in "…".

    Cutting an already cut text changes nothing, so layers may each apply it.
    """
    return text if len(text) <= limit else text[:limit - 1] + "…"


class AppError(Exception):
    """An error the API reports on purpose; subclasses fix the status and problem type."""

    status = 400
    type_slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions  # RFC 9457 extension members (a 412's current ETag)
        self.audited = False  # already in the audit log (a refused credential)


class InvalidParameter(AppError):
    status, type_slug, title = 400, "invalid-parameter", "Invalid query parameter"

    def __init__(self, name: str, reason: str, *, location: str = "query") -> None:
        super().__init__(f"{location.capitalize()} parameter '{name}' {reason}.",
                         errors=[{"in": location, "parameter": name, "reason": reason}])


# Problems of a generic HTTP kind use the status phrase as title, so one type always has one title.
class NotFound(AppError):
    status, type_slug, title = 404, "not-found", "Not Found"


class NotAcceptable(AppError):
    status, type_slug, title = 406, "not-acceptable", "Not Acceptable"


class Conflict(AppError):
    status, type_slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(AppError):
    status, type_slug, title = 412, "precondition-failed", "Precondition Failed"


class PreconditionRequired(AppError):
    status, type_slug, title = 428, "precondition-required", "Precondition Required"


class ServiceUnavailable(AppError):
    status, type_slug, title = 503, "service-unavailable", "Service Unavailable"


class TooManyRequests(AppError):
    status, type_slug, title = 429, "too-many-requests", "Too Many Requests"


class PayloadTooLarge(StarletteHTTPException):
    """A 413 found while the body is read (a chunked body past its limit).

    An HTTPException, not an AppError: FastAPI passes an HTTPException raised while it reads a body through, and
    turns any other error there into its own 400. It keeps the problem type of the Content-Length check.
    """

    type_slug = "payload-too-large"

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


def problem(status: int, detail: str, *, type_slug: str | None = None, title: str | None = None,
            instance: str | None = None, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, extensions: dict[str, Any] | None = None) -> Response:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (type_slug or phrase.lower().replace(" ", "-")),
        "title": title or phrase,
        "status": status,
        "detail": echoed(detail, MAX_DETAIL),
    }
    if instance:
        body["instance"] = echoed(instance)
    if errors:
        body["errors"] = errors
    body.update(extensions or {})
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


async def _app_error(request: Request, exc: AppError) -> Response:
    return problem(exc.status, exc.detail, type_slug=exc.type_slug, title=exc.title,
                   instance=request.url.path, errors=exc.errors, headers=exc.headers, extensions=exc.extensions)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    # A misspelt filter must fail loudly, not silently return everything: the parameter models forbid
    # extra fields, and an unknown name is the 400 it always was (before any other problem with the query).
    unknown = [str(err["loc"][1]) for err in exc.errors()
               if err.get("type") == "extra_forbidden" and tuple(err.get("loc", ()))[:1] == ("query",)]
    if unknown:
        known = ", ".join(sorted(query_parameter_names(request.scope.get("route"))))
        return await _app_error(request, InvalidParameter(unknown[0], f"is not a parameter of this endpoint; "
                                                                      f"known: {known}"))
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where, name = (loc[0], ".".join(loc[1:])) if len(loc) > 1 else ("request", ".".join(loc))
        if where in ("query", "path", "header"):
            name = loc[1]  # `category`, not `category.0`: the parameter, not the list item
        errors.append({"in": where, "parameter": name, "reason": err.get("msg", "is invalid")})
    detail = "; ".join(f"{e['in']} parameter '{e['parameter']}': {e['reason']}" for e in errors)
    return problem(422, detail or "The request is invalid.", type_slug="validation-error",
                   title="Invalid request", instance=request.url.path, errors=errors)


def query_parameter_names(route: Any) -> list[str]:
    """The query parameters a route takes: its own, and the fields of its parameter models."""
    names: list[str] = []
    pending = [getattr(route, "dependant", None)]
    while pending:
        dependant = pending.pop()
        if dependant is None:
            continue
        for param in dependant.query_params:
            model = param.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                names += [info.alias or name for name, info in model.model_fields.items()]
            else:
                names.append(param.alias)
        pending += dependant.dependencies
    return names


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {echoed(request.url.path)}."
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {echoed(request.url.path)}."
        allowed = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
        if "GET" in allowed and "HEAD" not in allowed:
            headers["Allow"] = ", ".join([*allowed, "HEAD"])  # OpsMiddleware answers HEAD wherever GET is
    return problem(exc.status_code, detail, type_slug=getattr(exc, "type_slug", None), instance=request.url.path,
                   headers=headers or None)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, echoed(request.url.path))
    return problem(500, "The server met an unexpected error; it has been logged.", instance=request.url.path)


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    # The database went away (or the pool is exhausted): say so quickly; the pool recovers by itself.
    log.warning("database unavailable on %s %s: %s", request.method, echoed(request.url.path), type(exc).__name__)
    return problem(503, "The database is unavailable; try again shortly.", type_slug="service-unavailable",
                   instance=request.url.path, headers={"Retry-After": "2"})


async def _database_error(request: Request, exc: Exception) -> Response:
    # Any other driver error: a lost connection (whatever class the driver gave it) is an outage,
    # anything else is a bug of ours.
    if getattr(exc, "connection_invalidated", False):
        return await _database_unavailable(request, exc)
    return await _unexpected(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    # Only errors that mean "the database is not reachable" are a 503; any other database error is a
    # bug of ours and stays a logged 500.
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
