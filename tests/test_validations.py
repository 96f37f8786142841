"""Biometric validations over HTTP: create, retrieve, list, filter, sort, page, populate, expire."""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.answers import Json, assert_error, get_answer, load_page_examples, seeded_flow
from tests.contract_schema import assert_matches_schema
from verifik_mock.contract_file import load_contract
from verifik_mock.domain.tenancy import client_id_for_token

VALIDATIONS = "/v2/biometric-validations"
VALIDATE = "/v2/biometric-validations/validate"
FACE_PASS = Path(__file__).parents[1] / "fixtures" / "images" / "face-pass.png"
PAGE_VALIDATION = "biometric_validation_123456789"
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
STATUSES = {"new", "pending", "completed", "failed", "expired"}

CREATE_PAGE_BODY: Json = {
    "project": "project_123456789",
    "projectFlow": "flow_123456789",
    "identifier": "user@example.com",
    "type": "validation",
    "expiresAt": "2024-01-15T11:30:00Z",
    "redirectUrl": "https://example.com/success",
    "webhookUrl": "https://example.com/webhook",
    "requires2FA": False,
    "ipAddress": "192.168.1.1",
    "sendViaEmail": True,
    "email": "user@example.com",
    "language": "en",
}
"""The create page's request body, verbatim."""

CREATE_PAGE_RECORD: Json = CREATE_PAGE_BODY | {"status": "new"}
"""The create page's response record, less what the mock assigns (id, client, instants)."""

RETRIEVE_PAGE_RECORD: Json = {
    "_id": "biometric_validation_123456789",
    "project": {
        "_id": "project_123456789",
        "name": "Example Project",
        "description": "Example project description",
    },
    "projectFlow": {"_id": "flow_123456789", "name": "Example Flow", "type": "onboarding"},
    "livenessSession": "liveness_123456789",
    "appRegistration": "reg_123456789",
    "status": "completed",
    **{key: CREATE_PAGE_BODY[key] for key in CREATE_PAGE_BODY.keys() - {"project", "projectFlow"}},
    "biometricData": {
        "faceImage": "base64_encoded_image",
        "template": "biometric_template_data",
        "quality": "good",
        "livenessScore": 0.95,
    },
    "verificationResults": {
        "livenessDetection": "passed",
        "identityMatch": "passed",
        "qualityScore": 0.95,
        "antiSpoofing": "passed",
    },
    "riskScore": 0.05,
    "createdAt": "2024-01-15T10:30:00Z",
    "updatedAt": "2024-01-15T10:32:00Z",
    "completedAt": "2024-01-15T10:32:00Z",
}
"""The retrieve page's response record, less ``client`` (each tenant is its own client)."""


def create_answer_schema() -> str:
    """The schema the contract names for the create's 200 answer."""
    answer = load_contract()["paths"][VALIDATIONS]["post"]["responses"]["200"]
    ref: str = answer["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def as_stored(created: Json) -> Json:
    """A create's answer as later reads show it: only the create carries the session token."""
    return {name: value for name, value in created.items() if name != "token"}


def create_validation(client: httpx.Client, **overrides: Any) -> Json:
    """Create a validation on the seeded validation flow and its project; its record."""
    flow = seeded_flow(client, "validation")
    body = {
        "project": flow["project"],
        "projectFlow": flow["_id"],
        "identifier": "ana@example.com",
        "type": "validation",
    } | overrides
    response = client.post(VALIDATIONS, json=body)
    assert response.status_code == 200, response.text
    answer: Json = response.json()
    assert_matches_schema(answer, create_answer_schema())
    record: Json = answer["data"]
    return record


def retrieve_validation(client: httpx.Client, validation_id: str, **params: Any) -> Json:
    """The validation ``validation_id`` as the retrieve endpoint answers it."""
    path = f"{VALIDATIONS}/{validation_id}"
    record: Json = get_answer(client, path, "BiometricValidationResponse", **params)["data"]
    return record


def list_validations(client: httpx.Client, **params: Any) -> Json:
    """One page of the list endpoint's answer, whole (data, pagination, signature)."""
    return get_answer(client, VALIDATIONS, "BiometricValidationList", **params)


def all_validations(client: httpx.Client, **params: Any) -> list[Json]:
    """Every validation the list answers for ``params``, in one page of the maximum size."""
    body = list_validations(client, limit=100, **params)
    assert body["pagination"]["total"] <= 100
    records: list[Json] = body["data"]
    return records


def ids(records: list[Json]) -> list[str]:
    """The ``_id`` of each record, in order."""
    return [record["_id"] for record in records]


def instant(timestamp: str) -> datetime:
    """An ISO-8601 timestamp from the wire as a datetime."""
    return datetime.fromisoformat(timestamp)


# ---- create -------------------------------------------------------------------------------


def test_create_answers_a_new_validation_in_the_pages_shape(
    client: httpx.Client, token: str
) -> None:
    flow = seeded_flow(client, "login")
    response = client.post(
        VALIDATIONS,
        json={
            "project": flow["project"],
            "projectFlow": flow["_id"],
            "identifier": "ana@example.com",
            "type": "login",
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert_matches_schema(body, create_answer_schema())
    assert body["success"] is True
    record = body["data"]
    assert OBJECT_ID.match(record["_id"])
    assert record["client"] == client_id_for_token(token)
    assert record["project"] == flow["project"]
    assert record["projectFlow"] == flow["_id"]
    assert record["identifier"] == "ana@example.com"
    assert record["type"] == "login"
    assert record["status"] == "new"


def test_create_defaults_language_to_en_and_flags_to_false(client: httpx.Client) -> None:
    record = create_validation(client)

    assert record["language"] == "en"
    assert record["requires2FA"] is False
    assert record["sendViaEmail"] is False


def test_create_opens_a_liveness_session_for_the_validation(client: httpx.Client) -> None:
    record = create_validation(client)

    assert OBJECT_ID.match(record["livenessSession"])
    assert record["livenessSession"] != record["_id"]


def test_created_validations_are_stamped_by_the_mock_clock_one_second_per_write(
    client: httpx.Client,
) -> None:
    first = create_validation(client)
    second = create_validation(client)

    assert first["createdAt"] == first["updatedAt"] == "2024-01-15T10:30:01Z"
    assert second["createdAt"] == second["updatedAt"] == "2024-01-15T10:30:02Z"


def test_created_validation_is_retrievable_as_created(client: httpx.Client) -> None:
    created = create_validation(client, identifier="retrieve-me@example.com")

    assert retrieve_validation(client, created["_id"]) == as_stored(created)


def test_created_validation_is_listed_first_by_default(client: httpx.Client) -> None:
    created = create_validation(client)

    assert list_validations(client)["data"][0] == as_stored(created)


# ---- expiry -------------------------------------------------------------------------------


def test_validation_past_its_expiry_reads_expired(client: httpx.Client) -> None:
    created = create_validation(client, expiresAt="2024-01-01T00:00:00Z")

    assert retrieve_validation(client, created["_id"])["status"] == "expired"


def test_expired_filter_finds_a_validation_past_its_expiry(client: httpx.Client) -> None:
    created = create_validation(client, expiresAt="2024-01-01T00:00:00Z")

    expired = all_validations(client, where_status="expired")

    assert created["_id"] in ids(expired)
    assert {record["status"] for record in expired} == {"expired"}


def test_validation_expires_once_the_mock_clock_reaches_its_expiry(client: httpx.Client) -> None:
    # The clock reads 10:30:01 after this write and moves one second per later write.
    created = create_validation(client, expiresAt="2024-01-15T10:30:02.500Z")
    create_validation(client)
    assert retrieve_validation(client, created["_id"])["status"] == "new"

    create_validation(client)

    assert retrieve_validation(client, created["_id"])["status"] == "expired"


def test_validation_created_already_expired_is_not_updated_before_it_was_created(
    client: httpx.Client,
) -> None:
    created = create_validation(client, expiresAt="2024-01-01T00:00:00Z")

    record = retrieve_validation(client, created["_id"])

    assert instant(record["updatedAt"]) >= instant(record["createdAt"])


# ---- the seeded world and the pages' examples -----------------------------------------------


def test_seeded_world_has_validations_in_every_status(client: httpx.Client) -> None:
    assert {record["status"] for record in all_validations(client)} == STATUSES


def test_seeded_validations_belong_to_the_tenants_client(client: httpx.Client, token: str) -> None:
    assert {record["client"] for record in all_validations(client)} == {client_id_for_token(token)}


def test_seeded_world_holds_none_of_the_pages_placeholder_records(client: httpx.Client) -> None:
    response = client.get(f"{VALIDATIONS}/{PAGE_VALIDATION}")

    assert_error(response, 404, "BIOMETRIC_VALIDATION_NOT_FOUND")


def test_create_page_example_body_is_refused_without_the_page_examples(
    client: httpx.Client,
) -> None:
    response = client.post(VALIDATIONS, json=CREATE_PAGE_BODY)

    assert_error(response, 409, "INVALID_PROJECT_FLOW")


def test_create_page_example_body_is_accepted_with_the_pages_values(
    client: httpx.Client,
) -> None:
    load_page_examples(client)

    response = client.post(VALIDATIONS, json=CREATE_PAGE_BODY)

    assert response.status_code == 200, response.text
    body = response.json()
    assert_matches_schema(body, create_answer_schema())
    record = body["data"]
    assert {name: record.get(name) for name in CREATE_PAGE_RECORD} == CREATE_PAGE_RECORD


def test_page_example_validation_retrieves_with_the_retrieve_pages_values(
    client: httpx.Client, token: str
) -> None:
    load_page_examples(client)

    record = retrieve_validation(
        client,
        PAGE_VALIDATION,
        **{"populates[]": ["client", "project", "projectFlow"], "sort": "-createdAt", "limit": 10},
    )

    populated_client = record.pop("client")
    assert record == RETRIEVE_PAGE_RECORD
    assert set(populated_client) == {"_id", "name", "email"}
    assert populated_client["_id"] == client_id_for_token(token)


# ---- retrieve -------------------------------------------------------------------------------


@pytest.fixture
def completed(client: httpx.Client) -> Json:
    """A validation (type ``validation``, for ana@example.com) completed by validate."""
    created = create_validation(client)
    complete_by_validate(client, created)
    return created


def test_retrieve_with_a_matching_where_filter_answers_the_record(
    client: httpx.Client, completed: Json
) -> None:
    record = retrieve_validation(client, completed["_id"], where_status="completed")

    assert record["_id"] == completed["_id"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("where_status", "new"),
        ("where_type", "login"),
        ("where_project", "65a5000000000000000000aa"),
        ("where_projectFlow", "65a5000000000000000000bb"),
        ("where_livenessSession", "65a5000000000000000000cc"),
        ("where_identifier", "someone-else@example.com"),
    ],
)
def test_retrieve_with_a_where_filter_the_record_fails_answers_not_found(
    client: httpx.Client, completed: Json, name: str, value: str
) -> None:
    response = client.get(f"{VALIDATIONS}/{completed['_id']}", params={name: value})

    body = assert_error(response, 404, "BIOMETRIC_VALIDATION_NOT_FOUND")
    assert body["error"] == "Biometric validation not found"


def test_retrieve_of_an_unknown_id_answers_not_found(client: httpx.Client) -> None:
    response = client.get(f"{VALIDATIONS}/65a5000000000000000000dd")

    assert_error(response, 404, "BIOMETRIC_VALIDATION_NOT_FOUND")


# ---- list filters -------------------------------------------------------------------------

FILTERED_FIELDS = ["status", "type", "project", "projectFlow", "livenessSession", "identifier"]


def create_in_a_project_of_its_own(client: httpx.Client) -> Json:
    """A validation in a new project and flow (the seeded ones are the tenant's only ones)."""
    project = client.post("/v2/projects", json={"name": "Second app"}).json()["data"]
    flow = client.post(
        "/v2/project-flows",
        json={"project": project["_id"], "name": "Second app flow", "type": "validation"},
    ).json()["data"]
    return create_validation(client, project=project["_id"], projectFlow=flow["_id"])


@pytest.mark.parametrize("field", FILTERED_FIELDS)
def test_where_filter_lists_exactly_the_validations_with_that_value(
    client: httpx.Client, field: str
) -> None:
    create_in_a_project_of_its_own(client)
    everything = all_validations(client)
    values = [record[field] for record in everything]
    rarest = min(values, key=values.count)
    expected = [record for record in everything if record[field] == rarest]
    assert 0 < len(expected) < len(everything)

    filtered = list_validations(client, limit=100, **{f"where_{field}": rarest})

    assert ids(filtered["data"]) == ids(expected)
    assert filtered["pagination"]["total"] == len(expected)


def complete_by_validate(client: httpx.Client, created: Json) -> None:
    """Validate the validation with a passing capture."""
    image = base64.b64encode(FACE_PASS.read_bytes()).decode()
    headers = {"Authorization": f"Bearer {created['token']}"}
    response = client.post(VALIDATE, json={"image": image}, headers=headers)
    assert response.status_code == 200, response.text


def expire_by_clock(client: httpx.Client, created: Json) -> None:
    """Move the mock clock two minutes on, past the validation's ``expiresAt``."""
    response = client.post("/__mock__/clock/advance", json={"minutes": 2})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("change", "status"),
    [(complete_by_validate, "completed"), (expire_by_clock, "expired")],
    ids=["completed-by-validate", "expired-by-the-clock"],
)
def test_where_status_lists_a_changed_validation_under_its_new_status_only(
    client: httpx.Client, change: Callable[[httpx.Client, Json], None], status: str
) -> None:
    # A fresh tenant's clock starts at 10:30:00; its seeded open sessions last past 10:35.
    created = create_validation(client, expiresAt="2024-01-15T10:31:00Z")
    new_before = list_validations(client, where_status="new", limit=100)
    changed_before = list_validations(client, where_status=status, limit=100)
    assert created["_id"] in ids(new_before["data"])

    change(client, created)

    new_after = list_validations(client, where_status="new", limit=100)
    changed_after = list_validations(client, where_status=status, limit=100)
    assert ids(new_after["data"]) == [i for i in ids(new_before["data"]) if i != created["_id"]]
    assert new_after["pagination"]["total"] == new_before["pagination"]["total"] - 1
    assert ids(changed_after["data"]) == [created["_id"], *ids(changed_before["data"])]
    assert changed_after["pagination"]["total"] == changed_before["pagination"]["total"] + 1


def test_where_filters_compose_with_each_other(client: httpx.Client) -> None:
    wanted = [
        create_validation(client, identifier="composer@example.com", type="login"),
        create_validation(client, identifier="composer@example.com", type="login"),
    ]
    create_validation(client, identifier="composer@example.com", type="validation")
    create_validation(client, identifier="other@example.com", type="login")

    listed = all_validations(
        client,
        where_identifier="composer@example.com",
        where_type="login",
        where_project=wanted[0]["project"],
        where_projectFlow=wanted[0]["projectFlow"],
        where_status="new",
    )

    assert ids(listed) == ids(wanted[::-1])


def test_where_filters_compose_with_sort_limit_and_page(client: httpx.Client) -> None:
    wanted = [create_validation(client, identifier="pager@example.com") for _ in range(3)]
    create_validation(client, identifier="pager@example.com", type="onboarding")

    second = list_validations(
        client,
        where_identifier="pager@example.com",
        where_type="validation",
        sort="createdAt",
        limit=2,
        page=2,
    )

    assert ids(second["data"]) == [wanted[2]["_id"]]
    assert second["pagination"] == {"page": 2, "limit": 2, "total": 3, "pages": 2}


def test_where_filter_that_matches_nothing_answers_an_empty_page(client: httpx.Client) -> None:
    body = list_validations(client, where_identifier="nobody@example.com")

    assert body["data"] == []
    assert body["pagination"] == {"page": 1, "limit": 10, "total": 0, "pages": 0}


# ---- sort and pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("createdAt", lambda record: instant(record["createdAt"])),
        ("identifier", lambda record: record["identifier"]),
    ],
)
def test_sort_orders_the_list_ascending_and_with_a_dash_descending(
    client: httpx.Client, sort: str, key: Callable[[Json], Any]
) -> None:
    ascending = all_validations(client, sort=sort)
    descending = all_validations(client, sort=f"-{sort}")

    assert [key(record) for record in ascending] == sorted(key(record) for record in ascending)
    assert ids(descending) == ids(ascending)[::-1]


def test_default_sort_is_newest_first(client: httpx.Client) -> None:
    assert all_validations(client) == all_validations(client, sort="-createdAt")


def test_pagination_describes_the_page_and_the_whole(client: httpx.Client) -> None:
    total = len(all_validations(client))

    body = list_validations(client, limit=3, page=2)

    assert len(body["data"]) == 3
    assert body["pagination"] == {
        "page": 2,
        "limit": 3,
        "total": total,
        "pages": math.ceil(total / 3),
    }


def test_pages_of_a_sorted_list_concatenate_to_the_whole_list(client: httpx.Client) -> None:
    whole = all_validations(client, sort="identifier")
    pages = math.ceil(len(whole) / 3)

    concatenated = [
        record
        for page in range(1, pages + 1)
        for record in list_validations(client, sort="identifier", limit=3, page=page)["data"]
    ]

    assert concatenated == whole
    assert len(set(ids(concatenated))) == len(concatenated)


def test_page_past_the_end_is_empty(client: httpx.Client) -> None:
    total = len(all_validations(client))
    past_the_end = math.ceil(total / 3) + 1

    body = list_validations(client, limit=3, page=past_the_end)

    assert body["data"] == []
    assert body["pagination"]["total"] == total


def test_same_list_request_twice_gives_identical_bodies(client: httpx.Client) -> None:
    params: dict[str, str | int | list[str]] = {
        "sort": "identifier",
        "limit": 5,
        "page": 2,
        "populates[]": ["project"],
    }

    first = client.get(VALIDATIONS, params=params)
    second = client.get(VALIDATIONS, params=params)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content


# ---- populates ----------------------------------------------------------------------------

ALL_RELATIONS = ["client", "project", "projectFlow", "livenessSession"]


def assert_populated(populated: Json, plain: Json) -> None:
    """``populated`` is ``plain`` with its four relations replaced by their objects."""
    assert set(populated["client"]) == {"_id", "name", "email"}
    assert set(populated["project"]) == {"_id", "name", "description"}
    assert set(populated["projectFlow"]) == {"_id", "name", "type"}
    assert_matches_schema(populated["livenessSession"], "LivenessSession")
    for relation in ALL_RELATIONS:
        assert populated[relation]["_id"] == plain[relation]
    for name in set(plain) - set(ALL_RELATIONS):
        assert populated[name] == plain[name], name


def test_populates_replace_ids_by_objects_on_retrieve(client: httpx.Client) -> None:
    created = create_validation(client)

    populated = retrieve_validation(client, created["_id"], **{"populates[]": ALL_RELATIONS})

    assert_populated(populated, as_stored(created))
    assert populated["projectFlow"] == {
        "_id": created["projectFlow"],
        "name": "Validation flow",
        "type": "validation",
    }


def test_populated_liveness_session_of_a_new_validation_is_active(client: httpx.Client) -> None:
    created = create_validation(client, identifier="session@example.com")

    populated = retrieve_validation(client, created["_id"], **{"populates[]": ["livenessSession"]})

    session = populated["livenessSession"]
    assert session["status"] == "active"
    assert session["identifier"] == "session@example.com"
    assert session["projectFlow"] == created["projectFlow"]


def test_populates_replace_ids_by_objects_on_list(client: httpx.Client) -> None:
    plain = all_validations(client)

    populated = all_validations(client, **{"populates[]": ALL_RELATIONS})

    assert len(populated) == len(plain)
    for populated_record, plain_record in zip(populated, plain, strict=True):
        assert_populated(populated_record, plain_record)


def test_populates_only_the_relations_asked_for(client: httpx.Client) -> None:
    created = create_validation(client)

    populated = retrieve_validation(client, created["_id"], **{"populates[]": ["project"]})

    assert populated["project"]["_id"] == created["project"]
    assert populated["client"] == created["client"]
    assert populated["projectFlow"] == created["projectFlow"]
    assert populated["livenessSession"] == created["livenessSession"]
