"""Measures the API on the synthetic scale database: server-side p50/p95 and throughput per case, and plans.

Starts `python -m app serve` against the scale database (AUTO_SEED=false, so the real seed never
goes into it and the stored documents are served as generated; CACHE_MAX_ENTRIES=0, so every request
takes the database path; WORKERS=1, one uvicorn process), sends each case sequentially, and reads each
request's server-side duration from the app's JSON access log (matched by X-Request-ID). Then `wrk`
drives each case with several connections for a few seconds against that one worker (req/s per worker).
Then it replays one request per case in-process with every SQL statement recorded, runs
EXPLAIN (ANALYZE, BUFFERS) on each, and adds a dated section (with the git commit) to RESULTS.md,
keeping the earlier sections.

    python benchmarks/scale/measure.py [--database-url URL] [--requests 200] [--wrk-seconds 5]
"""

import argparse
import datetime as dt
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import orjson  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402

from app.api.pagination import encode_cursor, parse_sort  # noqa: E402
from app.observations.params import OBSERVATION, ObservationParams  # noqa: E402

OBSERVATION_SORTABLE = {name: OBSERVATION.c[column] for name, column in ObservationParams.SORTABLE.items()}

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/reform_facts_scale"
DEEP_PAGES = 10_000
DEEP_LIMIT = 50
DEEP_FILTERED_LIMIT = 10  # one indicator has 111,600 observations: 10,000 pages of 10
# The target for the read model's list pages (marked `target` in choose_cases).
TARGET_P50_MS = 3.0
TARGET_RPS = 1_000


def server_env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "AUTO_SEED": "false", "CACHE_MAX_ENTRIES": "0",
            "ACCESS_LOG": "true", "LOG_LEVEL": "info", "RATE_LIMIT_PER_MINUTE": "0", "WORKERS": "1"}


def deep_cursor(engine, path: str, sort: str, limit: int, where: str = "",
                params: dict | None = None) -> tuple[str, dict]:
    """A cursor for the last row of page DEEP_PAGES, built from that row exactly as the API would build it.

    Walking links.next 10,000 times would take 10,000 requests to reach the same place; the cursor is
    the same bytes either way (sort values of the page's last row + its id), so the request under test
    is identical. The row after it (OFFSET DEEP_PAGES × limit) is returned to check the page's start.
    """
    keys = parse_sort(sort, OBSERVATION_SORTABLE, "period,slug")
    order = ", ".join(f"{k.column.key} {'DESC' if k.descending else 'ASC'}" for k in keys) + ", id ASC"
    offset = DEEP_PAGES * limit - 1
    with engine.connect() as c:
        rows = c.execute(text(f"SELECT {', '.join(k.column.key for k in keys)}, id, slug FROM observation {where} "
                              f"ORDER BY {order} OFFSET :o LIMIT 2"), {"o": offset, **(params or {})}).all()
    last, first_of_next = rows
    cursor = encode_cursor(path, keys, list(last[: len(keys)]), last[len(keys)])
    return cursor, {"expected_first_slug": first_of_next[-1]}


def choose_cases(engine) -> list[dict]:
    with engine.connect() as c:
        place = c.execute(text("SELECT slug, name_zh, name_en FROM place WHERE level = 'county_level_city' "
                               "ORDER BY id OFFSET (SELECT count(*) / 2 FROM place WHERE level = 'county_level_city') "
                               "LIMIT 1")).one()
        # A place name's two characters: a typical "find this county" search.
        word_zh, word_en = place.name_zh[:2], place.name_en.split()[0].lower()
        cursor_all, check_all = deep_cursor(engine, "/v1/observations", "period,slug", DEEP_LIMIT)
        cursor_ind, check_ind = deep_cursor(
            engine, "/v1/observations", "period,slug", DEEP_FILTERED_LIMIT,
            "WHERE indicator_id = (SELECT id FROM indicator WHERE code = :code)", {"code": "gdp-all"})
    cases = [
        ("time series: one place, one indicator", "/v1/indicators/gdp-all/observations",
         {"place": place.slug, "limit": 50}, None),
        (FILTERED_CASE, "/v1/observations", {"indicator": "gdp-all", "period": "2020-H1", "limit": 50}, None),
        ("filtered page: events by category + date_from", "/v1/events",
         {"category": "reform", "date_from": "2015-01-01", "limit": 50}, None),
        (deep_case(), "/v1/observations", {"limit": DEEP_LIMIT, "cursor": cursor_all}, check_all),
        (f"deep page: indicator=gdp-all, page {DEEP_PAGES + 1} by cursor", "/v1/observations",
         {"indicator": "gdp-all", "limit": DEEP_FILTERED_LIMIT, "cursor": cursor_ind}, check_ind),
        (f"search: Chinese 2-char place name '{word_zh}'", "/v1/search", {"q": word_zh, "limit": 20}, None),
        ("search: Chinese 2-char word '审批' (approval; ~1/12 of measures)", "/v1/search",
         {"q": "审批", "limit": 20}, None),
        (f"search: English word '{word_en}' (a place name)", "/v1/search", {"q": word_en, "limit": 20}, None),
        ("search: English word 'homestead' (~1/12 of measures)", "/v1/search", {"q": "homestead", "limit": 20},
         None),
    ]
    return [{"name": name, "url": f"{path}?{urlencode(params)}", "check": check,
             "target": name in (FILTERED_CASE, deep_case())} for name, path, params, check in cases]


FILTERED_CASE = "filtered page: indicator + period"


def deep_case() -> str:
    return f"deep page: /v1/observations, page {DEEP_PAGES + 1} by cursor"


def start_server(url: str, port: int, log_path: Path) -> subprocess.Popen:
    env = server_env(url)
    subprocess.run([sys.executable, "-m", "app", "migrate"], cwd=REPO, env=env, check=True)
    log = log_path.open("wb")
    process = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port)], cwd=REPO, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/meta", timeout=2).status_code < 500:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"server exited; see {log_path}")
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("server did not become ready")


def run_cases(cases: list[dict], port: int, n: int, warmup: int) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        for case_no, case in enumerate(cases):
            first = client.get(case["url"], headers={"X-Request-ID": f"c{case_no}-cold"})
            first.raise_for_status()
            body = first.json()
            case["total"], case["count"] = body["meta"]["total"], body["meta"]["count"]
            if case["check"]:
                got = body["data"][0]["slug"]
                want = case["check"]["expected_first_slug"]
                case["check_ok"] = got == want
                if got != want:
                    print(f"  ! {case['name']}: first row {got}, expected {want}")
            for i in range(warmup):
                client.get(case["url"], headers={"X-Request-ID": f"c{case_no}-w{i}"})
            wall: list[float] = []
            for i in range(n):
                began = time.perf_counter()
                client.get(case["url"], headers={"X-Request-ID": f"c{case_no}-{i}"}).raise_for_status()
                wall.append((time.perf_counter() - began) * 1000)
            case["client_ms"] = wall
            print(f"  {case['name']}: client p50 {statistics.median(wall):.1f} ms", flush=True)


def run_throughput(cases: list[dict], port: int, wrk: str, seconds: int, connections: int, threads: int) -> None:
    """req/s per case with `wrk` against the one worker: `connections` keep-alive connections for `seconds`.

    wrk sends the headers the sequential client sends (Accept, Accept-Encoding), so both measure the same
    responses. Any non-2xx answer or socket error is recorded with the figure (and makes it suspect).
    """
    with httpx.Client() as client:  # its default headers, which run_cases sent
        headers = [arg for name in ("Accept", "Accept-Encoding") for arg in ("-H", f"{name}: {client.headers[name]}")]
    for case in cases:
        command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *headers,
                   f"http://127.0.0.1:{port}{case['url']}"]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        case["wrk"] = parse_wrk(out)
        errors = case["wrk"]["non_2xx"] + case["wrk"]["socket_errors"]
        print(f"  {case['name']}: {case['wrk']['rps']:,.0f} req/s ({connections} connections, {seconds} s"
              f"{f'; {errors} errors' if errors else ''})", flush=True)


def parse_wrk(out: str) -> dict:
    def latency_ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    percentiles = {m.group(1): latency_ms(m.group(2))
                   for m in re.finditer(r"^\s+(50|90|99)%\s+(\S+)$", out, re.MULTILINE)}
    return {"rps": rps, "requests": requests, "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": sum(int(x) for x in socket.groups()) if socket else 0,
            "p50_ms": percentiles.get("50"), "p99_ms": percentiles.get("99")}


def server_durations(log_path: Path, cases: list[dict]) -> None:
    durations: dict[str, float] = {}
    for raw in log_path.read_bytes().splitlines():
        if raw.startswith(b"{"):
            entry = orjson.loads(raw)
            if "duration_ms" in entry and "request_id" in entry:
                durations[entry["request_id"]] = entry["duration_ms"]
    for case_no, case in enumerate(cases):
        case["server_ms"] = [v for k, v in durations.items() if k.startswith(f"c{case_no}-")
                             and k.split("-")[1].isdigit()]
        case["cold_ms"] = durations.get(f"c{case_no}-cold")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def capture_plans(url: str, cases: list[dict]) -> None:
    """Replay each case in-process, record its SQL, and EXPLAIN (ANALYZE, BUFFERS) every statement."""
    os.environ.update({k: v for k, v in server_env(url).items() if k.isupper()})
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    app = create_app(Settings(database_url=url, auto_seed=False, cache_max_entries=0, access_log=False))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    explain_engine = create_engine(url)
    with TestClient(app) as client:
        statements: list[tuple[str, object]] = []

        def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            if statement.lstrip().upper().startswith("SELECT") and statement.strip() != "SELECT 1":
                statements.append((statement, parameters))

        event.listen(app.state.engine, "before_cursor_execute", record)
        for case in cases:
            client.get(case["url"])  # warm
            statements.clear()
            client.get(case["url"]).raise_for_status()
            case["plans"] = []
            with explain_engine.connect() as c:
                for statement, parameters in statements:
                    plan = c.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).scalars().all()
                    c.rollback()
                    case["plans"].append((statement, parameters, "\n".join(plan)))
        event.remove(app.state.engine, "before_cursor_execute", record)
    explain_engine.dispose()


def execution_ms(plan: str) -> float:
    for row in plan.splitlines():
        if row.startswith("Execution Time:"):
            return float(row.split()[2])
    return float("nan")


def code_state() -> str:
    """The commit measured, and whether the app's code in the working tree differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()

    commit = git("rev-parse", "--short=10", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "app", "migrations", "pyproject.toml").splitlines()
    if changed:
        files = ", ".join(entry[3:] for entry in changed[:6]) + (" …" if len(changed) > 6 else "")
        return f"commit {commit} + uncommitted changes to {len(changed)} file(s): {files}"
    return f"commit {commit}"


def write_results(path: Path, cases: list[dict], run: dict) -> None:
    """Add this run's section to RESULTS.md, above the earlier ones (which stay as history)."""
    n, wrk = run["requests"], run["wrk"]
    method = (
        f"Against `{run['url']}`; {n} sequential requests per case after warm-up, then `wrk` "
        f"({wrk['connections']} connections, {wrk['threads']} thread, {wrk['seconds']} s per case) against the "
        "same single app worker (one uvicorn process, WORKERS=1); response cache off (CACHE_MAX_ENTRIES=0), "
        "access log on. *server* = the app's own `duration_ms` (access log, whole ASGI stack); *client* = wall "
        "time on localhost; *cold* = the first request of the case (its count not yet cached); *SQL* = sum of "
        "the statements' EXPLAIN ANALYZE execution times for one request; *req/s* = wrk's requests per second "
        "for the one worker, *wrk p50/p99* its latencies under that load. Load average (1 min) before / after: "
        f"{run['load_before']:.2f} / {run['load_after']:.2f} on {os.cpu_count()} CPUs.")
    header = ("| case | total | server p50 | server p95 | client p50 | cold | SQL (EXPLAIN ANALYZE) "
              "| req/s (1 worker) | wrk p50 / p99 |")
    lines = [f"## {run['started']:%Y-%m-%d %H:%M} UTC, {run['code']}: {run['label']}", "", method, "", header,
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for case in cases:
        sql_ms = sum(execution_ms(p) for _, _, p in case.get("plans", []))
        check = "" if case.get("check_ok") in (None, True) else " **(first row WRONG)**"
        lines.append(
            f"| {case['name']}{check} | {case['total']:,} | {statistics.median(case['server_ms']):.1f} ms | "
            f"{pct(case['server_ms'], 0.95):.1f} ms | {statistics.median(case['client_ms']):.1f} ms | "
            f"{case['cold_ms']:.1f} ms | {sql_ms:.1f} ms | {throughput_cell(case)} | {wrk_latency_cell(case)} |")
    targets = [case for case in cases if case["target"]]
    if targets:
        lines += ["", f"Target (the issue): server p50 ≤ {TARGET_P50_MS:g} ms and ≥ {TARGET_RPS:,} req/s per worker.",
                  "", "| case | server p50 | req/s (1 worker) | met |", "|---|---:|---:|---|"]
        for case in targets:
            p50 = statistics.median(case["server_ms"])
            rps = case.get("wrk", {}).get("rps")
            if rps is None:
                verdict = f"p50 {'yes' if p50 <= TARGET_P50_MS else 'no'}; req/s not measured"
            else:
                verdict = "yes" if p50 <= TARGET_P50_MS and rps >= TARGET_RPS and not wrk_errors(case) else "no"
            lines.append(f"| {case['name']} | {p50:.1f} ms | {throughput_cell(case)} | {verdict} |")
    lines += ["", "Requests:", ""]
    lines += [f"- {case['name']}: `{case['url'][:160]}{'…' if len(case['url']) > 160 else ''}`" for case in cases]
    lines += ["", "### Query plans", ""]
    for case in cases:
        lines += [f"#### {case['name']}", ""]
        for statement, parameters, plan in case.get("plans", []):
            lines += ["<details><summary>" + f"{execution_ms(plan):.2f} ms — " +
                      " ".join(statement.split())[:140].replace("<", "&lt;") + "</summary>", "",
                      "```sql", statement.strip(), f"-- parameters: {parameters}", "```", "", "```",
                      plan, "```", "", "</details>", ""]
    section = "\n".join(lines) + "\n"
    old = path.read_text() if path.exists() else "# Scale results\n\n"
    first = re.search(r"^## ", old, re.MULTILINE)  # the newest section goes first, below the file's introduction
    at = first.start() if first else len(old)
    path.write_text(old[:at] + section + "\n" + old[at:])


def wrk_errors(case: dict) -> int:
    return case["wrk"]["non_2xx"] + case["wrk"]["socket_errors"] if "wrk" in case else 0


def throughput_cell(case: dict) -> str:
    if "wrk" not in case:
        return "–"
    errors = wrk_errors(case)
    return f"{case['wrk']['rps']:,.0f}" + (f" (**{errors} errors**)" if errors else "")


def wrk_latency_cell(case: dict) -> str:
    w = case.get("wrk")
    if not w or w["p50_ms"] is None:
        return "–"
    return f"{w['p50_ms']:.1f} / {w['p99_ms']:.1f} ms"


def main() -> int:
    global DEEP_PAGES
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--deep-pages", type=int, default=DEEP_PAGES, help="how deep the cursor cases start")
    parser.add_argument("--wrk-seconds", type=int, default=5, help="wrk run per case; 0 skips throughput")
    parser.add_argument("--wrk-connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--label", default="Results")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if args.wrk_seconds and not wrk:
        raise SystemExit("wrk is not installed (apt-get install -y wrk), or pass --wrk-seconds 0")
    started, load_before, code = dt.datetime.now(dt.UTC), os.getloadavg()[0], code_state()
    if load_before > 0.5:
        print(f"warning: load average {load_before:.2f}: the machine is not quiet, figures will be noisy", flush=True)
    DEEP_PAGES = args.deep_pages
    engine = create_engine(args.database_url)
    cases = choose_cases(engine)
    engine.dispose()
    log_path = Path(f"/tmp/reform-facts-scale-serve-{args.port}.log")
    print(f"starting the app on port {args.port} (log: {log_path})", flush=True)
    process = start_server(args.database_url, args.port, log_path)
    try:
        run_cases(cases, args.port, args.requests, args.warmup)
        if args.wrk_seconds:
            print(f"throughput: wrk, {args.wrk_connections} connections, {args.wrk_seconds:g} s per case", flush=True)
            run_throughput(cases, args.port, wrk, args.wrk_seconds, args.wrk_connections, args.wrk_threads)
    finally:
        process.terminate()
        process.wait(timeout=30)
    server_durations(log_path, cases)
    print("capturing query plans", flush=True)
    capture_plans(args.database_url, cases)
    run = {"requests": args.requests, "url": args.database_url, "label": args.label, "started": started,
           "code": code, "load_before": load_before, "load_after": os.getloadavg()[0],
           "wrk": {"connections": args.wrk_connections, "threads": args.wrk_threads, "seconds": args.wrk_seconds}}
    write_results(args.out, cases, run)
    for case in cases:
        print(f"{case['name']:70} total {case['total']:>9,}  server p50 {statistics.median(case['server_ms']):6.1f}"
              f"  p95 {pct(case['server_ms'], 0.95):6.1f}  cold {case['cold_ms']:7.1f} ms  "
              f"{throughput_cell(case):>8} req/s")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
