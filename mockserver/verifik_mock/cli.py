"""``verifik-mock``: the command line; each subcommand lives in ``verifik_mock.commands``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from verifik_mock.commands import contract, coverage, drift, proxy, sample_image, serve, token
from verifik_mock.version import VERSION


def parser() -> argparse.ArgumentParser:
    """Every subcommand's options."""
    main_parser = argparse.ArgumentParser(
        prog="verifik-mock", description="A local, stateful mock of Verifik's biometric API."
    )
    main_parser.add_argument("--version", action="version", version=f"verifik-mock {VERSION}")
    commands = main_parser.add_subparsers(dest="command", required=True)
    for command in (serve, contract, drift, proxy, token, sample_image, coverage):
        command.register(commands)
    return main_parser


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``verifik-mock`` command: exits with the subcommand's status."""
    args = parser().parse_args(argv)
    sys.exit(args.run(args))
