"""What every endpoint shares: the settings, the tenants, and who a request belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from mockserver.domain.sessions import SessionAccess, open_session
from mockserver.domain.tenancy import client_id_for_token
from mockserver.errors import AuthenticationError
from mockserver.settings import Settings
from mockserver.store import TenantRegistry, TenantState


def bearer_token(authorization: str | None) -> str:
    """The token in ``Bearer <t>``, ``JWT <t>`` or a bare JWT (Verifik takes all three)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() in {"bearer", "jwt"} and token and " " not in token:
        return token
    if scheme.startswith("ey") and not token:
        return scheme
    raise AuthenticationError()


@dataclass(frozen=True)
class ServerContext:
    """One running mock's settings and tenants, kept on the Starlette app."""

    settings: Settings
    tenants: TenantRegistry

    @staticmethod
    def of(request: Request) -> ServerContext:
        """The context of the app serving ``request``."""
        context = request.app.state.context
        assert isinstance(context, ServerContext)
        return context

    def tenant_for(self, authorization: str | None) -> TenantState:
        """The tenant named by an ``Authorization`` header; 401 if it names none."""
        token = bearer_token(authorization)
        return self.tenants.get(client_id_for_token(token, self.settings.signing_secret))

    def session_for(self, authorization: str | None) -> SessionAccess:
        """The liveness session named by an ``Authorization`` header; 403 if none."""
        try:
            token = bearer_token(authorization)
        except AuthenticationError:
            token = None
        return open_session(self.tenants, token, self.settings.session_secret)
