"""CPU per request of the application alone: ASGI calls in one process, no sockets, no HTTP parser.

    python benchmarks/inprocess.py [--requests N] [--cache] [URL ...]

Seeds a temporary SQLite file, starts the app's lifespan and calls it directly, then prints the process CPU
time per request for each URL (default: the endpoints of benchmarks/run.py). The response cache is off unless
--cache: every request is a cold page. wrk's numbers move with the machine's load; this one moves much less
(it is CPU time of one process), so it is the number to compare before and after a change to the app.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
URLS = [
    "/v1/measures?limit=20",
    "/v1/events",
    "/v1/indicators/gdp/observations",
    "/v1/search?q=%E6%89%A7%E6%B3%95",
    "/v1/measures/one-seal-for-approvals",
]


async def call(app: Any, state: dict, url: str) -> int:
    path, _, query = url.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")], "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8000), "state": state}
    status = 0

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def measure(urls: list[str], requests: int) -> None:
    from app.main import create_app

    app = create_app()
    state: dict = {}
    inbox: asyncio.Queue = asyncio.Queue()
    started = asyncio.Event()

    async def receive() -> dict:
        return await inbox.get()

    async def send(message: dict) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()

    await inbox.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": state},
                                       receive, send))
    await started.wait()
    for url in urls:
        if (status := await call(app, state, url)) != 200:
            sys.exit(f"{url} answered {status}")
        for _ in range(min(200, requests)):  # warm-up: statement caches, first-request work
            await call(app, state, url)
        begin = time.process_time()
        for _ in range(requests):
            await call(app, state, url)
        print(f"{(time.process_time() - begin) / requests * 1e6:8.0f} µs CPU/request  {url}")
    await inbox.put({"type": "lifespan.shutdown"})
    await lifespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per URL (default 3000)")
    parser.add_argument("--cache", action="store_true", help="keep the response cache on")
    parser.add_argument("urls", nargs="*", default=URLS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["LOG_LEVEL"], os.environ["ACCESS_LOG"] = "warning", "false"
        if not args.cache:
            os.environ["CACHE_MAX_ENTRIES"] = "0"
        sys.path.insert(0, str(ROOT))
        from app.cli import main as cli

        if cli(["seed"]) != 0:
            sys.exit("seeding failed")
        print(f"response cache {'on' if args.cache else 'off'}; {args.requests} requests per URL")
        asyncio.run(measure(args.urls, args.requests))


if __name__ == "__main__":
    main()
