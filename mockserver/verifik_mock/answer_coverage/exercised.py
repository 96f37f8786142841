"""The answers a mock gave, as a coverage report counts them: from journal entries or a
reset's ``answered`` (the same fields), merged across tests, tenants and workers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from verifik_mock.answer_coverage.documented import AnswerKey


def answer_key(entry: Mapping[str, Any]) -> AnswerKey | None:
    """The answer a journal entry (or an ``answered`` item) records; None for what no
    report counts (an eviction, a webhook that reached no one)."""
    fault, operation = entry.get("fault"), entry.get("operation")
    if entry["kind"] == "webhook":
        return None if entry.get("status") is None else ("webhook", operation, None, None)
    if entry["kind"] != "request" or operation is None:
        return None
    if fault is not None:
        return ("resilience", fault, None, None)  # its status and code follow from it
    return ("operation", operation, entry.get("status"), entry.get("code"))


@dataclass
class AnswersSeen:
    """The distinct answers a suite's tenants were given, and how many tenants gave them."""

    keys: set[AnswerKey] = field(default_factory=set)
    tenants: int = 0
    wire: str | None = None
    """The wire profile of the mock that gave them (None: not known yet)."""

    def add_tenant(self, entries: Iterable[Mapping[str, Any]]) -> None:
        """Count one more tenant and the answers it was given."""
        self.tenants += 1
        self.keys.update(key for key in map(answer_key, entries) if key is not None)

    def to_json(self) -> dict[str, Any]:
        """A form that crosses a process boundary (pytest-xdist's ``workeroutput``)."""
        return {"tenants": self.tenants, "wire": self.wire, "keys": sorted(self.keys, key=repr)}

    def merge(self, other: Mapping[str, Any]) -> None:
        """Add what another process saw (``to_json``'s form)."""
        self.tenants += int(other["tenants"])
        self.wire = self.wire or other["wire"]
        self.keys.update((str(g), n, s, c) for g, n, s, c in other["keys"])
