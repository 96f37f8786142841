"""Answers for failures nobody planned: a bug in the mock still answers in Verifik's error
envelope, and its log line names where it happened, not what the request carried."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import NoReturn

import httpx
import pytest

from tests.contract_schema import assert_matches_schema
from verifik_mock import Settings, create_app
from verifik_mock.domain import projects
from verifik_mock.server import serve_in_thread

BROKEN_PATH = "/v2/projects"
"""The operation whose domain function the tests break."""


@dataclass(frozen=True)
class BrokenRequest:
    """A request that hit a bug: the answer, what the mock logged, and the token it sent."""

    response: httpx.Response
    logged: list[str]
    token: str


def list_projects_with_a_bug(*args: object, **kwargs: object) -> NoReturn:
    """Stands in for the domain's ``list_projects``, as a bug in it would behave."""
    raise RuntimeError("a bug in listing projects")


@pytest.fixture
def broken_request(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> BrokenRequest:
    """``GET /v2/projects`` on a mock of its own whose listing raises RuntimeError."""
    monkeypatch.setattr(projects, "list_projects", list_projects_with_a_bug)
    token = f"secret-token-{uuid.uuid4().hex}"
    with (
        caplog.at_level(logging.ERROR, logger="verifik_mock"),
        serve_in_thread(create_app(Settings())) as mock,
        httpx.Client(base_url=mock.base_url, timeout=10) as http,
    ):
        response = http.get(BROKEN_PATH, headers={"Authorization": f"Bearer {token}"})
    logged = [record.getMessage() for record in caplog.records if record.name == "verifik_mock"]
    return BrokenRequest(response, logged, token)


def test_unexpected_error_answers_internal_error_in_the_envelope(
    broken_request: BrokenRequest,
) -> None:
    response = broken_request.response

    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_matches_schema(body, "ErrorResponse")
    assert body == {"success": False, "error": body["error"], "code": "INTERNAL_ERROR"}
    assert broken_request.token not in response.text


def test_unexpected_error_log_names_the_path_and_error_type_but_not_the_token(
    broken_request: BrokenRequest,
) -> None:
    [line] = broken_request.logged

    assert BROKEN_PATH in line
    assert "RuntimeError" in line
    assert broken_request.token not in line
