"""Which client a token belongs to: the ``clientId`` claim, or a stable id from the token."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from functools import lru_cache

from verifik_mock import tokens
from verifik_mock.errors import AuthenticationError


def client_id_for_token(token: str, signing_secret: str | None = None) -> str:
    """The client a bearer token names.

    A JWT's ``clientId`` claim is read as Verifik's tokens carry it; with a
    ``signing_secret`` the signature and ``exp`` are checked too. Any other token names a
    client whose 24-hex id is derived from the token, so the same token is the same tenant.
    """
    claims = _claims(token, signing_secret)
    if signing_secret is not None and claims is not None and "exp" in claims:
        check_expiry(claims["exp"])
    client_id = claims.get("clientId") if claims else None
    if isinstance(client_id, str) and client_id:
        return client_id
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def check_expiry(expiry: object) -> None:
    """Refuse a signed token whose ``exp`` has passed or is not a number of seconds (a string
    ``exp`` would otherwise never expire)."""
    if isinstance(expiry, bool) or not isinstance(expiry, int | float) or math.isnan(expiry):
        raise AuthenticationError("Invalid token: exp must be a number of seconds since 1970")
    if expiry < time.time():
        raise AuthenticationError("Invalid token: expired")


@lru_cache(maxsize=4096)
def _claims(token: str, signing_secret: str | None) -> Mapping[str, object] | None:
    """A token's claims, its signature checked when there is a secret. Cached: a client sends
    the same token on every request, and decoding it each time cost about 5% of a retrieve."""
    if signing_secret is None:
        return tokens.read_claims(token)
    try:
        return tokens.verify(token, signing_secret)
    except tokens.InvalidTokenError as error:
        raise AuthenticationError(f"Invalid token: {error}") from None
