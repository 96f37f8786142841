"""The coverage of Verifik's documented answers, as a user's suite meets it: the plugin's line,
table, JSON report and threshold after a pytest run (in a subprocess), the same across
pytest-xdist workers, and ``verifik-mock coverage`` reading a running mock's journal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests import test_pytest_plugin
from tests.test_pytest_plugin import RunPytest
from verifik_mock import Settings, create_app
from verifik_mock.answer_coverage.report import report_schema
from verifik_mock.server import serve_in_thread

pytest_plugins = ["pytester"]
run_pytest = test_pytest_plugin.run_pytest
"""The plugin's tests' fixture: pytest in a subprocess, with the plugin and nothing else."""

README = Path(__file__).parents[1] / "README.md"
VERIFIK_MOCK = str(Path(sys.executable).with_name("verifik-mock"))
HEADLINE = r"verifik: your suite exercised \d+ of \d+ documented answers \(\d+%\)"
HAPPY_SUITE = """
def test_create_then_validate(verifik):
    created = verifik.create_biometric_validation("ana@example.com", type="onboarding")
    assert verifik.validate(created["token"], verifik.sample_image()).status_code == 200
"""
"""A suite that only creates and validates successfully."""
FAILURE_SUITE = """
def session_token(verifik, identifier="ana@example.com", type="onboarding"):
    return verifik.create_biometric_validation(identifier, type=type)["token"]

def test_liveness_failed(verifik):
    answer = verifik.validate(session_token(verifik), verifik.sample_image("face-spoof"))
    assert answer.json()["code"] == "LIVENESS_FAILED"

def test_expired_session(verifik):
    token = session_token(verifik)
    verifik.clock.advance(minutes=11)
    assert verifik.validate(token, verifik.sample_image()).status_code == 409

def test_login_of_nobody(verifik):
    token = session_token(verifik, "nobody@example.com", type="login")
    assert verifik.validate(token, verifik.sample_image()).status_code == 404

def test_rate_limited(verifik):
    assert verifik.http.get("/v2/projects", headers={"X-Mock-Fault": "429"}).status_code == 429

def test_unavailable(verifik):
    verifik.project_flows
    verifik.inject_fault("503")
    assert verifik.http.get("/v2/projects").status_code == 503
"""
"""A suite that meets the failures ``HAPPY_SUITE`` never does."""
FAILURES = [
    ("operation", "validateBiometricValidation", 409, "LIVENESS_FAILED"),
    ("operation", "validateBiometricValidation", 409, "LIVENESS_SESSION_EXPIRED"),
    ("operation", "validateBiometricValidation", 404, "PERSON_NOT_FOUND"),
    ("resilience", "429", 429, "RATE_LIMITED"),
    ("resilience", "503", 503, "SERVICE_UNAVAILABLE"),
]


def never_seen(report: dict[str, Any]) -> set[tuple[str, str, int | None, str | None]]:
    """The (group, name, status, code) of each answer the report says was never seen."""
    unseen = (answer for answer in report["answers"] if not answer["seen"])
    return {(a["group"], a["name"], a["status"], a["code"]) for a in unseen}


def run_with_report(
    run_pytest: RunPytest, pytester: pytest.Pytester, *args: str
) -> tuple[pytest.RunResult, dict[str, Any]]:
    """Run the suite with ``--verifik-coverage-report``; its outcome and the report."""
    path = pytester.path / "coverage.json"
    result = run_pytest("--verifik-coverage-report", str(path), *args)
    return result, json.loads(path.read_text())


def test_a_happy_path_suite_is_told_the_failures_it_never_saw(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(HAPPY_SUITE)

    result, report = run_with_report(run_pytest, pytester, "--verifik-coverage")

    result.assert_outcomes(passed=1)
    result.stdout.re_match_lines([HEADLINE])
    assert set(FAILURES) <= never_seen(report)
    output = result.stdout.str()
    for shown in ("409 LIVENESS_FAILED", "409 LIVENESS_SESSION_EXPIRED", "404 PERSON_NOT_FOUND"):
        assert shown in output
    result.stdout.re_match_lines([r"  429 +429 RATE_LIMITED", r"  503 +503 SERVICE_UNAVAILABLE"])


def test_a_suite_that_meets_the_failures_is_not_told_them(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(HAPPY_SUITE + FAILURE_SUITE)

    result, report = run_with_report(run_pytest, pytester)

    result.assert_outcomes(passed=6)
    assert not set(FAILURES) & never_seen(report)
    assert report["tenants"] == 6


def test_without_verbose_or_the_option_only_the_line_is_printed(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(HAPPY_SUITE)

    result = run_pytest("-q")

    result.stdout.re_match_lines([HEADLINE])
    assert "LIVENESS_FAILED" not in result.stdout.str()


def test_a_suite_that_takes_no_verifik_fixture_gets_no_line(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")

    result = run_pytest()

    assert "verifik:" not in result.stdout.str()


def test_fail_under_fails_the_session_below_the_threshold_and_passes_at_it(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(HAPPY_SUITE)
    _, report = run_with_report(run_pytest, pytester)
    percent = report["percent"]

    above = run_pytest("--verifik-coverage-fail-under", str(percent + 0.01))
    at = run_pytest("--verifik-coverage-fail-under", str(percent))

    assert above.ret == pytest.ExitCode.TESTS_FAILED
    above.stdout.re_match_lines([r"verifik: FAILED: .*under --verifik-coverage-fail-under"])
    assert at.ret == pytest.ExitCode.OK


def test_two_xdist_workers_give_the_report_one_process_gives(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(HAPPY_SUITE + FAILURE_SUITE)

    _, alone = run_with_report(run_pytest, pytester)
    result, workers = run_with_report(run_pytest, pytester, "-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=6)
    assert workers == alone


def test_the_json_report_validates_against_the_schema_the_readme_shows(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(HAPPY_SUITE)

    _, report = run_with_report(run_pytest, pytester)

    schema = report_schema()
    assert json.dumps(schema, indent=2) in README.read_text(encoding="utf-8")
    jsonschema.validate(report, schema)


def test_the_command_reports_what_the_plugin_reports_on_the_same_traffic(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makepyfile(HAPPY_SUITE + FAILURE_SUITE)
    with serve_in_thread(create_app(Settings())) as server:
        _, plugin = run_with_report(run_pytest, pytester, "--verifik-url", server.base_url)
        command = subprocess.run(
            [VERIFIK_MOCK, "coverage", "--base-url", server.base_url,
             "--token", "reader", "--scope", "all", "--json"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip

    read = json.loads(command.stdout)
    assert read["answers"] == plugin["answers"]
    assert (read["exercised"], read["documented"]) == (plugin["exercised"], plugin["documented"])


def test_the_report_counts_the_answers_of_the_wire_verifik_settings_chose(
    pytester: pytest.Pytester, run_pytest: RunPytest
) -> None:
    pytester.makeconftest(
        "import dataclasses, pytest\n"
        "@pytest.fixture(scope='session')\n"
        "def verifik_settings(verifik_settings):\n"
        "    return dataclasses.replace(verifik_settings, wire='observed')\n"
    )
    pytester.makepyfile(HAPPY_SUITE)

    result, report = run_with_report(run_pytest, pytester, "-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=1)
    assert report["wire"] == "observed"
    assert report["exercised"] > 0
