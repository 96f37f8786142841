"""The coverage report's wiring: what each worker's tests were answered, gathered on the
controller (pytest-xdist) or in the one process, then reported, written and held to
``--verifik-coverage-fail-under``. The report itself is ``verifik_mock.answer_coverage``'s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from verifik_mock.answer_coverage import (
    AnswersSeen,
    CoverageReport,
    coverage_report,
    documented_answers,
    headline,
    never_seen_table,
)
from verifik_mock.contract_file import load_contract

SEEN = pytest.StashKey[AnswersSeen]()
REPORT = pytest.StashKey[CoverageReport]()
WORKER_OUTPUT = "verifik_answers"


def add_options(group: pytest.OptionGroup) -> None:
    """``--verifik-coverage``, ``--verifik-coverage-report`` and ``-fail-under``."""
    group.addoption(
        "--verifik-coverage",
        action="store_true",
        help="after the one-line summary, list the documented answers your suite never saw "
        "(also with -v)",
    )
    group.addoption(
        "--verifik-coverage-report",
        metavar="PATH",
        type=Path,
        default=None,
        help="write the coverage of Verifik's documented answers to PATH as JSON",
    )
    group.addoption(
        "--verifik-coverage-fail-under",
        metavar="N",
        type=float,
        default=None,
        help="fail the session when the suite exercised under N percent of the answers",
    )


def answers_seen(config: pytest.Config) -> AnswersSeen:
    """What the session's (this worker's) tests were answered so far."""
    return config.stash.setdefault(SEEN, AnswersSeen())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """On pytest-xdist's controller: add what a finished worker's tests were answered."""
    output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
    if output is not None:
        answers_seen(node.config).merge(output)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A worker hands its answers to the controller; the controller (or the one process)
    makes the report, writes it and fails the session under the threshold."""
    config = session.config
    seen = answers_seen(config)
    if hasattr(config, "workeroutput"):
        config.workeroutput[WORKER_OUTPUT] = seen.to_json()
        return
    if not seen.tenants:
        return  # no test took a verifik fixture: nothing to say
    wire = seen.wire or config.getoption("--verifik-wire")
    report = coverage_report(documented_answers(load_contract(wire)), seen.keys, wire, seen.tenants)
    config.stash[REPORT] = report
    path: Path | None = config.getoption("--verifik-coverage-report")
    if path is not None:
        path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    if _below_threshold(config, report) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _below_threshold(config: pytest.Config, report: CoverageReport) -> bool:
    threshold: float | None = config.getoption("--verifik-coverage-fail-under")
    return threshold is not None and report.percent < threshold


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The one line, the table of what was never seen when asked, and a failed threshold."""
    report = config.stash.get(REPORT, None)
    if report is None:
        return
    if config.getoption("--verifik-coverage") or config.get_verbosity() > 0:
        terminalreporter.write_sep("-", "verifik: documented answers your suite never saw")
        terminalreporter.write_line(never_seen_table(report))
    terminalreporter.write_line(headline(report))
    if _below_threshold(config, report):
        threshold = config.getoption("--verifik-coverage-fail-under")
        terminalreporter.write_line(
            f"verifik: FAILED: {report.percent:g}% of the documented answers exercised, "
            f"under --verifik-coverage-fail-under {threshold:g}",
            red=True,
        )
