"""Contract checks: schemathesis over a wire profile's contract against any server.

One runner serves ``verifik-mock contract``, ``pytest --verifik-contract`` and this
repository's suite, so all three give the same verdict on the same server. It runs
schemathesis's own CLI (every phase, every default check, the settings in
``contracts/schemathesis.toml``) with the Python running it, streams its progress, and
reads its reports into a summary per operation. A second, short stateful pass follows list
flows -> create -> validate, so validate's 200 and 409 are checked on every run, not when
the main run's random walk happens to reach it.

Against anything but loopback the run is safe by default: read-only operations, positive
data only, few examples, a rate limit, and never the mock's own ``/__mock__`` endpoints;
``allow_writes`` lifts the first two. A run never passes by default: without a token it is
an error, and against a verifik-mock that accepts any token the one check that needs tokens
refused is skipped, saying so.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from verifik_mock.contract_file import Wire, contract_path
from verifik_mock.data_files import data_folder

SAFE_MAX_EXAMPLES = 5
SAFE_RATE_LIMIT = "2/s"
DEFAULT_MAX_TIME_SECONDS = 600
TOKEN_VARIABLE = "VERIFIK_CONTRACT_TOKEN"
"""Where ``schemathesis.toml`` reads the client token from."""
VALIDATE_WORKFLOW = ("listProjectFlows", "createBiometricValidation", "validateBiometricValidation")
"""The operations of the validate pass, along the contract's links."""
VALIDATE_WORKFLOW_EXAMPLES = 50
OPEN_TOKENS_NOTE = (
    "this verifik-mock accepts any token, so the check that invalid tokens are refused "
    "(ignored_auth) was skipped: start it with --signing-secret S and pass "
    '--token "$(verifik-mock token --secret S)" to check authentication too'
)
NO_TOKEN = "no token: pass --token or set VERIFIK_TOKEN (for a mock: verifik-mock token)"


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
    wire: Wire = "pages"
    """The wire profile whose contract the server is held to."""

    @property
    def safe(self) -> bool:
        """Whether the run keeps to reading, as it does against a real server by default."""
        return not is_loopback(self.base_url) and not self.allow_writes

    @property
    def checks_validate_workflow(self) -> bool:
        """Whether the validate pass runs: it writes, and validate must be among the asked."""
        wanted = not self.operation_ids or VALIDATE_WORKFLOW[-1] in self.operation_ids
        return wanted and not self.safe


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
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the run left out, and why (shown before the table)."""
    cases: int = 0
    """Test cases schemathesis generated and sent, all phases together."""

    @property
    def passed(self) -> bool:
        """Whether every check held."""
        return self.exit_code == 0

    def failing(self) -> list[OperationResult]:
        """The operations with a failure."""
        return [result for result in self.operations.values() if result.failures]

    def operation(self, label: str) -> OperationResult:
        """The result of ``label`` (``METHOD /path``), made on first mention."""
        return self.operations.setdefault(label, OperationResult(label=label))

    def to_json(self) -> dict[str, Any]:
        """The verdict as JSON, for ``--report json``."""
        return {
            "passed": self.passed,
            "exit_code": self.exit_code,
            "errors": self.errors,
            "notes": self.notes,
            "cases": self.cases,
            "operations": [vars(result) for result in self.operations.values()],
        }


@dataclass(frozen=True)
class ReportFiles:
    """Where one schemathesis run writes its reports."""

    json: Path
    ndjson: Path
    junit: Path | None = None


def schemathesis_command(
    options: ContractOptions,
    reports: ReportFiles,
    operation_ids: Iterable[str] = (),
    extra: Iterable[str] = (),
) -> list[str]:
    """The ``st run`` command line for ``options``, with this Python's schemathesis."""
    config = data_folder("contracts") / "schemathesis.toml"
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config)]
    command += ["run", str(contract_path(options.wire)), "--url", options.base_url]
    command += ["--report", "json", "--report-json-path", str(reports.json)]
    command += ["--report", "ndjson", "--report-ndjson-path", str(reports.ndjson)]
    if reports.junit is not None:
        command += ["--report", "junit", "--report-junit-path", str(reports.junit)]
    max_examples = (
        min(options.max_examples, SAFE_MAX_EXAMPLES) if options.safe else options.max_examples
    )
    command += ["--max-examples", str(max_examples)]
    if options.seed is not None:
        command += ["--seed", str(options.seed)]
    for operation_id in operation_ids:
        command += ["--include-operation-id", operation_id]
    if not is_loopback(options.base_url):
        command += ["--exclude-tag", "mock", "--rate-limit", SAFE_RATE_LIMIT]
    if options.safe:
        command += ["--include-method", "GET", "--mode", "positive"]
    return [*command, *extra]


def read_report(report: dict[str, Any], result: ContractResult) -> None:
    """Add schemathesis's JSON report (failures, errors, cases) to ``result``."""
    for failure in report.get("failures", []):
        for label in failure.get("operations", []):
            result.operation(label).failures.append(f"{failure['code']} {failure['title']}")
    result.errors += [str(error) for error in report.get("errors", [])]
    result.cases += int(report.get("test_cases", {}).get("generated", 0))


def read_event_log(lines: Iterable[str], result: ContractResult) -> None:
    """Count each operation's cases from schemathesis's ndjson event log: the one report
    that names the operations of the stateful phase and those whose every call was refused."""
    for line in lines:
        if '"ScenarioFinished"' not in line[:40]:
            continue
        recorder = json.loads(line)["ScenarioFinished"].get("recorder", {})
        cases = recorder.get("cases", {}).values()
        if recorder.get("label") != "Stateful tests":
            if cases:
                result.operation(recorder["label"]).cases += len(cases)
            continue
        for case in cases:
            value = case.get("value", {})
            result.operation(f"{value.get('method')} {value.get('path')}").cases += 1


def server_accepts_any_token(base_url: str) -> bool:
    """Whether ``base_url`` is a verifik-mock that takes any token (its ``/healthz`` says)."""
    import httpx  # deferred: every command would pay for it at start

    try:
        answer = httpx.get(f"{base_url}/healthz", timeout=5)
    except httpx.HTTPError:
        return False
    return bool(answer.headers.get("x-verifik-mock-tokens") == "any")


def run_contract(options: ContractOptions, echo: Callable[[str], None] = print) -> ContractResult:
    """Run the contract checks, echoing schemathesis's progress line by line."""
    if not options.token:
        return ContractResult(exit_code=2, errors=[NO_TOKEN])
    result = ContractResult(exit_code=0)
    extra: list[str] = []
    if server_accepts_any_token(options.base_url):
        extra += ["--exclude-checks", "ignored_auth"]
        result.notes.append(OPEN_TOKENS_NOTE)
    junit = options.report_path if options.report == "junit" else None
    _run_pass(options, result, echo, options.operation_ids, extra, junit)
    if options.checks_validate_workflow:
        echo("Validate pass: list flows -> create -> validate, along the contract's links")
        workflow = [
            *extra,
            "--phases",
            "stateful",
            "--max-examples",
            str(VALIDATE_WORKFLOW_EXAMPLES),
        ]
        _run_pass(options, result, echo, VALIDATE_WORKFLOW, workflow, None)
    if options.report == "json" and options.report_path is not None:
        options.report_path.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    return result


def _run_pass(
    options: ContractOptions,
    result: ContractResult,
    echo: Callable[[str], None],
    operation_ids: Iterable[str],
    extra: list[str],
    junit: Path | None,
) -> None:
    """One schemathesis run, its verdict folded into ``result`` (the worst exit code wins)."""
    with tempfile.TemporaryDirectory() as scratch:
        reports = ReportFiles(Path(scratch) / "report.json", Path(scratch) / "events.ndjson", junit)
        command = schemathesis_command(options, reports, operation_ids, extra)
        environment = {**os.environ, TOKEN_VARIABLE: options.token or ""}
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
        ) as process:
            # st's own --max-time would make it fuzz until the budget is spent: the time
            # bound is a watchdog instead, and the count bound is --max-examples.
            watchdog = threading.Timer(options.max_time_seconds, process.kill)
            watchdog.start()
            assert process.stdout is not None
            for line in process.stdout:
                echo(line.rstrip("\n"))
            watchdog.cancel()
        result.exit_code = max(result.exit_code, process.returncode)
        if not reports.json.exists():
            result.exit_code = max(result.exit_code, 2)
            result.errors.append(f"schemathesis wrote no report (exit {process.returncode})")
            return
        read_report(json.loads(reports.json.read_text()), result)
        with reports.ndjson.open() as events:
            read_event_log(events, result)


def summary_table(result: ContractResult) -> str:
    """The notes, one line per operation (its cases and failures), then the verdict."""
    lines = [f"note: {note}" for note in result.notes]
    lines += [f"error: {error}" for error in result.errors]
    if not result.operations and result.errors:
        return "\n".join([*lines, "contract checks did not run"])
    width = max((len(label) for label in result.operations), default=10)
    lines.append(f"{'operation':<{width}}  {'cases':>6}  result")
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
