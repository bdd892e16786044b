"""Benchmark the read API against a bare FastAPI floor, the idiomatic FastAPI+SQLModel route and Datasette.

One command (see benchmarks/README.md):  python benchmarks/run.py [--record]
Everything runs on 127.0.0.1, stops by itself, and every child process is stopped on the way out.
"""

import argparse
import base64
import datetime
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from harness import Server, fetch, free_port, load_average
from report import TARGETS_TEXT, Run, runs_table, summarize, table, targets, targets_table
from wrkrun import WRK, run_wrk

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
DATASETTE_VENV = RESULTS / ".datasette-venv"
PY = sys.executable


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    revalidate: bool = False  # send If-None-Match with the URL's ETag (expects 304)


ENDPOINTS = [
    Endpoint("measures", "/v1/measures?limit=20"),
    Endpoint("events", "/v1/events"),
    Endpoint("observations", "/v1/indicators/gdp/observations"),
    Endpoint("search", "/v1/search?q=" + quote("执法")),
    Endpoint("detail", "/v1/measures/one-seal-for-approvals"),
    Endpoint("304", "/v1/measures?limit=20", revalidate=True),
]
# The references serve "20 measure rows" their own way; their ratio is to the bare app's measures page.
IDIOMATIC = Endpoint("20 rows", "/measures?limit=20")
# `_shape=array` is the rows alone; the default table JSON also suggests facets (~3× the CPU per request).
DATASETTE = Endpoint("20 rows", "/rf/reform_measure.json?_size=20&_shape=array")
BASELINE = {"20 rows": "measures"}


@dataclass
class Case:
    server: Server
    endpoint: Endpoint
    etag: str | None = None


def main() -> int:
    args = parse_args()
    if not Path(WRK).exists():
        print(f"{WRK} is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    started = time.monotonic()
    load_before = load_average()
    tmp = Path(tempfile.mkdtemp(prefix="rf-bench-"))
    servers: list[Server] = []
    notes: list[str] = []
    try:
        db = tmp / "reform_facts.sqlite3"
        base_env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "LOG_LEVEL": "warning",
                    "ACCESS_LOG": "false", "RATE_LIMIT_PER_MINUTE": "0", "PYTHONPATH": str(REPO)}
        log(f"seeding {db}")
        subprocess.run([PY, "-m", "app", "seed"], cwd=REPO, env=base_env, check=True, timeout=180,
                       stdout=subprocess.DEVNULL)
        cold = [cold_start(base_env, tmp) for _ in range(args.cold_starts)]  # before anything else runs
        log("cold starts (ms): " + ", ".join(f"{c:.0f}" for c in cold))
        cases, datasette_version = start_servers(args, servers, notes, db, base_env, tmp)
        runs = measure(cases, args)
        rss = {s.name: s.rss_mib() for s in servers}
        access_log = tmp / "ours-accesslog.log"
        if access_log.exists():
            notes.append(f"ours+accesslog wrote {access_log.stat().st_size / 2**20:.0f} MiB of access log during "
                         "the runs (ACCESS_LOG=true, LOG_LEVEL=info, stdout redirected to a file).")
        load_after = load_average()
    finally:
        for s in reversed(servers):
            s.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    rows = summarize(runs, BASELINE)
    checks = targets(rows, statistics.median(cold), rss["ours"])
    text = markdown(args, rows, runs, checks, cold, rss, notes, datasette_version, load_before, load_after,
                    time.monotonic() - started)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    if args.record:
        args.record_to.write_text(text)
    log(f"wrote {RESULTS / 'latest.md'}" + (f" and {args.record_to}" if args.record else ""))
    return 0


def start_servers(args: argparse.Namespace, servers: list[Server], notes: list[str], db: Path,
                  env: dict[str, str], tmp: Path) -> tuple[list[Case], str | None]:
    """Start every server (each appended to `servers` at once, for the caller to stop) and list what to measure."""
    serve = [PY, "-m", "app", "serve", "--workers", "1"]
    ours = start(servers, Server("ours", free_port(), serve, env, tmp / "ours.log", REPO), "/v1/meta")
    recorded = record(ours, ENDPOINTS)
    bodies = tmp / "bodies.json"
    bodies.write_text(json.dumps(recorded))
    bare = start(servers, Server("bare", free_port(), [PY, str(HERE / "bare_app.py"), "--bodies", str(bodies)],
                                 env, tmp / "bare.log", REPO), ENDPOINTS[0].url)
    check_same_bytes(bare, recorded)

    def etag(e: Endpoint) -> str | None:
        return recorded[e.url]["etag"] if e.revalidate else None

    cases = [Case(s, e, etag(e)) for e in ENDPOINTS for s in (ours, bare)]
    if args.log_endpoints:
        log_env = {**env, "ACCESS_LOG": "true", "LOG_LEVEL": "info"}
        ours_log = start(servers, Server("ours+accesslog", free_port(), serve, log_env, tmp / "ours-accesslog.log",
                                         REPO), "/v1/meta")
        cases += [Case(ours_log, e, etag(e)) for e in ENDPOINTS if e.name in args.log_endpoints]
    idiomatic = start(servers, Server("idiomatic", free_port(), [PY, str(HERE / "idiomatic_app.py")], env,
                                      tmp / "idiomatic.log", REPO), IDIOMATIC.url)
    check_rows(idiomatic, IDIOMATIC.url, lambda body: body)
    cases.append(Case(idiomatic, IDIOMATIC))
    if not args.datasette:
        return cases, None
    version, case_or_note = start_datasette(servers, db, tmp, args.datasette_python)
    if isinstance(case_or_note, Case):
        cases.append(case_or_note)
    else:
        notes.append(case_or_note)
        log(case_or_note)
    return cases, version


def measure(cases: list[Case], args: argparse.Namespace) -> list[Run]:
    """A warm-up of every case, then rounds: each endpoint on every server in turn, a different order each round."""
    planned = len(cases) * (args.warmup + args.rounds * args.duration) / 60
    log(f"{len(cases)} cases × {args.rounds} rounds × {args.duration} s (+{args.warmup} s warm-up): "
        f"about {planned:.1f} min of wrk")
    for case in cases:
        bench(case, args.warmup, args.connections)
    runs: list[Run] = []
    endpoints = list(dict.fromkeys(c.endpoint.name for c in cases))
    for rnd in range(1, args.rounds + 1):
        for name in endpoints:
            group = [c for c in cases if c.endpoint.name == name]
            shift = rnd % len(group)
            for case in group[shift:] + group[:shift]:
                r = bench(case, args.duration, args.connections, rnd)
                runs.append(r)
                log(f"round {rnd} {r.server:>15} {r.endpoint:<12} {r.rps:9,.0f} req/s  p99 {r.p99_ms:6.2f} ms"
                    f"  {r.cpu_us:6,.0f} µs/req  load {r.load:.1f}" + (f"  {r.errors} ERRORS" if r.errors else ""))
    return runs


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    p.add_argument("--warmup", type=int, default=1, help="seconds of wrk per case before the rounds")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--cold-starts", type=int, default=5)
    p.add_argument("--log-endpoints", default="measures,search,304",
                   help="endpoints also measured with the access log on (comma-separated; empty: none)")
    p.add_argument("--no-datasette", dest="datasette", action="store_false")
    p.add_argument("--datasette-python", default=os.environ.get("BENCH_DATASETTE_PYTHON"),
                   help="a Python with datasette 0.65 (default: this one if it has it, else a venv made in "
                        "benchmarks/results/.datasette-venv)")
    p.add_argument("--record", action="store_true", help="also write the committed copy (--record-to)")
    p.add_argument("--record-to", type=Path, default=HERE / "RESULTS.md",
                   help="where --record writes: RESULTS.md (as deployed) or, with CACHE_MAX_ENTRIES=0 in the "
                        "environment, RESULTS-cold.md (every request a cold page)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs, recorded bodies)")
    args = p.parse_args()
    args.log_endpoints = [e for e in args.log_endpoints.split(",") if e]
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start(servers: list[Server], server: Server, ready_url: str) -> Server:
    server.argv = [*server.argv, "--port", str(server.port)]
    servers.append(server)
    server.start()
    server.wait_ready(ready_url)
    return server


def cold_start(env: dict[str, str], tmp: Path) -> float:
    """Milliseconds from spawning `python -m app serve` to its first 200 on /v1/meta."""
    server = Server("cold", free_port(), [PY, "-m", "app", "serve", "--workers", "1"], env, tmp / "cold.log", REPO)
    server.argv += ["--port", str(server.port)]
    try:
        started = time.perf_counter()
        server.start()
        server.wait_ready("/v1/meta", interval=0.002)
        return (time.perf_counter() - started) * 1000
    finally:
        server.stop()


def record(server: Server, endpoints: list[Endpoint]) -> dict[str, dict[str, str]]:
    """Our service's answer to each URL (checked: 200, and 304 on revalidation), for the bare app to replay."""
    recorded = {}
    for e in endpoints:
        r = fetch(server.port, e.url)
        if r.status != 200 or "etag" not in r.headers:
            raise RuntimeError(f"{e.url} answered {r.status} (headers {r.headers}); cannot benchmark it")
        recorded[e.url] = {"body": base64.b64encode(r.body).decode(), "content_type": r.headers["content-type"],
                           "etag": r.headers["etag"]}
        if e.revalidate:
            again = fetch(server.port, e.url, {"If-None-Match": r.headers["etag"]})
            if again.status != 304:
                raise RuntimeError(f"{e.url} with If-None-Match answered {again.status}, not 304")
    return recorded


def check_same_bytes(bare: Server, recorded: dict[str, dict[str, str]]) -> None:
    for url, r in recorded.items():
        got = fetch(bare.port, url)
        if got.body != base64.b64decode(r["body"]) or got.headers["content-type"] != r["content_type"]:
            raise RuntimeError(f"the bare app does not replay {url} byte for byte")
        if fetch(bare.port, url, {"If-None-Match": r["etag"]}).status != 304:
            raise RuntimeError(f"the bare app does not answer 304 on {url}")


def check_rows(server: Server, url: str, rows_of) -> None:
    r = fetch(server.port, url)
    rows = rows_of(json.loads(r.body)) if r.status == 200 else None
    if not isinstance(rows, list) or len(rows) != 20:
        raise RuntimeError(f"{server.name} {url} answered {r.status} without 20 rows")


def start_datasette(servers: list[Server], db: Path, tmp: Path, python: str | None) -> tuple[str | None, Case | str]:
    """(version, case to measure) or (None, why Datasette is left out)."""
    try:
        python = python or datasette_python()
        version = subprocess.run([python, "-c", "import datasette.version as v; print(v.__version__)"],
                                 capture_output=True, text=True, check=True, timeout=60).stdout.strip()
        copy = tmp / "rf.db"  # its own file, in rollback-journal mode: immutable readers ignore a WAL
        with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        server = start(servers, Server("datasette", free_port(), [python, str(HERE / "datasette_app.py"), "--db",
                                                                  str(copy)], dict(os.environ), tmp / "datasette.log",
                                       REPO), DATASETTE.url)
        check_rows(server, DATASETTE.url, lambda body: body)
        return version, Case(server, DATASETTE)
    except Exception as exc:  # Datasette is a reference, not the subject: say why and go on
        return None, f"Datasette left out: {type(exc).__name__}: {exc}"


def datasette_python() -> str:
    probe = "import datasette.version as v; assert v.__version__.startswith('0.65')"
    if subprocess.run([PY, "-c", probe], capture_output=True, timeout=60).returncode == 0:
        return PY
    venv_python = DATASETTE_VENV / "bin" / "python"
    if not venv_python.exists() or subprocess.run([str(venv_python), "-c", probe], capture_output=True,
                                                  timeout=60).returncode != 0:
        log(f"installing datasette 0.65 into {DATASETTE_VENV}")
        subprocess.run([PY, "-m", "venv", str(DATASETTE_VENV)], check=True, timeout=120)
        # The same event loop and HTTP parser as our service, so the servers differ only in the app.
        same_stack = [f"{name}=={metadata.version(name)}" for name in ("uvloop", "httptools")]
        pip = subprocess.run([str(venv_python), "-m", "pip", "install", "-q", "datasette>=0.65,<0.66", *same_stack],
                             capture_output=True, text=True, timeout=300)
        if pip.returncode != 0:
            raise RuntimeError("pip install datasette failed: " + pip.stderr.strip().splitlines()[-1])
    return str(venv_python)


def bench(case: Case, duration: int, connections: int, rnd: int = 0) -> Run:
    env = {**os.environ, "BENCH_ETAG": case.etag} if case.etag else None
    script = HERE / "not_modified.lua" if case.etag else None
    load = load_average().split()[0]
    cpu_before = case.server.cpu_seconds()
    w = run_wrk(f"http://127.0.0.1:{case.server.port}{case.endpoint.url}", duration, connections, script, env)
    cpu = case.server.cpu_seconds() - cpu_before
    return Run(case.server.name, case.endpoint.name, rnd, w.rps, w.p50_ms, w.p99_ms,
               cpu / max(w.requests, 1) * 1e6, w.errors, float(load))


def markdown(args, rows, runs, checks, cold, rss, notes, datasette_version, load_before, load_after,
             elapsed) -> str:
    git = lambda *a: subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True).stdout.strip()
    dirty = len(git("status", "--porcelain", "--", "app", "migrations").splitlines())
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "?")
    versions = ", ".join(f"{n} {metadata.version(n)}" for n in
                         ("fastapi", "starlette", "uvicorn", "sqlmodel", "sqlalchemy", "pydantic", "uvloop",
                          "httptools"))
    if datasette_version:
        versions += f", datasette {datasette_version}"
    endpoints = "; ".join(f"{e.name} `{e.url}`" + (" + If-None-Match" if e.revalidate else "") for e in ENDPOINTS)
    parts = [
        "# Reform Facts — benchmark",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}; run took {elapsed / 60:.1f} min",
        f"- machine: nproc {os.cpu_count()}, {cpu_model}, Linux {platform.release()}, "
        f"Python {platform.python_version()}",
        f"- load average (1/5/15 min): before {load_before}, after {load_after}; 1-min load when each run started: "
        f"median {statistics.median(r.load for r in runs):.2f}, max {max(r.load for r in runs):.2f} "
        f"(on {os.cpu_count()} cores; above ~0.5 others were using the machine and the numbers are noisy)",
        f"- code: {git('rev-parse', '--short', 'HEAD')}" + (f" with {dirty} uncommitted file(s) under app/ "
                                                           "and migrations/" if dirty else ""),
        f"- versions: {versions}",
        f"- method: `wrk -t1 -c{args.connections} --latency`, {args.rounds} interleaved rounds × "
        f"{args.duration} s per server and endpoint after a {args.warmup} s warm-up; one uvicorn worker each; "
        "medians over the rounds; CPU = utime+stime of the server process tree from /proc per request",
        f"- servers: **ours** = `python -m app serve --workers 1` (LOG_LEVEL=warning, ACCESS_LOG=false) on a seeded "
        "SQLite file; **ours+accesslog** = the same with ACCESS_LOG=true; **bare** = benchmarks/bare_app.py "
        "replaying ours' bytes; **idiomatic** = benchmarks/idiomatic_app.py (def route + response_model, "
        "20 rows); **datasette** = benchmarks/datasette_app.py (immutable copy, "
        f"`{DATASETTE.url}`)",
        f"- endpoints: {endpoints}",
        "- response cache: " + ("**off** (`CACHE_MAX_ENTRIES=0`): every request of ours is a cold page"
                                if os.environ.get("CACHE_MAX_ENTRIES") == "0" else "on (as deployed)"),
        "",
        "## Results",
        "",
        table(rows),
        "",
        f"## Targets ({TARGETS_TEXT})",
        "",
        targets_table(checks),
        "",
        "The issue's reference figures (same method, quiet machine): bare FastAPI returning precomputed bytes "
        "~15,800 req/s (~63 µs CPU/request); idiomatic FastAPI+SQLModel def route + response_model, 20 rows "
        "~770 req/s; Datasette 0.65, the same 20 rows as JSON, ~665 req/s.",
        "",
        f"- cold start to first 200 on /v1/meta (ms, already-seeded SQLite): "
        f"{', '.join(f'{c:.0f}' for c in cold)} → median {statistics.median(cold):.0f}",
        "- resident memory after the runs (VmRSS, MiB): " + ", ".join(f"{k} {v:.1f}" for k, v in rss.items()),
    ]
    if notes:
        parts += ["", "## Notes", "", *[f"- {n}" for n in notes]]
    parts += ["", "<details><summary>Every run</summary>", "", runs_table(runs), "", "</details>", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
