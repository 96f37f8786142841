"""A tenant as engines store it: a row per record (its JSON), a row per sent email, and one
row of the small values a turn may change (the client, clock, random, rules).

Only what cannot be worked out again is stored: the indexes and the expiry schedule are
rebuilt from the records when a tenant is read (``TenantState.load``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from random import Random
from typing import Any

from pydantic import TypeAdapter

from verifik_mock.clock import TenantClock
from verifik_mock.models import Client
from verifik_mock.models.control import SentEmail
from verifik_mock.models.rules import FaultRule, ScenarioRule
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import format_timestamp, parse_timestamp

_FAULT_RULE = TypeAdapter(FaultRule | None)
_SCENARIO_RULES = TypeAdapter(dict[str, ScenarioRule])


@dataclass(frozen=True)
class RecordRow:
    """One record: its kind (``TenantState.tables``' name), id, creation instant and JSON."""

    kind: str
    id: str
    created_at: str
    body: str


@dataclass(frozen=True)
class TenantRows:
    """What a turn wrote (or, for a tenant stored whole, everything it holds)."""

    values: str
    """The client, clock, random and rules, as one JSON object."""
    records: list[RecordRow]
    emails: list[str]
    """Sent emails the turn added, oldest first, each as JSON."""


def rows_written(tenant: TenantState, whole: bool = False) -> TenantRows:
    """The rows of what the current turn wrote, or of the whole tenant (``whole``)."""
    records = [
        _row(kind, table[record_id])
        for kind, table in tenant.tables().items()
        for record_id in (table if whole else table.written())
    ]
    emails = tenant.emails if whole else tenant.emails_sent_in_turn()
    return TenantRows(
        values=_values(tenant),
        records=records,
        emails=[email.model_dump_json() for email in emails],
    )


def _row(kind: str, record: Any) -> RecordRow:
    body = record.model_dump_json(exclude_none=True)
    return RecordRow(kind, record.id, format_timestamp(record.createdAt), body)


def _values(tenant: TenantState) -> str:
    version, state, gauss = tenant.random.getstate()
    return json.dumps(
        {
            "client": tenant.client.model_dump(mode="json", by_alias=True),
            "now": format_timestamp(tenant.clock.now()),
            "random": [version, state, gauss],
            "faultRule": _FAULT_RULE.dump_python(tenant.fault_rule, mode="json"),
            "scenarioRules": _SCENARIO_RULES.dump_python(tenant.scenario_rules, mode="json"),
            "wire": tenant.wire,
        },
        separators=(",", ":"),
    )


def tenant_from_rows(rows: TenantRows) -> TenantState:
    """A tenant made from all its stored rows."""
    values = json.loads(rows.values)
    tenant = TenantState(
        client=Client.model_validate(values["client"]), clock=TenantClock(), random=Random()
    )
    apply_rows(tenant, rows)
    return tenant


def apply_rows(tenant: TenantState, rows: TenantRows) -> None:
    """Take in rows another process wrote since this one last read the tenant."""
    values = json.loads(rows.values)
    tenant.clock = TenantClock(parse_timestamp(values["now"]))
    version, state, gauss = values["random"]
    tenant.random.setstate((version, tuple(state), gauss))
    tenant.fault_rule = _FAULT_RULE.validate_python(values["faultRule"])
    tenant.scenario_rules = _SCENARIO_RULES.validate_python(values["scenarioRules"])
    tenant.wire = values.get("wire")
    tables = tenant.tables()
    for row in rows.records:
        tenant.load(row.kind, tables[row.kind].model.model_validate_json(row.body))
    tenant.emails.extend(SentEmail.model_validate_json(email) for email in rows.emails)
