"""The per-request score headers: ``X-Mock-Liveness-Score``, ``X-Mock-Search-Score`` and
``X-Mock-Document-Score``."""

from __future__ import annotations

from collections.abc import Mapping

from verifik_mock.errors import InvalidParametersError
from verifik_mock.http.headers import DOCUMENT_HEADER, LIVENESS_HEADER, SEARCH_HEADER
from verifik_mock.models.rules import ScoreOverrides


def _score(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        score = float(raw)
    except ValueError:
        score = -1.0
    if not 0 <= score <= 1:
        raise InvalidParametersError(f"Invalid header '{name}': a score from 0 to 1, not {raw!r}")
    return score


def score_overrides(headers: Mapping[str, str]) -> ScoreOverrides:
    """The scores this request's headers force, if any."""
    return ScoreOverrides(
        liveness=_score(headers, LIVENESS_HEADER),
        search=_score(headers, SEARCH_HEADER),
        document=_score(headers, DOCUMENT_HEADER),
    )
