"""CORS for front ends: Starlette's middleware, with its refusals in the error envelope."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from verifik_mock.errors import CorsRefusedError
from verifik_mock.http.responses import error_response


class EnvelopeCors(CORSMiddleware):
    """``CORSMiddleware`` whose refused preflights answer in the envelope, saying how to
    allow the origin, instead of plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        """Starlette's answer to a preflight, a refusal rewritten as the envelope."""
        answer = super().preflight_response(request_headers)
        if answer.status_code != 400:
            return answer
        refused = bytes(answer.body).decode()
        error = CorsRefusedError(
            f"{refused}: add the front end's origin with --cors-origin (localhost is allowed)"
        )
        envelope = error_response(error)
        for name, value in answer.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                envelope.headers[name] = value
        return envelope
