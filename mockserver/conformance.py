"""Contract checks: schemathesis over ``contracts/verifik.openapi.yaml`` against any server.

One runner serves ``verifik-mock contract``, ``pytest --verifik-contract`` and this
repository's suite, so all three give the same verdict on the same server. It runs
schemathesis's own CLI (every phase, every default check, the settings in
``contracts/schemathesis.toml``), streams its progress, and reads its JSON report into a
summary per operation.

Against anything but loopback the run is safe by default: read-only operations, positive
data only, few examples, a rate limit, and never the mock's own ``/__mock__`` endpoints;
``allow_writes`` lifts the first two.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from mockserver.contract import contract_path
from mockserver.data_files import data_folder

SAFE_MAX_EXAMPLES = 5
SAFE_RATE_LIMIT = "2/s"
DEFAULT_MAX_TIME_SECONDS = 600


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ContractOptions:
    """What to check, where, and how hard."""

    base_url: str
    token: str | None
    max_examples: int = 50
    seed: int | None = 0
    allow_writes: bool = False
    """Let a run against a non-loopback server create records (and spend credits)."""
    report: Literal["junit", "json"] | None = None
    report_path: Path | None = None
    operation_ids: tuple[str, ...] = ()
    """Only these operations (all when empty)."""
    max_time_seconds: int = DEFAULT_MAX_TIME_SECONDS
    """The run is stopped (and fails) after this long."""

    @property
    def safe(self) -> bool:
        """Whether the run keeps to reading, as it does against a real server by default."""
        return not is_loopback(self.base_url) and not self.allow_writes


@dataclass
class OperationResult:
    """What the run found for one operation."""

    label: str
    cases: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class ContractResult:
    """The verdict of one run."""

    exit_code: int
    operations: dict[str, OperationResult] = field(default_factory=dict)
    skipped: str | None = None
    errors: list[str] = field(default_factory=list)
    cases: int = 0
    """Test cases schemathesis generated and sent, all phases together."""

    @property
    def passed(self) -> bool:
        """Whether every check held (a skipped run is not a failure)."""
        return self.exit_code == 0

    def failing(self) -> list[OperationResult]:
        """The operations with a failure."""
        return [result for result in self.operations.values() if result.failures]

    def to_json(self) -> dict[str, Any]:
        """The verdict as JSON, for ``--report json``."""
        return {
            "passed": self.passed,
            "exit_code": self.exit_code,
            "skipped": self.skipped,
            "errors": self.errors,
            "cases": self.cases,
            "operations": [vars(result) for result in self.operations.values()],
        }


def schemathesis_command(options: ContractOptions, json_report: Path) -> list[str]:
    """The ``st run`` command line for ``options``."""
    st = str(Path(sys.executable).with_name("st"))
    config = data_folder("contracts") / "schemathesis.toml"
    command = [st, "--config-file", str(config), "run", str(contract_path())]
    command += ["--url", options.base_url]
    command += ["--report", "json", "--report-json-path", str(json_report)]
    max_examples = (
        min(options.max_examples, SAFE_MAX_EXAMPLES) if options.safe else options.max_examples
    )
    command += ["--max-examples", str(max_examples)]
    if options.token:
        command += ["-H", f"Authorization: Bearer {options.token}"]
    if options.seed is not None:
        command += ["--seed", str(options.seed)]
    if options.report == "junit" and options.report_path is not None:
        command += ["--report", "junit", "--report-junit-path", str(options.report_path)]
    for operation_id in options.operation_ids:
        command += ["--include-operation-id", operation_id]
    if not is_loopback(options.base_url):
        command += ["--exclude-tag", "mock", "--rate-limit", SAFE_RATE_LIMIT]
    if options.safe:
        command += ["--include-method", "GET", "--mode", "positive"]
    return command


def read_report(report: dict[str, Any], exit_code: int) -> ContractResult:
    """schemathesis's JSON report, as a verdict per operation."""
    result = ContractResult(exit_code=exit_code)
    for label, phases in report.get("valid_rates", {}).items():
        counted = sum(sum(counts.values()) for counts in phases.values())
        result.operations[label] = OperationResult(label=label, cases=counted)
    for failure in report.get("failures", []):
        for label in failure.get("operations", []):
            operation = result.operations.setdefault(label, OperationResult(label=label))
            operation.failures.append(f"{failure['code']} {failure['title']}")
    result.errors = [str(error) for error in report.get("errors", [])]
    result.cases = int(report.get("test_cases", {}).get("generated", 0))
    return result


def run_contract(options: ContractOptions, echo: Callable[[str], None] = print) -> ContractResult:
    """Run the contract checks, echoing schemathesis's progress line by line."""
    if not options.token:
        return ContractResult(
            exit_code=0,
            skipped="no token: pass --token or set VERIFIK_TOKEN to check this server",
        )
    with tempfile.TemporaryDirectory() as scratch:
        json_report = Path(scratch) / "report.json"
        command = schemathesis_command(options, json_report)
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process:
            # st's own --max-time would make it fuzz until the budget is spent: the time
            # bound is a watchdog instead, and the count bound is --max-examples.
            watchdog = threading.Timer(options.max_time_seconds, process.kill)
            watchdog.start()
            assert process.stdout is not None
            for line in process.stdout:
                echo(line.rstrip("\n"))
            watchdog.cancel()
        if not json_report.exists():
            return ContractResult(exit_code=process.returncode or 2, errors=["no report"])
        result = read_report(json.loads(json_report.read_text()), process.returncode)
    if options.report == "json" and options.report_path is not None:
        options.report_path.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    return result


def summary_table(result: ContractResult) -> str:
    """One line per operation: its cases and its failures, then the verdict."""
    if result.skipped:
        return f"contract checks skipped: {result.skipped}"
    width = max((len(label) for label in result.operations), default=10)
    lines = [f"{'operation':<{width}}  {'cases':>6}  result"]
    for label in sorted(result.operations):
        operation = result.operations[label]
        verdict = "; ".join(operation.failures) if operation.failures else "ok"
        lines.append(f"{label:<{width}}  {operation.cases:>6}  {verdict}")
    failing = len(result.failing())
    lines.append(
        f"contract {'passed' if result.passed else 'FAILED'}: {len(result.operations)} "
        f"operations, {failing} failing, {result.cases} cases"
    )
    return "\n".join(lines)
