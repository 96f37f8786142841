"""Running the mock in a background thread on a free loopback port (tests, the pytest plugin)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import uvicorn
from starlette.types import ASGIApp
from uvicorn.config import HTTPProtocolType

from verifik_mock.http.parsers import protocol_class

START_TIMEOUT_SECONDS = 10.0


class ServerStartError(RuntimeError):
    """uvicorn did not start: the message says why; check the port and the app's settings."""


@dataclass(frozen=True)
class RunningServer:
    """A server that is up: where to reach it."""

    host: str
    port: int

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"


@contextmanager
def serve_in_thread(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 0,
    http: HTTPProtocolType = "auto",
    lifespan: Literal["auto", "on", "off"] = "auto",
) -> Iterator[RunningServer]:
    """Serve ``app`` with uvicorn on ``host`` until the block ends; port 0 takes a free one.
    ``http`` picks uvicorn's parser (``auto``: httptools where installed, else h11);
    The app's startup and shutdown run where it has them (the mock closes its engine, the
    proxy its client); ``lifespan="on"`` insists on them, ``"off"`` skips them."""
    # IPPROTO_TCP, not the default 0: asyncio only sets TCP_NODELAY on connections of a
    # socket that says it is TCP, and without it every answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = uvicorn.Config(
        app,
        http=protocol_class(http),
        log_level="warning",
        access_log=False,
        lifespan=lifespan,
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_until_started(server, thread)
        yield RunningServer(host=host, port=sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)
        sock.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise ServerStartError("uvicorn exited while starting; see its log above")
        if time.monotonic() > deadline:
            raise ServerStartError(f"uvicorn did not start within {START_TIMEOUT_SECONDS} s")
        time.sleep(0.01)
