"""Checking JSON bodies against the contract's schemas, for tests."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from verifik_mock.contract_file import Wire, load_contract

CONTRACT_URI = "urn:verifik-contract"


@cache
def contract_registry(wire: Wire = "pages") -> Registry[Any]:
    """The contract of ``wire`` as a JSON Schema resource, so ``$ref``s into it resolve."""
    registry: Registry[Any] = Registry().with_resource(
        CONTRACT_URI, DRAFT202012.create_resource(load_contract(wire))
    )
    return registry


def validator_for(pointer: str, wire: Wire = "pages") -> jsonschema.Draft202012Validator:
    """A validator for the schema at ``pointer`` (``#/components/schemas/...``) in the
    contract of ``wire``."""
    return jsonschema.Draft202012Validator(
        {"$ref": f"{CONTRACT_URI}{pointer}"},
        registry=contract_registry(wire),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def assert_matches_schema(body: Any, schema_name: str, wire: Wire = "pages") -> None:
    """Fail, naming the first difference, unless ``body`` is a valid ``schema_name`` of the
    contract of ``wire``."""
    validator_for(f"#/components/schemas/{schema_name}", wire).validate(body)
