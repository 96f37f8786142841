"""What the control API does to a tenant: scenario rules, the clock, fixture files, tokens."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from verifik_mock.clock import LATEST
from verifik_mock.domain.expiry import sweep_expired
from verifik_mock.domain.sessions import session_token
from verifik_mock.errors import (
    BiometricValidationNotFoundError,
    FixtureNotFoundError,
    MissingParameterError,
)
from verifik_mock.models import Person, ProjectFlow
from verifik_mock.models.control import (
    FixtureFile,
    FixtureLoaded,
    LivenessTokenView,
    ScenarioRuleBody,
    ScenarioRuleView,
)
from verifik_mock.models.rules import ScenarioRule, ScoreOverrides
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import format_timestamp

_FIXTURE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def set_rule(state: TenantState, body: ScenarioRuleBody) -> ScenarioRuleView:
    """Force the scores of ``body.identifier``'s next validations (replacing its rule)."""
    scores = ScoreOverrides(liveness=body.livenessScore, search=body.searchScore)
    state.scenario_rules[body.identifier] = ScenarioRule(body.identifier, scores, body.times)
    return rule_view(state.scenario_rules[body.identifier])


def rule_view(rule: ScenarioRule) -> ScenarioRuleView:
    """A rule as the control API shows it."""
    return ScenarioRuleView(
        identifier=rule.identifier,
        livenessScore=rule.scores.liveness,
        searchScore=rule.scores.search,
        remaining=rule.remaining,
    )


def move_clock_to(state: TenantState, instant: datetime) -> datetime:
    """Move the tenant's clock on to ``instant`` and expire what that passes."""
    now = state.clock.now()
    if instant < now:
        raise MissingParameterError(f"now: the mock clock never goes back (it reads {now})")
    if instant > LATEST:
        raise MissingParameterError(
            f"the mock clock stops at {format_timestamp(LATEST)}; it reads {format_timestamp(now)}"
        )
    state.clock.advance(instant - now)
    sweep_expired(state)
    return state.clock.now()


def advance_clock(state: TenantState, by: timedelta) -> datetime:
    """Move the tenant's clock on by ``by`` and expire what that passes."""
    return move_clock_to(state, state.clock.now() + by)


def liveness_token(state: TenantState, validation_id: str, secret: str) -> LivenessTokenView:
    """The session token of one of the tenant's validations (seeded ones too)."""
    validation = state.validations.get(validation_id)
    if validation is None or not isinstance(validation.livenessSession, str):
        raise BiometricValidationNotFoundError()
    session = state.liveness_sessions[validation.livenessSession]
    return LivenessTokenView(token=session_token(session, secret), livenessSession=session.id)


def read_fixture(folder: Path, name: str) -> FixtureFile:
    """The fixture file ``<folder>/<name>.json``, read and checked."""
    path = folder / f"{name}.json"
    if not _FIXTURE_NAME.match(name) or not path.is_file():
        available = ", ".join(sorted(p.stem for p in folder.glob("*.json")))
        raise FixtureNotFoundError(f"No fixture {name!r}; available: {available}")
    try:
        return FixtureFile.model_validate_json(path.read_bytes())
    except ValidationError as error:
        raise MissingParameterError(f"fixture {name}: {error.errors()[0]['msg']}") from None


def load_fixture(state: TenantState, name: str, fixture: FixtureFile) -> FixtureLoaded:
    """Add the fixture's flows (to the first project), persons and rules to the tenant."""
    project = next(iter(state.projects.values()))
    collection = next(iter(state.collections), None)
    flows, persons = [], []
    for flow_spec in fixture.projectFlows:
        now = state.clock.tick()
        flow = ProjectFlow(
            id=state.ids.new(now), client=state.client.id, project=project.id,
            assignedCollection=collection if flow_spec.withCollection else None,
            createdAt=now, updatedAt=now,
            **flow_spec.model_dump(exclude_none=True, exclude={"withCollection"}),
        )  # fmt: skip
        state.project_flows[flow.id] = flow
        flows.append(flow.id)
    for person_spec in fixture.persons:
        now = state.clock.tick()
        person = Person(
            id=state.ids.new(now), client=state.client.id, collection=str(collection),
            identifier=person_spec.identifier, name=person_spec.name,
            createdAt=now, updatedAt=now,
        )  # fmt: skip
        state.put_person(person)
        persons.append(person.id)
    for rule in fixture.rules:
        set_rule(state, rule)
    return FixtureLoaded(
        fixture=name, projectFlows=flows, persons=persons, rules=len(fixture.rules)
    )
