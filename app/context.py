"""What the current request is, for the layers that record it: the log lines (app.ops.logs) and the audit log.

Set by the operations middleware for the life of a request; sync routes and dependencies see it too,
because Starlette runs them in a thread with a copy of the request's context.
"""

from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
