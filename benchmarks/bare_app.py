"""The floor: FastAPI returning, for each measured URL, the bytes our service returned, precomputed.

run.py records each response of our service (body, content type, ETag) into a JSON file; this app
serves them from a dict, answering a matching If-None-Match with 304 as our service does. Whatever
our service costs above this app is the price of everything it does besides writing bytes.

    python benchmarks/bare_app.py --port 8001 --bodies recorded.json
"""

import argparse
import base64
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from starlette.responses import Response

Recorded = tuple[bytes, str, str]  # body, content type, ETag


def create_app(bodies_file: Path) -> FastAPI:
    by_path: dict[str, dict[bytes, Recorded]] = {}
    for url, r in json.loads(bodies_file.read_text()).items():
        path, _, query = url.partition("?")
        by_path.setdefault(path, {})[query.encode()] = (base64.b64decode(r["body"]), r["content_type"], r["etag"])
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    for path, variants in by_path.items():
        app.add_api_route(path, _precomputed(variants), methods=["GET"])
    return app


def _precomputed(variants: dict[bytes, Recorded]) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        body, content_type, etag = variants[request.scope["query_string"]]
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"etag": etag})
        return Response(body, media_type=content_type, headers={"etag": etag})

    return serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bodies", type=Path, required=True, help="JSON written by run.py")
    args = parser.parse_args()
    uvicorn.run(create_app(args.bodies), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
