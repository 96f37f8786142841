"""The envelopes Verifik wraps data in: one record, a page of records, an error."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import Field

from verifik_mock.models.accounts import Project, ProjectFlow
from verifik_mock.models.base import WireModel
from verifik_mock.models.biometric_validation import (
    BiometricValidation,
    CreatedBiometricValidation,
    ValidationResult,
)
from verifik_mock.models.document_liveness import DocumentLiveness

Record = TypeVar("Record", bound=WireModel)


class Signature(WireModel):
    """Verifik's certification stamp on list responses."""

    dateTime: str = Field(examples=["January 15, 2024 10:30 AM"])
    message: Literal["Certified by Verifik.co"] = "Certified by Verifik.co"


class Pagination(WireModel):
    """Where a page sits in the whole result."""

    page: int = Field(ge=1)
    limit: int = Field(ge=1, le=100)
    total: int = Field(ge=0)
    pages: int = Field(ge=0)


class SingleRecord(WireModel, Generic[Record]):
    """One record: ``{"success": true, "data": {...}}``."""

    success: Literal[True] = True
    data: Record


class RecordPage(WireModel, Generic[Record]):
    """A page of records, with where it sits and Verifik's signature."""

    success: Literal[True] = True
    data: list[Record]
    pagination: Pagination
    signature: Signature


class ErrorResponse(WireModel):
    """Every failure: ``{"success": false, "error": <what went wrong>, "code": <CODE>}``."""

    success: Literal[False] = False
    error: str
    code: str


class BiometricValidationResponse(SingleRecord[BiometricValidation]):
    """One biometric validation."""


class CreatedBiometricValidationResponse(SingleRecord[CreatedBiometricValidation]):
    """A new biometric validation, with its liveness-session token."""


class ValidateResponse(WireModel):
    """The validate page's answer: the result, a signature string and a response id."""

    data: ValidationResult
    signature: str = Field(description="A unique signature for the validation result.")
    id: str = Field(description="A unique identifier for the validation response.")


class BiometricValidationList(RecordPage[BiometricValidation]):
    """A page of biometric validations."""


class DocumentLivenessResponse(SingleRecord[DocumentLiveness]):
    """One document-liveness record."""


class DocumentLivenessList(RecordPage[DocumentLiveness]):
    """A page of document-liveness records."""


class ProjectResponse(SingleRecord[Project]):
    """One project."""


class ProjectList(RecordPage[Project]):
    """A page of projects."""


class ProjectFlowResponse(SingleRecord[ProjectFlow]):
    """One project flow."""


class ProjectFlowList(RecordPage[ProjectFlow]):
    """A page of project flows."""
