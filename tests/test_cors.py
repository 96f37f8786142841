"""CORS: a front end on localhost may call every route from a browser; others may not."""

from __future__ import annotations

import re

import httpx
import pytest

from verifik_mock import Settings, create_app
from verifik_mock.contract_file import load_contract
from verifik_mock.server import RunningServer, serve_in_thread

LOCAL_FRONT_END = "http://localhost:5173"


def preflight(base_url: str, path: str, method: str, origin: str) -> httpx.Response:
    """The OPTIONS request a browser sends before a cross-origin call."""
    return httpx.options(
        f"{base_url}{path}",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


def contract_routes() -> list[tuple[str, str]]:
    """Every (method, path) of the contract, with its path parameters filled in."""
    routes = []
    for path, item in load_contract()["paths"].items():
        concrete = re.sub(r"{\w+}", "example", path)
        routes += [
            (method.upper(), concrete) for method in item if method in {"get", "post", "delete"}
        ]
    return routes


@pytest.fixture
def server_url(server: RunningServer) -> str:
    """The shared server's base URL."""
    return server.base_url


@pytest.mark.parametrize(("method", "path"), contract_routes())
def test_preflight_from_a_local_front_end_is_allowed_on_every_route(
    server_url: str, method: str, path: str
) -> None:
    answer = preflight(server_url, path, method, LOCAL_FRONT_END)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == LOCAL_FRONT_END
    assert method in answer.headers["access-control-allow-methods"]
    assert "authorization" in answer.headers["access-control-allow-headers"].lower()


def test_a_local_front_end_reads_answers_and_retry_after(server_url: str) -> None:
    answer = httpx.get(
        f"{server_url}/v2/projects",
        headers={"Origin": "http://127.0.0.1:3000", "Authorization": "Bearer cors"},
    )
    assert answer.headers["access-control-allow-origin"] == "http://127.0.0.1:3000"
    assert "Retry-After" in answer.headers["access-control-expose-headers"]


def test_another_origin_is_not_allowed_by_default(server_url: str) -> None:
    assert preflight(server_url, "/v2/projects", "GET", "https://evil.example").status_code == 400
    answer = httpx.get(
        f"{server_url}/v2/projects",
        headers={"Origin": "https://evil.example", "Authorization": "Bearer cors"},
    )
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize(
    ("configured", "allowed"), [(("https://app.example",), "https://app.example"), (("*",), "*")]
)
def test_configured_origins_are_allowed(configured: tuple[str, ...], allowed: str) -> None:
    with serve_in_thread(create_app(Settings(cors_origins=configured))) as mock:
        answer = preflight(mock.base_url, "/v2/projects", "GET", "https://app.example")
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] in {allowed, "https://app.example"}
