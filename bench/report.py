"""The results as Markdown: load per endpoint, starts, memory, side costs and the targets.

Every figure is the median of its runs, with the lowest and highest in brackets.
"""

from __future__ import annotations

from model import Results, Series, Spread
from phases import ENGINE_ENDPOINTS
from servers import BARE, MOCK, PRISM, WIREMOCK
from targets import QUOTED_WIREMOCK_RPS, SCALING, evaluate
from workload import BY_NAME

RSS_ROWS = {
    "idle": "idle: after start and one request (each cold start)",
    "at seeded tenant": "at the seeded tenant: after start and one request",
    "after load": "after every load run (the creates and validates added)",
}


def markdown(results: Results) -> str:
    """The whole report."""
    sections = [
        header(results),
        throughput(results),
        flags(results),
        starts_and_memory(results),
        fixtures(results),
        per_test(results),
        contract(results),
        engines(results),
        targets(results),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def header(results: Results) -> str:
    """Title, machine, and how the load was applied."""
    machine, config = results.machine, results.config
    return (
        f"# verifik-mock bench, {machine['date']}\n\n"
        f"{machine['cpu']}, {machine['cores']} cores; Python {machine['python']}; "
        f"{machine['kernel']}; {machine['wrk']}. Load average (1, 5, 15 min) at the start "
        f"{machine['load_average']}, at the end {machine.get('load_average_end', '?')}.\n"
        f"Load: `wrk -t1 -c32 --latency` on 127.0.0.1, {config['runs']} run(s) of "
        f"{config['duration']} s per figure, servers taking turns; medians (min-max). Reads go "
        f"to a tenant seeded with {config['seed_validations']:,} validations (and the usual few)."
    )


def throughput(results: Results) -> str:
    """One row per endpoint: the mock's figures, the others' req/s, and the ratios."""
    wiremock_missing = results.missing.get(WIREMOCK, "")
    rows = [
        "## Throughput and latency\n",
        "| Endpoint | verifik-mock req/s | p50 ms | p99 ms | Prism req/s | WireMock req/s "
        "| bare Starlette req/s | mock/Prism | mock/WireMock | mock/bare |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    bare = _get(results, "retrieve", BARE).rps()
    for endpoint, row in results.load.items():
        mock = row.get(MOCK, Series())
        prism, wiremock = _get(results, endpoint, PRISM), _get(results, endpoint, WIREMOCK)
        wiremock_cell = _rate(wiremock) if WIREMOCK in row else "—"
        if wiremock_missing and WIREMOCK in BY_NAME[endpoint].servers:
            wiremock_cell = f"not measured (issue: {QUOTED_WIREMOCK_RPS / 1000:.1f}k)"
        cells = [
            endpoint, _rate(mock), _ms(mock.p50()), _ms(mock.p99()),
            _rate(prism) if PRISM in row else "—", wiremock_cell,
            _rate(row[BARE]) if BARE in row else "—",
            _times(mock.rps(), prism.rps()), _times(mock.rps(), wiremock.rps()),
            _times(mock.rps(), bare),
        ]  # fmt: skip
        rows.append("| " + " | ".join(cells) + " |")
    rows.append(
        "\nbare Starlette has one GET (the mock's retrieve answer, byte for byte): mock/bare "
        "holds every endpoint to it. Prism runs with `-v error` (no per-request log, as the "
        "mock has no access log); WireMock with `--no-request-journal --disable-request-logging`."
    )
    if wiremock_missing:
        rows.append(f"WireMock not measured: {wiremock_missing}.")
    return "\n".join(rows)


def flags(results: Results) -> str:
    """Each series whose runs were not all 200s, or that could not be loaded at all."""
    series_by = [
        *((endpoint, server, series) for endpoint, row in results.load.items()
          for server, series in row.items()),
        *((endpoint, engine, series) for engine, row in results.engines.items()
          for endpoint, series in row.items()),
    ]  # fmt: skip
    lines = []
    for endpoint, server, series in series_by:
        if series.missing:
            lines.append(f"- {endpoint} on {server}: not measured, {series.missing}")
        lines += [f"- {endpoint} on {server}: {flag}" for flag in series.flags()]
    return "## Flagged\n\n" + "\n".join(lines) if lines else ""


def starts_and_memory(results: Results) -> str:
    """Cold starts per server, and the mock's resident memory."""
    rows = [
        "## Cold start (spawn to first 200 on an API GET)\n",
        "| Server | median ms | min-max ms | starts |",
        "|---|---|---|---|",
    ]
    for server, values in results.cold_start_ms.items():
        spread = Spread.of(values)
        low_high = f"{spread.low:.0f}-{spread.high:.0f}"
        rows.append(f"| {server} | {spread.median:.0f} | {low_high} | {len(values)} |")
    rows += ["", "## verifik-mock memory (VmRSS, workers included)\n", "| When | MB |", "|---|---|"]
    for key, label in RSS_ROWS.items():
        found = results.rss_mb.get(key)
        rows.append(f"| {label} | {_spread_text(Spread.of(found), '.0f') if found else '—'} |")
    if results.seeded_start_s is not None:
        size = results.config["seed_validations"]
        rows.append(
            f"\nStarting with {size:,} seeded validations took {results.seeded_start_s:.1f} s "
            "(spawn to first 200)."
        )
    return "\n".join(rows)


def fixtures(results: Results) -> str:
    """bench/fixture_cost.py's figures, per fixture."""
    if not results.fixture_ms:
        return ""
    tests = results.config["fixture_tests"]
    rows = [
        f"## Fixture cost (bench/fixture_cost.py, {tests} tests per run)\n",
        "| Fixture | median per test ms | p10-p90 ms (last run) | first test ms (last run) |",
        "|---|---|---|---|",
    ]
    for fixture, runs in results.fixture_ms.items():
        last = runs[-1]
        rows.append(
            f"| `{fixture}` | {_spread_text(Spread.of([r['median_ms'] for r in runs]), '.3f')} "
            f"| {last['p10_ms']:.3f}-{last['p90_ms']:.3f} | {last['first_ms']:.1f} |"
        )
    return "\n".join(rows)


def per_test(results: Results) -> str:
    """A new tenant's seeding, and a test creating one validation on each engine."""
    if not results.per_test_ms:
        return ""
    rows = [
        "## A downstream test, by engine (bench/seed_cost.py, bench/first_request.py)\n",
        "| What | median ms | p10-p90 ms (last run) |",
        "|---|---|---|",
        _cost_row("a new tenant seeded (`build_tenant`)", results.seed_ms),
    ]
    for engine, runs in results.per_test_ms.items():
        rows.append(_cost_row(f"a test creating one validation, {engine}", runs))
    note = (
        "\nA test here is what `verifik_in_process` and `create_biometric_validation` ask of "
        "the mock: the reset at setup, the seeded flows read (the tenant seeded), the create, "
        "and the release at teardown; four calls in all."
    )
    return "\n".join(rows) + "\n" + note


def _cost_row(what: str, runs: list[dict[str, float]]) -> str:
    last = runs[-1]
    median = _spread_text(Spread.of([run["median_ms"] for run in runs]), ".3f")
    return f"| {what} | {median} | {last['p10_ms']:.3f}-{last['p90_ms']:.3f} |"


def contract(results: Results) -> str:
    """How long one contract run took."""
    run = results.contract
    if not run:
        return ""
    return (
        f"## Contract run\n\n`verifik-mock contract --max-examples {run['max_examples']}` against "
        f"a running mock: {run['seconds']} s, exit code {run['exit_code']} ({run['summary']})."
    )


def engines(results: Results) -> str:
    """Each engine's req/s on the default tenant, and what a second process adds."""
    names = list(ENGINE_ENDPOINTS)
    rows = [
        "## Engines: memory, SQLite (`--state-file`), Redis (`--store`)\n",
        "| Engine | " + " | ".join(f"{name} req/s" for name in names) + " | create p99 ms |",
        "|---" * (len(names) + 2) + "|",
    ]
    for engine, row in results.engines.items():
        cells = [_rate(row.get(name, Series())) for name in names]
        cells.append(_ms(row.get("create", Series()).p99()))
        rows.append(f"| {engine} | " + " | ".join(cells) + " |")
    rows.append(
        "\nEach engine serves the banner's default tenant (not the 100,000 above). Two "
        "replicas are two `serve` processes on one Redis, each loaded by a wrk of its own with "
        "16 of the 32 connections, at once: req/s summed, p99 the slower one's."
    )
    for more, one in SCALING:
        ratios = [f"{name} {_gain(results, more, one, name)}" for name in names]
        rows.append(f"{more} against {one}: " + ", ".join(ratios) + ".")
    return "\n".join(rows)


def targets(results: Results) -> str:
    """The issue's targets, met or missed."""
    rows = ["## Targets\n", "| Target | Measured | Verdict |", "|---|---|---|"]
    rows += [f"| {v.target} | {v.measured} | {v.verdict} |" for v in evaluate(results)]
    return "\n".join(rows)


def _gain(results: Results, more: str, one: str, endpoint: str) -> str:
    """Engine ``more``'s req/s on ``endpoint`` over engine ``one``'s."""
    return _times(results.engine(more, endpoint).rps(), results.engine(one, endpoint).rps())


def _get(results: Results, endpoint: str, server: str) -> Series:
    return results.load.get(endpoint, {}).get(server) or Series()


def _rate(series: Series) -> str:
    spread = series.rps()
    if spread is None:
        return "not measured" if series.missing else "—"
    return _spread_text(spread, ",.0f")


def _ms(spread: Spread | None) -> str:
    return _spread_text(spread, ".2f") if spread else "—"


def _spread_text(spread: Spread, form: str) -> str:
    return f"{spread.median:{form}} ({spread.low:{form}}-{spread.high:{form}})"


def _times(mine: Spread | None, other: Spread | None) -> str:
    return f"{mine.median / other.median:.2f}x" if mine and other and other.median else "—"
