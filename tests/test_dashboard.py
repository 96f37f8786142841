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
