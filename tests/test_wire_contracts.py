"""Each wire profile passes its own contract and fails the other's, however it is checked:
``verifik-mock contract --wire``, ``pytest --verifik-contract --verifik-wire``, and a client
written against the observed shape, run unchanged against ``serve --wire observed``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.drifted_mock import SECRET, TOKEN
from tests.serve_process import serve_process
from verifik_mock import Settings, create_app
from verifik_mock.conformance import ContractOptions, run_contract
from verifik_mock.contract_file import Wire
from verifik_mock.server import serve_in_thread

pytest_plugins = ["pytester"]

VERIFIK_MOCK = str(Path(sys.executable).parent / "verifik-mock")
CROSS_CHECKED = ("listBiometricValidations", "retrieveBiometricValidation", "listProjectFlows")
"""Operations whose every answer differs between the wires: enough to tell them apart."""


def quiet(line: str) -> None:
    """Drop schemathesis's progress lines."""


def test_the_observed_wire_passes_its_own_contract_on_every_operation() -> None:
    app = create_app(Settings(signing_secret=SECRET, wire="observed"))
    with serve_in_thread(app) as mock:
        options = ContractOptions(mock.base_url, TOKEN, max_examples=10, wire="observed")
        result = run_contract(options, quiet)
    assert result.passed, [(o.label, o.failures) for o in result.failing()]
    assert len(result.operations) == 12  # Verifik's operations: the control API is not in it


@pytest.mark.parametrize(("served", "checked"), [("pages", "observed"), ("observed", "pages")])
def test_each_wire_fails_the_other_wires_contract(served: Wire, checked: Wire) -> None:
    app = create_app(Settings(signing_secret=SECRET, wire=served))
    with serve_in_thread(app) as mock:
        options = ContractOptions(
            mock.base_url, TOKEN, max_examples=5, operation_ids=CROSS_CHECKED, wire=checked
        )
        result = run_contract(options, quiet)
    assert not result.passed
    assert {o.label for o in result.failing()} >= {
        "GET /v2/biometric-validations",
        "GET /v2/project-flows",
    }


def test_the_contract_command_checks_the_wire_it_is_told() -> None:
    app = create_app(Settings(signing_secret=SECRET, wire="observed"))
    with serve_in_thread(app) as mock:
        command = [VERIFIK_MOCK, "contract", "--base-url", mock.base_url, "--token", TOKEN]
        command += ["--max-examples", "3"]
        command += ["--operation", "createBiometricValidation"]
        command += ["--operation", "retrieveBiometricValidation"]  # linked: a stateful phase
        observed = subprocess.run([*command, "--wire", "observed"], capture_output=True)
        pages = subprocess.run(command, capture_output=True)
    assert observed.returncode == 0, observed.stdout.decode()
    assert pages.returncode == 1, pages.stdout.decode()


def test_pytest_checks_the_observed_contract_against_an_observed_mock(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--verifik-contract", "--verifik-wire", "observed",
        "--verifik-contract-examples", "3",
    )  # fmt: skip
    result.assert_outcomes(passed=2)


class ObservedVerifikClient:
    """A client written against the observed wire alone, as a team would write it from
    Verifik's captures: ``data.docs`` for validations, ``{code, message}`` for refusals."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def validations(self, status: str) -> list[dict[str, object]]:
        """Every validation in ``status`` (``validated``, ``sent``...), page by page."""
        docs: list[dict[str, object]] = []
        page, pages = 1, 1
        while page <= pages:
            params: dict[str, str | int] = {"where_status": status, "page": page, "perPage": 5}
            answer = self.http.get("/v2/biometric-validations", params=params).json()["data"]
            docs += answer["docs"]
            page, pages = page + 1, answer["pages"]
        return docs

    def refusal(self, path: str) -> tuple[str, str]:
        """The code and message of a refused GET."""
        error = self.http.get(path).json()
        return error["code"], error["message"]


def test_a_client_written_against_the_observed_wire_runs_unchanged_against_it() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
    with (
        serve_process("--wire", "observed") as (_, base_url),
        httpx.Client(base_url=base_url, headers={"Authorization": f"JWT {token}"}) as http,
    ):
        client = ObservedVerifikClient(http)
        failed = client.validations("failed")
        assert failed
        assert {doc["status"] for doc in failed} == {"failed"}
        missing = f"/v2/biometric-validations/{'0' * 24}"
        assert client.refusal(missing) == ("NotFound", "Record not found.")
