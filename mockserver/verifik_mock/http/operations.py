"""An operation of the contract, as the server runs it: path, models, and the domain action.

Each operation declares the query, body and response models it uses; the endpoint reads the
request with exactly those models, and a test holds the same declarations to the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, Literal, TypeVar, cast

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from verifik_mock.domain.scenarios import FaultRule, ScoreOverrides
from verifik_mock.http.body import read_body
from verifik_mock.http.context import ServerContext
from verifik_mock.http.faults import apply_fault
from verifik_mock.http.headers import ADMIN_HEADER
from verifik_mock.http.journaling import note_request
from verifik_mock.http.origins import served_base_url
from verifik_mock.http.query import parse_query
from verifik_mock.http.responses import json_response
from verifik_mock.http.scenario_headers import score_overrides
from verifik_mock.models import LivenessSession
from verifik_mock.models.base import RequestBody
from verifik_mock.models.queries import QueryModel
from verifik_mock.settings import Settings
from verifik_mock.store import TenantState

Query = TypeVar("Query", bound=QueryModel)
Body = TypeVar("Body", bound=RequestBody | None)


def spend_fault(tenant: TenantState) -> FaultRule | None:
    """The tenant's control-API fault rule in force, if any, with this use counted."""
    rule = tenant.fault_rule
    if rule is not None:
        tenant.fault_rule = rule.used_once()
    return rule


@dataclass(frozen=True)
class Call(Generic[Query, Body]):
    """One request, read: whose it is, its parameters and body, and the server's settings."""

    client_id: str
    query: Query
    body: Body
    path: dict[str, str]
    server: ServerContext
    request: Request
    session: LivenessSession | None = None
    """The liveness session, for operations authenticated by a session token."""

    @property
    def settings(self) -> Settings:
        """The server's settings."""
        return self.server.settings

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

    @cached_property
    def tenant(self) -> TenantState:
        """The caller's tenant, seeded on first use: a call that needs no records (a
        reset) never pays for seeding a world."""
        return self.server.tenants.get(self.client_id)


@dataclass(frozen=True)
class Operation(Generic[Query, Body]):
    """One operation of the contract and how the server answers it."""

    operation_id: str
    method: Literal["GET", "POST", "DELETE"]
    path: str
    query: type[Query]
    body: type[RequestBody] | None
    response: type[BaseModel]
    action: Callable[[Call[Query, Body]], BaseModel]
    auth: Literal["client", "session", "control"] = "client"
    """Whose token the operation takes: a client's, a liveness session's (validate), or a
    client's plus the admin token when one is configured (the control API)."""

    def route(self) -> Route:
        """A Starlette route that reads the request with this operation's models."""

        async def endpoint(request: Request) -> Response:
            context = ServerContext.of(request)
            authorization = request.headers.get("authorization")
            session = None
            if self.auth == "session":
                access = context.session_for(authorization)
                client_id, session = access.tenant.client.id, access.session
            else:
                client_id = context.client_id_for(authorization)
            if self.auth == "control":
                context.check_admin(request.headers.get(ADMIN_HEADER))
            note_request(request.scope, client_id, self.operation_id)
            fault = None if self.auth == "control" else spend_fault(context.tenants.get(client_id))
            if fault is not None and fault.fault is not None:
                # An answer of its own: the use is kept, then waited for, holding no lock.
                context.finish_request(client_id)
                return await apply_fault(fault.fault, fault.latency_ms / 1000)
            try:
                if fault is not None:  # a slow answer: the wait is part of the request
                    await apply_fault(None, fault.latency_ms / 1000)
                return await self._answer(request, context, client_id, session)
            finally:
                context.finish_request(client_id)

        return Route(self.path, endpoint, methods=[self.method], name=self.operation_id)

    async def _answer(
        self,
        request: Request,
        context: ServerContext,
        client_id: str,
        session: LivenessSession | None,
    ) -> Response:
        query = parse_query(request.scope["query_string"], self.query)
        body = None
        if self.body is not None:
            body = await read_body(request, self.body, context.settings.max_body_bytes)
        call = Call(
            client_id=client_id,
            query=query,
            # The body model is the one this operation declares, so it is this Body type.
            body=cast(Body, body),
            path=dict(request.path_params),
            server=context,
            request=request,
            session=session,
        )
        return json_response(self.action(call))
