"""An operation of the contract, as the server runs it: path, models, and the domain action.

Each operation declares the query, body and response models it uses; the endpoint reads the
request with exactly those models, and a test holds the same declarations to the contract.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from verifik_mock.contract_file import Wire
from verifik_mock.domain.sessions import find_session
from verifik_mock.errors import MockError
from verifik_mock.http.body import read_body
from verifik_mock.http.context import ServerContext
from verifik_mock.http.headers import ADMIN_HEADER
from verifik_mock.http.journaling import note_request
from verifik_mock.http.lifecycle import run_in_turn
from verifik_mock.http.observed import observed_answer
from verifik_mock.http.origins import served_base_url
from verifik_mock.http.query import parse_query
from verifik_mock.http.responses import answer_wire, json_response
from verifik_mock.http.score_headers import score_overrides
from verifik_mock.models import LivenessSession
from verifik_mock.models.base import RequestBody
from verifik_mock.models.queries import ObservedQuery, QueryModel
from verifik_mock.models.rules import ScoreOverrides
from verifik_mock.settings import Settings
from verifik_mock.state.tenant import TenantState

Query = TypeVar("Query", bound=QueryModel)
Body = TypeVar("Body", bound=RequestBody | None)


@dataclass(frozen=True)
class Call(Generic[Query, Body]):
    """One request, read: whose it is, its parameters and body, its tenant in this turn, and
    the server's settings."""

    client_id: str
    query: Query
    body: Body
    path: dict[str, str]
    server: ServerContext
    request: Request
    turn_tenant: TenantState | None = None
    """The caller's tenant, in the turn the call runs in (None for a call that needs none)."""
    session: LivenessSession | None = None
    """The liveness session, for operations authenticated by a session token."""

    @property
    def settings(self) -> Settings:
        """The server's settings."""
        return self.server.settings

    @property
    def tenant(self) -> TenantState:
        """The caller's tenant, as this call's turn sees it."""
        assert self.turn_tenant is not None, "an operation without a turn reads no tenant"
        return self.turn_tenant

    @cached_property
    def base_url(self) -> str:
        """Where users reach this server (``--public-url``, else the address it serves on),
        worked out only by the operations that build links; never the ``Host`` header."""
        return served_base_url(self.request.scope, self.settings.public_url)

    @cached_property
    def overrides(self) -> ScoreOverrides:
        """Scores this request's ``X-Mock-*`` headers force, read by the operations that
        score (validate, document liveness); other operations ignore the headers."""
        return score_overrides(self.request.headers)


@dataclass(frozen=True)
class Operation(Generic[Query, Body]):
    """One operation of the contract and how the server answers it."""

    operation_id: str
    method: Literal["GET", "POST", "DELETE"]
    path: str
    query: type[Query]
    body: type[RequestBody] | None
    response: type[BaseModel]
    action: Callable[[Call[Query, Body]], BaseModel | Awaitable[BaseModel]]
    auth: Literal["client", "session", "control"] = "client"
    """Whose token the operation takes: a client's, a liveness session's (validate), or a
    client's plus the admin token when one is configured (the control API)."""
    turn: Literal["read", "write", "none"] | None = None
    """How the action meets its tenant: a read turn, a write turn, or none (an action of the
    whole server, such as a reset, awaited as it is). Default: a read for GET."""
    observed_response: type[BaseModel] | None = None
    """The answer's envelope on the observed wire (None: the mock's own operations, which
    answer the same on both wires)."""
    observed_query: type[ObservedQuery] | None = None
    """The query parameters on the observed wire, where they differ from ``query``."""

    def route(self) -> Route:
        """A Starlette route that reads the request with this operation's models, then runs
        the action in a turn on the caller's tenant."""

        async def endpoint(request: Request) -> Response:
            context = ServerContext.of(request)
            note_request(request.scope, None, self.operation_id)  # a refused token's answer too
            authorization = request.headers.get("authorization")
            session_id = None
            if self.auth == "session":
                client_id, session_id = context.session_claims(authorization)
            else:
                client_id = context.client_id_for(authorization)
            if self.auth == "control":
                context.check_admin(request.headers.get(ADMIN_HEADER))
            note_request(request.scope, client_id, self.operation_id)  # a body cut short too
            read = await self._read(request, context)  # the whole body, before any turn
            call = partial(
                Call[Query, Body], client_id=client_id, body=read.body,
                path=dict(request.path_params), server=context, request=request,
            )  # fmt: skip
            if self.turn == "none":
                query = self._query(request, "pages")
                read.raise_problem()
                answer = self.action(call(query=query))
                model = await answer if inspect.isawaitable(answer) else answer
                return json_response(model)
            outcome = await run_in_turn(
                request,
                client_id,
                self.operation_id,
                partial(self._in_turn, call, request, read, session_id),
                write=(self.turn or ("read" if self.method == "GET" else "write")) == "write",
                faults=self.auth != "control",
                admit=partial(_admit_session, session_id),
                tenant_wire=self.observed_response is not None,
            )
            wire = answer_wire(request.scope)
            if (fault_answer := await outcome.fault_answer(wire)) is not None:
                return fault_answer
            assert outcome.value is not None
            return json_response(outcome.value, wire=wire)

        return Route(self.path, endpoint, methods=[self.method], name=self.operation_id)

    def _in_turn(
        self,
        call: Callable[..., Call[Query, Body]],
        request: Request,
        read: ReadRequest,
        session_id: str | None,
        tenant: TenantState,
    ) -> BaseModel:
        """The action, in the turn, on the tenant as it is now (once the query and body are
        known to be right), answered in the tenant's wire."""
        wire = answer_wire(request.scope)  # the tenant's, for Verifik's operations
        session = find_session(tenant, session_id) if session_id is not None else None
        query = self._query(request, wire)
        read.raise_problem()
        model = self.action(call(query=query, turn_tenant=tenant, session=session))
        assert isinstance(model, BaseModel), "an action in a turn answers at once"
        if wire == "observed" and self.observed_response is not None:
            return observed_answer(model, self.observed_response, tenant)
        return model

    def _query(self, request: Request, wire: Wire) -> Any:
        """The query parameters, read with the wire's model, in the domain's terms."""
        query_string = request.scope["query_string"]
        if wire == "observed" and self.observed_query is not None:
            return parse_query(query_string, self.observed_query).for_domain()
        return parse_query(query_string, self.query)

    async def _read(self, request: Request, context: ServerContext) -> ReadRequest:
        """The body, parsed, or the error that refuses it (raised in the turn, after a fault
        rule had its say, as when the rule answers first)."""
        try:
            body = None
            if self.body is not None:
                body = await read_body(request, self.body, context.settings.max_body_bytes)
        except MockError as problem:
            return ReadRequest(None, problem)
        return ReadRequest(body, None)


def _admit_session(session_id: str | None, tenant: TenantState) -> None:
    """Refuse a session token naming no session of the tenant, before any fault rule."""
    if session_id is not None:
        find_session(tenant, session_id)


@dataclass(frozen=True)
class ReadRequest:
    """A request's body as read before its turn, or why it is refused."""

    body: Any
    problem: MockError | None

    def raise_problem(self) -> None:
        """Refuse the request, if its body is wrong."""
        if self.problem is not None:
            raise self.problem
