"""What every endpoint shares: settings, tenants, journal, webhooks, and whose a request is."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from starlette.requests import Request

from verifik_mock.domain.sessions import session_claims
from verifik_mock.domain.tenancy import client_id_for_token
from verifik_mock.errors import AdminTokenError, AuthenticationError, MockError
from verifik_mock.journal import RequestJournal
from verifik_mock.settings import Settings
from verifik_mock.state.store import Store
from verifik_mock.webhooks import WebhookDispatcher


def bearer_token(authorization: str | None) -> str:
    """The token in ``Bearer <t>``, ``JWT <t>`` or a bare JWT (Verifik takes all three)."""
    if authorization is not None and not authorization.isascii():
        raise AuthenticationError("Invalid Authorization header: ASCII characters only")
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() in {"bearer", "jwt"} and token and " " not in token:
        return token
    if scheme.startswith("ey") and not token:
        return scheme
    raise AuthenticationError()


@dataclass(frozen=True)
class ServerContext:
    """One running mock's settings, tenants, journal and webhooks, kept on the Starlette app."""

    settings: Settings
    store: Store
    journal: RequestJournal
    webhooks: WebhookDispatcher

    @staticmethod
    def of(request: Request) -> ServerContext:
        """The context of the app serving ``request``."""
        context = request.app.state.context
        assert isinstance(context, ServerContext)
        return context

    def client_id_for(self, authorization: str | None) -> str:
        """The client an ``Authorization`` header names; 401 if it names none."""
        return client_id_for_token(bearer_token(authorization), self.settings.signing_secret)

    def session_claims(self, authorization: str | None) -> tuple[str, str]:
        """The (client id, session id) an ``Authorization`` header's session token names;
        403 if none."""
        try:
            token = bearer_token(authorization)
        except AuthenticationError:
            token = None
        return session_claims(token, self.settings.session_secret)

    def caller(self, authorization: str | None) -> str | None:
        """The client a request is from, if its token names one: a liveness session's, or a
        client token's; None for no token or one the mock refuses."""
        try:
            return self.session_claims(authorization)[0]
        except MockError:
            pass
        try:
            return self.client_id_for(authorization)
        except MockError:
            return None

    def check_admin(self, admin_token: str | None) -> None:
        """Refuse a control call without the configured admin token (none configured: allow)."""
        expected = self.settings.admin_token
        if expected is None:
            return
        # Compared as bytes: compare_digest refuses str beyond ASCII, which a client may send.
        given = (admin_token or "").encode()
        if not hmac.compare_digest(given, expected.encode()):
            raise AdminTokenError("Send X-Mock-Admin-Token with the server's --admin-token")
