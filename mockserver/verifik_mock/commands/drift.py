"""``verifik-mock drift``: compare two servers' answers (typically the mock and Verifik)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``drift`` and its options."""
    command = commands.add_parser(
        "drift", help="send the same safe (read-only) requests to two servers and diff them"
    )
    command.add_argument("--left", required=True, help="one server, e.g. http://127.0.0.1:8000")
    command.add_argument("--right", required=True, help="the other, e.g. https://api.verifik.co")
    command.add_argument(
        "--token",
        default=os.environ.get("VERIFIK_TOKEN"),
        help="bearer token for both sides, unless one is given per side (default $VERIFIK_TOKEN)",
    )
    command.add_argument("--left-token", help="bearer token for --left (default --token)")
    command.add_argument("--right-token", help="bearer token for --right (default --token)")
    output = command.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON instead of text")
    output.add_argument(
        "--markdown", action="store_true", help="print a Markdown table instead of text"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the differences; exit 1 when any operation differs, 2 when a side refused its
    token or did not answer (nothing can be said of those operations)."""
    import httpx  # deferred: every command would pay for it at start

    from verifik_mock.drift import detect_drift, drift_table, drift_text

    def client(base_url: str, token: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=base_url, headers=headers, timeout=30)

    with (
        client(args.left, args.left_token or args.token) as left,
        client(args.right, args.right_token or args.token) as right,
    ):
        drifts = detect_drift(left, right)
    if args.json:
        print(json.dumps([dataclasses.asdict(drift) for drift in drifts], indent=2))
    elif args.markdown:
        print(drift_table(drifts))
    else:
        print(drift_text(drifts, args.left, args.right))
    if any(drift.errors for drift in drifts):
        return 2
    return 1 if any(drift.differs for drift in drifts) else 0
