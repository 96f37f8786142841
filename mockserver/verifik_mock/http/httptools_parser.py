"""uvicorn's httptools parser with its 400 in the mock's envelope (``parsers.py``), in a
module of its own: it imports httptools, which has no build on some platforms."""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from verifik_mock.http.parsers import malformed_answer


class EnvelopedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools parser, its 400 in the envelope."""

    def send_400_response(self, msg: str) -> None:
        """Answer an unparseable request with ``MALFORMED_REQUEST`` and close."""
        default_headers = self.server_state.default_headers
        self.transport.write(malformed_answer(self.app, msg, default_headers))
        self.transport.close()
