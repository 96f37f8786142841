"""Across ``serve --workers`` reads take no lock; one that changed its tenant (records it
found lapsed, a fault it spent) saves it if no one wrote meanwhile, else runs again as a
write. These tests hold every GET operation to saving what it changed, and see a reset reach
a worker that only read (tests/test_workers.py runs reads on two worker processes)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.answers import create_example_validation
from verifik_mock import Settings, create_app
from verifik_mock.http.context import ServerContext
from verifik_mock.http.operations import Operation
from verifik_mock.http.routes import ALL_OPERATIONS
from verifik_mock.server import serve_in_thread
from verifik_mock.state.rows import TenantRows, rows_written, tenant_from_rows
from verifik_mock.state.tenant import TenantState

AUTH = {"Authorization": "Bearer reads-team"}
READS: list[Operation] = [op for op in ALL_OPERATIONS if op.method == "GET"]  # type: ignore[type-arg]


def fill_path(operation: Operation, tenant: TenantState, validation_id: str) -> str:  # type: ignore[type-arg]
    """The operation's path with a record of the right kind for ``{id}``."""
    record_ids = {
        "retrieveDocumentLiveness": next(iter(tenant.document_liveness)),
        "retrieveProjectFlow": next(iter(tenant.project_flows)),
    }
    return operation.path.replace("{id}", record_ids.get(operation.operation_id, validation_id))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[httpx.Client, ServerContext]]:
    """A mock in this process serving a state file as one of several workers would: a client
    of it, and its context to look at the tenant."""
    app = create_app(Settings(state_file=tmp_path / "state.sqlite", shared_state=True))
    with (
        serve_in_thread(app) as mock,
        httpx.Client(base_url=mock.base_url, headers=AUTH) as http,
    ):
        yield http, app.state.context


def kept_and_stored(context: ServerContext, client_id: str) -> tuple[TenantRows, TenantRows]:
    """The tenant as the server keeps it in memory, and as its state file holds it."""
    found = context.store.engine.read(client_id, since=None)
    assert found is not None
    kept = asyncio.run(context.store.run(client_id, partial(rows_written, whole=True)))
    return kept, rows_written(tenant_from_rows(found[1]), whole=True)


@pytest.mark.parametrize("pending", ["lapsed records", "a fault to spend"])
@pytest.mark.parametrize("operation", READS, ids=lambda op: op.operation_id)
def test_whatever_a_read_changes_is_saved(
    served: tuple[httpx.Client, ServerContext],
    operation: Operation,  # type: ignore[type-arg]
    pending: str,
) -> None:
    http, context = served
    create_example_validation(http)
    validation_id = create_example_validation(http)["_id"]
    client_id = context.client_id_for(AUTH["Authorization"])
    if pending == "lapsed records":  # past the session's deadline, not yet swept
        advance = partial(lambda by, tenant: tenant.clock.advance(by), timedelta(days=2))
        asyncio.run(context.store.run(client_id, advance))
    else:
        http.post("/__mock__/faults", json={"fault": "503", "times": 2}).raise_for_status()
    tenant = asyncio.run(context.store.run(client_id, lambda tenant: tenant, write=False))

    http.get(fill_path(operation, tenant, validation_id))

    kept, stored = kept_and_stored(context, client_id)
    assert kept == stored


def test_a_reset_on_one_worker_reaches_a_tenant_another_only_read(tmp_path: Path) -> None:
    shared = Settings(state_file=tmp_path / "state.sqlite", shared_state=True)
    with (
        serve_in_thread(create_app(shared)) as first,
        serve_in_thread(create_app(shared)) as second,
        httpx.Client(headers=AUTH) as http,
    ):
        projects = f"{first.base_url}/v2/projects"
        seeded = http.get(projects).json()["data"]  # seeded by the first, never saved
        http.post(f"{second.base_url}/__mock__/reset", params={"seed": 7}).raise_for_status()

        assert http.get(projects).json()["data"] != seeded
        assert http.get(projects).json() == http.get(f"{second.base_url}/v2/projects").json()


def test_a_fault_waiting_on_one_worker_holds_up_no_other(tmp_path: Path) -> None:
    shared = Settings(state_file=tmp_path / "state.sqlite", shared_state=True)
    with (
        serve_in_thread(create_app(shared)) as first,
        serve_in_thread(create_app(shared)) as second,
        httpx.Client(headers=AUTH, timeout=30) as http,
        ThreadPoolExecutor(1) as pool,
    ):
        fault = {"fault": "503", "latencyMs": 3000, "times": 1}
        http.post(f"{first.base_url}/__mock__/faults", json=fault).raise_for_status()
        slow = pool.submit(httpx.get, f"{first.base_url}/v2/projects", headers=AUTH, timeout=30)
        spent = False
        for _ in range(200):  # bounded: the first worker spends the fault at once
            spent = not http.get(f"{second.base_url}/__mock__/faults").json()["active"]
            if spent:
                break
            time.sleep(0.01)

        projects = http.get(f"{second.base_url}/v2/projects")

        assert spent
        assert projects.status_code == 200
        assert not slow.done()  # still waiting out its 3 s, the lock long given back
        assert slow.result().status_code == 503


def test_a_stalled_upload_on_one_worker_holds_up_no_other(tmp_path: Path) -> None:
    """A client that sends headers and a byte of its body, then nothing: its worker has not
    taken a turn on the state file, so another worker's reads and writes go on."""
    shared = Settings(state_file=tmp_path / "state.sqlite", shared_state=True)
    with (
        serve_in_thread(create_app(shared)) as first,
        serve_in_thread(create_app(shared)) as second,
        httpx.Client(headers=AUTH, timeout=10) as http,
        socket.create_connection((first.host, first.port), timeout=10) as stalled,
    ):
        http.get(f"{second.base_url}/v2/projects").raise_for_status()  # seeded before
        stalled.sendall(
            b"POST /v2/projects HTTP/1.1\r\nHost: %b\r\nAuthorization: Bearer x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            % f"127.0.0.1:{first.port}".encode()
        )
        time.sleep(0.2)  # the stalled request reaches its worker
        started = time.monotonic()
        read = http.get(f"{second.base_url}/v2/projects")
        wrote = http.post(f"{second.base_url}/v2/projects", json={"name": "Not held up"})
        elapsed = time.monotonic() - started

    assert (read.status_code, wrote.status_code) == (200, 200)
    assert elapsed < 0.5
