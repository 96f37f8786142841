"""The dashboard: the tenants, and one tenant's records, traffic and webhooks, as HTML."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.answers import assert_error, create_example_validation
from tests.conftest import MockWith
from verifik_mock import Settings
from verifik_mock.domain.tenancy import client_id_for_token
from verifik_mock.server import RunningServer


@contextmanager
def connect(server: RunningServer, token: str, admin: str) -> Iterator[httpx.Client]:
    """A client of ``server`` as the tenant of ``token``, with the admin token."""
    headers = {"Authorization": f"Bearer {token}", "X-Mock-Admin-Token": admin}
    with httpx.Client(base_url=server.base_url, headers=headers) as http:
        yield http


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


ADMIN = "dash-admin"
BROWSER = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def guarded(mock_with: MockWith) -> RunningServer:
    """A mock started with ``--admin-token``."""
    return mock_with(Settings(admin_token=ADMIN))


def sign_in(server: RunningServer, token: str = ADMIN) -> httpx.Response:
    """Post the dashboard's sign-in form, as a browser on the mock's own page does."""
    return httpx.post(
        f"{server.base_url}/__mock__/ui/login",
        data={"token": token},
        headers={**BROWSER, "Origin": server.base_url},
        follow_redirects=False,
    )


def test_with_an_admin_token_a_browser_is_asked_for_it_and_sees_no_tenant(
    guarded: RunningServer,
) -> None:
    with connect(guarded, "secret-tenant", ADMIN) as http:
        http.get("/v2/projects")
    page = httpx.get(f"{guarded.base_url}/__mock__/ui", headers=BROWSER)
    assert page.status_code == 401
    assert "name=token" in page.text
    assert client_id_for_token("secret-tenant") not in page.text


def test_with_an_admin_token_an_api_client_gets_the_envelope(guarded: RunningServer) -> None:
    assert_error(httpx.get(f"{guarded.base_url}/__mock__/ui"), 403, "ADMIN_TOKEN_REQUIRED")


def test_signing_in_sets_an_httponly_strict_cookie_that_opens_the_dashboard(
    guarded: RunningServer,
) -> None:
    answer = sign_in(guarded)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert ADMIN not in cookie
    signed_in = httpx.get(
        f"{guarded.base_url}/__mock__/ui", headers=BROWSER, cookies=answer.cookies
    )
    assert signed_in.status_code == 200
    assert "Tenants" in signed_in.text


def test_a_wrong_admin_token_sets_no_cookie(guarded: RunningServer) -> None:
    answer = sign_in(guarded, "guess")
    assert answer.status_code == 403
    assert "set-cookie" not in answer.headers


def test_with_an_admin_token_a_dashboard_action_without_it_changes_nothing(
    guarded: RunningServer,
) -> None:
    with connect(guarded, "clock-tenant", ADMIN) as http:
        before = http.get("/__mock__/clock").json()["now"]
        action = (
            f"{guarded.base_url}/__mock__/ui/{client_id_for_token('clock-tenant')}/advance-clock"
        )
        answer = httpx.post(action, data={"minutes": "60"}, headers={"Origin": guarded.base_url})
        assert_error(answer, 403, "ADMIN_TOKEN_REQUIRED")
        assert http.get("/__mock__/clock").json()["now"] == before
        signed_in = httpx.post(
            action,
            data={"minutes": "60"},
            headers={"Origin": guarded.base_url},
            cookies=sign_in(guarded).cookies,
            follow_redirects=False,
        )
        assert signed_in.status_code == 303
        assert http.get("/__mock__/clock").json()["now"] != before


def test_a_refused_action_shows_the_reason_on_the_dashboard_to_a_browser(
    client: httpx.Client, token: str
) -> None:
    client.get("/v2/projects")
    path = f"/__mock__/ui/{client_id_for_token(token)}/redeliver"
    page = httpx.post(f"{client.base_url}{path}", data={"delivery": "evt_nope"}, headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "WEBHOOK_DELIVERY_NOT_FOUND" in page.text
    assert "Scenario rules" in page.text  # the dashboard itself, with the way on


def test_a_refused_action_answers_an_api_client_in_the_envelope(
    client: httpx.Client, token: str
) -> None:
    client.get("/v2/projects")
    answer = post_action(client, token, "redeliver", delivery="evt_nope")
    assert_error(answer, 404, "WEBHOOK_DELIVERY_NOT_FOUND")
    assert_error(post_action(client, token, "dance"), 404, "NOT_FOUND")


def test_a_form_field_the_action_does_not_know_is_refused_even_blank(
    client: httpx.Client, token: str
) -> None:
    client.get("/v2/projects")
    answer = post_action(client, token, "set-rule", identifier="a@b.c", colour="")
    assert_error(answer, 409, "MISSING_PARAMETER")
    assert client.get("/__mock__/scenarios").json()["data"] == []
