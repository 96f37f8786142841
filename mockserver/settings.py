"""How one mock server is configured; every knob the CLI and the pytest plugin can turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mockserver.clock import DEFAULT_START


@dataclass(frozen=True)
class Settings:
    """A mock server's configuration; the defaults give a deterministic mock on loopback."""

    seed: int = 0
    """Seeds every tenant's world and ids: the same seed and requests give the same bytes."""
    clock_start: datetime = DEFAULT_START
    """Where every tenant's mock clock starts."""
    signing_secret: str | None = None
    """When set, client tokens must be HS256 JWTs signed with it; otherwise any token works."""
    session_secret: str = "verifik-mock-liveness-sessions"
    """Signs the liveness-session tokens the mock issues."""
    session_ttl: timedelta = timedelta(minutes=10)
    """How long a liveness session stays open (mock-clock time)."""
    max_body_bytes: int = 8 * 1024 * 1024
    """Request bodies above this get 413 PAYLOAD_TOO_LARGE."""
    max_image_bytes: int = 5 * 1024 * 1024
    """Decoded images above this get 413 IMAGE_TOO_LARGE."""
    liveness_score: float | None = None
    """Server-wide liveness score for every capture (``--liveness-score``); None: the image's."""
    search_score: float | None = None
    """Server-wide 1:N search score (``--search-score``); None: the image's."""
    persons_per_collection: int = 5
    records_per_status: int = 2
    """How many seeded validations and document-liveness records each status gets."""
