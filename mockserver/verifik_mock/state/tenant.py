"""One tenant as a turn sees it: everything a client owns, the clock and random its writes
use, and what the current turn changed (to save it, or to undo it)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any

from verifik_mock.clock import TenantClock
from verifik_mock.contract_file import Wire
from verifik_mock.ids import ObjectIdFactory
from verifik_mock.models import (
    AppLogin,
    AppRegistration,
    BiometricValidation,
    Client,
    Collection,
    DocumentCheckSettings,
    DocumentLiveness,
    LivenessSession,
    Person,
    Project,
    ProjectFlow,
)
from verifik_mock.models.control import SentEmail
from verifik_mock.models.enums import BiometricValidationStatus, LivenessSessionStatus
from verifik_mock.models.rules import FaultRule, ScenarioRule
from verifik_mock.models.webhook_event import WebhookEvent
from verifik_mock.state.compact_records import CompactRecords
from verifik_mock.state.creation_order import CreationOrder
from verifik_mock.state.tables import Records, Table

VALIDATION_INDEX = ("client", "project", "projectFlow", "status", "type", "identifier")
"""The validation fields ``where_*`` filters are answered from the index by (all but
``livenessSession``, which ``validation_of_session`` answers)."""

_OPEN_VALIDATION = {BiometricValidationStatus.NEW, BiometricValidationStatus.PENDING}


@dataclass(frozen=True)
class TurnStart:
    """What a tenant's small values were when a turn began: enough to undo the turn."""

    now: datetime
    random: tuple[object, ...]
    fault_rule: FaultRule | None
    scenario_rules: dict[str, ScenarioRule]
    wire: Wire | None
    emails: int
    outbox: int


@dataclass
class TenantState:
    """Everything one client owns, plus the clock and id source its writes use."""

    client: Client
    clock: TenantClock
    random: Random
    projects: Records[Project] = field(default_factory=lambda: Records(Project))
    project_flows: Records[ProjectFlow] = field(default_factory=lambda: Records(ProjectFlow))
    collections: Records[Collection] = field(default_factory=lambda: Records(Collection))
    persons: Records[Person] = field(default_factory=lambda: Records(Person))
    """Read freely; write through ``put_person``, which keeps ``person_ids``."""
    app_registrations: Records[AppRegistration] = field(
        default_factory=lambda: Records(AppRegistration)
    )
    validations: CompactRecords[BiometricValidation] = field(
        default_factory=lambda: CompactRecords(BiometricValidation)
    )
    """Read freely; write through ``put_validation``, which keeps ``validation_order``."""
    liveness_sessions: CompactRecords[LivenessSession] = field(
        default_factory=lambda: CompactRecords(LivenessSession)
    )
    """Read freely; write through ``put_session``, which keeps the expiry schedule."""
    document_liveness: Records[DocumentLiveness] = field(
        default_factory=lambda: Records(DocumentLiveness)
    )
    document_check_settings: Records[DocumentCheckSettings] = field(
        default_factory=lambda: Records(DocumentCheckSettings)
    )
    """How each created document-liveness record's checks were asked for, by its id."""
    app_logins: Records[AppLogin] = field(default_factory=lambda: Records(AppLogin))
    emails: list[SentEmail] = field(default_factory=list)
    """The emails of ``sendViaEmail`` validations, oldest first."""
    scenario_rules: dict[str, ScenarioRule] = field(default_factory=dict)
    """Control-API rules by identifier."""
    fault_rule: FaultRule | None = None
    """A control-API fault for the tenant's next API calls."""
    wire: Wire | None = None
    """The wire profile the tenant's Verifik calls are answered in; None: the server's."""
    outbox: list[WebhookEvent] = field(default_factory=list)
    """Webhook events of this turn, handed to the dispatcher once it is saved."""
    validation_order: CreationOrder = field(default_factory=lambda: CreationOrder(VALIDATION_INDEX))
    """The validations by creation, overall and by filtered field: listings slice it."""
    validation_of_session: dict[str, str] = field(default_factory=dict)
    """Which validation each liveness session belongs to (session id -> validation id)."""
    person_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    """Each person's id by (collection, identifier): the 1:N search's lookup."""
    expiries: list[tuple[datetime, str]] = field(default_factory=list)
    """A min-heap of (instant, validation or session id) still due to lapse: cheap sweeps."""
    _turn: TurnStart | None = field(default=None, init=False, repr=False)
    _scheduled: list[tuple[datetime, str]] = field(default_factory=list, init=False, repr=False)
    _lapsed: list[tuple[datetime, str]] = field(default_factory=list, init=False, repr=False)

    @property
    def ids(self) -> ObjectIdFactory:
        """New record ids, drawn from the tenant's random (so a replica goes on with them)."""
        return ObjectIdFactory(self.random)

    def tables(self) -> dict[str, Table[Any]]:
        """Every kind of record by the name engines store it under."""
        return {
            "projects": self.projects,
            "project_flows": self.project_flows,
            "collections": self.collections,
            "persons": self.persons,
            "app_registrations": self.app_registrations,
            "validations": self.validations,
            "liveness_sessions": self.liveness_sessions,
            "document_liveness": self.document_liveness,
            "document_check_settings": self.document_check_settings,
            "app_logins": self.app_logins,
        }

    def add_validation(self, validation: BiometricValidation, session: LivenessSession) -> None:
        """Store a validation with its liveness session, indexed both ways."""
        self.liveness_sessions[session.id] = session
        self.put_validation(validation)

    def put_person(self, person: Person) -> None:
        """Store a person, findable by collection and identifier."""
        self.persons[person.id] = person
        self.person_ids[(str(person.collection), person.identifier)] = person.id

    def find_person(self, collection: str, identifier: str) -> Person | None:
        """The person enrolled in ``collection`` under ``identifier``, if any."""
        person_id = self.person_ids.get((collection, identifier))
        return self.persons.get(person_id) if person_id else None

    def put_validation(self, validation: BiometricValidation) -> None:
        """Store a new or changed validation, and index it."""
        old = self.validations.get(validation.id)
        self.validations[validation.id] = validation
        self._index_validation(old, validation)

    def _index_validation(self, old: BiometricValidation | None, new: BiometricValidation) -> None:
        key = (new.createdAt, new.id)
        if old is None:
            self.validation_order.add(key, new)
        else:
            self.validation_order.update(key, old, new)
        if isinstance(new.livenessSession, str):
            self.validation_of_session[new.livenessSession] = new.id

    def schedule_expiry(self, deadline: datetime, record_id: str) -> None:
        """Remember that the validation or session ``record_id`` lapses at ``deadline``."""
        heapq.heappush(self.expiries, (deadline, record_id))
        if self._turn is not None:
            self._scheduled.append((deadline, record_id))

    def pop_due_expiries(self, now: datetime) -> list[str]:
        """The ids of records whose deadline is at or before ``now``, oldest first."""
        due = []
        while self.expiries and self.expiries[0][0] <= now:
            entry = heapq.heappop(self.expiries)
            if self._turn is not None:
                self._lapsed.append(entry)
            due.append(entry[1])
        return due

    def load(self, kind: str, record: Any) -> None:
        """Take in a record an engine holds (at a tenant's loading, or another replica's
        write), with the indexes and the expiry schedule it belongs in."""
        if kind == "validations":
            old = self.validations.get(record.id)
            self.validations.load(record)
            self._index_validation(old, record)
            if record.status in _OPEN_VALIDATION and record.expiresAt is not None:
                heapq.heappush(self.expiries, (record.expiresAt, record.id))
            return
        self.tables()[kind].load(record)
        if kind == "persons":
            self.person_ids[(str(record.collection), record.identifier)] = record.id
        elif kind == "liveness_sessions" and record.status is LivenessSessionStatus.ACTIVE:
            heapq.heappush(self.expiries, (record.expiresAt, record.id))

    def begin_turn(self) -> None:
        """Start remembering what is changed, to save it or undo it."""
        self._turn = TurnStart(
            now=self.clock.now(),
            random=self.random.getstate(),
            fault_rule=self.fault_rule,
            scenario_rules=dict(self.scenario_rules),
            wire=self.wire,
            emails=len(self.emails),
            outbox=len(self.outbox),
        )

    def changed_in_turn(self) -> bool:
        """Whether the turn wrote a record or changed a value engines keep."""
        start = self._turn
        if start is None:
            return False
        return (
            any(table.written() for table in self.tables().values())
            or len(self.emails) != start.emails
            or self.clock.now() != start.now
            or self.fault_rule != start.fault_rule
            or self.scenario_rules != start.scenario_rules
            or self.wire != start.wire
            or self.random.getstate() != start.random
        )

    def emails_sent_in_turn(self) -> list[SentEmail]:
        """The emails this turn added."""
        return self.emails[self._turn.emails :] if self._turn else []

    def undo_turn(self) -> None:
        """Put the tenant back as it was when the turn began (a turn that must run again)."""
        start = self._turn
        if start is None:
            return
        for table in self.tables().values():
            for record_id in table.written():
                self._unindex(table, record_id)
            table.undo()
        for entry in self._lapsed:
            heapq.heappush(self.expiries, entry)
        for entry in self._scheduled:
            self.expiries.remove(entry)
        heapq.heapify(self.expiries)
        self.clock = TenantClock(start.now)
        self.random.setstate(start.random)
        self.fault_rule, self.scenario_rules = start.fault_rule, start.scenario_rules
        self.wire = start.wire
        del self.emails[start.emails :], self.outbox[start.outbox :]
        self.end_turn()

    def _unindex(self, table: Table[Any], record_id: str) -> None:
        """Take a record written this turn out of the indexes, back to what it was."""
        current, before = table[record_id], table.before(record_id)
        if table is self.validations:
            key = (current.createdAt, current.id)
            if before is None:
                self.validation_order.remove(key, current)
                self.validation_of_session.pop(str(current.livenessSession), None)
            else:
                self.validation_order.update(key, current, before)
        elif table is self.persons:
            self.person_ids.pop((str(current.collection), current.identifier), None)
            if before is not None:
                self.person_ids[(str(before.collection), before.identifier)] = before.id

    def end_turn(self) -> None:
        """Stop remembering: what the turn changed is saved, or undone."""
        self._turn = None
        self._scheduled.clear()
        self._lapsed.clear()
        for table in self.tables().values():
            table.settle()
