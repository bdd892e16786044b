"""Security and CORS response headers, computed once at start-up as ready-to-send header lists."""

Headers = list[tuple[bytes, bytes]]

# The API serves JSON/CSV: nothing in it should ever run, load, frame or be framed.
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The docs pages load their JS/CSS from /docs-assets on this origin; Swagger UI starts from an inline
# script and both UIs inline styles; ReDoc's search runs in a blob: worker; images may be data: URIs.
DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    b"object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc"})

SECURITY: Headers = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    # CORS (below) is how other sites read the API; no-cors embedding by other origins is refused.
    (b"cross-origin-resource-policy", b"same-origin"),
]
EXPOSED = b"Link, ETag, Content-Language, X-Request-ID, Retry-After"
CORS_METHODS = (b"GET", b"HEAD")
# Writes: what CORS_WRITE_ORIGINS opens and MAX_WRITE_BODY_BYTES (app.ops.middleware) allows for under /v1/.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_METHODS_TEXT, ALL_METHODS_TEXT = b"GET, HEAD", b"GET, HEAD, POST, PUT, PATCH, DELETE"
PREFLIGHT_MAX_AGE = b"600"


def _origins(text: str) -> list[str]:
    return [o.strip() for o in text.split(",") if o.strip()]


def asks_authorization(requested_headers: bytes | None) -> bool:
    """Whether a preflight's Access-Control-Request-Headers names Authorization (a comma-separated list)."""
    return bool(requested_headers) and any(
        name.strip().lower() == b"authorization" for name in requested_headers.split(b","))


def is_write(method: str, headers: dict[bytes, bytes]) -> bool:
    """A write in CORS terms: any method but GET/HEAD, or a preflight for one or for a request with a key."""
    if method == "OPTIONS" and b"access-control-request-method" in headers:
        return (headers[b"access-control-request-method"] not in CORS_METHODS
                or asks_authorization(headers.get(b"access-control-request-headers")))
    return method not in ("GET", "HEAD", "OPTIONS")


class ResponseHeaders:
    """Picks the precomputed header list for a response from its path, the request's Origin and whether it writes.

    Reads are open to CORS_ORIGINS. Writes (and any request that sends a key) are open only to
    CORS_WRITE_ORIGINS, each named: a write's answer names its origin, never `*`, and varies by Origin. A write
    origin may read too.
    """

    def __init__(self, cors_origins: str, cors_write_origins: str = "") -> None:
        origins = _origins(cors_origins)
        self.write_origins = frozenset(o.encode() for o in _origins(cors_write_origins))
        self.any_origin = "*" in origins
        self.origins = frozenset(o.encode() for o in origins if o != "*") | self.write_origins
        self.api = self._build(API_CSP)
        self.docs = self._build(DOCS_CSP)
        self.api_writes = self._build_named(API_CSP, self.write_origins)
        self.docs_writes = self._build_named(DOCS_CSP, self.write_origins)

    def _build(self, csp: bytes) -> dict[bytes | None, Headers]:
        """Header lists keyed by Origin; key None is for a request whose origin gets no CORS headers."""
        if self.any_origin:
            # The same headers for everyone: no Vary: Origin needed, shared caches stay effective.
            cors = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSED)]
            return {None: [*SECURITY, (b"content-security-policy", csp), *cors]}
        return self._build_named(csp, self.origins)

    @staticmethod
    def _build_named(csp: bytes, origins: frozenset[bytes]) -> dict[bytes | None, Headers]:
        base = [*SECURITY, (b"content-security-policy", csp), (b"vary", b"Origin")]
        lists: dict[bytes | None, Headers] = {None: base}
        for origin in origins:
            lists[origin] = base + [(b"access-control-allow-origin", origin),
                                    (b"access-control-expose-headers", EXPOSED)]
        return lists

    def for_response(self, path: str, origin: bytes | None, writes: bool = False) -> Headers:
        docs = path in DOCS_PATHS
        lists = (self.docs_writes if docs else self.api_writes) if writes else (self.docs if docs else self.api)
        return lists.get(origin) or lists[None]

    def allows(self, origin: bytes) -> bool:
        return self.any_origin or origin in self.origins

    def preflight_refusal(self, origin: bytes, method: bytes, requested_headers: bytes | None) -> str | None:
        """Why a preflight is refused, or None to allow it."""
        if method not in CORS_METHODS or asks_authorization(requested_headers):
            if origin in self.write_origins and (method in CORS_METHODS or method.decode("latin-1") in WRITE_METHODS):
                return None
            if not self.write_origins:
                return "only GET and HEAD, without Authorization, are allowed cross-origin."
            return "this origin may not write, or send Authorization, cross-origin (CORS_WRITE_ORIGINS)."
        return None if self.allows(origin) else "this origin is not allowed."

    def preflight(self, origin: bytes, requested_headers: bytes | None) -> Headers:
        """What a successful preflight adds to the per-origin list (which carries Allow-Origin)."""
        methods = ALL_METHODS_TEXT if origin in self.write_origins else READ_METHODS_TEXT
        headers = [(b"access-control-allow-methods", methods), (b"access-control-max-age", PREFLIGHT_MAX_AGE)]
        if requested_headers:
            # Whatever was asked is allowed: Authorization only ever gets here from a write origin.
            headers.append((b"access-control-allow-headers", requested_headers))
        return headers
