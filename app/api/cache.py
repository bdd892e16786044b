"""Response cache, ETags, 304s and gzip for the read API, as one pure ASGI layer.

The data changes only when a seed bumps the dataset version, so a rendered response is valid until
then. Each process keeps rendered responses keyed by the canonical request (path, query, Accept,
Accept-Language) and drops them all when it sees a new version in the database (checked at most
every VERSION_CHECK_INTERVAL seconds), so several processes behind a load balancer agree within that
interval. A cache hit never enters FastAPI: that is what makes list pages cost about as much as
returning precomputed bytes.
"""

import gzip
import hashlib
import logging
import time
from dataclasses import dataclass

import anyio
from sqlalchemy import Engine, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.ops.routes import ROUTE_SCOPE_KEY, route_template

log = logging.getLogger("reform_facts.cache")
GZIP_MIN_BYTES = 1024
MAX_CACHED_BYTES = 2 * 1024 * 1024
DEFAULT_CACHE_CONTROL = b"public, max-age=60"
VARY = b"Accept, Accept-Encoding, Accept-Language"


@dataclass(slots=True)
class Rendered:
    status: int
    headers: list[tuple[bytes, bytes]]  # without content-length / content-encoding
    body: bytes
    gzipped: bytes | None
    etag: bytes
    route: str
    storable: bool


def _etag(body: bytes) -> bytes:
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def _etag_matches(if_none_match: bytes, etag: bytes) -> bool:
    if if_none_match.strip() == b"*":
        return True
    candidates = (c.strip().removeprefix(b"W/") for c in if_none_match.split(b","))
    return etag in candidates


class ResponseCache:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_entries = settings.cache_max_entries
        self.check_interval = settings.version_check_interval
        self.entries: dict[tuple, Rendered] = {}
        self.version: int | None = None
        self.checked_at = float("-inf")
        self.checking = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if self.max_entries:
            await self._refresh_version(scope)
        key = (scope["path"], scope["query_string"], headers.get(b"accept"), headers.get(b"accept-language"))
        head = scope["method"] == "HEAD"
        rendered = self.entries.get(key)
        if rendered is None:
            # HEAD is GET without the body (RFC 9110 §9.3.2): the routes answer GET, the body is dropped here
            # (and by the server, for responses that are not cached).
            app_scope = {**scope, "method": "GET"} if head else scope
            rendered = await self._render(app_scope, receive, send)
            if head:
                scope[ROUTE_SCOPE_KEY] = getattr(rendered, "route", None) or route_template(app_scope)
            if rendered is None:
                return  # not cacheable; already sent as it was
            if self.max_entries and rendered.storable:
                if len(self.entries) >= self.max_entries:
                    self.entries.clear()  # rare; a full cache is rebuilt from the hot requests
                self.entries[key] = rendered
        else:
            scope[ROUTE_SCOPE_KEY] = rendered.route
        await self._send(rendered, headers, head, send)

    async def _refresh_version(self, scope: Scope) -> None:
        now = time.monotonic()
        if now - self.checked_at < self.check_interval or self.checking:
            return
        self.checking = True
        try:
            version = await anyio.to_thread.run_sync(_read_version, scope["app"].state.engine)
        except Exception as exc:  # the database is away: keep what we have, the next check retries
            log.warning("dataset version check failed: %s", type(exc).__name__)
            version = self.version
        finally:
            self.checking = False
            self.checked_at = time.monotonic()
        if version != self.version:
            self.entries.clear()
            self.version = version

    async def _render(self, scope: Scope, receive: Receive, send: Send) -> Rendered | None:
        """Run the app and capture a complete 200 response; anything else goes straight through."""
        start: Message | None = None
        chunks: list[bytes] = []
        passthrough = False

        async def capture(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    passthrough = True
                    await send(message)
                else:
                    start = message
            elif passthrough:
                await send(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if passthrough or start is None:
            return None
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start["headers"] if k not in (b"content-length", b"content-encoding")]
        names = {k for k, _ in headers}
        if b"cache-control" not in names:
            headers.append((b"cache-control", DEFAULT_CACHE_CONTROL))
        headers.append((b"vary", VARY))
        gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
        route = route_template(scope) or scope["path"]
        return Rendered(200, headers, body, gzipped, _etag(body), route, storable=len(body) <= MAX_CACHED_BYTES)

    @staticmethod
    async def _send(rendered: Rendered, headers: dict[bytes, bytes], head_only: bool, send: Send) -> None:
        etag = rendered.etag
        if_none_match = headers.get(b"if-none-match")
        if if_none_match is not None and _etag_matches(if_none_match, etag):
            keep = [(k, v) for k, v in rendered.headers if k in (b"cache-control", b"vary", b"content-language",
                                                                 b"link")]
            await send({"type": "http.response.start", "status": 304, "headers": [*keep, (b"etag", etag)]})
            await send({"type": "http.response.body", "body": b""})
            return
        body = rendered.body
        out = [*rendered.headers, (b"etag", etag)]
        if rendered.gzipped is not None and b"gzip" in headers.get(b"accept-encoding", b""):
            body = rendered.gzipped
            out.append((b"content-encoding", b"gzip"))
        out.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": b"" if head_only else body})


def _read_version(engine: Engine) -> int | None:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version FROM dataset_state WHERE id = 1")).scalar()
