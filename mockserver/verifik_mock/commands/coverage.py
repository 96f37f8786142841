"""``verifik-mock coverage``: which of Verifik's documented answers a running mock gave, read
from its journal, for suites that do not use the pytest plugin (a frontend's end-to-end tests
against ``verifik-mock serve``)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

JOURNAL_LIMIT = 1000
"""The most entries ``GET /__mock__/journal`` answers: the journal's default size."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``coverage`` and its options."""
    command = commands.add_parser(
        "coverage",
        help="print which of Verifik's documented answers a running mock gave (its journal)",
    )
    command.add_argument("--base-url", required=True, help="the mock, e.g. http://127.0.0.1:8000")
    command.add_argument(
        "--token",
        default=os.environ.get("VERIFIK_TOKEN"),
        help="the tenant's bearer token (default $VERIFIK_TOKEN)",
    )
    command.add_argument(
        "--scope",
        choices=("tenant", "all"),
        default="tenant",
        help="the token's tenant (default) or every tenant of the mock",
    )
    command.add_argument(
        "--admin-token",
        default=os.environ.get("VERIFIK_MOCK_ADMIN_TOKEN"),
        help="for a mock started with --admin-token (default $VERIFIK_MOCK_ADMIN_TOKEN)",
    )
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the report; exit 2 when the mock did not answer."""
    import httpx  # deferred: every command would pay for it at start

    from verifik_mock.answer_coverage import (
        AnswersSeen,
        coverage_report,
        documented_answers,
        headline,
        never_seen_table,
    )

    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    if args.admin_token:
        headers["X-Mock-Admin-Token"] = args.admin_token
    try:
        with httpx.Client(base_url=args.base_url, headers=headers, timeout=30) as http:
            contract, wire = served_contract(http)
            entries = _get(http, "/__mock__/journal", scope=args.scope, limit=JOURNAL_LIMIT)
    except (httpx.HTTPError, ValueError) as error:
        print(f"verifik-mock coverage: {args.base_url}: {error}", file=sys.stderr)
        return 2
    seen = AnswersSeen()
    by_client: dict[str | None, list[dict[str, Any]]] = {}
    for entry in entries["data"]:
        by_client.setdefault(entry.get("client"), []).append(entry)
    for tenant_entries in by_client.values():
        seen.add_tenant(tenant_entries)
    report = coverage_report(documented_answers(contract), seen.keys, wire, seen.tenants)
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(never_seen_table(report))
        print(headline(report))
    return 0


def served_contract(http: httpx.Client) -> tuple[dict[str, Any], str]:
    """The contract the mock serves (its wire's) and that wire's name."""
    wire = _get(http, "/__mock__/wire")["wire"]
    return _get(http, "/openapi.json"), str(wire)


def _get(http: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    answer = http.get(path, params=params)
    if answer.is_error:
        raise ValueError(f"GET {path} answered {answer.status_code}: {answer.text[:200]}")
    result: dict[str, Any] = answer.json()
    return result
