"""Liveness-session tokens: the JWT a validation's capture authenticates ``validate`` with."""

from __future__ import annotations

from dataclasses import dataclass

from verifik_mock import tokens
from verifik_mock.errors import LivenessSessionTokenMissingError, TokenNotRightError
from verifik_mock.models import LivenessSession
from verifik_mock.store import TenantRegistry, TenantState


def session_token(session: LivenessSession, secret: str) -> str:
    """The token of ``session``: claims ``id`` and ``pf`` as Verifik's, ``exp`` its expiry."""
    claims = {
        "id": session.id,
        "pf": session.projectFlow,
        "cid": session.client,
        "exp": int(session.expiresAt.timestamp()),
    }
    return tokens.encode(claims, secret)


@dataclass(frozen=True)
class SessionAccess:
    """The tenant and session a liveness-session token opens."""

    tenant: TenantState
    session: LivenessSession


def open_session(tenants: TenantRegistry, token: str | None, secret: str) -> SessionAccess:
    """The session ``token`` names; 403 if there is no token or it names no session here.

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
    tenant = tenants.get(client_id)
    session = tenant.liveness_sessions.get(session_id)
    if session is None:
        raise TokenNotRightError()
    return SessionAccess(tenant=tenant, session=session)
