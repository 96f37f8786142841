"""The ``/__mock__`` control API: reset, fixtures, scenario rules, clock, journal, webhooks,
and the wire profile."""

from __future__ import annotations

from datetime import timedelta

from verifik_mock.contract_file import Wire
from verifik_mock.data_files import data_folder
from verifik_mock.domain import control, page_examples
from verifik_mock.http.operations import Call, Operation
from verifik_mock.models.control import (
    AdvanceClockBody,
    ClockView,
    EmailOutbox,
    FaultRuleBody,
    FaultRuleView,
    FixtureLoaded,
    JournalList,
    LivenessTokenView,
    PageExamplesLoaded,
    ResetView,
    ScenarioRuleBody,
    ScenarioRuleList,
    SetClockBody,
    WebhookDeliveryList,
    WireBody,
    WireView,
)
from verifik_mock.models.queries import ClearRulesQuery, JournalQuery, NoQuery, ResetQuery
from verifik_mock.models.rules import FaultRule
from verifik_mock.state.tenant import TenantState


def _rule_list(tenant: TenantState) -> ScenarioRuleList:
    rules = tenant.scenario_rules.values()
    return ScenarioRuleList(data=[control.rule_view(rule) for rule in rules])


def _rules(call: Call[NoQuery, None]) -> ScenarioRuleList:
    return _rule_list(call.tenant)


def _set_rule(call: Call[NoQuery, ScenarioRuleBody]) -> ScenarioRuleList:
    control.set_rule(call.tenant, call.body)
    return _rule_list(call.tenant)


def _clear_rules(call: Call[ClearRulesQuery, None]) -> ScenarioRuleList:
    if call.query.identifier is None:
        call.tenant.scenario_rules.clear()
    else:
        call.tenant.scenario_rules.pop(call.query.identifier, None)
    return _rule_list(call.tenant)


def _clock(call: Call[NoQuery, None]) -> ClockView:
    return ClockView(now=call.tenant.clock.now())


def _set_clock(call: Call[NoQuery, SetClockBody]) -> ClockView:
    return ClockView(now=control.move_clock_to(call.tenant, call.body.now))


def _advance_clock(call: Call[NoQuery, AdvanceClockBody]) -> ClockView:
    by = timedelta(minutes=call.body.minutes, seconds=call.body.seconds)
    return ClockView(now=control.advance_clock(call.tenant, by))


def _journal(call: Call[JournalQuery, None]) -> JournalList:
    client = None if call.query.scope == "all" else call.client_id
    return JournalList(data=call.server.journal.newest(client, call.query.limit))


def _webhooks(call: Call[NoQuery, None]) -> WebhookDeliveryList:
    client = call.client_id
    return WebhookDeliveryList(
        secret=call.server.webhooks.secret_for(client),
        data=call.server.webhooks.deliveries(client),
    )


async def _reset(call: Call[ResetQuery, None]) -> ResetView:
    """Forget the tenant (or all): its records, emails, webhook deliveries and the answers
    it was given, which a tenant's reset hands back."""
    if call.query.scope == "all":
        await call.server.store.reset()
        call.server.webhooks.forget()
        call.server.journal.drain_answered(None)
        return ResetView(reset="all")
    await call.server.store.reset(call.client_id, seed=call.query.seed)
    call.server.webhooks.forget(call.client_id)
    return ResetView(reset="tenant", answered=call.server.journal.drain_answered(call.client_id))


def _fault_view(rule: FaultRule | None) -> FaultRuleView:
    if rule is None:
        return FaultRuleView(active=False)
    return FaultRuleView(
        fault=rule.fault, latencyMs=rule.latency_ms, remaining=rule.remaining, active=True
    )


def _fault(call: Call[NoQuery, None]) -> FaultRuleView:
    return _fault_view(call.tenant.fault_rule)


def _set_fault(call: Call[NoQuery, FaultRuleBody]) -> FaultRuleView:
    body = call.body
    call.tenant.fault_rule = FaultRule(body.fault, body.latencyMs, body.times)
    return _fault_view(call.tenant.fault_rule)


def _clear_fault(call: Call[NoQuery, None]) -> FaultRuleView:
    call.tenant.fault_rule = None
    return _fault_view(None)


def _wire_view(tenant: TenantState, server_wire: Wire) -> WireView:
    return WireView(wire=tenant.wire or server_wire, chosen=tenant.wire is not None)


def _wire(call: Call[NoQuery, None]) -> WireView:
    return _wire_view(call.tenant, call.settings.wire)


def _set_wire(call: Call[NoQuery, WireBody]) -> WireView:
    call.tenant.wire = call.body.wire
    return _wire_view(call.tenant, call.settings.wire)


def _clear_wire(call: Call[NoQuery, None]) -> WireView:
    call.tenant.wire = None
    return _wire_view(call.tenant, call.settings.wire)


def _load_fixture(call: Call[NoQuery, None]) -> FixtureLoaded:
    name = call.path["name"]
    fixture = control.read_fixture(data_folder("fixtures") / "scenarios", name)
    return control.load_fixture(call.tenant, name, fixture)


def _load_page_examples(call: Call[NoQuery, None]) -> PageExamplesLoaded:
    page_examples.add_page_examples(call.tenant)
    return page_examples.PAGE_EXAMPLE_IDS


def _emails(call: Call[NoQuery, None]) -> EmailOutbox:
    return EmailOutbox(data=list(reversed(call.tenant.emails)))


def _liveness_token(call: Call[NoQuery, None]) -> LivenessTokenView:
    return control.liveness_token(call.tenant, call.path["id"], call.settings.session_secret)


CONTROL_OPERATIONS: list[Operation] = [  # type: ignore[type-arg]
    Operation("listScenarioRules", "GET", "/__mock__/scenarios",
              NoQuery, None, ScenarioRuleList, _rules, auth="control"),
    Operation("setScenarioRule", "POST", "/__mock__/scenarios",
              NoQuery, ScenarioRuleBody, ScenarioRuleList, _set_rule, auth="control"),
    Operation("clearScenarioRules", "DELETE", "/__mock__/scenarios",
              ClearRulesQuery, None, ScenarioRuleList, _clear_rules, auth="control"),
    Operation("getClock", "GET", "/__mock__/clock",
              NoQuery, None, ClockView, _clock, auth="control"),
    Operation("setClock", "POST", "/__mock__/clock",
              NoQuery, SetClockBody, ClockView, _set_clock, auth="control"),
    Operation("advanceClock", "POST", "/__mock__/clock/advance",
              NoQuery, AdvanceClockBody, ClockView, _advance_clock, auth="control"),
    Operation("getJournal", "GET", "/__mock__/journal",
              JournalQuery, None, JournalList, _journal, auth="control", turn="none"),
    Operation("listWebhookDeliveries", "GET", "/__mock__/webhooks",
              NoQuery, None, WebhookDeliveryList, _webhooks, auth="control", turn="none"),
    Operation("reset", "POST", "/__mock__/reset",
              ResetQuery, None, ResetView, _reset, auth="control", turn="none"),
    Operation("getFault", "GET", "/__mock__/faults",
              NoQuery, None, FaultRuleView, _fault, auth="control"),
    Operation("setFault", "POST", "/__mock__/faults",
              NoQuery, FaultRuleBody, FaultRuleView, _set_fault, auth="control"),
    Operation("clearFault", "DELETE", "/__mock__/faults",
              NoQuery, None, FaultRuleView, _clear_fault, auth="control"),
    Operation("getWire", "GET", "/__mock__/wire",
              NoQuery, None, WireView, _wire, auth="control"),
    Operation("setWire", "POST", "/__mock__/wire",
              NoQuery, WireBody, WireView, _set_wire, auth="control"),
    Operation("clearWire", "DELETE", "/__mock__/wire",
              NoQuery, None, WireView, _clear_wire, auth="control"),
    # Before loadFixture, whose {name} would take "page-examples" for a file's name.
    Operation("loadPageExamples", "POST", "/__mock__/fixtures/page-examples",
              NoQuery, None, PageExamplesLoaded, _load_page_examples, auth="control"),
    Operation("loadFixture", "POST", "/__mock__/fixtures/{name}",
              NoQuery, None, FixtureLoaded, _load_fixture, auth="control"),
    Operation("listEmails", "GET", "/__mock__/emails",
              NoQuery, None, EmailOutbox, _emails, auth="control"),
    Operation("getLivenessToken", "GET", "/__mock__/liveness-tokens/{id}",
              NoQuery, None, LivenessTokenView, _liveness_token, auth="control"),
]  # fmt: skip
"""The mock's own operations; the contract lists them under the `mock` tag."""
