"""Hiding secrets in URLs before they are logged or journaled: no token, password or query
value a client sent ever reaches a log line."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit


def redacted_url(url: str) -> str:
    """``url`` (absolute, or a path with its query) with no user or password, every query
    value ``REDACTED`` and no fragment."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = urlencode([(name, "REDACTED") for name, _ in parse_qsl(parts.query, True)])
    return parts._replace(netloc=netloc, query=query, fragment="").geturl()
