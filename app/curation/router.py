"""HTTP for the curation API: POST /v1/sources, /v1/proposals and a proposal's reviews and publication.

Every route here writes, so every one needs a key with its scope (app.keys.auth) and none is cached: the
handlers are plain functions (run in the thread pool) over their own write transactions.
"""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Header, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.api.negotiation import require_json
from app.api.params import NoParams
from app.api.responses import Problem
from app.api.routing import QueryModelRoute, ResourceRouter
from app.api.schemas import Page
from app.audit.log import action_of, record_refusal
from app.curation import service
from app.curation.schemas import (
    CandidateSet,
    ProposalIn,
    ProposalOut,
    ProposalQuery,
    ReviewIn,
    SourceCreated,
    SourceUpload,
)
from app.errors import AppError
from app.keys.auth import require
from app.keys.service import Caller
from app.registry import SOURCE


class AuditedRoute(QueryModelRoute):
    """A write route whose every refusal is in the audit log: a bad body, a failed check, a stale If-Match,
    a proposal in the wrong state (a refused credential is recorded where it is refused, in app.keys.auth)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def audited(request: Request) -> Response:
            try:
                return await handler(request)
            except (AppError, RequestValidationError, HTTPException) as exc:
                if request.method != "GET" and not getattr(exc, "audited", False):
                    caller = getattr(request.state, "caller", None)
                    status = getattr(exc, "status", None) or getattr(exc, "status_code", 422)
                    why = getattr(exc, "detail", None) if isinstance(exc, AppError) else "invalid request body"
                    await run_in_threadpool(record_refusal, request.app.state.engine,
                                            f"key:{caller.name}" if caller else "anonymous", action_of(request),
                                            request.url.path, f"{status} {why}")
                raise

        return audited


router = ResourceRouter(tags=["curation"], route_class=AuditedRoute)
NO_STORE = {"Cache-Control": "no-store"}
_WHY = {
    400: "An unknown parameter, or a body that is not JSON.",
    401: "No API key, or one that is malformed, unknown, revoked or expired.",
    403: "The key lacks the route's scope (or reviews its own proposal).", 404: "No such proposal or fact.",
    406: "Proposals are served as JSON only.",
    409: "The slug is taken, or the proposal is not in a state that allows this.",
    412: "The fact changed since the If-Match ETag; `current_etag` is the one to base a change on.",
    413: "The request body is larger than this server accepts.",
    414: "The query string is longer than this server accepts.",
    422: "The request fails a check; `errors` points at each field (RFC 6901 JSON Pointer).",
    428: "An update or deprecation needs If-Match.", 429: "Too many writes from this key; see Retry-After.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict]:
    return {status: {"model": Problem, "description": _WHY[status],
                     "content": {"application/problem+json": {}}} for status in statuses}


WRITE_ERRORS = problem_responses(400, 401, 403, 409, 413, 414, 422, 429)


@router.post("/sources", status_code=201, response_model=SourceCreated, summary="Upload a source", responses=WRITE_ERRORS,
             description="Store a new source — its metadata and the text facts will quote — and publish it at "
                         "`/v1/sources/{slug}`. The body is stored NFC-normalised and its SHA-256 published. "
                         "Scope `propose`.")
def upload_source(request: Request, body: SourceUpload,
                  caller: Annotated[Caller, require("propose")]) -> JSONResponse:
    slug = service.upload_source(request.app.state.engine, caller, body, action_of(request))
    url = SOURCE.url(slug)
    return JSONResponse({"slug": slug, "url": url}, status_code=201, headers={"Location": url, **NO_STORE})


@router.post("/sources/{slug}/candidates", response_model=CandidateSet, summary="Find candidate facts in a source",
             responses={**problem_responses(400, 401, 403, 404, 413, 414, 422, 429)},
             description="Every number, date and named measure in a stored source's body, parsed exactly (exact "
                         "decimal, unit and 亿/万 multiplier, comparator, period; dates resolved against the "
                         "publication date, with their precision), each with a verbatim quote and its offsets "
                         "and a `citation` ready for a proposal's document. Writes nothing. Scope `propose`.")
def source_candidates(request: Request, slug: str, caller: Annotated[Caller, require("propose")]) -> JSONResponse:
    return JSONResponse(service.source_candidates(request.app.state.engine, slug), headers=NO_STORE)


@router.post("/proposals", status_code=201, response_model=ProposalOut, summary="Propose a change to a fact",
             responses={**WRITE_ERRORS, **problem_responses(404, 412, 428)},
             description="Create, update or deprecate one fact. The document passes the checks every seed "
                         "file entry passes (quotes verbatim in their source at their offsets, numbers in their "
                         "quotes, references that resolve, English with every Chinese field); each problem is a "
                         "JSON Pointer in the 422's `errors`. An update or deprecation sends `If-Match` with the "
                         "ETag of the fact's `GET` (428 without it, 412 when the fact has changed since). "
                         "Scope `propose`.")
def create_proposal(request: Request, body: ProposalIn, caller: Annotated[Caller, require("propose")],
                    if_match: Annotated[str | None, Header(description="The ETag of the fact it is based on.")] = None
                    ) -> JSONResponse:
    out = service.propose(request.app.state.engine, caller, body, if_match, action_of(request))
    return JSONResponse(out, status_code=201, headers={"Location": out["url"], **NO_STORE})


@router.get("/proposals", response_model=Page[ProposalOut], summary="List proposals",
            responses=problem_responses(400, 406, 414, 422),
            description="Proposals in the order they were made, filtered by status, kind or author. Public, like "
                        "the facts; never cached, since a proposal changes without a new dataset version.")
def list_proposals(request: Request, params: Annotated[ProposalQuery, Query()]) -> JSONResponse:
    require_json(request, "Proposals are served as")
    items, total, last = service.list_proposals(request.app.state.engine, status=params.status, kind=params.kind,
                                                author=params.author, after=params.after, limit=params.limit)
    kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "after"])
    here = f"/v1/proposals{'?' + request.url.query if request.url.query else ''}"
    next_url = f"/v1/proposals?{kept + '&' if kept else ''}after={last}" if last is not None else None
    meta = {"total": total, "count": len(items), "limit": params.limit, "sort": "id"}
    return JSONResponse({"data": items, "meta": meta, "links": {"self": here, "next": next_url}}, headers=NO_STORE)


@router.get("/proposals/{proposal_id}", response_model=ProposalOut, summary="Get one proposal",
            responses=problem_responses(400, 404, 406, 414, 422),
            description="A proposal, its document and its reviews.")
def get_proposal(request: Request, proposal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                 params: Annotated[NoParams, Query()]) -> JSONResponse:
    require_json(request, "Proposals are served as")
    return JSONResponse(service.get_proposal(request.app.state.engine, proposal_id), headers=NO_STORE)


@router.post("/proposals/{proposal_id}/reviews", status_code=201, response_model=ProposalOut,
             summary="Approve or reject a proposal", responses={**WRITE_ERRORS, **problem_responses(404)},
             description="Scope `review`. The key that made the proposal cannot review it (403).")
def review_proposal(request: Request, proposal_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: ReviewIn,
                    caller: Annotated[Caller, require("review")]) -> JSONResponse:
    out = service.review(request.app.state.engine, caller, proposal_id, body, action_of(request))
    return JSONResponse(out, status_code=201, headers=NO_STORE)


@router.post("/proposals/{proposal_id}/publish", response_model=ProposalOut, summary="Publish an approved proposal",
             responses={**WRITE_ERRORS, **problem_responses(404, 412)},
             description="Scope `publish`. Writes the fact, its revision (author and reviewer), its documents and "
                         "search entries, and a new dataset version, in one transaction. 412 when the fact "
                         "changed after the proposal was based on it.")
def publish_proposal(request: Request, proposal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                     caller: Annotated[Caller, require("publish")]) -> JSONResponse:
    out = service.publish(request.app.state.engine, caller, proposal_id, action_of(request))
    return JSONResponse(out, headers=NO_STORE)
