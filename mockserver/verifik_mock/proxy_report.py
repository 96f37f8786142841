"""What the checking proxy saw: exchanges per operation and status, each violation of the
contract with how often it occurred, and the requests the upstream never answered. Served
as JSON at ``GET /__proxy__/report`` and printed as a summary when the proxy stops."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from verifik_mock.answer_check import Violation


@dataclass
class ProxyReport:
    """Everything the proxy counted since it started."""

    upstream: str
    wire: str
    exchanges: Counter[tuple[str, int]] = field(default_factory=Counter)
    """Checked exchanges by (operation, status)."""
    unchecked: int = 0
    """Exchanges passed on without a check: the mock's own endpoints, CORS preflights."""
    violations: Counter[Violation] = field(default_factory=Counter)
    unanswered: Counter[tuple[str, str]] = field(default_factory=Counter)
    """Requests the upstream did not answer, by (operation, why)."""

    def add(
        self, label: str, status: int, checked: bool, found: Counter[Violation]
    ) -> list[Violation]:
        """Count one exchange and its violations; return those never seen before."""
        if not checked:
            self.unchecked += 1
            return []
        self.exchanges[label, status] += 1
        new = [violation for violation in found if violation not in self.violations]
        self.violations.update(found)
        return new

    def add_unanswered(self, label: str, reason: str) -> None:
        """Count a request the upstream did not answer."""
        self.unanswered[label, reason] += 1

    @property
    def exchange_count(self) -> int:
        """Every exchange answered, checked or not."""
        return self.exchanges.total() + self.unchecked

    def to_json(self) -> dict[str, Any]:
        """The report as ``GET /__proxy__/report`` serves it."""
        exchanges: dict[str, dict[str, int]] = {}
        for (label, status), count in sorted(self.exchanges.items()):
            exchanges.setdefault(label, {})[str(status)] = count
        return {
            "upstream": self.upstream,
            "wire": self.wire,
            "exchanges": exchanges,
            "unchecked": self.unchecked,
            "violations": [
                {**vars(violation), "count": count} for violation, count in self._violations()
            ],
            "unanswered": [
                {"operation": label, "error": reason, "count": count}
                for (label, reason), count in sorted(self.unanswered.items())
            ],
        }

    def summary(self) -> str:
        """What the proxy prints when it stops: the counts, then the violations by operation."""
        operations = {violation.operation for violation in self.violations}
        lines = [
            f"exchanges: {self.exchange_count}, violations: {len(self.violations)} (in "
            f"{len(operations)} operations), unanswered: {self.unanswered.total()}"
        ]
        for operation, grouped in groupby(self._violations(), lambda item: item[0].operation):
            lines.append(f"  {operation}")
            lines += [f"    {v.status} {v.path}: {v.message} ({count}x)" for v, count in grouped]
        for (label, reason), count in sorted(self.unanswered.items()):
            lines.append(f"  {label}: the upstream did not answer ({reason}) ({count}x)")
        return "\n".join(lines)

    def _violations(self) -> list[tuple[Violation, int]]:
        return sorted(self.violations.items())
