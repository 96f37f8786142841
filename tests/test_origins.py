"""Where the mock is, as its users reach it: links built from ``--public-url`` or the served
address (never the ``Host`` header), and form posts only from the mock's own pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from tests.answers import Json, assert_error, create_example_validation, seeded_flow
from tests.conftest import MockWith
from verifik_mock import Settings
from verifik_mock.domain.tenancy import client_id_for_token
from verifik_mock.server import RunningServer

PUBLIC = "https://mock.example.test"


def own_origins(server: RunningServer) -> list[str]:
    """The origins a browser may show the mock's pages under, on loopback."""
    return [f"http://{host}:{server.port}" for host in ("127.0.0.1", "localhost", "[::1]")]


def post_form(url: str, form: dict[str, str], **headers: str) -> httpx.Response:
    """A browser's form post to ``url`` with ``headers`` (Origin, Referer)."""
    return httpx.post(url, data=form, headers=headers, follow_redirects=False)


@pytest.mark.parametrize(
    "path", ["/v2/projects", "/__mock__/clock", "/__mock__/journal?scope=all", "/__mock__/ui",
             "/docs", "/healthz"],
)  # fmt: skip
def test_a_request_naming_another_host_is_refused_as_dns_rebinding_would_send_it(
    client: httpx.Client, server: RunningServer, path: str
) -> None:
    """A page on evil.example resolving to 127.0.0.1 is same-origin to the browser, so CORS
    never stops it; its requests still carry its own name as Host."""
    answer = client.get(path, headers={"Host": f"evil.example:{server.port}"})
    body = assert_error(answer, 421, "HOST_NOT_ALLOWED")
    assert server.base_url in body["error"]


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "[::1]"])
def test_each_loopback_name_of_the_mock_is_its_own_host(
    client: httpx.Client, server: RunningServer, name: str
) -> None:
    assert client.get("/v2/projects", headers={"Host": f"{name}:{server.port}"}).status_code == 200


def test_a_validation_url_is_built_from_the_served_address_not_the_host_header(
    client: httpx.Client, server: RunningServer
) -> None:
    created = create_example_validation_with(client, {"Host": f"localhost:{server.port}"})
    assert created["url"].startswith(f"{server.base_url}/__mock__/hosted/")


def create_example_validation_with(client: httpx.Client, headers: dict[str, str]) -> Json:
    """An onboarding with an email invitation on the seeded flow, sent with extra ``headers``."""
    flow = seeded_flow(client)
    body = {
        "project": flow["project"],
        "projectFlow": flow["_id"],
        "identifier": "ana@example.com",
        "type": "onboarding",
        "sendViaEmail": True,
        "email": "ana@example.com",
    }
    answer = client.post("/v2/biometric-validations", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    created: Json = answer.json()["data"]
    return created


def test_with_a_public_url_links_and_emails_use_it(mock_with: MockWith) -> None:
    mock = mock_with(Settings(public_url=PUBLIC))
    with httpx.Client(base_url=mock.base_url, headers={"Authorization": "Bearer t"}) as http:
        created = create_example_validation_with(http, {"Host": "mock.example.test"})
        outbox = http.get("/__mock__/emails").json()["data"]
    assert created["url"].startswith(f"{PUBLIC}/__mock__/hosted/")
    assert outbox[0]["link"] == created["url"]


@pytest.mark.parametrize(
    "header",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost:5173"},  # another port is another origin
        {"Referer": "https://evil.example/page"},
    ],
    ids=["foreign", "null", "other-port", "foreign-referer"],
)
def test_a_hosted_form_post_from_another_origin_is_refused_and_changes_nothing(
    client: httpx.Client, header: dict[str, str]
) -> None:
    created = create_example_validation(client)
    answer = post_form(created["url"], {"outcome": "pass"}, **header)
    assert_error(answer, 403, "ORIGIN_NOT_ALLOWED")
    stored = client.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert stored["status"] == "new"


def test_a_dashboard_form_post_from_another_origin_does_not_move_the_clock(
    client: httpx.Client, token: str
) -> None:
    before = client.get("/__mock__/clock").json()["now"]
    action = f"{client.base_url}/__mock__/ui/{client_id_for_token(token)}/advance-clock"
    answer = post_form(action, {"minutes": "60"}, Origin="https://evil.example")
    assert_error(answer, 403, "ORIGIN_NOT_ALLOWED")
    assert client.get("/__mock__/clock").json()["now"] == before


@pytest.mark.parametrize("origin_index", [0, 1, 2], ids=["127.0.0.1", "localhost", "[::1]"])
def test_a_form_post_from_the_mocks_own_page_goes_through(
    client: httpx.Client, server: RunningServer, origin_index: int
) -> None:
    created = create_example_validation(client)
    origin = own_origins(server)[origin_index]
    answer = post_form(created["url"], {"outcome": "pass"}, Origin=origin)
    assert answer.status_code == 200, answer.text


def test_behind_a_public_url_its_origin_is_the_mocks_own(mock_with: MockWith) -> None:
    mock = mock_with(Settings(public_url=PUBLIC))
    with httpx.Client(base_url=mock.base_url, headers={"Authorization": "Bearer p"}) as http:
        created = create_example_validation(http)
    local_url = mock.base_url + urlsplit(created["url"]).path + "?" + urlsplit(created["url"]).query
    assert post_form(local_url, {"outcome": "pass"}, Origin=PUBLIC).status_code == 200
