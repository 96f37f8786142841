"""Per-test cost of the ``verifik`` fixtures: setup plus teardown, over many real tests.

Writes a test module of N trivial tests that each take the fixture, runs it with pytest in
a subprocess, and reads each test's setup and teardown durations from pytest's own reports
(the first test, which also starts the session's server, is reported apart).

    .venv/bin/python bench/fixture_cost.py [--tests 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "fixture_cost.json"
FIXTURES = ("verifik_in_process", "verifik")

CONFTEST = """
import json, os
durations = {}
def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        durations[report.nodeid] = durations.get(report.nodeid, 0.0) + report.duration
def pytest_sessionfinish(session):
    with open(os.environ["FIXTURE_COST_OUT"], "w") as out:
        json.dump(list(durations.values()), out)
"""


def measure(fixture: str, tests: int, workdir: Path) -> list[float]:
    """Setup+teardown seconds of each of ``tests`` tests taking ``fixture``, in order."""
    (workdir / "conftest.py").write_text(CONFTEST)
    body = "".join(f"def test_{i}({fixture}):\n    pass\n\n" for i in range(tests))
    (workdir / "test_cost.py").write_text(body)
    out = workdir / "durations.json"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         str(workdir / "test_cost.py")],
        cwd=workdir, check=True, capture_output=True,
        env={**os.environ, "FIXTURE_COST_OUT": str(out)},
    )  # fmt: skip
    return list(json.loads(out.read_text()))


def summarise(samples: list[float]) -> dict[str, float]:
    """Median, 10th and 90th percentiles in milliseconds, first test apart."""
    steady = sorted(samples[1:])
    decile = statistics.quantiles(steady, n=10)
    return {
        "first_ms": round(samples[0] * 1000, 2),
        "median_ms": round(statistics.median(steady) * 1000, 3),
        "p10_ms": round(decile[0] * 1000, 3),
        "p90_ms": round(decile[-1] * 1000, 3),
    }


def main() -> None:
    """Measure both fixtures ``--runs`` times, print a table, save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for fixture in FIXTURES:
            results[fixture] = [
                summarise(measure(fixture, args.tests, Path(scratch))) for _ in range(args.runs)
            ]
    print(f"{'fixture':<20} {'median ms (runs)':<28} {'p10-p90 ms (last run)':<24} first test ms")
    for fixture, runs in results.items():
        medians = ", ".join(f"{run['median_ms']:.2f}" for run in runs)
        last = runs[-1]
        spread = f"{last['p10_ms']:.2f}-{last['p90_ms']:.2f}"
        print(f"{fixture:<20} {medians:<28} {spread:<24} {last['first_ms']:.1f}")
    RESULTS.write_text(json.dumps({"tests": args.tests, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
