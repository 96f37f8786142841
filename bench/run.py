"""Benchmark verifik-mock against Prism, WireMock and a bare Starlette app, in one command.

    .venv/bin/python bench/run.py [--runs 3] [--duration 4] [--starts 5]

Installs wrk, Prism and WireMock if missing, loads every server in turn with wrk, times
cold starts, loads the mock on each state engine (memory, SQLite, Redis, with a second process
each), times a contract run, reads memory and fixture costs, checks the issue's targets, and
writes bench/results/latest.json (raw runs and medians) and latest.md (the tables).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import costs
import phases
import report
import tools
from model import Results, results_json

RESULTS = Path(__file__).parent / "results"
SEED_TENANTS = 200
"""New tenants seeded per run (bench/seed_cost.py's default)."""
PER_TEST_TESTS = 200
"""Tests creating one validation per run and engine (bench/first_request.py's default)."""


def parse_args() -> argparse.Namespace:
    """The options: run counts and durations, sized so the defaults take about 10 minutes."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per figure (default 3)")
    parser.add_argument("--duration", type=int, default=4, help="seconds per run (default 4)")
    parser.add_argument("--starts", type=int, default=5, help="cold starts per server (default 5)")
    parser.add_argument(
        "--seed-validations", type=int, default=100_000,
        help="validations seeded in the tenant the reads go to (default 100000)",
    )  # fmt: skip
    parser.add_argument(
        "--fixture-tests", type=int, default=300, help="tests per fixture-cost run (default 300)"
    )
    parser.add_argument(
        "--contract-examples", type=int, default=10, help="contract --max-examples (default 10)"
    )
    return parser.parse_args()


def machine() -> dict[str, str]:
    """The machine the figures were taken on."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "kernel": f"{platform.system()} {platform.release()}",
        "wrk": wrk.split(" Copyright")[0].strip(),
        "load_average": load_average(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def load_average() -> str:
    """The machine's 1, 5 and 15-minute load averages: how busy it was besides the bench."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def stop_on_sigterm(number: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into an exit, so every started server is stopped on the way out."""
    raise SystemExit(128 + number)


def main() -> None:
    """Run every phase, then print and save the report."""
    args = parse_args()
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started = time.monotonic()

    def say(line: str) -> None:
        print(f"[{time.monotonic() - started:5.0f} s] {line}", flush=True)

    installed = tools.ensure_all()
    seeded = args.seed_validations
    config = {"runs": args.runs, "duration": args.duration, "starts": args.starts,
              "seed_validations": seeded, "fixture_tests": args.fixture_tests}  # fmt: skip
    results = Results(machine=machine(), config=config)
    with tempfile.TemporaryDirectory(prefix="verifik-bench-") as scratch:
        plan = phases.Plan(
            installed, Path(scratch), args.runs, args.duration, args.starts, seeded, say
        )
        workload, canned = phases.load(plan, results)
        phases.cold_starts(plan, results, workload, canned)
        phases.engines(plan, results)
        say(f"contract run (--max-examples {args.contract_examples})")
        results.contract = costs.contract_run(Path(scratch), args.contract_examples)
        say(f"fixture cost ({args.fixture_tests} tests, {args.runs} runs per fixture)")
        results.fixture_ms = costs.fixture_costs(args.fixture_tests, args.runs)
        say(f"seeding and a test creating one validation, per engine ({args.runs} runs)")
        results.seed_ms = costs.seed_costs(SEED_TENANTS, args.runs)
        results.per_test_ms = costs.per_test_costs(PER_TEST_TESTS, args.runs)
    results.machine["load_average_end"] = load_average()
    text = report.markdown(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results_json(results), indent=2) + "\n")
    (RESULTS / "latest.md").write_text(text)
    say(f"done; written to {RESULTS / 'latest.md'} and latest.json\n")
    print(text)


if __name__ == "__main__":
    main()
