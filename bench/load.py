"""One wrk run (``wrk -t1 -c32 -d<D>s --latency``) and the figures read from its report."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

THREADS = 1
CONNECTIONS = 32
WRK_DIR = Path(__file__).parent / "wrk"

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_REQUESTS = re.compile(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m|h),", re.M)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_POOL = re.compile(r"^pool (\d+) sent (\d+)$", re.M)


class WrkError(RuntimeError):
    """wrk exited with an error or printed no report: its output is in the message."""


@dataclass(frozen=True)
class Request:
    """What wrk sends: a URL, headers, and a Lua script in bench/wrk/ with its arguments."""

    url: str
    headers: dict[str, str]
    script: str | None = None
    script_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class WrkRun:
    """The figures of one run: throughput, latency percentiles and every non-200 kind."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    token_pool: int | None = None
    tokens_sent: int | None = None

    @property
    def clean(self) -> bool:
        """Every answer a 2xx, no socket error, and no spent session token sent again."""
        reused = self.token_pool is not None and (self.tokens_sent or 0) > self.token_pool
        return self.non_2xx == 0 and self.socket_errors == 0 and not reused


def run(request: Request, seconds: int) -> WrkRun:
    """Load ``request`` for ``seconds`` with one thread and 32 keep-alive connections."""
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in request.headers.items():
        argv += ["-H", f"{name}: {value}"]
    if request.script:
        argv += ["-s", str(WRK_DIR / request.script)]
    argv.append(request.url)
    if request.script_args:
        argv += ["--", *request.script_args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise WrkError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr}{done.stdout}")
    return parse(done.stdout)


def parse(report: str) -> WrkRun:
    """The figures of wrk's ``--latency`` report (and of validate.lua's pool line, if any)."""
    percentiles = {int(p): float(v) * _UNIT_MS[unit] for p, v, unit in _PERCENTILE.findall(report)}
    requests = _REQUESTS.search(report)
    rate = _RATE.search(report)
    if requests is None or rate is None or set(percentiles) != {50, 75, 90, 99}:
        raise WrkError(f"could not read wrk's report:\n{report}")
    non_2xx = _NON_2XX.search(report)
    sockets = _SOCKET.search(report)
    pool = _POOL.search(report)
    return WrkRun(
        requests=int(requests[1]),
        seconds=float(requests[2]) * _UNIT_MS[requests[3]] / 1000,
        rps=float(rate[1]),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        token_pool=int(pool[1]) if pool else None,
        tokens_sent=int(pool[2]) if pool else None,
    )
