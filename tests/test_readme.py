"""The README's examples run as written against a real server, and its tables are complete."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from mockserver import errors
from mockserver.server import RunningServer

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_example(name: str) -> str:
    """The bash block under ``<!-- readme-test: name -->``."""
    match = re.search(rf"<!-- readme-test: {name} -->\n```bash\n(.*?)```", README, re.DOTALL)
    assert match, f"README has no example marked {name}"
    return match.group(1)


def run_example(name: str, server: RunningServer) -> str:
    """Run a README example with its BASE pointed at ``server``; return what it printed."""
    script = readme_example(name).replace("http://127.0.0.1:8000", server.base_url)
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


def test_validate_walkthrough_validates_a_sample_face(server: RunningServer) -> None:
    printed = run_example("validate", server)
    assert '"login": "validated"' in printed
    assert '"session": "completed"' in printed


@pytest.mark.parametrize("error", errors.concrete_errors(), ids=lambda error: error.code)
def test_readme_error_table_lists_every_code_with_its_status(error: type[errors.MockError]) -> None:
    assert f"| {error.status} | `{error.code}` |" in README
