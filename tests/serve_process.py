"""``verifik-mock serve`` in a process of its own, and a writer that runs until it is killed:
what the kill -9 and replica tests share."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.answers import create_example_validation
from tests.ports import free_port, wait_for_port

VERIFIK_MOCK = str(Path(sys.executable).with_name("verifik-mock"))
"""The console script beside this interpreter: the installed command, as users run it."""


@contextmanager
def serve_process(*options: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``verifik-mock serve <options>`` on a free port, up: the process and its base URL.
    Stopped at the block's end, if no test killed it first."""
    port = free_port()
    command = [VERIFIK_MOCK, "serve", "--port", str(port), *options]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        try:
            wait_for_port(port)
            yield server, f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=20)


def write_until_refused(
    base_url: str, headers: Mapping[str, str], acknowledged: list[str], seconds: float
) -> None:
    """Create validations at ``base_url``, adding each acknowledged id to ``acknowledged``,
    until a create fails (its server killed, say): at most 2000, for at most ``seconds``."""
    with httpx.Client(base_url=base_url, headers=headers, timeout=5) as http:
        deadline = time.monotonic() + seconds
        for _ in range(2000):
            if time.monotonic() > deadline:
                return
            try:
                acknowledged.append(create_example_validation(http)["_id"])
            except (httpx.HTTPError, AssertionError):
                return
