"""What the proxy tests share: a proxy served in a thread, and a client's traffic through it
(create, validate, list, retrieve, and an error), as the README's walkthrough sends it."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.answers import create_example_validation
from tests.drifted_mock import SECRET
from verifik_mock import tokens
from verifik_mock.contract_file import Wire
from verifik_mock.proxy import REPORT_PATH, ProxyOptions, proxy_app
from verifik_mock.samples import sample_image
from verifik_mock.server import serve_in_thread

FACE = base64.b64encode(sample_image("face-pass")).decode()
DRIFTS = ("wrong-enum-value", "renamed-field")
"""The drifting upstream's two drifts: ``language`` reads ``english``, ``identifier`` is
renamed ``identifer``."""


def signed_token() -> str:
    """A token of a tenant no other test uses, signed as the drifted mocks want."""
    return tokens.encode({"clientId": f"proxy-{uuid.uuid4().hex[:16]}"}, SECRET)


@dataclass
class Proxy:
    """A proxy that is up, and the lines it printed."""

    base_url: str
    printed: list[str]

    def report(self) -> dict[str, Any]:
        """Its ``GET /__proxy__/report``."""
        answer = httpx.get(f"{self.base_url}{REPORT_PATH}", timeout=10)
        assert answer.status_code == 200, answer.text
        report: dict[str, Any] = answer.json()
        return report


@contextmanager
def proxying(upstream: str, record: Path | None = None, wire: Wire = "pages") -> Iterator[Proxy]:
    """A proxy in front of ``upstream``, checking against ``wire``'s contract, served in a
    thread until the block ends."""
    printed: list[str] = []
    app = proxy_app(ProxyOptions(upstream, record=record, wire=wire), printed.append)
    with serve_in_thread(app, lifespan="on") as server:
        yield Proxy(server.base_url, printed)


def send_traffic(base_url: str, token: str) -> dict[str, Any]:
    """A client's calls to ``base_url``: create, validate with the session token, list,
    retrieve, and retrieve what is not there (404). Returns the created validation."""
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as http:
        created = create_example_validation(http)
        validated = http.post(
            "/v2/biometric-validations/validate",
            headers={"Authorization": f"Bearer {created['token']}"},
            json={"image": FACE},
        )
        assert validated.status_code == 200, validated.text
        assert http.get("/v2/biometric-validations", params={"limit": 100}).status_code == 200
        assert http.get(f"/v2/biometric-validations/{created['_id']}").status_code == 200
        assert http.get("/v2/biometric-validations/no-such-validation").status_code == 404
    return created
