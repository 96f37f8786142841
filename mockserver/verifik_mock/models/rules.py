"""What the control API and headers store to make the mock fail: score overrides and the
rules that apply them to coming requests."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ScoreOverrides:
    """Scores to use instead of the image's own; ``None`` leaves a score to the next layer."""

    liveness: float | None = None
    search: float | None = None
    document: float | None = None
    """Every document-liveness check's score."""

    def over(self, fallback: ScoreOverrides) -> ScoreOverrides:
        """These overrides, with ``fallback``'s filling the scores these leave open."""
        return ScoreOverrides(
            liveness=fallback.liveness if self.liveness is None else self.liveness,
            search=fallback.search if self.search is None else self.search,
            document=fallback.document if self.document is None else self.document,
        )


@dataclass(frozen=True)
class ScenarioRule:
    """A control-API rule: this identifier gets these scores on its next ``remaining`` runs."""

    identifier: str
    scores: ScoreOverrides
    remaining: int | None = None
    """How many more validations it applies to; ``None`` for every one."""

    def used_once(self) -> ScenarioRule | None:
        """The rule after one more use, or None once it is spent."""
        if self.remaining is None:
            return self
        return replace(self, remaining=self.remaining - 1) if self.remaining > 1 else None


@dataclass(frozen=True)
class FaultRule:
    """A control-API fault: the tenant's next ``remaining`` API calls are slow or fail."""

    fault: str | None
    """What ``X-Mock-Fault`` would ask for (``503``, ``timeout``, ``reset``...), or None."""
    latency_ms: int = 0
    remaining: int | None = None

    def used_once(self) -> FaultRule | None:
        """The rule after one more use, or None once it is spent."""
        if self.remaining is None:
            return self
        return replace(self, remaining=self.remaining - 1) if self.remaining > 1 else None
