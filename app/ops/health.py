"""/healthz (the process answers) and /readyz (the database answers and its schema is at our head)."""

import logging
from functools import lru_cache

import anyio
from fastapi import APIRouter, Request
from sqlalchemy import Engine
from starlette.responses import Response

from app.errors import problem

log = logging.getLogger("reform_facts.ops")
router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
_OK = b'{"status":"ok"}'


@lru_cache(maxsize=1)
def _code_head() -> str | None:
    # The migration scripts ship with the code, so the head cannot change while the process runs.
    # Alembic is imported on the first probe, not at start-up: workers start faster without it.
    from app.bootstrap import head_revision

    return head_revision()


def _newer_than_code(revision: str | None) -> str | None:
    """What is wrong when newer code migrated the database (migrating cannot help), else None."""
    from app.bootstrap import DatabaseNewerThanCode, known_revisions

    if revision is None or revision in known_revisions():
        return None
    sentence = str(DatabaseNewerThanCode(revision))  # the words `serve` and `migrate` stop with
    return f"{sentence[:1].upper()}{sentence[1:]}."


def _database_revision(engine: Engine) -> str | None:
    from app.bootstrap import current_revision

    with engine.connect() as connection:
        return current_revision(connection)


@router.get("/healthz")
async def healthz() -> Response:
    """Liveness: answered by the event loop alone, so a slow or absent database never fails it."""
    return Response(_OK, media_type="application/json", headers=NO_STORE)


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """Readiness: 200 only when the database answers within READY_TIMEOUT and is migrated to head."""
    timeout = request.app.state.settings.ready_timeout
    head = _code_head()
    try:
        with anyio.fail_after(timeout):
            # The thread is abandoned at the deadline (a driver call cannot be interrupted); the pool's
            # own connect and checkout timeouts end it soon after.
            revision = await anyio.to_thread.run_sync(_database_revision, request.app.state.engine,
                                                      abandon_on_cancel=True)
    except TimeoutError:
        return _not_ready(request, f"The database did not answer within {timeout:g} s.")
    except Exception as exc:  # any driver or pool error means the same thing here: not ready
        log.warning("readiness check failed: %s", type(exc).__name__)
        return _not_ready(request, f"The database is unreachable ({type(exc).__name__}).")
    if (newer := _newer_than_code(revision)) is not None:
        return _not_ready(request, newer)
    if revision != head:
        return _not_ready(request, f"The database schema is at revision {revision}, the code needs {head}; "
                                   "run `python -m app migrate`.")
    body = b'{"status":"ok","revision":"' + str(head).encode() + b'"}'
    return Response(body, media_type="application/json", headers=NO_STORE)


def _not_ready(request: Request, detail: str) -> Response:
    return problem(503, detail, type_slug="not-ready", title="Not ready", instance=request.url.path,
                   headers={**NO_STORE, "Retry-After": "5"})
