"""Who may write: `Authorization: Bearer <secret>` checked against the stored keys and a route's scope.

    @router.post(..., dependencies=[...])
    def write(caller: Annotated[Caller, require("propose")]): ...

A request without a usable key is a 401, one whose key lacks the scope a 403 (RFC 6750's error codes in
WWW-Authenticate); each refusal is written to the audit log before it is answered, and neither the log
nor the problem ever quotes the secret.
"""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from app.api.routes import route_template
from app.audit.log import record_refusal
from app.errors import AppError
from app.keys.service import SCOPES, Caller, Refused, authenticate

REALM = "reform-facts"
# Declares the scheme in the OpenAPI document (the docs page's Authorize button); the header is parsed
# below, where a missing header and a malformed one get different answers.
BEARER = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer rfk_…`. Reading is public.")


class Unauthorized(AppError):
    status, type_slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(AppError):
    status, type_slug, title = 403, "forbidden", "Forbidden"


def _secret(request: Request) -> str | None:
    """The bearer secret, None when there is no Authorization header; Refused when there is a bad one."""
    values = request.headers.getlist("authorization")
    if not values:
        return None
    if len(values) > 1:
        raise Refused("more than one Authorization header")
    scheme, _, secret = values[0].partition(" ")
    if scheme.lower() != "bearer" or not secret.strip() or " " in secret.strip():
        raise Refused("malformed Authorization header (expected: Bearer <key>)")
    return secret.strip()


def require(scope: str) -> Any:
    """A dependency that answers with the Caller holding `scope`, or refuses the request."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def check(request: Request, _: Annotated[Any, Depends(BEARER)]) -> Caller:
        engine = request.app.state.engine
        route = route_template(request.scope) or request.url.path  # the full template, /v1 included
        action = f"{request.method} {route}"

        def refuse(error: AppError, actor: str, outcome: str) -> AppError:
            record_refusal(engine, actor, action, request.url.path, outcome)
            error.audited = True  # the write routes' own audit (app.curation.router) leaves it be
            return error

        try:
            secret = _secret(request)
            if secret is None:
                raise refuse(Unauthorized(f"This request needs an API key with scope '{scope}': send "
                                          "Authorization: Bearer <key>.",
                                          headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'}),
                             "anonymous", "401 no credentials")
            with engine.connect() as connection:
                caller = authenticate(connection, secret)
        except Refused as exc:
            reason = str(exc)
            raise refuse(Unauthorized(f"The API key was refused: {reason}.",
                                      headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'}),
                         f"key:{exc.name}" if exc.name else "anonymous", f"401 {reason}") from None
        if scope not in caller.scopes:
            raise refuse(Forbidden(f"The key {caller.name!r} lacks the scope '{scope}' this request needs.",
                                   headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope", '
                                                                f'scope="{scope}"'}),
                         f"key:{caller.name}", f"403 needs scope {scope}")
        request.state.caller = caller  # who a later refusal of this request is recorded as
        return caller

    return Depends(check)
