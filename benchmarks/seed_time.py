"""How long loading the real seed data takes, and how much of it is the search index and release 1, on SQLite and PostgreSQL.

    python benchmarks/seed_time.py [--rounds 3] [--backend sqlite --backend postgresql]

Each round migrates a fresh, empty database (a temporary SQLite file, or a throwaway database on the
PostgreSQL at TEST_POSTGRES_URL, dropped afterwards) and times `seed` alone; medians are printed. A fresh
start's seed also makes release 1 (changelog and data package), timed on its own too.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app.releases.service as release_service  # noqa: E402
import app.seed.load as seed_load  # noqa: E402
from app.bootstrap import bootstrap_lock, migrate, seed  # noqa: E402
from app.config import REPO_ROOT, Settings  # noqa: E402
from app.db import make_engine  # noqa: E402
from tests.conftest import fresh_database  # noqa: E402


def timed(module: object, name: str, seconds: list[float]) -> object:
    """Replace module.name by a wrapper that appends each call's duration to `seconds`; returns the original."""
    original = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    setattr(module, name, wrapper)
    return original


def one_seed(backend: str) -> tuple[float, float, float]:
    """Seconds for the whole seed, for the search index within it, and for release 1 within it."""
    index_seconds: list[float] = []
    release_seconds: list[float] = []
    rebuild = timed(seed_load, "rebuild_search_index", index_seconds)
    release = timed(release_service, "create_release", release_seconds)
    try:
        with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, Path(tmp)) as url:
            engine = make_engine(Settings(database_url=url))
            try:
                with bootstrap_lock(engine) as connection:
                    migrate(connection)
                    started = time.perf_counter()
                    seed(connection, REPO_ROOT / "seed_data")
                    return time.perf_counter() - started, sum(index_seconds), sum(release_seconds)
            finally:
                engine.dispose()
    finally:
        seed_load.rebuild_search_index = rebuild
        release_service.create_release = release


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        runs = [one_seed(backend) for _ in range(args.rounds)]
        total = statistics.median(r[0] for r in runs)
        index = statistics.median(r[1] for r in runs)
        release = statistics.median(r[2] for r in runs)
        print(f"{backend:>10}: seed {total:.2f} s, of which the search index {index:.2f} s and release 1 "
              f"{release:.2f} s (median of {args.rounds})")


if __name__ == "__main__":
    main()
