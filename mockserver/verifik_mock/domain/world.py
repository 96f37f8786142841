"""A new tenant's seeded world: a plausible client with projects, flows, people and history.

A world depends only on the seed and the settings, never on the client, other tenants or the
order of requests: it is drawn once per seed (a template, from a random and a Faker seeded
from it) and each new tenant gets a copy under its own client id, which costs far less than
the drawing (Faker's names and emails above all).
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import datetime, timedelta
from functools import cache, lru_cache
from random import Random

from faker import Faker

from verifik_mock.clock import TenantClock
from verifik_mock.domain.document_liveness import (
    CALIBRATION_THRESHOLDS,
    judge_checks,
    saved_image_url,
)
from verifik_mock.domain.page_examples import add_page_examples
from verifik_mock.models import (
    AppRegistration,
    BiometricData,
    BiometricValidation,
    Client,
    Collection,
    DocumentLiveness,
    LivenessSession,
    Person,
    Project,
    ProjectFlow,
    VerificationResults,
)
from verifik_mock.models.enums import (
    AppRegistrationStatus,
    BiometricValidationStatus,
    BiometricValidationType,
    Calibration,
    CheckOutcome,
    DocumentLivenessStatus,
    LivenessSessionStatus,
    ProjectFlowType,
)
from verifik_mock.settings import Settings
from verifik_mock.state.tenant import TenantState

HISTORY = timedelta(days=30)
"""How far back before the clock's start the seeded records reach."""

TEMPLATES_KEPT = 4
"""How many seeds' worlds (with their settings) are kept to copy new tenants from."""

LARGEST_TEMPLATED_WORLD = 1000
"""Worlds seeding more validations than this are drawn for each tenant, not copied from a
kept template: a second copy of 100,000 validations would double the server's memory, and
such worlds serve one load-test tenant, seeded once."""

_TEMPLATE_CLIENT = "template"
_templates_lock = threading.Lock()

_SESSION_STATUS = {
    BiometricValidationStatus.NEW: LivenessSessionStatus.ACTIVE,
    BiometricValidationStatus.PENDING: LivenessSessionStatus.ACTIVE,
    BiometricValidationStatus.COMPLETED: LivenessSessionStatus.COMPLETED,
    BiometricValidationStatus.FAILED: LivenessSessionStatus.COMPLETED,
    BiometricValidationStatus.EXPIRED: LivenessSessionStatus.EXPIRED,
}


@cache
def _faker() -> Faker:
    # One instance, re-seeded per tenant: building a Faker costs far more than seeding it.
    return Faker("es_CO")


def person_name(identifier: str) -> str:
    """A plausible name for someone enrolled under ``identifier``, the same every time."""
    fake = _faker()
    fake.seed_instance(int.from_bytes(hashlib.sha256(identifier.encode()).digest()[:8], "big"))
    return str(fake.name())


class WorldBuilder:
    """Draws one world's records; each ``seed_*`` method adds one kind of record."""

    def __init__(self, settings: Settings, client_id: str, server_seed: int) -> None:
        self.settings = settings
        self.random = Random(server_seed)
        self.fake = _faker()
        self.fake.seed_instance(server_seed)
        self.fake.unique.clear()
        self.start = settings.clock_start
        self.state = TenantState(
            client=Client(id=client_id, name=self.fake.company(), email=self.fake.company_email()),
            clock=TenantClock(settings.clock_start),
            random=self.random,
        )

    def past(self, within: timedelta = HISTORY) -> datetime:
        """A whole-second instant up to ``within`` before the clock's start."""
        return self.start - timedelta(seconds=self.random.randrange(1, int(within.total_seconds())))

    def build(self) -> TenantState:
        """The finished world."""
        project = self.seed_project()
        collection = self.seed_collection()
        flows = [self.seed_flow(project, collection, flow_type) for flow_type in ProjectFlowType]
        self.seed_persons(collection)
        self.seed_app_registrations(project, flows[-1])
        for status in BiometricValidationStatus:
            for _ in range(self.settings.records_per_status):
                self.seed_validation(self.random.choice(flows), status)
        statuses = list(BiometricValidationStatus)
        for _ in range(self.settings.seed_validations):
            self.seed_validation(self.random.choice(flows), self.random.choice(statuses))
        for doc_status in DocumentLivenessStatus:
            for _ in range(self.settings.records_per_status):
                self.seed_document_liveness(doc_status)
        if self.settings.page_examples:
            add_page_examples(self.state)
        return self.state

    def seed_project(self) -> Project:
        """The client's project."""
        created = self.start - HISTORY
        project = Project(
            id=self.state.ids.new(created),
            client=self.state.client.id,
            name=f"{self.fake.company()} App",
            description=self.fake.catch_phrase(),
            createdAt=created,
            updatedAt=created,
        )
        self.state.projects[project.id] = project
        return project

    def seed_collection(self) -> Collection:
        """The collection every seeded flow searches."""
        created = self.start - HISTORY
        collection = Collection(
            id=self.state.ids.new(created),
            client=self.state.client.id,
            code=str(uuid.UUID(int=self.random.getrandbits(128), version=4)),
            name="Usuarios",
            description="Rostros enrolados de los usuarios",
            createdAt=created,
            updatedAt=created,
        )
        self.state.collections[collection.id] = collection
        return collection

    def seed_flow(
        self, project: Project, collection: Collection, flow_type: ProjectFlowType
    ) -> ProjectFlow:
        """An active flow of ``flow_type`` with Verifik's default thresholds."""
        created = project.createdAt + timedelta(minutes=len(self.state.project_flows) + 1)
        flow = ProjectFlow(
            id=self.state.ids.new(created),
            client=self.state.client.id,
            project=project.id,
            name=f"{flow_type.value.capitalize()} flow",
            type=flow_type,
            assignedCollection=collection.id,
            createdAt=created,
            updatedAt=created,
        )
        self.state.project_flows[flow.id] = flow
        return flow

    def seed_persons(self, collection: Collection) -> None:
        """People already enrolled in the collection, each under their email."""
        for _ in range(self.settings.persons_per_collection):
            created = self.past()
            person = Person(
                id=self.state.ids.new(created),
                client=self.state.client.id,
                collection=collection.id,
                identifier=self.fake.unique.email(),
                name=self.fake.name(),
                createdAt=created,
                updatedAt=created,
            )
            self.state.put_person(person)

    def seed_app_registrations(self, project: Project, onboarding: ProjectFlow) -> None:
        """One onboarding registration in each status."""
        for status in AppRegistrationStatus:
            created = self.past()
            registration = AppRegistration(
                id=self.state.ids.new(created),
                client=self.state.client.id,
                project=project.id,
                projectFlow=onboarding.id,
                fullName=self.fake.name(),
                email=self.fake.unique.email(),
                status=status,
                createdAt=created,
                updatedAt=created,
            )
            self.state.app_registrations[registration.id] = registration

    def seed_validation(self, flow: ProjectFlow, status: BiometricValidationStatus) -> None:
        """A validation (and its session) that has reached ``status``."""
        open_ = status in (BiometricValidationStatus.NEW, BiometricValidationStatus.PENDING)
        created = self.past(timedelta(minutes=5) if open_ else HISTORY)
        expires = created + (timedelta(days=1) if open_ else timedelta(hours=1))
        session = LivenessSession(
            id=self.state.ids.new(created),
            identifier=self.identifier(
                enrolled=status is BiometricValidationStatus.COMPLETED
                or flow.type is ProjectFlowType.LOGIN
            ),
            client=self.state.client.id,
            project=flow.project,
            projectFlow=flow.id,
            status=_SESSION_STATUS[status],
            expiresAt=created + self.settings.session_ttl,
            createdAt=created,
            updatedAt=created,
        )
        validation = BiometricValidation(
            id=self.state.ids.new(created),
            client=self.state.client.id,
            project=flow.project,
            projectFlow=flow.id,
            livenessSession=session.id,
            status=status,
            identifier=session.identifier,
            type=self.validation_type(flow),
            expiresAt=expires,
            ipAddress=self.fake.ipv4_public(),
            createdAt=created,
            **({"updatedAt": created} | self.outcome(flow, status, created)),
        )
        self.state.add_validation(validation, session)
        if open_:
            self.state.schedule_expiry(session.expiresAt, session.id)
            self.state.schedule_expiry(expires, validation.id)

    def identifier(self, enrolled: bool) -> str:
        """An enrolled person's identifier, or for some open or failed ones, a newcomer's."""
        persons = list(self.state.persons.values())
        if persons and (enrolled or self.random.random() < 0.7):
            return self.random.choice(persons).identifier
        return str(self.fake.unique.email())

    def validation_type(self, flow: ProjectFlow) -> BiometricValidationType:
        """The validation type a flow of this type is used with."""
        if flow.type is ProjectFlowType.VALIDATION and self.random.random() < 0.3:
            return BiometricValidationType.ONE_TIME_LINK
        return BiometricValidationType(flow.type.value)

    def outcome(
        self, flow: ProjectFlow, status: BiometricValidationStatus, created: datetime
    ) -> dict[str, object]:
        """The result fields of a finished validation; none for an open or expired one."""
        if status not in (BiometricValidationStatus.COMPLETED, BiometricValidationStatus.FAILED):
            return {}
        passed = status is BiometricValidationStatus.COMPLETED
        low, high = (flow.livenessMinScore, 0.99) if passed else (0.1, flow.livenessMinScore - 0.01)
        liveness = round(self.random.uniform(low, high), 2)
        finished = created + timedelta(seconds=self.random.randrange(20, 300))
        outcome = CheckOutcome.PASSED if passed else CheckOutcome.FAILED
        return {
            "biometricData": BiometricData(
                template=self.fake.sha256(),
                quality="good" if passed else "poor",
                livenessScore=liveness,
            ),
            "verificationResults": VerificationResults(
                livenessDetection=outcome,
                identityMatch=outcome,
                qualityScore=round(self.random.uniform(0.6, 0.99), 2),
                antiSpoofing=outcome,
            ),
            "riskScore": round(1 - liveness, 2),
            "updatedAt": finished,
            "completedAt": finished if passed else None,
        }

    def seed_document_liveness(self, status: DocumentLivenessStatus) -> None:
        """A document-liveness record that has reached ``status``."""
        created = self.past()
        saved = self.random.random() < 0.5
        registrations = list(self.state.app_registrations)
        record = DocumentLiveness(
            id=self.state.ids.new(created),
            client=self.state.client.id,
            appRegistration=self.random.choice(registrations) if registrations else None,
            imageSaved=saved,
            imageUrl=saved_image_url(created) if saved else None,
            status=status,
            createdAt=created,
            **({"updatedAt": created} | self.document_outcome(status, created)),
        )
        self.state.document_liveness[record.id] = record

    def document_outcome(
        self, status: DocumentLivenessStatus, created: datetime
    ) -> dict[str, object]:
        """The check results of a finished record: all pass, or one fails."""
        if status not in (DocumentLivenessStatus.COMPLETED, DocumentLivenessStatus.FAILED):
            return {}
        names = ["screenReplay", "printedCopy", "portraitSubstitution", "digitalManipulation"]
        scores = {name: round(self.random.uniform(0.7, 0.99), 2) for name in names}
        if status is DocumentLivenessStatus.FAILED:
            scores[self.random.choice(names)] = round(self.random.uniform(0.05, 0.45), 2)
        threshold = CALIBRATION_THRESHOLDS[Calibration.REGULAR]
        verdict = judge_checks(scores, dict.fromkeys(names, threshold))
        finished = created + timedelta(seconds=self.random.randrange(2, 30))
        return {
            "validationResults": verdict.results,
            "riskScore": verdict.riskScore,
            "confidence": verdict.confidence,
            "updatedAt": finished,
            "completedAt": finished,
        }


def build_tenant(settings: Settings, client_id: str, seed: int) -> TenantState:
    """A new tenant for ``client_id`` with the world ``seed`` gives it."""
    # One lock for every server in this process: drawing a world re-seeds the one Faker,
    # and reading a template's compact tables reorders their parsed records.
    with _templates_lock:
        if settings.seed_validations > LARGEST_TEMPLATED_WORLD:
            return WorldBuilder(settings, client_id, seed).build()
        return _copy(_template(settings, seed), client_id)


@lru_cache(maxsize=TEMPLATES_KEPT)
def _template(settings: Settings, seed: int) -> TenantState:
    """The world of ``seed`` under ``settings``, to be copied, never used as a tenant."""
    return WorldBuilder(settings, _TEMPLATE_CLIENT, seed).build()


def _copy(template: TenantState, client_id: str) -> TenantState:
    """A freshly built ``template`` owned by ``client_id``, sharing nothing it may change:
    its own tables, indexes, clock and random (records are never changed in place)."""
    tenant = TenantState(
        client=template.client.model_copy(update={"id": client_id}),
        clock=TenantClock(template.clock.now()),
        random=Random(),
    )
    tenant.random.setstate(template.random.getstate())
    for kind, table in template.tables().items():
        for record in table.values():
            tenant.load(kind, record.model_copy(update={"client": client_id}))
    return tenant
