"""One request's life on a tenant, the same for every route that has one (the API, the hosted
page, the dashboard): the journal told whose request it is and what served it, then a turn
that spends the tenant's control-API fault rule (on Verifik's own surfaces) and runs the
action, then the fault's or the slow answer's wait, after the turn, holding no one up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from verifik_mock.contract_file import Wire
from verifik_mock.http.context import ServerContext
from verifik_mock.http.faults import apply_fault
from verifik_mock.http.journaling import note_request
from verifik_mock.http.responses import WIRE_KEY
from verifik_mock.models.rules import FaultRule
from verifik_mock.state.tenant import TenantState

Value = TypeVar("Value")


@dataclass(frozen=True)
class Outcome(Generic[Value]):
    """What a turn decided: the action's value, or a fault rule's answer, and how long to
    wait before either is sent."""

    value: Value | None
    fault: str | None = None
    delay_seconds: float = 0.0

    async def fault_answer(self, wire: Wire) -> Response | None:
        """Wait out the delay; then the fault's answer in ``wire``, or None to send the value."""
        if self.fault is not None:
            return await apply_fault(self.fault, self.delay_seconds, wire)
        if self.delay_seconds:
            await apply_fault(None, self.delay_seconds, wire)
        return None


def spend_fault(tenant: TenantState) -> FaultRule | None:
    """The tenant's control-API fault rule in force, if any, with this use counted."""
    rule = tenant.fault_rule
    if rule is not None:
        tenant.fault_rule = rule.used_once()
    return rule


async def run_in_turn(
    request: Request,
    client_id: str,
    operation_id: str,
    action: Callable[[TenantState], Value],
    *,
    write: bool,
    faults: bool = True,
    admit: Callable[[TenantState], object] | None = None,
    tenant_wire: bool = False,
) -> Outcome[Value]:
    """Journal the request as ``client_id``'s ``operation_id``, then run ``action`` in a turn
    on the tenant, after ``admit`` (a check whose refusal comes before any fault) and, with
    ``faults``, the tenant's fault rule. With ``tenant_wire`` (Verifik's operations), the
    answer and any refusal from the turn on are written in the tenant's wire profile."""
    note_request(request.scope, client_id, operation_id)
    server_wire = ServerContext.of(request).settings.wire

    def turn(tenant: TenantState) -> Outcome[Value]:
        if tenant_wire:
            request.scope[WIRE_KEY] = tenant.wire or server_wire
        if admit is not None:
            admit(tenant)
        fault = spend_fault(tenant) if faults else None
        delay = fault.latency_ms / 1000 if fault is not None else 0.0
        if fault is not None and fault.fault is not None:
            return Outcome(None, fault.fault, delay)
        return Outcome(action(tenant), delay_seconds=delay)

    return await ServerContext.of(request).store.run(client_id, turn, write=write)
