"""Checking JSON bodies against the contract's schemas, for tests."""

from __future__ import annotations

from typing import Any

from verifik_mock.contract_file import Wire
from verifik_mock.contract_schema import validator_for


def assert_matches_schema(body: Any, schema_name: str, wire: Wire = "pages") -> None:
    """Fail, naming the first difference, unless ``body`` is a valid ``schema_name`` of the
    contract of ``wire``."""
    validator_for(f"#/components/schemas/{schema_name}", wire).validate(body)
