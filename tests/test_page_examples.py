"""Verifik's pages' own request examples, with only the host changed, against the mock.

Verifik refuses the pages' placeholder ids, and so does a fresh tenant of the mock: its ids
are all 24-hex ObjectIds. With the pages' example records (``serve --page-examples``, or the
control call ``POST /__mock__/fixtures/page-examples`` on one tenant), each example answers
as its page says.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.answers import Json, assert_error, get_answer, load_page_examples
from tests.conftest import MockWith
from tests.contract_schema import assert_matches_schema
from verifik_mock import Settings
from verifik_mock.contract_file import WIRES, Wire
from verifik_mock.server import RunningServer
from verifik_mock.testing import VerifikMock

TINY_PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg"
    "=="
)
PAGES = Path(__file__).with_name("verifik_pages")
"""Verifik's pages, copied into the repository (tests read nothing outside it)."""
PAGE_TOKENS = ("YOUR_ACCESS_TOKEN", "<your_token>")
"""The tokens the pages' examples send."""
OBJECT_ID = re.compile(r"[0-9a-f]{24}")
ID_FIELDS = frozenset(
    {"_id", "client", "project", "projectFlow", "livenessSession", "appRegistration",
     "assignedCollection"}
)  # fmt: skip
"""The fields that hold a record's id, or the id of a record it refers to."""
WIRE_ID_FIELDS: dict[Wire, frozenset[str]] = {
    "pages": ID_FIELDS,
    "observed": ID_FIELDS - {"appRegistration"},  # captured document-liveness records name none
}
"""The id fields each wire's lists hold."""
PLACEHOLDERS = (
    "123456789",
    "base64_encoded_image",
    "biometric_template_data",
    "Example Project",
    "Example Flow",
)
"""What only the pages' example records hold: their ids' common part, and their stand-ins
for a face, a template and names."""
API_LISTS: dict[str, dict[Wire, str]] = {
    "/v2/biometric-validations": {
        "pages": "BiometricValidationList", "observed": "BiometricValidationPage"
    },
    "/v2/document-liveness": {"pages": "DocumentLivenessList", "observed": "DocumentLivenessPage"},
    "/v2/projects": {"pages": "ProjectList", "observed": "ProjectPage"},
    "/v2/project-flows": {"pages": "ProjectFlowList", "observed": "ProjectFlowPage"},
}  # fmt: skip
"""The API's lists of a tenant's records, and their schema in each wire's contract."""
CONTROL_LISTS = {
    "/__mock__/scenarios": "ScenarioRuleList",
    "/__mock__/webhooks": "WebhookDeliveryList",
    "/__mock__/emails": "EmailOutbox",
    "/__mock__/journal": "JournalList",
}
"""The control API's lists, which answer in the pages' contract on either wire."""
EVERY_LIST = list(API_LISTS)
EVERY_RELATION = {
    "/v2/biometric-validations": ["client", "project", "projectFlow", "livenessSession"],
    "/v2/document-liveness": ["client", "appRegistration"],
}
"""The relations each list populates, so the records they refer to are read too."""


def page_snippet(page: str, first_line: str, last_line: str) -> str:
    """The code of ``page`` from the line ``first_line`` to the line ``last_line``."""
    lines = (PAGES / page).read_text(encoding="utf-8").splitlines()
    start = lines.index(first_line)
    end = lines.index(last_line, start)
    return "\n".join(lines[start : end + 1])


def create_page_body() -> Json:
    """The create page's request body, as its examples write it."""
    snippet = page_snippet("create-biometric-validation.txt", "CURLOPT_POSTFIELDS =>'{", "}',")
    body: Json = json.loads(snippet.removeprefix("CURLOPT_POSTFIELDS =>'").removesuffix("',"))
    return body


def page_response(page: str) -> Json:
    """The success answer ``page`` shows: the JSON object after its "Response" heading."""
    lines = (PAGES / page).read_text(encoding="utf-8").splitlines()
    heading = next(n for n, line in enumerate(lines) if line.rstrip("β") == "Response")
    start = lines.index("{", heading)
    for end in range(start + 1, len(lines)):
        try:
            answer: Json = json.loads("\n".join(lines[start : end + 1]))
        except json.JSONDecodeError:
            continue
        return answer
    raise AssertionError(f"{page} shows no JSON answer after its Response heading")


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout


# ---- without the page examples: Verifik's ids only -----------------------------------------


def ids_in(answer: Any) -> Iterator[tuple[str, str]]:
    """Every (field, id) in ``answer``, however deep: records, and the records they populate."""
    if isinstance(answer, dict):
        for name, value in answer.items():
            if name in ID_FIELDS and isinstance(value, str):
                yield name, value
            yield from ids_in(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from ids_in(value)


def fresh_tenant_reads(wire: Wire) -> Iterator[tuple[str, str, Wire, dict[str, Any]]]:
    """Each list a fresh tenant answers (path, schema, the schema's contract, query): the
    API's whole, as they are and with every relation populated, and the control API's."""
    for path, schemas in API_LISTS.items():
        yield path, schemas[wire], wire, {"limit": 100}
        if path in EVERY_RELATION:
            yield path, schemas[wire], wire, {"limit": 100, "populates[]": EVERY_RELATION[path]}
    for path, schema in CONTROL_LISTS.items():
        yield path, schema, "pages", {}


def page_count(answer: Json) -> int:
    """How many pages the list ``answer`` says there are, wherever its wire writes it."""
    for counts in (answer.get("pagination"), answer.get("data"), answer):
        if isinstance(counts, dict) and "pages" in counts:
            return int(counts["pages"])
    return 1  # a control list: all in one answer


@pytest.mark.parametrize("wire", WIRES)
def test_a_fresh_tenant_lists_only_object_ids_and_no_placeholder(
    mock_with: MockWith, wire: Wire
) -> None:
    base_url = mock_with(Settings(wire=wire)).base_url
    headers = {"Authorization": f"Bearer fresh-{uuid.uuid4().hex}"}
    checked: set[str] = set()
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
        for path, schema, contract, params in fresh_tenant_reads(wire):
            response = http.get(path, params=params)
            assert response.status_code == 200, response.text
            answer = response.json()
            assert_matches_schema(answer, schema, contract)

            assert page_count(answer) <= 1, path
            ids = list(ids_in(answer))
            assert [(name, value) for name, value in ids if not OBJECT_ID.fullmatch(value)] == []
            text = json.dumps(answer)
            assert [placeholder for placeholder in PLACEHOLDERS if placeholder in text] == []
            checked |= {name for name, _ in ids}
    assert checked == WIRE_ID_FIELDS[wire]


def test_a_fresh_tenant_answers_the_pages_ids_as_verifik_does(client: httpx.Client) -> None:
    assert_error(
        client.get("/v2/biometric-validations/biometric_validation_123456789"),
        404,
        "BIOMETRIC_VALIDATION_NOT_FOUND",
    )
    assert_error(
        client.get("/v2/document-liveness/document_liveness_123456789"),
        404,
        "DOCUMENT_LIVENESS_NOT_FOUND",
    )
    assert_error(client.get("/v2/project-flows/flow_123456789"), 404, "PROJECT_FLOW_NOT_FOUND")


def test_the_create_pages_python_example_is_refused_without_the_page_examples(
    server: RunningServer,
) -> None:
    code = page_snippet(
        "create-biometric-validation.txt", "import requests", "print(response.text)"
    )
    code = code.replace("https://api.verifik.co", server.base_url)
    code = code.replace("YOUR_ACCESS_TOKEN", f"pages-refused-{uuid.uuid4().hex}")

    body = json.loads(run_python(code))

    assert_matches_schema(body, "ErrorResponse")
    assert body["code"] == "INVALID_PROJECT_FLOW"


# ---- with the page examples: each page's example answers as its page says ------------------


@dataclass(frozen=True)
class PagesMock:
    """A mock whose tenants named by the pages' tokens hold the pages' example records."""

    server: RunningServer
    token: str | None
    """The token to send instead of the pages' own (None: theirs, as written)."""

    def with_token(self, code: str) -> str:
        """A page's example ``code`` with this mock's token in place of the page's."""
        for page_token in PAGE_TOKENS:
            code = code.replace(page_token, self.token or page_token)
        return code

    def http(self) -> httpx.Client:
        """A client of the mock, with the token of the pages' examples."""
        headers = {"Authorization": f"Bearer {self.token or PAGE_TOKENS[0]}"}
        return httpx.Client(base_url=self.server.base_url, headers=headers, timeout=10)


@pytest.fixture(params=["serve --page-examples", "control call"])
def pages_mock(
    request: pytest.FixtureRequest, server: RunningServer, mock_with: MockWith
) -> PagesMock:
    """A mock started with the page examples for every tenant, or the shared one with them
    loaded into a tenant of this test's own by the control call."""
    if request.param == "serve --page-examples":
        return PagesMock(mock_with(Settings(page_examples=True)), None)
    mock = PagesMock(server, f"pages-{uuid.uuid4().hex}")
    with mock.http() as http:
        load_page_examples(http)
    return mock


def test_create_page_python_example_creates_a_validation(pages_mock: PagesMock) -> None:
    code = page_snippet(
        "create-biometric-validation.txt", "import requests", "print(response.text)"
    )
    code = code.replace("https://api.verifik.co", pages_mock.server.base_url)
    body = json.loads(run_python(pages_mock.with_token(code)))
    assert_matches_schema(body, "CreatedBiometricValidationResponse")
    shown = page_response("create-biometric-validation.txt")["data"]
    assigned = {"_id", "client", "createdAt", "updatedAt"}  # the mock's own, as Verifik's are
    assert {k: v for k, v in body["data"].items() if k in shown.keys() - assigned} == {
        k: v for k, v in shown.items() if k not in assigned
    }


def test_retrieve_page_example_answers_the_pages_record(pages_mock: PagesMock) -> None:
    params = {"populates[]": ["client", "project", "projectFlow"], "sort": "-createdAt"}
    path = "/v2/biometric-validations/biometric_validation_123456789"
    with pages_mock.http() as http:
        answer = get_answer(http, path, "BiometricValidationResponse", limit=10, **params)
    shown = page_response("retrieve-biometric-validation.txt")["data"]
    populated_client = answer["data"].pop("client")
    del shown["client"]  # each tenant is a client of its own
    assert answer["data"] == shown
    assert set(populated_client) == {"_id", "name", "email"}


def test_list_document_liveness_page_python_example_answers_the_pages_record(
    pages_mock: PagesMock,
) -> None:
    code = page_snippet(
        "list-document-liveness.txt", "import http.client", 'print(data.decode("utf-8"))'
    )
    server = pages_mock.server
    code = code.replace(
        'http.client.HTTPSConnection("api.verifik.co")',
        f'http.client.HTTPConnection("{server.host}", {server.port})',
    )
    body = json.loads(run_python(pages_mock.with_token(code)))
    assert_matches_schema(body, "DocumentLivenessList")
    assert {record["status"] for record in body["data"]} == {"completed"}
    newest, shown = body["data"][0], page_response("list-document-liveness.txt")["data"][0]
    del newest["client"], shown["client"]
    assert newest == shown


@pytest.mark.parametrize("how", ["serve --wire observed --page-examples", "control call"])
def test_the_page_examples_answer_on_the_observed_wire_too(mock_with: MockWith, how: str) -> None:
    with_examples = how != "control call"
    mock = mock_with(Settings(wire="observed", page_examples=with_examples))
    headers = {"Authorization": f"Bearer observed-{uuid.uuid4().hex}"}
    with httpx.Client(base_url=mock.base_url, headers=headers, timeout=10) as http:
        if not with_examples:
            load_page_examples(http)
        path = "/v2/biometric-validations/biometric_validation_123456789"
        retrieved = http.get(path)
        created = http.post("/v2/biometric-validations", json=create_page_body())

    assert retrieved.status_code == 200, retrieved.text
    assert_matches_schema(retrieved.json(), "BiometricValidationRecord", "observed")
    assert retrieved.json()["data"]["projectFlow"] == "flow_123456789"
    assert created.status_code == 200, created.text
    assert_matches_schema(created.json(), "CreatedBiometricValidationAnswer", "observed")


def test_loading_the_page_examples_again_changes_nothing(client: httpx.Client) -> None:
    first = load_page_examples(client)
    before = {path: client.get(path, params={"limit": 100}).content for path in EVERY_LIST}

    again = load_page_examples(client)

    assert again == first
    assert {path: client.get(path, params={"limit": 100}).content for path in EVERY_LIST} == before


@pytest.mark.parametrize("page_examples", [False, True], ids=["default", "page-examples"])
def test_the_handle_works_on_the_seeded_flows_never_the_pages(
    mock_with: MockWith, page_examples: bool
) -> None:
    mock = mock_with(Settings(page_examples=page_examples))
    with httpx.Client(base_url=mock.base_url, timeout=10) as http:
        handle = VerifikMock(http, f"handle-{uuid.uuid4().hex}")
        created = handle.create_biometric_validation("ana@example.com", type="onboarding")

    assert set(handle.project_flows) == {"validation", "login", "onboarding"}
    assert all(OBJECT_ID.fullmatch(flow["_id"]) for flow in handle.project_flows.values())
    assert OBJECT_ID.fullmatch(handle.project)
    assert created["projectFlow"] == handle.project_flows["onboarding"]["_id"]


# ---- the validate page ----------------------------------------------------------------------


def validate_page_curl(server: RunningServer) -> str:
    """The validate page's curl command, pointed at ``server``."""
    command = page_snippet(
        "validate-app-login.txt",
        "curl -X POST https://api.verifik.co/v2/biometric-validations/validate \\",
        "  }'",
    )
    return command.replace("https://api.verifik.co", server.base_url)


def run_curl(command: str) -> str:
    """Run a page's curl command (its line continuations joined) and return what it printed."""
    arguments = shlex.split(command.replace("\\\n", " "))
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=30, check=True)
    return done.stdout


def test_validate_page_curl_example_as_written_is_refused_for_its_placeholder_token(
    server: RunningServer,
) -> None:
    body = json.loads(run_curl(validate_page_curl(server)))
    assert_matches_schema(body, "ErrorResponse")
    assert body["code"] == "TOKEN_NOT_RIGHT"


def test_validate_page_curl_example_with_a_session_token_and_image_validates(
    server: RunningServer, client: httpx.Client
) -> None:
    flow = client.get("/v2/project-flows?type=onboarding").json()["data"][0]
    created = client.post(
        "/v2/biometric-validations",
        json={
            "project": flow["project"],
            "projectFlow": flow["_id"],
            "identifier": "ana@example.com",
            "type": "onboarding",
        },
    ).json()["data"]
    command = validate_page_curl(server)
    command = command.replace("YOUR_ACCESS_TOKEN", created["token"]).replace(
        '"..."', f'"{TINY_PNG_BASE64}"'
    )
    body = json.loads(run_curl(command))
    assert_matches_schema(body, "ValidateResponse")
    assert body["data"]["appLogin"]["status"] == "validated"
    assert body["data"]["livenessSession"]["status"] == "completed"
