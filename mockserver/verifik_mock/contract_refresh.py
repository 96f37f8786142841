"""``make contract``: the contracts brought up to date with the models, both wires."""

from __future__ import annotations

from verifik_mock.contract_file import contract_path
from verifik_mock.contract_generation import write_generated_part
from verifik_mock.observed_contract import write_observed_document


def main() -> None:
    """Rewrite the pages' document's generated part, then the observed document from it."""
    write_generated_part(contract_path("pages"))
    write_observed_document(contract_path("pages"), contract_path("observed"))
