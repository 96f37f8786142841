"""Each of Verifik's operations lists, in the contract's ``x-verifik-error-codes``, the codes
each of its error statuses can carry: every listed code is one the operation answers (a
request that gets it, per code), and the fuzz (``test_fuzz.py``) holds every error it
provokes to the list. The coverage report counts these answers, so a code listed but never
answered would be a branch no suite could reach, and one answered but not listed a branch
no report would name."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.answers import assert_error
from tests.conftest import MockWith
from tests.sample_images import face_png
from verifik_mock import Settings, errors
from verifik_mock.contract_file import WIRES, Wire, load_contract
from verifik_mock.testing import VerifikMock

SETTINGS = Settings(max_body_bytes=16 * 1024, max_image_bytes=1024)
"""Small limits, so a body and an image over them are cheap to send."""
UNKNOWN_ID = "0" * 24
FACE = face_png()


@dataclass(frozen=True)
class Listed:
    """One code an operation lists for one of its error statuses."""

    operation_id: str
    method: str
    path: str
    status: int
    code: str

    def __str__(self) -> str:
        return f"{self.operation_id}-{self.status}-{self.code}"


def verifik_operations(wire: Wire) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (METHOD, path, operation) of Verifik's in the contract of ``wire``."""
    for path, item in load_contract(wire)["paths"].items():
        if path.startswith("/v2/"):
            for method, operation in item.items():
                yield method.upper(), path, operation


def listed_codes() -> list[Listed]:
    """Every (operation, status, code) the pages' contract lists."""
    return [
        Listed(operation["operationId"], method, path, int(status), code)
        for method, path, operation in verifik_operations("pages")
        for status, codes in operation["x-verifik-error-codes"].items()
        for code in codes
    ]


@pytest.mark.parametrize("wire", WIRES)
def test_every_error_status_of_an_operation_lists_the_codes_of_that_status(wire: Wire) -> None:
    status_of = {error.code: error.status for error in errors.concrete_errors()}
    for _, _, operation in verifik_operations(wire):
        listed = operation["x-verifik-error-codes"]
        error_statuses = {status for status in operation["responses"] if int(status) >= 400}
        assert set(listed) == error_statuses, operation["operationId"]
        for status, codes in listed.items():
            assert codes, (operation["operationId"], status)
            assert {status_of[code] for code in codes} == {int(status)}, codes


def test_the_observed_contract_lists_the_same_codes_as_the_pages() -> None:
    pages = {
        op["operationId"]: op["x-verifik-error-codes"] for *_, op in verifik_operations("pages")
    }
    observed = {
        op["operationId"]: op["x-verifik-error-codes"] for *_, op in verifik_operations("observed")
    }
    assert observed == pages


# ---- a request that gets each listed code


@dataclass
class Caller:
    """One tenant of the mock, and a way to call any operation as it."""

    verifik: VerifikMock

    def session_token(self, identifier: str = "ana@example.com", type: str = "onboarding") -> str:
        """The session token of a new validation."""
        return str(self.verifik.create_biometric_validation(identifier, type=type)["token"])

    def call(self, listed: Listed, **request: Any) -> httpx.Response:
        """Call ``listed``'s operation: an unknown id in its path, as the tenant (validate:
        with a new validation's session token) unless ``headers`` say otherwise."""
        token = self.session_token() if listed.operation_id.startswith("validate") else None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers |= request.pop("headers", {})
        path = listed.path.replace("{id}", UNKNOWN_ID)
        return self.verifik.http.request(listed.method, path, headers=headers, **request)

    def validate(self, token: str, **headers: str) -> httpx.Response:
        """Validate a face capture with ``token``."""
        return self.verifik.validate(token, FACE, **headers)


def _body(document: object) -> Recipe:
    return lambda caller, listed: caller.call(listed, json=document)


def _image(image: str) -> Recipe:
    """A body that is valid but for its image (document liveness needs a check asked for)."""

    def call(caller: Caller, listed: Listed) -> httpx.Response:
        checks = (
            {} if listed.operation_id.startswith("validate") else {"validateScreenReplay": True}
        )
        return caller.call(listed, json={"image": image} | checks)

    return call


def _expired(caller: Caller, listed: Listed) -> httpx.Response:
    token = caller.session_token()
    caller.verifik.clock.advance(minutes=11)
    return caller.validate(token)


def _used(caller: Caller, listed: Listed) -> httpx.Response:
    token = caller.session_token()
    caller.validate(token)
    return caller.validate(token)


def _no_collection(caller: Caller, listed: Listed) -> httpx.Response:
    [flow] = caller.verifik.load_fixture("unconfigured-flow")["projectFlows"]
    created = caller.verifik.http.post(
        "/v2/biometric-validations",
        json={
            "project": caller.verifik.project,
            "projectFlow": flow,
            "identifier": "ana@example.com",
            "type": "login",
        },
    )
    return caller.validate(created.json()["data"]["token"])


Recipe = Callable[[Caller, Listed], httpx.Response]
RECIPES: dict[str, Recipe] = {
    "INVALID_PARAMETERS": lambda caller, listed: caller.call(listed, params={"unknown": "1"}),
    "UNAUTHORIZED": lambda caller, listed: caller.call(listed, headers={"Authorization": ""}),
    "INVALID_BODY": _body([]),
    "MISSING_PARAMETER": _body({}),
    "UNSUPPORTED_MEDIA_TYPE": lambda caller, listed: caller.call(
        listed, content=b"name=x", headers={"Content-Type": "text/plain"}
    ),
    "PAYLOAD_TOO_LARGE": lambda caller, listed: caller.call(
        listed, content=b"{" + b" " * SETTINGS.max_body_bytes + b"}"
    ),
    "INVALID_IMAGE_FORMAT": _image("not an image"),
    "IMAGE_TOO_LARGE": _image("A" * SETTINGS.max_image_bytes * 2),
    "BIOMETRIC_VALIDATION_NOT_FOUND": lambda caller, listed: caller.call(listed),
    "DOCUMENT_LIVENESS_NOT_FOUND": lambda caller, listed: caller.call(listed),
    "PROJECT_FLOW_NOT_FOUND": lambda caller, listed: caller.call(listed),
    "INVALID_PROJECT_FLOW": lambda caller, listed: caller.call(
        listed,
        json={
            "project": caller.verifik.project,
            "projectFlow": UNKNOWN_ID,
            "identifier": "ana@example.com",
            "type": "validation",
        },
    ),
    "LIVENESS_SESSION_TOKEN_MISSING": lambda caller, listed: caller.call(
        listed, json={"image": "iVBORw0KGgo="}, headers={"Authorization": ""}
    ),
    "TOKEN_NOT_RIGHT": lambda caller, listed: caller.validate(caller.verifik.token),
    "LIVENESS_SESSION_EXPIRED": _expired,
    "LIVENESS_SESSION_USED": _used,
    "LIVENESS_FAILED": lambda caller, listed: caller.validate(
        caller.session_token(), **{"X-Mock-Liveness-Score": "0.1"}
    ),
    "PERSON_NOT_FOUND": lambda caller, listed: caller.validate(
        caller.session_token("nobody@example.com", type="login")
    ),
    "COLLECTION_NOT_SET": _no_collection,
}
"""For each listed code, a request that gets it from the operation listing it."""


@pytest.fixture
def caller(mock_with: MockWith) -> Iterator[Caller]:
    """A fresh tenant of a mock with small body and image limits."""
    server = mock_with(SETTINGS)
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield Caller(VerifikMock(http, f"codes-{uuid.uuid4().hex}"))


@pytest.mark.parametrize("listed", listed_codes(), ids=str)
def test_each_code_an_operation_lists_is_one_it_answers(caller: Caller, listed: Listed) -> None:
    assert listed.code in RECIPES, f"no request in RECIPES gets {listed.code}"

    answer = RECIPES[listed.code](caller, listed)

    assert_error(answer, listed.status, listed.code)
