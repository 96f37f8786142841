"""How the mock writes instants on the wire: ISO-8601 in UTC with a ``Z``, as Verifik does."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache


def format_timestamp(instant: datetime, always_milliseconds: bool = False) -> str:
    """Write ``instant`` as ``2024-01-15T10:30:00Z``, with milliseconds only when it has them
    (or always: ``2024-01-15T10:30:00.000Z``)."""
    utc = instant if instant.tzinfo is UTC else instant.astimezone(UTC)
    timespec = "milliseconds" if utc.microsecond or always_milliseconds else "seconds"
    return utc.isoformat(timespec=timespec).removesuffix("+00:00") + "Z"


@lru_cache(maxsize=256)
def format_signature_time(instant: datetime) -> str:
    """Write ``instant`` as Verifik's signature does: ``January 15, 2024 10:30 AM`` (UTC).
    Cached: every list answer stamps the tenant's clock, which moves only when told to."""
    utc = instant.astimezone(UTC)
    hour = utc.hour % 12 or 12
    return f"{utc:%B} {utc.day}, {utc.year} {hour}:{utc:%M %p}"


_ISO_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$"
)


def parse_timestamp(text: str) -> datetime:
    """Read an ISO-8601 instant; one without a zone is taken as UTC."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_request_instant(value: object) -> object:
    """A client's ISO-8601 instant with its zone, as a datetime; anything else is refused."""
    if isinstance(value, str):
        if not _ISO_INSTANT.match(value):
            raise ValueError("an ISO-8601 instant with its zone, e.g. 2024-01-15T11:30:00Z")
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, datetime):
        return value
    raise ValueError("an ISO-8601 instant string, e.g. 2024-01-15T11:30:00Z")


def as_utc(instant: datetime) -> datetime:
    """``instant`` in UTC, to the millisecond (as answers write it, so a record read back
    from its JSON is the same); refuses one without a zone or outside years 1 to 9999."""
    if instant.tzinfo is None:
        raise ValueError("an instant needs a zone, e.g. 2024-01-15T11:30:00Z")
    try:
        utc = instant.astimezone(UTC)
    except OverflowError:
        raise ValueError("the instant is outside years 1 to 9999 in UTC") from None
    return to_millisecond(utc)


def to_millisecond(instant: datetime) -> datetime:
    """``instant`` without its sub-millisecond part."""
    extra = instant.microsecond % 1000
    return instant.replace(microsecond=instant.microsecond - extra) if extra else instant
