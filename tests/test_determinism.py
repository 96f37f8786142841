"""Same seed, same requests: the same bytes, across two real server starts."""

from __future__ import annotations

import base64
import time

import httpx
import pytest

from tests.ports import free_port
from verifik_mock import Settings, create_app
from verifik_mock.server import serve_in_thread

WALL_CLOCK_GAP_SECONDS = 1.1
"""Longer than a second: no request of a second run falls in a wall-clock second of the first."""
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


def run_session(seed: int, port: int, page_examples: bool = False) -> list[bytes]:
    """Start a server with ``seed`` (and the pages' example records, if asked) on ``port``,
    play a fixed sequence of requests, return every body. The port is part of the requests:
    hosted-page URLs carry the Host header."""
    settings = Settings(seed=seed, page_examples=page_examples)
    with (
        serve_in_thread(create_app(settings), port=port) as server,
        httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer team-a"}) as http,
    ):
        flows = http.get("/v2/project-flows?type=login").json()["data"]
        created = http.post(
            "/v2/biometric-validations",
            json={
                "project": flows[0]["project"],
                "projectFlow": flows[0]["_id"],
                "identifier": "ana@example.com",
                "type": "login",
            },
        )
        document = http.post(
            "/v2/document-liveness",
            json={"image": base64.b64encode(TINY_PNG).decode(), "validatePrintedCopy": True},
        )
        validation_id = created.json()["data"]["_id"]
        everything = "populates[]=client&populates[]=project&populates[]=livenessSession"
        responses = [
            http.get("/v2/project-flows?type=login"),
            created,
            document,
            http.get(f"/v2/biometric-validations/{validation_id}?{everything}"),
            http.get(f"/v2/biometric-validations?limit=100&{everything}"),
            http.get("/v2/document-liveness?limit=100&populates[]=appRegistration"),
            http.get("/v2/projects"),
        ]
        return [response.content for response in responses]


@pytest.mark.parametrize("page_examples", [False, True], ids=["default", "page-examples"])
def test_two_starts_with_the_same_seed_answer_byte_identical_responses(
    page_examples: bool,
) -> None:
    port = free_port()
    first = run_session(seed=11, port=port, page_examples=page_examples)

    assert run_session(seed=11, port=port, page_examples=page_examples) == first


def test_the_same_seed_with_and_without_page_examples_gives_two_worlds_each_the_same() -> None:
    """Worlds are drawn once per seed and settings, then copied: the one with the pages'
    records and the one without are kept apart, whichever came first."""
    port = free_port()
    plain = run_session(seed=11, port=port)
    with_pages = run_session(seed=11, port=port, page_examples=True)

    assert run_session(seed=11, port=port) == plain
    assert run_session(seed=11, port=port, page_examples=True) == with_pages
    assert b"project_123456789" in with_pages[-1]
    assert b"project_123456789" not in plain[-1]


def test_another_seed_gives_another_world() -> None:
    port = free_port()
    assert run_session(seed=11, port=port)[-1] != run_session(seed=12, port=port)[-1]


def test_same_seed_answers_the_same_bytes_in_another_wall_clock_second() -> None:
    port = free_port()
    first = run_session(seed=11, port=port)
    time.sleep(WALL_CLOCK_GAP_SECONDS)  # the mock clock, not the wall clock, makes ids

    assert run_session(seed=11, port=port) == first
