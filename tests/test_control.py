"""The /__mock__ control API: scenario rules, the clock, resets, fixtures, tokens, journal."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.answers import Json, assert_error, create_example_validation, get_answer
from tests.contract_schema import assert_matches_schema
from tests.sample_images import face_png
from verifik_mock import Settings, create_app
from verifik_mock.server import RunningServer, serve_in_thread

VALIDATIONS = "/v2/biometric-validations"
VALIDATE = "/v2/biometric-validations/validate"
SCENARIOS = "/__mock__/scenarios"
CLOCK = "/__mock__/clock"
JOURNAL = "/__mock__/journal"
RESET = "/__mock__/reset"
CLOCK_START = datetime.fromisoformat("2024-01-15T10:30:00Z")
ADMIN_TOKEN = "adm1n"
FACE = base64.b64encode(face_png()).decode()


def connect(server: RunningServer, token: str, admin_token: str | None = None) -> httpx.Client:
    """A client of ``server`` authenticated with ``token``, and ``admin_token`` if given."""
    headers = {"Authorization": f"Bearer {token}"}
    if admin_token is not None:
        headers["X-Mock-Admin-Token"] = admin_token
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=10)


@contextmanager
def own_server(settings: Settings) -> Iterator[RunningServer]:
    """A mock of its own with ``settings``, for what the shared one cannot show."""
    with serve_in_thread(create_app(settings)) as running:
        yield running


@pytest.fixture
def other_client(server: RunningServer) -> Iterator[httpx.Client]:
    """A second tenant on the shared server, beside the ``client`` fixture's."""
    with connect(server, f"other-{uuid.uuid4().hex}") as http:
        yield http


def post_answer(
    http: httpx.Client, path: str, schema: str, body: Json | None = None, **params: Any
) -> Json:
    """The 200 answer to ``POST path``, checked against the contract's ``schema``."""
    response = http.post(path, json=body, params=params)
    assert response.status_code == 200, response.text
    answer: Json = response.json()
    assert_matches_schema(answer, schema)
    return answer


def clear_rules(http: httpx.Client, **params: str) -> Json:
    """The answer to ``DELETE /__mock__/scenarios``, checked against the contract."""
    response = http.delete(SCENARIOS, params=params)
    assert response.status_code == 200, response.text
    answer: Json = response.json()
    assert_matches_schema(answer, "ScenarioRuleList")
    return answer


def validate(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate the session of ``session_token`` with a face capture."""
    headers = {"Authorization": f"Bearer {session_token}"}
    return http.post(VALIDATE, json={"image": FACE}, headers=headers)


def clock_now(http: httpx.Client) -> datetime:
    """The tenant's mock clock."""
    return datetime.fromisoformat(get_answer(http, CLOCK, "ClockView")["now"])


def journal(http: httpx.Client, **params: Any) -> list[Json]:
    """Journal entries, newest first, checked against the contract."""
    entries: list[Json] = get_answer(http, JOURNAL, "JournalList", **params)["data"]
    return entries


def set_rule(http: httpx.Client, identifier: str, **fields: float) -> Json:
    """Set ``identifier``'s scenario rule; the answer, checked against the contract."""
    return post_answer(http, SCENARIOS, "ScenarioRuleList", {"identifier": identifier} | fields)


def rules(http: httpx.Client) -> list[Json]:
    """The tenant's scenario rules, checked against the contract."""
    listed: list[Json] = get_answer(http, SCENARIOS, "ScenarioRuleList")["data"]
    return listed


def identifiers(listed_rules: list[Json]) -> list[str]:
    """The identifiers of scenario rules, sorted."""
    return sorted(rule["identifier"] for rule in listed_rules)


# ---- scenario rules


def test_set_rule_is_answered_and_listed_with_its_scores(client: httpx.Client) -> None:
    answer = set_rule(client, "bruno@example.com", livenessScore=0.41, times=2)

    expected = [{"identifier": "bruno@example.com", "livenessScore": 0.41, "remaining": 2}]
    assert answer["data"] == expected
    assert rules(client) == expected


def test_rule_without_times_has_no_remaining_count(client: httpx.Client) -> None:
    answer = set_rule(client, "dario@example.com", searchScore=0.1)

    assert answer["data"] == [{"identifier": "dario@example.com", "searchScore": 0.1}]


def test_setting_a_rule_again_replaces_the_identifiers_rule(client: httpx.Client) -> None:
    set_rule(client, "a@x.co", livenessScore=0.2)

    answer = set_rule(client, "a@x.co", searchScore=0.3)

    assert answer["data"] == [{"identifier": "a@x.co", "searchScore": 0.3}]


def test_clearing_one_identifier_keeps_the_other_rules(client: httpx.Client) -> None:
    for identifier in ("a@x.co", "b@x.co"):
        set_rule(client, identifier, livenessScore=0.2)

    answer = clear_rules(client, identifier="a@x.co")

    assert identifiers(answer["data"]) == ["b@x.co"]
    assert identifiers(rules(client)) == ["b@x.co"]


def test_clearing_without_identifier_removes_every_rule(client: httpx.Client) -> None:
    for identifier in ("a@x.co", "b@x.co"):
        set_rule(client, identifier, livenessScore=0.2)

    answer = clear_rules(client)

    assert answer["data"] == []
    assert rules(client) == []


def test_rule_forces_the_next_validation_and_counts_the_use(client: httpx.Client) -> None:
    set_rule(client, "bruno@example.com", livenessScore=0.41, times=2)
    created = create_example_validation(client, identifier="bruno@example.com")

    assert_error(validate(client, created["token"]), 409, "LIVENESS_FAILED")

    [left] = rules(client)
    assert left["remaining"] == 1


def test_rules_of_one_tenant_are_not_anothers(
    client: httpx.Client, other_client: httpx.Client
) -> None:
    set_rule(client, "a@x.co", livenessScore=0.2)

    assert rules(other_client) == []


# ---- the clock


def test_clock_of_a_new_tenant_reads_the_pages_created_at(client: httpx.Client) -> None:
    assert clock_now(client) == CLOCK_START


def test_setting_the_clock_forward_moves_it_there(client: httpx.Client) -> None:
    answer = post_answer(client, CLOCK, "ClockView", {"now": "2024-01-15T12:00:00Z"})

    assert answer["now"] == "2024-01-15T12:00:00Z"
    assert clock_now(client) == datetime.fromisoformat("2024-01-15T12:00:00Z")


def test_setting_the_clock_back_is_refused_and_leaves_it(client: httpx.Client) -> None:
    before = clock_now(client)

    response = client.post(CLOCK, json={"now": "2024-01-15T10:00:00Z"})

    assert_error(response, 409, "MISSING_PARAMETER")
    assert clock_now(client) == before


def test_advancing_the_clock_adds_minutes_and_seconds(client: httpx.Client) -> None:
    before = clock_now(client)

    answer = post_answer(client, f"{CLOCK}/advance", "ClockView", {"minutes": 2, "seconds": 30})

    assert datetime.fromisoformat(answer["now"]) == before + timedelta(minutes=2, seconds=30)
    assert clock_now(client) == before + timedelta(minutes=2, seconds=30)


def test_advancing_past_expires_at_expires_a_new_validation(client: httpx.Client) -> None:
    created = create_example_validation(client, expiresAt="2024-01-15T10:32:00Z")
    assert created["status"] == "new"

    post_answer(client, f"{CLOCK}/advance", "ClockView", {"minutes": 3})

    record = get_answer(client, f"{VALIDATIONS}/{created['_id']}", "BiometricValidationResponse")
    assert record["data"]["status"] == "expired"


def test_advancing_short_of_expires_at_leaves_a_validation_new(client: httpx.Client) -> None:
    created = create_example_validation(client, expiresAt="2024-01-15T10:40:00Z")

    post_answer(client, f"{CLOCK}/advance", "ClockView", {"minutes": 1})

    record = get_answer(client, f"{VALIDATIONS}/{created['_id']}", "BiometricValidationResponse")
    assert record["data"]["status"] == "new"


def test_advancing_past_ten_minutes_expires_an_active_session(client: httpx.Client) -> None:
    created = create_example_validation(client)

    post_answer(client, f"{CLOCK}/advance", "ClockView", {"minutes": 11})

    populated = get_answer(
        client,
        f"{VALIDATIONS}/{created['_id']}",
        "BiometricValidationResponse",
        **{"populates[]": "livenessSession"},
    )
    assert populated["data"]["livenessSession"]["status"] == "expired"
    assert_error(validate(client, created["token"]), 409, "LIVENESS_SESSION_EXPIRED")


def test_setting_the_clock_past_a_deadline_expires_too(client: httpx.Client) -> None:
    created = create_example_validation(client, expiresAt="2024-01-15T10:32:00Z")

    post_answer(client, CLOCK, "ClockView", {"now": "2024-01-15T11:00:00Z"})

    record = get_answer(client, f"{VALIDATIONS}/{created['_id']}", "BiometricValidationResponse")
    assert record["data"]["status"] == "expired"


# ---- reset


def test_tenant_reset_forgets_what_the_tenant_created(client: httpx.Client) -> None:
    created = create_example_validation(client)

    answer = post_answer(client, RESET, "ResetView")

    assert answer["success"] is True
    assert answer["reset"] == "tenant"
    assert_error(
        client.get(f"{VALIDATIONS}/{created['_id']}"), 404, "BIOMETRIC_VALIDATION_NOT_FOUND"
    )


def test_tenant_reset_hands_back_each_distinct_answer_the_tenant_was_given(
    client: httpx.Client,
) -> None:
    create_example_validation(client)
    create_example_validation(client)
    client.get(f"{VALIDATIONS}/{'0' * 24}")
    client.get("/v2/projects", headers={"X-Mock-Fault": "503"})

    answered = post_answer(client, RESET, "ResetView")["answered"]

    created = {"kind": "request", "operation": "createBiometricValidation", "status": 200}
    not_found = {"operation": "retrieveBiometricValidation", "status": 404}
    looked_up = {"kind": "request", "operation": "listProjectFlows", "status": 200}
    assert created in answered  # once, though given twice
    assert looked_up in answered  # the seeded flow each create looked up, once too
    assert {"kind": "request", **not_found, "code": "BIOMETRIC_VALIDATION_NOT_FOUND"} in answered
    assert {"kind": "request", "operation": "listProjects", "status": 503,
            "code": "SERVICE_UNAVAILABLE", "fault": "503"} in answered  # fmt: skip
    assert len(answered) == 4
    assert post_answer(client, RESET, "ResetView")["answered"] == []  # the reset forgot them


def test_tenant_reset_brings_back_the_seeded_world(client: httpx.Client) -> None:
    seeded = client.get(VALIDATIONS, params={"limit": 100}).json()["data"]
    set_rule(client, "a@x.co", livenessScore=0.2)
    create_example_validation(client)
    post_answer(client, f"{CLOCK}/advance", "ClockView", {"minutes": 5})

    post_answer(client, RESET, "ResetView")

    assert client.get(VALIDATIONS, params={"limit": 100}).json()["data"] == seeded
    assert rules(client) == []
    assert clock_now(client) == CLOCK_START


def test_tenant_reset_leaves_other_tenants_untouched(
    client: httpx.Client, other_client: httpx.Client
) -> None:
    others = create_example_validation(other_client)

    post_answer(client, RESET, "ResetView", scope="tenant")

    retrieved = other_client.get(f"{VALIDATIONS}/{others['_id']}")
    assert retrieved.status_code == 200, retrieved.text


def test_reset_of_all_forgets_every_tenant(token: str) -> None:
    with own_server(Settings()) as mock, connect(mock, token) as mine, connect(mock, "b") as other:
        own_record, others_record = (
            create_example_validation(mine),
            create_example_validation(other),
        )

        answer = post_answer(mine, RESET, "ResetView", scope="all")

        assert answer == {"success": True, "reset": "all", "answered": []}
        for http, record in ((mine, own_record), (other, others_record)):
            gone = http.get(f"{VALIDATIONS}/{record['_id']}")
            assert_error(gone, 404, "BIOMETRIC_VALIDATION_NOT_FOUND")


# ---- fixtures


def test_strict_login_fixture_adds_its_flow(client: httpx.Client) -> None:
    loaded = post_answer(client, "/__mock__/fixtures/strict-login", "FixtureLoaded")

    assert loaded["fixture"] == "strict-login"
    assert len(loaded["persons"]) == 2
    assert loaded["rules"] == 1
    [flow_id] = loaded["projectFlows"]
    flows = get_answer(client, "/v2/project-flows", "ProjectFlowList", type="login", limit=100)
    [flow] = [flow for flow in flows["data"] if flow["_id"] == flow_id]
    assert flow["name"] == "Strict login"
    assert flow["livenessMinScore"] == 0.9
    assert flow["searchMinScore"] == 0.95


def test_strict_login_fixture_sets_brunos_rule(client: httpx.Client) -> None:
    post_answer(client, "/__mock__/fixtures/strict-login", "FixtureLoaded")

    assert rules(client) == [
        {"identifier": "bruno@example.com", "livenessScore": 0.41, "remaining": 2}
    ]


def test_unknown_fixture_is_not_found_and_the_answer_lists_the_available_ones(
    client: httpx.Client,
) -> None:
    body = assert_error(client.post("/__mock__/fixtures/no-such-thing"), 404, "FIXTURE_NOT_FOUND")

    assert "strict-login" in body["error"]
    assert "liveness-outage" in body["error"]


@pytest.mark.parametrize("name", ["..%2Fetc", "..%2F..%2Fpyproject", "%2E%2E"])
def test_fixture_name_with_path_tricks_is_not_found(client: httpx.Client, name: str) -> None:
    response = client.post(f"/__mock__/fixtures/{name}")

    assert response.status_code == 404, response.text
    assert_matches_schema(response.json(), "ErrorResponse")
    assert rules(client) == []


# ---- liveness tokens


def test_liveness_token_of_a_seeded_new_validation_is_accepted_by_validate(
    client: httpx.Client,
) -> None:
    seeded = client.get(VALIDATIONS, params={"where_status": "new"}).json()["data"][0]

    answer = get_answer(client, f"/__mock__/liveness-tokens/{seeded['_id']}", "LivenessTokenView")

    assert answer["livenessSession"] == seeded["livenessSession"]
    validated = validate(client, answer["token"])
    assert validated.status_code == 200, validated.text


def test_liveness_token_of_a_created_validation_is_the_create_answers(
    client: httpx.Client,
) -> None:
    created = create_example_validation(client)

    answer = get_answer(client, f"/__mock__/liveness-tokens/{created['_id']}", "LivenessTokenView")

    assert answer["token"] == created["token"]


def test_liveness_token_of_an_unknown_validation_is_not_found(client: httpx.Client) -> None:
    response = client.get("/__mock__/liveness-tokens/65a5086f1fdd9b772e68a000")

    assert_error(response, 404, "BIOMETRIC_VALIDATION_NOT_FOUND")


# ---- the journal


def test_journal_records_the_tenants_request_with_method_path_status_and_operation(
    client: httpx.Client,
) -> None:
    created = create_example_validation(client)
    client.get(VALIDATIONS, params={"where_status": "new", "limit": 3})

    newest = journal(client, limit=2)

    assert [
        {key: entry.get(key) for key in ("kind", "client", "method", "path", "status", "operation")}
        for entry in newest
    ] == [
        {
            "kind": "request",
            "client": created["client"],
            "method": "GET",
            "path": VALIDATIONS,
            "status": 200,
            "operation": "listBiometricValidations",
        },
        {
            "kind": "request",
            "client": created["client"],
            "method": "POST",
            "path": VALIDATIONS,
            "status": 200,
            "operation": "createBiometricValidation",
        },
    ]


def test_journal_records_refused_requests_with_their_status_and_code(
    client: httpx.Client,
) -> None:
    client.get(f"{VALIDATIONS}/65a5086f1fdd9b772e68a000")

    [entry] = journal(client, limit=1)

    assert entry["status"] == 404
    assert entry["code"] == "BIOMETRIC_VALIDATION_NOT_FOUND"
    assert entry["operation"] == "retrieveBiometricValidation"


def test_journal_records_the_pages_code_of_an_observed_refusal(client: httpx.Client) -> None:
    post_answer(client, "/__mock__/wire", "WireView", {"wire": "observed"})
    refused = client.get(f"{VALIDATIONS}/65a5086f1fdd9b772e68a000")

    [entry] = journal(client, limit=1)

    assert refused.json()["code"] == "NotFound"
    assert entry["code"] == "BIOMETRIC_VALIDATION_NOT_FOUND"


def test_journal_records_a_successful_answer_without_a_code(client: httpx.Client) -> None:
    client.get(VALIDATIONS)

    [entry] = journal(client, limit=1)

    assert (entry["status"], "code" in entry, "fault" in entry) == (200, False, False)


def test_journal_names_the_operation_a_refused_token_called(
    client: httpx.Client, anonymous: httpx.Client
) -> None:
    path = f"{VALIDATIONS}/{uuid.uuid4().hex[:24]}"  # no other request uses it
    anonymous.get(path)

    entries = journal(client, scope="all", limit=1000)

    [entry] = [e for e in entries if e["path"] == path]
    assert "client" not in entry
    assert (entry["operation"], entry["status"], entry["code"]) == (
        "retrieveBiometricValidation", 401, "UNAUTHORIZED",
    )  # fmt: skip


def test_journal_of_a_tenant_holds_only_its_own_requests(
    client: httpx.Client, other_client: httpx.Client
) -> None:
    mine, others = create_example_validation(client), create_example_validation(other_client)

    own_clients = {entry.get("client") for entry in journal(client, limit=1000)}
    every_client = {entry.get("client") for entry in journal(client, scope="all", limit=1000)}

    assert own_clients == {mine["client"]}
    assert {mine["client"], others["client"]} <= every_client


def test_journal_limit_caps_the_entries(client: httpx.Client) -> None:
    for _ in range(3):
        client.get("/v2/projects")

    assert len(journal(client, limit=2)) == 2


def test_journal_never_holds_a_token_an_image_or_a_query_string(
    server: RunningServer,
) -> None:
    token, query_value = f"secret-token-{uuid.uuid4().hex}", f"needle-{uuid.uuid4().hex}"
    with connect(server, token) as http:
        created = create_example_validation(http)
        http.get(VALIDATIONS, params={"where_identifier": query_value})
        validate(http, created["token"])

        text = http.get(JOURNAL, params={"scope": "all", "limit": 1000}).text

    for secret in (token, created["token"], query_value, "where_identifier", FACE[:40]):
        assert secret not in text


def test_journal_keeps_at_most_journal_size_entries(token: str) -> None:
    with own_server(Settings(journal_size=5)) as mock, connect(mock, token) as http:
        for _ in range(8):
            http.get("/v2/projects")

        entries = journal(http, scope="all", limit=1000)

    assert len(entries) == 5


# ---- the admin token


CONTROL_CALLS = [
    ("GET", CLOCK),
    ("GET", SCENARIOS),
    ("DELETE", SCENARIOS),
    ("POST", RESET),
    ("GET", JOURNAL),
    ("GET", "/__mock__/webhooks"),
    ("POST", "/__mock__/fixtures/strict-login"),
]


@pytest.fixture(scope="module")
def guarded_server() -> Iterator[RunningServer]:
    """A mock whose control API needs ``X-Mock-Admin-Token: adm1n``."""
    with own_server(Settings(admin_token=ADMIN_TOKEN)) as running:
        yield running


@pytest.mark.parametrize("admin_token", [None, "wrong"], ids=["none", "wrong"])
@pytest.mark.parametrize(("method", "path"), CONTROL_CALLS)
def test_control_call_without_the_admin_token_is_refused(
    guarded_server: RunningServer,
    token: str,
    admin_token: str | None,
    method: str,
    path: str,
) -> None:
    with connect(guarded_server, token, admin_token) as http:
        response = http.request(method, path)

    assert_error(response, 403, "ADMIN_TOKEN_REQUIRED")


@pytest.mark.parametrize(("method", "path"), CONTROL_CALLS)
def test_control_call_with_the_admin_token_is_answered(
    guarded_server: RunningServer, token: str, method: str, path: str
) -> None:
    with connect(guarded_server, token, admin_token=ADMIN_TOKEN) as http:
        response = http.request(method, path)

    assert response.status_code == 200, response.text


def test_refused_control_call_changes_nothing(guarded_server: RunningServer, token: str) -> None:
    with connect(guarded_server, token) as http:
        http.post(f"{CLOCK}/advance", json={"minutes": 5})
    with connect(guarded_server, token, admin_token=ADMIN_TOKEN) as admin:
        assert clock_now(admin) == CLOCK_START


def test_verifik_calls_need_no_admin_token(guarded_server: RunningServer, token: str) -> None:
    with connect(guarded_server, token) as http:
        response = http.get(VALIDATIONS)

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/__mock__/clock", {"now": "9999-12-31T23:59:59Z"}),
        ("/__mock__/clock", {"now": "9000-01-01T00:00:01Z"}),
    ],
    ids=["year-9999", "just-past-9000"],
)
def test_the_clock_stops_at_year_9000_naming_the_limit(
    client: httpx.Client, path: str, body: Json
) -> None:
    answer = client.post(path, json=body)
    assert_error(answer, 409, "MISSING_PARAMETER")
    assert "9000-01-01T00:00:00Z" in answer.json()["error"]


def test_maximal_advances_stop_at_the_limit_and_writes_still_work(client: httpx.Client) -> None:
    client.post("/__mock__/clock", json={"now": "8995-01-01T00:00:00Z"})
    refused = client.post("/__mock__/clock/advance", json={"minutes": 10 * 365 * 1440})
    assert_error(refused, 409, "MISSING_PARAMETER")
    assert client.post("/__mock__/clock", json={"now": "9000-01-01T00:00:00Z"}).status_code == 200
    create_example_validation(client, identifier="late@example.com")
    assert client.get("/v2/biometric-validations").status_code == 200


def test_reset_forgets_the_tenants_webhook_deliveries_and_emails(client: httpx.Client) -> None:
    fields = {"sendViaEmail": True, "email": "ana@example.com",
              "webhookUrl": "https://example.com/hook"}  # fmt: skip
    create_example_validation(client, **fields)
    assert client.get("/__mock__/webhooks").json()["data"]
    client.post("/__mock__/reset")
    again = create_example_validation(client, **fields)
    deliveries = client.get("/__mock__/webhooks").json()["data"]
    assert [d["body"]["object"]["_id"] for d in deliveries] == [again["_id"]]
    assert len(client.get("/__mock__/emails").json()["data"]) == 1
