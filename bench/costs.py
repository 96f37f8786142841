"""The costs around the server: one contract run's time, each pytest fixture's per-test cost,
a new tenant's seeding, and a downstream test that creates one validation on each engine."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import first_request
import fixture_cost
import seed_cost
from processes import Fleet
from servers import MOCK_CLI, start_mock

from verifik_mock import Settings

SIGNING_SECRET = "s3cret"
"""The README's secret: the contract checks need the mock to enforce auth."""
CONTRACT_TIMEOUT = 900


def contract_run(workdir: Path, max_examples: int) -> dict[str, object]:
    """Seconds of ``verifik-mock contract`` against a mock started for it, as the README runs it."""
    with Fleet() as fleet:
        mock = start_mock(fleet, workdir, ["--signing-secret", SIGNING_SECRET], timeout=60)
        token = subprocess.run(
            [str(MOCK_CLI), "token", "--secret", SIGNING_SECRET],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        argv = [
            str(MOCK_CLI), "contract", "--base-url", mock.base_url, "--token", token,
            "--max-examples", str(max_examples),
        ]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=CONTRACT_TIMEOUT, check=False
        )
        seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {
        "seconds": round(seconds, 2),
        "exit_code": done.returncode,
        "max_examples": max_examples,
        "summary": lines[-1] if lines else done.stderr.strip()[-300:],
    }


def fixture_costs(tests: int, runs: int) -> dict[str, list[dict[str, float]]]:
    """bench/fixture_cost.py's figures for each fixture, ``runs`` times over ``tests`` tests."""
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-fixtures-") as scratch:
        for fixture in fixture_cost.FIXTURES:
            results[fixture] = [
                fixture_cost.summarise(fixture_cost.measure(fixture, tests, Path(scratch)))
                for _ in range(runs)
            ]
    return results


def seed_costs(tenants: int, runs: int) -> list[dict[str, float]]:
    """bench/seed_cost.py's figures with the default settings, ``runs`` times."""
    return [
        seed_cost.figures(seed_cost.time_tenants(Settings(), tenants, run)) for run in range(runs)
    ]


def per_test_costs(tests: int, runs: int) -> dict[str, list[dict[str, float]]]:
    """bench/first_request.py's figures on each engine, ``runs`` times over ``tests`` tests."""
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-per-test-") as scratch, Fleet() as fleet:
        for engine in first_request.ENGINES:
            with first_request.engine_settings(engine, Path(scratch), fleet) as settings:
                results[engine] = [
                    seed_cost.figures(first_request.time_tests(settings, tests))
                    for _ in range(runs)
                ]
    return results
