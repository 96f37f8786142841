"""Asserting that a JSON body is what the contract says, for tests."""

from __future__ import annotations

from typing import Any

from verifik_mock.contract_schema import validator_for


def assert_matches_schema(body: Any, schema_name: str) -> None:
    """Fail, naming the first difference, unless ``body`` is a valid ``schema_name``."""
    validator_for(f"#/components/schemas/{schema_name}").validate(body)
