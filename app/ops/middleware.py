"""The one pure-ASGI layer around every request: request id, client address, limits, headers, metrics, log.

One class on purpose: each request pays for a single wrapper and a single pass over its headers.
Everything that can be decided at start-up (header lists, trusted networks, limits) already is.
"""

import logging
import random
import time

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.routes import ROUTE_SCOPE_KEY, RouteTemplates
from app.config import Settings
from app.errors import PayloadTooLarge, echoed, problem
from app.ops.clients import TrustedProxies, forwarded_scheme
from app.ops.headers import WRITE_METHODS, ResponseHeaders, is_write
from app.ops.logs import ACCESS_LOGGER, REQUEST_ID
from app.ops.metrics import UNMATCHED, RequestMetrics
from app.ops.ratelimit import TokenBuckets

access_log = logging.getLogger(ACCESS_LOGGER)
MAX_REQUEST_ID = 128
# Probes and scrapes must keep working for a client that is being throttled (often the same proxy IP).
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
SERVER_ERROR = "The server met an unexpected error; it has been logged."
# A uuid4 is 122 random bits with fixed version/variant bits. uuid.uuid4() reads os.urandom (a system
# call, ~4 µs here); an id for correlating logs needs no cryptographic randomness, so use the PRNG.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)
_random_bits = random.getrandbits


def _request_id(value: bytes | None) -> bytes:
    """The caller's X-Request-ID if it is printable ASCII of sane length, else a fresh uuid4 hex."""
    if value and len(value) <= MAX_REQUEST_ID and value.isascii() and value.decode().isprintable():
        return value
    return b"%032x" % (_random_bits(128) & _UUID4_CLEAR | _UUID4_SET)


class OpsMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, metrics: RequestMetrics, routes: RouteTemplates) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes
        self.access_log = settings.access_log
        self.max_query = settings.max_query_string
        self.body_limits = (  # indexed by "is a write under /v1/"
            BodyLimit(settings.max_body_bytes, "MAX_BODY_BYTES", "requests other than writes under /v1/"),
            BodyLimit(settings.max_write_body_bytes, "MAX_WRITE_BODY_BYTES", "writes under /v1/"))
        self.proxies = TrustedProxies(settings.trusted_proxies)
        self.limiter = (TokenBuckets(settings.rate_limit_per_minute, settings.rate_limit_burst)
                        if settings.rate_limit_per_minute else None)
        self.headers = ResponseHeaders(settings.cors_origins, settings.cors_write_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        request_id = _request_id(headers.get(b"x-request-id"))
        client = self._client(scope, headers)
        origin = headers.get(b"origin")
        writes = origin is not None and is_write(scope["method"], headers)
        extra = [*self.headers.for_response(scope["path"], origin, writes), (b"x-request-id", request_id)]
        status = 0  # not started yet
        # HEAD is GET without the body (RFC 9110 §9.3.2), for every route at once: the app answers a GET on a
        # copy of the scope and the body is dropped here, its headers (content-length too) kept. The server
        # reads the method from the original scope, so it still knows to send no body.
        head = scope["method"] == "HEAD"
        app_scope = {**scope, "method": "GET"} if head else scope

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message["headers"], *extra]
            elif head and message["type"] in ("http.response.body", "http.response.pathsend"):
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        request_id_text = request_id.decode()
        token = REQUEST_ID.set(request_id_text)
        try:
            rejection = self._reject(scope, headers, client, started)
            if rejection is not None:
                await rejection(scope, receive, send_with_headers)
                return
            if b"transfer-encoding" in headers:  # a body of unknown length: count it as it arrives
                receive = _limited(receive, self._body_limit(scope))
            try:
                await self.app(app_scope, receive, send_with_headers)
            except Exception:
                if not status:  # nothing sent yet: answer here so the 500 carries our headers too
                    await problem(500, SERVER_ERROR, instance=scope["path"])(app_scope, receive, send_with_headers)
                raise  # the outer error middleware logs it once (and does not answer twice)
        finally:
            REQUEST_ID.reset(token)
            # The router and the cache note the route in the scope they were given: the copy, for a HEAD.
            self._record(scope["method"], app_scope, status or 500, started, request_id_text, client)

    def _client(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        peer = scope.get("client")
        address = peer[0] if peer else "unknown"
        if self.proxies and self.proxies.trusts(address):
            forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-for"]  # several lines join
            address = self.proxies.client_address(address, b",".join(forwarded))
            scope["client"] = (address, 0)
            scheme = forwarded_scheme(headers.get(b"x-forwarded-proto"))
            if scheme is not None:
                scope["scheme"] = scheme
        return address

    def _reject(self, scope: Scope, headers: dict[bytes, bytes], client: str,
                now: float) -> ASGIApp | None:
        """A response that ends the request before the app sees it, or None to go on."""
        path = scope["path"]
        if self.limiter is not None and path not in UNLIMITED_PATHS:
            wait = self.limiter.take(client, now)
            if wait:
                retry_after = self.limiter.retry_after(wait)
                return problem(429, f"Too many requests from {client}; retry in {retry_after} s.",
                               type_slug="too-many-requests", instance=path, headers={"Retry-After": retry_after})
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers and b"origin" in headers:
            return self._preflight(headers, path)
        if len(scope["query_string"]) > self.max_query:
            return problem(414, f"The query string is longer than {self.max_query} bytes.",
                           type_slug="uri-too-long", instance=path)
        length = headers.get(b"content-length")
        if length is not None:
            limit = self._body_limit(scope)
            if not length.isdigit() or int(length) > limit.bytes:
                return problem(413, limit.detail, type_slug="payload-too-large", instance=path)
        return None

    def _body_limit(self, scope: Scope) -> "BodyLimit":
        # Writes under /v1/ carry whole source texts: they get their own, larger limit (MAX_WRITE_BODY_BYTES).
        return self.body_limits[scope["method"] in WRITE_METHODS and scope["path"].startswith("/v1/")]

    def _preflight(self, headers: dict[bytes, bytes], path: str) -> ASGIApp:
        origin, method = headers[b"origin"], headers[b"access-control-request-method"]
        requested = headers.get(b"access-control-request-headers")
        refusal = self.headers.preflight_refusal(origin, method, requested)
        if refusal is not None:
            return problem(400, f"CORS preflight refused: {refusal}", type_slug="cors-refused", instance=path)
        response = Response(status_code=204)
        response.raw_headers.extend(self.headers.preflight(origin, requested))
        return response

    def _record(self, method: str, scope: Scope, status: int, started: float, request_id: str,
                client: str) -> None:
        seconds = time.perf_counter() - started
        # A request that went through the router has scope["route"]; a cache hit names its route instead.
        route = self.routes.template(scope) or scope.get(ROUTE_SCOPE_KEY) or UNMATCHED
        self.metrics.observe(method, route, status, seconds)
        if self.access_log and access_log.isEnabledFor(logging.INFO):
            access_log.info("request", extra={"access": {
                "method": method, "route": route, "path": echoed(scope["path"]), "status": status,
                "duration_ms": round(seconds * 1000, 3), "request_id": request_id, "client": client,
            }})


class BodyLimit:
    """A body limit, and the 413 detail that names it (its size, its setting and what it applies to)."""

    def __init__(self, size: int, setting: str, applies_to: str) -> None:
        self.bytes = size
        self.detail = f"The request body is larger than {size} bytes ({setting}, the limit for {applies_to})."


def _limited(receive: Receive, limit: BodyLimit) -> Receive:
    """A receive that fails with 413 once a chunked body passes the limit (rendered by the error handlers)."""
    received = 0

    async def limited_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit.bytes:
                raise PayloadTooLarge(limit.detail)
        return message

    return limited_receive
