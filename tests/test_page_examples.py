"""Each Verifik page's own request example, with only the host changed, works on the mock."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import httpx

from tests.contract_schema import assert_matches_schema
from verifik_mock.server import RunningServer

TINY_PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg"
    "=="
)
PAGES = Path(__file__).with_name("verifik_pages")
"""Verifik's pages, copied into the repository (tests read nothing outside it)."""


def page_snippet(page: str, first_line: str, last_line: str) -> str:
    """The code of ``page`` from the line ``first_line`` to the line ``last_line``."""
    lines = (PAGES / page).read_text(encoding="utf-8").splitlines()
    start = lines.index(first_line)
    end = lines.index(last_line, start)
    return "\n".join(lines[start : end + 1])


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout


def test_create_page_python_example_creates_a_validation(server: RunningServer) -> None:
    code = page_snippet(
        "create-biometric-validation.txt", "import requests", "print(response.text)"
    )
    code = code.replace("https://api.verifik.co", server.base_url)
    body = json.loads(run_python(code))
    assert_matches_schema(body, "CreatedBiometricValidationResponse")
    assert body["data"]["status"] == "new"
    assert body["data"]["expiresAt"] == "2024-01-15T11:30:00Z"


def test_list_document_liveness_page_python_example_lists_completed_records(
    server: RunningServer,
) -> None:
    code = page_snippet(
        "list-document-liveness.txt", "import http.client", 'print(data.decode("utf-8"))'
    )
    code = code.replace(
        'http.client.HTTPSConnection("api.verifik.co")',
        f'http.client.HTTPConnection("{server.host}", {server.port})',
    )
    body = json.loads(run_python(code))
    assert_matches_schema(body, "DocumentLivenessList")
    assert body["data"]
    assert {record["status"] for record in body["data"]} == {"completed"}
    assert {"fullName", "email"} <= body["data"][0]["appRegistration"].keys()


def validate_page_curl(server: RunningServer) -> str:
    """The validate page's curl command, pointed at ``server``."""
    command = page_snippet(
        "validate-app-login.txt",
        "curl -X POST https://api.verifik.co/v2/biometric-validations/validate \\",
        "  }'",
    )
    return command.replace("https://api.verifik.co", server.base_url)


def run_curl(command: str) -> str:
    """Run a page's curl command (its line continuations joined) and return what it printed."""
    arguments = shlex.split(command.replace("\\\n", " "))
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=30, check=True)
    return done.stdout


def test_validate_page_curl_example_as_written_is_refused_for_its_placeholder_token(
    server: RunningServer,
) -> None:
    body = json.loads(run_curl(validate_page_curl(server)))
    assert_matches_schema(body, "ErrorResponse")
    assert body["code"] == "TOKEN_NOT_RIGHT"


def test_validate_page_curl_example_with_a_session_token_and_image_validates(
    server: RunningServer, client: httpx.Client
) -> None:
    flow = client.get("/v2/project-flows?type=onboarding").json()["data"][0]
    created = client.post(
        "/v2/biometric-validations",
        json={
            "project": flow["project"],
            "projectFlow": flow["_id"],
            "identifier": "ana@example.com",
            "type": "onboarding",
        },
    ).json()["data"]
    command = validate_page_curl(server)
    command = command.replace("YOUR_ACCESS_TOKEN", created["token"]).replace(
        '"..."', f'"{TINY_PNG_BASE64}"'
    )
    body = json.loads(run_curl(command))
    assert_matches_schema(body, "ValidateResponse")
    assert body["data"]["appLogin"]["status"] == "validated"
    assert body["data"]["livenessSession"]["status"] == "completed"
