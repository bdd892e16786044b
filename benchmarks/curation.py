"""How long publishing a curated change takes: the publish call alone and the whole propose → review → publish.

    python benchmarks/curation.py [--publishes N] [--postgres] [--record]

In one process (TestClient, the app's own lifespan, no sockets) on a freshly seeded database: SQLite in a temp
file, or with --postgres a new database on TEST_POSTGRES_URL's server, dropped afterwards. Each cycle reads a
measure (rotating over the first page of measures), appends a marker to its English summary, proposes it with
If-Match, approves it with a second key and publishes it. Prints p50/p95/max ms; --record writes the figures to
RESULTS-curation.md (its own section; benchmarks/mixed.py writes another).
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS-curation.md"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGET_MS = 50.0  # publish of one fact on SQLite, p95
WARM_UP = 3  # cycles before timing: statement caches, first-request work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishes", type=int, default=60, help="timed publishes (default 60)")
    parser.add_argument("--postgres", action="store_true", help=f"on PostgreSQL ({PG_ADMIN_URL}) instead of SQLite")
    parser.add_argument("--record", action="store_true", help="write the figures to RESULTS-curation.md")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.update(LOG_LEVEL="warning", ACCESS_LOG="false", RATE_LIMIT_PER_MINUTE="0")
    with fresh_database(args.postgres) as url:
        seed(url)
        publish_ms, cpu_ms, cycle_ms, slowest = run(url, args.publishes)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    lines = [f"- {backend}: {args.publishes} one-fact updates, after {WARM_UP} untimed",
             f"  - publish call: {summary(publish_ms)}",
             f"  - publish call, CPU time of this process (moves less with the machine's load): {summary(cpu_ms)}",
             f"  - slowest publish: {slowest[1]:.1f} ms, `{slowest[0]}`",
             f"  - propose → review → publish (with the GET for the ETag): {summary(cycle_ms)}"]
    if not args.postgres:
        met = percentile(publish_ms, 0.95) < TARGET_MS
        lines.append(f"  - target: publish p95 < {TARGET_MS:.0f} ms on SQLite: {'met' if met else 'MISSED'}")
    text = "\n".join(lines)
    print(text)
    if args.record:
        command = "python benchmarks/curation.py" + (" --postgres" if args.postgres else "") \
            + (f" --publishes {args.publishes}" if args.publishes != 60 else "")
        record_section(f"curation.py {backend}", command, text)
    return 0


@contextmanager
def fresh_database(postgres: bool) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="rf-curation-") as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"rf_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(url: str) -> None:
    subprocess.run([sys.executable, "-m", "app", "seed"], cwd=REPO, env={**os.environ, "DATABASE_URL": url},
                   check=True, timeout=300, stdout=subprocess.DEVNULL)


def keys(url: str) -> tuple[dict[str, str], dict[str, str]]:
    """A writer (propose, publish) and a reviewer, as Authorization headers."""
    from app.config import Settings
    from app.db import make_engine
    from app.keys.service import create_key

    engine = make_engine(Settings(database_url=url))
    with engine.begin() as connection:
        writer = create_key(connection, "bench-writer", ("propose", "publish"))
        reviewer = create_key(connection, "bench-reviewer", ("review",))
    engine.dispose()
    return {"Authorization": f"Bearer {writer}"}, {"Authorization": f"Bearer {reviewer}"}


def run(url: str, publishes: int) -> tuple[list[float], list[float], list[float], tuple[str, float]]:
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    writer, reviewer = keys(url)
    # The response cache checks the dataset version on every request here, so each GET sees the last publish.
    settings = Settings(database_url=url, version_check_interval=0, write_rate_limit_per_minute=0)  # timing, not throttling
    publish_ms: list[float] = []
    cpu_ms: list[float] = []
    cycle_ms: list[float] = []
    slowest = ("", 0.0)
    with TestClient(create_app(settings)) as client:
        slugs = [m["slug"] for m in client.get("/v1/measures?limit=20").json()["data"]]
        for i in range(WARM_UP + publishes):
            slug = slugs[i % len(slugs)]
            began = time.perf_counter()
            got = client.get(f"/v1/measures/{slug}", headers={"Accept-Encoding": "identity"})
            document = got.json()
            document["summary"]["en"] += f" [bench {i}]"
            proposed = client.post("/v1/proposals", headers={**writer, "If-Match": got.headers["etag"]},
                                   json={"kind": "measure", "operation": "update", "slug": slug,
                                         "document": document, "comment": f"benchmark {i}"})
            check(proposed, 201)
            proposal = proposed.json()["id"]
            check(client.post(f"/v1/proposals/{proposal}/reviews", headers=reviewer, json={"decision": "approve"}), 201)
            published_at, cpu_at = time.perf_counter(), time.process_time()
            check(client.post(f"/v1/proposals/{proposal}/publish", headers=writer), 200)
            done, cpu_done = time.perf_counter(), time.process_time()
            if i >= WARM_UP:
                publish_ms.append((done - published_at) * 1e3)
                cpu_ms.append((cpu_done - cpu_at) * 1e3)
                cycle_ms.append((done - began) * 1e3)
                slowest = max(slowest, (slug, publish_ms[-1]), key=lambda pair: pair[1])
    return publish_ms, cpu_ms, cycle_ms, slowest


def check(response, status: int) -> None:
    if response.status_code != status:
        sys.exit(f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:500]}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def summary(ms: list[float]) -> str:
    return f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms"


def record_section(name: str, command: str, text: str) -> None:
    """Replace (or add) this run's section of RESULTS-curation.md, headed with the command, commit and machine."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.strip()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (f"## {name}\n\n```sh\n{command}\n```\n\n"
            f"{when}, code {commit.strip()}{' (uncommitted changes)' if dirty else ''}, nproc {os.cpu_count()}, "
            f"Python {platform.python_version()}, load average {load}\n\n{text}\n")
    sections = _sections(RESULTS.read_text() if RESULTS.exists() else "")
    sections[name] = body
    RESULTS.write_text("# Curation benchmarks\n\nWritten by `--record`; each section is the last run of its "
                       "command.\n\n" + "\n".join(sections[k] for k in sections))


def _sections(text: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    name = None
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            name = line[3:].strip()
            sections[name] = ""
        if name is not None:
            sections[name] += line
    return {k: v.rstrip("\n") + "\n" for k, v in sections.items()}


if __name__ == "__main__":
    sys.exit(main())
