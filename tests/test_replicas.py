"""``--store redis://...`` and ``--state-file`` with several servers: one consistent state
whichever replica answers, one winner among racing validates, one set of webhook deliveries
with each event delivered once, the same bytes from every engine, and a 503 while Redis is
away."""

from __future__ import annotations

import base64
import itertools
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.answers import assert_error, create_example_validation, seeded_flow
from tests.redis_server import RedisServer
from verifik_mock import Settings, create_app
from verifik_mock.samples import sample_image
from verifik_mock.server import serve_in_thread
from verifik_mock.testing import VerifikMock

AUTH = {"Authorization": "Bearer replicas-team"}
VALIDATIONS = "/v2/biometric-validations"
VALIDATE = "/v2/biometric-validations/validate"
PUBLIC_URL = "http://mock.test:8000"
"""Every replica builds its links from it, so their answers can be compared byte for byte."""


@contextmanager
def replicas(settings: Settings, count: int = 2) -> Iterator[list[httpx.Client]]:
    """Clients of ``count`` servers with ``settings``, each its own app (its own memory)."""
    with ExitStack() as stack:
        servers = [stack.enter_context(serve_in_thread(create_app(settings))) for _ in range(count)]
        yield [
            stack.enter_context(httpx.Client(base_url=s.base_url, headers=AUTH, timeout=30))
            for s in servers
        ]


@pytest.fixture(params=["redis", "sqlite"])
def shared_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings under which several servers share one state: Redis, or a state file."""
    if request.param == "redis":
        return Settings(store_url=request.getfixturevalue("redis_url"), public_url=PUBLIC_URL)
    return Settings(state_file=tmp_path / "state.sqlite", shared_state=True, public_url=PUBLIC_URL)


def test_1000_creates_from_8_threads_on_2_replicas_are_1000_records_seen_alike(
    shared_settings: Settings,
) -> None:
    with replicas(shared_settings) as clients:
        before = clients[0].get(VALIDATIONS).json()["pagination"]["total"]
        senders = itertools.cycle(clients)
        with ThreadPoolExecutor(8) as pool:
            created = list(
                pool.map(
                    lambda http: create_example_validation(http)["_id"],
                    [next(senders) for _ in range(1000)],
                )
            )
        totals = [http.get(VALIDATIONS).json()["pagination"]["total"] for http in clients]

    assert len(set(created)) == 1000
    assert totals == [before + 1000, before + 1000]


def test_20_racing_validates_of_one_session_on_2_replicas_have_one_winner(
    shared_settings: Settings,
) -> None:
    image = {"image": base64.b64encode(sample_image("face-pass")).decode()}
    with replicas(shared_settings) as clients:
        token = create_example_validation(clients[0])["token"]
        senders = itertools.cycle(clients)
        with ThreadPoolExecutor(20) as pool:
            answers = list(
                pool.map(
                    lambda http: http.post(
                        VALIDATE, json=image, headers={"Authorization": f"Bearer {token}"}
                    ),
                    [next(senders) for _ in range(20)],
                )
            )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * 19
    for refused in answers:
        if refused.status_code == 409:
            assert_error(refused, 409, "LIVENESS_SESSION_USED")


def a_session_of_requests(clients: list[httpx.Client]) -> list[bytes]:
    """The same requests in the same order, sent to the replicas in turn: every answer."""
    senders = itertools.cycle(clients)
    answers = []
    image = {"image": base64.b64encode(sample_image("face-pass")).decode()}
    flow = seeded_flow(clients[0])
    for _ in range(3):
        created = next(senders).post(VALIDATIONS, json={
            "project": flow["project"], "projectFlow": flow["_id"],
            "identifier": "ana@example.com", "type": "onboarding",
        })  # fmt: skip
        answers.append(created.content)
        token = created.json()["data"]["token"]
        validated = next(senders).post(
            VALIDATE, json=image, headers={"Authorization": f"Bearer {token}"}
        )
        answers.append(validated.content)
        answers.append(next(senders).post("/__mock__/clock/advance", json={"minutes": 5}).content)
    answers.append(next(senders).get(VALIDATIONS, params={"limit": 100}).content)
    answers.append(next(senders).get("/v2/projects").content)
    return answers


def test_the_same_seed_and_requests_give_the_same_bytes_on_every_engine(
    redis_url: str, tmp_path: Path
) -> None:
    engines = {
        "memory": (Settings(public_url=PUBLIC_URL), 1),
        "sqlite": (Settings(state_file=tmp_path / "a.sqlite", public_url=PUBLIC_URL), 1),
        "sqlite workers": (
            Settings(state_file=tmp_path / "b.sqlite", shared_state=True, public_url=PUBLIC_URL),
            2,
        ),
        "redis replicas": (Settings(store_url=redis_url, public_url=PUBLIC_URL), 2),
    }
    answers = {}
    for name, (settings, count) in engines.items():
        with replicas(settings, count) as clients:
            answers[name] = a_session_of_requests(clients)

    assert answers["sqlite"] == answers["memory"]
    assert answers["sqlite workers"] == answers["memory"]
    assert answers["redis replicas"] == answers["memory"]


def test_redis_away_answers_503_store_unavailable_and_the_mock_serves_again_once_back() -> None:
    with RedisServer() as redis_server:
        settings = Settings(store_url=redis_server.url, public_url=PUBLIC_URL)
        with replicas(settings, 1) as [http]:
            create_example_validation(http)
            redis_server.stop()

            away = http.get(VALIDATIONS)
            refused = http.post(VALIDATIONS, json={})

            redis_server.start()
            back = http.get(VALIDATIONS)
            created = create_example_validation(http)

    assert_error(away, 503, "STORE_UNAVAILABLE")
    assert_error(refused, 503, "STORE_UNAVAILABLE")
    assert back.status_code == 200
    assert created["_id"]


def test_a_replica_that_stops_closes_its_connections_to_redis(
    redis_server: RedisServer, redis_url: str
) -> None:
    with redis_server.client() as watcher:
        before = len(watcher.client_list())
        with replicas(Settings(store_url=redis_url), 1) as [http]:
            create_example_validation(http)
            while_serving = len(watcher.client_list())
        deadline = time.monotonic() + 5  # Redis notices a closed socket on its next loop
        while len(watcher.client_list()) > before and time.monotonic() < deadline:
            time.sleep(0.01)
        after = len(watcher.client_list())

    assert while_serving > before
    assert after == before


class Receiver:
    """A loopback webhook receiver that counts each body it is sent."""

    def __init__(self) -> None:
        self.bodies: Counter[bytes] = Counter()
        self.app = Starlette(routes=[Route("/hook", self._receive, methods=["POST"])])

    async def _receive(self, request: Request) -> Response:
        self.bodies[await request.body()] += 1
        return Response(status_code=204)


def test_every_replica_sees_the_same_deliveries_and_each_event_arrives_once(
    shared_settings: Settings,
) -> None:
    receiver = Receiver()
    with (
        serve_in_thread(receiver.app) as receiving,
        replicas(shared_settings) as clients,
    ):
        senders = itertools.cycle(clients)
        for _ in range(6):
            create_example_validation(next(senders), webhookUrl=f"{receiving.base_url}/hook")
        views = [VerifikMock(http, AUTH["Authorization"].split()[1]) for http in clients]
        settled = [view.wait_for_webhooks(seconds=10) for view in views]

    assert settled[0] == settled[1]
    assert len(settled[0]) == 6
    assert {delivery["state"] for delivery in settled[0]} == {"delivered"}
    assert len(receiver.bodies) == 6
    assert set(receiver.bodies.values()) == {1}
