"""Fuzzing a real server: thousands of odd requests over every route, in the default and a
hardened configuration, each answer held to the README's promises.

The README says no input but ``X-Mock-Fault`` makes the mock answer 5xx, every error is
``{"success": false, "error", "code"}``, and an unknown ``X-Mock-*`` header is refused. The
requests come from a fixed seed, so a failure here fails the same way on the next run.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
import pytest
from starlette.types import Receive, Scope, Send

from tests.answers import seeded_flow
from tests.fuzzing import (
    NO_ANSWER,
    NOT_ENVELOPE,
    UNKNOWN_HEADER_ACCEPTED,
    UNKNOWN_ID,
    UNREQUESTED_5XX,
    Answer,
    FuzzCase,
    FuzzRun,
    OneTracebackPerCrashSite,
    World,
    endpoints_of,
    failures_of,
    missing_baselines,
    plan,
    report,
    send,
    send_all,
)
from tests.test_error_codes import listed_codes
from verifik_mock import Settings, create_app
from verifik_mock.data_files import data_folder
from verifik_mock.http.dashboard_actions import ACTIONS
from verifik_mock.server import serve_in_thread
from verifik_mock.tokens import encode

SEED = 20261130
REQUESTS_PER_CONFIG = 3_000
SECONDS_PER_CONFIG = 45.0
"""Each configuration stops after this long, whatever it has sent: 90 s at most in all."""
MINIMUM_SENT = 5_000
SIGNING_SECRET = "fuzz-secret"
ADMIN_TOKEN = "fuzz-admin"
JOURNAL_SIZE = 20_000
"""More than a run's requests and webhook attempts: its journal keeps every answer."""
CONFIGS = {
    "default": Settings(journal_size=JOURNAL_SIZE),
    "hardened": Settings(
        signing_secret=SIGNING_SECRET, admin_token=ADMIN_TOKEN, journal_size=JOURNAL_SIZE
    ),
}
TENANTS = ("api", "state", "faults")
SESSIONS = 20
"""Validations created before the fuzz, so some validate calls have an unused session."""
RETURN_URLS = (
    "https://app.example/after-verifik?step=2",
    "http://user:secret@127.0.0.1:1/back",
    "http://127.0.0.1:1/?a=%ZZ",
    "http://127.0.0.1:1/back#fragment",
    "https://app.example/?type=login&token=stale",
)
"""Where the fuzz's hosted pages send the user back: odd parts the page's own query joins."""


def client_token(client_id: str, settings: Settings) -> str:
    """A JWT naming ``client_id``, signed as ``settings`` wants (unchecked by default)."""
    return encode({"clientId": client_id}, settings.signing_secret or "unsigned")


def listed_ids(http: httpx.Client, path: str) -> tuple[str, ...]:
    """The ids of the first 100 records the list at ``path`` answers."""
    response = http.get(path, params={"limit": 100})
    assert response.status_code == 200, response.text
    return tuple(record["_id"] for record in response.json()["data"])


def created_validations(http: httpx.Client) -> list[dict[str, Any]]:
    """Fresh validations, with unused sessions for validate and hosted pages to open; some
    return to a ``redirectUrl`` with odd parts, which the hosted page then appends to."""
    flow = seeded_flow(http, "validation")
    body = {"project": flow["project"], "projectFlow": flow["_id"], "type": "validation"}
    returns: list[dict[str, str]] = [{}, *({"redirectUrl": url} for url in RETURN_URLS)]
    answers = [
        http.post(
            "/v2/biometric-validations",
            json=body | {"identifier": f"s{n}@x.co"} | returns[n % len(returns)],
        )
        for n in range(SESSIONS)
    ]
    created = [answer.json()["data"] for answer in answers if answer.status_code == 200]
    assert created, answers[0].text
    return created


def gather_world(base_url: str, settings: Settings) -> World:
    """The ids, tokens and names a running server holds, for the fuzz's valid requests."""
    tokens = {tenant: client_token(f"fuzz-{tenant}", settings) for tenant in TENANTS}
    headers = {"Authorization": f"Bearer {tokens['api']}", "X-Mock-Admin-Token": ADMIN_TOKEN}
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
        created = created_validations(http)
        docs = http.get("/docs").text
        ids = {
            "validation": listed_ids(http, "/v2/biometric-validations"),
            "document": listed_ids(http, "/v2/document-liveness"),
            "project": listed_ids(http, "/v2/projects"),
            "flow": listed_ids(http, "/v2/project-flows"),
            "delivery": tuple(d["id"] for d in http.get("/__mock__/webhooks").json()["data"]),
            "asset": tuple(sorted(set(re.findall(r"docs/assets/([\w.-]+)\?", docs)))),
        }
    fixtures = sorted(path.stem for path in (data_folder("fixtures") / "scenarios").glob("*.json"))
    return World(
        tokens=tokens,
        client_ids={tenant: f"fuzz-{tenant}" for tenant in TENANTS},
        signing_secret=settings.signing_secret,
        admin_token=settings.admin_token,
        ids=ids | {"fixture": tuple(fixtures), "client": ("fuzz-api",), "action": tuple(ACTIONS)},
        session_tokens=tuple(validation["token"] for validation in created),
        hosted_pages=tuple(
            urlsplit(validation["url"])._replace(scheme="", netloc="").geturl()
            for validation in created
        ),
    )


@pytest.fixture(scope="module")
def crash_sites() -> Iterator[OneTracebackPerCrashSite]:
    """uvicorn's log of server errors, one traceback per crash site: each dropped connection
    the fuzz asks for, and each repeat of a crash, would log one more."""
    logger = logging.getLogger("uvicorn.error")
    sites = OneTracebackPerCrashSite()
    logger.addFilter(sites)
    yield sites
    logger.removeFilter(sites)


@pytest.fixture(scope="module")
def fuzz_runs(crash_sites: OneTracebackPerCrashSite) -> list[FuzzRun]:
    """The fuzz, run once for the module: each configuration on a server of its own."""
    runs = []
    for number, (config, settings) in enumerate(CONFIGS.items()):
        app = create_app(settings)
        with serve_in_thread(app) as server:
            world = gather_world(server.base_url, settings)
            cases = plan(endpoints_of(app), world, SEED + number, REQUESTS_PER_CONFIG)
            run = send_all(config, cases, server.port, SECONDS_PER_CONFIG)
        run.journal = app.state.context.journal.newest(None, JOURNAL_SIZE)  # the server is done
        runs.append(run)
    return runs


def summary(runs: list[FuzzRun]) -> str:
    """How many requests each configuration sent, in how long."""
    return "; ".join(
        f"{run.config}: {run.sent} requests in {run.seconds:.1f} s, {run.resets} asked-for "
        f"resets{' (stopped at the time cap)' if run.stopped_early else ''}"
        for run in runs
    )


def test_fuzz_sends_at_least_5000_requests_within_its_time_cap(fuzz_runs: list[FuzzRun]) -> None:
    """The time cap stops a slow run early; too early, and the fuzz would prove little."""
    assert sum(run.sent for run in fuzz_runs) >= MINIMUM_SENT, summary(fuzz_runs)


def test_fuzzed_requests_get_no_5xx_they_did_not_ask_for(
    fuzz_runs: list[FuzzRun], crash_sites: OneTracebackPerCrashSite
) -> None:
    """A 5xx only for ``X-Mock-Fault``; a dropped connection only for ``reset``."""
    if failures_of(fuzz_runs, UNREQUESTED_5XX, NO_ANSWER):
        sites = "".join(f"\n  {n} x {site}" for site, n in crash_sites.sites.most_common())
        report_lines = [report(fuzz_runs, check) for check in (UNREQUESTED_5XX, NO_ANSWER)]
        lines = [summary(fuzz_runs), *report_lines, f"Crash sites the server logged:{sites}"]
        pytest.fail("\n".join(lines), pytrace=False)


def test_fuzzed_requests_get_every_error_in_the_envelope(fuzz_runs: list[FuzzRun]) -> None:
    """No request asks for HTML (``Accept: text/html``), so no error may come as a page."""
    if failures_of(fuzz_runs, NOT_ENVELOPE):
        pytest.fail(report(fuzz_runs, NOT_ENVELOPE), pytrace=False)


def test_fuzzed_requests_with_an_unknown_x_mock_header_are_refused(
    fuzz_runs: list[FuzzRun],
) -> None:
    """A misspelt ``X-Mock-*`` header would otherwise be silently ignored."""
    if failures_of(fuzz_runs, UNKNOWN_HEADER_ACCEPTED):
        pytest.fail(report(fuzz_runs, UNKNOWN_HEADER_ACCEPTED), pytrace=False)


def test_fuzzed_errors_carry_only_the_codes_their_operation_lists(
    fuzz_runs: list[FuzzRun],
) -> None:
    """An error of a status an operation documents carries a code its
    ``x-verifik-error-codes`` lists for that status (faults, and statuses it does not
    document, are other checks' business)."""
    listed: dict[tuple[str | None, int | None], set[str | None]] = {}
    for code in listed_codes():
        listed.setdefault((code.operation_id, code.status), set()).add(code.code)
    unlisted = Counter(
        f"{run.config}: {answer.operation} {answer.status} {answer.code}"
        for run in fuzz_runs
        for answer in run.journal
        if answer.kind == "request"
        and answer.fault is None
        and answer.code not in listed.get((answer.operation, answer.status), {answer.code})
    )
    assert not unlisted, unlisted.most_common()


def test_every_route_the_app_serves_has_a_valid_fuzz_request() -> None:
    """A route without one is fuzzed only from a request it refuses anyway."""
    assert missing_baselines(endpoints_of(create_app(Settings()))) == []


Seen = tuple[str, bytes, list[tuple[bytes, bytes]], bytes]
FRAMING = {b"host", b"content-length", b"transfer-encoding"}
"""Headers the HTTP client adds to frame the request: not the fuzz's to compare."""


def as_sent(case: FuzzCase) -> Seen:
    """What the server should see of ``case``: method, target, headers (lower-cased names,
    in order), body."""
    headers = [(name.lower(), value) for name, value in case.headers]
    return (case.method, case.target, headers, case.body)


class RecordingApp:
    """An ASGI app that keeps each request's method, target, headers and body."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Record the request, answer 204."""
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        target = scope["raw_path"] + (
            b"?" + scope["query_string"] if scope["query_string"] else b""
        )
        headers = [(name, value) for name, value in scope["headers"] if name not in FRAMING]
        with self.lock:
            self.seen.append((scope["method"], target, headers, body))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_fuzzed_requests_reach_the_server_byte_for_byte() -> None:
    """The fuzz tests what it says only if its odd bytes arrive as built: nothing in the
    client or uvicorn resolves ``..``, re-encodes the target or drops a header."""
    app, settings = RecordingApp(), CONFIGS["hardened"]
    world = World(
        tokens={tenant: client_token(f"fuzz-{tenant}", settings) for tenant in TENANTS},
        client_ids={tenant: f"fuzz-{tenant}" for tenant in TENANTS},
        signing_secret=SIGNING_SECRET,
        admin_token=ADMIN_TOKEN,
        ids={
            "validation": (UNKNOWN_ID,),
            "project": (UNKNOWN_ID,),
            "flow": (UNKNOWN_ID,),
            "action": tuple(ACTIONS),
        },
        session_tokens=(client_token("session", settings),),
        hosted_pages=(f"/__mock__/hosted/fuzz-api/{UNKNOWN_ID}?token=t",),
    )
    cases = list(plan(endpoints_of(create_app(settings)), world, SEED, REQUESTS_PER_CONFIG))
    with serve_in_thread(app) as server, httpcore.ConnectionPool() as pool:
        answers = [send(pool, server.port, case) for case in cases]
    refused = [
        (case, answer)
        for case, answer in zip(cases, answers, strict=True)
        if answer != Answer(204, "", b"")
    ]
    assert not refused, refused[:5]
    changed = [
        (case, seen) for case, seen in zip(cases, app.seen, strict=True) if seen != as_sent(case)
    ]
    assert not changed, changed[:5]
