"""Appending to the audit log, in the caller's transaction or in one of its own."""

import datetime as dt

from sqlalchemy import Connection, Engine, insert
from starlette.requests import Request

from app.api.routes import route_template
from app.context import REQUEST_ID
from app.models import AuditEvent

AUDIT = AuditEvent.__table__


def _row(actor: str, action: str, target: str, outcome: str) -> dict:
    return {"at": dt.datetime.now(dt.UTC).replace(microsecond=0), "actor": actor[:120], "action": action[:200],
            "target": target[:400], "outcome": outcome[:400], "request_id": REQUEST_ID.get() or ""}


def action_of(request: Request) -> str:
    """What the log calls a request: its method and full route template (`POST /v1/proposals/{proposal_id}/publish`)."""
    return f"{request.method} {route_template(request.scope) or request.url.path}"


def record(connection: Connection, actor: str, action: str, target: str, outcome: str) -> None:
    """Append one event in the caller's transaction: it commits, or rolls back, with the write it records."""
    connection.execute(insert(AUDIT).values(**_row(actor, action, target, outcome)))


def record_refusal(engine: Engine, actor: str, action: str, target: str, outcome: str) -> None:
    """Append one event in a transaction of its own: a refused write has no transaction to ride on."""
    with engine.begin() as connection:
        record(connection, actor, action, target, outcome)
