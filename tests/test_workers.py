"""``serve --workers N``: worker processes sharing ``--state-file`` or ``--store`` serve one
state; without either, several workers are refused with the reason."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.ports import free_port, wait_for_port

VERIFIK_MOCK = str(Path(sys.executable).with_name("verifik-mock"))
AUTH = {"Authorization": "Bearer workers-team"}
WRITERS, WRITES_EACH = 4, 10


def fresh_connection(base_url: str) -> httpx.Client:
    """A client that opens a new connection per request, so requests spread over workers."""
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.Client(base_url=base_url, headers=AUTH, limits=limits, timeout=10)


@pytest.fixture(params=["--state-file", "--store"])
def two_workers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """``serve --workers 2`` sharing a state file or Redis: its base URL and the parent's pid."""
    port = free_port()
    shared = request.param
    where = str(tmp_path / "state.sqlite") if shared == "--state-file" else None
    where = where or request.getfixturevalue("redis_url")
    command = [VERIFIK_MOCK, "serve", "--port", str(port), "--workers", "2"]
    command += [shared, where, "--log-level", "warning"]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL) as server:
        try:
            wait_for_port(port, seconds=20)
            yield f"http://127.0.0.1:{port}", server.pid
        finally:
            server.terminate()
            server.wait(timeout=20)


def worker_processes(parent: int) -> list[str]:
    """The worker processes uvicorn started under ``parent``."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # bounded: the workers start within seconds
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        workers = [pid for pid in children if "spawn_main" in _command_line(pid)]
        if len(workers) >= 2:
            return workers
        time.sleep(0.1)
    return workers


def _command_line(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def create(base_url: str, writer: int) -> list[str]:
    """WRITES_EACH new validations, each on a new connection; their ids."""
    body = {"project": "project_123456789", "projectFlow": "flow_123456789", "type": "onboarding"}
    ids = []
    with fresh_connection(base_url) as http:
        for n in range(WRITES_EACH):
            identifier = f"writer{writer}.{n}@example.com"
            answer = http.post("/v2/biometric-validations", json=body | {"identifier": identifier})
            assert answer.status_code == 200, answer.text
            ids.append(answer.json()["data"]["_id"])
    return ids


def test_two_workers_sharing_a_state_serve_one_state(
    two_workers: tuple[str, int],
) -> None:
    base_url, parent = two_workers
    assert len(worker_processes(parent)) == 2
    with fresh_connection(base_url) as http:
        before = http.get("/v2/biometric-validations").json()["pagination"]["total"]

    with ThreadPoolExecutor(WRITERS) as pool:  # concurrent writes: none may be lost
        created = [i for ids in pool.map(create, [base_url] * WRITERS, range(WRITERS)) for i in ids]

    with fresh_connection(base_url) as http:
        for _ in range(10):  # whichever worker answers, it serves every write
            listed = http.get("/v2/biometric-validations", params={"limit": 100}).json()
            assert listed["pagination"]["total"] == before + WRITERS * WRITES_EACH
            assert set(created) <= {record["_id"] for record in listed["data"]}


def test_a_fault_spent_by_reads_on_two_workers_fails_exactly_as_many_calls(
    two_workers: tuple[str, int],
) -> None:
    base_url, _ = two_workers
    with fresh_connection(base_url) as http:  # a connection per call: both workers serve
        http.post("/__mock__/faults", json={"fault": "503", "times": 5}).raise_for_status()
        statuses = [http.get("/v2/biometric-validations").status_code for _ in range(20)]

    assert statuses == [503] * 5 + [200] * 15


def test_several_workers_without_a_state_file_are_refused_with_the_reason() -> None:
    refused = subprocess.run(
        [VERIFIK_MOCK, "serve", "--port", str(free_port()), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2
    assert "--workers 2 needs --state-file or --store" in refused.stderr
