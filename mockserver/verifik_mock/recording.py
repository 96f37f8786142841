"""Recordings of real traffic (``verifik-mock proxy --record DIR``): one redacted JSON file
per exchange, ``0001-retrieveBiometricValidation.json`` and on, in the order the answers came;
and reading them back, for ``verifik-mock drift --recorded DIR``.

A file holds the request (method, path, query, headers, JSON body) and the answer (status,
headers, JSON body) with every token, image, email, signature and secret ``REDACTED``
(``redaction.py``), ids and enum values kept: drift needs the shape and the enums. A body that
is no JSON (a form, a page) is not written, only its size.
"""

from __future__ import annotations

import json
import re
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from verifik_mock.redaction import redacted_json, redacted_pairs, redacted_path

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Exchange:
    """One request the proxy passed on, and the upstream's answer, as they went."""

    number: int
    label: str
    """The operation's id, else ``METHOD /path``."""
    checked: bool
    """Whether it is an operation of Verifik's (or one the contract does not know)."""
    method: str
    path: str
    query: bytes
    request_headers: Headers
    request_body: bytes
    status: int
    response_headers: Headers
    response_body: bytes

    @property
    def file_name(self) -> str:
        """``0001-retrieveBiometricValidation.json``."""
        return f"{self.number:04d}-{re.sub(r'[^A-Za-z0-9.-]+', '_', self.label)}.json"

    def redacted(self) -> dict[str, Any]:
        """The exchange as written: every secret ``REDACTED``."""
        query = parse_qsl(self.query.decode("ascii", "replace"), keep_blank_values=True)
        return {
            "operation": self.label,
            "checked": self.checked,
            "request": {
                "method": self.method,
                "path": redacted_path(self.path),
                "query": redacted_pairs(query),
                **_message(self.request_headers, self.request_body),
            },
            "response": {
                "status": self.status,
                **_message(self.response_headers, self.response_body),
            },
        }


def _message(headers: Headers, body: bytes) -> dict[str, Any]:
    """Headers and body of a request or an answer, redacted; the body only if it is JSON."""
    written: dict[str, Any] = {"headers": redacted_pairs(headers), "bodyBytes": len(body)}
    if "json" in content_type(headers) and body:
        with suppress(ValueError):  # not JSON after all: its size says it was there
            written["body"] = redacted_json(json.loads(body))
    return written


def content_type(headers: Headers) -> str:
    """The Content-Type among ``headers`` (empty if none)."""
    return next((value for name, value in headers if name.lower() == "content-type"), "")


def recording_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot take a new recording, if it cannot: it must be a new or empty
    folder, so files of two runs never mix."""
    if folder.exists() and not folder.is_dir():
        return "is a file, not a folder"
    if folder.is_dir() and any(folder.iterdir()):
        return "is not empty: record into a new folder, so two recordings never mix"
    return None


def write_exchange(folder: Path, exchange: Exchange) -> Path:
    """Write ``exchange``, redacted, into ``folder`` (made if missing); never over a file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / exchange.file_name
    with path.open("x", encoding="utf-8") as written:
        json.dump(exchange.redacted(), written, indent=2)
        written.write("\n")
    return path


@dataclass(frozen=True)
class RecordedExchange:
    """One exchange of a recording, read back."""

    name: str
    """The file's name without ``.json``: ``0004-retrieveBiometricValidation``."""
    operation: str
    checked: bool
    method: str
    path: str
    query: list[tuple[str, str]]
    status: int
    body: object
    """The answer's JSON body (redacted), or None when it had none."""


def read_recording(folder: Path) -> list[RecordedExchange]:
    """Every exchange recorded in ``folder``, in order."""
    exchanges = []
    for path in sorted(folder.glob("[0-9]*.json")):
        written = json.loads(path.read_text(encoding="utf-8"))
        request, response = written["request"], written["response"]
        exchanges.append(
            RecordedExchange(
                name=path.stem,
                operation=written["operation"],
                checked=written["checked"],
                method=request["method"],
                path=request["path"],
                query=[(name, value) for name, value in request["query"]],
                status=response["status"],
                body=response.get("body"),
            )
        )
    return exchanges
