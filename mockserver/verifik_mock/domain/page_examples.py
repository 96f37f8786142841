"""The records Verifik's own pages show, under the pages' ids, for the tenants that ask.

Verifik's ids are 24-hex ObjectIds and it refuses the pages' placeholders, so a tenant holds
none of these unless asked (``serve --page-examples`` for every tenant, or the control call
``POST /__mock__/fixtures/page-examples`` for one). With them, each page's request example
works unchanged against the mock: creating with ``project_123456789`` and ``flow_123456789``
succeeds, and retrieving ``biometric_validation_123456789`` answers the page's record.
"""

from __future__ import annotations

from datetime import datetime

from verifik_mock.models import (
    AppRegistration,
    BiometricData,
    BiometricValidation,
    CheckResult,
    DocumentLiveness,
    LivenessSession,
    Project,
    ProjectFlow,
    ValidationResults,
    VerificationResults,
)
from verifik_mock.models.control import PageExamplesLoaded
from verifik_mock.models.enums import (
    AppRegistrationStatus,
    BiometricValidationStatus,
    BiometricValidationType,
    CheckOutcome,
    DocumentLivenessStatus,
    Language,
    LivenessSessionStatus,
    ProjectFlowType,
)
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import parse_timestamp

PROJECT_ID = "project_123456789"
PROJECT_FLOW_ID = "flow_123456789"
VALIDATION_ID = "biometric_validation_123456789"
LIVENESS_SESSION_ID = "liveness_123456789"
DOCUMENT_LIVENESS_ID = "document_liveness_123456789"
APP_REGISTRATION_ID = "app_registration_123456789"

PAGE_EXAMPLE_IDS = PageExamplesLoaded(
    project=PROJECT_ID,
    projectFlow=PROJECT_FLOW_ID,
    biometricValidation=VALIDATION_ID,
    livenessSession=LIVENESS_SESSION_ID,
    appRegistration=APP_REGISTRATION_ID,
    documentLiveness=DOCUMENT_LIVENESS_ID,
)
"""What ``POST /__mock__/fixtures/page-examples`` answers: the ids it makes answer."""

_CREATED = parse_timestamp("2024-01-15T10:30:00Z")
_FINISHED = parse_timestamp("2024-01-15T10:32:00Z")


def add_page_examples(state: TenantState) -> None:
    """Store the pages' example project, flow, validation, app registration and
    document-liveness record, unless the tenant holds them already (so asking twice changes
    nothing). The flow searches the tenant's first collection."""
    if PROJECT_ID in state.projects:
        return
    client = state.client.id
    state.projects[PROJECT_ID] = Project(
        id=PROJECT_ID,
        client=client,
        name="Example Project",
        description="Example project description",
        **_stamps(_CREATED),
    )
    state.project_flows[PROJECT_FLOW_ID] = ProjectFlow(
        id=PROJECT_FLOW_ID,
        client=client,
        project=PROJECT_ID,
        name="Example Flow",
        type=ProjectFlowType.ONBOARDING,
        assignedCollection=next(iter(state.collections), None),
        **_stamps(_CREATED),
    )
    session = LivenessSession(
        id=LIVENESS_SESSION_ID,
        identifier="user@example.com",
        client=client,
        project=PROJECT_ID,
        projectFlow=PROJECT_FLOW_ID,
        status=LivenessSessionStatus.COMPLETED,
        expiresAt=parse_timestamp("2024-01-15T10:40:00Z"),
        **_stamps(_CREATED, _FINISHED),
    )
    state.add_validation(_example_validation(client), session)
    state.app_registrations[APP_REGISTRATION_ID] = AppRegistration(
        id=APP_REGISTRATION_ID,
        client=client,
        project=PROJECT_ID,
        projectFlow=PROJECT_FLOW_ID,
        fullName="John Doe",
        email="user@example.com",
        status=AppRegistrationStatus.COMPLETED,
        **_stamps(_CREATED),
    )
    state.document_liveness[DOCUMENT_LIVENESS_ID] = _example_document_liveness(client)


def _stamps(created: datetime, updated: datetime | None = None) -> dict[str, datetime]:
    return {"createdAt": created, "updatedAt": updated or created}


def _example_validation(client: str) -> BiometricValidation:
    return BiometricValidation(
        id=VALIDATION_ID,
        client=client,
        project=PROJECT_ID,
        projectFlow=PROJECT_FLOW_ID,
        livenessSession=LIVENESS_SESSION_ID,
        appRegistration="reg_123456789",
        status=BiometricValidationStatus.COMPLETED,
        identifier="user@example.com",
        type=BiometricValidationType.VALIDATION,
        expiresAt=parse_timestamp("2024-01-15T11:30:00Z"),
        redirectUrl="https://example.com/success",
        webhookUrl="https://example.com/webhook",
        requires2FA=False,
        ipAddress="192.168.1.1",
        sendViaEmail=True,
        email="user@example.com",
        language=Language.EN,
        biometricData=BiometricData(
            faceImage="base64_encoded_image",
            template="biometric_template_data",
            quality="good",
            livenessScore=0.95,
        ),
        verificationResults=VerificationResults(
            livenessDetection=CheckOutcome.PASSED,
            identityMatch=CheckOutcome.PASSED,
            qualityScore=0.95,
            antiSpoofing=CheckOutcome.PASSED,
        ),
        riskScore=0.05,
        completedAt=_FINISHED,
        **_stamps(_CREATED, _FINISHED),
    )


def _example_document_liveness(client: str) -> DocumentLiveness:
    return DocumentLiveness(
        id=DOCUMENT_LIVENESS_ID,
        client=client,
        appRegistration=APP_REGISTRATION_ID,
        imageSaved=True,
        imageUrl="https://cdn.verifik.co/images/document_123456789.jpg",
        status=DocumentLivenessStatus.COMPLETED,
        validationResults=ValidationResults(
            screenReplay=CheckResult(passed=True, score=0.95),
            printedCopy=CheckResult(passed=True, score=0.90),
            portraitSubstitution=CheckResult(passed=True, score=0.88),
            digitalManipulation=CheckResult(passed=True, score=0.92),
        ),
        riskScore=0.05,
        confidence=0.91,
        completedAt=_FINISHED,
        **_stamps(_CREATED, _FINISHED),
    )
