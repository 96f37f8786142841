"""The README's examples run as written against a real server, and its tables are complete."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import MockWith
from tests.ports import free_port, wait_for_port
from verifik_mock import Settings, errors
from verifik_mock.drift import detect_drift, drift_table
from verifik_mock.server import RunningServer

pytest_plugins = ["pytester"]

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "mockserver" / "verifik_mock"
"""The import package, in the repository folder the design card names."""
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
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # verifik-mock
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": path},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_curl_walkthrough_creates_lists_and_retrieves(server: RunningServer) -> None:
    printed = run_example("walkthrough", server)
    assert '"livenessMinScore": 0.55' in printed
    assert '"status": "new"' in printed
    assert '"session": "active"' in printed


def wait_for_deliveries(server: RunningServer, count: int, seconds: float = 10) -> None:
    """Return once the README tenant has ``count`` delivered webhooks, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    headers = {"Authorization": README_AUTH}
    while time.monotonic() < deadline:
        answer = httpx.get(f"{server.base_url}/__mock__/webhooks", headers=headers).json()
        if sum(delivery["state"] == "delivered" for delivery in answer["data"]) >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"{count} webhooks were not delivered within {seconds} s")


@dataclass
class Receiver:
    """The README's receiver.py running on ``port``."""

    port: int
    process: subprocess.Popen[str]

    def stop_and_read(self) -> list[str]:
        """Stop the receiver and return the lines it printed."""
        self.process.terminate()
        printed, _ = self.process.communicate(timeout=10)
        return printed.splitlines()


@pytest.fixture
def readme_receiver(server: RunningServer, tmp_path: Path) -> Iterator[Receiver]:
    """The README's receiver.py, run on a free port with the README tenant's secret."""
    port = free_port()
    script = tmp_path / "receiver.py"
    script.write_text(readme_example("receiver", "python").replace("9000", str(port)))
    secret = httpx.get(
        f"{server.base_url}/__mock__/webhooks", headers={"Authorization": README_AUTH}
    ).json()["secret"]
    command = [sys.executable, str(script), secret]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            wait_for_port(port)
            yield Receiver(port, process)
        finally:
            process.kill()


def test_validate_walkthrough_validates_and_the_receiver_gets_signed_webhooks(
    server: RunningServer, readme_receiver: Receiver
) -> None:
    printed = run_example("validate", server, receiver_port=readme_receiver.port)
    assert '"login": "validated"' in printed
    assert '"session": "completed"' in printed
    wait_for_deliveries(server, 3)
    # Deliveries run concurrently, so they may arrive in any order.
    assert sorted(readme_receiver.stop_and_read()) == [
        "onboarding_biometric_validation_completed signed",
        "onboarding_biometric_validation_created_person signed",
        "onboarding_biometric_validation_new signed",
    ]


@pytest.mark.parametrize("error", errors.concrete_errors(), ids=lambda error: error.code)
def test_readme_error_table_lists_every_code_with_its_status(error: type[errors.MockError]) -> None:
    observed = "{" if error is errors.AuthenticationError else error.observed_code()
    assert f"| {error.status} | `{error.code}` | `{observed}" in README


def test_plugin_examples_pass_as_written(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_readme_plugin=readme_example("plugin", "python"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")  # in a folder of its own
    result.assert_outcomes(passed=6)


def test_settings_example_passes_as_written(pytester: pytest.Pytester) -> None:
    conftest, test = readme_example("settings", "python").split("# test_hardened.py\n")
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_hardened=test)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def where_things_are() -> str:
    """The README's "Where things are" section."""
    return README.split("## Where things are", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    "module",
    sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "_data" not in path.parts
    ),
)
def test_where_things_are_names_every_module_of_the_package(module: str) -> None:
    section = where_things_are()
    folder, _, name = module.rpartition("/")
    assert f"`{name}`" in section, module
    if folder:
        row = next(line for line in section.splitlines() if line.startswith(f"| `{folder}/`"))
        assert f"`{name}`" in row, f"{module} is not in the {folder}/ row"


@pytest.mark.parametrize(
    "module",
    sorted(p.name for p in (ROOT / "pytest_plugin").rglob("*.py") if p.name != "__init__.py"),
)
def test_where_things_are_names_every_module_of_the_plugin(module: str) -> None:
    assert f"`{module}`" in where_things_are()


def test_readme_drift_table_is_what_drift_finds_between_the_wires(
    mock_with: MockWith,
) -> None:
    pages, observed = mock_with(Settings()), mock_with(Settings(wire="observed"))
    headers = {"Authorization": README_AUTH}
    with (
        httpx.Client(base_url=pages.base_url, headers=headers) as left,
        httpx.Client(base_url=observed.base_url, headers=headers) as right,
    ):
        table = drift_table(detect_drift(left, right))
    pattern = r"<!-- drift-table: pages-observed -->\n(.*?)\n<!-- /drift-table -->"
    marked = re.search(pattern, README, re.DOTALL)
    assert marked, "README has no drift table"
    assert marked.group(1) == table, "run `verifik-mock drift --markdown` and paste its table"
