"""X-Mock-Fault and X-Mock-Latency-Ms: failures and delays asked for on one /v2 request."""

from __future__ import annotations

import logging
import socket
import uuid

import httpx
import pytest
from uvicorn.config import HTTPProtocolType

from tests.answers import Json, assert_error, get_answer, seeded_flow
from verifik_mock import create_app
from verifik_mock.contract_file import load_contract
from verifik_mock.models.control import FaultRuleBody
from verifik_mock.server import RunningServer, serve_in_thread

VALIDATIONS = "/v2/biometric-validations"
FAULT = "X-Mock-Fault"
LATENCY = "X-Mock-Latency-Ms"
ERROR_FAULTS = [
    ("500", 500, "INTERNAL_ERROR"),
    ("502", 502, "BAD_GATEWAY"),
    ("503", 503, "SERVICE_UNAVAILABLE"),
    ("429", 429, "RATE_LIMITED"),
]
"""Each ``X-Mock-Fault`` answered at once, with its status and error code."""


@pytest.fixture
def create_body(client: httpx.Client) -> Json:
    """A create the mock accepts: an onboarding for ana@example.com on the seeded flow."""
    flow = seeded_flow(client)
    return {
        "project": flow["project"],
        "projectFlow": flow["_id"],
        "identifier": "ana@example.com",
        "type": "onboarding",
    }


def unique_path() -> str:
    """A /v2 path no other request uses, to find this request in the journal."""
    return f"{VALIDATIONS}/{uuid.uuid4().hex[:24]}"


def journal_entry_for(http: httpx.Client, path: str) -> Json:
    """The one journal entry, of any tenant, for a request to ``path``."""
    entries = get_answer(http, "/__mock__/journal", "JournalList", scope="all", limit=1000)
    found: list[Json] = [entry for entry in entries["data"] if entry["path"] == path]
    assert len(found) == 1, found
    return found[0]


def world_snapshot(http: httpx.Client) -> tuple[int, str]:
    """What a write would change: the number of validations and the mock clock."""
    total = http.get(VALIDATIONS).json()["pagination"]["total"]
    now = get_answer(http, "/__mock__/clock", "ClockView")["now"]
    return total, now


@pytest.mark.parametrize(("fault", "status", "code"), ERROR_FAULTS)
def test_fault_header_answers_its_status_in_the_error_envelope(
    client: httpx.Client, fault: str, status: int, code: str
) -> None:
    response = client.get(VALIDATIONS, headers={FAULT: fault})

    assert_error(response, status, code)


def test_rate_limit_fault_says_when_to_retry(client: httpx.Client) -> None:
    response = client.get(VALIDATIONS, headers={FAULT: "429"})

    assert response.headers["Retry-After"] == "1"


def test_server_error_faults_carry_no_retry_after(client: httpx.Client) -> None:
    response = client.get(VALIDATIONS, headers={FAULT: "503"})

    assert "Retry-After" not in response.headers


def test_timeout_fault_answers_504_after_the_asked_latency(client: httpx.Client) -> None:
    response = client.get(VALIDATIONS, headers={FAULT: "timeout", LATENCY: "200"})

    assert_error(response, 504, "TIMEOUT")


def test_timeout_fault_trips_a_clients_read_timeout(client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.get(VALIDATIONS, headers={FAULT: "timeout", LATENCY: "200"}, timeout=0.1)


def test_reset_fault_drops_the_connection_without_an_answer(client: httpx.Client) -> None:
    with pytest.raises(httpx.TransportError):
        client.get(VALIDATIONS, headers={FAULT: "reset"})


@pytest.mark.parametrize("fault", ["500", "503", "429"])
def test_faulted_create_adds_no_record_and_moves_no_clock(
    client: httpx.Client, create_body: Json, fault: str
) -> None:
    before = world_snapshot(client)

    client.post(VALIDATIONS, json=create_body, headers={FAULT: fault})

    assert world_snapshot(client) == before


def test_dropped_create_adds_no_record_and_moves_no_clock(
    client: httpx.Client, create_body: Json
) -> None:
    before = world_snapshot(client)

    with pytest.raises(httpx.TransportError):
        client.post(VALIDATIONS, json=create_body, headers={FAULT: "reset"})

    assert world_snapshot(client) == before


def test_faulted_create_sends_no_webhook(client: httpx.Client, create_body: Json) -> None:
    body = create_body | {"webhookUrl": "https://example.com/webhook"}

    client.post(VALIDATIONS, json=body, headers={FAULT: "503"})

    assert get_answer(client, "/__mock__/webhooks", "WebhookDeliveryList")["data"] == []


def test_latency_header_still_answers_normally(client: httpx.Client, create_body: Json) -> None:
    response = client.post(VALIDATIONS, json=create_body, headers={LATENCY: "150"})

    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "new"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (FAULT, "418"),
        (FAULT, "drop"),
        (LATENCY, "-5"),
        (LATENCY, "abc"),
        (LATENCY, "60001"),
    ],
)
def test_invalid_fault_header_is_refused_naming_the_header(
    client: httpx.Client, header: str, value: str
) -> None:
    response = client.get(VALIDATIONS, headers={header: value})

    body = assert_error(response, 400, "INVALID_PARAMETERS")
    assert header.lower() in body["error"].lower()


def test_invalid_fault_header_on_a_create_adds_no_record(
    client: httpx.Client, create_body: Json
) -> None:
    before = world_snapshot(client)

    client.post(VALIDATIONS, json=create_body, headers={FAULT: "418"})

    assert world_snapshot(client) == before


def test_zero_latency_with_a_fault_answers_the_fault(client: httpx.Client) -> None:
    response = client.get(VALIDATIONS, headers={LATENCY: "0", FAULT: "502"})

    assert_error(response, 502, "BAD_GATEWAY")


@pytest.mark.parametrize(
    "path", ["/__mock__/clock", "/__mock__/scenarios", "/__mock__/journal", "/openapi.json"]
)
@pytest.mark.parametrize("fault", ["503", "reset", "timeout"])
def test_faults_do_not_apply_outside_v2(client: httpx.Client, path: str, fault: str) -> None:
    response = client.get(path, headers={FAULT: fault}, timeout=5)

    assert response.status_code == 200, response.text


def test_latency_header_is_not_checked_outside_v2(client: httpx.Client) -> None:
    response = client.get("/__mock__/clock", headers={LATENCY: "abc"})

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("fault", "status", "code"), ERROR_FAULTS)
def test_faulted_request_is_journaled_with_its_status_code_and_fault(
    client: httpx.Client, fault: str, status: int, code: str
) -> None:
    path = unique_path()

    client.get(path, headers={FAULT: fault})

    entry = journal_entry_for(client, path)
    assert entry["method"] == "GET"
    assert (entry["status"], entry["code"], entry["fault"]) == (status, code, fault)


def test_timed_out_request_is_journaled_with_504(client: httpx.Client) -> None:
    path = unique_path()

    client.get(path, headers={FAULT: "timeout", LATENCY: "50"})

    entry = journal_entry_for(client, path)
    assert (entry["status"], entry["code"], entry["fault"]) == (504, "TIMEOUT", "timeout")


def test_dropped_request_is_journaled_with_no_status(client: httpx.Client) -> None:
    path = unique_path()

    with pytest.raises(httpx.TransportError):
        client.get(path, headers={FAULT: "reset"})

    entry = journal_entry_for(client, path)
    assert entry["method"] == "GET"
    assert "status" not in entry
    assert entry["fault"] == "reset"


def test_faulted_request_is_in_its_tenants_journal_under_its_operation(
    client: httpx.Client, create_body: Json
) -> None:
    client.post(VALIDATIONS, json=create_body, headers={FAULT: "429"})

    [entry] = get_answer(client, "/__mock__/journal", "JournalList", limit=1)["data"]
    assert (entry["operation"], entry["fault"]) == ("createBiometricValidation", "429")


def test_faulted_validate_is_in_the_sessions_tenants_journal(
    client: httpx.Client, create_body: Json
) -> None:
    created = client.post(VALIDATIONS, json=create_body).json()["data"]
    session = {"Authorization": f"Bearer {created['token']}"}

    client.post(f"{VALIDATIONS}/validate", json={}, headers=session | {FAULT: "503"})

    [entry] = get_answer(client, "/__mock__/journal", "JournalList", limit=1)["data"]
    assert (entry["operation"], entry["fault"]) == ("validateBiometricValidation", "503")


def test_journaled_fault_keeps_no_query_string(client: httpx.Client) -> None:
    path, needle = unique_path(), f"needle-{uuid.uuid4().hex}"

    client.get(path, params={"where_identifier": needle}, headers={FAULT: "500"})

    assert journal_entry_for(client, path)["path"] == path
    journal = client.get("/__mock__/journal", params={"scope": "all", "limit": 1000})
    assert needle not in journal.text


def raw_request(server: RunningServer, request: bytes) -> bytes:
    """Send ``request`` on a socket of its own and read what comes back until it closes."""
    with socket.create_connection((server.host, server.port), timeout=5) as connection:
        connection.sendall(request)
        received = b""
        try:
            while chunk := connection.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass
        return received


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_a_reset_sends_no_byte_and_logs_one_line(
    http: HTTPProtocolType, caplog: pytest.LogCaptureFixture
) -> None:
    """Under uvicorn's two HTTP parsers: the connection closes before any byte of an answer
    (no status line, no headers), and the mock says so once, without a traceback."""
    with serve_in_thread(create_app(), http=http) as server, caplog.at_level(logging.INFO):
        received = raw_request(
            server,
            b"GET /v2/projects HTTP/1.1\r\nHost: %b\r\nAuthorization: Bearer t\r\n"
            b"X-Mock-Fault: reset\r\n\r\n" % f"127.0.0.1:{server.port}".encode(),
        )
    assert received == b""
    logged = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in logged] == [
        "X-Mock-Fault: reset: dropped GET /v2/projects"
    ]
    assert not any(record.exc_info for record in caplog.records)


def test_the_contract_lists_every_fault_with_what_it_answers() -> None:
    listed = {
        fault["fault"]: (fault.get("status"), fault.get("code"))
        for fault in load_contract()["components"]["x-mock-faults"]
    }
    rule_faults = FaultRuleBody.model_json_schema()["properties"]["fault"]["anyOf"][0]["enum"]

    assert listed == {fault: (status, code) for fault, status, code in ERROR_FAULTS} | {
        "timeout": (504, "TIMEOUT"),
        "reset": (None, None),
    }
    assert set(listed) == set(rule_faults)  # a fault rule takes the same faults
