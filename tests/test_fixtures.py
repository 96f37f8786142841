"""The sample images in fixtures/ are the ones tests/sample_images.py makes, with the
outcomes the README states."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from tests.sample_images import SAMPLE_HINTS, face_png

IMAGES = Path(__file__).parents[1] / "fixtures" / "images"


@pytest.mark.parametrize("name", SAMPLE_HINTS)
def test_sample_image_is_what_the_generator_makes(name: str) -> None:
    assert (IMAGES / name).read_bytes() == face_png(SAMPLE_HINTS[name])


def create_validation(
    client: httpx.Client, flow: dict[str, str], identifier: str, validation_type: str
) -> dict[str, str]:
    """A new validation of ``validation_type`` for ``identifier`` on ``flow``."""
    answer = client.post(
        "/v2/biometric-validations",
        json={
            "project": flow["project"],
            "projectFlow": flow["_id"],
            "identifier": identifier,
            "type": validation_type,
        },
    )
    created: dict[str, str] = answer.json()["data"]
    return created


def validate_image(client: httpx.Client, session_token: str, name: str) -> httpx.Response:
    """Validate the sample image ``name`` with a liveness-session token."""
    image = base64.b64encode((IMAGES / name).read_bytes()).decode()
    return client.post(
        "/v2/biometric-validations/validate",
        json={"image": image},
        headers={"Authorization": f"Bearer {session_token}"},
    )


def validate_sample(
    client: httpx.Client, name: str, validation_type: str, identifier: str
) -> httpx.Response:
    """Create a validation of ``validation_type`` for ``identifier`` and validate ``name``."""
    flow = client.get(f"/v2/project-flows?type={validation_type}").json()["data"][0]
    created = create_validation(client, flow, identifier, validation_type)
    return validate_image(client, created["token"], name)


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("face-pass.png", 200, None),
        ("face-borderline.png", 200, None),
        ("face-spoof.png", 409, "LIVENESS_FAILED"),
        ("face-stranger.png", 404, "PERSON_NOT_FOUND"),
    ],
)
def test_sample_image_has_the_readme_outcome_on_a_login(
    client: httpx.Client, name: str, status: int, code: str | None
) -> None:
    enrolment = validate_sample(client, "face-pass.png", "onboarding", "ana@example.com")
    assert enrolment.status_code == 200
    answer = validate_sample(client, name, "login", "ana@example.com")
    assert answer.status_code == status
    assert answer.json().get("code") == code


def test_unconfigured_flow_fixture_makes_validate_answer_collection_not_set(
    client: httpx.Client,
) -> None:
    loaded = client.post("/__mock__/fixtures/unconfigured-flow").json()
    flow_id = loaded["projectFlows"][0]
    flow = client.get(f"/v2/project-flows/{flow_id}").json()["data"]
    assert "assignedCollection" not in flow
    created = create_validation(client, flow, "ana@example.com", "login")
    answer = validate_image(client, created["token"], "face-pass.png")
    assert answer.status_code == 409
    assert answer.json()["code"] == "COLLECTION_NOT_SET"
    after = client.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert after["status"] == "failed"
