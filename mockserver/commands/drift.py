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
        help="bearer token (default $VERIFIK_TOKEN)",
    )
    command.add_argument("--json", action="store_true", help="print JSON instead of text")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the differences; exit 1 when any operation differs."""
    import httpx  # deferred: every command would pay for it at start

    from mockserver.drift import detect_drift, drift_text

    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    with (
        httpx.Client(base_url=args.left, headers=headers, timeout=30) as left,
        httpx.Client(base_url=args.right, headers=headers, timeout=30) as right,
    ):
        drifts = detect_drift(left, right)
    if args.json:
        print(json.dumps([dataclasses.asdict(drift) for drift in drifts], indent=2))
    else:
        print(drift_text(drifts, args.left, args.right))
    return 1 if any(drift.differs for drift in drifts) else 0
