"""``/docs``: Swagger UI from the installed package over a 3.0 copy of the contract, whose
"Try it out" calls the mock itself; its assets; and the page in a real headless Chromium.

Set VERIFIK_SCREENSHOTS=<folder> to keep a screenshot of the rendered page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests import test_browser
from verifik_mock import Settings, create_app
from verifik_mock.contract_file import load_contract
from verifik_mock.domain.tenancy import client_id_for_token
from verifik_mock.http.docs import script_json
from verifik_mock.server import RunningServer, serve_in_thread

browser = test_browser.browser
"""Debian's headless Chromium: test_browser.py's fixture, which pytest finds here by this name."""
STEP_TIMEOUT_MS = 5_000
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class PageLinks(HTMLParser):
    """The ``src`` and ``href`` of every element of a page, and the text of each script."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: dict[str, str] = {}
        self._script_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.links += [value for name, value in attrs if name in {"src", "href"} and value]
        self._script_id = found.get("id") if tag == "script" else None

    def handle_endtag(self, tag: str) -> None:
        self._script_id = None

    def handle_data(self, data: str) -> None:
        if self._script_id is not None:
            self.scripts[self._script_id] = self.scripts.get(self._script_id, "") + data


def read_docs_page(base_url: str, **headers: str) -> PageLinks:
    """``/docs`` at ``base_url``, parsed."""
    answer = httpx.get(f"{base_url}/docs", headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    links = PageLinks()
    links.feed(answer.text)
    return links


def swagger_ui_spec(base_url: str, **headers: str) -> dict[str, Any]:
    """The copy of the contract ``/docs`` gives Swagger UI."""
    spec = json.loads(read_docs_page(base_url, **headers).scripts["contract"])
    assert isinstance(spec, dict)
    return spec


def test_docs_page_loads_only_its_own_scripts_and_styles(server: RunningServer) -> None:
    page_url = f"{server.base_url}/docs"
    links = [urljoin(page_url, link) for link in read_docs_page(server.base_url).links]
    assert {urlsplit(link).netloc for link in links} == {f"{server.host}:{server.port}"}
    assert {urlsplit(link).path for link in links} >= {
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/swagger-ui.css",
        "/openapi.json",
    }


def test_each_asset_the_docs_page_loads_answers_with_its_type(server: RunningServer) -> None:
    page_url = f"{server.base_url}/docs"
    assets = [link for link in read_docs_page(server.base_url).links if "/assets/" in link]
    assert len(assets) == 4
    for link in assets:
        answer = httpx.get(urljoin(page_url, link))
        assert answer.status_code == 200, link
        suffix = Path(urlsplit(link).path).suffix
        assert answer.headers["content-type"].startswith(CONTENT_TYPES[suffix]), link
        assert "max-age=31536000" in answer.headers["cache-control"]


@pytest.mark.parametrize(
    "name",
    ["index.html", "swagger-ui-bundle.js.map", "%2e%2e", "..%2F__init__.py", "..%2F..%2Fdocs.py"],
)
def test_an_unknown_or_traversal_asset_name_answers_404_in_the_envelope(
    server: RunningServer, name: str
) -> None:
    answer = httpx.get(f"{server.base_url}/docs/assets/{name}")
    assert answer.status_code == 404
    envelope = answer.json()
    assert envelope == {"success": False, "error": envelope["error"], "code": "NOT_FOUND"}
    assert envelope["error"]


def test_swagger_ui_gets_the_contract_as_3_0_with_the_mock_as_its_one_server(
    server: RunningServer,
) -> None:
    spec = swagger_ui_spec(server.base_url)
    contract = load_contract()
    assert spec["openapi"] == "3.0.3"
    assert [entry["url"] for entry in spec["servers"]] == [server.base_url]
    assert {k: v for k, v in spec.items() if k not in {"openapi", "servers"}} == {
        k: v for k, v in contract.items() if k not in {"openapi", "servers"}
    }
    assert httpx.get(f"{server.base_url}/openapi.json").json()["openapi"] == "3.1.0"


def test_try_it_out_address_is_the_served_one_whatever_loopback_name_the_page_used(
    server: RunningServer,
) -> None:
    spec = swagger_ui_spec(server.base_url, host=f"localhost:{server.port}")
    assert [entry["url"] for entry in spec["servers"]] == [server.base_url]


def test_try_it_out_address_is_the_public_url_when_one_is_set() -> None:
    settings = Settings(public_url="https://mock.example/verifik/")
    with serve_in_thread(create_app(settings)) as running:
        spec = swagger_ui_spec(running.base_url)
    assert [entry["url"] for entry in spec["servers"]] == ["https://mock.example/verifik"]


def test_contract_inlined_in_the_page_cannot_end_its_script_tag() -> None:
    written = script_json({"description": "</script><!-- & -->"})
    assert re.search(r"[<>&]", written) is None
    assert json.loads(written) == {"description": "</script><!-- & -->"}


@pytest.fixture
def docs(browser: Browser, server: RunningServer) -> Iterator[Page]:
    """``/docs`` loaded in a fresh browser context (its own storage), each step bounded."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(f"{server.base_url}/docs")
    yield page
    context.close()


def test_swagger_ui_renders_the_operations(docs: Page) -> None:
    operation = docs.locator("#operations-biometric-validations-createBiometricValidation")
    operation.wait_for(state="visible")
    assert "/v2/biometric-validations" in operation.inner_text()
    if (shot := test_browser.screenshot_path("docs.png")) is not None:
        docs.screenshot(path=str(shot), full_page=True)


def test_an_operation_description_renders_its_markdown(docs: Page) -> None:
    operation = docs.locator("#operations-biometric-validations-createBiometricValidation")
    operation.locator(".opblock-summary-control").click()
    description = operation.locator(".opblock-description .renderedMarkdown").first
    assert description.locator("code").count() > 0
    assert description.locator("li").count() > 0
    assert "`" not in description.inner_text()


def authorize(docs: Page, token: str) -> None:
    """Type ``token`` into Swagger UI's Authorize dialog, as a user would."""
    docs.click(".auth-wrapper button.authorize")
    docs.fill("input[aria-label=auth-bearer-value]", token)
    docs.click(".auth-btn-wrapper button.authorize")
    docs.click(".auth-btn-wrapper button.btn-done")


def test_try_it_out_with_an_authorized_token_gets_a_200_from_the_mock(
    docs: Page, server: RunningServer, token: str
) -> None:
    authorize(docs, token)
    operation = docs.locator("#operations-projects-listProjects")
    operation.locator(".opblock-summary-control").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    answer = operation.locator(".live-responses-table tbody tr.response").first
    assert answer.locator(".response-col_status").inner_text() == "200"
    assert (
        operation.locator(".request-url")
        .inner_text()
        .endswith(f"{server.base_url}/v2/projects?page=1&limit=10")
    )
    body = json.loads(answer.locator(".highlight-code code").inner_text())
    assert {project["client"] for project in body["data"]} == {client_id_for_token(token)}


def test_an_authorized_token_stays_after_a_reload(docs: Page, token: str) -> None:
    authorize(docs, token)
    docs.reload()
    docs.locator("#operations-projects-listProjects").wait_for(state="visible")
    button = docs.locator(".auth-wrapper button.authorize")
    assert "locked" in (button.get_attribute("class") or "").split()
