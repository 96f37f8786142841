"""What every endpoint shares: settings, tenants, journal, webhooks, and whose a request is."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from starlette.requests import Request

from verifik_mock.domain.sessions import SessionAccess, open_session
from verifik_mock.domain.tenancy import client_id_for_token
from verifik_mock.errors import AdminTokenError, AuthenticationError
from verifik_mock.http.shared_state import end_turn
from verifik_mock.journal import RequestJournal
from verifik_mock.settings import Settings
from verifik_mock.store import TenantRegistry
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
    tenants: TenantRegistry
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

    def session_for(self, authorization: str | None) -> SessionAccess:
        """The liveness session named by an ``Authorization`` header; 403 if none."""
        try:
            token = bearer_token(authorization)
        except AuthenticationError:
            token = None
        return open_session(self.tenants, token, self.settings.session_secret)

    def check_admin(self, admin_token: str | None) -> None:
        """Refuse a control call without the configured admin token (none configured: allow)."""
        expected = self.settings.admin_token
        if expected is None:
            return
        # Compared as bytes: compare_digest refuses str beyond ASCII, which a client may send.
        given = (admin_token or "").encode()
        if not hmac.compare_digest(given, expected.encode()):
            raise AdminTokenError("Send X-Mock-Admin-Token with the server's --admin-token")

    def finish_request(self, client_id: str) -> None:
        """After a request: hand its webhooks over, then keep the tenant (with
        ``--state-file``) before the answer leaves, so no acknowledged write is lost. A
        read beside other workers' reads that changed its tenant is stopped first. Then the
        request's turn on a shared state file ends."""
        self.tenants.stop_changed_read(client_id)
        self.send_webhooks(client_id)
        self.tenants.persist(client_id)
        end_turn()

    def send_webhooks(self, client_id: str) -> None:
        """Hand the client's recorded webhook events, if any, to the dispatcher."""
        tenant = self.tenants.peek(client_id)
        if tenant is None or not tenant.outbox:
            return
        events, tenant.outbox[:] = list(tenant.outbox), []
        for event in events:
            self.webhooks.submit(event)
