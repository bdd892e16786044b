"""`python -m app serve` with one test-only write route, for tests of writes over a real server.

    python -m tests.probe_server serve

POST /v1/_test/probe needs a key with scope `propose`, reads its whole body and answers with the key's name
and the body's length: a stand-in for the curation routes (they come later) that exercises what every write
goes through — the body limits, chunked bodies, require() and the per-key rate limit — in uvicorn with our
edge protocol. uvicorn, with one worker, loads "app.main:create_app" in this process, so it gets the factory
patched below.
"""

import sys
from typing import Annotated

from fastapi import FastAPI, Request

import app.main
from app.cli import main
from app.config import Settings
from app.keys.auth import require
from app.keys.service import Caller

PROBE_PATH = "/v1/_test/probe"
_create_app = app.main.create_app


def create_app_with_probe(settings: Settings | None = None) -> FastAPI:
    application = _create_app(settings)

    async def probe(request: Request, caller: Annotated[Caller, require("propose")]) -> dict:
        return {"name": caller.name, "bytes": len(await request.body())}

    application.add_api_route(PROBE_PATH, probe, methods=["POST"])
    return application


if __name__ == "__main__":
    app.main.create_app = create_app_with_probe
    raise SystemExit(main(sys.argv[1:]))
