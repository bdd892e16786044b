"""Bounded load and fault test on 127.0.0.1: steady load on SQLite and PostgreSQL, then a database outage.

    python benchmarks/load_faults.py [--steady 60] [--outage 10] [--concurrency 8]

1. SQLite: `python -m app serve --workers 2` on a fresh file, steady load → zero errors.
2. PostgreSQL: a throwaway cluster this script owns (initdb/pg_ctl on its own port, in a temp dir, run as
   the `postgres` OS user, trust auth), the app with 2 workers against it, steady load → zero errors.
3. While load goes on, `pg_ctl stop -m immediate`, down for --outage s, start again. Every response during
   the outage must be a 503 problem (or a 200 from the response cache) within the configured timeout;
   after the restart, 100 % success within RECOVERY_BUDGET s; no worker lost, stuck or leaked.

Half the requests are uncached (a timeline filter on a random date, so a URL no cache entry has), so
the database is really queried; the rest vary `limit` and follow real cursors. Everything started here is
stopped in `finally`; the shared server on 127.0.0.1:5432 is never touched. Writes LOAD_FAULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import glob
import itertools
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORKERS = 2
DB_CONNECT_TIMEOUT = 2  # seconds (DB_CONNECT_TIMEOUT)
DB_POOL_TIMEOUT = 1.0  # seconds (DB_POOL_TIMEOUT)
# A request during the outage may pay one failed connect and one pool wait; one more second of slack.
OUTAGE_LATENCY_BUDGET = DB_CONNECT_TIMEOUT + DB_POOL_TIMEOUT + 1.0
RECOVERY_BUDGET = 5.0  # seconds after `pg_ctl start` returns by which every response must succeed again
CLIENT_TIMEOUT = 15.0
SHARED_PG_PORT = 5432

PATHS = ["/v1/events", "/v1/measures", "/v1/programmes", "/v1/observations", "/v1/places", "/v1/indicators",
         "/v1/sources/economic-daily-2020-10-20-longgang/citations"]
ITEMS = ["/v1/meta", "/v1/places/longgang", "/v1/events/town-abolished-city-established-2019-09-25"]
SEARCHES = ["longgang", "审批", "reform", "执法", "city"]


@dataclass
class Sample:
    started: float  # monotonic
    latency: float
    status: int  # 0 = transport error
    content_type: str
    error: str = ""


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path
    workers: list[int] = field(default_factory=list)
    descendants: list[int] = field(default_factory=list)  # workers and multiprocessing's helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert port != SHARED_PG_PORT
    return port


def children(pid: int) -> list[int]:
    """The worker processes under a uvicorn master (not multiprocessing's resource tracker)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    workers = []
    for child in (int(p) for p in out.split()):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"resource_tracker" not in cmdline:
            workers.append(child)
    return sorted(workers)


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


# --- the app ----------------------------------------------------------------------------------------------


def start_app(database_url: str, workdir: Path, name: str) -> Server:
    port = free_port()
    log = workdir / f"{name}-server.log"
    env = {**os.environ, "DATABASE_URL": database_url, "ACCESS_LOG": "false", "LOG_LEVEL": "warning",
           "DB_CONNECT_TIMEOUT": str(DB_CONNECT_TIMEOUT), "DB_POOL_TIMEOUT": str(DB_POOL_TIMEOUT),
           "RATE_LIMIT_PER_MINUTE": "0", "PYTHONPATH": str(REPO)}
    with open(log, "wb") as out:
        proc = subprocess.Popen([PYTHON, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", str(WORKERS)], cwd=REPO, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(proc, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} server exited {proc.returncode}; see {log}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                server.workers = children(proc.pid)
                ps = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True)
                server.descendants = [int(p) for p in ps.stdout.split()]
                if len(server.workers) >= WORKERS:
                    return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} server not ready in 90 s; see {log}")


def stop_app(server: Server | None) -> None:
    if server is None or server.proc.poll() is not None:
        return
    try:
        os.killpg(server.proc.pid, signal.SIGTERM)  # our own session: the master and its workers only
        server.proc.wait(timeout=25)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(server.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.proc.wait(timeout=10)


# --- the throwaway PostgreSQL cluster ---------------------------------------------------------------------


class Cluster:
    def __init__(self, root: Path) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins:
            raise RuntimeError("no /usr/lib/postgresql/*/bin/pg_ctl")
        self.bin = Path(bins[-1]).parent
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.log = root / "postgres.log"
        self.started = False

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True,
                              timeout=timeout, check=True)

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8", timeout=120)

    def start(self) -> None:
        assert self.port != SHARED_PG_PORT
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "30", "start")
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        assert self.port != SHARED_PG_PORT
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")
        self.started = False

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        self._run(str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-c", f'CREATE DATABASE "{name}"')

    def destroy(self) -> None:
        if self.started:
            try:
                self.stop("immediate")
            except Exception as exc:  # noqa: BLE001 - best effort; the directory goes anyway
                print(f"warning: pg_ctl stop failed: {exc}", file=sys.stderr)
        shutil.rmtree(self.root, ignore_errors=True)


# --- load -------------------------------------------------------------------------------------------------


class Load:
    """Bounded-concurrency GETs until stopped; every response is kept as a Sample."""

    def __init__(self, port: int, concurrency: int, seed: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.concurrency = concurrency
        self.samples: list[Sample] = []
        self.rng = random.Random(seed)
        self.cursors: list[str] = []
        self.counter = itertools.count()
        self.stop = asyncio.Event()

    def next_request(self) -> tuple[str, dict[str, str]]:
        n = next(self.counter)
        r = self.rng.random()
        if r < 0.55:
            url = f"{self.rng.choice(PATHS)}?limit={self.rng.randint(1, 200)}"
        elif r < 0.70 and self.cursors:
            url = self.rng.choice(self.cursors)
        elif r < 0.85:
            url = f"/v1/search?q={self.rng.choice(SEARCHES)}&limit={self.rng.randint(1, 50)}"
        else:
            url = self.rng.choice(ITEMS)
        if n % 2:
            # Every other request misses the cache: the response cache keys on the URL and the negotiated
            # format and language, so only a URL it has not seen (a random date filter) makes a new query.
            day = dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randint(0, 80 * 365))
            url = f"/v1/events?date_from={day.isoformat()}&limit={self.rng.randint(1, 200)}"
        return url, {}

    async def worker(self, client: httpx.AsyncClient) -> None:
        while not self.stop.is_set():
            url, headers = self.next_request()
            started = time.monotonic()
            try:
                response = await client.get(url, headers=headers)
                sample = Sample(started, time.monotonic() - started, response.status_code,
                                response.headers.get("content-type", ""))
                if response.status_code == 200 and len(self.cursors) < 200 and url.split("?")[0] in PATHS:
                    next_url = response.json()["links"]["next"]
                    if next_url:
                        self.cursors.append(next_url)
            except httpx.HTTPError as exc:
                sample = Sample(started, time.monotonic() - started, 0, "", type(exc).__name__)
            self.samples.append(sample)

    async def run_for(self, seconds: float, events: list[tuple[float, object]] | None = None) -> None:
        """Load for `seconds`; `events` are (offset, async callable) run at those offsets meanwhile."""
        limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
        async with httpx.AsyncClient(base_url=self.base, timeout=CLIENT_TIMEOUT, limits=limits) as client:
            self.stop.clear()
            tasks = [asyncio.create_task(self.worker(client)) for _ in range(self.concurrency)]
            t0 = time.monotonic()
            for offset, action in events or []:
                await asyncio.sleep(max(0.0, t0 + offset - time.monotonic()))
                await action()  # type: ignore[operator]
            await asyncio.sleep(max(0.0, t0 + seconds - time.monotonic()))
            self.stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=CLIENT_TIMEOUT + 5)


def ok(sample: Sample) -> bool:
    return 200 <= sample.status < 400


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def steady_summary(name: str, samples: list[Sample], seconds: float) -> dict:
    latencies = [s.latency for s in samples]
    errors = [s for s in samples if not ok(s)]
    return {"phase": name, "requests": len(samples), "rps": len(samples) / seconds, "errors": len(errors),
            "p50_ms": pct(latencies, 0.5) * 1000, "p99_ms": pct(latencies, 0.99) * 1000,
            "max_ms": max(latencies, default=0) * 1000,
            "error_kinds": sorted({f"{s.status} {s.error}".strip() for s in errors})}


def check_workers(server: Server, before: list[int]) -> dict:
    """Same workers as at start, none stuck (D/Z/T), and each burned CPU answering a short burst."""
    now = children(server.proc.pid)
    ticks = {pid: cpu_ticks(pid) for pid in now}
    burst_ok = 0
    # A new connection per request, so the kernel spreads them over the workers' shared socket.
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=5,
                      headers={"Connection": "close"}) as client:
        for i in range(300):
            response = client.get(f"/v1/events?limit={1 + i % 200}&date_from={1700 + i}-01-01")  # never cached
            burst_ok += response.status_code == 200
    answered = {pid: cpu_ticks(pid) > ticks[pid] for pid in now}
    return {"workers_before": before, "workers_after": now, "same_workers": now == before,
            "states": {pid: proc_state(pid) for pid in now}, "answered": answered,
            "burst_ok": f"{burst_ok}/300"}


# --- phases -----------------------------------------------------------------------------------------------


def run_steady(name: str, server: Server, seconds: float, concurrency: int) -> dict:
    load = Load(server.port, concurrency, seed=1)
    asyncio.run(load.run_for(seconds))
    return steady_summary(name, load.samples, seconds)


def run_outage(server: Server, cluster: Cluster, lead: float, outage: float, after: float,
               concurrency: int) -> dict:
    marks: dict[str, float] = {}

    async def stop_db() -> None:
        marks["stop_called"] = time.monotonic()
        await asyncio.to_thread(cluster.stop, "immediate")
        marks["down"] = time.monotonic()

    async def start_db() -> None:
        marks["start_called"] = time.monotonic()
        await asyncio.to_thread(cluster.start)
        marks["up"] = time.monotonic()

    load = Load(server.port, concurrency, seed=2)
    asyncio.run(load.run_for(lead + outage + after, [(lead, stop_db), (lead + outage, start_db)]))
    samples = load.samples
    before = [s for s in samples if s.started + s.latency < marks["stop_called"]]
    during = [s for s in samples if s.started >= marks["down"] and s.started + s.latency < marks["start_called"]]
    after_up = [s for s in samples if s.started >= marks["up"]]
    classified = {id(s) for s in (*before, *during, *after_up)}
    straddling = [s for s in samples if id(s) not in classified]
    bad_during = [s for s in during if not (
        (s.status == 503 and s.content_type.startswith("application/problem+json")) or s.status == 200)]
    bad_straddle = [s for s in straddling if s.status not in (200, 503)]
    failures_after = [s for s in after_up if not ok(s)]
    first_success = min((s.started + s.latency for s in after_up if ok(s)), default=float("inf"))
    last_failure = max((s.started + s.latency for s in failures_after), default=marks["up"])
    return {
        "outage_s": marks["start_called"] - marks["down"],
        "restart_s": marks["up"] - marks["start_called"],
        "before": steady_summary("before outage", before, max(1e-9, lead)),
        "during_requests": len(during),
        "during_503": sum(s.status == 503 for s in during),
        "during_200_cached": sum(s.status == 200 for s in during),
        "during_bad": len(bad_during),
        "during_bad_kinds": sorted({f"{s.status} {s.content_type} {s.error}".strip() for s in bad_during}),
        "during_max_latency_s": max((s.latency for s in during), default=0.0),
        "during_p99_latency_s": pct([s.latency for s in during], 0.99),
        "straddling": len(straddling),
        "straddling_bad": len(bad_straddle),
        "straddling_bad_kinds": sorted({f"{s.status} {s.content_type} {s.error}".strip() for s in bad_straddle}),
        "straddling_max_latency_s": max((s.latency for s in straddling), default=0.0),
        "after_requests": len(after_up),
        "after_failures": len(failures_after),
        "after_failure_kinds": sorted({f"{s.status} {s.error}".strip() for s in failures_after}),
        "first_success_after_up_s": first_success - marks["up"],
        "all_success_after_up_s": last_failure - marks["up"],
        "after_tail_requests": len([s for s in after_up if s.started >= last_failure]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steady", type=float, default=60.0, help="seconds of steady load per backend")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--report", default=str(REPO / "benchmarks" / "LOAD_FAULTS.md"))
    args = parser.parse_args()

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="rf-load-faults-"))
    os.chmod(workdir, 0o755)
    cluster = Cluster(workdir / "pg")
    results: dict = {}
    problems: list[str] = []
    sqlite_server = pg_server = None
    try:
        # 1. SQLite
        sqlite_server = start_app(f"sqlite:///{workdir / 'rf.sqlite3'}", workdir, "sqlite")
        sqlite_workers = list(sqlite_server.workers)
        results["sqlite"] = run_steady("SQLite steady", sqlite_server, args.steady, args.concurrency)
        results["sqlite_workers"] = check_workers(sqlite_server, sqlite_workers)
        stop_app(sqlite_server)

        # 2. PostgreSQL, steady
        cluster.init()
        cluster.start()
        cluster.create_database("reform_facts")
        pg_server = start_app(cluster.url("reform_facts"), workdir, "postgresql")
        pg_workers = list(pg_server.workers)
        results["postgresql"] = run_steady("PostgreSQL steady", pg_server, args.steady, args.concurrency)

        # 3. PostgreSQL outage under load
        results["outage"] = run_outage(pg_server, cluster, lead=5.0, outage=args.outage, after=20.0,
                                       concurrency=args.concurrency)
        results["pg_workers"] = check_workers(pg_server, pg_workers)
    finally:
        stop_app(sqlite_server)
        stop_app(pg_server)
        cluster.destroy()
        leftovers = [pid for server in (sqlite_server, pg_server) if server
                     for pid in [server.proc.pid, *server.descendants] if proc_state(pid) not in ("gone", "Z")]
        results["leftover_processes"] = leftovers
        results["elapsed_s"] = time.monotonic() - started
        shutil.rmtree(workdir, ignore_errors=True)

    for key in ("sqlite", "postgresql"):
        if results[key]["errors"]:
            problems.append(f"{key}: {results[key]['errors']} errors {results[key]['error_kinds']}")
    o = results["outage"]
    if o["before"]["errors"]:
        problems.append(f"errors before the outage: {o['before']['error_kinds']}")
    if o["during_bad"] or o["straddling_bad"]:
        problems.append(f"bad responses during the outage: {o['during_bad_kinds']} "
                        f"(straddling stop/start: {o['straddling_bad_kinds']})")
    if o["during_max_latency_s"] > OUTAGE_LATENCY_BUDGET:
        problems.append(f"outage latency {o['during_max_latency_s']:.2f} s > {OUTAGE_LATENCY_BUDGET} s")
    if o["all_success_after_up_s"] > RECOVERY_BUDGET:
        problems.append(f"not all-success until {o['all_success_after_up_s']:.2f} s after restart")
    for key in ("sqlite_workers", "pg_workers"):
        w = results[key]
        if not w["same_workers"] or not all(w["answered"].values()) or any(
                st not in ("S", "R") for st in w["states"].values()):
            problems.append(f"{key}: {w}")
    if results["leftover_processes"]:
        problems.append(f"processes left: {results['leftover_processes']}")

    report = render(results, problems, args)
    print(report)
    Path(args.report).write_text(report, encoding="utf-8")
    return 1 if problems else 0


def render(r: dict, problems: list[str], args: argparse.Namespace) -> str:
    o = r["outage"]
    rows = [r["sqlite"], r["postgresql"], o["before"]]
    lines = [
        "# Load and fault test (benchmarks/load_faults.py)",
        "",
        f"{WORKERS} uvicorn workers on 127.0.0.1, {args.concurrency} concurrent keep-alive clients (httpx), "
        f"{args.steady:g} s steady per backend; half the requests bypass the response cache. "
        f"DB_CONNECT_TIMEOUT={DB_CONNECT_TIMEOUT}, DB_POOL_TIMEOUT={DB_POOL_TIMEOUT:g}. "
        f"Machine: {os.cpu_count()} CPUs, shared with other work. Total run {r['elapsed_s']:.0f} s.",
        "",
        "| phase | requests | req/s | errors | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *[f"| {x['phase']} | {x['requests']} | {x['rps']:.0f} | {x['errors']} | {x['p50_ms']:.1f} | "
          f"{x['p99_ms']:.1f} | {x['max_ms']:.1f} |" for x in rows],
        "",
        f"PostgreSQL outage (`pg_ctl stop -m immediate`, down {o['outage_s']:.1f} s, restart took "
        f"{o['restart_s']:.1f} s):",
        "",
        "| measure | value | requirement |",
        "|---|---:|---|",
        f"| requests during the outage | {o['during_requests']} | |",
        f"| … 503 problem+json | {o['during_503']} | |",
        f"| … 200 from the response cache | {o['during_200_cached']} | |",
        f"| … anything else | {o['during_bad']} {' '.join(o['during_bad_kinds'])} | 0 |",
        f"| max latency during the outage | {o['during_max_latency_s']:.3f} s | ≤ {OUTAGE_LATENCY_BUDGET:g} s |",
        f"| p99 latency during the outage | {o['during_p99_latency_s']:.3f} s | |",
        f"| requests straddling stop/start (not 200/503) | {o['straddling']} ({o['straddling_bad']}) | (0) |",
        f"| first success after restart | {o['first_success_after_up_s']:.3f} s | |",
        f"| all success from | {o['all_success_after_up_s']:.3f} s after restart | ≤ {RECOVERY_BUDGET:g} s |",
        f"| failures after restart | {o['after_failures']} of {o['after_requests']} "
        f"{' '.join(o['after_failure_kinds'])} | |",
        f"| requests after that point, all successful | {o['after_tail_requests']} | |",
        "",
        "Workers (PIDs under the uvicorn master; state; burned CPU answering a 300-request burst):",
        "",
        *[f"- {key}: same workers {w['same_workers']} {w['workers_after']}, states {w['states']}, "
          f"answered {w['answered']}, burst {w['burst_ok']}"
          for key, w in (("SQLite", r["sqlite_workers"]), ("PostgreSQL after the outage", r["pg_workers"]))],
        f"- processes left after shutdown: {r['leftover_processes'] or 'none'}",
        "",
        "Result: " + ("PASS" if not problems else "FAIL\n\n" + "\n".join(f"- {p}" for p in problems)),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
