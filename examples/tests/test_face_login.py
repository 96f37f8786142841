"""Our face login against a Verifik of our own, from verifik-mock's pytest plugin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from signup_service import (
    LivenessRejectedError,
    PersonUnknownError,
    VerifikClient,
    VerifikUnavailableError,
)

SELFIE = b"\x89PNG\r\n\x1a\n" + bytes(range(64))  # any PNG bytes pass by default


@pytest.fixture
def client(verifik) -> Iterator[VerifikClient]:
    """Our client, pointed at this test's own Verifik."""
    flows = {kind: flow["_id"] for kind, flow in verifik.project_flows.items()}
    ours = VerifikClient(verifik.base_url, verifik.token, verifik.project, flows)
    yield ours
    ours.close()


def test_a_user_enrols_then_logs_in_with_the_same_face(client: VerifikClient) -> None:
    enrolled = client.finish(client.start("ana@example.com", "onboarding"), SELFIE)
    login = client.finish(client.start("ana@example.com", "login"), SELFIE)
    assert login.person == enrolled.person


def test_a_stranger_cannot_log_in(client: VerifikClient) -> None:
    with pytest.raises(PersonUnknownError):
        client.finish(client.start("nobody@example.com", "login"), SELFIE)


@pytest.mark.verifik(liveness_score=0.3)
def test_a_photo_of_a_photo_is_rejected(client: VerifikClient) -> None:
    with pytest.raises(LivenessRejectedError, match=r"liveness_failed@0\.30"):
        client.finish(client.start("ana@example.com", "onboarding"), SELFIE)


def test_a_spoof_for_one_user_only(client: VerifikClient, verifik) -> None:
    verifik.inject_scores(liveness_score=0.2, identifier="eve@example.com")
    client.finish(client.start("ana@example.com", "onboarding"), SELFIE)
    with pytest.raises(LivenessRejectedError):
        client.finish(client.start("eve@example.com", "onboarding"), SELFIE)


def test_one_outage_is_retried(client: VerifikClient, verifik) -> None:
    verifik.inject_fault("503", times=1)
    assert client.start("ana@example.com", "onboarding")


@pytest.mark.verifik(fault="503")
def test_a_long_outage_is_reported(client: VerifikClient) -> None:
    with pytest.raises(VerifikUnavailableError):
        client.start("ana@example.com", "onboarding")


def test_a_session_left_open_too_long_expires(client: VerifikClient, verifik) -> None:
    session = client.start("ana@example.com", "onboarding")
    verifik.clock.advance(minutes=11)
    answer = client.http.post(
        "/v2/biometric-validations/validate",
        json={"image": "iVBORw0KGgo="},
        headers={"Authorization": f"Bearer {session}"},
    )
    assert answer.json()["code"] == "LIVENESS_SESSION_EXPIRED"


def test_the_plugin_is_installed_not_imported_from_a_checkout() -> None:
    import verifik_mock

    assert "site-packages" in Path(verifik_mock.__file__).parts
