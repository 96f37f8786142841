"""Liveness-session tokens: the JWT a validation's capture authenticates ``validate`` with."""

from __future__ import annotations

from verifik_mock import tokens
from verifik_mock.errors import LivenessSessionTokenMissingError, TokenNotRightError
from verifik_mock.models import LivenessSession
from verifik_mock.state.tenant import TenantState


def session_token(session: LivenessSession, secret: str) -> str:
    """The token of ``session``: claims ``id`` and ``pf`` as Verifik's, ``exp`` its expiry."""
    claims = {
        "id": session.id,
        "pf": session.projectFlow,
        "cid": session.client,
        "exp": int(session.expiresAt.timestamp()),
    }
    return tokens.encode(claims, secret)


def session_claims(token: str | None, secret: str) -> tuple[str, str]:
    """The (client id, session id) a session token names; 403 if there is no token or its
    signature is not the mock's.

    Expiry is judged by the tenant's mock clock when validating, not by ``exp`` against
    the wall clock, so advancing the mock clock is what expires a session.
    """
    if not token:
        raise LivenessSessionTokenMissingError()
    try:
        claims = tokens.verify(token, secret)
    except tokens.InvalidTokenError:
        raise TokenNotRightError() from None
    client_id, session_id = claims.get("cid"), claims.get("id")
    if not isinstance(client_id, str) or not isinstance(session_id, str):
        raise TokenNotRightError()
    return client_id, session_id


def find_session(tenant: TenantState, session_id: str) -> LivenessSession:
    """The tenant's session a token named; 403 if it has none by that id."""
    session = tenant.liveness_sessions.get(session_id)
    if session is None:
        raise TokenNotRightError()
    return session
