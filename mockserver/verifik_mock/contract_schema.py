"""Validating JSON against the schemas of a contract document: the document of a wire profile
as one JSON Schema resource, so a validator for any schema in it resolves the ``$ref``s. The
proxy checks real answers with it, and the tests check the mock's."""

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


@cache
def validator_for(pointer: str, wire: Wire = "pages") -> jsonschema.Draft202012Validator:
    """A validator for the schema at ``pointer`` (``#/components/schemas/...``, or any JSON
    pointer into the document) in the contract of ``wire``, checking formats too."""
    return jsonschema.Draft202012Validator(
        {"$ref": f"{CONTRACT_URI}{pointer}"},
        registry=contract_registry(wire),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
