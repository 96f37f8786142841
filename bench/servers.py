"""The servers under load, each started the same way every time: mock, Prism, WireMock, bare;
and the redis-server a mock on Redis keeps its state in.

Each start is timed from process spawn to the first 200 on an API GET (the cold start), and
every server binds 127.0.0.1 on a port the kernel found free.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import redis
from processes import Fleet, ServerStartError, free_port, http_get, rss_kib, wait_for_200

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "contracts" / "verifik.openapi.yaml"
MOCK_CLI = Path(sys.executable).parent / "verifik-mock"
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"

MOCK, PRISM, WIREMOCK, BARE = "verifik-mock", "Prism", "WireMock", "bare Starlette"
EXAMPLE_ID = "biometric_validation_123456789"
"""The pages' example id, which Prism and the bare app answer (any id would do): their
readiness probe. The mock's tenants hold none of the pages' ids unless asked."""
LIST_PATH = "/v2/biometric-validations"
START_TIMEOUT = 60.0
REDIS_START_SECONDS = 10.0
ANY_TOKEN = "bench"
"""The bearer token sent to servers that take any (Prism, WireMock, bare Starlette)."""

_BANNER_TOKEN = re.compile(r"^  token:\s+(\S+)", re.M)


@dataclass(frozen=True)
class Server:
    """A running server: its name, URL, bearer token, process, and spawn-to-200 seconds;
    and the URLs of its replicas, more processes serving the same state, loaded with it."""

    name: str
    base_url: str
    token: str
    process: Popen[bytes]
    ready_seconds: float
    replicas: tuple[str, ...] = ()

    @property
    def base_urls(self) -> tuple[str, ...]:
        """Every URL the load is spread over: this server's, then its replicas'."""
        return (self.base_url, *self.replicas)

    @property
    def auth(self) -> dict[str, str]:
        """The Authorization header for this server's API."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class Stub:
    """One canned answer for WireMock: method, path, exact query, body."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes


def start_mock(fleet: Fleet, workdir: Path, options: Sequence[str], timeout: float) -> Server:
    """``verifik-mock serve`` with ``options``; ready once its banner token lists validations."""
    port = free_port()
    log = workdir / f"mock-{port}.log"
    argv = [str(MOCK_CLI), "serve", "--host", "127.0.0.1", "--port", str(port), "--seed", "0"]
    spawned = time.perf_counter()
    process = fleet.spawn([*argv, *options], log)
    base_url = f"http://127.0.0.1:{port}"

    # The banner (with its ready token) is printed before the server listens; probing with
    # that token, not a new one, avoids seeding a second tenant.
    def probe() -> int | None:
        banner = _BANNER_TOKEN.search(log.read_text(errors="replace"))
        if banner is None:
            return None
        auth = {"Authorization": f"Bearer {banner[1]}"}
        return http_get(f"{base_url}{LIST_PATH}?limit=1", auth)[0]

    wait_for_200(process, probe, log, timeout)
    ready = time.perf_counter() - spawned
    token = _BANNER_TOKEN.search(log.read_text(errors="replace"))
    assert token is not None  # the probe answered 200 with it
    return Server(MOCK, base_url, token[1], process, ready)


def start_other(
    fleet: Fleet, name: str, argv: Sequence[str], port: int, probe_path: str, log: Path
) -> Server:
    """Spawn ``argv`` (listening on ``port``) and wait for a 200 on ``probe_path``."""
    base_url = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {ANY_TOKEN}"}
    spawned = time.perf_counter()
    process = fleet.spawn(argv, log)
    wait_for_200(process, lambda: http_get(base_url + probe_path, auth)[0], log, START_TIMEOUT)
    return Server(name, base_url, ANY_TOKEN, process, time.perf_counter() - spawned)


def start_prism(fleet: Fleet, workdir: Path, prism: Path) -> Server:
    """``prism mock`` on the contract; its per-request info log is off (``-v error``), as the
    mock's access log is, since writing it costs Prism more than half its throughput here."""
    port = free_port()
    argv = [str(prism), "mock", "-p", str(port), "-h", "127.0.0.1", "-v", "error", str(CONTRACT)]
    probe = f"{LIST_PATH}/{EXAMPLE_ID}"
    return start_other(fleet, PRISM, argv, port, probe, workdir / f"prism-{port}.log")


def start_bare(fleet: Fleet, workdir: Path, body: Path) -> Server:
    """bench/bare_app.py answering ``body``."""
    port = free_port()
    argv = [sys.executable, str(BARE_APP), "--port", str(port), "--body", str(body)]
    probe = f"{LIST_PATH}/{EXAMPLE_ID}"
    return start_other(fleet, BARE, argv, port, probe, workdir / f"bare-{port}.log")


def start_wiremock(fleet: Fleet, workdir: Path, jar: Path, stubs: Sequence[Stub]) -> Server:
    """WireMock standalone answering ``stubs`` (the first, a GET, is its readiness probe),
    without its request journal or request log: WireMock's advice for load, as the journal
    would grow with every request."""
    port = free_port()
    root = workdir / f"wiremock-{port}"
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    for number, stub in enumerate(stubs):
        (root / "mappings" / f"stub-{number}.json").write_text(json.dumps(mapping(stub)))
    argv = [
        "java", "-jar", str(jar), "--port", str(port), "--bind-address", "127.0.0.1",
        "--root-dir", str(root), "--disable-banner", "--no-request-journal",
        "--disable-request-logging",
    ]  # fmt: skip
    log = workdir / f"wiremock-{port}.log"
    return start_other(fleet, WIREMOCK, argv, port, stubs[0].path, log)


def mapping(stub: Stub) -> dict[str, object]:
    """WireMock's JSON mapping for ``stub``."""
    request: dict[str, object] = {"method": stub.method, "urlPath": stub.path}
    if stub.query:
        request["queryParameters"] = {k: {"equalTo": v} for k, v in stub.query.items()}
    headers = {"Content-Type": "application/json"}
    return {
        "request": request,
        "response": {"status": 200, "body": stub.body.decode(), "headers": headers},
    }


def start_redis(fleet: Fleet, workdir: Path) -> str:
    """A ``redis-server`` keeping nothing on disk, answering PING; its URL."""
    port = free_port()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    process = fleet.spawn([*argv, "--save", "", "--appendonly", "no"], workdir / "redis.log")
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + REDIS_START_SECONDS
    with redis.Redis.from_url(url, socket_timeout=1) as probe:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if probe.ping():
                    return url
            except (redis.ConnectionError, redis.TimeoutError):
                time.sleep(0.05)
    raise ServerStartError(f"redis-server did not answer PING; see {workdir / 'redis.log'}")


def rss_mb(server: Server) -> float:
    """The server's resident memory, workers included, in MB (MiB)."""
    return rss_kib(server.process.pid) / 1024
