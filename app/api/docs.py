"""The docs pages (/docs, /redoc) served with their JS/CSS from a Python package: no CDN, no internet."""

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

ASSETS_URL = "/docs-assets"
_ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"

API_DESCRIPTION = """
The first dataset is **Longgang (龙港市, Zhejiang)**: the country's first town turned into a city
(2019-09-25) and its first county-level city with no towns or sub-districts below it.

**Provenance.** Every fact — a timeline event, an economic observation, a reform measure and each of its
metrics, a programme, an indicator, a place — carries `citations`: the source's slug and link, a
verbatim `quote`, and the `start`/`end` character offsets of that quote in the source body
(`GET /v1/sources/{slug}/body`; its SHA-256 is in the source record). Numbers are exact decimals written
as strings (`"138.1"`), with their unit, the power of ten of the Chinese unit (`unit_multiplier`: 亿 → 8)
and the value in base units (`value_base`). Dates carry their precision.

**Languages.** Chinese is the source language; every name, title and summary also has an English
version that we wrote. Text fields are objects `{"zh": …, "en": …}`. `lang=zh|en|all` (or
`Accept-Language`) selects what is returned; the default is both. `Content-Language` says what you got.

**Collections.** Every list takes typed filters, `sort` (several keys, `-` for descending), `limit`
(default 50, max 200) and an opaque `cursor`: follow `links.next` (also in the RFC 8288 `Link` header)
until it is null. `meta.total` is the exact number of matching items; `facet=…` adds counts to `meta`.
Add `format=csv` or `format=ndjson` (or send `Accept: text/csv` / `application/x-ndjson`) for the same
page in those formats. An unknown query parameter is an error, never silently ignored.

**Caching.** Responses carry a strong `ETag`; send it back in `If-None-Match` to get `304 Not Modified`.
Bodies over 1 KB are gzip-compressed when `Accept-Encoding` allows it, and the gzip body has its own ETag.
CORS allows GET from any origin; writes, and requests that send a key, only from origins the operator lists.

**Keys.** Reading needs no key. The curation routes need `Authorization: Bearer rfk_…` with a key of the right
scope (401 without one, 403 without the scope, 429 past the key's rate); `GET /v1/keys/current` shows which
key a request carries. Answers to a key are never cached.

**Requests.** `Accept`, `Accept-Language` and `Accept-Encoding` follow RFC 9110 (q-values; a header sent on
several lines is one list). Request heads over 16 KiB (one field over 8 KiB) get `431`, targets over
8 KiB `414`. Raw UTF-8 in a URL is read as if percent-encoded. `links.next` keeps every repeated filter.

**Errors** are RFC 9457 `application/problem+json` documents with `type`, `title`, `status`, `detail`,
and for bad parameters an `errors` list naming each parameter and why it failed.

**Stability.** Paths are versioned (`/v1`). Within v1, keys are added but never removed or renamed,
slugs are stable identifiers, and cursors are opaque (do not build them yourself).
""".strip()

OPENAPI_TAGS = [
    {"name": "timeline", "description": "The town-to-city timeline: dated events with their precision."},
    {"name": "indicators", "description": "Economic indicators and their observations (exact published values)."},
    {"name": "reforms", "description": "Reform measures with their quantitative metrics, and the programmes "
                                       "(大部门制, “十个一”, “四化”, plans, project lists) they belong to."},
    {"name": "places", "description": "Places facts are about, with level, parent and aliases."},
    {"name": "people", "description": "People the sources quote (a statement's speaker, 郑建忠) or who wrote them "
                                      "(熊丽); `speaker=` on events, programmes and measures."},
    {"name": "sources", "description": "The published texts every quote comes from, and what each supports."},
    {"name": "search", "description": "Ranked search across events, measures, programmes, indicators, "
                                     "observations and places, in Chinese and English."},
    {"name": "history", "description": "Every fact's revisions (RFC 6902 JSON Patches in a hash chain), and "
                                      "the feed of changes since a dataset version."},
    {"name": "releases", "description": "Numbered, immutable releases of the dataset: each with its changelog "
                                       "(facts created, updated field by field, deprecated) and a Frictionless "
                                       "Data Package of its tables, citations and source texts."},
    {"name": "conflicts", "description": "Where sources disagree on a value or a date: every version is kept and "
                                        "ranked (preferred, normal, deprecated) with a reason; lists show the "
                                        "preferred one, `rank=all` all of them."},
    {"name": "meta", "description": "Dataset version, licence, attribution and counts."},
    {"name": "curation", "description": "Writing: upload a source, propose a fact with its quotes, have another "
                                        "key review it, publish it. Needs an API key (Authorize); reading does not."},
    {"name": "keys", "description": "API keys: reading is public, the curation routes need `Authorization: "
                                    "Bearer <key>` (Authorize, above). Which key a request carries."},
]


# ReDoc's footer always shows a logo fetched from Redocly's CDN; point it at our own favicon instead.
_REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def _offline_redoc_js() -> bytes:
    return (_ASSETS_DIR / "redoc.standalone.js").read_bytes().replace(_REDOC_CDN_LOGO, b"/docs-assets/favicon.png")


def install_openapi(app: FastAPI) -> None:
    """FastAPI documents every response model as application/json; errors are served as problem+json."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = generate()
            for item in schema["paths"].values():
                for operation in item.values():
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if status[0] in "45" and "application/json" in content:
                            content["application/problem+json"] = content.pop("application/json")
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_docs(app: FastAPI) -> None:
    install_openapi(app)
    @app.get(f"{ASSETS_URL}/redoc.standalone.js", include_in_schema=False)
    def redoc_js() -> Response:
        return Response(_offline_redoc_js(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount(ASSETS_URL, StaticFiles(directory=_ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} — docs",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"defaultModelsExpandDepth": 0, "tryItOutEnabled": False},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} — reference",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    @app.get("/", include_in_schema=False)
    def root() -> HTMLResponse:
        return HTMLResponse('<meta http-equiv="refresh" content="0; url=/docs"><a href="/docs">API docs</a>')
