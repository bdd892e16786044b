"""Links of a page: this request's URL with some parameters replaced."""

from urllib.parse import urlencode

from fastapi import Request


def page_url(request: Request, **overrides: str | None) -> str:
    """This request's URL (relative) with `overrides` replacing parameters; every repeated value kept, in order."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in overrides]
    params += [(k, v) for k, v in overrides.items() if v is not None]
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path
