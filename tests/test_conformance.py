"""The contract checks: they pass on the mock, catch every kind of drift, and give one verdict
however they are run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.drifted_mock import SECRET, TOKEN, VARIANTS, drifted_app
from tests.ports import free_port
from verifik_mock import Settings, create_app, tokens
from verifik_mock.conformance import ContractOptions, run_contract
from verifik_mock.drift import OperationDrift, detect_drift
from verifik_mock.http.routes import ALL_OPERATIONS
from verifik_mock.server import serve_in_thread

pytest_plugins = ["pytester"]

BIN = Path(sys.executable).parent
CAUGHT_BY = {
    "renamed-field": ("GET /v2/biometric-validations", "ST108"),
    "wrong-enum-value": ("GET /v2/biometric-validations/{id}", "ST108"),
    "dropped-required-field": ("POST /v2/biometric-validations", "ST108"),
    "wrong-type": ("GET /v2/biometric-validations", "ST108"),
    "500-on-bad-input": ("GET /v2/projects", "ST101"),
    "undocumented-status": ("GET /v2/biometric-validations/{id}", "ST103"),
    "auth-not-enforced": ("GET /v2/projects", "ST401"),
}
"""Each drift, an operation it shows in, and the schemathesis check that must name it."""
DRIFT_OPERATIONS = (
    "listBiometricValidations",
    "retrieveBiometricValidation",
    "createBiometricValidation",
    "listProjects",
)


def quiet(line: str) -> None:
    """Drop schemathesis's progress lines."""


def test_contract_passes_on_the_mock_over_http_with_over_5000_requests() -> None:
    with serve_in_thread(create_app(Settings(signing_secret=SECRET))) as mock:
        result = run_contract(ContractOptions(mock.base_url, TOKEN, max_examples=160), quiet)
    assert result.passed, [(o.label, o.failures) for o in result.failing()]
    assert result.cases >= 5000
    assert len(result.operations) >= 25


def test_contract_run_checks_validate_with_session_tokens_and_lists_it() -> None:
    with serve_in_thread(create_app(Settings(signing_secret=SECRET))) as mock:
        result = run_contract(ContractOptions(mock.base_url, TOKEN, max_examples=10), quiet)
        journal = httpx.get(
            f"{mock.base_url}/__mock__/journal",
            params={"scope": "all", "limit": 1000},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).json()["data"]
    validated = {e["status"] for e in journal if e["path"] == "/v2/biometric-validations/validate"}
    assert {200, 409} <= validated
    assert result.passed, [(o.label, o.failures) for o in result.failing()]
    assert result.operations["POST /v2/biometric-validations/validate"].cases > 0
    served = {f"{op.method} {op.path}" for op in ALL_OPERATIONS}
    disabled = {"POST /__mock__/faults", "POST /__mock__/wire"}  # schemathesis.toml says why
    assert served - disabled <= result.operations.keys()


@pytest.mark.parametrize("variant", VARIANTS)
def test_contract_checks_catch_each_drift_naming_operation_and_check(variant: str) -> None:
    # The contract's examples are the pages': with the records they name, each reaches its
    # operation's success answer, where a drift shows.
    with serve_in_thread(drifted_app(variant, page_examples=True)) as drifted:
        options = ContractOptions(
            drifted.base_url, TOKEN, max_examples=10, operation_ids=DRIFT_OPERATIONS
        )
        result = run_contract(options, quiet)
    operation, check = CAUGHT_BY[variant]
    assert not result.passed
    failures = result.operations[operation].failures
    assert any(failure.startswith(check) for failure in failures), failures


def cli_verdict(base_url: str) -> tuple[int, str]:
    """``verifik-mock contract``'s exit code and output against ``base_url``."""
    command = [str(BIN / "verifik-mock"), "contract", "--base-url", base_url, "--token", TOKEN]
    command += ["--max-examples", "10"]
    for operation_id in DRIFT_OPERATIONS:
        command += ["--operation", operation_id]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout


def pytest_verdict(pytester: pytest.Pytester, base_url: str) -> tuple[int, str]:
    """``pytest --verifik-contract``'s exit code and output against ``base_url``."""
    pytester.makepyfile(test_app="def test_app():\n    pass\n")
    os.environ["VERIFIK_TOKEN"] = TOKEN
    try:
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--verifik-contract", "--verifik-url", base_url,
            "--verifik-contract-examples", "10",
        )  # fmt: skip
    finally:
        del os.environ["VERIFIK_TOKEN"]
    return int(result.ret), result.stdout.str()


@pytest.mark.parametrize("variant", [None, "wrong-type"], ids=["mock", "drifted"])
def test_cli_and_pytest_give_the_same_verdict(
    pytester: pytest.Pytester, variant: str | None
) -> None:
    app = drifted_app(variant) if variant else create_app(Settings(signing_secret=SECRET))
    with serve_in_thread(app) as server:
        cli_code, cli_output = cli_verdict(server.base_url)
        pytest_code, pytest_output = pytest_verdict(pytester, server.base_url)
    assert (cli_code == 0) == (pytest_code == 0) == (variant is None)
    if variant:
        assert "GET /v2/biometric-validations  " in cli_output
        assert "GET /v2/biometric-validations  " in pytest_output


def drift_between(variant: str) -> dict[str, OperationDrift]:
    """``detect_drift`` from the mock (left) to a drifted variant (right), by operation."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with (
        serve_in_thread(create_app(Settings(signing_secret=SECRET))) as mock,
        serve_in_thread(drifted_app(variant)) as drifted,
        httpx.Client(base_url=mock.base_url, headers=headers) as left,
        httpx.Client(base_url=drifted.base_url, headers=headers) as right,
    ):
        return {drift.operation: drift for drift in detect_drift(left, right)}


def test_drift_lists_exactly_a_renamed_field() -> None:
    drifts = drift_between("renamed-field")
    differing = {op for op, drift in drifts.items() if drift.differs}
    assert differing == {"GET /v2/biometric-validations", "GET /v2/biometric-validations/{id}"}
    listing = drifts["GET /v2/biometric-validations"]
    assert listing.missing_on_right == [".data[].identifier"]
    assert listing.extra_on_right == [".data[].identifer"]
    assert (listing.retyped, listing.enum_only_left, listing.enum_only_right) == ([], {}, {})


def test_drift_lists_exactly_a_wrong_type_and_a_wrong_enum_value() -> None:
    retyped = drift_between("wrong-type")["GET /v2/biometric-validations/{id}"]
    assert retyped.retyped == [{"path": ".data.requires2FA", "left": "boolean", "right": "string"}]
    enum = drift_between("wrong-enum-value")["GET /v2/biometric-validations"]
    assert enum.enum_only_left == {".data[].language": ["en"]}
    assert enum.enum_only_right == {".data[].language": ["english"]}
    assert (enum.missing_on_right, enum.extra_on_right, enum.retyped) == ([], [], [])


def test_drift_command_prints_the_differences_and_fails(tmp_path: Path) -> None:
    with (
        serve_in_thread(create_app(Settings(signing_secret=SECRET))) as mock,
        serve_in_thread(drifted_app("dropped-required-field")) as drifted,
    ):
        command = [str(BIN / "verifik-mock"), "drift", "--left", mock.base_url]
        command += ["--right", drifted.base_url, "--token", TOKEN]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "missing on right: .data[].type" in done.stdout
    assert "2 of 7 operations differ" in done.stdout


def test_contract_command_without_a_token_exits_2_saying_why() -> None:
    with serve_in_thread(create_app(Settings())) as mock:
        done = subprocess.run(
            [str(BIN / "verifik-mock"), "contract", "--base-url", mock.base_url],
            capture_output=True,
            text=True,
            timeout=60,
            env={name: value for name, value in os.environ.items() if name != "VERIFIK_TOKEN"},
        )
    assert done.returncode == 2
    assert "no token" in done.stdout
    assert "contract checks did not run" in done.stdout


def test_contract_against_a_mock_taking_any_token_skips_only_the_auth_check_and_says_so() -> None:
    with serve_in_thread(create_app(Settings())) as mock:
        done = subprocess.run(
            [str(BIN / "verifik-mock"), "contract", "--base-url", mock.base_url,
             "--token", "any-token-at-all", "--max-examples", "5"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert "note: this verifik-mock accepts any token" in done.stdout
    assert "--signing-secret" in done.stdout
    assert "ST401" not in done.stdout


def drift_command(*arguments: str) -> subprocess.CompletedProcess[str]:
    """``verifik-mock drift`` with ``arguments``, its output captured."""
    command = [str(BIN / "verifik-mock"), "drift", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_drift_sends_each_side_its_own_token() -> None:
    other_secret = "other-secret"
    other_token = tokens.encode({"clientId": "drift-checks"}, other_secret)
    with (
        serve_in_thread(create_app(Settings(signing_secret=SECRET))) as left,
        serve_in_thread(create_app(Settings(signing_secret=other_secret))) as right,
    ):
        done = drift_command(
            "--left", left.base_url, "--left-token", TOKEN,
            "--right", right.base_url, "--right-token", other_token,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout
    assert "0 of 7 operations differ" in done.stdout


def test_drift_where_a_side_refuses_its_token_is_an_error_not_a_match() -> None:
    with (
        serve_in_thread(create_app(Settings(signing_secret=SECRET))) as left,
        serve_in_thread(create_app(Settings(signing_secret="another"))) as right,
    ):
        done = drift_command("--left", left.base_url, "--right", right.base_url, "--token", TOKEN)
    assert done.returncode == 2
    assert "ERROR right refused the token (401): check --right-token" in done.stdout
    assert "7 could not be compared" in done.stdout


def test_drift_against_a_server_that_is_not_there_says_so() -> None:
    with serve_in_thread(create_app(Settings())) as left:
        gone = f"http://127.0.0.1:{free_port()}"
        done = drift_command("--left", left.base_url, "--right", gone, "--token", "t")
    assert done.returncode == 2
    assert f"ERROR right: no connection to {gone}" in done.stdout
