"""``verifik-mock sample-image``: a sample face with a known outcome, for shell scripts."""

from __future__ import annotations

import argparse
import base64
import sys

from verifik_mock.samples import SAMPLE_IMAGES, sample_image


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sample-image`` and its options."""
    command = commands.add_parser(
        "sample-image",
        help="write a sample face (PNG) to stdout, e.g. FACE=$(verifik-mock sample-image --base64)",
    )
    command.add_argument(
        "name", nargs="?", default="face-pass", choices=SAMPLE_IMAGES, help="default face-pass"
    )
    command.add_argument("--base64", action="store_true", help="as base64 text, as validate takes")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the image's bytes, or its base64 and a newline."""
    image = sample_image(args.name)
    if args.base64:
        print(base64.b64encode(image).decode())
    else:
        sys.stdout.buffer.write(image)
    return 0
