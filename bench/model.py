"""The figures one bench run collects, their medians and spreads, and their JSON form."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from load import WrkRun


@dataclass(frozen=True)
class Spread:
    """The median of several runs, and the lowest and highest of them."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """The spread of ``values`` (at least one)."""
        return cls(statistics.median(values), min(values), max(values))


@dataclass
class Series:
    """One endpoint on one server: its wrk runs, or why it was not measured."""

    runs: list[WrkRun] = field(default_factory=list)
    missing: str = ""

    def rps(self) -> Spread | None:
        """Requests per second over the runs."""
        return Spread.of([run.rps for run in self.runs]) if self.runs else None

    def p50(self) -> Spread | None:
        """Median latency (ms) over the runs."""
        return Spread.of([run.p50_ms for run in self.runs]) if self.runs else None

    def p99(self) -> Spread | None:
        """99th-percentile latency (ms) over the runs."""
        return Spread.of([run.p99_ms for run in self.runs]) if self.runs else None

    def flags(self) -> list[str]:
        """What went wrong in each run that was not all 200s: the figures then mislead."""
        found = []
        for number, run in enumerate(self.runs, 1):
            if run.clean:
                continue
            what = f"run {number}: {run.non_2xx} non-2xx, {run.socket_errors} socket errors"
            if run.token_pool is not None and (run.tokens_sent or 0) > run.token_pool:
                what += f"; the pool of {run.token_pool} session tokens ran out"
            found.append(what)
        return found


@dataclass
class Results:
    """Everything measured: load per endpoint and server, starts, memory, side costs."""

    machine: dict[str, str]
    config: dict[str, int]
    load: dict[str, dict[str, Series]] = field(default_factory=dict)
    cold_start_ms: dict[str, list[float]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    """Why a server was not measured (WireMock without java), by server."""
    rss_mb: dict[str, list[float]] = field(default_factory=dict)
    seeded_start_s: float | None = None
    fixture_ms: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    seed_ms: list[dict[str, float]] = field(default_factory=list)
    """A new tenant's seeding, per run (bench/seed_cost.py)."""
    per_test_ms: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    """A test creating one validation, by engine, per run (bench/first_request.py)."""
    contract: dict[str, object] = field(default_factory=dict)
    engines: dict[str, dict[str, Series]] = field(default_factory=dict)
    """By engine (memory, SQLite, Redis, with their processes), then endpoint."""

    def engine(self, engine: str, endpoint: str) -> Series:
        """One engine's series on ``endpoint``; empty when it was not run."""
        return self.engines.get(engine, {}).get(endpoint) or Series()


def series_json(series: Series) -> dict[str, object]:
    """A series' raw runs with its medians and spreads."""
    return {
        "runs": [asdict(run) for run in series.runs],
        "missing": series.missing,
        "flags": series.flags(),
        "rps": _spread(series.rps()),
        "p50_ms": _spread(series.p50()),
        "p99_ms": _spread(series.p99()),
    }


def results_json(results: Results) -> dict[str, object]:
    """``results`` as JSON: raw runs and, beside each list of runs, its median and spread."""

    def by_server(table: dict[str, dict[str, Series]]) -> dict[str, object]:
        return {
            key: {name: series_json(series) for name, series in row.items()}
            for key, row in table.items()
        }

    return {
        "machine": results.machine,
        "config": results.config,
        "load": by_server(results.load),
        "cold_start_ms": _runs_with_spread(results.cold_start_ms),
        "rss_mb": _runs_with_spread(results.rss_mb),
        "seeded_start_s": results.seeded_start_s,
        "fixture_ms": results.fixture_ms,
        "seed_ms": results.seed_ms,
        "per_test_ms": results.per_test_ms,
        "contract": results.contract,
        "engines": by_server(results.engines),
        "missing": results.missing,
    }


def _spread(spread: Spread | None) -> dict[str, float] | None:
    return asdict(spread) if spread else None


def _runs_with_spread(table: dict[str, list[float]]) -> dict[str, object]:
    return {
        key: {"runs": values, **asdict(Spread.of(values))}
        for key, values in table.items()
        if values
    }
