"""The floor to compare with: a bare Starlette app answering one fixed JSON body, nothing else.

It serves the mock's own retrieve-by-id answer (read from a file, so the size is the same)
on the same path, with the uvicorn settings ``verifik-mock serve`` uses: what is left is the
cost of Starlette and uvicorn themselves.

    .venv/bin/python bench/bare_app.py --port 8001 --body retrieve.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "/v2/biometric-validations/{id}"


def create_app(body: bytes) -> Starlette:
    """An app whose one GET route answers ``body`` as JSON, whatever the id."""

    async def retrieve(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route(PATH, retrieve, methods=["GET"])])


def main() -> None:
    """Serve the app on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True, help="the JSON body to answer")
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.body.read_bytes()),
        host="127.0.0.1",
        port=args.port,
        http="httptools",
        loop="uvloop",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
