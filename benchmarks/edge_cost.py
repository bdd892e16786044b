"""What the edge protocol (app/ops/edge.py) costs per request, next to uvicorn's own httptools protocol.

    python benchmarks/edge_cost.py [--requests 30000] [--rounds 5]

Both protocols serve the same app in this process, with no sockets: raw request bytes are fed to the
protocol and the loop runs until the whole response is written to a stand-in transport. What is left is
CPU time per request of the parser, the protocol and the app (a response-cache hit of
/v1/measures?limit=20 on a freshly seeded SQLite file), without the kernel's share, so the difference
between the two protocols is not lost in wrk's noise. Rounds alternate; medians are printed.
"""

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import uvloop
from uvicorn.config import Config
from uvicorn.lifespan.on import LifespanOn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bootstrap import prepare_database  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from app.ops.edge import EdgeHttpProtocol  # noqa: E402

REQUEST = b"GET /v1/measures?limit=20 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: edge-cost\r\n\r\n"


class Transport(asyncio.Transport):
    """Counts what the protocol writes; `done` resolves once a whole response has been written."""

    def __init__(self, response_size: int) -> None:
        super().__init__()
        self.response_size = response_size
        self.written = 0
        self.done: asyncio.Future | None = None
        self.closing = False

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def write(self, data: bytes) -> None:
        self.written += len(data)
        if self.done is not None and self.written >= self.response_size:
            self.done.set_result(None)
            self.done = None

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def cpu_per_request(settings: Settings, protocol: type, requests: int) -> float:
    config = Config(create_app(settings), http=protocol, lifespan="on", log_level="warning", access_log=False,
                    proxy_headers=False)
    config.load()
    logging.disable(logging.WARNING)
    lifespan = LifespanOn(config)
    await lifespan.startup()
    try:
        server = protocol(config=config, server_state=ServerState(), app_state=lifespan.state)
        probe = Transport(response_size=1 << 60)
        server.connection_made(probe)
        server.data_received(REQUEST)
        await asyncio.sleep(0.05)
        transport = Transport(response_size=probe.written)  # the size of one whole response
        server.connection_made(transport)
        loop = asyncio.get_running_loop()

        async def one() -> None:
            transport.written = 0
            transport.done = done = loop.create_future()
            server.data_received(REQUEST)
            await done

        for _ in range(2000):
            await one()
        started = time.process_time()
        for _ in range(requests):
            await one()
        return (time.process_time() - started) / requests * 1e6
    finally:
        await lifespan.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/edge-cost.sqlite3", access_log=False, log_level="warning")
        engine = make_engine(settings)
        prepare_database(engine, settings)
        engine.dispose()
        figures: dict[str, list[float]] = {"httptools": [], "edge": []}
        for round_ in range(args.rounds):
            order = [("httptools", HttpToolsProtocol), ("edge", EdgeHttpProtocol)]
            for name, protocol in order if round_ % 2 == 0 else reversed(order):
                figures[name].append(uvloop.run(cpu_per_request(settings, protocol, args.requests)))
                print(f"round {round_ + 1} {name:>9}: {figures[name][-1]:6.2f} µs CPU/request", flush=True)
    stock, edge = (statistics.median(figures[name]) for name in ("httptools", "edge"))
    print(f"median: uvicorn httptools {stock:.2f} µs, edge {edge:.2f} µs CPU/request; "
          f"edge/httptools = {edge / stock:.3f}")


if __name__ == "__main__":
    main()
