"""Who owns records and what configures them: clients, projects, flows, collections, persons."""

from __future__ import annotations

from pydantic import Field

from verifik_mock.models.base import RecordId, RecordModel, Score, Timestamp, WireModel
from verifik_mock.models.enums import (
    AppRegistrationStatus,
    ProjectFlowStatus,
    ProjectFlowType,
    SearchMode,
)


class Client(WireModel):
    """A client account (the tenant a token names); ``populates[]=client`` shows it whole."""

    id: RecordId = Field(alias="_id")
    name: str
    email: str


class ProjectSummary(WireModel):
    """A project as ``populates[]=project`` shows it."""

    id: RecordId = Field(alias="_id")
    name: str
    description: str


class Project(RecordModel):
    """A project: the container of project flows."""

    client: RecordId
    name: str
    description: str
    createdAt: Timestamp
    updatedAt: Timestamp

    def summary(self) -> ProjectSummary:
        """The populated form of this project."""
        return ProjectSummary(id=self.id, name=self.name, description=self.description)


class ProjectFlowSummary(WireModel):
    """A project flow as ``populates[]=projectFlow`` shows it."""

    id: RecordId = Field(alias="_id")
    name: str
    type: ProjectFlowType


class ProjectFlow(RecordModel):
    """A project flow: the thresholds, collection and URLs a validation runs with."""

    client: RecordId
    project: RecordId
    name: str
    type: ProjectFlowType
    status: ProjectFlowStatus = ProjectFlowStatus.ACTIVE
    livenessMinScore: Score = 0.55
    searchMinScore: Score = 0.85
    searchMode: SearchMode = SearchMode.ACCURATE
    assignedCollection: RecordId | None = None
    redirectUrl: str | None = None
    webhookUrl: str | None = None
    createdAt: Timestamp
    updatedAt: Timestamp

    def summary(self) -> ProjectFlowSummary:
        """The populated form of this flow."""
        return ProjectFlowSummary(id=self.id, name=self.name, type=self.type)


class Collection(RecordModel):
    """A face collection that 1:N searches run in."""

    client: RecordId
    code: str
    name: str
    description: str
    createdAt: Timestamp
    updatedAt: Timestamp


class Person(RecordModel):
    """A face enrolled in a collection under an identifier."""

    client: RecordId
    collection: RecordId
    identifier: str
    name: str
    createdAt: Timestamp
    updatedAt: Timestamp


class AppRegistrationSummary(WireModel):
    """An app registration as ``populates[]=appRegistration`` shows it."""

    id: RecordId = Field(alias="_id")
    fullName: str
    email: str
    status: AppRegistrationStatus


class AppRegistration(RecordModel):
    """A user's registration through an onboarding flow."""

    client: RecordId
    project: RecordId
    projectFlow: RecordId
    fullName: str
    email: str
    status: AppRegistrationStatus
    createdAt: Timestamp
    updatedAt: Timestamp

    def summary(self) -> AppRegistrationSummary:
        """The populated form of this registration."""
        return AppRegistrationSummary(
            id=self.id, fullName=self.fullName, email=self.email, status=self.status
        )
