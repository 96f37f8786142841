"""The frontend round trip in a real headless Chromium (Debian's, driven by Playwright):
create, open the hosted page, choose, come back to the app with the token; the webhook
reaches a local receiver; the dashboard shows the validation and its delivery. A webcam
capture uses Chromium's fake camera; the dashboard's journal updates without a reload.

Set VERIFIK_SCREENSHOTS=<folder> to keep screenshots of the hosted page and the dashboard
(the README's pictures are made this way).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tests.answers import create_example_validation
from verifik_mock.domain.tenancy import client_id_for_token
from verifik_mock.server import RunningServer, serve_in_thread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
]  # fmt: skip


class FrontEnd:
    """A stand-in for the user's app: a page the user comes back to, and a webhook receiver."""

    def __init__(self) -> None:
        self.webhooks: list[dict[str, object]] = []
        self.app = Starlette(
            routes=[
                Route("/logged-in", self.logged_in, methods=["GET"]),
                Route("/hook", self.hook, methods=["POST"]),
            ]
        )

    async def logged_in(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        return HTMLResponse(f"<h1>Welcome back</h1><p id=token>{token}</p>")

    async def hook(self, request: Request) -> Response:
        self.webhooks.append(await request.json())
        return Response(status_code=204)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def front_end() -> Iterator[tuple[FrontEnd, RunningServer]]:
    """The user's app, on loopback."""
    app = FrontEnd()
    with serve_in_thread(app.app) as running:
        yield app, running


def screenshot_path(name: str) -> Path | None:
    """Where to keep a screenshot, if VERIFIK_SCREENSHOTS asks for them."""
    folder = os.environ.get("VERIFIK_SCREENSHOTS")
    return Path(folder) / name if folder else None


def test_hosted_round_trip_in_a_browser(
    browser: Browser,
    client: httpx.Client,
    token: str,
    front_end: tuple[FrontEnd, RunningServer],
) -> None:
    app, app_server = front_end
    created = create_example_validation(
        client,
        redirectUrl=f"{app_server.base_url}/logged-in",
        webhookUrl=f"{app_server.base_url}/hook",
    )
    page = browser.new_page()
    page.goto(created["url"])
    assert "ana@example.com" in page.content()
    if (shot := screenshot_path("hosted-page.png")) is not None:
        page.screenshot(path=str(shot), full_page=True)
    page.check("input[value=pass]")
    page.click("button[type=submit]")
    page.wait_for_url(f"{app_server.base_url}/logged-in**", timeout=10_000)
    assert page.inner_text("#token").startswith("ey")
    assert "type=login" in page.url

    for _ in range(200):  # bounded: at most 200 x 25 ms
        states = [d["state"] for d in client.get("/__mock__/webhooks").json()["data"]]
        if len(app.webhooks) == 3 and set(states) == {"delivered"}:
            break
        page.wait_for_timeout(25)
    # Deliveries run concurrently, so they may arrive in any order.
    assert sorted(str(hook["type"]) for hook in app.webhooks) == [
        "onboarding_biometric_validation_completed",
        "onboarding_biometric_validation_created_person",
        "onboarding_biometric_validation_new",
    ]

    page.goto(f"{client.base_url}/__mock__/ui?client={client_id_for_token(token)}")
    dashboard = page.content()
    assert created["_id"] in dashboard
    assert "onboarding_biometric_validation_completed" in dashboard
    assert "delivered" in dashboard
    if (shot := screenshot_path("dashboard.png")) is not None:
        page.screenshot(path=str(shot), full_page=True)
    page.close()


def test_webcam_capture_completes_the_validation(browser: Browser, client: httpx.Client) -> None:
    created = create_example_validation(client)
    page = browser.new_page()
    page.goto(created["url"])
    page.click("#start-camera")
    page.wait_for_function("document.getElementById('preview').videoWidth > 0", timeout=10_000)
    page.click("#snap")
    assert "Photo taken" in page.inner_text("#camera-status")
    assert page.input_value("#image").startswith("/9j/")  # base64 of a JPEG's first bytes
    page.click("button[type=submit]")
    page.wait_for_selector("text=Verified", timeout=10_000)
    page.close()

    validation = client.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert validation["status"] == "completed"


def test_dashboard_journal_updates_without_a_reload(
    browser: Browser, client: httpx.Client, token: str
) -> None:
    client.get("/v2/biometric-validations")  # the tenant exists before the page opens
    page = browser.new_page()
    page.goto(f"{client.base_url}/__mock__/ui?client={client_id_for_token(token)}")
    page.evaluate("window.sameDocument = true")
    assert "/v2/document-liveness" not in page.inner_text("#request-journal")

    client.get("/v2/document-liveness")
    page.wait_for_function(
        "document.getElementById('request-journal').innerText.includes('/v2/document-liveness')",
        timeout=10_000,
    )
    assert page.evaluate("window.sameDocument") is True
    page.close()
