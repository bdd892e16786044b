"""Documented error responses and small parameter helpers shared by the routers."""

from typing import Any

from pydantic import BaseModel, Field


class ParameterError(BaseModel):
    parameter: str = Field(description="The parameter that failed.", examples=["limit"])
    reason: str = Field(description="Why it failed.", examples=["Input should be less than or equal to 200"])
    in_: str | None = Field(default=None, alias="in", description="query, path, header or body.")


class FieldError(BaseModel):
    pointer: str = Field(description="RFC 6901 JSON Pointer to the request body field that failed.",
                         examples=["/document/citations/0/quote"])
    detail: str = Field(description="What is wrong with it.",
                        examples=["is not verbatim in source 'economic-daily-2020-10-20-longgang'"])


class Problem(BaseModel):
    """An RFC 9457 problem document (media type application/problem+json)."""

    type: str = Field(description="URI identifying the kind of problem.",
                      examples=["https://reform-facts.example/problems/invalid-parameter"])
    title: str = Field(description="Short summary of the kind of problem.", examples=["Invalid query parameter"])
    status: int = Field(description="The HTTP status code.", examples=[400])
    detail: str = Field(description="What went wrong with this request.",
                        examples=["Query parameter 'colour' is not a parameter of this endpoint; known: …"])
    instance: str | None = Field(default=None, description="The request path.", examples=["/v1/events"])
    errors: list[ParameterError | FieldError] | None = Field(
        default=None, description="Each parameter that failed, and why; for a request body, each field (a JSON Pointer).")
    current_etag: str | None = Field(default=None, description="A write refused for want of If-Match (428) or for a "
                                     "stale one (412): the fact's current ETag, to base the change on.")


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description, "content": {"application/problem+json": {}}}


_COMMON = {
    413: _problem("The request body is larger than this server accepts."),
    414: _problem("The query string is longer than this server accepts."),
    406: _problem("The Accept header asks for a format this resource is not served in."),
    422: _problem("A parameter has the wrong type or is out of range; `errors` names it."),
    429: _problem("Too many requests from this client; see Retry-After."),
    503: _problem("The database is unavailable; try again shortly (see Retry-After)."),
}
# The same data as CSV (a header row, then one row per item) or NDJSON (one JSON object per line).
_OTHER_FORMATS = {"content": {"text/csv": {"schema": {"type": "string"}},
                              "application/x-ndjson": {"schema": {"type": "string"}}}}
LIST_ERRORS: dict[int | str, dict[str, Any]] = {
    200: _OTHER_FORMATS,
    400: _problem("An unknown parameter, a bad sort key, facet or cursor; `errors` names the parameter."),
    **_COMMON,
}
ITEM_ERRORS: dict[int | str, dict[str, Any]] = {
    200: _OTHER_FORMATS,
    400: _problem("An unknown parameter; `errors` names it."),
    404: _problem("No item has this slug."),
    **_COMMON,
}

# For routes that require() an API key (app.keys.auth); 403 only where a scope is needed.
KEY_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _problem("No usable API key: none was sent, or it is malformed, unknown, revoked or expired "
                  "(WWW-Authenticate says which)."),
    403: _problem("The key lacks the scope this operation needs (WWW-Authenticate names it)."),
}
