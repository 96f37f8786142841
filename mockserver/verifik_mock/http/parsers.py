"""uvicorn's HTTP parsers, answering what they cannot parse in the mock's error envelope.

uvicorn answers bytes that are not HTTP (a control byte in a header, a lower-case method)
with a plain-text 400 of its own before any app sees them. These protocols send that 400 as
``MALFORMED_REQUEST`` in the server's wire instead, so a client's error handling meets the
envelope it meets everywhere else. They are module-level classes: ``serve --workers N``
hands them to its worker processes by name.
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

from uvicorn.config import HTTPProtocolType
from uvicorn.protocols.http.h11_impl import H11Protocol

from verifik_mock.contract_file import Wire
from verifik_mock.errors import MalformedRequestError
from verifik_mock.http.responses import error_response


class EnvelopedBadRequest:
    """What both parsers share: their 400 is the mock's error, in the wire of the mock they
    serve (the pages' when the app is not a mock), then a close."""

    app: Any
    server_state: Any
    transport: asyncio.Transport

    def send_400_response(self, msg: str) -> None:
        """Answer an unparseable request with ``MALFORMED_REQUEST`` and close."""
        context = getattr(getattr(self.app, "state", None), "context", None)
        wire: Wire = getattr(getattr(context, "settings", None), "wire", "pages")
        response = error_response(MalformedRequestError(msg), wire)
        headers = [
            *self.server_state.default_headers,
            *response.raw_headers,
            (b"connection", b"close"),
        ]
        head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
        self.transport.write(b"HTTP/1.1 400 Bad Request\r\n" + head + b"\r\n" + response.body)
        self.transport.close()


class EnvelopedH11Protocol(EnvelopedBadRequest, H11Protocol):
    """uvicorn's pure-Python parser, its 400 in the envelope."""


def protocol_class(http: HTTPProtocolType) -> type[asyncio.Protocol]:
    """The enveloped protocol for uvicorn's ``--http`` choice (``auto``: httptools where
    installed, else h11)."""
    if http == "h11" or (http == "auto" and importlib.util.find_spec("httptools") is None):
        return EnvelopedH11Protocol
    from verifik_mock.http.httptools_parser import EnvelopedHttpToolsProtocol

    return EnvelopedHttpToolsProtocol
