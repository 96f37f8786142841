"""The observed wire profile: every operation and error as real captures of Verifik show it,
chosen per server (``--wire observed``) or per tenant (``POST /__mock__/wire``)."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.answers import Json
from tests.conftest import MockWith
from tests.contract_schema import assert_matches_schema
from verifik_mock import Settings
from verifik_mock.contract_file import load_contract
from verifik_mock.observed_contract import OBSERVED_HEADER, observed_document
from verifik_mock.samples import sample_image

VALIDATIONS = "/v2/biometric-validations"
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
MILLISECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
FACE = base64.b64encode(sample_image("face-pass")).decode()
PROTECTED = {"error": "Protected resource, use Authorization header to get access"}


def client_of(base_url: str) -> httpx.Client:
    """A client of a tenant of its own at ``base_url``."""
    token = f"wire-{uuid.uuid4().hex}"
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def observed(mock_with: MockWith) -> Iterator[httpx.Client]:
    """A tenant of a mock started with ``--wire observed``."""
    with client_of(mock_with(Settings(wire="observed")).base_url) as http:
        yield http


def answer(response: httpx.Response, schema: str, status: int = 200) -> Json:
    """``response``'s body: ``status``, valid against the observed contract's ``schema``, and
    without the pages' ``success`` anywhere."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    assert_matches_schema(body, schema, "observed")
    assert '"success"' not in response.text
    return body


def seeded_flow(http: httpx.Client, flow_type: str = "validation") -> Json:
    """A flow of ``flow_type`` the tenant's world was seeded with."""
    flows = http.get("/v2/project-flows", params={"type": flow_type}).json()["data"]
    flow: Json = next(flow for flow in flows if OBJECT_ID.match(flow["_id"]))
    return flow


def create(http: httpx.Client, flow_type: str = "validation", **fields: Any) -> Json:
    """A new validation on a seeded flow, its observed answer checked."""
    flow = seeded_flow(http, flow_type)
    body = {"project": flow["project"], "projectFlow": flow["_id"], "type": flow_type}
    response = http.post(VALIDATIONS, json=body | {"identifier": "ana@example.com"} | fields)
    return answer(response, "CreatedBiometricValidationAnswer")


def validate(http: httpx.Client, token: str, **headers: str) -> httpx.Response:
    """Validate the session ``token`` with a face that passes unless a header says not."""
    auth = {"Authorization": f"Bearer {token}"}
    return http.post(f"{VALIDATIONS}/validate", json={"image": FACE}, headers=auth | headers)


def test_an_operation_answers_data_a_signature_and_a_five_character_id(
    observed: httpx.Client,
) -> None:
    response = observed.post("/v2/projects", json={"name": "Observed"})
    body = answer(response, "CreatedProjectAnswer")
    assert set(body) == {"data", "signature", "id"}
    assert re.match(r"^[A-Z0-9]{5}$", body["id"])
    assert body["signature"]["message"] == "Certified by Verifik.co"


def test_a_retrieve_answers_the_record_alone(observed: httpx.Client) -> None:
    created = create(observed)["data"]
    body = answer(observed.get(f"{VALIDATIONS}/{created['_id']}"), "BiometricValidationRecord")
    assert set(body) == {"data"}
    assert body["data"]["_id"] == created["_id"]


def test_stored_records_carry_the_version_key_and_milliseconds(observed: httpx.Client) -> None:
    record = create(observed)["data"]
    assert record["__v"] == 0
    assert MILLISECONDS.match(record["createdAt"]), record["createdAt"]
    assert MILLISECONDS.match(record["updatedAt"]), record["updatedAt"]


def test_biometric_validations_are_listed_inside_data_as_docs(observed: httpx.Client) -> None:
    body = answer(observed.get(VALIDATIONS), "BiometricValidationPage")
    assert set(body) == {"data"}
    page = body["data"]
    assert set(page) == {"docs", "total", "limit", "page", "pages"}
    assert (page["limit"], page["page"]) == (20, 1)
    assert len(page["docs"]) == min(20, page["total"])


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/v2/document-liveness", "DocumentLivenessPage"),
        ("/v2/projects", "ProjectPage"),
        ("/v2/project-flows", "ProjectFlowPage"),
    ],
)
def test_other_lists_spread_the_page_at_the_top(
    observed: httpx.Client, path: str, schema: str
) -> None:
    body = answer(observed.get(path, params={"perPage": 2}), schema)
    assert set(body) == {"data", "total", "limit", "page", "pages"}
    assert body["limit"] == 2
    assert len(body["data"]) <= 2


def test_per_page_and_limit_both_size_a_page(observed: httpx.Client) -> None:
    by_per_page = observed.get(VALIDATIONS, params={"perPage": 3}).json()["data"]
    by_limit = observed.get(VALIDATIONS, params={"limit": 3}).json()["data"]
    assert by_per_page == by_limit
    assert by_per_page["limit"] == len(by_per_page["docs"]) == 3


def test_a_validated_capture_reads_validated_and_is_filtered_by_that_name(
    observed: httpx.Client,
) -> None:
    created = create(observed)["data"]
    body = answer(validate(observed, created["token"]), "ValidateAnswer")
    assert set(body) == {"data", "signature", "id"}
    record = observed.get(f"{VALIDATIONS}/{created['_id']}").json()["data"]
    assert record["status"] == "validated"
    listed = observed.get(VALIDATIONS, params={"where_status": "validated", "perPage": 100})
    statuses = {doc["status"] for doc in answer(listed, "BiometricValidationPage")["data"]["docs"]}
    assert statuses == {"validated"}
    refused = observed.get(VALIDATIONS, params={"where_status": "completed"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "BadRequest"


def test_a_new_validation_reads_new_and_an_open_one_never_pending(observed: httpx.Client) -> None:
    assert create(observed)["data"]["status"] == "new"
    docs = observed.get(VALIDATIONS, params={"perPage": 100}).json()["data"]["docs"]
    assert {doc["status"] for doc in docs} <= {"new", "sent", "validated", "failed", "expired"}


def test_a_document_liveness_record_is_flat_with_raw_scores_and_probabilities(
    observed: httpx.Client,
) -> None:
    body = {
        "image": FACE,
        "validateScreenReplay": True,
        "validatePrintedCopy": True,
        "printedCopyCalibration": "HARD",
        "ignoreColourLessValidation": True,
    }
    created = answer(
        observed.post("/v2/document-liveness", json=body), "CreatedDocumentLivenessAnswer"
    )
    record = created["data"]
    assert record["chargesCount"] == 2
    assert record["validateScreenReplay"]
    assert not record["validateDigitalManipulation"]
    assert record["sreenReplayCalibration"] == "REGULAR"
    assert record["printedCopyCalibration"] == "HARD"
    assert record["ignoreColourLessValidation"] is True
    assert record["digitalManipulationScore"] == record["digitalManipulationProbability"] == 0
    assert 0 < record["screenReplayProbability"] < 1
    assert not {"status", "validationResults", "riskScore", "confidence"} & set(record)
    retrieved = answer(
        observed.get(f"/v2/document-liveness/{record['_id']}"), "DocumentLivenessRecord"
    )["data"]
    assert "chargesCount" not in retrieved
    assert retrieved | {"chargesCount": 2} == record


def test_a_refused_token_answers_the_protected_resource_body(observed: httpx.Client) -> None:
    response = observed.get(VALIDATIONS, headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.json() == PROTECTED
    assert_matches_schema(response.json(), "ProtectedResourceError", "observed")


@pytest.mark.parametrize("scheme", ["Bearer ", "JWT ", ""])
def test_every_authorization_form_verifik_takes_is_taken(mock_with: MockWith, scheme: str) -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjbGllbnRJZCI6IndpcmUifQ.c2lnbmF0dXJl"
    base_url = mock_with(Settings(wire="observed")).base_url
    response = httpx.get(f"{base_url}{VALIDATIONS}", headers={"Authorization": scheme + jwt})
    answer(response, "BiometricValidationPage")


@pytest.mark.parametrize(
    ("request_", "status", "code", "message"),
    [
        (("GET", f"{VALIDATIONS}/{'0' * 24}", None), 404, "NotFound", "Record not found."),
        (("GET", f"/v2/document-liveness/{'0' * 24}", None), 404, "NotFound", "Record not found."),
        (("POST", VALIDATIONS, {"project": "x"}), 409, "MissingParameter", None),
        (("GET", VALIDATIONS, {"limit": "500"}), 400, "BadRequest", None),
        (("DELETE", VALIDATIONS, None), 405, "MethodNotAllowed", None),
        (("GET", "/v2/nothing-here", None), 404, "NotFound", None),
        (("POST", "/v2/document-liveness", {"image": FACE}), 409, "MissingParameter", None),
    ],
)
def test_each_refusal_answers_a_code_and_a_message(
    observed: httpx.Client,
    request_: tuple[str, str, Json | None],
    status: int,
    code: str,
    message: str | None,
) -> None:
    method, path, data = request_
    if method == "GET":
        response = observed.get(path, params=data)
    else:
        response = observed.request(method, path, json=data)
    body = answer(response, "ObservedError", status)
    assert body["code"] == code
    assert message is None or body["message"] == message


def test_a_failed_liveness_answers_conflict_with_the_score_in_the_message(
    observed: httpx.Client,
) -> None:
    created = create(observed)["data"]
    body = answer(
        validate(observed, created["token"], **{"X-Mock-Liveness-Score": "0.45"}),
        "ObservedError",
        409,
    )
    assert body == {"code": "Conflict", "message": "liveness_failed@0.45"}


def test_a_login_of_no_one_enrolled_answers_person_not_found(observed: httpx.Client) -> None:
    created = create(observed, "login", identifier=f"nobody-{uuid.uuid4().hex}@example.com")
    body = answer(validate(observed, created["data"]["token"]), "ObservedError", 404)
    assert body == {"code": "NotFound", "message": "person_not_found"}


def test_a_client_token_on_validate_answers_token_not_right(observed: httpx.Client) -> None:
    body = answer(
        observed.post(f"{VALIDATIONS}/validate", json={"image": FACE}), "ObservedError", 403
    )
    assert body == {"code": "Forbidden", "message": "token_not_right"}


def test_a_used_session_answers_conflict(observed: httpx.Client) -> None:
    token = create(observed)["data"]["token"]
    validate(observed, token)
    body = answer(validate(observed, token), "ObservedError", 409)
    assert body == {"code": "Conflict", "message": "liveness_session_used"}


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ("429", 429, "TooManyRequests"),
        ("500", 500, "InternalServerError"),
        ("502", 502, "BadGateway"),
        ("503", 503, "ServiceUnavailable"),
    ],
)
def test_injected_faults_answer_in_the_observed_envelope(
    observed: httpx.Client, fault: str, status: int, code: str
) -> None:
    response = observed.get(VALIDATIONS, headers={"X-Mock-Fault": fault})
    assert answer(response, "ObservedError", status)["code"] == code


def test_a_tenant_chooses_its_wire_and_others_keep_the_servers(mock_with: MockWith) -> None:
    base_url = mock_with(Settings()).base_url
    with client_of(base_url) as chooser, client_of(base_url) as other:
        chosen = chooser.post("/__mock__/wire", json={"wire": "observed"}).json()
        assert chosen == {"success": True, "wire": "observed", "chosen": True}
        answer(chooser.get(VALIDATIONS), "BiometricValidationPage")
        assert other.get(VALIDATIONS).json()["success"] is True
        assert chooser.get("/__mock__/clock").json()["success"] is True  # the control API
        assert chooser.delete("/__mock__/wire").json() == {
            "success": True,
            "wire": "pages",
            "chosen": False,
        }
        assert chooser.get(VALIDATIONS).json()["success"] is True


def test_a_control_fault_rule_answers_in_the_tenants_wire(mock_with: MockWith) -> None:
    with client_of(mock_with(Settings()).base_url) as http:
        http.post("/__mock__/wire", json={"wire": "observed"})
        http.post("/__mock__/faults", json={"fault": "503", "times": 1})
        body = answer(http.get(VALIDATIONS), "ObservedError", 503)
        assert body["code"] == "ServiceUnavailable"


def test_both_wires_draw_the_same_ids_from_the_same_seed(mock_with: MockWith) -> None:
    ids = []
    for wire in ("pages", "observed"):
        with client_of(mock_with(Settings(wire=wire)).base_url) as http:
            http.headers["Authorization"] = "Bearer same-tenant"
            http.post("/__mock__/reset")
            ids.append(
                [
                    http.post("/v2/projects", json={"name": "p"}).json()["data"]["_id"]
                    for _ in range(3)
                ]
            )
    assert ids[0] == ids[1]


def test_an_observed_server_serves_the_observed_contract(mock_with: MockWith) -> None:
    base_url = mock_with(Settings(wire="observed")).base_url
    assert httpx.get(f"{base_url}/openapi.json").json() == load_contract("observed")


def test_the_observed_contract_is_made_from_the_pages_one_and_the_models() -> None:
    made = observed_document(load_contract("pages"))
    assert load_contract("observed") == made, "run `make contract`"


def test_the_observed_contract_says_it_is_made_not_written() -> None:
    from verifik_mock.contract_file import contract_path

    assert contract_path("observed").read_text(encoding="utf-8").startswith(OBSERVED_HEADER)
