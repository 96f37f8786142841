"""The bench's phases, each filling its part of the results: load, cold starts, workers.

Each phase starts its servers in a ``Fleet`` of its own, so they are stopped when the phase
ends, before the next one measures on a quiet machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matrix
from model import Results
from processes import Fleet
from servers import (
    BARE,
    MOCK,
    PRISM,
    WIREMOCK,
    Server,
    Stub,
    rss_mb,
    start_bare,
    start_mock,
    start_prism,
    start_wiremock,
)
from tools import Tools
from workload import BY_NAME, Workload, prepare, stubs

SESSION_TTL_MINUTES = "1000000"
"""Long enough that no session made for validate expires on the mock clock (it ticks per write)."""
Starter = Callable[[Fleet], Server]


@dataclass(frozen=True)
class Plan:
    """What every phase needs: tools, scratch folder, run counts, and a progress printer."""

    tools: Tools
    scratch: Path
    runs: int
    seconds: int
    starts: int
    seed_validations: int
    say: Callable[[str], None]


def others(plan: Plan, workload: Workload, canned: list[Stub]) -> dict[str, Starter]:
    """How to start each server but the mock (WireMock only where its jar could be had)."""
    starters: dict[str, Starter] = {
        PRISM: lambda fleet: start_prism(fleet, plan.scratch, plan.tools.prism),
        BARE: lambda fleet: start_bare(fleet, plan.scratch, workload.retrieve_answer),
    }
    jar = plan.tools.wiremock_jar
    if jar is not None:
        starters[WIREMOCK] = lambda fleet: start_wiremock(fleet, plan.scratch, jar, canned)
    return starters


def load(plan: Plan, results: Results) -> tuple[Workload, list[Stub]]:
    """Start every server, run the load matrix, note the mock's memory before and after."""
    options = ["--session-ttl-minutes", SESSION_TTL_MINUTES]
    if plan.seed_validations:
        options += ["--seed-validations", str(plan.seed_validations)]
    with Fleet() as fleet:
        plan.say(f"starting verifik-mock with {plan.seed_validations:,} seeded validations")
        mock = start_mock(fleet, plan.scratch, options, timeout=60 + plan.seed_validations / 500)
        results.seeded_start_s = round(mock.ready_seconds, 2)
        seeded_mb = round(rss_mb(mock), 1)
        results.rss_mb["at seeded tenant"] = [seeded_mb]
        plan.say(f"ready in {mock.ready_seconds:.1f} s, {seeded_mb:.0f} MB")
        workload = prepare(mock, plan.scratch / "workload")
        canned = stubs(mock, workload)
        servers = {MOCK: mock}
        for name, start in others(plan, workload, canned).items():
            plan.say(f"starting {name}")
            servers[name] = start(fleet)
        if plan.tools.wiremock_jar is None:
            results.missing[WIREMOCK] = plan.tools.wiremock_missing
        results.load = matrix.run_all(servers, workload, plan.runs, plan.seconds, plan.say)
        results.rss_mb["after load"] = [round(rss_mb(mock), 1)]
    return workload, canned


def cold_starts(plan: Plan, results: Results, workload: Workload, canned: list[Stub]) -> None:
    """Spawn-to-first-200 of each server, ``plan.starts`` times; the mock's idle RSS with it."""
    starters: dict[str, Starter] = {
        MOCK: lambda fleet: start_mock(fleet, plan.scratch, [], timeout=60),
        **others(plan, workload, canned),
    }
    results.rss_mb["idle"] = []
    for name, start in starters.items():
        results.cold_start_ms[name] = []
        for number in range(plan.starts):
            with Fleet() as fleet:
                server = start(fleet)
                results.cold_start_ms[name].append(round(server.ready_seconds * 1000, 1))
                if name == MOCK:
                    results.rss_mb["idle"].append(round(rss_mb(server), 1))
            plan.say(
                f"cold start of {name}, {number + 1}/{plan.starts}: "
                f"{server.ready_seconds * 1000:.0f} ms"
            )


def workers(plan: Plan, results: Results) -> None:
    """retrieve and list 10 on ``serve --workers 1`` then ``--workers 2``, one state file each."""
    endpoints = [BY_NAME["retrieve"], BY_NAME["list 10"]]
    for count in ("1", "2"):
        state = plan.scratch / f"state-{count}.sqlite"
        with Fleet() as fleet:
            plan.say(f"starting verifik-mock --workers {count}")
            options = ["--workers", count, "--state-file", str(state)]
            mock = start_mock(fleet, plan.scratch, options, timeout=120)
            workload = prepare(mock, plan.scratch / f"workers-{count}")
            say = prefixed(plan.say, f"{count} worker(s): ")
            results.workers[count] = {
                endpoint.name: matrix.run_endpoint(
                    endpoint, [mock], workload, plan.runs, plan.seconds, say
                )[MOCK]
                for endpoint in endpoints
            }


def prefixed(say: Callable[[str], None], prefix: str) -> Callable[[str], None]:
    """``say`` with ``prefix`` before each line."""
    return lambda line: say(prefix + line)
