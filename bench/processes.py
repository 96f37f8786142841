"""Processes the bench starts: spawn, wait for a first 200, read RSS, stop; all bounded in time.

Every server runs in a session of its own, so stopping it also stops any worker it forked;
a ``Fleet`` stops whatever it started when its block ends, errors and Ctrl-C included.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

POLL_SECONDS = 0.005
"""How often a starting server is probed: small next to the cold starts measured."""

STOP_GRACE_SECONDS = 5.0
"""How long a stopping server gets after SIGTERM before SIGKILL."""


class ServerStartError(RuntimeError):
    """A server exited or never answered 200 in time: its log (named in the message) says why."""


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's pick for port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(url: str, headers: dict[str, str], timeout: float = 2.0) -> tuple[int, bytes]:
    """Status and body of one GET; a refused or reset connection raises ``OSError``."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return int(answer.status), bytes(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def http_post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """Status and body of one POST of a JSON ``body``."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={**headers, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status), bytes(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for_200(
    process: subprocess.Popen[bytes], probe: Callable[[], int | None], log: Path, timeout: float
) -> None:
    """Probe until it answers 200; fail if the process exits or ``timeout`` seconds pass.

    ``probe`` returns a status, or None when there is nothing to ask yet (no token printed).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(
                f"exited with code {process.returncode} while starting; see {log}"
            )
        try:
            if probe() == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(POLL_SECONDS)
    raise ServerStartError(f"no 200 within {timeout:.0f} s; see {log}")


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and every process below it, in KiB (VmRSS from /proc)."""
    total = 0
    for member in [pid, *descendants(pid)]:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue  # exited meanwhile
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def descendants(pid: int) -> list[int]:
    """Every live process whose ancestry leads to ``pid`` (its forked workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces and parentheses: the fields follow the last ")".
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's group (its workers too), then SIGKILL it after the grace period."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_GRACE_SECONDS)


class Fleet:
    """The servers started in one block; all of them are stopped when it ends, however it ends."""

    def __init__(self) -> None:
        self._processes: list[subprocess.Popen[bytes]] = []

    def spawn(
        self, argv: Sequence[str], log: Path, cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        """Start ``argv`` in a session of its own, its output going to ``log``."""
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=cwd, start_new_session=True,
            )  # fmt: skip
        self._processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        """Stop one server now."""
        stop(process)
        self._processes.remove(process)

    def __enter__(self) -> Fleet:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for process in list(self._processes):
            self.stop(process)
