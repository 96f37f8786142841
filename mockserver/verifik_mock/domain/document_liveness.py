"""Document-liveness checks: score the requested anti-spoofing checks, store, list, retrieve."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

from verifik_mock.domain.images import DecodedImage, decode_image, score_hints
from verifik_mock.domain.listing import Page, paginate, sort_records
from verifik_mock.domain.scoring import stable_score
from verifik_mock.errors import DocumentLivenessNotFoundError, MissingParameterError
from verifik_mock.models import (
    CheckResult,
    DocumentCheckSettings,
    DocumentLiveness,
    ValidationResults,
)
from verifik_mock.models.enums import Calibration, DocumentLivenessStatus
from verifik_mock.models.queries import ListDocumentLivenessQuery
from verifik_mock.models.requests import CreateDocumentLivenessRequest
from verifik_mock.settings import Settings
from verifik_mock.state.tenant import TenantState

CALIBRATION_THRESHOLDS = {Calibration.SOFT: 0.35, Calibration.REGULAR: 0.5, Calibration.HARD: 0.65}
"""The score a check must reach to pass, by calibration (Verifik publishes none; see contract)."""

_CHECK_SETTINGS = set(DocumentCheckSettings.model_fields) - {"id", "createdAt"}
NO_CHECK_SELECTED = (
    "At least one validation must be selected. Please enable one of: validateScreenReplay, "
    "validatePrintedCopy, validatePortraitSubstitution, or validateDigitalManipulation"
)


@dataclass(frozen=True)
class Verdict:
    """What a set of check scores adds up to."""

    results: ValidationResults
    status: DocumentLivenessStatus
    riskScore: float
    confidence: float


def saved_image_url(saved_at: datetime) -> str:
    """Where Verifik's CDN keeps a saved document image (the real API's URL pattern)."""
    epoch_ms = int(saved_at.timestamp() * 1000)
    return f"https://cdn.verifik.co/document-liveness/document-liveness-{epoch_ms}"


def judge_checks(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> Verdict:
    """Pass each check whose score reaches its threshold; the record fails if any check does."""
    results = {
        name: CheckResult(passed=score >= thresholds[name], score=score)
        for name, score in scores.items()
    }
    all_passed = all(result.passed for result in results.values())
    return Verdict(
        results=ValidationResults(**results),
        status=DocumentLivenessStatus.COMPLETED if all_passed else DocumentLivenessStatus.FAILED,
        riskScore=round(1 - min(scores.values()), 2),
        confidence=round(fmean(scores.values()), 2),
    )


def requested_thresholds(body: CreateDocumentLivenessRequest) -> dict[str, float]:
    """The checks ``body`` enables, each with the threshold of its calibration."""
    requested = {
        "screenReplay": (body.validateScreenReplay, body.screenReplayCalibration),
        "printedCopy": (body.validatePrintedCopy, body.printedCopyCalibration),
        "portraitSubstitution": (
            body.validatePortraitSubstitution,
            body.portraitSubstitutionCalibration,
        ),
        "digitalManipulation": (body.validateDigitalManipulation, Calibration.REGULAR),
    }
    return {
        name: CALIBRATION_THRESHOLDS[calibration]
        for name, (enabled, calibration) in requested.items()
        if enabled
    }


def check_scores(
    image: DecodedImage,
    checks: Iterable[str],
    request_score: float | None,
    server_score: float | None,
) -> dict[str, float]:
    """Each check's score: the request's header, else the image's hint for that check, else
    the server's ``--document-score``, else the image's bytes."""
    hints = score_hints(image)
    scores = {}
    for name in checks:
        layers = (request_score, hints.get(name), server_score)
        forced = next((score for score in layers if score is not None), None)
        scores[name] = stable_score(image.data, name) if forced is None else forced
    return scores


def create_document_liveness(
    state: TenantState,
    body: CreateDocumentLivenessRequest,
    settings: Settings,
    request_score: float | None = None,
) -> DocumentLiveness:
    """Run the enabled checks on the document image and store the record."""
    thresholds = requested_thresholds(body)
    if not thresholds:
        raise MissingParameterError(NO_CHECK_SELECTED)
    image = decode_image(body.image, settings.max_image_bytes)
    scores = check_scores(image, thresholds, request_score, settings.document_score)
    verdict = judge_checks(scores, thresholds)
    now = state.clock.tick()
    record = DocumentLiveness(
        id=state.ids.new(now),
        client=state.client.id,
        imageSaved=body.saveImage,
        imageUrl=saved_image_url(now) if body.saveImage else None,
        status=verdict.status,
        validationResults=verdict.results,
        riskScore=verdict.riskScore,
        confidence=verdict.confidence,
        createdAt=now,
        updatedAt=now,
        completedAt=now,
    )
    state.document_liveness[record.id] = record
    state.document_check_settings[record.id] = DocumentCheckSettings.model_validate(
        {"_id": record.id, "createdAt": now, **body.model_dump(include=_CHECK_SETTINGS)}
    )
    return record


def populate_document_liveness(
    state: TenantState, record: DocumentLiveness, populates: Sequence[str]
) -> DocumentLiveness:
    """``record`` with the relations named in ``populates`` replaced by their objects."""
    update: dict[str, object] = {}
    if "client" in populates:
        update["client"] = state.client
    registration = state.app_registrations.get(str(record.appRegistration))
    if "appRegistration" in populates and registration is not None:
        update["appRegistration"] = registration.summary()
    return record.model_copy(update=update) if update else record


def list_document_liveness(
    state: TenantState, query: ListDocumentLivenessQuery
) -> Page[DocumentLiveness]:
    """The tenant's records with ``query.status``, newest first, one page, populated."""
    matching = [
        record
        for record in state.document_liveness.values()
        if query.status is None or record.status is query.status
    ]
    page = paginate(sort_records(matching, "-createdAt"), query.page, query.limit)
    page.records[:] = [populate_document_liveness(state, r, query.populates) for r in page.records]
    return page


def retrieve_document_liveness(
    state: TenantState, record_id: str, populates: Sequence[str]
) -> DocumentLiveness:
    """One of the tenant's records, populated; 404 if it has none with that id."""
    record = state.document_liveness.get(record_id)
    if record is None:
        raise DocumentLivenessNotFoundError()
    return populate_document_liveness(state, record, populates)
