"""The plugin's wiring: options, the ``verifik`` marker and the fixtures. No behaviour here."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest

from verifik_mock import Settings, create_app
from verifik_mock.contract_file import WIRES
from verifik_mock.server import serve_in_thread
from verifik_mock.testing import (
    IN_PROCESS_URL,
    InProcessTransport,
    MarkerSettings,
    VerifikMock,
    in_process_transport,
    tenant_token_for,
)
from verifik_mock_pytest import coverage_hooks
from verifik_mock_pytest.contract_item import ContractItem

MARKER_ARGUMENTS = ", ".join(field.name for field in dataclasses.fields(MarkerSettings))


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--verifik-seed``, ``--verifik-url``, ``--verifik-wire``, the contract checks' and the
    coverage report's."""
    group = parser.getgroup("verifik", "verifik-mock")
    group.addoption(
        "--verifik-seed", type=int, default=0, help="seed of every test's Verifik world (default 0)"
    )
    group.addoption(
        "--verifik-url",
        default=None,
        help="use the verifik-mock already serving at this URL instead of starting one",
    )
    group.addoption(
        "--verifik-contract",
        action="store_true",
        help="also run the contract checks: against --verifik-url with $VERIFIK_TOKEN, "
        "else against a mock started for it",
    )
    group.addoption("--verifik-contract-examples", type=int, default=50, help="cases per operation")
    group.addoption(
        "--verifik-wire",
        choices=WIRES,
        default="pages",
        help="how the session's mock answers (and which contract --verifik-contract checks): "
        "'pages', as Verifik's pages show (default), or 'observed', as real captures do",
    )
    coverage_hooks.add_options(group)


def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> None:
    """With ``--verifik-contract``, add the contract checks as one more test."""
    if session.config.getoption("--verifik-contract"):
        items.append(ContractItem.from_parent(session, name="verifik-contract"))


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, so ``--strict-markers`` suites accept it, and the coverage
    report's hooks."""
    config.addinivalue_line(
        "markers", f"verifik({MARKER_ARGUMENTS}): this test's Verifik's seed and forced scores"
    )
    config.pluginmanager.register(coverage_hooks, "verifik-coverage")


def session_settings(config: pytest.Config) -> Settings:
    """The settings of the session's mock, from the command line."""
    return Settings(
        seed=config.getoption("--verifik-seed"), wire=config.getoption("--verifik-wire")
    )


def marker_settings_of(request: pytest.FixtureRequest) -> MarkerSettings:
    """The test's ``@pytest.mark.verifik(...)``, read; a wrong argument fails with a usage hint."""
    marker = request.node.get_closest_marker("verifik")
    try:
        return MarkerSettings(*marker.args, **marker.kwargs) if marker else MarkerSettings()
    except TypeError as error:
        problem = str(error)
    pytest.fail(f"@pytest.mark.verifik: {problem}; it takes {MARKER_ARGUMENTS}", pytrace=False)


def _check_reachable(url: str) -> None:
    try:
        httpx.get(f"{url.rstrip('/')}/openapi.json", timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        problem = str(error)
    else:
        return
    pytest.fail(
        f"--verifik-url {url} did not answer ({problem}); start it with "
        "`verifik-mock serve` or drop --verifik-url to let the plugin start one",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def verifik_settings(request: pytest.FixtureRequest) -> Settings:
    """The session's mock's settings (seed, wire, signing secret, admin token...), from the
    command line: override this fixture in your ``conftest.py`` to set others. Against
    ``--verifik-url`` they say how to talk to that mock (its secret, its admin token)."""
    return session_settings(request.config)


@pytest.fixture(scope="session")
def verifik_server(request: pytest.FixtureRequest, verifik_settings: Settings) -> Iterator[str]:
    """The base URL of a real verifik-mock on a free loopback port, one per worker."""
    coverage_hooks.answers_seen(request.config).wire = verifik_settings.wire
    url = request.config.getoption("--verifik-url")
    if url:
        _check_reachable(url)
        yield url.rstrip("/")
        return
    with serve_in_thread(create_app(verifik_settings)) as running:
        yield running.base_url


@pytest.fixture(scope="session")
def verifik_transport(
    request: pytest.FixtureRequest, verifik_settings: Settings
) -> Iterator[InProcessTransport]:
    """An httpx transport into an in-process verifik-mock: no socket at all."""
    coverage_hooks.answers_seen(request.config).wire = verifik_settings.wire
    with in_process_transport(create_app(verifik_settings)) as transport:
        yield transport


def _handle(
    request: pytest.FixtureRequest,
    settings: Settings,
    http: httpx.Client,
    transport: httpx.BaseTransport | None = None,
) -> VerifikMock:
    token = tenant_token_for(request.node.nodeid, settings.signing_secret)
    handle = VerifikMock(http, token, transport, admin_token=settings.admin_token)
    marker_settings_of(request).prepare(handle, settings.seed)
    return handle


@pytest.fixture(scope="session")
def verifik_http_transport() -> Iterator[httpx.HTTPTransport]:
    """One connection pool for every test's client: a new one per test would cost ~20 ms
    (an SSL context) and a new connection each time."""
    with httpx.HTTPTransport() as transport:
        yield transport


@pytest.fixture
def verifik(
    request: pytest.FixtureRequest,
    verifik_settings: Settings,
    verifik_server: str,
    verifik_http_transport: httpx.HTTPTransport,
) -> Iterator[VerifikMock]:
    """This test's own Verifik, over HTTP: a fresh tenant of the session's mock, released
    when the test ends."""
    # Not closed per test: closing a client closes its transport, which the session owns.
    http = httpx.Client(base_url=verifik_server, transport=verifik_http_transport, timeout=30)
    handle = _handle(request, verifik_settings, http)
    yield handle
    coverage_hooks.answers_seen(request.config).add_tenant(handle.release())


@pytest.fixture
def verifik_in_process(
    request: pytest.FixtureRequest,
    verifik_settings: Settings,
    verifik_transport: InProcessTransport,
) -> Iterator[VerifikMock]:
    """This test's own Verifik, in process: point a client at it with its ``transport``."""
    http = httpx.Client(base_url=IN_PROCESS_URL, transport=verifik_transport, timeout=30)
    handle = _handle(request, verifik_settings, http, verifik_transport)
    yield handle
    coverage_hooks.answers_seen(request.config).add_tenant(handle.release())
