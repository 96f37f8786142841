"""Deterministic scores: the same image always gets the same score for the same check."""

from __future__ import annotations

import hashlib

PASSING_RANGE = (0.70, 0.99)
"""Where default scores fall: every decodable image passes every default threshold."""


def stable_score(data: bytes, check: str, low: float = PASSING_RANGE[0]) -> float:
    """A score in [``low``, 0.99], two decimals, that depends only on ``data`` and ``check``."""
    digest = hashlib.blake2b(data, digest_size=8, person=check.encode()[:16]).digest()
    fraction = int.from_bytes(digest, "big") / 2**64
    return round(low + fraction * (PASSING_RANGE[1] - low), 2)
