"""Readers at full speed while a writer publishes one fact a second, against a real server.

    python benchmarks/mixed.py [--duration 20] [--rounds 2] [--workers 1] [--record]

Seeds a temporary SQLite file, makes a writer and a reviewer key (`python -m app keys create`), starts
`python -m app serve`, then runs wrk (`-t1 -c32`, alternating a list page and one measure) in interleaved
rounds: alone, and while this script publishes an update of that measure every second through the API (GET for
the ETag, propose with If-Match, approve, publish). After each publish it polls the measure until the new text is served
and records how long that took: a process notices a new dataset version at most VERSION_CHECK_INTERVAL seconds
after it, so that (plus a margin) is the bound. Prints reader req/s and latency with and without the writer,
their ratio, the readers' errors (must be 0) and the staleness; --record writes them to RESULTS-curation.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from curation import percentile, record_section
from harness import Server, free_port, load_average
from wrkrun import WrkResult, run_wrk

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
LIST_URL = "/v1/measures?limit=20"
SLUG = "one-seal-for-approvals"
ITEM_URL = f"/v1/measures/{SLUG}"
# Staleness is measured to this resolution. Polling every 10 ms on new connections was itself ~80 requests and
# connections a publish on a 2-core machine, a load the readers' figures then counted against the writer.
POLL_INTERVAL = 0.05
STALENESS_MARGIN = 0.5  # seconds beyond the version check interval: a loaded server answers the poll late
IDENTITY = {"Accept-Encoding": "identity"}


@dataclass
class WriterLog:
    publish_ms: list[float] = field(default_factory=list)
    staleness_s: list[float] = field(default_factory=list)
    refused: int = 0  # 412s (a cached GET older than the last publish)
    published: int = 0  # over all rounds, so each publish's marker is new
    errors: list[str] = field(default_factory=list)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per run (default 20)")
    parser.add_argument("--rounds", type=int, default=2, help="alone/with-writer pairs, interleaved (default 2)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1, as run.py)")
    parser.add_argument("--record", action="store_true", help="write the figures to RESULTS-curation.md")
    args = parser.parse_args()
    interval = float(os.environ.get("VERSION_CHECK_INTERVAL", "1.0"))
    with tempfile.TemporaryDirectory(prefix="rf-mixed-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/mixed.sqlite3", "LOG_LEVEL": "warning",
               "ACCESS_LOG": "false", "RATE_LIMIT_PER_MINUTE": "0", "PYTHONPATH": str(REPO),
               # the writer key proposes and publishes each second: 120 writes a minute, past the default 60
               "WRITE_RATE_LIMIT_PER_MINUTE": "600"}
        subprocess.run([PY, "-m", "app", "seed"], cwd=REPO, env=env, check=True, timeout=300,
                       stdout=subprocess.DEVNULL)
        writer = cli_key(env, "mixed-writer", "propose,publish")
        reviewer = cli_key(env, "mixed-reviewer", "review")
        port = free_port()
        server = Server("ours", port, [PY, "-m", "app", "serve", "--workers", str(args.workers), "--port", str(port)],
                        env, Path(tmp) / "serve.log", REPO)
        script = Path(tmp) / "alternate.lua"
        script.write_text(ALTERNATE_LUA)
        try:
            server.start()
            server.wait_ready(ITEM_URL)
            base = f"http://127.0.0.1:{server.port}"
            run_wrk(base + LIST_URL, 2, script=script)  # warm-up
            load_before = load_average()
            log = WriterLog()
            alone, mixed = [], []
            cpu: dict[str, list[tuple[float, float]]] = {"alone": [], "mixed": []}  # (server, this script) CPU s
            for _ in range(args.rounds):
                before = (process_tree_cpu(server.proc.pid), time.process_time())
                alone.append(run_wrk(base + LIST_URL, args.duration, script=script))
                cpu["alone"].append((process_tree_cpu(server.proc.pid) - before[0], time.process_time() - before[1]))
                stop = threading.Event()
                thread = threading.Thread(target=write_every_second,
                                          args=(base, writer, reviewer, interval, log, stop))
                before = (process_tree_cpu(server.proc.pid), time.process_time())
                thread.start()
                try:
                    mixed.append(run_wrk(base + LIST_URL, args.duration, script=script))
                finally:
                    stop.set()
                    thread.join(timeout=30)
                cpu["mixed"].append((process_tree_cpu(server.proc.pid) - before[0], time.process_time() - before[1]))
            load_after = load_average()
            server_log = server.log.read_text(errors="replace")
        finally:
            server.stop()
    text = report(args, alone, mixed, log, interval, load_before, load_after, server_log, cpu)
    print(text)
    if args.record:
        options = {"--duration": (args.duration, 20), "--rounds": (args.rounds, 2), "--workers": (args.workers, 1)}
        command = " ".join(["python benchmarks/mixed.py"] + [f"{name} {value}" for name, (value, default)
                                                             in options.items() if value != default])
        record_section("mixed.py SQLite", command, text)
    bad = any(run.errors for run in alone + mixed) or log.errors or not log.staleness_s \
        or max(log.staleness_s) > interval + STALENESS_MARGIN
    return 1 if bad else 0


# One wrk connection's requests alternate between the list page and the measure.
ALTERNATE_LUA = f"""
local paths = {{"{LIST_URL}", "{ITEM_URL}"}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[i % 2 + 1])
end
"""


def cli_key(env: dict[str, str], name: str, scopes: str) -> dict[str, str]:
    done = subprocess.run([PY, "-m", "app", "keys", "create", "--name", name, "--scopes", scopes], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True, timeout=60)
    return {"Authorization": f"Bearer {done.stdout.strip().splitlines()[-1]}"}


def write_every_second(base: str, writer: dict[str, str], reviewer: dict[str, str], interval: float,
                       log: WriterLog, stop: threading.Event) -> None:
    """Publish an update of the measure once a second until `stop`; after each, time until it is served."""
    # Polls go on new connections, so that with several workers any of them may answer; one client without
    # keep-alive does that (httpx.get builds a whole client, SSL context included, per call: ~4 s of CPU a
    # round on the 2 cores the server needs).
    with httpx.Client(base_url=base, timeout=10.0) as client, \
            httpx.Client(base_url=base, timeout=10.0, limits=httpx.Limits(max_keepalive_connections=0)) as poller:
        got = client.get(ITEM_URL, headers=IDENTITY)
        original = got.json()["summary"]["en"].split(" [mixed ")[0]
        while not stop.is_set():
            tick = time.monotonic()
            i = log.published + 1
            document = got.json()
            document["summary"]["en"] = f"{original} [mixed {i}]"
            proposed = client.post("/v1/proposals", headers={**writer, "If-Match": got.headers["etag"]},
                                   json={"kind": "measure", "operation": "update", "slug": SLUG,
                                         "document": document, "comment": f"mixed run {i}"})
            if proposed.status_code == 412:  # our last poll saw a process that had not yet caught up
                log.refused += 1
                got = client.get(ITEM_URL, headers=IDENTITY)
                continue
            if proposed.status_code != 201:
                log.errors.append(f"propose {proposed.status_code}: {proposed.text[:300]}")
                return
            proposal = proposed.json()["id"]
            approved = client.post(f"/v1/proposals/{proposal}/reviews", headers=reviewer, json={"decision": "approve"})
            began = time.monotonic()
            published = client.post(f"/v1/proposals/{proposal}/publish", headers=writer)
            done = time.monotonic()
            if approved.status_code != 201 or published.status_code != 200:
                log.errors.append(f"review {approved.status_code}, publish {published.status_code}: "
                                  f"{published.text[:300]}")
                return
            log.publish_ms.append((done - began) * 1e3)
            log.published = i
            limit = done + interval + STALENESS_MARGIN + 2.0
            while time.monotonic() < limit:
                got = poller.get(ITEM_URL, headers=IDENTITY)
                if got.json()["summary"]["en"].endswith(f"[mixed {i}]"):
                    log.staleness_s.append(time.monotonic() - done)
                    break
                time.sleep(POLL_INTERVAL)
            else:
                log.errors.append(f"publish {i}: still not served after {limit - done:.1f} s")
                return
            stop.wait(max(0.0, 1.0 - (time.monotonic() - tick)))


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and every process below it (uvicorn's workers)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += stats.get(current, 0.0)
        pending += children.get(current, [])
    return total


def report(args: argparse.Namespace, alone: list[WrkResult], mixed: list[WrkResult], log: WriterLog,
           interval: float, load_before: str, load_after: str, server_log: str,
           cpu: dict[str, list[tuple[float, float]]]) -> str:
    bound = interval + STALENESS_MARGIN
    stale = log.staleness_s or [float("nan")]
    publish = (f"p50 {statistics.median(log.publish_ms):.0f} ms, max {max(log.publish_ms):.0f} ms"
               if log.publish_ms else "none")
    errors = f" ({'; '.join(log.errors)})" if log.errors else ""
    verdict = "met" if max(stale) <= bound else "MISSED"

    def median(runs: list[WrkResult], name: str) -> float:
        return statistics.median(getattr(run, name) for run in runs)

    rows = [f"| {label} {n} | {run.rps:,.0f} | {run.p50_ms:.2f} | {run.p99_ms:.2f} | {run.errors} |"
            for n, pair in enumerate(zip(alone, mixed, strict=True), 1)
            for label, run in zip(("readers alone, round", "readers + 1 publish/s, round"), pair, strict=True)]
    lines = [
        (f"- server: `python -m app serve --workers {args.workers}` on a seeded SQLite file; readers: "
         f"`wrk -t1 -c32 -d{args.duration}s`, each connection alternating `{LIST_URL}` and `{ITEM_URL}`; "
         f"{args.rounds} interleaved rounds"),
        f"- load average before {load_before}, after {load_after} (2 cores; above ~0.5 others were using the machine)",
        "",
        "| run | reader req/s | p50 ms | p99 ms | reader errors (non-2xx/3xx, socket) |",
        "|---|--:|--:|--:|--:|",
        *rows,
        (f"| **median ratio** (with writer / alone) | **{median(mixed, 'rps') / median(alone, 'rps'):.2f}** | "
         f"{median(mixed, 'p50_ms') / median(alone, 'p50_ms'):.2f} | "
         f"{median(mixed, 'p99_ms') / median(alone, 'p99_ms'):.2f} | "
         f"{sum(run.errors for run in alone + mixed)} |"),
        "",
        (f"- CPU per round, median (server; this script, i.e. the writer's client and poller): readers alone "
         f"{statistics.median(c[0] for c in cpu['alone']):.1f} s; {statistics.median(c[1] for c in cpu['alone']):.1f} s, "
         f"with the writer {statistics.median(c[0] for c in cpu['mixed']):.1f} s; "
         f"{statistics.median(c[1] for c in cpu['mixed']):.1f} s, of {args.duration} s; server CPU per 1,000 reads: "
         f"alone {per_thousand(alone, cpu['alone']):.0f} ms, with the writer {per_thousand(mixed, cpu['mixed']):.0f} ms"),
        (f"- writer: {len(log.publish_ms)} publishes; publish call under read load {publish}; "
         f"412s {log.refused}; writer errors {len(log.errors)}{errors}"),
        (f"- staleness (publish answered → the measure serves the new text): p50 {statistics.median(stale):.2f} s, "
         f"p95 {percentile(stale, 0.95):.2f} s, max {max(stale):.2f} s; bound: VERSION_CHECK_INTERVAL {interval:g} s "
         f"+ {STALENESS_MARGIN:g} s margin = {bound:g} s: {verdict}"),
    ]
    if "Traceback" in server_log:
        lines.append("- the server logged a Traceback (see its log)")
    return "\n".join(lines)


def per_thousand(runs: list[WrkResult], cpu: list[tuple[float, float]]) -> float:
    """Server CPU milliseconds per 1,000 reader requests, over the rounds."""
    return 1e6 * sum(c[0] for c in cpu) / max(1, sum(run.requests for run in runs))


if __name__ == "__main__":
    sys.exit(main())
