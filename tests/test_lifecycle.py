"""One lifecycle for every route on a tenant: the hosted page's and the dashboard's form posts
are journaled as their client's, the hosted page (Verifik's own) meets the tenant's fault
rule as the API does, and the dashboard (the control surface) never does."""

from __future__ import annotations

import httpx

from tests.answers import assert_error, create_example_validation
from tests.test_dashboard import post_action
from tests.test_hosted import submit
from verifik_mock.domain.tenancy import client_id_for_token


def journal_of(client: httpx.Client) -> list[dict[str, object]]:
    """The caller's journal entries, newest first."""
    data: list[dict[str, object]] = client.get("/__mock__/journal").json()["data"]
    return data


def test_the_hosted_form_post_is_journaled_as_its_clients_operation(
    client: httpx.Client, token: str
) -> None:
    created = create_example_validation(client)

    assert submit(client, created, outcome="pass").status_code == 200  # no redirectUrl: a page

    [entry] = [e for e in journal_of(client) if e.get("operation") == "completeHosted"]
    assert (entry["client"], entry["method"], entry["status"]) == (
        client_id_for_token(token), "POST", 200,
    )  # fmt: skip


def test_a_dashboard_action_is_journaled_as_its_clients_operation(
    client: httpx.Client, token: str
) -> None:
    create_example_validation(client)

    assert post_action(client, token, "advance-clock", minutes="1").status_code == 303

    [entry] = [e for e in journal_of(client) if e.get("operation") == "dashboardAction"]
    assert (entry["client"], entry["status"]) == (client_id_for_token(token), 303)


def test_the_tenants_fault_rule_answers_the_hosted_page_but_never_the_dashboard(
    client: httpx.Client, token: str
) -> None:
    created = create_example_validation(client)
    client.post("/__mock__/faults", json={"fault": "503", "times": 1}).raise_for_status()

    dashboard = post_action(client, token, "advance-clock", minutes="1")
    page = client.get(created["url"])
    again = client.get(created["url"])

    assert dashboard.status_code == 303  # the rule is still there for Verifik's own surfaces
    assert_error(page, 503, "SERVICE_UNAVAILABLE")
    assert again.status_code == 200  # spent


def test_a_fault_rules_answer_is_journaled_with_its_fault(client: httpx.Client) -> None:
    client.post("/__mock__/faults", json={"fault": "429", "times": 1}).raise_for_status()

    client.get("/v2/projects")

    [entry] = [e for e in journal_of(client) if e.get("operation") == "listProjects"]
    assert (entry["status"], entry["code"], entry["fault"]) == (429, "RATE_LIMITED", "429")
