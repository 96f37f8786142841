"""One wrk run (``wrk -t1 -c32 -d<D>s --latency``) and the figures read from its report.

A request to several replicas (processes serving one state) is loaded by one wrk per
replica, all at once, each with its share of the 32 connections: wrk sends to one host, and
no balancer stands in front of the replicas. Their figures are then summed (requests, req/s,
failures), and each latency percentile is the slowest replica's.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
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
    """What wrk sends: a URL per replica (usually one), headers, and a Lua script in bench/wrk/
    with its arguments."""

    urls: tuple[str, ...]
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
    """Load ``request`` for ``seconds`` with 32 keep-alive connections in all, one wrk (one
    thread) per URL at once, the connections split between them; their figures combined."""
    share = CONNECTIONS // len(request.urls)
    commands = [argv(request, url, share, seconds) for url in request.urls]
    started = [(command, start(command)) for command in commands]
    return combine([finished(wrk, command, seconds) for command, wrk in started])


def start(command: list[str]) -> subprocess.Popen[str]:
    """wrk started, its output kept for its report."""
    pipe = subprocess.PIPE
    return subprocess.Popen(command, text=True, stdout=pipe, stderr=pipe)


def argv(request: Request, url: str, connections: int, seconds: int) -> list[str]:
    """The wrk command that loads ``url`` as ``request`` says."""
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in request.headers.items():
        command += ["-H", f"{name}: {value}"]
    if request.script:
        command += ["-s", str(WRK_DIR / request.script)]
    command.append(url)
    if request.script_args:
        command += ["--", *request.script_args]
    return command


def finished(wrk: subprocess.Popen[str], command: list[str], seconds: int) -> WrkRun:
    """The figures of wrk started with ``command``, given a minute past its ``seconds``."""
    try:
        out, err = wrk.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        wrk.kill()
        out, err = wrk.communicate()
        raise WrkError(f"{' '.join(command)} did not finish: {err}{out}") from None
    if wrk.returncode != 0:
        raise WrkError(f"{' '.join(command)} exited {wrk.returncode}: {err}{out}")
    return parse(out)


def combine(runs: Sequence[WrkRun]) -> WrkRun:
    """The runs of one load on several replicas as one: counts and rates summed, each
    percentile the slowest replica's (a bound on the merged one, which wrk does not give)."""
    if len(runs) == 1:
        return runs[0]
    pools = [run.token_pool for run in runs if run.token_pool is not None]
    sent = [run.tokens_sent for run in runs if run.tokens_sent is not None]
    return WrkRun(
        requests=sum(run.requests for run in runs),
        seconds=max(run.seconds for run in runs),
        rps=sum(run.rps for run in runs),
        p50_ms=max(run.p50_ms for run in runs),
        p75_ms=max(run.p75_ms for run in runs),
        p90_ms=max(run.p90_ms for run in runs),
        p99_ms=max(run.p99_ms for run in runs),
        non_2xx=sum(run.non_2xx for run in runs),
        socket_errors=sum(run.socket_errors for run in runs),
        token_pool=sum(pools) if pools else None,
        tokens_sent=sum(sent) if sent else None,
    )


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
