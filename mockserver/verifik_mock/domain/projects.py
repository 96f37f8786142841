"""Projects and project flows: the configuration a client discovers or creates."""

from __future__ import annotations

from verifik_mock.domain.listing import Page, paginate, sort_records
from verifik_mock.errors import (
    InvalidProjectFlowError,
    MissingParameterError,
    ProjectFlowNotFoundError,
)
from verifik_mock.models import Project, ProjectFlow
from verifik_mock.models.enums import ProjectFlowStatus
from verifik_mock.models.queries import ListProjectFlowsQuery, ListProjectsQuery
from verifik_mock.models.requests import CreateProjectFlowRequest, CreateProjectRequest
from verifik_mock.state.tenant import TenantState


def create_project(state: TenantState, body: CreateProjectRequest) -> Project:
    """Store a new project for the tenant."""
    now = state.clock.tick()
    project = Project(
        id=state.ids.new(now),
        client=state.client.id,
        name=body.name,
        description=body.description,
        createdAt=now,
        updatedAt=now,
    )
    state.projects[project.id] = project
    return project


def list_projects(state: TenantState, query: ListProjectsQuery) -> Page[Project]:
    """The tenant's projects, newest first, one page."""
    return paginate(sort_records(state.projects.values(), "-createdAt"), query.page, query.limit)


def create_project_flow(state: TenantState, body: CreateProjectFlowRequest) -> ProjectFlow:
    """Store a new flow in one of the tenant's projects; it searches the tenant's collection
    unless ``assignedCollection`` names another."""
    if body.project not in state.projects:
        raise MissingParameterError(f"project {body.project} is not one of this client's projects")
    collection = body.assignedCollection or next(iter(state.collections), None)
    if collection is not None and collection not in state.collections:
        raise MissingParameterError(f"assignedCollection {collection} is not a known collection")
    now = state.clock.tick()
    flow = ProjectFlow(
        id=state.ids.new(now),
        client=state.client.id,
        createdAt=now,
        updatedAt=now,
        **body.model_dump(exclude_none=True, exclude={"assignedCollection"}),
        assignedCollection=collection,
    )
    state.project_flows[flow.id] = flow
    return flow


def list_project_flows(state: TenantState, query: ListProjectFlowsQuery) -> Page[ProjectFlow]:
    """The tenant's flows matching the query's filters, newest first, one page."""
    matching = [
        flow
        for flow in state.project_flows.values()
        if (query.project is None or flow.project == query.project)
        and (query.type is None or flow.type is query.type)
        and (query.status is None or flow.status is query.status)
    ]
    return paginate(sort_records(matching, "-createdAt"), query.page, query.limit)


def retrieve_project_flow(state: TenantState, flow_id: str) -> ProjectFlow:
    """One of the tenant's flows; 404 if it has none with that id."""
    flow = state.project_flows.get(flow_id)
    if flow is None:
        raise ProjectFlowNotFoundError()
    return flow


def usable_flow(state: TenantState, project_id: str, flow_id: str) -> ProjectFlow:
    """The active flow ``flow_id`` of project ``project_id``, or INVALID_PROJECT_FLOW."""
    flow = state.project_flows.get(flow_id)
    if flow is None or flow.project != project_id or flow.status is not ProjectFlowStatus.ACTIVE:
        raise InvalidProjectFlowError()
    return flow
