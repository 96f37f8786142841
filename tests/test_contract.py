"""The contract, the models and the routes hold each other to one shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.contract_schema import assert_matches_schema
from verifik_mock import create_app
from verifik_mock.contract_file import WIRES, Wire, load_contract
from verifik_mock.contract_generation import generated_components
from verifik_mock.contract_schema import validator_for
from verifik_mock.http.routes import ALL_OPERATIONS, OPERATIONS
from verifik_mock.models.base import RequestBody
from verifik_mock.server import RunningServer

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def contract_operations(wire: Wire = "pages") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (METHOD, path, operation) the contract of ``wire`` lists."""
    for path, item in load_contract(wire)["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, operation


def ref_name(ref_holder: dict[str, Any]) -> str:
    """The last segment of a ``$ref``."""
    return str(ref_holder["$ref"]).rsplit("/", 1)[-1]


def test_generated_part_of_contract_matches_the_models() -> None:
    assert load_contract()["components"] == generated_components()["components"], (
        "contracts/verifik.openapi.yaml is out of date with the models: run `make contract`"
    )


def test_every_served_route_is_in_the_contract_and_every_contract_path_is_served() -> None:
    served = {
        (method, route.path)  # type: ignore[attr-defined]
        for route in create_app().routes
        for method in route.methods or ()  # type: ignore[attr-defined]
        if method != "HEAD"
    }
    documented = {(method, path) for method, path, _ in contract_operations()}
    assert served == documented


def test_the_observed_contract_lists_exactly_verifiks_operations() -> None:
    documented = {(method, path) for method, path, _ in contract_operations("observed")}
    assert documented == {(operation.method, operation.path) for operation in OPERATIONS}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_each_observed_operation_declares_its_query_and_envelope(operation: Any) -> None:
    documented = load_contract("observed")["paths"][operation.path][operation.method.lower()]
    listed = {ref_name(parameter) for parameter in documented.get("parameters", [])}
    query = operation.observed_query or operation.query
    expected = {f"{query.__name__}.{name}" for name in query.model_fields}
    assert listed == expected | set(re.findall(r"{(\w+)}", operation.path))
    success = documented["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref_name(success) == operation.observed_response.__name__


@pytest.mark.parametrize("operation", ALL_OPERATIONS, ids=lambda op: op.operation_id)
def test_each_operation_lists_the_query_parameters_its_model_reads(operation: Any) -> None:
    documented = load_contract()["paths"][operation.path][operation.method.lower()]
    listed = {ref_name(parameter) for parameter in documented.get("parameters", [])}
    expected = {f"{operation.query.__name__}.{name}" for name in operation.query.model_fields}
    expected |= set(re.findall(r"{(\w+)}", operation.path))
    assert listed == expected


@pytest.mark.parametrize("operation", ALL_OPERATIONS, ids=lambda op: op.operation_id)
def test_each_operation_declares_its_body_and_success_models(operation: Any) -> None:
    documented = load_contract()["paths"][operation.path][operation.method.lower()]
    assert documented["operationId"] == operation.operation_id
    success = documented["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref_name(success) == operation.response.__name__
    body = documented.get("requestBody", {}).get("content", {}).get("application/json")
    declared: type[RequestBody] | None = operation.body
    assert (ref_name(body["schema"]) if body else None) == (declared and declared.__name__)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.parametrize("wire", WIRES)
def test_every_reference_in_the_contract_resolves(wire: Wire) -> None:
    contract = load_contract(wire)
    for ref in set(_refs(contract)):
        node: Any = contract
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]


def _examples() -> Iterator[tuple[Wire, str, dict[str, Any], Any]]:
    for wire in WIRES:
        yield from _examples_of(wire)


def _examples_of(wire: Wire) -> Iterator[tuple[Wire, str, dict[str, Any], Any]]:
    for method, path, operation in contract_operations(wire):
        bodies = [("request", operation.get("requestBody", {}))] + [
            (f"response {status}", response) for status, response in operation["responses"].items()
        ]
        for where, holder in bodies:
            media = holder.get("content", {}).get("application/json", {})
            for name, example in media.get("examples", {}).items():
                label = f"{method} {path} {where} {name}"
                yield wire, label, media["schema"], example["value"]


@pytest.mark.parametrize(
    ("wire", "label", "schema", "example"), list(_examples()), ids=lambda v: ""
)
def test_every_example_in_the_contract_matches_its_schema(
    wire: Wire, label: str, schema: dict[str, Any], example: Any
) -> None:
    validator_for(schema["$ref"], wire).validate(example)


def test_a_new_tenants_seeded_world_matches_the_contract(client: httpx.Client) -> None:
    everything = "?limit=100&populates[]=client"
    validations = client.get(
        f"/v2/biometric-validations{everything}&populates[]=project"
        "&populates[]=projectFlow&populates[]=livenessSession"
    )
    assert_matches_schema(validations.json(), "BiometricValidationList")
    documents = client.get(f"/v2/document-liveness{everything}&populates[]=appRegistration")
    assert_matches_schema(documents.json(), "DocumentLivenessList")
    assert_matches_schema(client.get("/v2/projects?limit=100").json(), "ProjectList")
    assert_matches_schema(client.get("/v2/project-flows?limit=100").json(), "ProjectFlowList")


def test_the_served_contract_is_the_file(server: RunningServer) -> None:
    assert httpx.get(f"{server.base_url}/openapi.json").json() == load_contract()


def test_the_docs_page_lists_every_operation(server: RunningServer) -> None:
    page = httpx.get(f"{server.base_url}/docs")
    assert page.headers["content-type"].startswith("text/html")
    for _, _, operation in contract_operations():
        assert f'id="{operation["operationId"]}"' in page.text
