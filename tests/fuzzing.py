"""A seeded fuzzer of the mock's HTTP surface: requests built byte for byte, and the checks
every answer must pass (no 5xx it did not ask for, every error in the envelope).

Each request is a valid one for its route with one thing changed (a mutation), so a failure
names its cause. Three tenants keep causes apart: ``api`` takes the /v2 calls and the reads,
``state`` the control calls that change a tenant (each followed by a valid /v2 call, which
shows what the change broke), ``faults`` the fault rules (it makes no /v2 call, so no rule
fails one unasked). Requests go out through httpcore, not httpx: httpx.URL resolves ``..``
in a path, and the fuzz must send the request target exactly as built.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import quote, unquote, urlencode

import httpcore
from starlette.applications import Starlette
from starlette.routing import Route

import verifik_mock
from tests.sample_images import face_png
from verifik_mock.errors import ConnectionDropped
from verifik_mock.http.routes import ALL_OPERATIONS
from verifik_mock.models.control import JournalEntry
from verifik_mock.tokens import encode

MOCKSERVER_FOLDER = str(Path(verifik_mock.__file__).parent)
REPOSITORY_FOLDER = str(Path(verifik_mock.__file__).parents[2]) + "/"
Header = tuple[bytes, bytes]
Apply = Callable[["Draft", Random, "World"], str]

KNOWN_MOCK_HEADERS = frozenset(
    {
        "x-mock-admin-token",
        "x-mock-latency-ms",
        "x-mock-fault",
        "x-mock-liveness-score",
        "x-mock-search-score",
        "x-mock-document-score",
    }
)
"""The ``X-Mock-*`` headers the README documents; any other is to be refused."""
FAULT_STATUS: dict[str, int | None] = {
    "500": 500,
    "502": 502,
    "503": 503,
    "429": 429,
    "timeout": 504,
    "reset": None,
}
"""What each ``X-Mock-Fault`` answers on a ``/v2`` path (``reset``: no answer at all)."""
UNREQUESTED_5XX = "a 5xx nobody asked for"
NO_ANSWER = "no answer: the connection dropped, or nothing came within 10 s"
NOT_ENVELOPE = "an error not in the envelope"
UNKNOWN_HEADER_ACCEPTED = "an unknown X-Mock-* header accepted"
"""The checks every answer must pass, as the report names them."""

HOSTED = "/__mock__/hosted/{client}/{id}"
FORM_FIELDS = {
    "/__mock__/ui/{client}/{action}": (
        "minutes", "identifier", "livenessScore", "searchScore", "times", "delivery",
    ),
    HOSTED: ("outcome", "livenessScore", "image"),
    "/__mock__/ui/login": ("token",),
}  # fmt: skip
"""Routes that read an HTML form, and the fields their forms send."""
PAGE_QUERIES = {"/__mock__/ui": ("client", "refresh"), HOSTED: ("token",)}
"""Query parameters of the routes outside the operation table."""
STATE_CHANGING = frozenset(
    {
        ("POST", "/__mock__/scenarios"),
        ("DELETE", "/__mock__/scenarios"),
        ("POST", "/__mock__/clock"),
        ("POST", "/__mock__/clock/advance"),
        ("POST", "/__mock__/reset"),
        ("POST", "/__mock__/fixtures/{name}"),
        ("POST", "/__mock__/fixtures/page-examples"),
    }
)
"""Control calls that change their tenant: they act on the ``state`` tenant, so a /v2
failure they cause is told apart from one a request causes on its own."""

FACE_BASE64 = base64.b64encode(face_png()).decode()
UNKNOWN_ID = "65a5092977aba664a4075ff9"
PARAM_POOLS = {
    ("/v2/biometric-validations/{id}", "id"): "validation",
    ("/v2/document-liveness/{id}", "id"): "document",
    ("/v2/project-flows/{id}", "id"): "flow",
    ("/__mock__/fixtures/{name}", "name"): "fixture",
    ("/__mock__/liveness-tokens/{id}", "id"): "validation",
    ("/__mock__/ui/{client}/{action}", "client"): "client",
    ("/__mock__/ui/{client}/{action}", "action"): "action",
    (HOSTED, "client"): "client",
    (HOSTED, "id"): "validation",
    ("/docs/assets/{name}", "name"): "asset",
}
"""Which of the world's ids fills each path parameter of a valid request."""

VALID_DOCUMENTS: dict[str, Callable[[Random, World], dict[str, Any]]] = {
    "POST /v2/biometric-validations": lambda rng, world: {
        "project": world.ids["project"][-1],
        "projectFlow": rng.choice(world.ids["flow"]),
        "identifier": rng.choice(["fuzz@example.com", "ana+no_match@example.com"]),
        "type": rng.choice(["validation", "onboarding"]),
    },
    "POST /v2/biometric-validations/validate": lambda rng, world: {"image": FACE_BASE64},
    "POST /v2/document-liveness": lambda rng, world: {
        "image": FACE_BASE64,
        "validateScreenReplay": True,
    },
    "POST /v2/projects": lambda rng, world: {"name": "Fuzzed project"},
    "POST /v2/project-flows": lambda rng, world: {
        "project": world.ids["project"][-1],
        "name": "Fuzzed flow",
        "type": rng.choice(["login", "onboarding"]),
    },
    "POST /__mock__/scenarios": lambda rng, world: {
        "identifier": "fuzz@example.com",
        "livenessScore": 0.4,
        "times": 2,
    },
    "POST /__mock__/clock": lambda rng, world: {"now": "2030-01-01T00:00:00Z"},
    "POST /__mock__/clock/advance": lambda rng, world: {"minutes": rng.choice([1, 11])},
    # A short delay, never a fault: an Authorization mutation sends this body as another
    # tenant, and a fault rule there would fail that tenant's later /v2 calls unasked.
    "POST /__mock__/faults": lambda rng, world: {"latencyMs": rng.choice([0, 5]), "times": 1},
    # The pages' wire, the server's own: the fuzz holds every answer to the pages' envelope.
    "POST /__mock__/wire": lambda rng, world: {"wire": "pages"},
}
"""A valid JSON body for each operation that takes one (from the README's examples), with
the world's ids: its seeded project (the oldest listed) and flows."""

VALID_QUERY_VALUES = {
    "page": ("1", "2"),
    "limit": ("1", "5", "100"),
    "sort": ("-createdAt", "identifier"),
    "scope": ("tenant",),
    "identifier": ("fuzz@example.com",),
    "refresh": ("2",),
    "populates[]": ("client",),
}
"""Values a valid request may send for a parameter (``client`` comes from the world)."""


@dataclass(frozen=True)
class Endpoint:
    """One method of one route the app serves, and what a request to it carries."""

    method: str
    template: str
    auth: str
    """``client``, ``session`` (validate), ``control`` or ``none`` (pages, docs)."""
    query_names: tuple[str, ...]
    body: str
    """``json``, ``form`` or ``none``."""
    body_fields: tuple[str, ...]
    served: frozenset[str]
    """Every method served at this path template."""

    @property
    def params(self) -> tuple[str, ...]:
        """The path parameters, in order."""
        return tuple(re.findall(r"{(\w+)}", self.template))

    @property
    def key(self) -> str:
        """``METHOD /template``."""
        return f"{self.method} {self.template}"


def endpoints_of(app: Starlette) -> list[Endpoint]:
    """Every (method, route) of ``app``, described from the operation table where it has one."""
    routes = [route for route in app.routes if isinstance(route, Route)]
    served: dict[str, set[str]] = {}
    for route in routes:
        served.setdefault(route.path, set()).update(route.methods or ())
    return [
        _endpoint(method, route.path, frozenset(served[route.path]))
        for route in routes
        for method in sorted((route.methods or set()) - {"HEAD"})
    ]


def _endpoint(method: str, template: str, served: frozenset[str]) -> Endpoint:
    operation = next(
        (op for op in ALL_OPERATIONS if (op.method, op.path) == (method, template)), None
    )
    if operation is None:
        form = method == "POST" and template in FORM_FIELDS
        fields = FORM_FIELDS[template] if form else ()
        query = PAGE_QUERIES.get(template, ())
        return Endpoint(method, template, "none", query, "form" if form else "none", fields, served)
    query = tuple(info.alias or name for name, info in operation.query.model_fields.items())
    body = operation.body
    fields = tuple(body.model_fields) if body else ()
    kind = "json" if body else "none"
    return Endpoint(method, template, operation.auth, query, kind, fields, served)


def missing_baselines(endpoints: Iterable[Endpoint]) -> list[str]:
    """What a valid request to each endpoint lacks here: a path parameter or a body."""
    missing = [
        f"{endpoint.key}: path parameter {name}"
        for endpoint in endpoints
        for name in endpoint.params
        if (endpoint.template, name) not in PARAM_POOLS
    ]
    missing += [
        f"{endpoint.key}: JSON body"
        for endpoint in endpoints
        if endpoint.body == "json" and endpoint.key not in VALID_DOCUMENTS
    ]
    operations = {f"{op.method} {op.path}" for op in ALL_OPERATIONS}
    missing += [
        f"{endpoint.key}: form fields"
        for endpoint in endpoints
        if endpoint.method == "POST"
        and endpoint.key not in operations
        and endpoint.template not in FORM_FIELDS
    ]
    return missing


@dataclass(frozen=True)
class World:
    """What valid requests are filled with: tenants' tokens, ids that exist, secrets."""

    tokens: Mapping[str, str]
    """Client token of each tenant: ``api``, ``state`` (changed by control calls), ``faults``."""
    client_ids: Mapping[str, str]
    signing_secret: str | None
    admin_token: str | None
    ids: Mapping[str, tuple[str, ...]]
    """Ids by kind: validation, document, project, flow, fixture, client, action, delivery,
    asset."""
    session_tokens: tuple[str, ...]
    hosted_pages: tuple[str, ...]
    """The path and query of created validations' ``url``: the hosted page, with its token."""


def tenant_of(endpoint: Endpoint) -> str:
    """The tenant a valid request to ``endpoint`` acts on."""
    if endpoint.template == "/__mock__/faults":
        return "faults"  # a fault rule fails later /v2 calls: no /v2 call is sent as this tenant
    return "state" if (endpoint.method, endpoint.template) in STATE_CHANGING else "api"


@dataclass(frozen=True)
class FuzzCase:
    """One request, as bytes, and what it is, for the failure report."""

    method: str
    template: str
    mutation: str
    detail: str
    tenant: str
    target: bytes
    headers: tuple[Header, ...]
    body: bytes
    chunked: bool


@dataclass
class Draft:
    """A request being built: valid at first, then changed by one mutation."""

    endpoint: Endpoint
    tenant: str
    token: str
    params: dict[str, str]
    """Each path parameter's segment, percent-encoded."""
    query: list[str]
    """``name=value`` pieces, percent-encoded."""
    headers: list[Header] = field(default_factory=list)
    body: bytes = b""
    document: dict[str, Any] | None = None
    form: list[tuple[str, str]] | None = None
    method: str = ""
    path: str | None = None
    """A path that replaces the filled template (an unknown path, a trailing slash)."""
    raw_query: str | None = None
    chunked: bool = False

    def drop_header(self, name: str) -> None:
        """Remove every header ``name``."""
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower().encode()]

    def set_header(self, name: str, value: bytes) -> None:
        """Replace header ``name`` with one ``value``."""
        self.drop_header(name)
        self.headers.append((name.encode(), value))

    def set_document(self, document: Any) -> None:
        """Send ``document`` as the JSON body."""
        self.body = json.dumps(document).encode()

    def filled_path(self) -> str:
        """The path: the template with its parameters filled, unless replaced."""
        if self.path is not None:
            return self.path
        path = self.endpoint.template
        for name, segment in self.params.items():
            path = path.replace("{" + name + "}", segment)
        return path

    def case(self, mutation: str, detail: str) -> FuzzCase:
        """The finished request."""
        query = self.raw_query if self.raw_query is not None else "&".join(self.query)
        target = self.filled_path() + (f"?{query}" if query else "")
        return FuzzCase(
            self.method or self.endpoint.method, self.endpoint.template, mutation, detail,
            self.tenant, target.encode(), tuple(self.headers), self.body, self.chunked,
        )  # fmt: skip


def valid_draft(endpoint: Endpoint, world: World, rng: Random) -> Draft:
    """A request the endpoint should accept: the world's ids, valid credentials and body."""
    tenant = tenant_of(endpoint)
    pools = {name: PARAM_POOLS.get((endpoint.template, name), "") for name in endpoint.params}
    params = {
        name: quote(rng.choice(world.ids.get(pool) or (UNKNOWN_ID,)), safe="")
        for name, pool in pools.items()
    }
    token = rng.choice(world.session_tokens) if endpoint.auth == "session" else ""
    draft = Draft(endpoint, tenant, token or world.tokens[tenant], params, [])
    draft.set_header("Authorization", f"Bearer {draft.token}".encode())
    mock_page = endpoint.template.startswith("/__mock__/") and endpoint.template != HOSTED
    if world.admin_token is not None and mock_page:
        draft.set_header("X-Mock-Admin-Token", world.admin_token.encode())
    values = {**VALID_QUERY_VALUES, "client": (world.client_ids["api"],)}
    names = [name for name in endpoint.query_names if name in values]
    if endpoint.template == HOSTED and world.hosted_pages:
        path, _, query = rng.choice(world.hosted_pages).partition("?")
        draft.params = dict(zip(endpoint.params, path.split("/")[-2:], strict=True))
        draft.query = [query] if query else []
    elif names and rng.random() < 0.5:
        name = rng.choice(names)
        draft.query.append(f"{quote(name)}={quote(rng.choice(values[name]))}")
    if endpoint.body == "json":
        make = VALID_DOCUMENTS.get(endpoint.key)
        draft.document = make(rng, world) if make else {}
        draft.set_document(draft.document)
        draft.set_header("Content-Type", b"application/json")
    elif endpoint.body == "form":
        draft.form = valid_form(endpoint, unquote(params.get("action", "")), world, rng)
        draft.body = urlencode(draft.form).encode()
        draft.set_header("Content-Type", b"application/x-www-form-urlencoded")
    return draft


def valid_form(endpoint: Endpoint, action: str, world: World, rng: Random) -> list[tuple[str, str]]:
    """The form a dashboard action or the hosted page sends."""
    if endpoint.template == "/__mock__/ui/login":
        return [("token", world.admin_token or "no-admin-token")]
    if endpoint.template == HOSTED:
        outcome = rng.choice(["pass", "fail_liveness", "no_match"])
        return [("outcome", outcome)] + ([("livenessScore", "0.3")] if outcome != "pass" else [])
    deliveries = world.ids.get("delivery") or (UNKNOWN_ID,)
    return {
        "advance-clock": [("minutes", "1")],
        "set-rule": [("identifier", "fuzz@example.com"), ("livenessScore", "0.4"), ("times", "2")],
        "clear-rule": [("identifier", "fuzz@example.com")],
        "redeliver": [("delivery", rng.choice(deliveries))],
    }.get(action, [])


# Mutations: each changes one thing of a valid request and says what, for the report.


@dataclass(frozen=True)
class Mutation:
    """One way to change a valid request, and the endpoints it makes sense for."""

    name: str
    apply: Apply
    applies: Callable[[Endpoint], bool] = lambda endpoint: True
    weight: int = 1
    """How many times a round of the plan makes it for each endpoint."""


def header_values(name: str, values: Sequence[bytes]) -> Apply:
    """Set header ``name`` to one of ``values``."""

    def apply(draft: Draft, rng: Random, world: World) -> str:
        value = rng.choice(values)
        draft.set_header(name, value)
        return f"{name}: {value!r}"

    return apply


def authorizations(make: Callable[[Draft, World], Sequence[bytes]]) -> Apply:
    """Set ``Authorization`` to one of the values ``make`` builds from the valid token."""

    def apply(draft: Draft, rng: Random, world: World) -> str:
        value = rng.choice(make(draft, world))
        draft.set_header("Authorization", value)
        return f"Authorization: {value[:80]!r}"

    return apply


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwt(header: bytes, payload: bytes, signature: str = "c2ln") -> bytes:
    return f"{_b64(header)}.{_b64(payload)}.{signature}".encode()


def _signed(world: World, claims: dict[str, Any], secret: str | None = None) -> bytes:
    return encode(claims, secret or world.signing_secret or "unsigned").encode()


_JWT_HEADER = b'{"alg":"HS256","typ":"JWT"}'


def _not_json_payloads(draft: Draft, world: World) -> list[bytes]:
    payloads = [b"not json", b"\xff\xfe\x00", b"[1, 2]", b'"clientId"', b"{", b""]
    return [_jwt(_JWT_HEADER, p) for p in payloads] + [b"Bearer eyJ.!!!.c2ln"]


def _odd_claims(draft: Draft, world: World) -> list[bytes]:
    client = world.client_ids[draft.tenant]
    claims: list[dict[str, Any]] = [
        {"clientId": client, "exp": "tomorrow"},
        {"clientId": client, "exp": None},
        {"clientId": client, "exp": True},
        {"clientId": client, "exp": 1e308},
        {"clientId": client, "exp": [1]},
        {"clientId": 5},
        {"clientId": ""},
        {"clientId": ["fuzz-api"]},
        {"clientId": "fuzz-\u00b2"},
        {"cid": client, "id": UNKNOWN_ID},
    ]
    return [b"Bearer " + _signed(world, c) for c in claims]


def _non_ascii_jwts(draft: Draft, world: World) -> list[bytes]:
    token = draft.token.encode()
    head, _, rest = token.partition(b".")
    return [
        b"Bearer " + token + b"\xc2\xb2",
        b"Bearer " + head + b"\xc3\xa9." + rest,
        b"Bearer " + token[:-2] + b"\xff\xff",
    ]


def _accepted_shapes(draft: Draft, world: World) -> list[bytes]:
    token = draft.token.encode()
    return [b"JWT " + token, token, b"bearer " + token, b"Bearer   " + token]


def _rejected_jwts(draft: Draft, world: World) -> list[bytes]:
    client = world.client_ids[draft.tenant]
    return [
        b"Bearer " + _signed(world, {"clientId": client, "exp": 1_000_000_000}),
        b"Bearer " + _signed(world, {"clientId": client}, secret="wrong-secret"),
        b"Bearer " + _jwt(b'{"alg":"none"}', json.dumps({"clientId": client}).encode(), ""),
    ]


def _junk_authorizations(draft: Draft, world: World) -> list[bytes]:
    long = [b"Bearer " + b"a" * size for size in (8000, 9000)]  # the guard's limit is 8 KB
    return [b"Basic Zm9vOmJhcg==", b"Bearer a b", b"Bearer\tt", b"Token t", *long]


def _repeated_authorization(draft: Draft, rng: Random, world: World) -> str:
    valid = f"Bearer {draft.token}".encode()
    pair = [valid, rng.choice([b"Bearer", b"Bearer \xc2\xb2", b"Basic x"])]
    rng.shuffle(pair)
    draft.drop_header("Authorization")
    draft.headers += [(b"Authorization", value) for value in pair]
    return f"Authorization: {pair[0][:40]!r}, then {pair[1][:40]!r}"


def _drop(name: str) -> Apply:
    def apply(draft: Draft, rng: Random, world: World) -> str:
        draft.drop_header(name)
        return f"no {name}"

    return apply


def _timeout_fault(draft: Draft, rng: Random, world: World) -> str:
    # A bare timeout holds the answer 30 s: always with a small latency.
    latency = str(rng.randint(1, 50)).encode()
    draft.set_header("X-Mock-Fault", b"timeout")
    draft.set_header("X-Mock-Latency-Ms", latency)
    return f"X-Mock-Fault: timeout, X-Mock-Latency-Ms: {latency!r}"


SCORE_HEADERS = ("X-Mock-Liveness-Score", "X-Mock-Search-Score", "X-Mock-Document-Score")


def score_values(values: Sequence[bytes]) -> Apply:
    """Set one of the score headers to one of ``values``."""

    def apply(draft: Draft, rng: Random, world: World) -> str:
        return header_values(rng.choice(SCORE_HEADERS), values)(draft, rng, world)

    return apply


def _unknown_mock_header(draft: Draft, rng: Random, world: World) -> str:
    name = rng.choice(["X-Mock-Foo", "X-Mock-Latency", "X-Mock-Faults", "X-Mock-Score", "X-Mock-"])
    value = rng.choice([b"1", b"0.5", b"\xc2\xb2", b"500"])
    draft.headers.append((name.encode(), value))
    return f"{name}: {value!r}"


NON_ASCII = (b"\xc2\xb2", b"\xb2", b"\xff", b"\xc3\xa9t\xc3\xa9", b"\xf0\x9f\x98\x80", b"\x80\x81")
"""Header bytes over 0x7f: UTF-8 of ``²``, ``été`` and an emoji, and bytes no UTF-8 has.
Control bytes are left out: uvicorn's parser refuses them before the app sees them."""

HEADER_MUTATIONS = [
    Mutation("Authorization: missing", _drop("Authorization")),
    Mutation("Authorization: empty or a scheme alone", header_values(
        "Authorization", [b"", b"Bearer", b"JWT", b"bearer"])),
    Mutation("Authorization: non-ASCII bytes", header_values(
        "Authorization", [b"Bearer \xc2\xb2\xff", b"Bearer \xff", b"\xc2\xb2", b"JWT \xc3\xa9"])),
    Mutation("Authorization: a JWT whose payload is not a JSON object",
             authorizations(_not_json_payloads)),
    Mutation("Authorization: a signed JWT with odd claim types", authorizations(_odd_claims)),
    Mutation("Authorization: a JWT with non-ASCII bytes", authorizations(_non_ascii_jwts)),
    Mutation("Authorization: JWT scheme, bare or lower-case token", authorizations(
        _accepted_shapes)),
    Mutation("Authorization: bare ey... that is no JWT", header_values(
        "Authorization", [b"eyJ", b"ey.ey.ey", b"eyJhbGciOiJIUzI1NiJ9", b"ey\xc2\xb2"])),
    Mutation("Authorization: expired, wrongly signed or unsigned JWT",
             authorizations(_rejected_jwts)),
    Mutation("Authorization: other schemes and shapes", authorizations(_junk_authorizations)),
    Mutation("Authorization: given twice", _repeated_authorization),
    Mutation("X-Mock-Admin-Token: missing", _drop("X-Mock-Admin-Token")),
    Mutation("X-Mock-Admin-Token: wrong or empty", header_values(
        "X-Mock-Admin-Token", [b"", b"nope", b"FUZZ-ADMIN", b"fuzz-admin-", b"a" * 8000])),
    Mutation("X-Mock-Admin-Token: non-ASCII bytes", header_values(
        "X-Mock-Admin-Token", [*NON_ASCII, b"fuzz-admin\xc2\xb2"])),
    Mutation("X-Mock-Latency-Ms: accepted, at most 50 ms", header_values(
        "X-Mock-Latency-Ms", [b"0", b"1", b"25", b"50", b"0050"])),
    Mutation("X-Mock-Latency-Ms: not a whole number", header_values(
        "X-Mock-Latency-Ms", [b"-1", b"1e3", b"5.0", b"+5", b"0x10", b"abc", b""])),
    Mutation("X-Mock-Latency-Ms: too large", header_values(
        "X-Mock-Latency-Ms", [b"60001", b"99999999999999999999", b"9" * 5000])),
    Mutation("X-Mock-Latency-Ms: non-ASCII bytes", header_values(
        "X-Mock-Latency-Ms", [*NON_ASCII, b"\xb3", b"\xb9", b"1\xb2", b"\xd9\xa1"])),
    Mutation("X-Mock-Fault: a fault it documents", header_values(
        "X-Mock-Fault", [b"500", b"502", b"503", b"429", b"reset"])),
    Mutation("X-Mock-Fault: timeout, with a small latency", _timeout_fault),
    Mutation("X-Mock-Fault: unknown value", header_values(
        "X-Mock-Fault", [b"404", b"time-out", b"resets", b"", b"5OO", b"500,502", b"null"])),
    Mutation("X-Mock-Fault: non-ASCII bytes", header_values(
        "X-Mock-Fault", [*NON_ASCII, b"50\xb0", b"\xb5\xb0\xb0"])),
    Mutation("X-Mock-*-Score: accepted", score_values([b"0", b"0.3", b"0.9", b"1", b"-0"])),
    Mutation("X-Mock-*-Score: NaN or infinite", score_values(
        [b"NaN", b"nan", b"inf", b"-inf", b"Infinity", b"1e400"])),
    Mutation("X-Mock-*-Score: out of range or not a number", score_values(
        [b"-0.0001", b"1.0000001", b"2", b"0x1", b"1_0", b"", b"abc", b"\xb2"])),
    Mutation("X-Mock-*-Score: non-ASCII bytes", score_values([*NON_ASCII, b"0.\xb2", b"\xbd"])),
    Mutation("an unknown X-Mock-* header", _unknown_mock_header),
    Mutation("Content-Type: not JSON", header_values("Content-Type", [
        b"text/plain", b"application/x-www-form-urlencoded", b"multipart/form-data; boundary=x",
        b"application/xml", b""])),
    Mutation("Content-Type: JSON with parameters or a suffix", header_values("Content-Type", [
        b"application/json; charset=utf-8", b"application/json; charset=latin-1",
        b"application/vnd.api+json", b"APPLICATION/JSON", b"application/json;;",
        b"application/json, text/plain"])),
    Mutation("Content-Type: missing", _drop("Content-Type")),
    Mutation("Content-Type: non-ASCII bytes", header_values(
        "Content-Type", [b"application/json\xc2\xb2", b"\xff", b"text/\xc3\xa9"])),
    Mutation("Accept: anything but HTML", header_values("Accept", [
        b"application/json", b"text/plain", b"application/xml", b"application/*", b"\xc2\xb2"])),
    Mutation("Origin: local, foreign or odd", header_values("Origin", [
        b"http://localhost:3000", b"https://evil.example", b"null", b"http://\xc3\xa9.example"])),
    Mutation("an unknown header with odd bytes", header_values(
        "X-Fuzz", [*NON_ASCII, b"a" * 8000, b"a\tb"])),
]  # fmt: skip


# Query strings

QUERY_JUNK = ("%C2%B2", "%FF", "%00", "%E2%80%8B", "%F0%9F%98%80", "%C0%AF", "%ED%A0%80", "%")
NUMBER_NAMES = ("page", "limit", "seed", "refresh")


def _query_name(draft: Draft, rng: Random, prefer: Sequence[str] = ()) -> str:
    names = [n for n in draft.endpoint.query_names if n in prefer] or draft.endpoint.query_names
    return rng.choice(names or ("limit", "refresh"))


def _set_query(draft: Draft, name: str, value: str) -> str:
    draft.query = [piece for piece in draft.query if unquote(piece.split("=")[0]) != name]
    draft.query.append(f"{quote(name)}={value}")
    return f"?{draft.query[-1][:80]}"


def _query_non_ascii(draft: Draft, rng: Random, world: World) -> str:
    return _set_query(draft, _query_name(draft, rng), rng.choice(QUERY_JUNK))


def _query_repeated(draft: Draft, rng: Random, world: World) -> str:
    name = _query_name(draft, rng)
    value = rng.choice(VALID_QUERY_VALUES.get(name, ("1",)))
    draft.query += [f"{quote(name)}={value}"] * 2
    return f"?{name}={value} twice"


def _query_unknown(draft: Draft, rng: Random, world: World) -> str:
    piece = rng.choice(
        ["bogus=1", "where_stauts=new", "%C2%B2=1", "limit[]=1", "populates=client", "a%00=b"]
    )
    draft.query.append(piece)
    return f"?{piece}"


def _query_huge_number(draft: Draft, rng: Random, world: World) -> str:
    value = rng.choice(["99999999999999999999", "9" * 5000, "1e400", "-99999999999999999999"])
    return _set_query(draft, _query_name(draft, rng, NUMBER_NAMES), value)


def _query_odd_digits(draft: Draft, rng: Random, world: World) -> str:
    # str.isdigit() holds for all of them; int() takes the Arabic-Indic and fullwidth ones only.
    value = rng.choice(["%C2%B2", "%C2%B9", "%C2%B3", "1%C2%B2", "%D9%A3", "%EF%BC%91"])
    return _set_query(draft, _query_name(draft, rng, NUMBER_NAMES), value)


def _query_malformed(draft: Draft, rng: Random, world: World) -> str:
    draft.raw_query = rng.choice(["&&", "=", "%", "%zz=1", "a=%", "limit", "limit=", "=1", "+"])
    return f"?{draft.raw_query}"


def _query_wrong_type(draft: Draft, rng: Random, world: World) -> str:
    value = rng.choice(["abc", "-1", "0", "true", "[]", "a%26b%3Dc", "x" * 3000])
    return _set_query(draft, _query_name(draft, rng), value)


QUERY_MUTATIONS = [
    Mutation("query: a parameter percent-encoding non-ASCII or odd bytes", _query_non_ascii),
    Mutation("query: a parameter given twice", _query_repeated),
    Mutation("query: an unknown parameter", _query_unknown),
    Mutation("query: a huge number", _query_huge_number),
    Mutation("query: a number in superscript, Arabic-Indic or fullwidth digits", _query_odd_digits),
    Mutation("query: malformed", _query_malformed),
    Mutation("query: a value of the wrong kind", _query_wrong_type),
]


# Paths and methods

PATH_JUNK = {
    "path parameter: non-ASCII": lambda rng: quote(rng.choice(["²", "été", "😀", "\u200b"])),
    "path parameter: percent-encoded odd bytes": lambda rng: rng.choice(
        ["%FF", "%00", "%C2", "%ED%A0%80", "%2F", "%25", "%C0%AF", "a%00b"]
    ),
    "path parameter: very long": lambda rng: "a" * rng.choice([300, 4000, 8000]),
    "path parameter: dot segments": lambda rng: rng.choice(["..", ".", "%2E%2E", "..%2F..", "..;"]),
    "path parameter: unknown id": lambda rng: rng.choice([UNKNOWN_ID, "0", "-1", "null", "*"]),
}


def _path_junk(make: Callable[[Random], str]) -> Apply:
    def apply(draft: Draft, rng: Random, world: World) -> str:
        name = rng.choice(draft.endpoint.params)
        draft.params[name] = make(rng)
        return f"{name}={draft.params[name][:60]}"

    return apply


def _other_kind_of_id(draft: Draft, rng: Random, world: World) -> str:
    name = rng.choice(draft.endpoint.params)
    draft.params[name] = quote(
        rng.choice(
            [
                *world.ids.get("project", ()),
                *world.ids.get("flow", ()),
                *world.ids.get("document", ()),
            ]
        )
    )
    return f"{name}={draft.params[name]}"


def _trailing_slash(draft: Draft, rng: Random, world: World) -> str:
    draft.path = draft.filled_path() + "/"
    return draft.path[:80]


def _unknown_path(draft: Draft, rng: Random, world: World) -> str:
    draft.path = rng.choice([
        "/v2/selfies", "/v2/", "/v2", "/", "/__mock__/", "/__mock__/nope", "/openapi.yaml",
        "/docs/", "/V2/projects", "/v2/projects%2F", "/v2/%C2%B2", "/%FF", "/v3/projects",
    ])  # fmt: skip
    return draft.path


def _doubled_slashes(draft: Draft, rng: Random, world: World) -> str:
    draft.path = (
        "/" + draft.filled_path()
        if rng.random() < 0.5
        else draft.filled_path().replace("/", "//", 2)
    )
    return draft.path[:80]


def _method_not_served(draft: Draft, rng: Random, world: World) -> str:
    free = sorted({"GET", "POST", "DELETE", "PUT", "PATCH"} - draft.endpoint.served)
    draft.method = rng.choice(free)
    return draft.method


def _method(methods: Sequence[str]) -> Apply:
    def apply(draft: Draft, rng: Random, world: World) -> str:
        draft.method = rng.choice(methods)
        return draft.method

    return apply


def _preflight(origins: Sequence[bytes], methods: Sequence[bytes]) -> Apply:
    def apply(draft: Draft, rng: Random, world: World) -> str:
        draft.method = "OPTIONS"
        origin, method = rng.choice(origins), rng.choice(methods)
        draft.set_header("Origin", origin)
        draft.set_header("Access-Control-Request-Method", method)
        return f"OPTIONS, Origin: {origin!r}, Access-Control-Request-Method: {method!r}"

    return apply


def _templated(endpoint: Endpoint) -> bool:
    return bool(endpoint.params)


LOCAL = b"http://localhost:5173"
PATH_MUTATIONS = [
    *(Mutation(name, _path_junk(make), _templated) for name, make in PATH_JUNK.items()),
    Mutation("path parameter: an id of another kind", _other_kind_of_id, _templated),
    Mutation("path: trailing slash", _trailing_slash),
    Mutation("path: unknown", _unknown_path),
    Mutation("path: doubled slashes", _doubled_slashes),
    Mutation("method: one not served at this path", _method_not_served),
    Mutation("method: HEAD or OPTIONS", _method(["HEAD", "OPTIONS"])),
    # uvicorn's parser refuses method names it does not know (or lower-case) in text/plain
    # before the app runs: only ones it knows are sent.
    Mutation("method: a WebDAV or other rare one", _method(["PROPFIND", "PURGE", "SEARCH"])),
    Mutation("CORS preflight: local origin", _preflight([LOCAL], [b"GET", b"POST", b"DELETE"])),
    Mutation("CORS preflight: foreign origin", _preflight([b"https://evil.example"], [b"GET"])),
    Mutation("CORS preflight: method not allowed", _preflight([LOCAL], [b"PUT", b"\xc2\xb2"])),
]  # fmt: skip


# Bodies

WRONG_TYPES: tuple[Any, ...] = (42, True, [], {}, "text", 1.5, -1, 10**30, 1e308, [None])


def _field(draft: Draft, rng: Random) -> str:
    return rng.choice(draft.endpoint.body_fields or ("name",))


def _edit_field(edit: Callable[[dict[str, Any], str, Random], str]) -> Apply:
    def apply(draft: Draft, rng: Random, world: World) -> str:
        document = dict(draft.document or {})
        detail = edit(document, _field(draft, rng), rng)
        draft.set_document(document)
        return detail

    return apply


def _wrong_type(document: dict[str, Any], name: str, rng: Random) -> str:
    document[name] = rng.choice(WRONG_TYPES)
    return f"{name}: {document[name]!r}"


def _null(document: dict[str, Any], name: str, rng: Random) -> str:
    document[name] = None
    return f"{name}: null"


def _missing(document: dict[str, Any], name: str, rng: Random) -> str:
    document.pop(name, None)
    return f"no {name}"


def _unknown_field(document: dict[str, Any], name: str, rng: Random) -> str:
    extra = rng.choice(["bogus", "callbackUrl", "\u00b2", "", "__proto__"])
    document[extra] = 1
    return f"{extra!r}: 1"


def _huge_string(document: dict[str, Any], name: str, rng: Random) -> str:
    size = rng.choice([64 * 1024, 1024 * 1024, 1024 * 1024, 7 * 1024 * 1024])
    document[name] = "A" * size
    return f"{name}: {size} characters"


EDGE_INSTANTS = (
    "9999-12-31T23:59:59Z", "9999-12-31T23:00:00Z", "9999-12-31T23:59:59.999999-14:00",
    "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z", "+10000-01-01T00:00:00Z", "2024-01-01T00:00:00+25:00",
    "1970-01-01T00:00:00Z",
)  # fmt: skip
INSTANT_FIELDS = ("now", "expiresAt")
ODD_URLS = (
    "http://[", "http://[::1", "http://localhost:99999/x", "javascript:alert(1)",
    "http://\u00e9.example/", "//no-scheme", "http://u:p@127.0.0.1:1/x", "http://127.0.0.1:1/?a=%ZZ",
    "http://127.0.0.1:1/#frag", "https://example.com/?type=login&token=x", "http://" + "x" * 5000,
    "http://127.0.0.1:1/\r\nX: y", "",
)  # fmt: skip
"""URLs a body may carry; the loopback ones point at port 1, where nothing answers a webhook."""
URL_FIELDS = ("redirectUrl", "webhookUrl")


def _fields_set_to(fields: Sequence[str], values: Sequence[str]) -> Apply:
    """Set each of the body's ``fields`` (those the endpoint reads) to one of ``values``."""

    def apply(draft: Draft, rng: Random, world: World) -> str:
        names = [f for f in draft.endpoint.body_fields if f in fields]
        value = rng.choice(values)
        draft.set_document({**(draft.document or {}), **dict.fromkeys(names, value)})
        return f"{', '.join(names)}: {value[:60]!r}"

    return apply


def _reads_one_of(fields: Sequence[str]) -> Callable[[Endpoint], bool]:
    """Whether an endpoint's JSON body has one of ``fields``."""

    def applies(endpoint: Endpoint) -> bool:
        return endpoint.body == "json" and bool(set(endpoint.body_fields) & set(fields))

    return applies


def _deep_nesting(draft: Draft, rng: Random, world: World) -> str:
    depth = rng.choice([64, 1000, 100_000])
    nested = "[" * depth + "]" * depth
    name = _field(draft, rng)
    draft.body = (
        json.dumps({**(draft.document or {}), name: 0})[:-1] + f', "{name}": {nested}}}'
    ).encode()
    if rng.random() < 0.3:
        draft.body = nested.encode()
    return f"{depth} nested arrays"


def _raw_body(choices: Callable[[Draft], Sequence[bytes]]) -> Apply:
    def apply(draft: Draft, rng: Random, world: World) -> str:
        draft.body = rng.choice(choices(draft))
        return repr(draft.body[:80])

    return apply


def _non_utf8(draft: Draft) -> list[bytes]:
    text = draft.body
    return [text.replace(b'"', b'"\xff', 1), text.replace(b"}", b', "x": "\xc3\x28"}'), b"\xff{}"]


def _truncated(draft: Draft) -> list[bytes]:
    return [draft.body[:cut] for cut in (1, len(draft.body) // 2, len(draft.body) - 1)]


def _not_an_object(draft: Draft) -> list[bytes]:
    listed = json.dumps([draft.document]).encode()
    return [b"[]", b"null", b"1", b'"text"', b"true", b"", b"   ", listed]


def _odd_json(draft: Draft) -> list[bytes]:
    text = draft.body.rstrip(b"}")
    return [
        text + b', "x": NaN}',
        text + b', "x": Infinity}',
        text + b', "x": 1' + b"0" * 5000 + b"}",
        text + b', "x": "\\ud800"}',
        b"\xef\xbb\xbf" + draft.body,
        draft.body + b" trailing",
        text + b', "name": "a", "name": 5}',
    ]


def _form_encoded(draft: Draft, rng: Random, world: World) -> str:
    fields = {key: str(value) for key, value in (draft.document or {}).items()}
    draft.body = urlencode(fields).encode()
    if rng.random() < 0.5:
        draft.set_header("Content-Type", b"application/x-www-form-urlencoded")
    return repr(draft.body[:80])


def _chunked(draft: Draft, rng: Random, world: World) -> str:
    draft.chunked = True
    return "Transfer-Encoding: chunked"


def _body_on_bodiless(draft: Draft, rng: Random, world: World) -> str:
    draft.body = rng.choice([b'{"a": 1}', b"\xff\xfe", b"[" * 1000, b"x" * 100_000])
    draft.set_header("Content-Type", rng.choice([b"application/json", b"text/plain"]))
    return repr(draft.body[:40])


def _json_body(endpoint: Endpoint) -> bool:
    return endpoint.body == "json"


def _has_body(endpoint: Endpoint) -> bool:
    return endpoint.body != "none"


BODY_MUTATIONS = [
    Mutation("body: a field of the wrong type", _edit_field(_wrong_type), _json_body),
    Mutation("body: a field null", _edit_field(_null), _json_body),
    Mutation("body: a field missing", _edit_field(_missing), _json_body),
    Mutation("body: an unknown field", _edit_field(_unknown_field), _json_body),
    Mutation("body: a huge string within the size limit", _edit_field(_huge_string), _json_body),
    # Drawn ten times a round: one draw tries one of a dozen edges, and a clock moved to one
    # breaks only the date arithmetic of the calls after it.
    Mutation("body: an instant at the edge of the calendar",
             _fields_set_to(INSTANT_FIELDS, EDGE_INSTANTS), _reads_one_of(INSTANT_FIELDS), 10),
    Mutation("body: an odd URL",
             _fields_set_to(URL_FIELDS, ODD_URLS), _reads_one_of(URL_FIELDS), 3),
    Mutation("body: deep nesting", _deep_nesting, _json_body),
    Mutation("body: bytes that are not UTF-8", _raw_body(_non_utf8), _has_body),
    Mutation("body: truncated", _raw_body(_truncated), _has_body),
    Mutation("body: JSON that is not an object", _raw_body(_not_an_object), _json_body),
    Mutation("body: NaN, huge numbers, lone surrogates, BOM, duplicates",
             _raw_body(_odd_json), _json_body),
    Mutation("body: form-encoded", _form_encoded, _json_body),
    Mutation("body: sent chunked", _chunked, _has_body),
    Mutation("body: on a route that takes none", _body_on_bodiless,
             lambda endpoint: endpoint.body == "none"),
]  # fmt: skip


FORM_JUNK = {
    "form: a field percent-encoding non-ASCII": lambda rng: rng.choice(QUERY_JUNK),
    "form: a number out of range or of the wrong form": lambda rng: rng.choice(
        ["9999999", "-1", "1e3", "1.5", "NaN", "inf", "1e400", "0", "0x1", "5%0A", "%C2%B2"]
    ),
    "form: a huge value": lambda rng: "A" * rng.choice([10_000, 70_000, 2_000_000]),
    "form: an unknown choice": lambda rng: rng.choice(["bogus", "", "PASS", "*", UNKNOWN_ID]),
}


def _form_field(make: Callable[[Random], str]) -> Apply:
    def apply(draft: Draft, rng: Random, world: World) -> str:
        name = _field(draft, rng)
        value = make(rng)
        pieces = [(k, v) for k, v in draft.form or [] if k != name]
        draft.body = (urlencode(pieces) + ("&" if pieces else "") + f"{name}={value}").encode()
        return f"{name}={value[:60]}"

    return apply


def _form_raw(draft: Draft) -> list[bytes]:
    return [b"minutes=\xff", b"outcome=pass&image=\xc3\x28", b"%ZZ=1", b"=", b"&&", b"a=%", b""]


def _form_as_json(draft: Draft, rng: Random, world: World) -> str:
    draft.set_document(dict(draft.form or []))
    draft.set_header("Content-Type", b"application/json")
    return repr(draft.body[:80])


def _form_multipart(draft: Draft, rng: Random, world: World) -> str:
    boundary = "fuzz-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in draft.form or []
    ]
    if rng.random() < 0.5:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="f.png"\r\n'
            f"Content-Type: image/png\r\n\r\n{FACE_BASE64[:40]}\r\n"
        )
    draft.body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    draft.set_header("Content-Type", f"multipart/form-data; boundary={boundary}".encode())
    return repr(draft.body[:80])


def _form_body(endpoint: Endpoint) -> bool:
    return endpoint.body == "form"


FORM_MUTATIONS = [
    *(Mutation(name, _form_field(make), _form_body) for name, make in FORM_JUNK.items()),
    Mutation("form: malformed or not UTF-8", _raw_body(_form_raw), _form_body),
    Mutation("form: sent as JSON", _form_as_json, _form_body),
    Mutation("form: sent as multipart/form-data", _form_multipart, _form_body),
]


def _valid(draft: Draft, rng: Random, world: World) -> str:
    return ""


VALID = Mutation("none (a valid request)", _valid)
FOLLOW_UP = "none (a valid request), as the tenant a control call just changed"
MUTATIONS = [
    VALID,
    *HEADER_MUTATIONS,
    *QUERY_MUTATIONS,
    *PATH_MUTATIONS,
    *BODY_MUTATIONS,
    *FORM_MUTATIONS,
]


def plan(endpoints: Sequence[Endpoint], world: World, seed: int, count: int) -> Iterator[FuzzCase]:
    """``count`` requests: every (endpoint, mutation) pair that fits, in a seeded order,
    then again with other random values, until ``count`` are made. Each control call that
    changes its tenant is followed by a valid create of a biometric validation as that
    tenant, the call that reads most of a tenant's state: it shows what the change broke (a
    clock moved to year 9999, say)."""
    rng = Random(seed)
    pairs = [(e, m) for e in endpoints for m in MUTATIONS if m.applies(e) for _ in range(m.weight)]
    follower = next(e for e in endpoints if e.key == "POST /v2/biometric-validations")
    made = 0
    while True:
        rng.shuffle(pairs)
        for endpoint, mutation in pairs:
            draft = valid_draft(endpoint, world, rng)
            case = draft.case(mutation.name, mutation.apply(draft, rng, world))
            cases = [case]
            if tenant_of(endpoint) == "state":
                cases.append(follow_up(follower, case, world, rng))
            for made_case in cases:
                if made == count:
                    return
                yield made_case
                made += 1


def follow_up(endpoint: Endpoint, after: FuzzCase, world: World, rng: Random) -> FuzzCase:
    """A valid request to ``endpoint`` as the ``state`` tenant, right after ``after``."""
    draft = valid_draft(endpoint, world, rng)
    draft.tenant = "state"
    draft.token = world.tokens["state"]
    draft.set_header("Authorization", f"Bearer {draft.token}".encode())
    summary = f"{after.method} {after.target[:50].decode()} [{after.mutation}: {after.detail[:60]}]"
    return draft.case(FOLLOW_UP, f"right after {summary}")


# Checks


@dataclass(frozen=True)
class Answer:
    """What came back: status, ``Content-Type`` and body."""

    status: int
    content_type: str
    body: bytes


def _first(headers: Iterable[Header], name: str) -> str | None:
    found = [v for k, v in headers if k.lower() == name.encode()]
    return found[0].decode("latin-1") if found else None


def requested_fault(case: FuzzCase) -> str | None:
    """The documented fault ``X-Mock-Fault`` asks for, on a ``/v2`` path (the only ones)."""
    path = unquote(case.target.decode().partition("?")[0])
    fault = _first(case.headers, "x-mock-fault")
    return fault if path.startswith("/v2/") and fault in FAULT_STATUS else None


def is_envelope(answer: Answer) -> bool:
    """``application/json`` and exactly ``{"success": false, "error": str, "code": str}``."""
    if answer.content_type != "application/json":
        return False
    try:
        body = json.loads(answer.body)
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and set(body) == {"success", "error", "code"}
        and body["success"] is False
        and isinstance(body["error"], str)
        and isinstance(body["code"], str)
    )


def problems(case: FuzzCase, answer: Answer | None) -> list[str]:
    """What is wrong with ``answer`` to ``case``; a dropped connection is ``answer`` None."""
    fault = requested_fault(case)
    if answer is None:
        return [] if fault == "reset" else [NO_ANSWER]
    found = []
    if answer.status >= 500 and answer.status != FAULT_STATUS.get(fault or ""):
        found.append(UNREQUESTED_5XX)
    if answer.status >= 400:
        # A HEAD answer has no body: its Content-Type is all there is to check.
        head_ok = case.method == "HEAD" and answer.content_type == "application/json"
        if not (head_ok or is_envelope(answer)):
            found.append(NOT_ENVELOPE)
    unknown = {k.decode().lower() for k, _ in case.headers} - KNOWN_MOCK_HEADERS
    if answer.status < 400 and any(name.startswith("x-mock-") for name in unknown):
        found.append(UNKNOWN_HEADER_ACCEPTED)
    return found


# Sending


@dataclass(frozen=True)
class Failure:
    """One request whose answer failed a check."""

    check: str
    config: str
    index: int
    case: FuzzCase
    answer: Answer | None
    context: str

    @property
    def key(self) -> tuple[str, str, str, str, int | None]:
        """What makes two failures the same: check, method, route, mutation, status."""
        status = self.answer.status if self.answer else None
        return (self.check, self.case.method, self.case.template, self.case.mutation, status)

    def line(self) -> str:
        """The failure on one line, with the request that shows it."""
        case, answer = self.case, self.answer
        got = "no answer" if answer is None else f"{answer.status} {answer.content_type!r}"
        body = "" if answer is None else f" {answer.body[:200]!r}"
        context = f" ({self.context})" if self.context else ""
        return (
            f"{self.check}: {case.method} {case.template} [{case.mutation}: {case.detail[:120]}] "
            f"-> {got}{body}; request #{self.index} of {self.config}, "
            f"target {case.target[:100]!r}{context}"
        )


@dataclass
class FuzzRun:
    """One configuration's run: how much was sent and what failed."""

    config: str
    sent: int = 0
    resets: int = 0
    seconds: float = 0.0
    stopped_early: bool = False
    failures: list[Failure] = field(default_factory=list)
    state_changes: deque[str] = field(default_factory=lambda: deque(maxlen=3))
    journal: list[JournalEntry] = field(default_factory=list)
    """What the server's journal holds once the run is over: every answer, as it saw it."""

    def record(self, index: int, case: FuzzCase, answer: Answer | None) -> None:
        """Check one answer and remember what control calls did to the ``state`` tenant."""
        self.sent += 1
        self.resets += answer is None and requested_fault(case) == "reset"
        context = ""
        if case.tenant == "state" and self.state_changes:
            context = "the state tenant's latest changes: " + " | ".join(self.state_changes)
        for check in problems(case, answer):
            self.failures.append(Failure(check, self.config, index, case, answer, context))
        control_call = case.tenant == "state" and case.template.startswith("/__mock__/")
        if control_call and answer is not None and answer.status < 400:
            if case.template == "/__mock__/reset":
                self.state_changes.clear()
            self.state_changes.append(f"{case.method} {case.target[:60]!r} {case.body[:60]!r}")


TIMEOUTS = {"connect": 5.0, "read": 10.0, "write": 10.0, "pool": 5.0}


def send(pool: httpcore.ConnectionPool, port: int, case: FuzzCase) -> Answer | None:
    """Send ``case``; None if the connection dropped (once more on a fresh one first, unless
    the request asked for the drop: after a server error uvicorn closes the connection)."""
    url = httpcore.URL(scheme=b"http", host=b"127.0.0.1", port=port, target=case.target)
    headers = [(b"Host", f"127.0.0.1:{port}".encode()), *case.headers]
    for _ in range(1 if requested_fault(case) == "reset" else 2):
        content: bytes | Iterator[bytes] = iter([case.body]) if case.chunked else case.body
        try:
            response = pool.request(
                case.method.encode(), url, headers=headers, content=content,
                extensions={"timeout": TIMEOUTS},
            )  # fmt: skip
        except httpcore.TimeoutException:
            return None  # a hung request: waiting for it again would only double the wait
        except (httpcore.NetworkError, httpcore.RemoteProtocolError):
            continue
        content_type = _first(response.headers, "content-type") or ""
        return Answer(response.status, content_type, response.content)
    return None


def send_all(config: str, cases: Iterable[FuzzCase], port: int, seconds: float) -> FuzzRun:
    """Send ``cases`` over one keep-alive connection, stopping after ``seconds``."""
    run = FuzzRun(config)
    started = time.monotonic()
    with httpcore.ConnectionPool(max_connections=1) as pool:
        for index, case in enumerate(cases):
            if time.monotonic() - started > seconds:
                run.stopped_early = True
                break
            run.record(index, case, send(pool, port, case))
    run.seconds = time.monotonic() - started
    return run


def failures_of(runs: Sequence[FuzzRun], *checks: str) -> list[Failure]:
    """The failures of ``runs`` under any of ``checks``."""
    return [failure for run in runs for failure in run.failures if failure.check in checks]


def report(runs: Sequence[FuzzRun], check: str, limit: int = 30) -> str:
    """Every distinct failure of ``check`` in ``runs``, after two counts that point at the
    cause: how many routes fail with each mutation (a shared layer), and how many mutations
    fail each route (the route itself). The list shows one of each mutation first."""
    distinct: dict[tuple[str, str, str, str, int | None], Failure] = {}
    configs: dict[tuple[str, str, str, str, int | None], set[str]] = {}
    for failure in failures_of(runs, check):
        distinct.setdefault(failure.key, failure)
        configs.setdefault(failure.key, set()).add(failure.config)
    by_mutation = Counter((key[3], key[4]) for key in distinct)
    by_route = Counter((f"{key[1]} {key[2]}", key[4]) for key in distinct)
    seen: Counter[tuple[str, int | None]] = Counter()
    ranked = []
    for key, failure in distinct.items():
        ranked.append((seen[key[3], key[4]], failure))
        seen[key[3], key[4]] += 1
    ordered = [failure for _, failure in sorted(ranked, key=lambda pair: pair[0])]
    return "\n".join([
        f"{check}: {len(distinct)} distinct failures (method, route, mutation, status).",
        "By mutation (routes failing):",
        *(f"  {n:3} {name} -> {status}" for (name, status), n in by_mutation.most_common(20)),
        "By route (mutations failing):",
        *(f"  {n:3} {route} -> {status}" for (route, status), n in by_route.most_common(20)),
        f"The first {min(limit, len(ordered))}, one of each mutation first:",
        *(f"  [{', '.join(sorted(configs[f.key]))}] {f.line()}" for f in ordered[:limit]),
    ])  # fmt: skip


class OneTracebackPerCrashSite(logging.Filter):
    """Keeps the first server traceback of each crash site (exception type and the innermost
    line of the mock's own code) and counts the rest; drops the dropped connections the fuzz
    asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.sites: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether to log ``record``."""
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            return True
        if isinstance(error, ConnectionDropped):
            return False
        site = f"{type(error).__name__} at {crash_site(error)}: {str(error)[:120]}"
        self.sites[site] += 1
        return self.sites[site] == 1


def crash_site(error: BaseException) -> str:
    """``file:line`` of the innermost frame of ``error`` in the mock's own code."""
    where = "?"
    frame = error.__traceback__
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.startswith(MOCKSERVER_FOLDER):
            where = f"{filename.removeprefix(REPOSITORY_FOLDER)}:{frame.tb_lineno}"
        frame = frame.tb_next
    return where
