"""The answers a contract documents, read from the document alone: per Verifik operation each
status and each error code it lists for that status, the webhook event types, and the faults
the mock can inject on any ``/v2`` operation (the resilience group)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Group = Literal["operation", "webhook", "resilience"]
AnswerKey = tuple[str, str | None, int | None, str | None]
"""An answer's identity: its group, its name (operation, event type or fault), status, code."""
VERIFIK_PREFIX = "/v2/"
EVENT_INFIX = "_biometric_validation_"
"""Event types read ``<flow type>_biometric_validation_<what happened>``."""


class Answer(BaseModel):
    """One documented answer: an operation's status (and error code), a webhook event type,
    or an injectable fault."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group: Group
    name: str = Field(description="The operationId, the webhook event type, or the fault.")
    status: int | None = Field(default=None, description="Absent: no answer (reset), or a webhook.")
    code: str | None = Field(default=None, description="The error code, for an error answer.")
    flowType: str | None = Field(default=None, description="A webhook's flow type.")

    @property
    def key(self) -> AnswerKey:
        """What identifies the answer, whoever gave it: a fault's or an event's name alone."""
        if self.group == "operation":
            return (self.group, self.name, self.status, self.code)
        return (self.group, self.name, None, None)


def documented_answers(contract: dict[str, Any]) -> list[Answer]:
    """Every answer ``contract`` (a wire profile's document) documents, in its order."""
    return [*_operation_answers(contract), *_webhook_answers(contract), *_fault_answers(contract)]


def verifik_operations(contract: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each operation of Verifik's API (``/v2``) the contract holds, in its order."""
    for path, item in contract["paths"].items():
        if path.startswith(VERIFIK_PREFIX):
            yield from (op for op in item.values() if isinstance(op, dict) and "responses" in op)


def _operation_answers(contract: dict[str, Any]) -> Iterator[Answer]:
    for operation in verifik_operations(contract):
        codes: dict[str, list[str]] = operation.get("x-verifik-error-codes", {})
        for status in operation["responses"]:
            for code in codes.get(status, [None]):
                yield Answer(
                    group="operation", name=operation["operationId"], status=int(status), code=code
                )


def _webhook_answers(contract: dict[str, Any]) -> Iterator[Answer]:
    for webhook in contract.get("webhooks", {}).values():
        body = webhook["post"]["requestBody"]["content"]["application/json"]["schema"]
        for event in body["properties"]["type"]["enum"]:
            yield Answer(group="webhook", name=event, flowType=event.partition(EVENT_INFIX)[0])


def _fault_answers(contract: dict[str, Any]) -> Iterator[Answer]:
    for fault in contract["components"].get("x-mock-faults", []):
        yield Answer(
            group="resilience",
            name=fault["fault"],
            status=fault.get("status"),
            code=fault.get("code"),
        )
