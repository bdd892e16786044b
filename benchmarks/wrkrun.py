"""Run wrk (-t1 -c32 --latency) against one URL and read its summary."""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

WRK = "/usr/bin/wrk"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx responses plus socket errors


def run_wrk(url: str, duration: int, connections: int = 32, script: Path | None = None,
            env: dict[str, str] | None = None) -> WrkResult:
    argv = [WRK, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script is not None:
        argv += ["-s", str(script)]
    out = subprocess.run([*argv, url], capture_output=True, text=True, env=env, timeout=duration + 30,
                         check=True).stdout
    return parse(out)


def parse(out: str) -> WrkResult:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", out)
    if not done:
        raise ValueError(f"cannot read wrk output:\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        requests=int(done[1]),
        seconds=float(done[2]) * UNITS[done[3]] / 1e3,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        p50_ms=_percentile(out, "50"),
        p99_ms=_percentile(out, "99"),
        errors=errors + (int(non_2xx[1]) if non_2xx else 0),
    )


def _percentile(out: str, p: str) -> float:
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    return float(m[1]) * UNITS[m[2]] if m else float("nan")
