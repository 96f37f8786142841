"""The load matrix: every endpoint on every server that has it, the servers taking turns.

Runs are interleaved (run 1 on each server, then run 2 on each...) so a drift in the
machine's speed falls on every server alike. Every server is first warmed up on retrieve
(WireMock's JIT needs about 8 s of load to reach its steady speed here); each series then
starts with one request that must answer 200, and a one-second warm-up. No warm-up counts.
"""

from __future__ import annotations

from collections.abc import Callable

import load
from model import Series
from servers import MOCK, Server
from workload import BY_NAME, ENDPOINTS, Endpoint, Workload, preflight, request

WARM_UP_SECONDS = 1
SERVER_WARM_UP_SECONDS = 10
Progress = Callable[[str], None]


def run_all(
    servers: dict[str, Server], workload: Workload, runs: int, seconds: int, say: Progress
) -> dict[str, dict[str, Series]]:
    """Every endpoint's series, by endpoint name then server name."""
    for server in servers.values():
        say(f"warming {server.name} up ({SERVER_WARM_UP_SECONDS} s on retrieve)")
        load.run(request(BY_NAME["retrieve"], server, workload, None), SERVER_WARM_UP_SECONDS)
    table: dict[str, dict[str, Series]] = {}
    for endpoint in ENDPOINTS:
        if endpoint.name == "validate" and MOCK in servers:
            supply_sessions(servers[MOCK], workload, runs, seconds, say)
        targets = [servers[name] for name in endpoint.servers if name in servers]
        table[endpoint.name] = run_endpoint(endpoint, targets, workload, runs, seconds, say)
    return table


def supply_sessions(
    mock: Server, workload: Workload, runs: int, seconds: int, say: Progress
) -> None:
    """More session tokens for each validate run, from creates that are not measured: validate
    can outpace create, and each run needs a fresh token per request for its whole length."""
    for number in range(runs):
        load.run(request(BY_NAME["create"], mock, workload, number), seconds)
        tokens = len(workload.tokens(number).read_text().splitlines())
        say(f"session tokens for validate run {number + 1}/{runs}: {tokens:,}")


def run_endpoint(
    endpoint: Endpoint,
    targets: list[Server],
    workload: Workload,
    runs: int,
    seconds: int,
    say: Progress,
) -> dict[str, Series]:
    """``runs`` runs of ``endpoint`` on each of ``targets``, interleaved."""
    row = {server.name: Series() for server in targets}
    ready = []
    for server in targets:
        problem = preflight(endpoint, server, workload, runs)
        if problem:
            row[server.name].missing = problem
            say(f"{endpoint.name} on {server.name}: NOT MEASURED, {problem}")
            continue
        if endpoint.warm_up:
            load.run(request(endpoint, server, workload, None), WARM_UP_SECONDS)
        ready.append(server)
    for number in range(runs):
        for server in ready:
            result = load.run(request(endpoint, server, workload, number), seconds)
            row[server.name].runs.append(result)
            say(describe(endpoint.name, server.name, number, runs, result))
    return row


def describe(endpoint: str, server: str, number: int, runs: int, result: load.WrkRun) -> str:
    """A progress line for one run; a run that was not all 200s says so."""
    line = (
        f"{endpoint} on {server}, run {number + 1}/{runs}: {result.rps:,.0f} req/s, "
        f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms"
    )
    if not result.clean:
        line += f"  FLAGGED: {result.non_2xx} non-2xx, {result.socket_errors} socket errors"
    return line
