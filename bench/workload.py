"""What is sent: the endpoints measured, on which servers, and the bodies and tokens they need.

Reads go to the tenant of the mock's banner token (the one seeded with many validations).
Creates use the create page's body, trimmed, on that tenant's seeded onboarding flow (its ids
are ObjectIds, as Verifik's are: the pages' placeholder ids are refused); on the mock, each
create run also keeps the session tokens it was answered, and the validate run of the same
number spends them, one each.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from load import Request
from processes import http_get, http_post
from servers import BARE, LIST_PATH, MOCK, PRISM, WIREMOCK, Server, Stub

ONBOARDING_FLOWS = "/v2/project-flows?type=onboarding"
"""The seeded onboarding flow is the first (the only one) this lists."""
FACE = Path(__file__).parent / "face.jpg"
"""A real 8x8 grey baseline JPEG (the mock scores any JPEG or PNG by its bytes)."""


@dataclass(frozen=True)
class Endpoint:
    """One measured call: its name, path (``{id}`` filled in) and the servers it has; the
    POSTs' method and body come from their wrk script."""

    name: str
    path: str
    servers: tuple[str, ...]
    warm_up: bool = True


ENDPOINTS = (
    Endpoint("retrieve", f"{LIST_PATH}/{{id}}", (MOCK, PRISM, WIREMOCK, BARE)),
    Endpoint("list 10", f"{LIST_PATH}?limit=10", (MOCK, PRISM, WIREMOCK)),
    Endpoint("list 100", f"{LIST_PATH}?limit=100", (MOCK,)),
    Endpoint("list filtered", f"{LIST_PATH}?where_status=completed&limit=10", (MOCK,)),
    Endpoint("create", LIST_PATH, (MOCK, PRISM, WIREMOCK)),
    # Warming validate up would spend session tokens its runs need.
    Endpoint("validate", f"{LIST_PATH}/validate", (MOCK,), warm_up=False),
)
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}


@dataclass(frozen=True)
class Workload:
    """The files and the id the requests need, kept in one scratch folder."""

    folder: Path
    validation_id: str

    @property
    def create_body(self) -> Path:
        return self.folder / "create.json"

    @property
    def validate_body(self) -> Path:
        return self.folder / "validate.json"

    @property
    def retrieve_answer(self) -> Path:
        """The mock's answer to the retrieve request: bare Starlette and WireMock answer it."""
        return self.folder / "retrieve.json"

    def tokens(self, run: int) -> Path:
        """Where create run ``run`` keeps its session tokens for validate run ``run``."""
        return self.folder / f"tokens-{run}.txt"


def prepare(mock: Server, folder: Path) -> Workload:
    """Write the request bodies, find a validation id in the banner tenant, keep its answer."""
    folder.mkdir(parents=True, exist_ok=True)
    body = _answer(http_get(f"{mock.base_url}{LIST_PATH}?limit=1", mock.auth))
    workload = Workload(folder, str(json.loads(body)["data"][0]["_id"]))
    workload.create_body.write_text(json.dumps(seeded_create_body(mock)))
    image = base64.b64encode(FACE.read_bytes()).decode()
    workload.validate_body.write_text(json.dumps({"image": image}))
    url = f"{mock.base_url}{LIST_PATH}/{workload.validation_id}"
    workload.retrieve_answer.write_bytes(_answer(http_get(url, mock.auth)))
    return workload


def seeded_create_body(mock: Server) -> dict[str, str]:
    """A create on the banner tenant's seeded onboarding flow, looked up as a client would."""
    flows = _answer(http_get(f"{mock.base_url}{ONBOARDING_FLOWS}", mock.auth))
    return create_body_on(json.loads(flows)["data"][0])


def create_body_on(flow: dict[str, str]) -> dict[str, str]:
    """The create page's body, trimmed, on ``flow`` (as the flows' list answers it)."""
    return {
        "project": flow["project"],
        "projectFlow": flow["_id"],
        "identifier": "ana@example.com",
        "type": "onboarding",
    }


def stubs(mock: Server, workload: Workload) -> list[Stub]:
    """WireMock's canned answers: the mock's own answers to retrieve, list 10 and create."""
    base = mock.base_url + LIST_PATH
    created = _answer(http_post(base, mock.auth, workload.create_body.read_bytes()))
    return [
        Stub(
            "GET",
            f"{LIST_PATH}/{workload.validation_id}",
            {},
            workload.retrieve_answer.read_bytes(),
        ),
        Stub("GET", LIST_PATH, {"limit": "10"}, _answer(http_get(f"{base}?limit=10", mock.auth))),
        Stub("POST", LIST_PATH, {}, created),
    ]


def _answer(answer: tuple[int, bytes]) -> bytes:
    """The body of a 200 answer; anything else means the mock cannot be benchmarked."""
    status, body = answer
    if status != 200:
        raise RuntimeError(f"the mock answered {status} while preparing: {body[:200]!r}")
    return body


def request(endpoint: Endpoint, server: Server, workload: Workload, run: int | None) -> Request:
    """What wrk sends for ``endpoint`` to ``server`` (and its replicas); ``run`` None is a
    warm-up (keeps nothing)."""
    path = endpoint.path.format(id=workload.validation_id)
    urls = tuple(base_url + path for base_url in server.base_urls)
    if endpoint.name == "create":
        keep = [str(workload.tokens(run))] if server.name == MOCK and run is not None else []
        return Request(urls, server.auth, "create.lua", (str(workload.create_body), *keep))
    if endpoint.name == "validate":
        args = (str(workload.tokens(run or 0)), str(workload.validate_body))
        return Request(urls, {}, "validate.lua", args)
    return Request(urls, server.auth)


def preflight(endpoint: Endpoint, server: Server, workload: Workload, runs: int) -> str:
    """Why ``endpoint`` cannot be loaded on ``server``, or "" when one request as the load
    sends it (validate: with a session of its own) answers 200."""
    url = server.base_url + endpoint.path.format(id=workload.validation_id)
    if endpoint.name == "create":
        return _unless_200(http_post(url, server.auth, workload.create_body.read_bytes()))
    if endpoint.name == "validate":
        if not all(workload.tokens(run).exists() for run in range(runs)):
            return "no session tokens: the create runs on the mock did not run"
        create = workload.create_body.read_bytes()
        created = http_post(server.base_url + LIST_PATH, server.auth, create)
        if created[0] != 200:
            return "creating its session " + _unless_200(created)
        session = {"Authorization": f"Bearer {json.loads(created[1])['data']['token']}"}
        return _unless_200(http_post(url, session, workload.validate_body.read_bytes()))
    return _unless_200(http_get(url, server.auth))


def _unless_200(answer: tuple[int, bytes]) -> str:
    status, body = answer
    return "" if status == 200 else f"answered {status} before loading: {body[:120]!r}"
