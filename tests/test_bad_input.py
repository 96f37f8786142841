"""Bad input: each is refused with its documented status and envelope, and changes nothing."""

from __future__ import annotations

import base64
import json
import logging
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from random import Random
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import pytest
from uvicorn.config import HTTPProtocolType

from tests.contract_schema import assert_matches_schema
from tests.seeded_ids import DOCUMENT_LIVENESS_ID, FLOW_IDS, PROJECT_ID, VALIDATION_ID
from verifik_mock import Settings, create_app
from verifik_mock.contract_file import Wire
from verifik_mock.domain.tenancy import client_id_for_token
from verifik_mock.models.requests import (
    CreateBiometricValidationRequest,
    CreateDocumentLivenessRequest,
    CreateProjectFlowRequest,
    CreateProjectRequest,
)
from verifik_mock.server import RunningServer, serve_in_thread

VALIDATIONS = "/v2/biometric-validations"
DOCUMENT_LIVENESS = "/v2/document-liveness"
PROJECT_FLOWS = "/v2/project-flows"
PROJECTS = "/v2/projects"

VALID_VALIDATION: dict[str, Any] = {
    "project": PROJECT_ID,
    "projectFlow": FLOW_IDS["validation"],
    "identifier": "user@example.com",
    "type": "validation",
}
PNG_BASE64 = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(64))).decode()
VALID_DOCUMENT_LIVENESS: dict[str, Any] = {"image": PNG_BASE64, "validateScreenReplay": True}
SMALL_BODY_LIMIT = 1024


def assert_refused(response: httpx.Response, status: int, code: str, culprit: str) -> None:
    """``response`` is the error envelope with ``status`` and ``code``, naming ``culprit``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_matches_schema(body, "ErrorResponse")
    assert body == {"success": False, "error": body["error"], "code": code}
    assert re.search(rf"(?<!\w){re.escape(culprit)}(?!\w)", body["error"]), body["error"]


def record_count(client: httpx.Client, path: str) -> int:
    """How many records the client's list at ``path`` holds."""
    response = client.get(path, params={"limit": 1})
    assert response.status_code == 200, response.text
    total = response.json()["pagination"]["total"]
    assert isinstance(total, int)
    return total


def post_validation(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    """Create a biometric validation with ``body``."""
    return client.post(VALIDATIONS, json=body)


def created_id(response: httpx.Response) -> str:
    """The ``_id`` of the record a successful create answered with."""
    assert response.status_code == 200, response.text
    record_id = response.json()["data"]["_id"]
    assert isinstance(record_id, str)
    return record_id


@pytest.fixture(scope="module")
def small_server() -> Iterator[RunningServer]:
    """A mock that refuses bodies over ``SMALL_BODY_LIMIT`` bytes."""
    with serve_in_thread(create_app(Settings(max_body_bytes=SMALL_BODY_LIMIT))) as running:
        yield running


@pytest.fixture
def small_client(small_server: RunningServer, token: str) -> Iterator[httpx.Client]:
    """A client of ``small_server`` with this test's own tenant."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=small_server.base_url, headers=headers, timeout=10) as http:
        yield http


# Authorization


def test_missing_authorization_is_refused_with_401(anonymous: httpx.Client) -> None:
    assert_refused(anonymous.get(VALIDATIONS), 401, "UNAUTHORIZED", "Authorization")


@pytest.mark.parametrize(
    "authorization",
    ["Basic abc", "Bearer", "Bearer a b", ""],
    ids=["basic-scheme", "bearer-without-token", "bearer-with-two-tokens", "empty"],
)
def test_malformed_authorization_is_refused_with_401(
    anonymous: httpx.Client, authorization: str
) -> None:
    response = anonymous.get(VALIDATIONS, headers={"Authorization": authorization})
    assert_refused(response, 401, "UNAUTHORIZED", "Authorization")


# Creating a biometric validation


@pytest.mark.parametrize("field", ["project", "projectFlow", "identifier", "type"])
def test_create_without_a_required_field_is_refused_naming_it(
    client: httpx.Client, field: str
) -> None:
    before = record_count(client, VALIDATIONS)
    body = {name: value for name, value in VALID_VALIDATION.items() if name != field}
    assert_refused(post_validation(client, body), 409, "MISSING_PARAMETER", field)
    assert record_count(client, VALIDATIONS) == before


@pytest.mark.parametrize(
    ("change", "culprit"),
    [
        ({"type": "selfie"}, "type"),
        ({"language": "fr"}, "language"),
        ({"sendViaEmail": True}, "email"),
        ({"redirectUrl": None}, "redirectUrl"),
        ({"project": None}, "project"),
        ({"callbackUrl": "https://example.com/hook"}, "callbackUrl"),
        ({"requires2FA": "true"}, "requires2FA"),
        ({"identifier": 42}, "identifier"),
        ({"identifier": ""}, "identifier"),
        ({"expiresAt": "tomorrow"}, "expiresAt"),
    ],
    ids=[
        "type-not-a-validation-type",
        "language-not-en-or-es",
        "send-via-email-without-email",
        "optional-field-sent-as-null",
        "required-field-sent-as-null",
        "unknown-field",
        "boolean-sent-as-string",
        "string-sent-as-number",
        "identifier-empty",
        "expires-at-not-an-instant",
    ],
)
def test_create_with_an_invalid_field_is_refused_naming_it(
    client: httpx.Client, change: dict[str, Any], culprit: str
) -> None:
    before = record_count(client, VALIDATIONS)
    response = post_validation(client, VALID_VALIDATION | change)
    assert_refused(response, 409, "MISSING_PARAMETER", culprit)
    assert record_count(client, VALIDATIONS) == before


@pytest.mark.parametrize(
    "expires_at",
    ["2024-01-15T11:30:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00"],
    ids=["without-utc-offset", "after-year-9999-in-utc", "before-year-1-in-utc"],
)
def test_create_with_expires_at_that_is_no_utc_instant_is_refused_with_409(
    client: httpx.Client, expires_at: str
) -> None:
    """The contract's ``expiresAt`` is an RFC 3339 ``date-time`` written back in UTC:
    one without an offset, or outside the years 0001-9999 once in UTC, breaks the schema."""
    before = record_count(client, VALIDATIONS)
    response = post_validation(client, VALID_VALIDATION | {"expiresAt": expires_at})
    assert_refused(response, 409, "MISSING_PARAMETER", "expiresAt")
    assert record_count(client, VALIDATIONS) == before


def test_create_with_expires_at_in_year_one_is_accepted_and_reads_expired(
    client: httpx.Client,
) -> None:
    """A valid ``date-time`` long past is no bad input: the validation is born expired."""
    response = post_validation(client, VALID_VALIDATION | {"expiresAt": "0001-01-01T00:00:00Z"})
    assert response.status_code == 200, response.text
    record = response.json()["data"]
    assert (record["expiresAt"], record["status"]) == ("0001-01-01T00:00:00Z", "expired")


@pytest.mark.parametrize("field", ["redirectUrl", "webhookUrl"])
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/file",
        "//example.com/no-scheme",
        "http://127.0.0.1:abc/x",
        "http://127.0.0.1:99999/x",
        "http://[::1/x",
        "http://example.com/a\r\nX-Injected: 1",
        "http://exa mple.com/",
    ],
    ids=["javascript", "data", "ftp", "no-scheme", "port-not-a-number", "port-out-of-range",
         "broken-ipv6", "line-break", "space"],
)  # fmt: skip
def test_a_url_no_browser_or_http_client_should_follow_is_refused_at_create(
    client: httpx.Client, field: str, url: str
) -> None:
    before = record_count(client, VALIDATIONS)
    assert_refused(post_validation(client, VALID_VALIDATION | {field: url}), 409,
                   "MISSING_PARAMETER", field)  # fmt: skip
    assert record_count(client, VALIDATIONS) == before


def test_a_flow_with_a_javascript_webhook_url_is_refused(client: httpx.Client) -> None:
    body = {"project": PROJECT_ID, "name": "Bad", "type": "login", "webhookUrl": "javascript:x"}
    assert_refused(client.post(PROJECT_FLOWS, json=body), 409, "MISSING_PARAMETER", "webhookUrl")


def test_unknown_project_flow_is_refused_with_invalid_project_flow(
    client: httpx.Client,
) -> None:
    before = record_count(client, VALIDATIONS)
    response = post_validation(client, VALID_VALIDATION | {"projectFlow": "flow_unknown"})
    assert_refused(response, 409, "INVALID_PROJECT_FLOW", "project flow")
    assert record_count(client, VALIDATIONS) == before


def test_project_flow_of_another_project_is_refused_with_invalid_project_flow(
    client: httpx.Client,
) -> None:
    other_project = created_id(client.post(PROJECTS, json={"name": "Another project"}))
    before = record_count(client, VALIDATIONS)
    response = post_validation(client, VALID_VALIDATION | {"project": other_project})
    assert_refused(response, 409, "INVALID_PROJECT_FLOW", "project flow")
    assert record_count(client, VALIDATIONS) == before


def test_paused_project_flow_is_refused_with_invalid_project_flow(client: httpx.Client) -> None:
    paused = {"project": PROJECT_ID, "name": "Paused flow", "type": "validation"}
    paused_flow = created_id(client.post(PROJECT_FLOWS, json=paused | {"status": "paused"}))
    before = record_count(client, VALIDATIONS)
    response = post_validation(client, VALID_VALIDATION | {"projectFlow": paused_flow})
    assert_refused(response, 409, "INVALID_PROJECT_FLOW", "project flow")
    assert record_count(client, VALIDATIONS) == before


# Bodies that are not a JSON object, or not JSON at all


@pytest.mark.parametrize(
    "content",
    [b'{"identifier": "ana@example.com",', json.dumps([VALID_VALIDATION]).encode(), b"null", b""],
    ids=["malformed-json", "json-array", "json-null", "empty"],
)
def test_body_that_is_not_a_json_object_is_refused_with_invalid_body(
    client: httpx.Client, content: bytes
) -> None:
    before = record_count(client, VALIDATIONS)
    response = client.post(
        VALIDATIONS, content=content, headers={"Content-Type": "application/json"}
    )
    assert_refused(response, 400, "INVALID_BODY", "JSON object")
    assert record_count(client, VALIDATIONS) == before


@pytest.mark.parametrize("media_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_body_not_declared_as_json_is_refused_with_415(
    client: httpx.Client, media_type: str
) -> None:
    before = record_count(client, VALIDATIONS)
    response = client.post(
        VALIDATIONS, content=json.dumps(VALID_VALIDATION), headers={"Content-Type": media_type}
    )
    assert_refused(response, 415, "UNSUPPORTED_MEDIA_TYPE", media_type)
    assert record_count(client, VALIDATIONS) == before


@pytest.mark.parametrize("chunked", [False, True], ids=["declared-length", "chunked"])
def test_body_over_the_size_limit_is_refused_with_413(
    small_client: httpx.Client, chunked: bool
) -> None:
    raw = json.dumps(VALID_VALIDATION | {"identifier": "x" * SMALL_BODY_LIMIT}).encode()
    content: bytes | Iterator[bytes] = iter([raw[:512], raw[512:]]) if chunked else raw
    before = record_count(small_client, VALIDATIONS)
    response = small_client.post(
        VALIDATIONS, content=content, headers={"Content-Type": "application/json"}
    )
    assert_refused(response, 413, "PAYLOAD_TOO_LARGE", str(SMALL_BODY_LIMIT))
    assert record_count(small_client, VALIDATIONS) == before


# Unknown records, routes and methods


@pytest.mark.parametrize(
    ("path", "code", "culprit"),
    [
        (VALIDATIONS, "BIOMETRIC_VALIDATION_NOT_FOUND", "Biometric validation"),
        (DOCUMENT_LIVENESS, "DOCUMENT_LIVENESS_NOT_FOUND", "Document liveness"),
        (PROJECT_FLOWS, "PROJECT_FLOW_NOT_FOUND", "Project flow"),
    ],
    ids=["biometric-validation", "document-liveness", "project-flow"],
)
def test_unknown_record_id_is_refused_with_404(
    client: httpx.Client, path: str, code: str, culprit: str
) -> None:
    assert_refused(client.get(f"{path}/65a5092977aba664a4075ff9"), 404, code, culprit)


def test_unknown_route_is_refused_with_404_not_found(client: httpx.Client) -> None:
    assert_refused(client.get("/v2/selfies"), 404, "NOT_FOUND", "/v2/selfies")


@pytest.mark.parametrize(
    ("path", "culprit"),
    [(f"{PROJECTS}/", f"{PROJECTS}/"), (f"{VALIDATIONS}/%2F", f"{VALIDATIONS}/")],
    ids=["list-with-trailing-slash", "retrieve-with-slash-as-id"],
)
def test_path_no_operation_serves_is_answered_in_the_envelope_not_redirected(
    client: httpx.Client, path: str, culprit: str
) -> None:
    """A redirect has no envelope, and a client that follows it gets a list it never asked for."""
    assert_refused(client.get(path), 404, "NOT_FOUND", culprit)


def test_wrong_method_is_refused_with_405(client: httpx.Client) -> None:
    before = record_count(client, PROJECTS)
    assert_refused(client.delete(PROJECTS), 405, "METHOD_NOT_ALLOWED", "DELETE")
    assert record_count(client, PROJECTS) == before


# Query parameters


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        (VALIDATIONS, "limit=0", "limit"),
        (VALIDATIONS, "limit=101", "limit"),
        (VALIDATIONS, "limit=abc", "limit"),
        (VALIDATIONS, "page=0", "page"),
        (VALIDATIONS, "sort=-bogus", "sort"),
        (VALIDATIONS, "where_status=validated", "where_status"),
        (VALIDATIONS, "where_type=x", "where_type"),
        (VALIDATIONS, "populates[]=nope", "populates[]"),
        (VALIDATIONS, "where_stauts=new", "where_stauts"),
        (f"{VALIDATIONS}/{VALIDATION_ID}", "limit=0", "limit"),
        (f"{VALIDATIONS}/{VALIDATION_ID}", "page=2", "page"),
        (DOCUMENT_LIVENESS, "status=bogus", "status"),
        (f"{DOCUMENT_LIVENESS}/{DOCUMENT_LIVENESS_ID}", "populates[]=project", "populates[]"),
        (PROJECT_FLOWS, "type=selfie", "type"),
        (f"{PROJECT_FLOWS}/{FLOW_IDS['onboarding']}", "limit=10", "limit"),
        (VALIDATIONS, "limit=5&limit=10", "limit"),
    ],
    ids=[
        "limit-zero",
        "limit-over-100",
        "limit-not-a-number",
        "page-zero",
        "sort-unknown-field",
        "where-status-unknown",
        "where-type-unknown",
        "populates-unknown-relation",
        "unknown-parameter",
        "retrieve-validation-limit-zero",
        "retrieve-validation-page",
        "document-liveness-status-unknown",
        "retrieve-document-liveness-populates-unknown",
        "project-flows-type-unknown",
        "retrieve-project-flow-takes-no-parameter",
        "one-value-given-twice",
    ],
)
def test_bad_query_parameter_is_refused_naming_it(
    client: httpx.Client, path: str, query: str, parameter: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert_refused(response, 400, "INVALID_PARAMETERS", parameter)


# Creating a document-liveness record


@pytest.mark.parametrize(
    ("body", "status", "code", "culprit"),
    [
        ({"image": PNG_BASE64}, 409, "MISSING_PARAMETER", "validateScreenReplay"),
        (
            VALID_DOCUMENT_LIVENESS | {"validateScreenReplay": False},
            409,
            "MISSING_PARAMETER",
            "validateDigitalManipulation",
        ),
        (VALID_DOCUMENT_LIVENESS | {"image": "not base64!"}, 400, "INVALID_IMAGE_FORMAT", "base64"),
        (
            VALID_DOCUMENT_LIVENESS | {"image": "data:image/png;base64,@@@@"},
            400,
            "INVALID_IMAGE_FORMAT",
            "base64",
        ),
        (
            VALID_DOCUMENT_LIVENESS | {"image": base64.b64encode(b"GIF89a...").decode()},
            400,
            "INVALID_IMAGE_FORMAT",
            "JPEG",
        ),
        (VALID_DOCUMENT_LIVENESS | {"image": ""}, 409, "MISSING_PARAMETER", "image"),
        (
            VALID_DOCUMENT_LIVENESS | {"screenReplayCalibration": "MEDIUM"},
            409,
            "MISSING_PARAMETER",
            "screenReplayCalibration",
        ),
    ],
    ids=[
        "no-check-enabled",
        "every-check-disabled",
        "image-not-base64",
        "data-uri-not-base64",
        "image-neither-jpeg-nor-png",
        "image-empty",
        "calibration-unknown",
    ],
)
def test_bad_document_liveness_create_is_refused_and_stores_nothing(
    client: httpx.Client, body: dict[str, Any], status: int, code: str, culprit: str
) -> None:
    before = record_count(client, DOCUMENT_LIVENESS)
    assert_refused(client.post(DOCUMENT_LIVENESS, json=body), status, code, culprit)
    assert record_count(client, DOCUMENT_LIVENESS) == before


# Robustness: junk never gets a server error, and always the envelope
#
# The junk comes from a seeded Random, not Hypothesis: Hypothesis also draws constants from
# whichever local modules are loaded, so its examples would change with the tests selected.

JUNK_SEED = 20240115
JUNK_BODIES = 200
JUNK_QUERIES = 100
"""How many junk requests of each kind are sent: 300 in all, the same ones every run."""

CREATE_TEMPLATES: dict[str, dict[str, Any]] = {
    VALIDATIONS: VALID_VALIDATION,
    DOCUMENT_LIVENESS: VALID_DOCUMENT_LIVENESS,
    PROJECTS: {"name": "Fuzzed project"},
    PROJECT_FLOWS: {"project": PROJECT_ID, "name": "Fuzzed flow", "type": "login"},
}
CREATE_FIELDS: dict[str, list[str]] = {
    VALIDATIONS: sorted(CreateBiometricValidationRequest.model_fields),
    DOCUMENT_LIVENESS: sorted(CreateDocumentLivenessRequest.model_fields),
    PROJECTS: sorted(CreateProjectRequest.model_fields),
    PROJECT_FLOWS: sorted(CreateProjectFlowRequest.model_fields),
}
MEDIA_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/merge-patch+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "",
]
READ_PATHS = [
    VALIDATIONS,
    DOCUMENT_LIVENESS,
    PROJECTS,
    PROJECT_FLOWS,
    f"{VALIDATIONS}/{VALIDATION_ID}",
    f"{DOCUMENT_LIVENESS}/{DOCUMENT_LIVENESS_ID}",
    f"{PROJECT_FLOWS}/{FLOW_IDS['onboarding']}",
]
QUERY_NAMES = [
    "page", "limit", "sort", "status", "type", "project", "populates[]", "where_client",
    "where_project", "where_projectFlow", "where_status", "where_type",
    "where_livenessSession", "where_identifier",
]  # fmt: skip
QUERY_VALUES = [
    "", "0", "1", "100", "101", "-1", "1e3", "99999999999999999999", "abc", "-createdAt",
    "status", "new", "expired", "paused", "login", "client", "livenessSession", PROJECT_ID,
]  # fmt: skip
KNOWN_STRINGS = ["validation", "paused", "es", "HARD", PNG_BASE64, FLOW_IDS["login"], "", "\ud800"]
NUMBERS: list[int | float] = [0, -1, 1, 2**31, 2**63, 2**64, -(2**63), 10**30, 0.5, 1e308, 5e-324]
OFFSETS = [None, UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))]
CHARACTERS = 'aZ09 _-./:%?&=[]{}\\"\x00\x1f\x7féñ€\u200b\U0001f600'


@dataclass(frozen=True)
class JunkBody:
    """One junk create request: where it goes, its bytes and its declared media type."""

    path: str
    content: bytes
    media_type: str


@dataclass(frozen=True)
class JunkQuery:
    """One junk read: a path and its query parameters."""

    path: str
    params: tuple[tuple[str, str], ...]


def junk_text(rng: Random, max_size: int = 20) -> str:
    """Text mixing ASCII, control characters, accents, a zero-width space and an emoji."""
    return "".join(rng.choice(CHARACTERS) for _ in range(rng.randint(0, max_size)))


def junk_instant(rng: Random) -> str:
    """An ISO-8601 instant from year 1 to 9999, with or without a UTC offset."""
    year = rng.choice([1, 999, 1970, 2024, 9999, rng.randint(1, 9999)])
    instant = datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23))
    return instant.replace(tzinfo=rng.choice(OFFSETS)).isoformat()


def junk_json(rng: Random, depth: int = 0) -> Any:
    """Any JSON value, nested at most two deep."""
    kinds = ["null", "bool", "number", "text", "known", "instant"]
    kind = rng.choice(kinds + (["list", "object"] if depth < 2 else []))
    if kind == "list":
        return [junk_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == "object":
        return {junk_text(rng, 8): junk_json(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    simple: dict[str, Callable[[], Any]] = {
        "null": lambda: None,
        "bool": lambda: rng.random() < 0.5,
        "number": lambda: rng.choice([*NUMBERS, rng.uniform(-1e6, 1e6)]),
        "text": lambda: junk_text(rng),
        "known": lambda: rng.choice(KNOWN_STRINGS),
        "instant": lambda: junk_instant(rng),
    }
    return simple[kind]()


def junk_content(rng: Random, path: str) -> bytes:
    """A body for ``path``: a valid one with fields changed or dropped, any JSON, or any bytes."""
    shape = rng.choice(["edited", "edited", "any-json", "any-bytes"])
    if shape == "any-bytes":
        return rng.randbytes(rng.randint(0, 200))
    if shape == "any-json":
        return json.dumps(junk_json(rng)).encode()
    body = dict(CREATE_TEMPLATES[path])
    for _ in range(rng.randint(1, 3)):
        field = rng.choice([*CREATE_FIELDS[path], "unknownField"])
        if rng.random() < 0.75:
            body[field] = junk_json(rng)
        else:
            body.pop(field, None)
    return json.dumps(body).encode()


def junk_bodies(rng: Random, count: int) -> Iterator[JunkBody]:
    """``count`` junk create requests, half of them declared as JSON."""
    for _ in range(count):
        path = rng.choice(sorted(CREATE_TEMPLATES))
        media_type = MEDIA_TYPES[0] if rng.random() < 0.5 else rng.choice(MEDIA_TYPES)
        yield JunkBody(path, junk_content(rng, path), media_type)


def junk_queries(rng: Random, count: int) -> Iterator[JunkQuery]:
    """``count`` reads with junk parameters, some of them of junk record ids."""
    for _ in range(count):
        path = rng.choice(READ_PATHS)
        if rng.random() < 0.25:
            path = f"{rng.choice(READ_PATHS[:4])}/{quote(junk_text(rng, 12), safe='')}"
        params = tuple(
            (
                rng.choice(QUERY_NAMES) if rng.random() < 0.7 else junk_text(rng, 12),
                rng.choice(QUERY_VALUES) if rng.random() < 0.5 else junk_text(rng),
            )
            for _ in range(rng.randint(0, 4))
        )
        yield JunkQuery(path, params)


@pytest.fixture(scope="module")
def fuzzing_client(server: RunningServer) -> Iterator[httpx.Client]:
    """One tenant for all the junk, so a run makes one world however many requests it sends."""
    headers = {"Authorization": "Bearer test-bad-input-junk"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
        yield http


def envelope_problem(response: httpx.Response) -> str | None:
    """What is wrong with ``response`` as an answer (a server error, no envelope), or None."""
    answer = f"{response.request.method} {response.request.url} -> {response.status_code}"
    if response.status_code >= 500:
        return f"{answer}: {response.text}"
    if response.headers.get("content-type") != "application/json":
        return f"{answer} without a JSON envelope: {response.text!r}"
    body = response.json()
    if response.status_code < 400:
        return None if body.get("success") is True else f"{answer}: {body}"
    try:
        assert_matches_schema(body, "ErrorResponse")
    except jsonschema.ValidationError as error:
        return f"{answer}: {body} is no error envelope ({error.message})"
    return None


def test_junk_bodies_never_get_a_server_error(fuzzing_client: httpx.Client) -> None:
    problems = [
        problem
        for junk in junk_bodies(Random(JUNK_SEED), JUNK_BODIES)
        if (
            problem := envelope_problem(
                fuzzing_client.post(
                    junk.path, content=junk.content, headers={"Content-Type": junk.media_type}
                )
            )
        )
    ]
    assert not problems, "\n".join(problems)


def test_junk_query_strings_never_get_a_server_error(fuzzing_client: httpx.Client) -> None:
    problems = [
        problem
        for junk in junk_queries(Random(JUNK_SEED), JUNK_QUERIES)
        if (problem := envelope_problem(fuzzing_client.get(junk.path, params=junk.params)))
    ]
    assert not problems, "\n".join(problems)


def test_a_client_leaving_mid_body_is_journaled_unanswered_and_logs_nothing(
    client: httpx.Client, server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = f"leaving-{uuid.uuid4().hex}"
    with caplog.at_level(logging.INFO), socket.create_connection((server.host, server.port)) as c:
        c.sendall(
            b"POST %b HTTP/1.1\r\nHost: %b\r\nAuthorization: Bearer %b\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            % (PROJECTS.encode(), f"127.0.0.1:{server.port}".encode(), token.encode())
        )
        time.sleep(0.2)
    time.sleep(0.3)  # the server notices the connection is gone
    journal = client.get("/__mock__/journal", params={"scope": "all", "limit": 1000}).json()
    [entry] = [e for e in journal["data"] if e.get("client") == client_id_for_token(token)]
    assert (entry["method"], entry["path"], entry["operation"]) == (
        "POST",
        PROJECTS,
        "createProject",
    )
    assert "status" not in entry  # no answer
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


NOT_HTTP = b"GET /v2/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Broken: a\x00b\r\n\r\n"
"""A request no HTTP parser takes: a NUL byte in a header's value."""


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


@pytest.mark.parametrize("http", ["h11", "httptools"])
@pytest.mark.parametrize("wire", ["pages", "observed"])
def test_bytes_that_are_not_http_get_a_400_in_the_envelope_of_the_servers_wire(
    http: HTTPProtocolType, wire: Wire
) -> None:
    with (
        serve_in_thread(create_app(Settings(wire=wire)), http=http) as server,
        socket.create_connection((server.host, server.port), timeout=5) as connection,
    ):
        connection.sendall(NOT_HTTP)
        head, _, body = read_until_closed(connection).partition(b"\r\n\r\n")

    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"content-type: application/json" in head.lower()
    message = "Invalid HTTP request received."
    assert json.loads(body) == (
        {"success": False, "error": message, "code": "MALFORMED_REQUEST"}
        if wire == "pages"
        else {"code": "BadRequest", "message": message}
    )
