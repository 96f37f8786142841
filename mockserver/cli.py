"""``verifik-mock``: the command line (``serve`` starts a mock Verifik on loopback)."""

from __future__ import annotations

import argparse
import hashlib
import secrets
import sys
from collections.abc import Sequence

import uvicorn

from mockserver import tokens
from mockserver.app import create_app
from mockserver.http.context import ServerContext
from mockserver.settings import Settings

DEMO_SECRET = "verifik-mock"
"""Signs the printed demo token when no ``--signing-secret`` is given (it is not checked)."""


def demo_token(settings: Settings) -> tuple[str, str]:
    """A ready-to-use client token for this seed, and the client id it names."""
    client_id = hashlib.sha256(f"demo:{settings.seed}".encode()).hexdigest()[:24]
    token = tokens.encode({"clientId": client_id}, settings.signing_secret or DEMO_SECRET)
    return token, client_id


def banner(settings: Settings, context: ServerContext, base_url: str) -> str:
    """What ``serve`` prints on start: where it is, a token, and the seeded ids to use."""
    token, client_id = demo_token(settings)
    tenant = context.tenants.get(client_id)
    project = next(iter(tenant.projects.values()))
    flows = [f for f in tenant.project_flows.values() if f.project == project.id]
    lines = [
        f"verifik-mock serving Verifik's biometric-validation API at {base_url}",
        f"  seed:     {settings.seed}",
        f"  docs:     {base_url}/docs   (contract: {base_url}/openapi.json)",
        f"  token:    {token}",
        f"  project:  {project.id}",
        *(f"  flow:     {flow.id}  ({flow.type.value})" for flow in flows),
        "",
        "Try it:",
        f'  curl -s {base_url}/v2/biometric-validations -H "Authorization: Bearer {token}"',
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line, read."""
    parser = argparse.ArgumentParser(prog="verifik-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a mock Verifik until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    seeding = serve.add_mutually_exclusive_group()
    seeding.add_argument("--seed", type=int, default=0, help="world seed (default 0)")
    seeding.add_argument("--random", action="store_true", help="a fresh random seed each start")
    serve.add_argument(
        "--signing-secret",
        help="verify client tokens as HS256 JWTs signed with this secret (default: read only)",
    )
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``verifik-mock`` command."""
    args = parse_args(argv)
    seed = secrets.randbits(32) if args.random else args.seed
    settings = Settings(seed=seed, signing_secret=args.signing_secret)
    app = create_app(settings)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(banner(settings, app.state.context, f"http://{host}:{args.port}"), flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    sys.exit(0)
