"""HS256 JSON Web Tokens: the only kind Verifik issues, so the mock needs no JWT library."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

Claims = dict[str, Any]

_HEADER = {"alg": "HS256", "typ": "JWT"}


class InvalidTokenError(ValueError):
    """The token is not an HS256 JWT signed with the expected secret."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return _b64url(digest)


def encode(claims: Claims, secret: str) -> str:
    """Sign ``claims`` into a compact HS256 JWT."""
    header = _b64url(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_sign(signing_input, secret)}"


def read_claims(token: str) -> Claims | None:
    """The claims of a JWT-shaped token without checking its signature; None if not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(_unb64url(parts[1]))
    except (binascii.Error, ValueError, RecursionError):
        return None
    return claims if isinstance(claims, dict) else None


def verify(token: str, secret: str) -> Claims:
    """The claims of ``token`` once its HS256 signature checks out with ``secret``."""
    claims = read_claims(token) if token.isascii() else None
    if claims is None:
        raise InvalidTokenError("not a JWT")
    signing_input, _, signature = token.rpartition(".")
    if not hmac.compare_digest(signature, _sign(signing_input, secret)):
        raise InvalidTokenError("bad signature")
    return claims
