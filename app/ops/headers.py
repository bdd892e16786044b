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
EXPOSED = b"Link, ETag, Content-Language, X-Request-ID"
CORS_METHODS = (b"GET", b"HEAD")
PREFLIGHT_MAX_AGE = b"600"


class ResponseHeaders:
    """Picks the precomputed header list for a response from its path and the request's Origin."""

    def __init__(self, cors_origins: str) -> None:
        origins = [o.strip() for o in cors_origins.split(",") if o.strip()]
        self.any_origin = "*" in origins
        self.origins = frozenset(o.encode() for o in origins if o != "*")
        self.api = self._build(API_CSP)
        self.docs = self._build(DOCS_CSP)

    def _build(self, csp: bytes) -> dict[bytes | None, Headers]:
        """Header lists keyed by Origin; key None is for a request whose origin gets no CORS headers."""
        base = [*SECURITY, (b"content-security-policy", csp)]
        if self.any_origin:
            # The same headers for everyone: no Vary: Origin needed, shared caches stay effective.
            cors = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSED)]
            return {None: base + cors}
        vary = [(b"vary", b"Origin")]
        lists: dict[bytes | None, Headers] = {None: base + vary}
        for origin in self.origins:
            lists[origin] = base + vary + [(b"access-control-allow-origin", origin),
                                           (b"access-control-expose-headers", EXPOSED)]
        return lists

    def for_response(self, path: str, origin: bytes | None) -> Headers:
        lists = self.docs if path in DOCS_PATHS else self.api
        return lists.get(origin) or lists[None]

    def allows(self, origin: bytes) -> bool:
        return self.any_origin or origin in self.origins

    @staticmethod
    def preflight(requested_headers: bytes | None) -> Headers:
        """What a successful preflight adds to the per-origin list (which carries Allow-Origin)."""
        headers = [(b"access-control-allow-methods", b"GET, HEAD"),
                   (b"access-control-max-age", PREFLIGHT_MAX_AGE)]
        if requested_headers:
            # Every request header is harmless on a read-only API, so whatever was asked is allowed.
            headers.append((b"access-control-allow-headers", requested_headers))
        return headers
