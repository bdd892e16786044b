"""Who may write: `Authorization: Bearer <secret>` checked against the stored keys and a route's scope.

    @router.post(..., dependencies=[...])
    def write(caller: Annotated[Caller, require("propose")]): ...

A request without a usable key is a 401, one whose key lacks the scope a 403 (RFC 6750's error codes in
WWW-Authenticate), and a key past its rate (WRITE_RATE_LIMIT_PER_MINUTE, on routes that need a scope) a 429;
each refusal is written to the audit log before it is answered, and neither the log nor the problem ever
quotes the secret. `require(None)` takes any usable key and is not rate limited (it guards reads about the
caller, not writes). Every answer given to a key is marked `Cache-Control: no-store`.
"""

import threading
import time
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import HTTPBearer

from app.audit.log import action_of, record_refusal
from app.errors import AppError, TooManyRequests
from app.keys.service import SCOPES, Caller, Refused, authenticate

REALM = "reform-facts"
# Declares the scheme in the OpenAPI document (the docs page's Authorize button); the header is parsed
# below, where a missing header and a malformed one get different answers.
BEARER = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer rfk_…`. Reading is public.")
# check() is a sync dependency, so it runs in the thread pool; the token buckets are plain dicts.
_BUCKETS_LOCK = threading.Lock()
_clock = time.monotonic  # what the buckets refill by (a test stops it, so a slow machine cannot refill them)


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


def _retry_after(request: Request, caller: Caller) -> str | None:
    """Spend one of the key's tokens: None if it had one, else the Retry-After value.

    The buckets (app.state.key_buckets, made by install_ops; None when the limit is off) are per worker
    process, like the per-client limit: with N workers a key gets up to N times the rate.
    """
    buckets = request.app.state.key_buckets
    if buckets is None:
        return None
    with _BUCKETS_LOCK:
        wait = buckets.take(caller.name, _clock())
    return buckets.retry_after(wait) if wait else None


def require(scope: str | None) -> Any:
    """A dependency that answers with the Caller holding `scope` (any usable key for None), or refuses."""
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    needs = f"an API key with scope '{scope}'" if scope else "an API key"

    def check(request: Request, response: Response, _: Annotated[Any, Depends(BEARER)]) -> Caller:
        engine = request.app.state.engine
        action = action_of(request)

        def refuse(error: AppError, actor: str, outcome: str) -> AppError:
            record_refusal(engine, actor, action, request.url.path, outcome)
            error.audited = True  # the write routes' own audit (app.curation.router) leaves it be
            return error

        try:
            secret = _secret(request)
            if secret is None:
                raise refuse(Unauthorized(f"This request needs {needs}: send Authorization: Bearer <key>.",
                                          headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'}),
                             "anonymous", "401 no credentials")
            with engine.connect() as connection:
                caller = authenticate(connection, secret)
        except Refused as exc:
            reason = str(exc)
            raise refuse(Unauthorized(f"The API key was refused: {reason}.",
                                      headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'}),
                         f"key:{exc.name}" if exc.name else "anonymous", f"401 {reason}") from None
        if scope is not None:
            # Before the scope check: a key that keeps asking for what it may not do is slowed down too.
            retry_after = _retry_after(request, caller)
            if retry_after is not None:
                raise refuse(TooManyRequests(f"Too many requests with the key {caller.name!r}; retry in "
                                             f"{retry_after} s.", headers={"Retry-After": retry_after}),
                             f"key:{caller.name}", "429 rate limited")
            if scope not in caller.scopes:
                raise refuse(Forbidden(f"The key {caller.name!r} lacks the scope '{scope}' this request needs.",
                                       headers={"WWW-Authenticate": f'Bearer realm="{REALM}", '
                                                                    f'error="insufficient_scope", scope="{scope}"'}),
                             f"key:{caller.name}", f"403 needs scope {scope}")
        # What a key is shown depends on the key: no cache, ours (app.api.cache) or one on the way, may keep it.
        response.headers["Cache-Control"] = "no-store"
        request.state.caller = caller  # who a later refusal of this request is recorded as
        return caller

    return Depends(check)
