"""Liveness-session tokens: with ``--signing-secret`` none can be forged, so no client can
complete another's validation; without it they stay deterministic, for trusted loopback."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from tests.answers import Json, assert_error, create_example_validation
from tests.conftest import MockWith
from verifik_mock import Settings, sample_image, tokens
from verifik_mock.settings import OPEN_SESSION_SECRET

SECRET = "sessions-secret"
PNG = base64.b64encode(sample_image("face-pass")).decode()


@pytest.fixture
def victim(mock_with: MockWith) -> Iterator[tuple[httpx.Client, Json]]:
    """Another client's fresh validation on a mock started with ``--signing-secret``."""
    mock = mock_with(Settings(signing_secret=SECRET))
    token = tokens.encode({"clientId": "victim"}, SECRET)
    with httpx.Client(base_url=mock.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        yield http, create_example_validation(http)


def validate(http: httpx.Client, session_token: str) -> httpx.Response:
    """Validate a capture with ``session_token``."""
    return http.post(
        "/v2/biometric-validations/validate",
        json={"image": PNG},
        headers={"Authorization": f"Bearer {session_token}"},
    )


def forged_token(created: Json, secret: str) -> str:
    """A session token for ``created`` signed with ``secret`` (claims as the mock's own)."""
    claims = tokens.read_claims(created["token"])
    assert claims is not None
    return tokens.encode(claims, secret)


def test_a_session_token_forged_with_the_public_default_key_is_refused(
    victim: tuple[httpx.Client, Json],
) -> None:
    http, created = victim
    answer = validate(http, forged_token(created, OPEN_SESSION_SECRET))
    assert_error(answer, 403, "TOKEN_NOT_RIGHT")
    stored = http.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert stored["status"] == "new"
    assert validate(http, created["token"]).status_code == 200


def test_a_session_token_forged_with_the_client_signing_secret_is_refused(
    victim: tuple[httpx.Client, Json],
) -> None:
    http, created = victim
    assert_error(validate(http, forged_token(created, SECRET)), 403, "TOKEN_NOT_RIGHT")


def test_without_a_signing_secret_session_tokens_stay_deterministic(
    client: httpx.Client,
) -> None:
    created = create_example_validation(client)
    assert forged_token(created, OPEN_SESSION_SECRET) == created["token"]
