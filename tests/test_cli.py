"""``verifik-mock``: ``serve`` starts on loopback, prints what a developer needs to begin and
answers ``/healthz``; options it cannot serve stop it before it binds; ``--version``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.ports import free_port
from verifik_mock.http.health import TOKENS_HEADER, VERSION_HEADER
from verifik_mock.version import VERSION

STARTUP_SECONDS = 20
VERIFIK_MOCK = str(Path(sys.executable).with_name("verifik-mock"))


def read_banner(process: subprocess.Popen[str]) -> dict[str, str]:
    """The ``name: value`` lines ``serve`` prints before it answers, read up to ``Try it:``."""
    assert process.stdout is not None
    banner: dict[str, str] = {}
    deadline = time.monotonic() + STARTUP_SECONDS
    for line in process.stdout:
        if line.startswith("Try it:") or time.monotonic() > deadline:
            break
        name, _, value = line.strip().partition(":")
        if value:
            banner.setdefault(name, value.strip())
    return banner


def wait_until_answering(base_url: str) -> None:
    """Poll ``/openapi.json`` until the server answers, for at most STARTUP_SECONDS."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base_url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"verifik-mock serve did not answer at {base_url} in {STARTUP_SECONDS} s")


@contextmanager
def serving(*options: str) -> Iterator[tuple[str, dict[str, str]]]:
    """``verifik-mock serve`` with ``options`` on a free port: its base URL and printed banner."""
    port = free_port()
    with subprocess.Popen(
        [VERIFIK_MOCK, "serve", "--port", str(port), "--log-level", "warning", *options],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        try:
            banner = read_banner(process)
            base_url = f"http://127.0.0.1:{port}"
            wait_until_answering(base_url)
            yield base_url, banner
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, dict[str, str]]]:
    """``verifik-mock serve --seed 3`` on a free port, shared by the module's tests (they only
    read): its base URL and printed banner."""
    with serving("--seed", "3") as running:
        yield running


@pytest.fixture
def served_signed() -> Iterator[str]:
    """``verifik-mock serve --signing-secret ...`` on a free port: its base URL."""
    with serving("--signing-secret", "healthz-secret") as (base_url, _):
        yield base_url


def verifik_mock(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``verifik-mock`` with ``arguments`` until it exits (bounded: a server that does
    start instead fails the test with a timeout), with its output."""
    command = [VERIFIK_MOCK, *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=STARTUP_SECONDS)


def test_serve_prints_token_and_seeded_ids(served: tuple[str, dict[str, str]]) -> None:
    _, banner = served
    assert banner["seed"] == "3"
    assert banner["token"].startswith("ey")
    assert len(banner["project"]) == 24
    assert banner["flow"].endswith("(validation)")


def test_the_printed_token_sees_the_printed_project(served: tuple[str, dict[str, str]]) -> None:
    base_url, banner = served
    headers = {"Authorization": f"Bearer {banner['token']}"}
    projects = httpx.get(f"{base_url}/v2/projects", headers=headers).json()["data"]
    assert banner["project"] in {project["_id"] for project in projects}


def test_serve_with_page_examples_answers_the_pages_ids_and_prints_the_seeded_ones() -> None:
    with serving("--page-examples") as (base_url, banner):
        headers = {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
        path = "/v2/biometric-validations/biometric_validation_123456789"
        answer = httpx.get(f"{base_url}{path}", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["projectFlow"] == "flow_123456789"
    assert len(banner["project"]) == 24  # the banner offers the seeded project, not the page's


def test_serve_runs_the_fastest_server_settings_and_says_so(
    served: tuple[str, dict[str, str]],
) -> None:
    _, banner = served
    assert banner["server"] == (
        "uvicorn, httptools parser, uvloop event loop, access log off (--access-log for one)"
    )


def test_version_prints_the_name_and_version_and_exits_0() -> None:
    result = verifik_mock("--version")
    assert result.returncode == 0
    assert result.stdout == f"verifik-mock {VERSION}\n"


def test_healthz_answers_ok_exactly_without_a_token(served: tuple[str, dict[str, str]]) -> None:
    base_url, _ = served
    health = httpx.get(f"{base_url}/healthz")
    assert health.status_code == 200
    assert health.content == b'{"status":"ok"}'


def test_healthz_names_the_mock_version(served: tuple[str, dict[str, str]]) -> None:
    base_url, _ = served
    assert httpx.get(f"{base_url}/healthz").headers[VERSION_HEADER] == VERSION


def test_healthz_says_any_token_is_accepted_without_a_signing_secret(
    served: tuple[str, dict[str, str]],
) -> None:
    base_url, _ = served
    assert httpx.get(f"{base_url}/healthz").headers[TOKENS_HEADER] == "any"


def test_healthz_says_tokens_are_signed_with_a_signing_secret(served_signed: str) -> None:
    health = httpx.get(f"{served_signed}/healthz")  # no token, though tokens are checked
    assert health.status_code == 200
    assert health.headers[TOKENS_HEADER] == "signed"


@pytest.mark.parametrize("port", ["0", "99999", "-1", "abc"])
def test_serve_refuses_a_port_outside_1_to_65535_before_binding(port: str) -> None:
    result = verifik_mock("serve", "--port", port)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any("--port" in line and "1 to 65535" in line for line in lines)
    assert result.stdout == ""  # serve prints its banner right before it binds


@pytest.mark.parametrize(("flag", "secret"), [("--signing-secret", ""), ("--admin-token", " ")])
def test_serve_refuses_an_empty_secret(flag: str, secret: str) -> None:
    result = verifik_mock("serve", "--port", str(free_port()), flag, secret)
    assert result.returncode == 2
    assert f"{flag} is empty" in result.stderr
    assert result.stdout == ""


def test_serve_refuses_max_tenants_0() -> None:
    result = verifik_mock("serve", "--port", str(free_port()), "--max-tenants", "0")
    assert result.returncode == 2
    assert "--max-tenants must be at least 1" in result.stderr
    assert result.stdout == ""
