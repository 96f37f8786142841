"""Telling the mock to fail: score overrides from each layer a user works at.

Precedence, most specific first: a request's own headers, then a rule set for the
identifier through the control API, then a magic identifier, then a sample image's own
score hint, then the server-wide ``--liveness-score`` / ``--search-score``, and last the
score the image's bytes give.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MAGIC_IDENTIFIERS: dict[str, tuple[float | None, float | None]] = {
    "+liveness_fail": (0.2, None),
    "+no_match": (None, 0.1),
}
"""Identifier substrings and the (liveness, search) scores they force, as Stripe's test cards."""

ANY_IDENTIFIER = "*"
"""A rule for this identifier applies to every identifier that has no rule of its own."""


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


def magic_overrides(identifier: str) -> ScoreOverrides:
    """The scores a magic identifier (``ana+liveness_fail@example.com``) forces."""
    overrides = ScoreOverrides()
    for marker, (liveness, search) in MAGIC_IDENTIFIERS.items():
        if marker in identifier:
            overrides = overrides.over(ScoreOverrides(liveness=liveness, search=search))
    return overrides


def take_rule(rules: dict[str, ScenarioRule], identifier: str) -> ScoreOverrides:
    """The overrides of ``identifier``'s rule (else the ``*`` rule), counting this use."""
    key = identifier if identifier in rules else ANY_IDENTIFIER
    rule = rules.get(key)
    if rule is None:
        return ScoreOverrides()
    remaining = rule.used_once()
    if remaining is None:
        del rules[key]
    else:
        rules[key] = remaining
    return rule.scores


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
