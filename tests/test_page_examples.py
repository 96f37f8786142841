"""Each Verifik page's own request example, with only the host changed, works on the mock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.server import RunningServer
from tests.contract_schema import assert_matches_schema

PAGES = Path(__file__).parents[2] / "shared" / "verifik-docs"


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


@pytest.fixture(autouse=True)
def _pages_are_beside_the_project() -> None:
    if not PAGES.is_dir():
        pytest.fail(f"Verifik's pages are expected at {PAGES} (../shared beside the checkout)")


def test_create_page_python_example_creates_a_validation(server: RunningServer) -> None:
    code = page_snippet(
        "create-biometric-validation.txt", "import requests", "print(response.text)"
    )
    code = code.replace("https://api.verifik.co", server.base_url)
    body = json.loads(run_python(code))
    assert_matches_schema(body, "BiometricValidationResponse")
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
