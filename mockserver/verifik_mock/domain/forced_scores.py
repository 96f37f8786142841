"""Telling the mock to fail: score overrides from each layer a user works at.

Precedence, most specific first: a request's own headers, then a rule set for the
identifier through the control API, then a magic identifier, then a sample image's own
score hint, then the server-wide ``--liveness-score`` / ``--search-score``, and last the
score the image's bytes give.
"""

from __future__ import annotations

from verifik_mock.models.rules import ScenarioRule, ScoreOverrides

MAGIC_IDENTIFIERS: dict[str, tuple[float | None, float | None]] = {
    "+liveness_fail": (0.2, None),
    "+no_match": (None, 0.1),
}
"""Identifier substrings and the (liveness, search) scores they force, as Stripe's test cards."""

ANY_IDENTIFIER = "*"
"""A rule for this identifier applies to every identifier that has no rule of its own."""


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
