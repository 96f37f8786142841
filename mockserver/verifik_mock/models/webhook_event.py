"""A webhook event as the domain records it, before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WebhookEvent:
    """One event for one client: ``{"type": ..., "object": ...}`` and where it goes."""

    client: str
    type: str
    url: str | None
    object: dict[str, Any]

    def body(self) -> dict[str, Any]:
        """The JSON Verifik posts: the event type and a snapshot of the object."""
        return {"type": self.type, "object": self.object}
