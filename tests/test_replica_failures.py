"""Replicas that fail while others serve on: one killed with SIGKILL mid-writes loses no
acknowledged write and leaves its tenant writable within the lock's lease; a stalled upload
to one holds up no read of another tenant on another."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.answers import create_example_validation
from tests.ports import free_port, wait_for_port
from verifik_mock import Settings, create_app
from verifik_mock.server import serve_in_thread
from verifik_mock.state.redis_engine import LEASE_MS

AUTH = {"Authorization": "Bearer failing-replicas-team"}
OTHER_TENANT = {"Authorization": "Bearer bystander-team"}
VALIDATIONS = "/v2/biometric-validations"
VERIFIK_MOCK = str(Path(sys.executable).with_name("verifik-mock"))
ISSUE_READ_BOUND_SECONDS = 0.05
"""How long a read of another tenant may take while an upload stalls, as the issue puts it."""


@contextmanager
def serve_process(redis_url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``verifik-mock serve --store redis_url`` in a process of its own, up: the process and
    its base URL. Stopped at the block's end, if no test killed it first."""
    port = free_port()
    command = [VERIFIK_MOCK, "serve", "--port", str(port), "--store", redis_url]
    command += ["--log-level", "error"]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        try:
            wait_for_port(port)
            yield server, f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=20)


def write_until_refused(base_url: str, acknowledged: list[str]) -> None:
    """Create validations at ``base_url``, adding each acknowledged id to ``acknowledged``,
    until a create fails (its server killed, say): at most 2000 of them, for at most 20 s."""
    with httpx.Client(base_url=base_url, headers=AUTH, timeout=5) as http:
        deadline = time.monotonic() + 20
        for _ in range(2000):
            if time.monotonic() > deadline:
                return
            try:
                acknowledged.append(create_example_validation(http)["_id"])
            except (httpx.HTTPError, AssertionError):
                return


def listed_ids(http: httpx.Client) -> set[str]:
    """The ids of every validation the client's tenant lists, 100 a page, at most 50 pages."""
    ids: set[str] = set()
    for page in range(1, 51):
        listed = http.get(VALIDATIONS, params={"limit": 100, "page": page})
        listed.raise_for_status()
        records = listed.json()["data"]
        if not records:
            break
        ids |= {record["_id"] for record in records}
    return ids


def test_a_replica_killed_mid_writes_loses_no_acknowledged_write(redis_url: str) -> None:
    acknowledged: list[str] = []
    with serve_process(redis_url) as (first, first_url), serve_process(redis_url) as (_, second):
        writer = threading.Thread(target=write_until_refused, args=(first_url, acknowledged))
        writer.start()
        deadline = time.monotonic() + 10
        while len(acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)
        writer.join(timeout=15)
        # The killed replica may have held the tenant's lock mid-turn: the survivor's write
        # then waits out the lease, which the timeout leaves room for.
        with httpx.Client(base_url=second, headers=AUTH, timeout=2 * LEASE_MS / 1000) as http:
            started = time.monotonic()
            written_after = create_example_validation(http)["_id"]
            took = time.monotonic() - started
            listed = listed_ids(http)

    assert not writer.is_alive()
    assert len(acknowledged) >= 20
    assert set(acknowledged) <= listed
    assert written_after in listed
    assert took < LEASE_MS / 1000 + 1


@pytest.fixture(params=["redis", "state file"])
def shared_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings under which several servers share one state: Redis, or a state file."""
    if request.param == "redis":
        return Settings(store_url=request.getfixturevalue("redis_url"))
    return Settings(state_file=tmp_path / "state.sqlite", shared_state=True)


def timed_get(http: httpx.Client, path: str) -> tuple[int, float]:
    """The status of ``GET path`` and how many seconds it took."""
    started = time.monotonic()
    status = http.get(path).status_code
    return status, time.monotonic() - started


def test_a_stalled_upload_to_one_replica_holds_up_no_read_of_another_tenant_on_another(
    shared_settings: Settings,
) -> None:
    with (
        serve_in_thread(create_app(shared_settings)) as first,
        serve_in_thread(create_app(shared_settings)) as second,
        httpx.Client(base_url=second.base_url, headers=OTHER_TENANT, timeout=10) as http,
        socket.create_connection((first.host, first.port), timeout=10) as stalled,
    ):
        create_example_validation(http)  # the other tenant is stored before the upload stalls
        stalled.sendall(
            b"POST %b HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: %b\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            % (VALIDATIONS.encode(), first.port, AUTH["Authorization"].encode())
        )
        time.sleep(0.2)  # the stalled request reaches its replica
        reads = [timed_get(http, VALIDATIONS) for _ in range(3)]
        stalled.settimeout(0.01)
        with pytest.raises(TimeoutError):  # the upload is still stalled, unanswered
            stalled.recv(1)

    assert [status for status, _ in reads] == [200, 200, 200]
    # The best of three is held to the issue's bound: a read held up by the upload is slow
    # every time, while one scheduler hiccup on a busy machine slows only one read.
    assert min(seconds for _, seconds in reads) < ISSUE_READ_BOUND_SECONDS
