"""Tenancy: a token names one client, and clients never see each other's records."""

from __future__ import annotations

import base64
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.answers import Json, load_page_examples, seeded_flow
from tests.contract_schema import assert_matches_schema
from verifik_mock import Settings, create_app
from verifik_mock.server import RunningServer, serve_in_thread
from verifik_mock.tokens import encode

VALIDATIONS = "/v2/biometric-validations"
DOCUMENT_LIVENESS = "/v2/document-liveness"
PROJECT_FLOWS = "/v2/project-flows"
PROJECTS = "/v2/projects"
LIST_PATHS = [VALIDATIONS, DOCUMENT_LIVENESS, PROJECT_FLOWS, PROJECTS]

SIGNING_SECRET = "s3cret"
WORLD_SEED = 20240115
HEX_CLIENT_ID = re.compile(r"[0-9a-f]{24}")
PNG_BASE64 = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(64))).decode()


def validation_body(client: httpx.Client) -> Json:
    """A login validation on the client's seeded login flow."""
    flow = seeded_flow(client, "login")
    return {
        "project": flow["project"],
        "projectFlow": flow["_id"],
        "identifier": "tenant-a@example.com",
        "type": "login",
    }


def document_liveness_body(client: httpx.Client) -> Json:
    """A document-liveness check of a small PNG."""
    return {"image": PNG_BASE64, "validatePrintedCopy": True}


def flow_body(client: httpx.Client) -> Json:
    """A validation flow in the client's seeded project."""
    project = seeded_flow(client, "validation")["project"]
    return {"project": project, "name": "Tenant A flow", "type": "validation"}


@dataclass(frozen=True)
class Resource:
    """A kind of record a client creates, lists and retrieves."""

    path: str
    body: Callable[[httpx.Client], Json]
    """The body of a create by a client (ids of its own seeded records in it)."""
    not_found_code: str


RESOURCES = [
    Resource(VALIDATIONS, validation_body, "BIOMETRIC_VALIDATION_NOT_FOUND"),
    Resource(DOCUMENT_LIVENESS, document_liveness_body, "DOCUMENT_LIVENESS_NOT_FOUND"),
    Resource(PROJECT_FLOWS, flow_body, "PROJECT_FLOW_NOT_FOUND"),
]
RESOURCE_IDS = ["biometric-validation", "document-liveness", "project-flow"]


def connect(server: RunningServer, authorization: str) -> httpx.Client:
    """A client of ``server`` that sends ``authorization`` as its ``Authorization``."""
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": authorization}, timeout=10
    )


def create(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The record a successful create at ``path`` answers with."""
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    record = response.json()["data"]
    assert isinstance(record, dict)
    return record


def listed_ids(client: httpx.Client, path: str) -> list[str]:
    """The ids of every record in the client's list at ``path``."""
    response = client.get(path, params={"limit": 100})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pagination"]["pages"] <= 1, "the whole list must fit in one page"
    return [record["_id"] for record in body["data"]]


def client_id_of(client: httpx.Client) -> str:
    """The client id the mock stamps on this client's records."""
    response = client.get(PROJECTS, params={"limit": 1})
    assert response.status_code == 200, response.text
    client_id = response.json()["data"][0]["client"]
    assert isinstance(client_id, str)
    return client_id


def jwt_authorization(client_id: str, secret: str = "any-secret", **claims: Any) -> str:
    """``Bearer <JWT>`` naming ``client_id``, signed with ``secret``."""
    return f"Bearer {encode({'clientId': client_id, **claims}, secret)}"


def jwt_shaped(payload: bytes) -> str:
    """``Bearer`` a token shaped like a JWT whose payload is ``payload``, unsigned."""
    encoded = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return f"Bearer eyJhbGciOiJIUzI1NiJ9.{encoded}.signature"


def tampered_authorization() -> str:
    """``Bearer`` a JWT signed with the secret whose payload was swapped after signing."""
    header, _, signature = encode({"clientId": "client_a"}, SIGNING_SECRET).split(".")
    payload = encode({"clientId": "client_b"}, SIGNING_SECRET).split(".")[1]
    return f"Bearer {header}.{payload}.{signature}"


def new_client_id() -> str:
    """A client id no other test uses."""
    return f"client_{uuid.uuid4().hex}"


@pytest.fixture
def other_client(server: RunningServer) -> Iterator[httpx.Client]:
    """A second tenant on the shared server, beside the ``client`` fixture's."""
    with connect(server, f"Bearer test-other-{uuid.uuid4().hex}") as http:
        yield http


@pytest.fixture(scope="module")
def signed_server() -> Iterator[RunningServer]:
    """A mock that only takes JWTs signed with ``SIGNING_SECRET``."""
    with serve_in_thread(create_app(Settings(signing_secret=SIGNING_SECRET))) as running:
        yield running


# Records never cross tenants


@pytest.mark.parametrize("resource", RESOURCES, ids=RESOURCE_IDS)
def test_record_created_by_one_tenant_is_not_in_anothers_list(
    client: httpx.Client, other_client: httpx.Client, resource: Resource
) -> None:
    record = create(client, resource.path, resource.body(client))
    assert record["_id"] in listed_ids(client, resource.path)
    assert record["_id"] not in listed_ids(other_client, resource.path)


@pytest.mark.parametrize("resource", RESOURCES, ids=RESOURCE_IDS)
def test_record_of_another_tenant_reads_as_not_found(
    client: httpx.Client, other_client: httpx.Client, resource: Resource
) -> None:
    record_path = f"{resource.path}/{create(client, resource.path, resource.body(client))['_id']}"
    assert client.get(record_path).status_code == 200
    response = other_client.get(record_path)
    assert response.status_code == 404, response.text
    body = response.json()
    assert_matches_schema(body, "ErrorResponse")
    assert body == {"success": False, "error": body["error"], "code": resource.not_found_code}


def test_project_created_by_one_tenant_is_not_in_anothers_list(
    client: httpx.Client, other_client: httpx.Client
) -> None:
    project = create(client, PROJECTS, {"name": "Tenant A project"})
    assert project["_id"] in listed_ids(client, PROJECTS)
    assert project["_id"] not in listed_ids(other_client, PROJECTS)


def test_each_tenant_holds_its_own_copy_of_the_page_examples(
    client: httpx.Client, other_client: httpx.Client
) -> None:
    validation_id = load_page_examples(client)["biometricValidation"]
    load_page_examples(other_client)
    mine = client.get(f"{VALIDATIONS}/{validation_id}").json()["data"]
    theirs = other_client.get(f"{VALIDATIONS}/{validation_id}").json()["data"]
    assert mine["client"] == client_id_of(client)
    assert theirs["client"] == client_id_of(other_client)
    assert mine["client"] != theirs["client"]


# Which tenant a token names


def test_jwts_with_the_same_client_id_share_one_tenant(server: RunningServer) -> None:
    client_id = new_client_id()
    alice = jwt_authorization(client_id, "secret-a", sub="alice")
    bob = jwt_authorization(client_id, "secret-b", sub="bob")
    assert alice != bob
    with connect(server, alice) as first, connect(server, bob) as second:
        record = create(first, VALIDATIONS, validation_body(first))
        assert second.get(f"{VALIDATIONS}/{record['_id']}").status_code == 200
        assert record["_id"] in listed_ids(second, VALIDATIONS)


def test_records_carry_the_jwt_client_id_as_their_client(server: RunningServer) -> None:
    client_id = new_client_id()
    with connect(server, jwt_authorization(client_id)) as http:
        assert create(http, VALIDATIONS, validation_body(http))["client"] == client_id
        assert client_id_of(http) == client_id


@pytest.mark.parametrize(
    "scheme", ["Bearer {jwt}", "JWT {jwt}", "{jwt}"], ids=["bearer", "jwt-scheme", "bare-jwt"]
)
def test_jwt_is_accepted_under_each_scheme_verifik_takes(
    server: RunningServer, scheme: str
) -> None:
    client_id = new_client_id()
    jwt = encode({"clientId": client_id}, "any-secret")
    assert jwt.startswith("ey")
    with connect(server, scheme.format(jwt=jwt)) as http:
        assert client_id_of(http) == client_id


def test_same_plain_token_always_names_the_same_tenant(
    server: RunningServer, client: httpx.Client, token: str
) -> None:
    record = create(client, VALIDATIONS, validation_body(client))
    with connect(server, f"Bearer {token}") as again:
        assert again.get(f"{VALIDATIONS}/{record['_id']}").status_code == 200
        assert client_id_of(again) == record["client"]
    assert HEX_CLIENT_ID.fullmatch(record["client"])


def test_different_plain_tokens_name_different_tenants(
    client: httpx.Client, other_client: httpx.Client
) -> None:
    assert client_id_of(client) != client_id_of(other_client)


def plain_tokens_sharing_a_prefix() -> tuple[str, str]:
    """Two plain tokens alike but for their last character."""
    prefix = f"Bearer team-alpha-{uuid.uuid4().hex}-token-"
    return f"{prefix}1", f"{prefix}2"


def jwts_of_two_clients() -> tuple[str, str]:
    """Two JWTs naming two clients: the same header, payloads alike until the client id."""
    return jwt_authorization(new_client_id()), jwt_authorization(new_client_id())


@pytest.mark.parametrize(
    "authorizations",
    [plain_tokens_sharing_a_prefix, jwts_of_two_clients],
    ids=["plain-tokens", "jwts"],
)
def test_tokens_sharing_a_long_prefix_name_different_tenants(
    server: RunningServer, authorizations: Callable[[], tuple[str, str]]
) -> None:
    first_token, second_token = authorizations()
    assert first_token[:40] == second_token[:40]
    with connect(server, first_token) as first, connect(server, second_token) as second:
        record = create(first, VALIDATIONS, validation_body(first))
        seen_by_second = second.get(f"{VALIDATIONS}/{record['_id']}")
        second_client = client_id_of(second)

    assert seen_by_second.status_code == 404, seen_by_second.text
    assert seen_by_second.json()["code"] == "BIOMETRIC_VALIDATION_NOT_FOUND"
    assert record["client"] != second_client


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[1, 2]", b"[" * 5000],
    ids=["payload-not-json", "payload-not-an-object", "payload-nested-too-deep"],
)
def test_token_that_only_looks_like_a_jwt_names_a_tenant_of_its_own(
    server: RunningServer, payload: bytes
) -> None:
    """Without a signing secret, any token that carries no ``clientId`` names a client."""
    with connect(server, jwt_shaped(payload)) as http:
        assert HEX_CLIENT_ID.fullmatch(client_id_of(http))


# With a signing secret, only tokens signed with it


def test_jwt_signed_with_the_secret_is_accepted(signed_server: RunningServer) -> None:
    client_id = new_client_id()
    authorization = jwt_authorization(client_id, SIGNING_SECRET, exp=int(time.time()) + 3600)
    with connect(signed_server, authorization) as http:
        assert client_id_of(http) == client_id


@pytest.mark.parametrize(
    "authorization",
    [
        jwt_authorization("client_a", "another-secret"),
        "Bearer plain-token-not-a-jwt",
        jwt_authorization("client_a", SIGNING_SECRET, exp=int(time.time()) - 60),
        tampered_authorization(),
        jwt_shaped(b"[" * 5000),
    ],
    ids=[
        "signed-with-another-secret",
        "not-a-jwt",
        "expired",
        "payload-swapped-after-signing",
        "payload-nested-too-deep",
    ],
)
def test_token_not_signed_with_the_secret_is_refused_with_401(
    signed_server: RunningServer, authorization: str
) -> None:
    with connect(signed_server, authorization) as http:
        response = http.get(PROJECTS)
    assert response.status_code == 401, response.text
    body = response.json()
    assert_matches_schema(body, "ErrorResponse")
    assert body == {"success": False, "error": body["error"], "code": "UNAUTHORIZED"}
    assert "token" in body["error"].lower()


# A tenant's seeded world depends on the seed and its client id alone


@pytest.fixture
def twin_servers() -> Iterator[tuple[RunningServer, RunningServer]]:
    """Two fresh mocks started with the same seed."""
    settings = Settings(seed=WORLD_SEED)
    with (
        serve_in_thread(create_app(settings)) as first,
        serve_in_thread(create_app(settings)) as second,
    ):
        yield first, second


def list_bodies(client: httpx.Client, paths: list[str]) -> dict[str, bytes]:
    """The raw body of each list in ``paths``, requested in that order."""
    bodies = {}
    for path in paths:
        response = client.get(path, params={"limit": 100})
        assert response.status_code == 200, response.text
        bodies[path] = response.content
    return bodies


def test_seeded_world_does_not_depend_on_other_tenants_or_request_order(
    twin_servers: tuple[RunningServer, RunningServer],
) -> None:
    crowded, quiet = twin_servers
    tenant_a, tenant_b = "Bearer tenant-a", "Bearer tenant-b"
    with connect(crowded, tenant_b) as b:
        list_bodies(b, LIST_PATHS)
        create(b, VALIDATIONS, validation_body(b))
    with connect(crowded, tenant_a) as a:
        seen_after_b = list_bodies(a, LIST_PATHS)
    with connect(quiet, tenant_a) as a:
        seen_alone = list_bodies(a, LIST_PATHS[::-1])
    assert seen_after_b == seen_alone
