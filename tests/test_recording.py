"""Recording through the proxy: one file per exchange, with no token, image, email or secret
in any of them but the ids and enum values kept; ``drift --recorded`` replays a recording's
GETs and finds no drift against the server it recorded, and the drift of a drifting one."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import MockWith
from tests.drifted_mock import SECRET, drifted_app
from tests.proxy_traffic import DRIFTS, FACE, proxying, send_traffic, signed_token
from verifik_mock import Settings
from verifik_mock.server import RunningServer, serve_in_thread

VERIFIK_MOCK = str(Path(sys.executable).with_name("verifik-mock"))
ADMIN_TOKEN = "admin-token-of-the-recording-test"


@pytest.fixture
def upstream(mock_with: MockWith) -> RunningServer:
    """A conforming upstream: the mock, enforcing signed tokens and an admin token."""
    return mock_with(Settings(signing_secret=SECRET, admin_token=ADMIN_TOKEN))


def drift_recorded(recording: Path, right: str, token: str) -> subprocess.CompletedProcess[str]:
    """``verifik-mock drift --recorded recording --right right --token token``."""
    command = [VERIFIK_MOCK, "drift", "--recorded", str(recording), "--right", right]
    return subprocess.run([*command, "--token", token], capture_output=True, text=True, timeout=60)


def test_a_recording_holds_no_token_image_email_or_secret(
    upstream: RunningServer, tmp_path: Path
) -> None:
    token, recording = signed_token(), tmp_path / "recording"
    with proxying(upstream.base_url, record=recording) as proxy:
        created = send_traffic(proxy.base_url, token)
        webhooks = httpx.get(
            f"{proxy.base_url}/__mock__/webhooks",
            headers={"Authorization": f"Bearer {token}", "X-Mock-Admin-Token": ADMIN_TOKEN},
        )
    assert webhooks.status_code == 200, webhooks.text
    secrets = {
        "the client's JWT": token,
        "the session token": created["token"],
        "the face image": FACE[:40],
        "the email": "ana@example.com",
        "the webhook signing secret": webhooks.json()["secret"],
        "the admin token": ADMIN_TOKEN,
    }
    files = sorted(recording.iterdir())
    assert [path.name for path in files] == [
        "0001-createBiometricValidation.json",
        "0002-validateBiometricValidation.json",
        "0003-listBiometricValidations.json",
        "0004-retrieveBiometricValidation.json",
        "0005-retrieveBiometricValidation.json",
        "0006-listWebhookDeliveries.json",
    ]
    for path in files:
        text = path.read_text()
        assert [name for name, secret in secrets.items() if secret in text] == [], path.name


@dataclass(frozen=True)
class Recording:
    """Traffic recorded through a proxy: where, with which token, and what it created."""

    folder: Path
    token: str
    created: dict[str, Any]


@pytest.fixture
def recording(upstream: RunningServer, tmp_path: Path) -> Recording:
    """The test traffic, sent through a proxy in front of ``upstream`` that records it."""
    token, folder = signed_token(), tmp_path / "recording"
    with proxying(upstream.base_url, record=folder) as proxy:
        created = send_traffic(proxy.base_url, token)
    return Recording(folder, token, created)


def test_a_recording_keeps_the_ids_and_enum_values_drift_compares(recording: Recording) -> None:
    path = recording.folder / "0004-retrieveBiometricValidation.json"
    retrieve = json.loads(path.read_text())
    created_id = recording.created["_id"]
    assert retrieve["request"]["path"] == f"/v2/biometric-validations/{created_id}"
    data = retrieve["response"]["body"]["data"]
    assert (data["_id"], data["status"], data["type"], data["language"]) == (
        created_id,
        "completed",
        "onboarding",
        "en",
    )
    assert data["identifier"] == "REDACTED"


def test_drift_of_a_recording_against_the_server_it_recorded_finds_none(
    upstream: RunningServer, recording: Recording
) -> None:
    done = drift_recorded(recording.folder, upstream.base_url, recording.token)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 of 3 operations differ" in done.stdout
    assert "2 recorded exchanges not replayed" in done.stdout


def test_drift_of_a_recording_against_a_drifting_server_reports_both_drifts(
    recording: Recording,
) -> None:
    with serve_in_thread(drifted_app(*DRIFTS)) as drifting:
        done = drift_recorded(recording.folder, drifting.base_url, recording.token)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "missing on right: .data[].identifier" in done.stdout
    assert "extra on right:   .data[].identifer" in done.stdout
    assert "only right: .data[].language = english" in done.stdout
    # The created validation is not on the other server: its retrieve takes one it lists.
    assert "0004-retrieveBiometricValidation (as " in done.stdout
    assert "missing on right: .data.identifier" in done.stdout
