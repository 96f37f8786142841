"""The README's examples run as written against a real server, and its tables are complete."""

from __future__ import annotations

import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from mockserver import errors
from mockserver.server import RunningServer
from tests.ports import free_port, wait_for_port

ROOT = Path(__file__).parents[1]
README_AUTH = "Bearer my-team-token"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_example(name: str, language: str = "bash") -> str:
    """The code block under ``<!-- readme-test: name -->``."""
    pattern = rf"<!-- readme-test: {name} -->\n```{language}\n(.*?)```"
    match = re.search(pattern, README, re.DOTALL)
    assert match, f"README has no {language} example marked {name}"
    return match.group(1)


def run_example(name: str, server: RunningServer, receiver_port: int = 9000) -> str:
    """Run a README example with its BASE pointed at ``server``; return what it printed."""
    script = readme_example(name).replace("http://127.0.0.1:8000", server.base_url)
    script = script.replace("127.0.0.1:9000", f"127.0.0.1:{receiver_port}")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_curl_walkthrough_creates_lists_and_retrieves(server: RunningServer) -> None:
    printed = run_example("walkthrough", server)
    assert '"livenessMinScore": 0.55' in printed
    assert '"status": "new"' in printed
    assert '"session": "active"' in printed


def read_lines(stream: IO[str], count: int, seconds: float) -> list[str]:
    """Up to ``count`` lines from ``stream``, waiting at most ``seconds`` in all."""
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while len(lines) < count and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([stream], [], [], left)
        if ready:
            lines.append(stream.readline().strip())
    return lines


@pytest.fixture
def readme_receiver(server: RunningServer, tmp_path: Path) -> Iterator[tuple[int, IO[str]]]:
    """The README's receiver.py, run on a free port with the README tenant's secret."""
    port = free_port()
    script = tmp_path / "receiver.py"
    script.write_text(readme_example("receiver", "python").replace("9000", str(port)))
    secret = httpx.get(
        f"{server.base_url}/__mock__/webhooks", headers={"Authorization": README_AUTH}
    ).json()["secret"]
    with subprocess.Popen(
        [sys.executable, str(script), secret], stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            wait_for_port(port)
            assert process.stdout is not None
            yield port, process.stdout
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_validate_walkthrough_validates_and_the_receiver_gets_signed_webhooks(
    server: RunningServer, readme_receiver: tuple[int, IO[str]]
) -> None:
    port, received = readme_receiver
    printed = run_example("validate", server, receiver_port=port)
    assert '"login": "validated"' in printed
    assert '"session": "completed"' in printed
    assert read_lines(received, 3, seconds=10) == [
        "onboarding_biometric_validation_new signed",
        "onboarding_biometric_validation_created_person signed",
        "onboarding_biometric_validation_completed signed",
    ]


@pytest.mark.parametrize("error", errors.concrete_errors(), ids=lambda error: error.code)
def test_readme_error_table_lists_every_code_with_its_status(error: type[errors.MockError]) -> None:
    assert f"| {error.status} | `{error.code}` |" in README
