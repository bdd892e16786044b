"""Medians of the rounds, the comparison table, the issue's targets, and the Markdown report."""

import statistics
from dataclasses import dataclass

LIST_PAGES = ("measures", "events", "observations")
TARGETS_TEXT = "cold start < 1 s; RSS < 120 MiB; search ≥ 0.25× bare; list pages ≥ 0.5× bare; p99 < 10 ms"


@dataclass
class Run:
    server: str
    endpoint: str
    round: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float  # server CPU per request
    errors: int
    load: float  # 1-minute load average when the run started


@dataclass
class Row:
    server: str
    endpoint: str
    rps: float
    rps_min: float
    rps_max: float
    p50_ms: float
    p99_ms: float
    cpu_us: float
    errors: int
    ratio: float | None  # req/s relative to the bare app on the same (or the equivalent) endpoint


def summarize(runs: list[Run], baseline: dict[str, str]) -> list[Row]:
    """One row per (server, endpoint), in first-seen order; `baseline` maps endpoint → bare endpoint."""
    keys = list(dict.fromkeys((r.server, r.endpoint) for r in runs))
    med = {k: statistics.median(r.rps for r in runs if (r.server, r.endpoint) == k) for k in keys}
    rows = []
    for server, endpoint in keys:
        mine = [r for r in runs if (r.server, r.endpoint) == (server, endpoint)]
        bare = med.get(("bare", baseline.get(endpoint, endpoint)))
        rows.append(Row(
            server, endpoint,
            rps=med[(server, endpoint)], rps_min=min(r.rps for r in mine), rps_max=max(r.rps for r in mine),
            p50_ms=statistics.median(r.p50_ms for r in mine), p99_ms=statistics.median(r.p99_ms for r in mine),
            cpu_us=statistics.median(r.cpu_us for r in mine), errors=sum(r.errors for r in mine),
            ratio=med[(server, endpoint)] / bare if bare else None,
        ))
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| server | endpoint | req/s (median) | req/s min–max | p50 ms | p99 ms | CPU µs/req | × bare | errors |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for r in sorted(rows, key=lambda r: (r.endpoint, r.server)):
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "–"
        lines.append(f"| {r.server} | {r.endpoint} | {r.rps:,.0f} | {r.rps_min:,.0f}–{r.rps_max:,.0f} | "
                     f"{r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.cpu_us:,.0f} | {ratio} | {r.errors} |")
    return "\n".join(lines)


def targets(rows: list[Row], cold_start_ms: float, rss_mib: float, ours: str = "ours") -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each of the issue's targets, judged on our service with the access log off."""
    mine = {r.endpoint: r for r in rows if r.server == ours}
    out = [("cold start to first 200 < 1000 ms", f"{cold_start_ms:.0f} ms", cold_start_ms < 1000),
           ("resident memory after the runs < 120 MiB", f"{rss_mib:.1f} MiB", rss_mib < 120)]
    if "search" in mine and mine["search"].ratio is not None:
        out.append(("search ≥ 0.25× bare", f"{mine['search'].ratio:.2f}×", mine["search"].ratio >= 0.25))
    for name in LIST_PAGES:
        if name in mine and mine[name].ratio is not None:
            out.append((f"list page {name} ≥ 0.5× bare", f"{mine[name].ratio:.2f}×", mine[name].ratio >= 0.5))
    for name, r in mine.items():
        out.append((f"p99 < 10 ms at 32 connections: {name}", f"{r.p99_ms:.2f} ms", r.p99_ms < 10))
    return out


def targets_table(checks: list[tuple[str, str, bool]]) -> str:
    lines = ["| target | measured | |", "|---|--:|---|"]
    lines += [f"| {name} | {value} | {'met' if ok else '**MISSED**'} |" for name, value, ok in checks]
    return "\n".join(lines)


def runs_table(runs: list[Run]) -> str:
    lines = ["| round | server | endpoint | req/s | p50 ms | p99 ms | CPU µs/req | errors | load 1 min |",
             "|--:|---|---|--:|--:|--:|--:|--:|--:|"]
    lines += [f"| {r.round} | {r.server} | {r.endpoint} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
              f"{r.cpu_us:,.0f} | {r.errors} | {r.load:.2f} |" for r in runs]
    return "\n".join(lines)
