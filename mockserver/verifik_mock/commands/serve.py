"""``verifik-mock serve``: a long-running mock Verifik on loopback, with a ready token."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn

from verifik_mock import tokens
from verifik_mock.app import create_app
from verifik_mock.commands import serving
from verifik_mock.contract_file import WIRES
from verifik_mock.http.context import ServerContext
from verifik_mock.http.parsers import protocol_class
from verifik_mock.models import Project, ProjectFlow
from verifik_mock.redaction import redacted_url
from verifik_mock.settings import Settings
from verifik_mock.state import sqlite_file
from verifik_mock.state.tenant import TenantState

TOKEN_DAYS = 30
"""How long the printed token lasts when the mock checks tokens (Verifik's last 30 days)."""
DEMO_SECRET = "verifik-mock"
"""Signs the printed demo token when no ``--signing-secret`` is given (it is not checked)."""


def demo_token(settings: Settings) -> tuple[str, str]:
    """A ready-to-use client token for this seed, and the client id it names; signed with
    ``--signing-secret``, it expires in 30 days, as Verifik's do."""
    client_id = hashlib.sha256(f"demo:{settings.seed}".encode()).hexdigest()[:24]
    claims: dict[str, object] = {"clientId": client_id}
    if settings.signing_secret is not None:
        claims["exp"] = int(time.time()) + TOKEN_DAYS * 86400
    token = tokens.encode(claims, settings.signing_secret or DEMO_SECRET)
    return token, client_id


def banner(settings: Settings, context: ServerContext, base_url: str, server: str) -> str:
    """What ``serve`` prints on start: where it is, a token, and the seeded ids to use."""
    token, client_id = demo_token(settings)
    project, flows = asyncio.run(context.store.run(client_id, _project_and_flows, write=False))
    lines = [
        f"verifik-mock serving Verifik's biometric-validation API at {base_url}",
        f"  seed:     {settings.seed}",
        f"  wire:     {settings.wire}",
        f"  server:   {server}",
        f"  docs:     {base_url}/docs   (contract: {base_url}/openapi.json)",
        f"  token:    {token}",
        f"  project:  {project.id}",
        *(f"  flow:     {flow.id}  ({flow.type.value})" for flow in flows),
        "",
        "Try it:",
        f'  curl -s {base_url}/v2/biometric-validations -H "Authorization: Bearer {token}"',
    ]
    return "\n".join(lines)


def _project_and_flows(tenant: TenantState) -> tuple[Project, list[ProjectFlow]]:
    """The tenant's first project and its flows: the ids the banner offers."""
    project = next(iter(tenant.projects.values()))
    return project, [f for f in tenant.project_flows.values() if f.project == project.id]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` and its options."""
    serve = commands.add_parser("serve", help="serve a mock Verifik until interrupted")
    serve.set_defaults(run=run)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=port, default=8000, help="port, 1-65535 (default 8000)")
    serve.add_argument(
        "--public-url",
        type=public_url,
        help="where users reach the mock, e.g. http://mock.internal:8000 behind a proxy: the "
        "base of the links it builds and the origin its pages post from (default: the "
        "address it serves on)",
    )
    seeding = serve.add_mutually_exclusive_group()
    seeding.add_argument("--seed", type=int, default=0, help="world seed (default 0)")
    seeding.add_argument("--random", action="store_true", help="a fresh random seed each start")
    serve.add_argument(
        "--signing-secret",
        help="verify client tokens as HS256 JWTs signed with this secret, and key the "
        "liveness-session tokens with it, so none can be forged (default: any token works, "
        "for a trusted caller on loopback)",
    )
    serve.add_argument(
        "--state-file",
        type=Path,
        help="keep every tenant in this SQLite file across restarts (default: memory only)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="serve from N processes sharing --state-file or --store (default 1; needs one)",
    )
    serve.add_argument(
        "--store",
        metavar="redis://HOST:PORT/DB",
        help="keep every tenant in Redis, so any number of serve processes, on any number of "
        "machines, serve one state (default: memory, or --state-file)",
    )
    serve.add_argument(
        "--max-tenants",
        type=int,
        default=Settings.max_tenants,
        metavar="N",
        help="tenants kept in memory; past N the least recently used is evicted and seeded "
        f"afresh on its next request (default {Settings.max_tenants})",
    )
    serve.add_argument(
        "--seed-validations",
        type=int,
        default=0,
        metavar="N",
        help="seed each new tenant with N more validations, for load tests (default 0)",
    )
    serve.add_argument(
        "--page-examples",
        action="store_true",
        help="also seed each new tenant with the records Verifik's pages show, under the "
        "pages' ids (project_123456789, flow_123456789, ...), so the pages' own examples "
        "work as written (default off: every id is a 24-hex ObjectId, as Verifik's are)",
    )
    serve.add_argument(
        "--wire",
        choices=WIRES,
        default="pages",
        help="how answers look: 'pages', as Verifik's pages show them (default), or "
        "'observed', as real captures of its API do (contracts/verifik.observed.openapi.yaml); "
        "a tenant may choose its own with POST /__mock__/wire",
    )
    add_score_options(serve)
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log every request, as uvicorn's access log (default off: it costs throughput; "
        "the journal at /__mock__/journal keeps requests either way)",
    )


def port(text: str) -> int:
    """A port argument: a number from 1 to 65535."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {text}")
    return int(text)


def public_url(text: str) -> str:
    """A ``--public-url`` argument: an http(s) URL with no path, query or fragment."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(f"an http(s) URL such as http://mock:8000, not {text}")
    if parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"an http(s) URL such as http://mock:8000, not {text}")
    return text.rstrip("/")


def score(text: str) -> float:
    """A score argument: a number from 0 to 1."""
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a score is from 0 to 1, not {text}")
    return value


def add_score_options(serve: argparse.ArgumentParser) -> None:
    """The options that shape outcomes, sessions, webhooks and the control API."""
    scenarios = serve.add_argument_group("forced scores")
    scenarios.add_argument("--liveness-score", type=score, help="every capture's liveness score")
    scenarios.add_argument("--search-score", type=score, help="every capture's 1:N search score")
    scenarios.add_argument("--document-score", type=score, help="every document check's score")
    scenarios.add_argument(
        "--session-ttl-minutes", type=float, default=10, help="liveness session TTL (default 10)"
    )
    control = serve.add_argument_group("control API and webhooks")
    control.add_argument(
        "--admin-token",
        help="require X-Mock-Admin-Token on /__mock__ calls, and a sign-in for the dashboard",
    )
    control.add_argument(
        "--webhook-allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also send webhooks to HOST (loopback is always allowed); repeatable",
    )
    control.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also let a browser at ORIGIN call the mock (localhost is always allowed; * for any)",
    )
    control.add_argument("--webhook-attempts", type=int, default=4, help="tries per webhook")
    control.add_argument(
        "--webhook-timeout",
        type=float,
        default=5.0,
        help="seconds a webhook attempt may take, connecting and reading included",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """The server settings the command line asks for."""
    return Settings(
        seed=secrets.randbits(32) if args.random else args.seed,
        signing_secret=args.signing_secret,
        liveness_score=args.liveness_score,
        search_score=args.search_score,
        document_score=args.document_score,
        session_ttl=timedelta(minutes=args.session_ttl_minutes),
        admin_token=args.admin_token,
        webhook_allowed_hosts=tuple(args.webhook_allow_host),
        webhook_attempts=args.webhook_attempts,
        cors_origins=tuple(args.cors_origin),
        state_file=args.state_file.resolve() if args.state_file else None,
        store_url=args.store,
        public_url=args.public_url,
        max_tenants=args.max_tenants,
        webhook_timeout_seconds=args.webhook_timeout,
        seed_validations=args.seed_validations,
        page_examples=args.page_examples,
        wire=args.wire,
    )


def _redis_problem(url: str) -> str | None:
    """Why Redis at ``url`` cannot keep the state, if it cannot (redis-py imported only
    for a server that uses it)."""
    from verifik_mock.state.redis_engine import redis_problem

    return redis_problem(url)


def refusal(args: argparse.Namespace) -> str | None:
    """Why the options cannot be served, if they cannot."""
    if args.workers < 1:
        return f"--workers must be at least 1, not {args.workers}"
    if args.max_tenants < 1:
        return f"--max-tenants must be at least 1, not {args.max_tenants}"
    for flag, secret in (
        ("--signing-secret", args.signing_secret),
        ("--admin-token", args.admin_token),
    ):
        if secret is not None and not secret.strip():
            return f"{flag} is empty: it would let anyone in; give it a secret, or leave it out"
    if args.state_file and (problem := sqlite_file.folder_problem(args.state_file.resolve())):
        return f"--state-file {args.state_file}: {problem}"
    if args.store and args.state_file:
        return "--store and --state-file both keep the tenants: give one"
    if args.store and (problem := _redis_problem(args.store)):
        return f"--store {redacted_url(args.store)}: {problem}"
    if args.workers > 1 and args.state_file is None and args.store is None:
        return (
            f"--workers {args.workers} needs --state-file or --store: in memory, each worker "
            "would hold its own state, and a client would see different data from request to "
            "request. Add --state-file mock.sqlite (the workers share it), or serve one worker."
        )
    return None


def exposure_warning(args: argparse.Namespace) -> str | None:
    """What to say when the mock is reachable beyond this machine without both secrets."""
    if args.host in ("127.0.0.1", "localhost", "::1") or (args.signing_secret and args.admin_token):
        return None
    return (
        f"serving on {args.host} without --signing-secret and --admin-token: anyone who "
        "reaches it can act as any tenant and drive the control API (README: Two trust modes)"
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    if (problem := refusal(args)) is not None:
        print(f"verifik-mock serve: {problem}", file=sys.stderr)
        return 2
    owner = sqlite_file.claim(args.state_file.resolve()) if args.state_file else None
    if args.state_file and owner is None:
        print(
            f"verifik-mock serve: {args.state_file} is already served by another verifik-mock; "
            "two would overwrite each other's data. Stop it, or serve another --state-file "
            "(several processes: --workers N).",
            file=sys.stderr,
        )
        return 2
    if owner is not None and (problem := sqlite_file.file_problem(args.state_file.resolve())):
        owner.close()
        print(f"verifik-mock serve: --state-file {args.state_file}: {problem}", file=sys.stderr)
        return 2
    settings = dataclasses.replace(settings_from(args), shared_state=args.workers > 1)
    app = create_app(settings)
    host = f"[{args.host}]" if ":" in args.host else args.host
    server = serving.fastest_server(args.access_log)
    base_url = f"http://{host}:{args.port}"
    shared = redacted_url(args.store) if args.store else args.state_file  # no password shown
    workers = f", {args.workers} worker processes sharing {shared}"
    description = server.describe() + (workers if args.workers > 1 else "")
    print(banner(settings, app.state.context, base_url, description), flush=True)
    serving.tune_collector()
    serving.redact_access_log()
    if (warning := exposure_warning(args)) is not None:
        print(f"verifik-mock serve: warning: {warning}", file=sys.stderr)
    if args.workers > 1:
        serving.hand_to_workers(settings)
    with owner or contextlib.nullcontext():  # the state file is ours until the server stops
        uvicorn.run(
            f"{serving.__name__}:worker_app" if args.workers > 1 else app,
            factory=args.workers > 1,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            http=protocol_class(server.http),
            loop=server.loop,
            access_log=server.access_log,
            # X-Forwarded-* from any client would rewrite the links the mock builds;
            # behind a proxy, --public-url says where users reach it.
            proxy_headers=False,
        )
    return 0
