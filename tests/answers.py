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


def create_example_validation(http: httpx.Client, **fields: object) -> Json:
    """A new onboarding validation for ana@example.com on the pages' example project and
    flow, with ``fields`` added."""
    body = {
        "project": "project_123456789",
        "projectFlow": "flow_123456789",
        "identifier": "ana@example.com",
        "type": "onboarding",
    }
    response = http.post("/v2/biometric-validations", json=body | fields)
    assert response.status_code == 200, response.text
    created: Json = response.json()["data"]
    return created
