"""Projects and project flows over HTTP: the seeded configuration, creating, listing, filtering."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.answers import Json, assert_error, load_page_examples
from tests.contract_schema import assert_matches_schema
from verifik_mock.domain.tenancy import client_id_for_token

PROJECTS = "/v2/projects"
PROJECT_FLOWS = "/v2/project-flows"
FLOW_TYPES = {"validation", "login", "onboarding"}


def answer_data(response: httpx.Response, schema: str) -> Any:
    """The ``data`` of a 200 answer, after checking it against the contract's ``schema``."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert_matches_schema(body, schema)
    return body["data"]


def create_project(client: httpx.Client, **overrides: Any) -> Json:
    """Create a project; its record."""
    body = {"name": "My app", "description": "Where my users sign in"} | overrides
    record: Json = answer_data(client.post(PROJECTS, json=body), "ProjectResponse")
    return record


def create_flow(client: httpx.Client, project: str, **overrides: Any) -> Json:
    """Create a login flow in ``project``; its record."""
    body = {"project": project, "name": "Strict login", "type": "login"} | overrides
    record: Json = answer_data(client.post(PROJECT_FLOWS, json=body), "ProjectFlowResponse")
    return record


def post_validation(client: httpx.Client, project: str, flow: str) -> httpx.Response:
    """Ask to create a login validation in ``project`` with ``flow``."""
    body = {
        "project": project,
        "projectFlow": flow,
        "identifier": "ana@example.com",
        "type": "login",
    }
    return client.post("/v2/biometric-validations", json=body)


def list_projects(client: httpx.Client) -> list[Json]:
    """Every project the list answers."""
    records: list[Json] = answer_data(client.get(PROJECTS, params={"limit": 100}), "ProjectList")
    return records


def list_flows(client: httpx.Client, **params: Any) -> list[Json]:
    """The project flows the list answers for ``params``."""
    response = client.get(PROJECT_FLOWS, params={"limit": 100} | params)
    records: list[Json] = answer_data(response, "ProjectFlowList")
    return records


def seeded_project_id(client: httpx.Client) -> str:
    """The id of the seeded project, the tenant's first (and, unless a test adds one, only)."""
    project_id: str = list_projects(client)[-1]["_id"]
    return project_id


def ids(records: list[Json]) -> list[str]:
    """The ``_id`` of each record, in order."""
    return [record["_id"] for record in records]


# ---- the seeded world ---------------------------------------------------------------------


def test_seeded_world_has_one_project(client: httpx.Client, token: str) -> None:
    projects = list_projects(client)

    assert len(projects) == 1
    assert {project["client"] for project in projects} == {client_id_for_token(token)}


def test_seeded_project_has_one_active_flow_of_each_type(client: httpx.Client) -> None:
    flows = list_flows(client, project=seeded_project_id(client))

    assert sorted(flow["type"] for flow in flows) == sorted(FLOW_TYPES)
    assert {flow["status"] for flow in flows} == {"active"}


def test_seeded_flows_have_the_default_thresholds_and_a_collection(client: httpx.Client) -> None:
    flows = list_flows(client)

    assert len(flows) == len(FLOW_TYPES)
    for flow in flows:
        assert flow["livenessMinScore"] == 0.55
        assert flow["searchMinScore"] == 0.85
        assert flow["assignedCollection"]


def test_page_examples_add_the_page_example_project_beside_the_seeded_one(
    client: httpx.Client,
) -> None:
    seeded = list_projects(client)

    loaded = load_page_examples(client)

    assert ids(list_projects(client)) == [loaded["project"], *ids(seeded)]


def test_page_example_flow_belongs_to_the_page_example_project(client: httpx.Client) -> None:
    loaded = load_page_examples(client)

    flow = answer_data(
        client.get(f"{PROJECT_FLOWS}/{loaded['projectFlow']}"), "ProjectFlowResponse"
    )

    assert flow["project"] == loaded["project"] == "project_123456789"
    assert flow["name"] == "Example Flow"
    assert flow["type"] == "onboarding"


# ---- projects -----------------------------------------------------------------------------


def test_create_project_answers_the_new_project(client: httpx.Client, token: str) -> None:
    project = create_project(client, name="Checkout", description="Pay with your face")

    assert project["name"] == "Checkout"
    assert project["description"] == "Pay with your face"
    assert project["client"] == client_id_for_token(token)
    assert project["createdAt"] == project["updatedAt"] == "2024-01-15T10:30:01Z"


def test_created_project_is_listed_first(client: httpx.Client) -> None:
    project = create_project(client)

    projects = list_projects(client)

    assert projects[0] == project
    assert len(projects) == 2


# ---- project flows ------------------------------------------------------------------------


def test_create_flow_keeps_its_own_thresholds(client: httpx.Client) -> None:
    project = seeded_project_id(client)

    flow = create_flow(client, project, livenessMinScore=0.8, searchMinScore=0.9)

    assert flow["livenessMinScore"] == 0.8
    assert flow["searchMinScore"] == 0.9
    assert flow["project"] == project
    assert flow["type"] == "login"
    assert flow["status"] == "active"


def test_create_flow_defaults_to_verifiks_thresholds(client: httpx.Client) -> None:
    flow = create_flow(client, seeded_project_id(client))

    assert flow["livenessMinScore"] == 0.55
    assert flow["searchMinScore"] == 0.85


def test_flow_without_a_collection_searches_the_seeded_collection(client: httpx.Client) -> None:
    (seeded,) = list_flows(client, type="validation")

    flow = create_flow(client, seeded_project_id(client))

    assert flow["assignedCollection"] == seeded["assignedCollection"]


def test_created_flow_is_retrievable(client: httpx.Client) -> None:
    flow = create_flow(client, seeded_project_id(client), livenessMinScore=0.7, searchMinScore=0.95)

    response = client.get(f"{PROJECT_FLOWS}/{flow['_id']}")

    assert answer_data(response, "ProjectFlowResponse") == flow


def test_retrieve_of_an_unknown_flow_answers_not_found(client: httpx.Client) -> None:
    response = client.get(f"{PROJECT_FLOWS}/65a5000000000000000000ff")

    assert_error(response, 404, "PROJECT_FLOW_NOT_FOUND")


def test_created_flow_is_listed_first(client: httpx.Client) -> None:
    flow = create_flow(client, seeded_project_id(client))

    assert list_flows(client)[0] == flow


def test_flow_list_filters_by_project(client: httpx.Client) -> None:
    project = create_project(client)
    flow = create_flow(client, project["_id"])
    create_flow(client, seeded_project_id(client))

    assert ids(list_flows(client, project=project["_id"])) == [flow["_id"]]


@pytest.mark.parametrize("flow_type", sorted(FLOW_TYPES))
def test_flow_list_filters_by_type(client: httpx.Client, flow_type: str) -> None:
    expected = [flow for flow in list_flows(client) if flow["type"] == flow_type]

    filtered = list_flows(client, type=flow_type)

    assert ids(filtered) == ids(expected)
    assert filtered


def test_flow_list_filters_by_status(client: httpx.Client) -> None:
    paused = create_flow(client, seeded_project_id(client), status="paused")
    draft = create_flow(client, seeded_project_id(client), status="draft")

    assert ids(list_flows(client, status="paused")) == [paused["_id"]]
    assert ids(list_flows(client, status="draft")) == [draft["_id"]]
    assert {flow["status"] for flow in list_flows(client, status="active")} == {"active"}
    assert len(list_flows(client, status="active")) == len(FLOW_TYPES)


def test_flow_list_filters_compose(client: httpx.Client) -> None:
    project = create_project(client)
    wanted = create_flow(client, project["_id"], type="onboarding", status="paused")
    create_flow(client, project["_id"], type="onboarding")
    create_flow(client, project["_id"], type="login", status="paused")

    filtered = list_flows(client, project=project["_id"], type="onboarding", status="paused")

    assert ids(filtered) == [wanted["_id"]]


def test_created_flow_accepts_a_validation(client: httpx.Client) -> None:
    project = create_project(client)
    flow = create_flow(client, project["_id"], livenessMinScore=0.8)

    response = post_validation(client, project["_id"], flow["_id"])

    assert response.status_code == 200, response.text
    validation = response.json()["data"]
    assert validation["project"] == project["_id"]
    assert validation["projectFlow"] == flow["_id"]
    assert validation["status"] == "new"


def test_paused_flow_refuses_validations(client: httpx.Client) -> None:
    project = seeded_project_id(client)
    flow = create_flow(client, project, status="paused")

    response = post_validation(client, project, flow["_id"])

    assert_error(response, 409, "INVALID_PROJECT_FLOW")


def test_flow_of_an_unknown_project_answers_missing_parameter(client: httpx.Client) -> None:
    response = client.post(
        PROJECT_FLOWS,
        json={"project": "65a500000000000000000aaa", "name": "Orphan", "type": "login"},
    )

    body = assert_error(response, 409, "MISSING_PARAMETER")
    assert "65a500000000000000000aaa" in body["error"]
