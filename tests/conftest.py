"""Shared fixtures: a real mock server on loopback, a client with a tenant of its own, Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest

from tests.redis_server import RedisServer
from verifik_mock import Settings, create_app
from verifik_mock.server import RunningServer, serve_in_thread


@pytest.fixture(scope="session")
def server() -> Iterator[RunningServer]:
    """One real uvicorn serving the default-seeded mock, shared by the session."""
    with serve_in_thread(create_app(Settings())) as running:
        yield running


@pytest.fixture
def token() -> str:
    """A token no other test uses, so the test gets a fresh tenant."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def client(server: RunningServer, token: str) -> Iterator[httpx.Client]:
    """An HTTP client on the shared server, authenticated as this test's own tenant."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
        yield http


@pytest.fixture
def anonymous(server: RunningServer) -> Iterator[httpx.Client]:
    """An HTTP client on the shared server that sends no ``Authorization``."""
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield http


MockWith = Callable[[Settings], RunningServer]


@pytest.fixture(scope="session")
def mock_with() -> Iterator[MockWith]:
    """Real mocks with other settings than the shared one's, each started on first use and
    shared by the session: ``mock_with(Settings(admin_token="a"))``."""
    with ExitStack() as stack:
        started: dict[Settings, RunningServer] = {}

        def server_with(settings: Settings) -> RunningServer:
            if settings not in started:
                started[settings] = stack.enter_context(serve_in_thread(create_app(settings)))
            return started[settings]

        yield server_with


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real redis-server for the session (per xdist worker), stopped at its end."""
    with RedisServer() as running:
        yield running


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, its database emptied for this test: ``redis://127.0.0.1:P/0``."""
    with redis_server.client() as client:
        client.flushdb()
    return redis_server.url
