"""Our Verifik client: start a face capture for a user, then finish it with their selfie."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import httpx


class LivenessRejectedError(Exception):
    """Verifik thinks the selfie is not of a live person."""


class PersonUnknownError(Exception):
    """Verifik found no enrolled person matching the selfie."""


class VerifikUnavailableError(Exception):
    """Verifik did not answer usefully, even after a retry."""


@dataclass(frozen=True)
class FaceLogin:
    """A finished face login."""

    person: str
    name: str


class VerifikClient:
    """Talks to Verifik (or anything serving its API) at ``base_url`` with ``token``."""

    def __init__(self, base_url: str, token: str, project: str, flows: dict[str, str]) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        self.project = project
        self.flows = flows

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def start(self, email: str, kind: str) -> str:
        """Open a capture session for ``email`` (``onboarding`` or ``login``); its token."""
        body = {
            "project": self.project,
            "projectFlow": self.flows[kind],
            "identifier": email,
            "type": kind,
        }
        answer = self._post("/v2/biometric-validations", body, self.http.headers["Authorization"])
        return str(answer.json()["data"]["token"])

    def finish(self, session_token: str, selfie: bytes) -> FaceLogin:
        """Send the selfie; who it is, or why not."""
        body = {"image": base64.b64encode(selfie).decode()}
        answer = self._post("/v2/biometric-validations/validate", body, f"Bearer {session_token}")
        code = answer.json().get("code")
        if code == "LIVENESS_FAILED":
            raise LivenessRejectedError(answer.json()["error"])
        if code == "PERSON_NOT_FOUND":
            raise PersonUnknownError(answer.json()["error"])
        data = answer.json()["data"]
        return FaceLogin(person=data["person"], name=data["appLogin"]["name"])

    def _post(self, path: str, body: dict[str, str], authorization: str) -> httpx.Response:
        for _attempt in range(2):
            answer = self.http.post(path, json=body, headers={"Authorization": authorization})
            if answer.status_code < 500 and answer.status_code != 429:
                return answer
        raise VerifikUnavailableError(f"{path} answered {answer.status_code}")
