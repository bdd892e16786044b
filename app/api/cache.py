"""Response cache, ETags, 304s and gzip for the read API, as one pure ASGI layer.

The data changes only when a seed bumps the dataset version, so a rendered response is valid until
then. Each process keeps rendered responses keyed by what decides their content — path, query string
and the *negotiated* media-type ranking and language, never raw header text — so no header a client
sends can make another client's answer differ, and header variants cannot multiply entries. The cache
is bounded in bytes (least recently used first) and drops everything when it sees a new dataset
version or a new release in the database (checked at most every VERSION_CHECK_INTERVAL seconds); several
processes behind a load balancer agree within that interval. A cache hit never enters FastAPI: that is what makes
list pages cost about as much as returning precomputed bytes.
"""

import gzip
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

import anyio
import xxhash
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.aggregates import read_dataset_version, remember_version
from app.api.negotiation import accept_key, accepts_gzip, choose_language, field_values
from app.api.routes import ROUTE_SCOPE_KEY, route_template
from app.config import Settings

log = logging.getLogger("reform_facts.cache")
GZIP_MIN_BYTES = 1024
MAX_CACHED_BYTES = 2 * 1024 * 1024  # one response; larger ones are served but not kept
ENTRY_OVERHEAD = 512  # bytes per entry beyond its bodies and headers (objects, dict slot): an estimate
DEFAULT_CACHE_CONTROL = b"public, max-age=60"
VARY = b"Accept, Accept-Encoding, Accept-Language"
NOT_MODIFIED_HEADERS = (b"cache-control", b"vary", b"content-language", b"link")
COMPRESSED_MEDIA_TYPES = (b"application/zip",)  # gzip would only cost CPU (a release's data package)


@dataclass(slots=True)
class Rendered:
    status: int
    headers: list[tuple[bytes, bytes]]  # without content-length / content-encoding / etag
    body: bytes
    gzipped: bytes | None
    etag: bytes  # of the identity body; the gzip body has its own (RFC 9110 §8.8.3)
    route: str
    storable: bool
    size: int = 0  # what keeping it costs, bytes

    def __post_init__(self) -> None:
        self.size = (len(self.body) + len(self.gzipped or b"") + sum(len(k) + len(v) for k, v in self.headers)
                     + ENTRY_OVERHEAD)

    @property
    def gzip_etag(self) -> bytes:
        return gzip_etag_of(self.etag)


# The header fields the cache decides by. A request with Authorization may be answered from the cache (what is
# kept is public) but its own answer is never kept: it may depend on the key (GET /v1/keys/current), and a route
# that require()s a key must not have its page handed to the next client, who sent none.
NEGOTIATION_FIELDS = frozenset({b"accept", b"accept-language", b"accept-encoding", b"if-none-match",
                                b"authorization"})
NOT_STORED = (b"no-store", b"private")  # Cache-Control directives that keep a response out of the cache


def body_etag(body: bytes) -> bytes:
    """The strong ETag of a response body (the curation API compares If-Match against a fact's with it)."""
    # XXH3-128: every cold page hashes its whole body, and SHA-256 took ~19 µs of the 34 KB measures page
    # (~5 % of its CPU), XXH3 ~2 µs. An ETag only has to change when the body does; nothing relies on it
    # being hard to forge (a client can send any If-None-Match it likes and only ever gets its own 304).
    return b'"' + xxhash.xxh3_128_hexdigest(body)[:24].encode() + b'"'


def gzip_etag_of(etag: bytes) -> bytes:
    """The gzip body's own strong ETag (RFC 9110 §8.8.3): the identity body's, marked."""
    return etag[:-1] + b'-gzip"'


def etag_matches(if_none_match: str, etag: bytes) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ is ignored; `*` matches anything."""
    if if_none_match.strip() == "*":
        return True
    candidates = (c.strip().removeprefix("W/") for c in if_none_match.split(","))
    return etag.decode() in candidates


class ResponseCache:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_entries = settings.cache_max_entries
        self.max_bytes = settings.cache_max_bytes
        self.enabled = bool(self.max_entries and self.max_bytes)
        self.check_interval = settings.version_check_interval
        self.entries: OrderedDict[tuple, Rendered] = OrderedDict()
        self.bytes = 0
        self.version: tuple | None = None
        # Bumped whenever the entries are dropped. A render that began under an older generation may have
        # read the old data, so it is served to its own client but never stored.
        self.generation = 0
        self.checked_at = float("-inf")
        self.checking = False
        self.rendering: dict[tuple, anyio.Event] = {}  # key → set when the request rendering it has finished

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # HEAD reaches this layer as GET: OpsMiddleware drops the body (RFC 9110 §9.3.2).
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        fields = field_values(scope["headers"], NEGOTIATION_FIELDS)
        if self.enabled:
            await self._refresh_version(scope)
        generation = self.generation
        key = (scope["path"], scope["query_string"], accept_key(fields.get(b"accept")),
               choose_language(fields.get(b"accept-language")))
        rendered = self.entries.get(key)
        if rendered is None and (rendering := self.rendering.get(key)) is not None:
            # Another request is rendering this very answer (after a new dataset version empties the cache, every
            # connection asks for the same pages at once): wait for it rather than render it again. Only what it
            # stores is served from here; if it stores nothing, this request renders for itself.
            await rendering.wait()
            rendered = self.entries.get(key)
        if rendered is None:
            # Compressed once for every later client when it is kept; otherwise only for a client that takes gzip.
            wants_gzip = self.enabled or accepts_gzip(fields.get(b"accept-encoding"))
            done = None
            if self.enabled and key not in self.rendering:
                done = self.rendering[key] = anyio.Event()
            try:
                rendered = await self._render(scope, receive, send, wants_gzip)
                if rendered is None:
                    return  # not cacheable; already sent as it was
                if (self.enabled and rendered.storable and generation == self.generation
                        and b"authorization" not in fields):
                    self._store(key, rendered)
            finally:
                if done is not None:
                    del self.rendering[key]
                    done.set()
        else:
            self.entries.move_to_end(key)
            scope[ROUTE_SCOPE_KEY] = rendered.route
        await self._send(rendered, fields, send)

    def _store(self, key: tuple, rendered: Rendered) -> None:
        rendered.size += len(key[0]) + len(key[1])  # the key's path and query string are kept too
        if rendered.size > self.max_bytes:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        while self.entries and (self.bytes + rendered.size > self.max_bytes or len(self.entries) >= self.max_entries):
            _, evicted = self.entries.popitem(last=False)
            self.bytes -= evicted.size
        self.entries[key] = rendered
        self.bytes += rendered.size

    def clear(self) -> None:
        self.entries.clear()
        self.bytes = 0
        self.generation += 1

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
        else:
            remember_version(scope, version)  # the page reader's totals use this read, not a second one
        finally:
            self.checking = False
            self.checked_at = time.monotonic()
        if version != self.version:
            self.clear()
            self.version = version

    async def _render(self, scope: Scope, receive: Receive, send: Send, wants_gzip: bool) -> Rendered | None:
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
        cache_control = b", ".join(v for k, v in headers if k == b"cache-control").lower()
        if not cache_control:
            headers.append((b"cache-control", DEFAULT_CACHE_CONTROL))
        storable = len(body) <= MAX_CACHED_BYTES and not any(d in cache_control for d in NOT_STORED)
        headers.append((b"vary", VARY))
        compressed = any(k == b"content-type" and v.startswith(COMPRESSED_MEDIA_TYPES) for k, v in headers)
        gzipped = (gzip.compress(body, compresslevel=6, mtime=0)
                   if wants_gzip and len(body) >= GZIP_MIN_BYTES and not compressed else None)
        route = route_template(scope) or scope["path"]
        return Rendered(200, headers, body, gzipped, body_etag(body), route, storable=storable)

    @staticmethod
    async def _send(rendered: Rendered, fields: dict[bytes, str], send: Send) -> None:
        use_gzip = rendered.gzipped is not None and accepts_gzip(fields.get(b"accept-encoding"))
        etag = rendered.gzip_etag if use_gzip else rendered.etag
        if_none_match = fields.get(b"if-none-match")
        if if_none_match is not None and etag_matches(if_none_match, etag):
            keep = [(k, v) for k, v in rendered.headers if k in NOT_MODIFIED_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": [*keep, (b"etag", etag)]})
            await send({"type": "http.response.body", "body": b""})
            return
        body = rendered.gzipped if use_gzip else rendered.body
        out = [*rendered.headers, (b"etag", etag)]
        if use_gzip:
            out.append((b"content-encoding", b"gzip"))
        out.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": body})


def _read_version(engine: Engine) -> tuple | None:
    with engine.connect() as connection:
        return read_dataset_version(connection)
