"""The observed wire's answers, made from the pages' ones: the same records and pages in the
envelopes real captures show, and the flat document-liveness record.

The domain answers in the pages' models; this module only re-wraps what it answered, so
both wires always carry the same records, scores and states.
"""

from __future__ import annotations

import hashlib
import math
import string
from typing import Any

from pydantic import BaseModel

from verifik_mock.models import DocumentCheckSettings, DocumentLiveness, Signature
from verifik_mock.models.base import WireModel
from verifik_mock.models.envelopes import RecordPage
from verifik_mock.models.observed import (
    CreatedObservedDocumentLiveness,
    Docs,
    FlatPage,
    NestedPage,
    ObservedDocumentLiveness,
    OperationAnswer,
    RecordAnswer,
)
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import format_signature_time

CHECKS = ("screenReplay", "printedCopy", "portraitSubstitution", "digitalManipulation")
_RAW_SCALE = 2.33
"""Raw score = logit(score) x this: a check scored 0.99 reads 10.71, as captures show."""
_ID_LETTERS = string.ascii_uppercase + string.digits


def observed_answer(answer: BaseModel, shape: type[BaseModel], tenant: TenantState) -> BaseModel:
    """``answer`` (in the pages' envelope) in the observed envelope ``shape``."""
    data = getattr(answer, "data", None)
    if isinstance(answer, RecordPage):
        records = [observed_record(record, tenant) for record in answer.data]
        counts = answer.pagination.model_dump()
        if issubclass(shape, NestedPage):
            docs = Docs[Any].model_construct(docs=records, **counts)
            return shape.model_construct(data=docs)
        assert issubclass(shape, FlatPage), shape
        return shape.model_construct(data=records, **counts)
    assert isinstance(data, WireModel), f"{type(answer).__name__} carries no record"
    if issubclass(shape, RecordAnswer):
        return shape.model_construct(data=observed_record(data, tenant))
    assert issubclass(shape, OperationAnswer), shape
    now = tenant.clock.now()
    return shape.model_construct(
        data=observed_record(data, tenant, created=True),
        signature=Signature(dateTime=format_signature_time(now)),
        id=getattr(answer, "id", None) or request_id(data, now.isoformat()),
    )


def observed_record(record: WireModel, tenant: TenantState, created: bool = False) -> WireModel:
    """``record`` as the observed wire writes it: the same model (its serialisation does the
    rest), but a document-liveness record flat."""
    if isinstance(record, DocumentLiveness):
        settings = tenant.document_check_settings.get(record.id)
        if settings is None:
            settings = DocumentCheckSettings.model_validate(
                {"_id": record.id, "createdAt": record.createdAt}
            )
        return flat_document_liveness(record, settings, created)
    return record


def request_id(data: WireModel, salt: str) -> str:
    """A 5-character request id (``A73ZL``), drawn from the record and the instant, not from
    the tenant's random: the observed wire must not change the ids the domain draws next."""
    digest = hashlib.blake2b(f"{getattr(data, 'id', '')}|{salt}".encode(), digest_size=8)
    number = int.from_bytes(digest.digest())
    return "".join(_ID_LETTERS[(number >> (6 * n)) % len(_ID_LETTERS)] for n in range(5))


def flat_document_liveness(
    record: DocumentLiveness, settings: DocumentCheckSettings, created: bool
) -> ObservedDocumentLiveness:
    """A document-liveness record as captures show it: one score, probability, calibration,
    warnings and errors per check, a check not asked for all zero."""
    results = record.validationResults
    fields: dict[str, Any] = {}
    probabilities = []
    for name in CHECKS:
        result = getattr(results, name) if results is not None else None
        score = result.score if result is not None else None
        probability = 0.0 if score is None else round(1 - score, 4)
        probabilities.append(probability)
        prefix = "sreenReplay" if name == "screenReplay" else name
        fields |= {
            f"validate{name[0].upper()}{name[1:]}": result is not None,
            f"{prefix}Score": 0.0 if score is None else raw_score(score),
            f"{name}Probability": probability,
            f"{prefix}Calibration": getattr(settings, f"{name}Calibration", "REGULAR"),
            f"{name}Warnings": [],
            f"{name}Errors": [],
        }
    model = CreatedObservedDocumentLiveness if created else ObservedDocumentLiveness
    extra = {"chargesCount": sum(bool(fields[f"validate{n[0].upper()}{n[1:]}"]) for n in CHECKS)}
    return model.model_validate(
        {
            "_id": record.id,
            "client": record.client,
            "imageSaved": record.imageSaved,
            "imageUrl": record.imageUrl or "",
            **fields,
            "ignoreDocumentCroppedValidation": settings.ignoreDocumentCroppedValidation,
            "ignoreColourLessValidation": settings.ignoreColourLessValidation,
            "aggregatedScore": max(probabilities),
            "createdAt": record.createdAt,
            "updatedAt": record.updatedAt,
            **(extra if created else {}),
        }
    )


def raw_score(score: float) -> float:
    """A 0-1 score as the unbounded raw output captures show (10.72, -0.12)."""
    bounded = min(max(score, 0.001), 0.999)
    return round(math.log(bounded / (1 - bounded)) * _RAW_SCALE, 2)
