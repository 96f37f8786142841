"""Headers no operation should read are refused before any does: oversized, an unknown
``X-Mock-*`` header, or bytes beyond ASCII where a token or a number belongs."""

from __future__ import annotations

import httpx
import pytest

from tests.answers import assert_error
from tests.conftest import MockWith
from verifik_mock import Settings, tokens

SECRET = "guard-secret"


def test_an_authorization_header_over_8_kb_answers_431_in_the_envelope(
    client: httpx.Client,
) -> None:
    answer = client.get("/v2/projects", headers={"Authorization": "Bearer " + "a" * 9000})
    body = assert_error(answer, 431, "HEADER_TOO_LARGE")
    assert "authorization" in body["error"]


def test_a_token_just_under_the_limit_still_works(client: httpx.Client) -> None:
    answer = client.get("/v2/projects", headers={"Authorization": "Bearer " + "a" * 8000})
    assert answer.status_code == 200


@pytest.mark.parametrize("header", ["X-Mock-Faults", "X-Mock-Livenes-Score", "X-Mock-Anything"])
def test_an_unknown_x_mock_header_is_refused_naming_it_and_the_known_ones(
    client: httpx.Client, header: str
) -> None:
    answer = client.get("/v2/projects", headers={header: "503"})
    body = assert_error(answer, 400, "INVALID_PARAMETERS")
    assert header.lower() in body["error"]
    assert "x-mock-fault" in body["error"]
    assert "x-mock-liveness-score" in body["error"]


def test_an_unknown_x_mock_header_is_refused_on_the_control_api_too(
    client: httpx.Client,
) -> None:
    assert_error(client.get("/__mock__/clock", headers={"X-Mock-Faults": "503"}), 400,
                 "INVALID_PARAMETERS")  # fmt: skip


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Mock-Latency-Ms", b"\xc2\xb2"),  # superscript two: str.isdigit() says yes
        ("X-Mock-Latency-Ms", "9" * 5000),  # past int()'s digit limit
        ("X-Mock-Fault", b"50\xff"),
        ("X-Mock-Liveness-Score", b"0.\xc2\xb2"),
    ],
    ids=["superscript-latency", "5000-digit-latency", "fault-byte", "score-byte"],
)
def test_an_x_mock_header_beyond_ascii_or_out_of_range_answers_400(
    client: httpx.Client, header: str, value: str | bytes
) -> None:
    raw = value if isinstance(value, bytes) else value.encode()
    answer = client.get("/v2/projects", headers={header.encode(): raw})
    assert_error(answer, 400, "INVALID_PARAMETERS")


def test_an_authorization_beyond_ascii_answers_401(client: httpx.Client) -> None:
    answer = client.get("/v2/projects", headers={b"Authorization": b"Bearer \xc2\xb2\xff"})
    assert_error(answer, 401, "UNAUTHORIZED")


def test_a_session_token_beyond_ascii_on_validate_answers_403(client: httpx.Client) -> None:
    answer = client.post(
        "/v2/biometric-validations/validate",
        json={"image": "iVBORw0KGgo="},
        headers={b"Authorization": b"Bearer ey\xff.\xfe.x"},
    )
    assert answer.status_code == 403
    assert answer.json()["success"] is False


def test_an_admin_token_beyond_ascii_is_refused_not_a_500(mock_with: MockWith) -> None:
    mock = mock_with(Settings(admin_token="adm1n"))
    answer = httpx.get(
        f"{mock.base_url}/__mock__/clock",
        headers={b"Authorization": b"Bearer t", b"X-Mock-Admin-Token": b"adm\xc3\xafn"},
    )
    assert_error(answer, 400, "INVALID_PARAMETERS")


def test_a_query_value_beyond_ascii_answers_400(client: httpx.Client) -> None:
    answer = client.get(f"{client.base_url}/__mock__/ui?refresh=%C2%B2")
    assert_error(answer, 400, "INVALID_PARAMETERS")
    assert_error(client.get("/v2/projects?limit=%C2%B2"), 400, "INVALID_PARAMETERS")


@pytest.mark.parametrize(
    "expiry", ["2099-01-01", "9999999999x", True, None, [1], float("nan")], ids=repr
)
def test_a_signed_token_whose_exp_is_not_a_number_answers_401(
    mock_with: MockWith, expiry: object
) -> None:
    mock = mock_with(Settings(signing_secret=SECRET))
    token = tokens.encode({"clientId": "exp-test", "exp": expiry}, SECRET)
    answer = httpx.get(f"{mock.base_url}/v2/projects", headers={"Authorization": f"Bearer {token}"})
    body = assert_error(answer, 401, "UNAUTHORIZED")
    assert "exp" in body["error"]


def test_a_signed_token_with_a_numeric_exp_in_the_future_works(mock_with: MockWith) -> None:
    mock = mock_with(Settings(signing_secret=SECRET))
    token = tokens.encode({"clientId": "exp-test", "exp": 4102444800}, SECRET)
    answer = httpx.get(f"{mock.base_url}/v2/projects", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
