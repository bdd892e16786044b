"""Links of a page: this request's URL with some parameters replaced."""

from urllib.parse import urlencode

from fastapi import Request


def request_path(request: Request) -> str:
    """The path as `request.url.path` gives it, without building the whole URL (host header, urlsplit): a
    page needs only the path, for its links and its cursors' signatures."""
    return request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


def page_links(request: Request, next_cursor: str | None) -> tuple[str, str | None]:
    """This page's URL and, with a cursor, the next page's: the same as page_url(request) and
    page_url(request, cursor=next_cursor), with the query encoded once (a cursor is URL-safe base64)."""
    this = page_url(request)
    if next_cursor is None:
        return this, None
    if "cursor" in request.query_params:
        return this, page_url(request, cursor=next_cursor)
    return this, f"{this}{'&' if '?' in this else '?'}cursor={next_cursor}"


def page_url(request: Request, **overrides: str | None) -> str:
    """This request's URL (relative) with `overrides` replacing parameters; every repeated value kept, in order."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in overrides]
    params += [(k, v) for k, v in overrides.items() if v is not None]
    query = urlencode(params)
    path = request_path(request)
    return f"{path}?{query}" if query else path
