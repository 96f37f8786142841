"""The observed wire's contract, ``contracts/verifik.observed.openapi.yaml``: made whole by
``make contract`` from the pages' document (Verifik's operations, their descriptions, bodies
and links) and the models (the observed envelopes, queries and errors), so the two
documents cannot disagree where the wires agree.
"""

from __future__ import annotations

import copy
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from verifik_mock import errors
from verifik_mock.contract_generation import (
    OmittedNotNull,
    component_parameters,
    mock_faults,
    security_schemes,
)
from verifik_mock.http.operations import Operation
from verifik_mock.http.routes import OPERATIONS
from verifik_mock.models.base import RecordModel
from verifik_mock.models.enums import OBSERVED_VALIDATION_STATUS, BiometricValidationStatus
from verifik_mock.models.observed import ObservedError, ProtectedResourceError

OBSERVED_HEADER = (
    "# Made by `make contract` from verifik.openapi.yaml and verifik_mock.models: do not edit.\n"
)
MILLISECOND_INSTANT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
"""How the observed wire writes every instant: Mongoose's ISO-8601, always milliseconds."""

DESCRIPTION = """\
Verifik's biometric-validation API as real captures of it show it, beside the pages'
document (`verifik.openapi.yaml`), from the sources `beyond-the-pages.md` gathers. Served by
`verifik-mock serve --wire observed` (or a tenant's `POST /__mock__/wire`); made by
`make contract` from the pages' document and the models, so the operations, bodies,
records, states and scores are the same and only the wire differs:

- No answer has `success`. An operation (a create, a validate) answers
  `{"data", "signature": {dateTime, message}, "id"}` with a 5-character request id; a
  retrieve answers `{"data"}` alone.
- Biometric validations are listed as `{"data": {"docs", "total", "limit", "page", "pages"}}`
  (the GitBook capture); document liveness, projects and project flows as
  `{"data": [...], "total", "limit", "page", "pages"}` (the document-liveness capture; the
  sources show nothing for projects and flows, and Verifik's paginator spreads its result
  there for every other list). The page size is asked for with `perPage` (default 20, at
  most 100) and written back as `limit`; a list without `page` is its first page (the
  captures show the paginated shape only).
- Stored records carry `__v: 0`, and instants always have milliseconds
  (`2024-01-15T10:30:00.000Z`).
- A biometric validation's status is `new`, `sent`, `validated`, `failed` or `expired` (the
  retrieve page's and the webhooks' names): the pages' `pending` is `sent`, `completed` is
  `validated`, and `where_status` takes these names.
- A document-liveness record is flat: per check its `validate*` flag, a raw score
  (unbounded, higher is more authentic; `sreenReplay*`, in Verifik's spelling), a
  probability that the document is not authentic (0 to 1), its calibration, warnings and
  errors, then `aggregatedScore`; its create adds `chargesCount`. A check not asked for has
  score and probability 0. The pages' `status`, `validationResults`, `riskScore` and
  `confidence` are not on this wire.
- An error is `{"code", "message"}`: the code Verifik's backend gives the status
  (`BadRequest`, `Forbidden`, `NotFound`, `Conflict`, ...; a body that breaks its schema is
  409 `MissingParameter`), and as the message the snake_case token captures show
  (`liveness_failed@0.45`, `token_not_right`, `person_not_found`, `Record not found.`) or
  the mock's own text. A missing or refused token answers 401
  `{"error": "Protected resource, use Authorization header to get access"}`. Statuses are
  the pages' on both wires, and so is each operation's `x-verifik-error-codes`: it names
  the errors an operation can answer by the pages' codes, which the error responses below
  map to this wire's code and message.
- `X-Mock-Fault` answers before a request reaches its tenant, in the server's `--wire`; a
  control-API fault rule answers in the tenant's.
"""


class ObservedSchema(OmittedNotNull):
    """JSON Schema of the models as the observed wire writes them: records with ``__v``,
    a validation's status in the observed names."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        """A stored record's schema gains the version key."""
        generated = super().model_schema(schema)
        if issubclass(schema["cls"], RecordModel) and "properties" in generated:
            generated["properties"]["__v"] = {"type": "integer", "const": 0}
            generated.setdefault("required", []).append("__v")
        return generated

    def enum_schema(self, schema: core_schema.EnumSchema) -> JsonSchemaValue:
        """A biometric validation's status, in the names the observed wire writes."""
        generated = super().enum_schema(schema)
        if schema["cls"] is BiometricValidationStatus:
            generated["enum"] = [OBSERVED_VALIDATION_STATUS[s].value for s in schema["members"]]
        return generated


def observed_document(pages: dict[str, Any]) -> dict[str, Any]:
    """The observed wire's contract, from the pages' document ``pages``."""
    operations = {operation.operation_id: operation for operation in OPERATIONS}
    paths = {
        path: {
            method: observed_operation(item, operations[item["operationId"]])
            for method, item in methods.items()
        }
        for path, methods in pages["paths"].items()
        if path.startswith("/v2/")
    }
    return {
        "openapi": pages["openapi"],
        "info": pages["info"]
        | {
            "title": "Verifik biometric validations, as observed (verifik-mock contract)",
            "description": DESCRIPTION,
        },
        "servers": pages["servers"],
        "security": pages["security"],
        "tags": [tag for tag in pages["tags"] if tag["name"] != "mock"],
        "paths": paths,
        "webhooks": pages["webhooks"],
        "components": {
            "schemas": component_schemas(),
            "parameters": component_parameters(_query_models()),
            "responses": component_responses(),
            "securitySchemes": security_schemes(),
            "x-mock-faults": mock_faults(),
        },
    }


def write_observed_document(pages: Path, observed: Path) -> None:
    """Write the observed wire's contract to ``observed``, from the pages' one at ``pages``."""
    document = observed_document(yaml.safe_load(pages.read_text(encoding="utf-8")))
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    observed.write_text(OBSERVED_HEADER + text, encoding="utf-8")


def observed_operation(item: dict[str, Any], operation: Operation) -> dict[str, Any]:  # type: ignore[type-arg]
    """One operation of the pages' document on the observed wire: its answer's envelope and
    its query parameters the observed ones; its answer examples (the pages') left out."""
    observed = copy.deepcopy(item)
    assert operation.observed_response is not None, operation.operation_id
    for status, response in observed["responses"].items():
        if status != "200" and "$ref" not in response:  # an error with the pages' example
            phrase = HTTPStatus(int(status)).phrase.replace(" ", "")
            observed["responses"][status] = {"$ref": f"#/components/responses/{phrase}"}
    success = observed["responses"]["200"]
    content = success["content"]["application/json"]
    content.pop("examples", None)
    content["schema"] = {"$ref": f"#/components/schemas/{operation.observed_response.__name__}"}
    query = operation.observed_query or operation.query
    observed["parameters"] = [
        parameter
        for parameter in observed.get("parameters", [])
        if not parameter["$ref"].startswith(f"#/components/parameters/{operation.query.__name__}.")
    ] + [
        {"$ref": f"#/components/parameters/{query.__name__}.{field}"}
        for field in query.model_fields
    ]
    if not observed["parameters"]:
        del observed["parameters"]
    return observed


def _query_models() -> set[type[BaseModel]]:
    return {operation.observed_query or operation.query for operation in OPERATIONS}


def component_schemas() -> dict[str, Any]:
    """The observed answers' schemas (instants always with milliseconds), and the request
    bodies' (the same as the pages')."""
    answers: list[type[BaseModel]] = [ObservedError, ProtectedResourceError]
    answers += [operation.observed_response for operation in OPERATIONS]  # type: ignore[misc]
    _, answer_schemas = models_json_schema(
        [(model, "serialization") for model in sorted(set(answers), key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
        schema_generator=ObservedSchema,
    )
    defs = answer_schemas.get("$defs", {})
    _require_milliseconds(defs)
    bodies = {operation.body for operation in OPERATIONS if operation.body is not None}
    _, body_schemas = models_json_schema(
        [(model, "validation") for model in sorted(bodies, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
        schema_generator=OmittedNotNull,
    )
    queries = sorted(_query_models(), key=lambda m: m.__name__)
    _, query_schemas = models_json_schema(
        [(model, "validation") for model in queries],
        ref_template="#/components/schemas/{model}",
        schema_generator=OmittedNotNull,
    )
    query_defs = {  # the types parameters refer to, not the query models themselves
        name: schema
        for name, schema in query_schemas.get("$defs", {}).items()
        if name not in {model.__name__ for model in queries}
    }
    return dict(sorted((query_defs | body_schemas.get("$defs", {}) | defs).items()))


def _require_milliseconds(schema: Any) -> None:
    """Hold every instant of the answers to the observed wire's milliseconds."""
    if isinstance(schema, dict):
        if schema.get("format") == "date-time":
            schema["pattern"] = MILLISECOND_INSTANT
        for value in schema.values():
            _require_milliseconds(value)
    elif isinstance(schema, list):
        for value in schema:
            _require_milliseconds(value)


def component_responses() -> dict[str, Any]:
    """One error response per status, listing each error's observed code and message."""
    responses: dict[str, Any] = {}
    for status, classes in errors.errors_by_status().items():
        if status == 401:
            schema, lines = "ProtectedResourceError", "- a missing or refused token"
        else:
            schema = "ObservedError"
            lines = "\n".join(
                f"- `{c.observed_code()}`"
                + (f", message `{c.observed_token}`" if c.observed_token else "")
                + f" (the pages' `{c.code}`): {c.__doc__}"
                for c in classes
            )
        responses[HTTPStatus(status).phrase.replace(" ", "")] = {
            "description": f"{status}, as the observed wire writes it:\n{lines}",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    return responses
