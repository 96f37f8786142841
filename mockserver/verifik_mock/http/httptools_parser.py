"""uvicorn's httptools parser with its 400 in the mock's envelope (``parsers.py``), in a
module of its own: it imports httptools, which has no build on some platforms."""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from verifik_mock.http.parsers import EnvelopedBadRequest


class EnvelopedHttpToolsProtocol(EnvelopedBadRequest, HttpToolsProtocol):
    """uvicorn's httptools parser, its 400 in the envelope."""
