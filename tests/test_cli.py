"""``verifik-mock serve``: starts on loopback and prints what a developer needs to begin."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ports import free_port

STARTUP_SECONDS = 20


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


@pytest.fixture
def served() -> Iterator[tuple[str, dict[str, str]]]:
    """``verifik-mock serve --seed 3`` on a free port: its base URL and printed banner."""
    port = free_port()
    command = Path(sys.executable).with_name("verifik-mock")
    with subprocess.Popen(
        [str(command), "serve", "--port", str(port), "--seed", "3", "--log-level", "warning"],
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


def test_serve_runs_the_fastest_server_settings_and_says_so(
    served: tuple[str, dict[str, str]],
) -> None:
    _, banner = served
    assert banner["server"] == (
        "uvicorn, httptools parser, uvloop event loop, access log off (--access-log for one)"
    )
