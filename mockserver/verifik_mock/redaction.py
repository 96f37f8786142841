"""Hiding secrets before anything is logged, journaled or recorded: no token, password,
query value, face image, email or signing secret a client sent ever reaches a log line, and
a recording of real traffic keeps the shape and the enum values of each body but none of
its secrets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

REDACTED = "REDACTED"

SECRET_NAMES = re.compile(
    r"authorization|token|secret|password|signature|cookie|api[-_]?key|image|photo|selfie",
    re.IGNORECASE,
)
"""Names of fields, headers and query parameters whose values are secrets or faces
(``Authorization`` with any scheme, ``token``, ``faceImage``, ``X-Mock-Admin-Token``...)."""
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
DATA_URI = re.compile(r"data:[\w/+.-]*;base64,", re.IGNORECASE)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
LONG_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
"""An image, a key or a secret in base64 or hex. Ids (24 hex digits) are shorter, and long
enum values (``onboarding_biometric_validation_created_person``) have no digit."""


def redacted_url(url: str) -> str:
    """``url`` (absolute, or a path with its query) with no user or password, every query
    value ``REDACTED`` and no fragment."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = urlencode([(name, REDACTED) for name, _ in parse_qsl(parts.query, True)])
    return parts._replace(netloc=netloc, query=query, fragment="").geturl()


def is_secret_text(text: str) -> bool:
    """Whether ``text`` holds a JWT, an image, an email address or a long key, wherever in it."""
    if JWT.search(text) or DATA_URI.search(text) or EMAIL.search(text):
        return True
    return bool(LONG_BASE64.fullmatch(text)) and any(c.isdigit() for c in text)


def redacted_text(text: str) -> str:
    """``text``, or ``REDACTED`` when it holds a secret."""
    return REDACTED if is_secret_text(text) else text


def redacted_json(value: object, secret: bool = False) -> object:
    """``value`` (decoded JSON) with every string that is a secret, or sits under a field
    named like one, ``REDACTED``. Objects, arrays, numbers, booleans, ids and enum values
    stay as they are, so the redacted value has the shape of the original."""
    if isinstance(value, dict):
        return {
            key: redacted_json(item, secret or bool(SECRET_NAMES.search(key)))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redacted_json(item, secret) for item in value]
    if isinstance(value, str):
        return REDACTED if secret else redacted_text(value)
    return value


def redacted_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers or query parameters with each secret value ``REDACTED``."""
    return [
        (name, REDACTED if SECRET_NAMES.search(name) else redacted_text(value))
        for name, value in pairs
    ]


def redacted_path(path: str) -> str:
    """A URL path with each segment that is a secret ``REDACTED``."""
    return "/".join(redacted_text(segment) for segment in path.split("/"))
