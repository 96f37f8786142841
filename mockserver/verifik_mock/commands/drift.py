"""``verifik-mock drift``: compare two servers' answers (typically the mock and Verifik), or a
proxy recording's answers with a server's."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from verifik_mock.drift import OperationDrift


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``drift`` and its options."""
    command = commands.add_parser(
        "drift",
        help="send the same safe (read-only) requests to two servers and diff them, or replay "
        "a proxy recording's GETs against a server and diff its answers with the recorded ones",
    )
    left = command.add_mutually_exclusive_group(required=True)
    left.add_argument("--left", help="one server, e.g. http://127.0.0.1:8000")
    left.add_argument(
        "--recorded",
        type=Path,
        metavar="DIR",
        help="instead of --left: a recording of verifik-mock proxy --record DIR; only its GETs "
        "are replayed (never a write, nor the mock's own endpoints), with --right's token",
    )
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


def client(base_url: str, token: str | None) -> httpx.Client:
    """An HTTP client for one side, with its bearer token."""
    import httpx  # deferred: every command would pay for it at start

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


def run(args: argparse.Namespace) -> int:
    """Print the differences; exit 1 when any operation differs, 2 when a side refused its
    token or did not answer (nothing can be said of those operations)."""
    from verifik_mock.drift import detect_drift

    if args.recorded is not None:
        return run_recorded(args)
    with (
        client(args.left, args.left_token or args.token) as left,
        client(args.right, args.right_token or args.token) as right,
    ):
        drifts = detect_drift(left, right)
    return report(args, drifts, args.left)


def run_recorded(args: argparse.Namespace) -> int:
    """Replay the recording's GETs against ``--right`` and report as ``run`` does."""
    from verifik_mock.recording import read_recording
    from verifik_mock.replay import replay

    if not args.recorded.is_dir():
        print(f"verifik-mock drift: --recorded {args.recorded} is no folder", file=sys.stderr)
        return 2
    with client(args.right, args.right_token or args.token) as right:
        replayed = replay(read_recording(args.recorded), right)
    if not replayed.drifts:
        print(
            f"verifik-mock drift: {args.recorded} holds no GET to replay",
            file=sys.stderr,
        )
        return 2
    status = report(args, replayed.drifts, f"{args.recorded} (recorded)")
    if not args.json:
        print(f"{replayed.skipped} recorded exchanges not replayed (writes, the mock's, 401/403)")
    return status


def report(args: argparse.Namespace, drifts: list[OperationDrift], left_name: str) -> int:
    """Print ``drifts`` as asked, and the exit status they make."""
    from verifik_mock.drift import drift_table, drift_text

    if args.json:
        print(json.dumps([dataclasses.asdict(drift) for drift in drifts], indent=2))
    elif args.markdown:
        print(drift_table(drifts))
    else:
        print(drift_text(drifts, left_name, args.right))
    if any(drift.errors for drift in drifts):
        return 2
    return 1 if any(drift.differs for drift in drifts) else 0
