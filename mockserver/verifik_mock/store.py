"""Where each tenant's records live, and the registry that makes a tenant on first use."""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any, TypeVar

from verifik_mock.clock import MockClock
from verifik_mock.compact_records import CompactRecords
from verifik_mock.creation_order import CreationOrder
from verifik_mock.domain.scenarios import FaultRule, ScenarioRule
from verifik_mock.domain.webhook_event import WebhookEvent
from verifik_mock.ids import ObjectIdFactory
from verifik_mock.models import (
    AppLogin,
    AppRegistration,
    BiometricValidation,
    Client,
    Collection,
    DocumentLiveness,
    LivenessSession,
    Person,
    Project,
    ProjectFlow,
)
from verifik_mock.models.control import SentEmail
from verifik_mock.persistence import StateFile
from verifik_mock.timestamps import to_millisecond

Stored = TypeVar("Stored", BiometricValidation, LivenessSession)

VALIDATION_INDEX = ("client", "project", "projectFlow", "status", "type", "identifier")
"""The validation fields ``where_*`` filters are answered from the index by (all but
``livenessSession``, which ``validation_of_session`` answers)."""

LAYOUT = 2
"""How a tenant is laid out, for state files: 2 keeps validations and sessions compact and
indexes validations by their filtered fields."""


@dataclass
class TenantState:
    """Everything one client owns, plus the clock and id source its writes use."""

    client: Client
    clock: MockClock
    ids: ObjectIdFactory
    random: Random
    projects: dict[str, Project] = field(default_factory=dict)
    project_flows: dict[str, ProjectFlow] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    """Read freely; write through ``put_person``, which keeps ``person_ids``."""
    person_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    """Each person's id by (collection, identifier): the 1:N search's lookup."""
    app_registrations: dict[str, AppRegistration] = field(default_factory=dict)
    validations: CompactRecords[BiometricValidation] = field(
        default_factory=lambda: CompactRecords(BiometricValidation)
    )
    """Read freely; write through ``put_validation``, which keeps ``validation_order``."""
    validation_order: CreationOrder = field(default_factory=lambda: CreationOrder(VALIDATION_INDEX))
    """The validations by creation, overall and by filtered field: listings slice it."""
    liveness_sessions: CompactRecords[LivenessSession] = field(
        default_factory=lambda: CompactRecords(LivenessSession)
    )
    document_liveness: dict[str, DocumentLiveness] = field(default_factory=dict)
    app_logins: dict[str, AppLogin] = field(default_factory=dict)
    emails: list[SentEmail] = field(default_factory=list)
    """The emails of ``sendViaEmail`` validations, oldest first."""
    scenario_rules: dict[str, ScenarioRule] = field(default_factory=dict)
    """Control-API rules by identifier."""
    fault_rule: FaultRule | None = None
    """A control-API fault for the tenant's next API calls."""
    outbox: list[WebhookEvent] = field(default_factory=list)
    """Webhook events recorded but not yet handed to the dispatcher."""
    validation_of_session: dict[str, str] = field(default_factory=dict)
    """Which validation each liveness session belongs to (session id -> validation id)."""
    expiries: list[tuple[datetime, str]] = field(default_factory=list)
    """A min-heap of (instant, validation or session id) still due to lapse: cheap sweeps."""
    layout: int = LAYOUT
    """How this tenant is laid out (``LAYOUT`` when it was made or last unpickled)."""

    def add_validation(self, validation: BiometricValidation, session: LivenessSession) -> None:
        """Store a validation with its liveness session, indexed both ways."""
        self.liveness_sessions[session.id] = session
        self.put_validation(validation)
        self.validation_of_session[session.id] = validation.id

    def __setstate__(self, stored: dict[str, Any]) -> None:
        """Unpickle (from a state file); a file written in an earlier layout (records in
        plain dicts, fewer indexes) is laid out anew, so it is served, not failed."""
        self.__dict__.update(stored)
        if stored.get("layout", 1) < LAYOUT:
            self.layout = LAYOUT
            validations, sessions = stored["validations"], stored["liveness_sessions"]
            self.validations = CompactRecords(BiometricValidation)
            self.validation_order = CreationOrder(VALIDATION_INDEX)
            self.clock = MockClock(self.clock.now())  # instants to the millisecond now
            self.expiries = [(to_millisecond(due), record) for due, record in self.expiries]
            heapq.heapify(self.expiries)
            for validation in validations.values():
                self.put_validation(_to_millisecond(validation))
            self.liveness_sessions = CompactRecords(LivenessSession)
            for session in sessions.values():
                self.liveness_sessions[session.id] = _to_millisecond(session)
            self.person_ids = {}
            for person in self.persons.values():
                self.put_person(person)

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
        key = (validation.createdAt, validation.id)
        old = self.validations.get(validation.id)
        self.validations[validation.id] = validation
        if old is None:
            self.validation_order.add(key, validation)
        else:
            self.validation_order.update(key, old, validation)

    def read_fingerprint(self) -> tuple[object, ...]:
        """What a read (a GET) can change, cheap to compare: the validations and sessions
        a sweep lapses, and the control-API fault a call spends. A read changes nothing
        else; tests/test_shared_reads.py holds every GET operation to that."""
        return (self.validations.revision, self.liveness_sessions.revision, self.fault_rule)

    def schedule_expiry(self, deadline: datetime, record_id: str) -> None:
        """Remember that the validation or session ``record_id`` lapses at ``deadline``."""
        heapq.heappush(self.expiries, (deadline, record_id))

    def pop_due_expiries(self, now: datetime) -> list[str]:
        """The ids of records whose deadline is at or before ``now``, oldest first."""
        due = []
        while self.expiries and self.expiries[0][0] <= now:
            due.append(heapq.heappop(self.expiries)[1])
        return due


READING: ContextVar[bool] = ContextVar("reading", default=False)
"""Set for a request served as a read (GET, HEAD): with a state file, it writes nothing
unless it changed its tenant (see ``TenantRegistry.persist``)."""


def _to_millisecond(record: Stored) -> Stored:
    """``record`` validated again, so instants an earlier version kept finer than a
    millisecond are cut to it (as records are kept now: exact through their JSON)."""
    return type(record).model_validate(record.model_dump())


class ReadChangedStateError(Exception):
    """A read, served beside other workers' reads, changed its tenant: it is forgotten
    here, and the request must run again as a write. Not a MockError: it never reaches a
    client (``SharedStateLock`` catches it before anything is sent)."""


class TenantRegistry:
    """All tenants of one running mock, each made from a seed on its first request, at most
    ``max_tenants`` of them in memory: past that the least recently used is evicted (with a
    state file it is read back on its next request; in memory it is seeded afresh)."""

    def __init__(
        self,
        build_tenant: Callable[[str, int], TenantState],
        seed: int,
        state_file: StateFile | None = None,
        shared: bool = False,
        max_tenants: int = 1000,
        on_evict: Callable[[str], None] = lambda client_id: None,
    ) -> None:
        self._build_tenant = build_tenant
        self._seed = seed
        self._max_tenants = max_tenants
        self._on_evict = on_evict
        self._tenants: OrderedDict[str, TenantState] = OrderedDict()
        self._state_file = state_file
        self._shared = shared
        """Other processes serve from the same state file (``serve --workers N``)."""
        self._seeds: dict[str, int] = state_file.seeds() if state_file else {}
        self._as_kept: dict[str, tuple[object, ...]] = {}
        """Each tenant's read fingerprint when it was seeded, loaded or last saved here."""

    def get(self, client_id: str) -> TenantState:
        """The tenant of ``client_id``: in memory, else in the state file, else seeded anew."""
        tenant = self.peek(client_id)
        if tenant is None:
            seed = self._seeds.get(client_id, self._seed)
            tenant = self._build_tenant(client_id, seed)
            self._keep(client_id, tenant)
        return tenant

    def _keep(self, client_id: str, tenant: TenantState) -> None:
        """Hold ``tenant`` in memory, evicting the least recently used beyond the limit."""
        self._tenants[client_id] = tenant
        self._as_kept[client_id] = tenant.read_fingerprint()
        while len(self._tenants) > self._max_tenants:
            evicted, _ = self._tenants.popitem(last=False)
            self._as_kept.pop(evicted, None)
            if self._state_file is None:
                self._seeds.pop(evicted, None)
            self._on_evict(evicted)

    def persist(self, client_id: str) -> None:
        """Write the tenant to the state file, if there is one and the tenant is loaded.

        A read (``READING``) writes nothing if its tenant is as it was loaded, saved or
        seeded here (a tenant seeded from an unchanged seed is the same in every process).
        """
        tenant = self._tenants.get(client_id)
        if self._state_file is None or tenant is None:
            return
        if READING.get() and not self._changed_since_kept(client_id, tenant):
            return
        self._state_file.save(client_id, tenant)
        self._as_kept[client_id] = tenant.read_fingerprint()

    def stop_changed_read(self, client_id: str) -> None:
        """Beside other workers' reads, a read may not write: if it changed its tenant, the
        tenant is forgotten here and ReadChangedStateError raised, to be called before
        anything of the request (a wait, webhooks, the answer) goes out."""
        tenant = self._tenants.get(client_id)
        if not (self._shared and READING.get() and tenant is not None):
            return
        if self._changed_since_kept(client_id, tenant):
            del self._tenants[client_id]
            raise ReadChangedStateError(client_id)

    def _changed_since_kept(self, client_id: str, tenant: TenantState) -> bool:
        """Whether a read changed ``tenant`` since it was seeded, loaded or saved here."""
        return tenant.read_fingerprint() != self._as_kept.get(client_id)

    def refresh(self) -> None:
        """Take in what other processes sharing the state file changed since this one last
        looked: their tenants are loaded again on next use, their resets are seen."""
        if self._state_file is None:
            return
        seeds = self._state_file.seeds()
        reseeded = [c for c in self._tenants if seeds.get(c) != self._seeds.get(c)]
        for client_id in {*self._state_file.changed_elsewhere(list(self._tenants)), *reseeded}:
            del self._tenants[client_id]
        self._seeds = seeds

    def peek(self, client_id: str) -> TenantState | None:
        """The tenant of ``client_id`` if it exists (in memory or the state file), without
        seeding a new one."""
        tenant = self._tenants.get(client_id)
        if tenant is not None:
            self._tenants.move_to_end(client_id)
        elif self._state_file is not None:
            tenant = self._state_file.load(client_id)
            if tenant is not None:
                self._keep(client_id, tenant)
        return tenant

    def reset(self, client_id: str | None = None, seed: int | None = None) -> None:
        """Forget one tenant (it is seeded afresh, from ``seed`` if given, on its next
        request), or all of them."""
        if self._state_file is not None:
            self._state_file.forget(client_id, seed)
        if client_id is None:
            self._tenants.clear()
            self._seeds.clear()
            return
        self._tenants.pop(client_id, None)
        if seed is None:
            self._seeds.pop(client_id, None)
        else:
            self._seeds[client_id] = seed

    def client_ids(self) -> list[str]:
        """The ids of the tenants in memory, the least recently used first."""
        return list(self._tenants)
