"""Checking one answer against the contract: a request finds its operation (a literal path
before a template), and each way an answer breaks the contract is one violation at a JSON
path, whose message never shows a secret or a body."""

from __future__ import annotations

import json

import pytest

from verifik_mock.answer_check import AnswerChecker, Violation
from verifik_mock.tokens import encode

JSON = "application/json"


@pytest.fixture(scope="module")
def checker() -> AnswerChecker:
    """The checks of the pages' contract."""
    return AnswerChecker("pages")


def violations(
    checker: AnswerChecker, method: str, path: str, status: int, body: object, kind: str = JSON
) -> list[str]:
    """The lines of the violations of answering ``method path`` with ``status`` and ``body``."""
    matched = checker.match(method, path)
    found = checker.check(matched, status, kind, json.dumps(body).encode())
    return [violation.line() for violation in sorted(found)]


def test_a_literal_path_wins_over_a_template(checker: AnswerChecker) -> None:
    assert checker.match("POST", "/v2/biometric-validations/validate").label == (
        "validateBiometricValidation"
    )
    assert checker.match("GET", "/v2/biometric-validations/65a5").label == (
        "retrieveBiometricValidation"
    )


def test_a_status_the_operation_does_not_document_is_a_violation(checker: AnswerChecker) -> None:
    assert violations(checker, "GET", "/v2/biometric-validations/x", 418, {}) == [
        "retrieveBiometricValidation 418 $: status 418 is not documented for "
        "retrieveBiometricValidation"
    ]


def test_a_path_no_operation_has_is_reported_as_such(checker: AnswerChecker) -> None:
    assert violations(checker, "GET", "/v3/people", 404, {}) == [
        "GET /v3/people 404 $: no operation in the contract has this path"
    ]


def test_a_method_the_path_does_not_take_is_reported_with_those_it_takes(
    checker: AnswerChecker,
) -> None:
    assert violations(checker, "DELETE", "/v2/projects", 405, {}) == [
        "DELETE /v2/projects 405 $: the contract has no DELETE at /v2/projects (it has GET, POST)"
    ]


def test_the_mocks_own_operations_and_preflights_are_not_checked(checker: AnswerChecker) -> None:
    for method, path in (("GET", "/__mock__/journal"), ("OPTIONS", "/v2/projects")):
        matched = checker.match(method, path)
        assert not matched.checked
        assert not checker.check(matched, 418, "text/html", b"<html>")


def test_an_answer_that_is_no_json_breaks_a_json_operation(checker: AnswerChecker) -> None:
    matched = checker.match("GET", "/v2/projects")
    found = checker.check(matched, 200, "text/html; charset=utf-8", b"<html>")
    assert list(found) == [
        Violation("listProjects", 200, "$", "the answer is text/html, the contract says JSON")
    ]


def test_an_error_answer_is_held_to_the_envelope(checker: AnswerChecker) -> None:
    assert violations(checker, "GET", "/v2/projects", 401, {"success": False, "code": "X"}) == [
        "listProjects 401 $: 'error' is a required property"
    ]


def test_a_message_shows_no_secret_and_no_body(checker: AnswerChecker) -> None:
    token = encode({"clientId": "someone"}, "their-secret")
    envelope = {"success": token, "error": {"nested": token}, "code": "UNAUTHORIZED"}
    assert violations(checker, "GET", "/v2/projects", 401, envelope) == [
        "listProjects 401 $.error: an object is not of type 'string'",
        "listProjects 401 $.success: 'REDACTED' is not of type 'boolean'",
        "listProjects 401 $.success: False was expected",
    ]
