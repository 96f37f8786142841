"""Checking a real answer against the contract: which operation a request is, and where its
answer breaks what the contract says that operation answers (its statuses, and the JSON
schema of each), as one violation per JSON path.

The proxy checks every answer it passes on with it. A violation never shows a body: its
message names the field, the rule and, for a short value that is no secret, the value.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from verifik_mock.contract_file import Wire, load_contract
from verifik_mock.contract_schema import validator_for
from verifik_mock.redaction import redacted_path, redacted_text

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
NOT_VERIFIKS_TAG = "mock"
"""The tag of the mock's own operations (control API, pages, health): not Verifik's, so no
answer of theirs is checked."""
SHOWN_VALUE_CHARACTERS = 60


@dataclass(frozen=True)
class Operation:
    """One operation of the contract, and where its answers' descriptions are."""

    operation_id: str
    method: str
    template: str
    responses: dict[str, str]
    """Each documented status (``200``, ``4XX``, ``default``) and the JSON pointer of its
    response object."""
    checked: bool
    """Whether it is Verifik's (the mock's own operations are passed on unchecked)."""


@dataclass(frozen=True, order=True)
class Violation:
    """One way an answer breaks the contract."""

    operation: str
    status: int
    path: str
    """The JSON path of the offending value, array indices as ``[*]``: ``$.data[*].status``."""
    message: str

    def line(self) -> str:
        """``retrieveBiometricValidation 200 $.data.status: 'validated' is not one of [...]``."""
        return f"{self.operation} {self.status} {self.path}: {self.message}"


@dataclass(frozen=True)
class Matched:
    """What a request is: its operation, or why it has none."""

    label: str
    """The operation's id, else ``METHOD /path`` (the path redacted)."""
    operation: Operation | None
    problem: str | None = None
    """Why no operation matched (the path, or the method, is not in the contract)."""

    @property
    def checked(self) -> bool:
        """Whether its answers are checked: Verifik's operations, and requests the contract
        does not know (each answer to one is a violation)."""
        return self.operation.checked if self.operation else self.problem is not None


class AnswerChecker:
    """The operations of one wire profile's contract, and the checks of their answers."""

    def __init__(self, wire: Wire = "pages") -> None:
        self.wire = wire
        self.operations = list(_operations(load_contract(wire)))
        # A literal path outranks a template: /validate is not also /{id}.
        self.operations.sort(key=lambda operation: operation.template.count("{"))
        self.patterns = {op.template: _template_pattern(op.template) for op in self.operations}

    def match(self, method: str, path: str) -> Matched:
        """The operation of ``method`` on ``path`` (HEAD as GET), or why there is none."""
        if method == "OPTIONS":  # a browser's CORS preflight: no operation of Verifik's
            return Matched(label="OPTIONS", operation=None)
        wanted = "GET" if method == "HEAD" else method
        at_path = [op for op in self.operations if self.patterns[op.template].fullmatch(path)]
        for operation in at_path:
            if operation.method == wanted:
                return Matched(label=operation.operation_id, operation=operation)
        if not at_path:
            problem = "no operation in the contract has this path"
            return Matched(label=f"{method} {redacted_path(path)}", operation=None, problem=problem)
        template = at_path[0].template
        methods = ", ".join(sorted({op.method for op in at_path if op.template == template}))
        problem = f"the contract has no {method} at {template} (it has {methods})"
        return Matched(label=f"{method} {template}", operation=None, problem=problem)

    def check(
        self, matched: Matched, status: int, content_type: str, body: bytes, has_body: bool = True
    ) -> Counter[Violation]:
        """What in the answer breaks the contract, each violation with how often it occurs
        (a list answer repeats a record's violation once per record)."""
        found: Counter[Violation] = Counter()
        if matched.problem is not None:
            found[Violation(matched.label, status, "$", matched.problem)] += 1
        if matched.operation is None or not matched.operation.checked:
            return found
        operation = matched.operation
        pointer = _response_pointer(operation, status)
        if pointer is None:
            message = f"status {status} is not documented for {operation.operation_id}"
            found[Violation(operation.operation_id, status, "$", message)] += 1
            return found
        schema_pointer = self._json_schema_pointer(pointer)
        if schema_pointer is None or not has_body:
            return found
        for path, message in _body_problems(schema_pointer, self.wire, content_type, body):
            found[Violation(operation.operation_id, status, path, message)] += 1
        return found

    def _json_schema_pointer(self, response_pointer: str) -> str | None:
        """The pointer of the response's JSON schema, if it documents a JSON body."""
        response = _resolve(load_contract(self.wire), response_pointer)
        if "$ref" in response:
            return self._json_schema_pointer(response["$ref"])
        if "schema" not in response.get("content", {}).get("application/json", {}):
            return None
        return f"{response_pointer}/content/application~1json/schema"


def _operations(contract: dict[str, Any]) -> list[Operation]:
    found = []
    for template, item in contract.get("paths", {}).items():
        for method in HTTP_METHODS:
            if (operation := item.get(method)) is None:
                continue
            at = f"#/paths/{_escape(template)}/{method}/responses"
            found.append(
                Operation(
                    operation_id=operation.get("operationId", f"{method.upper()} {template}"),
                    method=method.upper(),
                    template=template,
                    responses={str(s): f"{at}/{_escape(str(s))}" for s in operation["responses"]},
                    checked=NOT_VERIFIKS_TAG not in operation.get("tags", []),
                )
            )
    return found


def _template_pattern(template: str) -> re.Pattern[str]:
    """``/v2/x/{id}`` as a pattern matching ``/v2/x/<one segment>``."""
    parts = re.split(r"\{[^/{}]+\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def _escape(key: str) -> str:
    """``key`` as a JSON pointer segment."""
    return key.replace("~", "~0").replace("/", "~1")


def _resolve(document: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = document
    for segment in pointer.removeprefix("#/").split("/"):
        node = node[segment.replace("~1", "/").replace("~0", "~")]
    assert isinstance(node, dict)
    return node


def _response_pointer(operation: Operation, status: int) -> str | None:
    """The response object documenting ``status``: its own, its class's (``4XX``) or the
    default."""
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in operation.responses:
            return operation.responses[key]
    return None


def _body_problems(
    schema_pointer: str, wire: Wire, content_type: str, body: bytes
) -> list[tuple[str, str]]:
    """Each (JSON path, message) where ``body`` breaks the schema at ``schema_pointer``."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        return [("$", f"the answer is {media_type or 'untyped'}, the contract says JSON")]
    try:
        decoded = json.loads(body)
    except ValueError:
        return [("$", "the answer is not valid JSON")]
    # best_match goes down into anyOf and oneOf, to the branch the value was meant for.
    errors = [best_match([e]) for e in validator_for(schema_pointer, wire).iter_errors(decoded)]
    return sorted((_wildcard(error.json_path), short_message(error)) for error in errors)


def _wildcard(json_path: str) -> str:
    """``$.data[3].status`` as ``$.data[*].status``: one violation however many records."""
    return re.sub(r"\[\d+\]", "[*]", json_path)


def short_message(error: ValidationError) -> str:
    """The validator's message, with the offending value shown only when it is short and
    no secret: never a body, an image or a token."""
    literal, shown = repr(error.instance), shown_value(error.instance)
    if error.message.startswith(literal):
        return shown + error.message[len(literal) :]
    if literal in error.message:
        return f"{shown} breaks the contract's {error.validator!r} rule"
    return error.message


def shown_value(value: object) -> str:
    """How a violation shows ``value``: a scalar as Python writes it (a long or secret string
    cut or ``REDACTED``), an object or an array by its kind alone."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        text = redacted_text(value)
        cut = text[:SHOWN_VALUE_CHARACTERS]
        return repr(cut + "...") if len(text) > len(cut) else repr(cut)
    return repr(value)
