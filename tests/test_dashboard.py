"""The dashboard: the tenants, and one tenant's records, traffic and webhooks, as HTML."""

from __future__ import annotations

import httpx

from mockserver.domain.tenancy import client_id_for_token
from tests.answers import create_example_validation


def test_dashboard_lists_the_tenant_and_shows_its_new_validation(
    client: httpx.Client, token: str
) -> None:
    created = create_example_validation(
        client, sendViaEmail=True, email="ana@example.com", webhookUrl="https://example.com/hook"
    )
    client_id = client_id_for_token(token)
    overview = httpx.get(f"{client.base_url}/__mock__/ui")
    assert overview.status_code == 200
    assert f"?client={client_id}" in overview.text
    page = httpx.get(f"{client.base_url}/__mock__/ui", params={"client": client_id}).text
    for shown in (created["_id"], "ana@example.com", "onboarding_biometric_validation_new",
                  "blocked", "POST", "Verify your identity", "2024-01-15T10:30:01Z"):  # fmt: skip
        assert shown in page


def test_dashboard_escapes_what_it_shows(client: httpx.Client, token: str) -> None:
    create_example_validation(client, identifier="<script>alert(1)</script>")
    page = httpx.get(
        f"{client.base_url}/__mock__/ui", params={"client": client_id_for_token(token)}
    ).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_dashboard_says_so_for_an_unknown_tenant(client: httpx.Client) -> None:
    page = httpx.get(f"{client.base_url}/__mock__/ui", params={"client": "nobody"})
    assert page.status_code == 200
    assert "No tenant nobody" in page.text


def post_action(client: httpx.Client, token: str, action: str, **form: str) -> httpx.Response:
    """Press one of the dashboard's buttons, as a browser posts its form."""
    path = f"/__mock__/ui/{client_id_for_token(token)}/{action}"
    return httpx.post(f"{client.base_url}{path}", data=form, follow_redirects=False)


def test_dashboard_advances_the_clock_and_expires_what_it_passes(
    client: httpx.Client, token: str
) -> None:
    created = create_example_validation(client)
    answer = post_action(client, token, "advance-clock", minutes="11")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/__mock__/ui?client={client_id_for_token(token)}"
    assert client.get("/__mock__/clock").json()["now"] == "2024-01-15T10:41:01Z"
    stored = client.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert stored["status"] == "expired"
    page = httpx.get(
        f"{client.base_url}/__mock__/ui", params={"client": client_id_for_token(token)}
    ).text
    assert "new → expired" in page


def test_dashboard_sets_and_removes_a_scenario_rule(client: httpx.Client, token: str) -> None:
    client.get("/v2/projects")  # the tenant exists once it has been used
    post_action(
        client, token, "set-rule", identifier="bruno@example.com", livenessScore="0.41", times="2"
    )
    assert client.get("/__mock__/scenarios").json()["data"] == [
        {"identifier": "bruno@example.com", "livenessScore": 0.41, "remaining": 2}
    ]
    post_action(client, token, "clear-rule", identifier="bruno@example.com")
    assert client.get("/__mock__/scenarios").json()["data"] == []
    assert post_action(client, token, "set-rule", livenessScore="high").status_code == 409


def test_dashboard_redelivers_a_webhook_as_a_new_delivery(client: httpx.Client, token: str) -> None:
    create_example_validation(client, webhookUrl="https://example.com/hook")
    first = client.get("/__mock__/webhooks").json()["data"][0]
    assert post_action(client, token, "redeliver", delivery=first["id"]).status_code == 303
    deliveries = client.get("/__mock__/webhooks").json()["data"]
    assert len(deliveries) == 2
    assert deliveries[0]["type"] == first["type"]
    assert deliveries[0]["id"] != first["id"]
    assert post_action(client, token, "redeliver", delivery="evt_nope").status_code == 404


def test_dashboard_can_reload_itself_for_a_live_journal(client: httpx.Client, token: str) -> None:
    client.get("/v2/projects")
    page = httpx.get(
        f"{client.base_url}/__mock__/ui",
        params={"client": client_id_for_token(token), "refresh": "2"},
    ).text
    assert '<meta http-equiv=refresh content="2">' in page
