"""The checking proxy: traffic passes through it unchanged both ways; answers that break the
contract are printed and reported with their JSON paths, conforming ones are not; an upstream
that does not answer is a 502 in the envelope; one slow answer holds up no other request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.answers import assert_error
from tests.conftest import MockWith
from tests.drifted_mock import SECRET, drifted_app
from tests.ports import free_port, wait_for_port
from tests.proxy_traffic import DRIFTS, proxying, send_traffic, signed_token
from verifik_mock import Settings
from verifik_mock.proxy import MAX_BODY_BYTES
from verifik_mock.server import RunningServer, serve_in_thread

VERIFIK_MOCK = str(Path(sys.executable).with_name("verifik-mock"))
REQUIRED = "'identifier' is a required property"
NOT_AN_ENUM = "'english' is not one of ['en', 'es']"
RENAMED = f"retrieveBiometricValidation 200 $.data: {REQUIRED}"
WRONG_ENUM = f"retrieveBiometricValidation 200 $.data.language: {NOT_AN_ENUM}"


@pytest.fixture
def upstream(mock_with: MockWith) -> RunningServer:
    """A conforming upstream: the mock, enforcing signed tokens."""
    return mock_with(Settings(signing_secret=SECRET))


@pytest.fixture(scope="module")
def drifting_upstream() -> Iterator[RunningServer]:
    """The mock with a field renamed and an enum value changed in its answers."""
    with serve_in_thread(drifted_app(*DRIFTS)) as server:
        yield server


def test_an_observed_upstream_passes_the_observed_contract_and_breaks_the_pages_one(
    mock_with: MockWith,
) -> None:
    observed = mock_with(Settings(signing_secret=SECRET, wire="observed"))
    with proxying(observed.base_url, wire="observed") as proxy:
        send_observed_traffic(proxy.base_url)
        assert proxy.report()["violations"] == []
    with proxying(observed.base_url) as proxy:
        send_observed_traffic(proxy.base_url)
        violated = {violation["operation"] for violation in proxy.report()["violations"]}
    assert {"listBiometricValidations", "retrieveBiometricValidation"} <= violated


def send_observed_traffic(base_url: str) -> None:
    """A list and a retrieve, as a client of the observed wire reads them."""
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {signed_token()}"}
    ) as http:
        listed = http.get("/v2/biometric-validations", params={"perPage": 5}).json()
        first = listed["data"]["docs"][0]["_id"]
        assert http.get(f"/v2/biometric-validations/{first}").status_code == 200


def test_traffic_from_a_conforming_upstream_passes_with_an_empty_report(
    upstream: RunningServer,
) -> None:
    with proxying(upstream.base_url) as proxy:
        send_traffic(proxy.base_url, signed_token())
        report = proxy.report()
    assert proxy.printed == []
    assert (report["violations"], report["unanswered"]) == ([], [])
    assert report["exchanges"] == {
        "createBiometricValidation": {"200": 1},
        "validateBiometricValidation": {"200": 1},
        "listBiometricValidations": {"200": 1},
        "retrieveBiometricValidation": {"200": 1, "404": 1},
    }


def test_a_drifting_upstream_is_reported_with_the_paths_of_both_violations(
    drifting_upstream: RunningServer,
) -> None:
    with proxying(drifting_upstream.base_url) as proxy:
        send_traffic(proxy.base_url, signed_token())
        report = proxy.report()
    assert RENAMED in proxy.printed
    assert WRONG_ENUM in proxy.printed
    reported = {(v["operation"], v["path"], v["message"]): v["count"] for v in report["violations"]}
    assert reported["retrieveBiometricValidation", "$.data", REQUIRED] == 1
    assert reported["retrieveBiometricValidation", "$.data.language", NOT_AN_ENUM] == 1
    assert reported["listBiometricValidations", "$.data[*]", REQUIRED] >= 2
    assert reported["listBiometricValidations", "$.data[*].language", NOT_AN_ENUM] >= 2


def test_a_violation_is_printed_once_and_counted_each_time(
    drifting_upstream: RunningServer,
) -> None:
    with proxying(drifting_upstream.base_url) as proxy:
        for _ in range(2):
            send_traffic(proxy.base_url, signed_token())
        report = proxy.report()
    assert proxy.printed.count(RENAMED) == 1
    counts = {(v["operation"], v["path"], v["message"]): v["count"] for v in report["violations"]}
    assert counts["retrieveBiometricValidation", "$.data", REQUIRED] == 2


def test_an_answer_comes_back_as_the_upstream_gave_it(upstream: RunningServer) -> None:
    headers = {"Authorization": f"Bearer {signed_token()}"}
    path = "/v2/biometric-validations?limit=5&populates[]=projectFlow"
    direct = httpx.get(f"{upstream.base_url}{path}", headers=headers)
    with proxying(upstream.base_url) as proxy:
        proxied = httpx.get(f"{proxy.base_url}{path}", headers=headers)
    assert proxied.status_code == direct.status_code == 200
    assert proxied.content == direct.content
    assert proxied.headers["content-type"] == direct.headers["content-type"]
    assert proxied.headers["vary"] == direct.headers["vary"]


async def echo(request: Request) -> JSONResponse:
    """What the upstream received: method, target bytes, headers and body."""
    return JSONResponse(
        {
            "method": request.method,
            "target": (request.scope["raw_path"] + b"?" + request.scope["query_string"]).decode(),
            "headers": [[k.decode(), v.decode()] for k, v in request.headers.raw],
            "body": (await request.body()).decode(),
        }
    )


def test_a_request_goes_upstream_as_the_client_sent_it() -> None:
    app = Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST", "PATCH"])])
    target = "/v2/projects/x%2Fy?populates[]=client&where_name=a%20b&flag&where_name=c"
    with serve_in_thread(app) as echoing, proxying(echoing.base_url) as proxy:
        answer = httpx.patch(
            f"{proxy.base_url}{target}",
            headers={"Authorization": "Basic dXNlcjpwYXNz", "X-Request-Id": "r-1"},
            content=b'{"name": "x"}',
        )
        received = answer.json()
        upstream_host = f"127.0.0.1:{echoing.port}"
    assert (received["method"], received["target"], received["body"]) == (
        "PATCH",
        target,
        '{"name": "x"}',
    )
    headers = dict(received["headers"])
    assert headers["authorization"] == "Basic dXNlcjpwYXNz"
    assert headers["x-request-id"] == "r-1"
    assert headers["host"] == upstream_host
    assert headers["content-length"] == "13"


def test_an_upstream_that_does_not_answer_is_a_502_in_the_envelope_and_counted() -> None:
    with proxying(f"http://127.0.0.1:{free_port()}") as proxy:
        answer = httpx.get(f"{proxy.base_url}/v2/projects", headers={"Authorization": "Bearer t"})
        report = proxy.report()
    body = assert_error(answer, 502, "UPSTREAM_UNREACHABLE")
    assert "refused or could not be reached" in body["error"]
    assert report["unanswered"] == [
        {"operation": "listProjects", "error": "refused or could not be reached", "count": 1}
    ]
    assert proxy.printed == [
        "listProjects: the upstream did not answer (refused or could not be reached)"
    ]


def test_an_answer_over_8_mb_is_a_502_and_is_not_passed_on() -> None:
    async def too_large(request: Request) -> Response:
        return Response(b"x" * (MAX_BODY_BYTES + 1), media_type="application/json")

    app = Starlette(routes=[Route("/v2/projects", too_large)])
    with serve_in_thread(app) as upstream, proxying(upstream.base_url) as proxy:
        answer = httpx.get(f"{proxy.base_url}/v2/projects")
    body = assert_error(answer, 502, "UPSTREAM_UNREACHABLE")
    assert body["error"].endswith(f"answered over {MAX_BODY_BYTES} bytes")


def test_a_slow_answer_holds_up_no_other_request(upstream: RunningServer) -> None:
    headers = {"Authorization": f"Bearer {signed_token()}"}
    with proxying(upstream.base_url) as proxy:
        slow = threading.Thread(
            target=httpx.get,
            args=(f"{proxy.base_url}/v2/projects",),
            kwargs={"headers": {**headers, "X-Mock-Latency-Ms": "3000"}, "timeout": 10},
        )
        slow.start()
        time.sleep(0.3)  # the slow request is waiting upstream
        started = time.monotonic()
        fast = httpx.get(f"{proxy.base_url}/v2/projects", headers=headers, timeout=10)
        took = time.monotonic() - started
        slow.join(timeout=10)
    assert fast.status_code == 200
    assert took < 2


def test_proxy_command_prints_violations_then_its_summary_on_sigterm_and_exits_0(
    drifting_upstream: RunningServer,
) -> None:
    port = free_port()
    command = [VERIFIK_MOCK, "proxy", "--upstream", drifting_upstream.base_url, "--port", str(port)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:  # fmt: skip
        try:
            wait_for_port(port, seconds=30)
            send_traffic(f"http://127.0.0.1:{port}", signed_token())
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        finally:
            process.send_signal(signal.SIGTERM)
            printed, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert len(health.headers.get_list("date")) == 1  # the upstream's only
    lines = printed.splitlines()
    assert (
        lines[0] == f"verifik-mock proxy at http://127.0.0.1:{port} -> {drifting_upstream.base_url}"
    )
    assert RENAMED in lines
    assert WRONG_ENUM in lines
    summary = lines.index("exchanges: 6, violations: 9 (in 3 operations), unanswered: 0")
    assert "  retrieveBiometricValidation" in lines[summary:]
    assert f"    200 $.data: {REQUIRED} (1x)" in lines[summary:]
