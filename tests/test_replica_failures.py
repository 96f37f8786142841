"""Replicas that fail while others serve on: one killed with SIGKILL mid-writes loses no
acknowledged write and leaves its tenant writable within the lock's lease; a stalled upload
to one holds up no read of another tenant on another."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.answers import create_example_validation
from tests.serve_process import serve_process, write_until_refused
from verifik_mock import Settings, create_app
from verifik_mock.server import serve_in_thread
from verifik_mock.state.redis_engine import LEASE_MS

AUTH = {"Authorization": "Bearer failing-replicas-team"}
OTHER_TENANT = {"Authorization": "Bearer bystander-team"}
VALIDATIONS = "/v2/biometric-validations"
ISSUE_READ_BOUND_SECONDS = 0.05
"""How long a read of another tenant may take while an upload stalls, as the issue puts it."""


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
    options = ("--store", redis_url, "--log-level", "error")
    with serve_process(*options) as (first, first_url), serve_process(*options) as (_, second):
        writer = threading.Thread(
            target=write_until_refused, args=(first_url, AUTH, acknowledged, 20)
        )
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
