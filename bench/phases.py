"""The bench's phases, each filling its part of the results: load, cold starts, engines.

Each phase starts its servers in a ``Fleet`` of its own, so they are stopped when the phase
ends, before the next one measures on a quiet machine.
"""

from __future__ import annotations

import dataclasses
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
    start_redis,
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


@dataclass(frozen=True)
class Engine:
    """One way to serve the mock's state: its name in the report, the engine ``serve`` is
    given ("memory", "sqlite" for ``--state-file``, "redis" for ``--store``), its
    ``--workers``, and how many ``serve`` processes share it (replicas, each on its port)."""

    name: str
    kind: str
    workers: int = 1
    replicas: int = 1


ENGINES = (
    Engine("memory", "memory"),
    Engine("SQLite, 1 process", "sqlite"),
    Engine("SQLite, --workers 2", "sqlite", workers=2),
    Engine("Redis, 1 replica", "redis"),
    Engine("Redis, 2 replicas", "redis", replicas=2),
)
ENGINE_ENDPOINTS = ("retrieve", "list 10", "create")


def engines(plan: Plan, results: Results) -> None:
    """retrieve, list 10 and create on each engine, each with the banner's default tenant."""
    endpoints = [BY_NAME[name] for name in ENGINE_ENDPOINTS]
    for number, engine in enumerate(ENGINES):
        folder = plan.scratch / f"engine-{number}"
        folder.mkdir()
        with Fleet() as fleet:
            plan.say(f"starting verifik-mock: {engine.name}")
            server = start_engine(fleet, folder, engine)
            workload = prepare(server, folder / "workload")
            results.engines[engine.name] = {
                endpoint.name: matrix.run_endpoint(
                    endpoint, [server], workload, plan.runs, plan.seconds, plan.say
                )[engine.name]
                for endpoint in endpoints
            }


def start_engine(fleet: Fleet, folder: Path, engine: Engine) -> Server:
    """The ``serve`` processes of ``engine`` (and its redis-server) as one server, named for
    the engine (so its creates keep no session tokens), its replicas loaded with it."""
    options = ["--workers", str(engine.workers)]
    if engine.kind == "sqlite":
        options += ["--state-file", str(folder / "state.sqlite")]
    if engine.kind == "redis":
        options += ["--store", start_redis(fleet, folder)]
    first, *others = [
        start_mock(fleet, folder, options, timeout=120) for _ in range(engine.replicas)
    ]
    replicas = tuple(other.base_url for other in others)
    return dataclasses.replace(first, name=engine.name, replicas=replicas)
