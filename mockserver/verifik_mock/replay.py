"""``verifik-mock drift --recorded DIR``: a proxy recording's answers against a server's
answers to the same requests, compared as ``drift`` compares two servers.

Only what is safe to send again is replayed: the GETs the proxy checked (of Verifik's
operations, and of paths the contract does not have). Writes are not (they would change the
server, and their recorded bodies are redacted), nor are GETs of the mock's own endpoints.
Each request goes with the right side's token: the recorded ones are redacted. A retrieve
whose recorded record the server does not hold (a Verifik id, replayed on the mock) is sent
again with an id the server lists itself, as ``drift`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from verifik_mock.drift import (
    LIST_REQUESTS,
    REFUSED,
    RETRIEVE_REQUESTS,
    Answer,
    OperationDrift,
    compare,
    first_id,
    get,
)
from verifik_mock.recording import RecordedExchange


@dataclass(frozen=True)
class Replayed:
    """What a replay compared, and what it left out."""

    drifts: list[OperationDrift]
    skipped: int
    """Recorded exchanges not replayed: writes, the mock's own endpoints, and requests
    refused at recording time (401, 403), whose answer says nothing of the API's shape."""


def replayable(exchange: RecordedExchange) -> bool:
    """Whether ``exchange`` is sent again: a GET the proxy checked, not refused its token."""
    return exchange.method == "GET" and exchange.checked and exchange.status not in REFUSED


def replay(exchanges: list[RecordedExchange], right: httpx.Client) -> Replayed:
    """Send each replayable exchange's request to ``right`` and compare the answers."""
    drifts = []
    for exchange in filter(replayable, exchanges):
        label, path = exchange.name, exchange.path
        answer = get(right, httpx.URL(path, params=exchange.query))
        if _record_missing(exchange, answer) and (other := _listed_instead(path, right)):
            label += f" (as {other}: the right has no {path.rsplit('/', 1)[1]})"
            path = f"{path.rsplit('/', 1)[0]}/{other}"
            answer = get(right, httpx.URL(path, params=exchange.query))
        drifts.append(compare(label, recorded_answer(exchange), answer))
    return Replayed(drifts, skipped=len(exchanges) - len(drifts))


def recorded_answer(exchange: RecordedExchange) -> httpx.Response:
    """The recorded answer, as drift compares answers."""
    if exchange.body is None:
        return httpx.Response(exchange.status)
    return httpx.Response(exchange.status, json=exchange.body)


def _record_missing(exchange: RecordedExchange, answer: Answer) -> bool:
    """Whether the right answered 404 to a retrieve the recording answered with a record."""
    return (
        isinstance(answer, httpx.Response)
        and answer.status_code == 404
        and exchange.status == 200
        and _listing_of(exchange.path) is not None
    )


def _listing_of(path: str) -> str | None:
    """The list operation of the kind of record ``path`` retrieves, if it is a retrieve
    (``/v2/project-flows/<id>``: ``GET /v2/project-flows``)."""
    for list_operation, template in RETRIEVE_REQUESTS.values():
        parent = template.removesuffix("{id}")
        if path.startswith(parent) and path != parent and "/" not in path.removeprefix(parent):
            return list_operation
    return None


def _listed_instead(path: str, right: httpx.Client) -> str | None:
    """The id of the first record the right lists of the kind ``path`` retrieves."""
    list_operation = _listing_of(path)
    return first_id(get(right, LIST_REQUESTS[list_operation])) if list_operation else None
