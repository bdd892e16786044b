"""HTTP for /v1/keys/current: which key a request was made with (a client's check of its configuration)."""

import datetime as dt
from typing import Annotated

from fastapi import Query, Request

from app.api.negotiation import require_json
from app.api.params import NoParams
from app.api.responses import ITEM_ERRORS, KEY_ERRORS
from app.api.routing import ResourceRouter
from app.keys.auth import require
from app.keys.schemas import KeyOut
from app.keys.service import Caller, key_info

router = ResourceRouter(tags=["keys"])


def _iso_utc(moment: dt.datetime) -> str:
    # Written as every time the API serves (a release's published_at): UTC, whole seconds, `Z`.
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@router.get(
    "/keys/current", response_model=KeyOut, summary="The API key this request was made with",
    description="Any usable key (active: not revoked, not expired), whatever its scopes: its name, scopes and "
    "dates, never its secret. Send `Authorization: Bearer rfk_…`; without a usable key the answer is 401. "
    "The answer depends on the key, so it is `Cache-Control: no-store`.",
    responses={**{status: r for status, r in ITEM_ERRORS.items() if status not in (200, 404)},
               401: KEY_ERRORS[401], 200: {"description": "The key.", "headers": {"Cache-Control": {
                   "description": "Always `no-store`.", "schema": {"type": "string"}}}}},
)
def current_key(request: Request, caller: Annotated[Caller, require(None)],
                params: Annotated[NoParams, Query()]) -> KeyOut:
    require_json(request, "A key is described as")
    with request.app.state.engine.connect() as connection:
        info = key_info(connection, caller.name)
    # `info` exists: require() has just read the same key, and keys are never deleted.
    return KeyOut(name=info.name, scopes=list(info.scopes), created_at=_iso_utc(info.created_at),
                  expires_at=info.expires_at and _iso_utc(info.expires_at))
