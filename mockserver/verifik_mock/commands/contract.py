"""``verifik-mock contract``: the contract checks against any server, for CI."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from verifik_mock.contract_file import WIRES


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``contract`` and its options."""
    command = commands.add_parser(
        "contract",
        help="check a server (the mock, or Verifik itself) against the contract",
        description="Runs schemathesis over the contract of a wire profile "
        "(contracts/verifik.openapi.yaml for the pages', verifik.observed.openapi.yaml for the "
        "observed): every phase and default check. Against a non-loopback server it only "
        "reads, unless --allow-writes.",
    )
    command.add_argument("--base-url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    command.add_argument(
        "--token",
        default=os.environ.get("VERIFIK_TOKEN"),
        help="bearer token (default $VERIFIK_TOKEN)",
    )
    command.add_argument("--max-examples", type=int, default=50, help="cases per operation")
    command.add_argument("--seed", type=int, default=0, help="generation seed (default 0)")
    command.add_argument("--report", choices=["junit", "json"], help="also write a report")
    command.add_argument("--report-path", type=Path, help="where (default contract-report.<ext>)")
    command.add_argument(
        "--allow-writes", action="store_true", help="let a non-loopback run create records"
    )
    command.add_argument(
        "--operation", action="append", default=[], help="only this operationId (repeatable)"
    )
    command.add_argument(
        "--wire",
        choices=WIRES,
        default="pages",
        help="the profile to check against: 'pages' (default) or 'observed'",
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the checks, print a table per operation, exit non-zero on any failure."""
    # Deferred: it brings yaml and pydantic's JSON-schema code, ~13 ms of every serve start.
    from verifik_mock.conformance import ContractOptions, run_contract, summary_table

    report_path = args.report_path
    if args.report and report_path is None:
        report_path = Path(f"contract-report.{'xml' if args.report == 'junit' else 'json'}")
    options = ContractOptions(
        base_url=args.base_url.rstrip("/"),
        token=args.token,
        max_examples=args.max_examples,
        seed=args.seed,
        allow_writes=args.allow_writes,
        report=args.report,
        report_path=report_path,
        operation_ids=tuple(args.operation),
        wire=args.wire,
    )
    result = run_contract(options)
    print(summary_table(result))
    return result.exit_code
