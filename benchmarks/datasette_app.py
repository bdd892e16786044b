"""Datasette 0.65 serving a copy of the seeded SQLite file, configured like our service for the benchmark.

`datasette serve` always logs every request at info level; this does what it does otherwise
(Datasette(...), invoke_startup(), uvicorn.run(ds.app())) with the access log off, so both sides pay
for the same things. The file is opened immutable, as `datasette publish` deploys it.
Runs under a Python that has datasette>=0.65,<0.66 (run.py makes a venv for it if needed).

    python benchmarks/datasette_app.py --port 8003 --db rf.db
"""

import argparse
import asyncio
from pathlib import Path

import uvicorn
from datasette.app import Datasette


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    ds = Datasette(immutables=[str(args.db)])
    asyncio.new_event_loop().run_until_complete(ds.invoke_startup())  # as `datasette serve` does
    uvicorn.run(ds.app(), host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
