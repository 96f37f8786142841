"""Reading the mock's answers in tests: a 200 checked against its schema, or an error envelope."""

from __future__ import annotations

from typing import Any

import httpx

from tests.contract_schema import assert_matches_schema

Json = dict[str, Any]


def get_answer(client: httpx.Client, path: str, schema: str, **params: Any) -> Json:
    """The 200 answer to ``GET path``, checked against the contract's ``schema``."""
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    assert_matches_schema(body, schema)
    return body


def assert_error(response: httpx.Response, status: int, code: str) -> Json:
    """``response`` is the documented error envelope with ``status`` and ``code``."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    assert_matches_schema(body, "ErrorResponse")
    assert body["code"] == code
    return body


def load_page_examples(http: httpx.Client) -> Json:
    """Give the caller's tenant the records Verifik's pages show, under the pages' ids, as a
    user would: ``POST /__mock__/fixtures/page-examples``."""
    response = http.post("/__mock__/fixtures/page-examples")
    assert response.status_code == 200, response.text
    loaded: Json = response.json()
    assert_matches_schema(loaded, "PageExamplesLoaded")
    return loaded


def seeded_flow(http: httpx.Client, flow_type: str = "onboarding") -> Json:
    """The tenant's seeded flow of ``flow_type``, looked up as a client would: the oldest of
    its type (a flow a test adds, and the pages' example flow, are newer)."""
    flows = get_answer(http, "/v2/project-flows", "ProjectFlowList", type=flow_type, limit=100)
    flow: Json = flows["data"][-1]
    return flow


def create_example_validation(http: httpx.Client, **fields: object) -> Json:
    """A new onboarding validation for ana@example.com on the tenant's seeded onboarding flow
    (looked up) and its project, with ``fields`` added."""
    return create_onboarding_on(http, seeded_flow(http), **fields)


def create_onboarding_on(http: httpx.Client, flow: Json, **fields: object) -> Json:
    """A new onboarding validation for ana@example.com on ``flow`` and its project, with
    ``fields`` added."""
    body = {
        "project": flow["project"],
        "projectFlow": flow["_id"],
        "identifier": "ana@example.com",
        "type": "onboarding",
    }
    response = http.post("/v2/biometric-validations", json=body | fields)
    assert response.status_code == 200, response.text
    created: Json = response.json()["data"]
    return created
