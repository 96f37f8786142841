"""Loopback ports for tests that start servers of their own."""

from __future__ import annotations

import itertools
import os
import socket
import time
from collections.abc import Iterator

import pytest

FIRST_PORT, PORTS_EACH, SHARES = 20_000, 1_200, 10
"""Ports handed out lie below the kernel's ephemeral range (32768 and up here), in a share
of their own for each process: a port picked by binding port 0 could be picked again by
another pytest-xdist worker before the server meant for it bound it, and a test would then
talk to the other worker's server."""


def _share() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1...
    if worker.startswith("gw") and worker[2:].isdigit():
        return int(worker[2:]) % SHARES
    return SHARES - 1 - os.getpid() % 2  # a run without xdist, or one run beside it


_candidates: dict[int, Iterator[int]] = {}


def _candidates_of_this_process() -> Iterator[int]:
    """The share's ports, from a start of this process's own: processes forked from one
    another (mutmut's workers) would otherwise walk the same ports in step."""
    pid = os.getpid()
    if pid not in _candidates:
        share = range(FIRST_PORT + _share() * PORTS_EACH, FIRST_PORT + (_share() + 1) * PORTS_EACH)
        start = pid * 97 % PORTS_EACH
        _candidates[pid] = itertools.cycle([*share[start:], *share[:start]])
    return _candidates[pid]


def free_port() -> int:
    """A loopback port nothing listens on right now, of this process's share."""
    for port in itertools.islice(_candidates_of_this_process(), PORTS_EACH):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port in this process's share of {PORTS_EACH}")


def wait_for_port(port: int, seconds: float = 10) -> None:
    """Return once something listens on ``port``, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"nothing listened on port {port} within {seconds} s")
