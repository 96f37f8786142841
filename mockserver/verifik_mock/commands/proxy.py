"""``verifik-mock proxy``: a checking proxy in front of Verifik (or any server of its API)
that prints each answer's violations of the contract, and its report when it stops."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn

from verifik_mock.commands import serving
from verifik_mock.commands.serve import port
from verifik_mock.conformance import is_loopback
from verifik_mock.contract_file import WIRES, contract_path
from verifik_mock.recording import recording_problem
from verifik_mock.redaction import redacted_url

DEFAULT_PORT = 8080


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``proxy`` and its options."""
    command = commands.add_parser(
        "proxy",
        help="pass requests on to a server of Verifik's API and check every answer against "
        "the contract",
        description="Forwards every request unchanged to --upstream and its answer unchanged "
        "back, checks each answer against the contract of --wire, and prints each violation "
        "(operation, status, JSON path, what the contract says) the first time it sees it. "
        "GET /__proxy__/report serves the counts; they are printed on Ctrl-C or SIGTERM.",
    )
    command.add_argument(
        "--upstream", required=True, type=upstream_url, help="e.g. https://api.verifik.co"
    )
    command.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    command.add_argument(
        "--port", type=port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    command.add_argument(
        "--wire",
        choices=WIRES,
        default="pages",
        help="the contract to check against: pages (as Verifik's pages show the answers, "
        "contracts/verifik.openapi.yaml) or observed (as real captures show them, "
        "contracts/verifik.observed.openapi.yaml); default pages",
    )
    command.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="write each exchange into DIR (a new or empty folder) as a JSON file, with every "
        "token, image, email, signature and secret redacted; replay its GETs against a "
        "server with: verifik-mock drift --recorded DIR --right URL",
    )
    command.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long the upstream may take to answer (default 30); past it, 502",
    )
    command.set_defaults(run=run)


def upstream_url(text: str) -> str:
    """An ``--upstream`` argument: an http(s) URL, with a path prefix or none."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(
            f"an http(s) URL such as https://api.verifik.co, not {text}"
        )
    return text.rstrip("/")


def refusal(args: argparse.Namespace) -> str | None:
    """Why the options cannot be served, if they cannot."""
    if not contract_path(args.wire).exists():
        return f"--wire {args.wire}: its contract {contract_path(args.wire)} is missing"
    if args.record is not None and (problem := recording_problem(args.record)):
        return f"--record {args.record} {problem}"
    if args.timeout <= 0:
        return f"--timeout must be more than 0 seconds, not {args.timeout}"
    return None


def exposure_warning(host: str) -> str | None:
    """What to say when the proxy is reachable beyond this machine."""
    if is_loopback(f"http://[{host}]" if ":" in host else f"http://{host}"):
        return None
    return (
        f"proxying on {host}: anyone who reaches it can send requests through it to the "
        "upstream, and read what it reports"
    )


class StoppingServer(uvicorn.Server):
    """uvicorn's server, for which Ctrl-C and SIGTERM are a clean stop: uvicorn's own sends
    the signal again once it has shut down, which would end the process before the proxy
    prints its summary, and with the signal's exit status instead of 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Stop on SIGINT and SIGTERM while serving; put the previous handlers back after."""
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sent: signal.signal(sent, self.handle_exit) for sent in handled}
        try:
            yield
        finally:
            for sent, handler in previous.items():
                signal.signal(sent, handler)


def run(args: argparse.Namespace) -> int:
    """Proxy until stopped, then print the summary; exit 0 on a clean stop."""
    if (problem := refusal(args)) is not None:
        print(f"verifik-mock proxy: {problem}", file=sys.stderr)
        return 2
    from verifik_mock.proxy import REPORT_PATH, ProxyOptions, proxy_app  # deferred: heavy

    options = ProxyOptions(args.upstream, args.wire, args.record, args.timeout)
    app = proxy_app(options, echo=lambda line: print(line, flush=True))
    host = f"[{args.host}]" if ":" in args.host else args.host
    base_url = f"http://{host}:{args.port}"
    lines = [
        f"verifik-mock proxy at {base_url} -> {redacted_url(args.upstream)}",
        f"  contract: {contract_path(args.wire).name} (wire: {args.wire})",
        f"  report:   {base_url}{REPORT_PATH}",
    ]
    if args.record is not None:
        lines.append(f"  record:   {args.record}/ (redacted)")
    lines.append("Each violation is printed the first time it is seen; Ctrl-C prints the summary.")
    print("\n".join(lines), flush=True)
    if (warning := exposure_warning(args.host)) is not None:
        print(f"verifik-mock proxy: warning: {warning}", file=sys.stderr)
    server = serving.fastest_server(access_log=False)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        http=server.http,
        loop=server.loop,
        log_level="warning",
        access_log=False,  # it would show query strings, and tokens travel in some
        proxy_headers=False,
        server_header=False,  # the upstream's Date and Server go back, not a second pair
        date_header=False,
        lifespan="on",
    )
    StoppingServer(config).run()
    print(app.state.report.summary(), flush=True)
    return 0
