"""An operation of the contract, as the server runs it: path, models, and the domain action.

Each operation declares the query, body and response models it uses; the endpoint reads the
request with exactly those models, and a test holds the same declarations to the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar, cast

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.http.body import read_body
from mockserver.http.context import ServerContext
from mockserver.http.query import parse_query
from mockserver.http.responses import json_response
from mockserver.models.base import RequestBody
from mockserver.models.queries import QueryModel
from mockserver.settings import Settings
from mockserver.store import TenantState

Query = TypeVar("Query", bound=QueryModel)
Body = TypeVar("Body", bound=RequestBody | None)


@dataclass(frozen=True)
class Call(Generic[Query, Body]):
    """One request, read: whose it is, its parameters and body, and the server's settings."""

    tenant: TenantState
    query: Query
    body: Body
    path: dict[str, str]
    settings: Settings


@dataclass(frozen=True)
class Operation(Generic[Query, Body]):
    """One operation of the contract and how the server answers it."""

    operation_id: str
    method: Literal["GET", "POST"]
    path: str
    query: type[Query]
    body: type[RequestBody] | None
    response: type[BaseModel]
    action: Callable[[Call[Query, Body]], BaseModel]

    def route(self) -> Route:
        """A Starlette route that reads the request with this operation's models."""

        async def endpoint(request: Request) -> Response:
            context = ServerContext.of(request)
            tenant = context.tenant_for(request.headers.get("authorization"))
            query = parse_query(request.query_params, self.query)
            body = None
            if self.body is not None:
                body = await read_body(request, self.body, context.settings.max_body_bytes)
            # The body model is the one this operation declares, so it is this Body type.
            call = Call(
                tenant, query, cast(Body, body), dict(request.path_params), context.settings
            )
            return json_response(self.action(call))

        return Route(self.path, endpoint, methods=[self.method], name=self.operation_id)
