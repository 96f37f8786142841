"""The hosted capture page: a validation's url, completed in a browser's stead by its form."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.answers import Json, assert_error, create_example_validation, get_answer
from tests.conftest import MockWith
from verifik_mock import Settings, create_app, sample_image, tokens
from verifik_mock.server import serve_in_thread

RETURN_TO = "https://app.example/after-verifik?step=2"


def hosted_path(created: Json) -> str:
    """The path of the hosted page the create answer's url names."""
    return urlsplit(created["url"]).path


BROWSER = {"Accept": "text/html,application/xhtml+xml"}
"""What a browser's form post asks for: a page, so refusals come as pages."""


def submit(client: httpx.Client, created: Json, **form: str) -> httpx.Response:
    """Send the hosted page's form, as a browser would, without following the redirect."""
    return client.post(created["url"], data=form, headers=BROWSER, follow_redirects=False)


def test_url_opens_a_page_about_the_validation_with_its_choices(client: httpx.Client) -> None:
    created = create_example_validation(client, redirectUrl=RETURN_TO)
    page = httpx.get(f"{client.base_url}{hosted_path(created)}")  # a browser sends no token
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "ana@example.com" in page.text
    for outcome in ("pass", "fail_liveness", "no_match", "expire"):
        assert f"value={outcome}" in page.text


def test_passing_redirects_back_with_the_token_and_completes_the_validation(
    client: httpx.Client,
) -> None:
    created = create_example_validation(client, redirectUrl=RETURN_TO)
    answer = submit(client, created, outcome="pass")
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_TO.split("?")[0]
    assert query["step"] == ["2"]
    assert query["type"] == ["login"]
    assert query["token"][0].startswith("ey")
    stored = client.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert stored["status"] == "completed"
    events = [d["type"] for d in client.get("/__mock__/webhooks").json()["data"]]
    assert "onboarding_biometric_validation_completed" in events


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({"outcome": "fail_liveness", "livenessScore": "0.2"}, 409, "LIVENESS_FAILED"),
        ({"outcome": "expire"}, 409, "LIVENESS_SESSION_EXPIRED"),
    ],
)
def test_a_refused_capture_shows_its_code_and_links_back_with_it(
    client: httpx.Client, form: dict[str, str], status: int, code: str
) -> None:
    created = create_example_validation(client, redirectUrl=RETURN_TO)
    answer = submit(client, created, **form)
    assert answer.status_code == status
    assert code in answer.text
    assert f"error={code}" in answer.text
    stored = client.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert stored["status"] in {"failed", "expired"}


def test_no_match_on_a_login_for_a_stranger(client: httpx.Client) -> None:
    flow = client.get("/v2/project-flows?type=login").json()["data"][0]
    created = client.post(
        "/v2/biometric-validations",
        json={"project": flow["project"], "projectFlow": flow["_id"],
              "identifier": "stranger@example.com", "type": "login"},
    ).json()["data"]  # fmt: skip
    answer = submit(client, created, outcome="no_match")
    assert answer.status_code == 404
    assert "PERSON_NOT_FOUND" in answer.text


def test_without_redirect_url_the_page_shows_the_token(client: httpx.Client) -> None:
    created = create_example_validation(client)
    answer = submit(client, created, outcome="pass")
    assert answer.status_code == 200
    assert "Verified" in answer.text


def test_a_bad_form_or_an_unknown_validation_is_refused_in_the_envelope(
    client: httpx.Client,
) -> None:
    created = create_example_validation(client)
    bad_form = client.post(created["url"], data={"outcome": "dance"})
    assert_error(bad_form, 409, "MISSING_PARAMETER")
    assert "outcome" in bad_form.json()["error"]
    assert_error(client.get("/__mock__/hosted/nobody/nothing"), 404, "TENANT_NOT_FOUND")


@pytest.mark.parametrize(
    ("language", "subject"), [("en", "Verify your identity"), ("es", "Verifica tu identidad")]
)
def test_send_via_email_puts_the_invitation_in_the_outbox(
    client: httpx.Client, language: str, subject: str
) -> None:
    created = create_example_validation(
        client, sendViaEmail=True, email="ana@example.com", language=language
    )
    outbox = get_answer(client, "/__mock__/emails", "EmailOutbox")["data"]
    assert len(outbox) == 1
    assert outbox[0]["to"] == "ana@example.com"
    assert outbox[0]["subject"] == subject
    assert outbox[0]["link"] == created["url"]
    assert outbox[0]["biometricValidation"] == created["_id"]


def test_no_email_without_send_via_email(client: httpx.Client) -> None:
    create_example_validation(client)
    assert get_answer(client, "/__mock__/emails", "EmailOutbox")["data"] == []


SECRET = "hosted-secret"


def test_once_completed_the_page_shows_the_outcome_instead_of_the_form(
    client: httpx.Client,
) -> None:
    created = create_example_validation(client)
    submit(client, created, outcome="pass")
    page = httpx.get(created["url"])
    assert page.status_code == 200
    assert "completed" in page.text
    assert "<form" not in page.text
    assert "value=pass" not in page.text


def test_an_expired_session_shows_its_outcome_too(client: httpx.Client) -> None:
    created = create_example_validation(client)
    client.post("/__mock__/clock/advance", json={"minutes": 11})
    page = httpx.get(created["url"])
    assert "<form" not in page.text
    assert "no longer be sent" in page.text


def test_a_photo_uploaded_without_javascript_is_the_capture(client: httpx.Client) -> None:
    created = create_example_validation(client)
    answer = client.post(
        created["url"],
        data={"outcome": "pass", "image": ""},  # the hidden field the script would fill
        files={"photo": ("spoof.png", sample_image("face-spoof"), "image/png")},
        headers=BROWSER,
    )
    assert answer.status_code == 409
    assert "LIVENESS_FAILED" in answer.text  # face-spoof.png carries liveness 0.30
    assert "liveness_failed@0.30" in answer.text


def test_the_form_posts_multipart_with_a_named_file_input(client: httpx.Client) -> None:
    page = httpx.get(create_example_validation(client)["url"]).text
    assert "enctype=multipart/form-data" in page
    assert "type=file name=photo" in page


@pytest.fixture
def signed(mock_with: MockWith) -> Iterator[httpx.Client]:
    """A client of a mock started with ``--signing-secret``."""
    mock = mock_with(Settings(signing_secret=SECRET))
    token = tokens.encode({"clientId": "hosted-tenant"}, SECRET)
    with httpx.Client(base_url=mock.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        yield http


def test_with_a_signing_secret_the_page_opens_only_to_its_own_token(
    signed: httpx.Client,
) -> None:
    created = create_example_validation(signed)
    other = create_example_validation(signed)
    bare = created["url"].split("?")[0]
    assert httpx.get(created["url"]).status_code == 200
    assert_error(httpx.get(bare), 403, "TOKEN_NOT_RIGHT")
    wrong = f"{bare}?{urlsplit(other['url']).query}"
    assert_error(httpx.get(wrong), 403, "TOKEN_NOT_RIGHT")
    assert_error(httpx.post(bare, data={"outcome": "pass"}), 403, "TOKEN_NOT_RIGHT")
    stored = signed.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert stored["status"] == "new"


def test_a_capture_acknowledged_while_its_tenant_was_evicted_is_kept(tmp_path: Path) -> None:
    """The hosted form arrives slowly and the tenant is evicted meanwhile (--max-tenants 1,
    with a state file): the capture still lands on the kept tenant, never on a lost copy."""
    settings = Settings(max_tenants=1, state_file=tmp_path / "state.sqlite")
    with (
        serve_in_thread(create_app(settings)) as mock,
        httpx.Client(base_url=mock.base_url, headers={"Authorization": "Bearer a"}) as team_a,
        socket.create_connection((mock.host, mock.port), timeout=10) as browser,
    ):
        created = create_example_validation(team_a)
        target = urlsplit(created["url"])
        form = b"outcome=pass"
        browser.sendall(
            b"POST %b?%b HTTP/1.1\r\nHost: %b\r\nContent-Type: "
            b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%b"
            % (target.path.encode(), target.query.encode(),
               f"127.0.0.1:{mock.port}".encode(), len(form), form[:3])
        )  # fmt: skip
        time.sleep(0.2)
        httpx.get(f"{mock.base_url}/v2/projects", headers={"Authorization": "Bearer b"})
        browser.sendall(form[3:])
        answer = browser.recv(65536)
        stored = team_a.get(f"/v2/biometric-validations/{created['_id']}").json()["data"]
    assert answer.startswith(b"HTTP/1.1 200")
    assert stored["status"] == "completed"
