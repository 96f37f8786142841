"""Which client a token belongs to: the ``clientId`` claim, or a stable id from the token."""

from __future__ import annotations

import hashlib
import time

from mockserver import tokens
from mockserver.errors import AuthenticationError


def client_id_for_token(token: str, signing_secret: str | None = None) -> str:
    """The client a bearer token names.

    A JWT's ``clientId`` claim is read as Verifik's tokens carry it; with a
    ``signing_secret`` the signature and ``exp`` are checked too. Any other token names a
    client whose 24-hex id is derived from the token, so the same token is the same tenant.
    """
    if signing_secret is None:
        claims = tokens.read_claims(token)
    else:
        try:
            claims = tokens.verify(token, signing_secret)
        except tokens.InvalidTokenError as error:
            raise AuthenticationError(f"Invalid token: {error}") from None
        expiry = claims.get("exp")
        if isinstance(expiry, int | float) and expiry < time.time():
            raise AuthenticationError("Invalid token: expired")
    client_id = claims.get("clientId") if claims else None
    if isinstance(client_id, str) and client_id:
        return client_id
    return hashlib.sha256(token.encode()).hexdigest()[:24]
