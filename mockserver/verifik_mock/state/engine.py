"""What an engine does for the store: keep tenants' rows, say when another process changed
one, and lock a tenant for a write turn. Engines know rows, never HTTP or the domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from verifik_mock.models.control import JournalEntry, WebhookDelivery
from verifik_mock.state.rows import TenantRows

DELIVERIES_KEPT = 500
"""Webhook deliveries kept per client, oldest dropped first."""


@dataclass(frozen=True)
class Version:
    """Which state of a tenant a process holds: a generation drawn when the tenant was first
    stored (a reset starts another), and how many turns have written it since."""

    generation: str
    turns: int


class Engine(Protocol):
    """Where tenants are kept, for the store: memory, a SQLite file, or Redis."""

    shared: bool
    """Whether other processes write the same tenants (each turn then checks the version)."""
    keeps_records: bool
    """Whether the engine holds records at all (the memory engine holds nothing)."""

    def version(self, client_id: str) -> Version | None:
        """The tenant's stored version; None if it is not stored."""

    def read(self, client_id: str, since: Version | None) -> tuple[Version, TenantRows] | None:
        """The rows written after ``since`` (all of them when ``since`` is None or of
        another generation), with the version they make; None if the tenant is not stored."""

    def try_lock(self, client_id: str) -> bool:
        """Take the tenant's write lock, if no one holds it; held until ``unlock``."""

    def unlock(self, client_id: str) -> None:
        """Give the write lock back."""

    def hold(self, client_id: str, seconds: float) -> None:
        """Keep the write lock for ``seconds`` more: a long write (a whole tenant) is ahead."""

    def write(
        self, client_id: str, expected: Version | None, rows: TenantRows, whole: bool
    ) -> Version | None:
        """Store a turn's rows (a whole tenant's, replacing any, when ``whole``) if the
        stored version is still ``expected``; the new version, else None. Called with the
        lock held."""

    def seed(self, client_id: str) -> int | None:
        """The seed a reset set for the tenant, if any."""

    def forget(self, client_id: str | None, seed: int | None = None) -> None:
        """Drop one tenant (recording the seed it is to be made from next), or all."""

    def journal_add(self, entries: list[dict[str, Any]]) -> None:
        """Add journal entries (``JournalEntry``'s fields), oldest first, dropping the oldest
        past the journal's size."""

    def journal_newest(self, client: str | None, limit: int) -> list[JournalEntry]:
        """Up to ``limit`` entries, newest first, of ``client`` only when one is named."""

    def delivery_number(self) -> int:
        """A number no other delivery of any process sharing the engine has."""

    def delivery_put(self, delivery: WebhookDelivery) -> None:
        """Keep a new or changed delivery (at most ``DELIVERIES_KEPT`` per client)."""

    def delivery_get(self, client: str, delivery_id: str) -> WebhookDelivery | None:
        """One of the client's deliveries, if it is kept."""

    def deliveries(self, client: str) -> list[WebhookDelivery]:
        """The client's deliveries, newest first."""

    def deliveries_forget(self, client: str | None) -> None:
        """Drop one client's deliveries, or every client's."""

    def delivery_claim(self, delivery_id: str, owner: str, seconds: float) -> bool:
        """Make ``owner`` the one process delivering ``delivery_id`` for ``seconds`` (again,
        if it is already); False if another holds it."""

    def pending_deliveries(self) -> list[WebhookDelivery]:
        """Deliveries still pending, of every client: any process may take one up whose
        claim has lapsed (its process died)."""

    def close(self) -> None:
        """Let go of the engine's files and connections."""
