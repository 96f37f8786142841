"""A real redis-server on loopback, for tests of the Redis store."""

from __future__ import annotations

import subprocess
import tempfile
import time
from contextlib import ExitStack
from types import TracebackType

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.ports import free_port


class RedisServer:
    """One redis-server on a port of this process's share that keeps nothing on disk; it can
    be stopped and started again on the same port, for tests where Redis goes away."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def client(self) -> redis.Redis:
        """A client of database 0 that does not retry, so a server that is gone fails at once."""
        return redis.Redis.from_url(self.url, socket_timeout=2, retry=Retry(NoBackoff(), 0))

    def start(self, seconds: float = 10) -> None:
        """Start redis-server and return once it answers PING, failing after ``seconds``."""
        assert self._process is None, f"redis-server already runs on port {self.port}"
        # Its output goes to a file, not a pipe: nobody reads a pipe while redis-server runs,
        # and once full it would block the server. The file is read only if it never answers.
        with tempfile.TemporaryFile() as output:
            self._process = subprocess.Popen(
                [
                    *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no"),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            with ExitStack() as on_failure:
                on_failure.callback(self.stop)
                if self._answers_ping(time.monotonic() + seconds):
                    on_failure.pop_all()
                    return
            output.seek(0)
            printed = output.read().decode(errors="replace")
        pytest.fail(f"redis-server on port {self.port} did not answer PING:\n{printed}")

    def _answers_ping(self, deadline: float) -> bool:
        """Whether the server answers PING before ``deadline``, giving up if it exits (another
        process on the port, say, which may accept connections and never answer)."""
        assert self._process is not None
        with self.client() as probe:
            while time.monotonic() < deadline and self._process.poll() is None:
                try:
                    return bool(probe.ping())
                except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                    time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Stop redis-server: SIGTERM to its PID, then SIGKILL if it still runs after 5 s."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
