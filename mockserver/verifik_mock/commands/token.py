"""``verifik-mock token``: a client token signed like Verifik's (HS256, ``clientId`` claim)."""

from __future__ import annotations

import argparse
import hashlib

from verifik_mock import tokens


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``token`` and its options."""
    command = commands.add_parser(
        "token", help="print a client token, e.g. for a mock started with --signing-secret"
    )
    command.add_argument("--secret", default="verifik-mock", help="the HS256 signing secret")
    command.add_argument("--client-id", help="the clientId claim (default: derived, 24 hex)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the token."""
    client_id = args.client_id or hashlib.sha256(args.secret.encode()).hexdigest()[:24]
    print(tokens.encode({"clientId": client_id}, args.secret))
    return 0
