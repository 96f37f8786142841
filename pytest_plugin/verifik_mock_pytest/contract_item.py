"""``pytest --verifik-contract``: the contract checks as one test item, run by the same
runner as ``verifik-mock contract`` so both give the same verdict on the same server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from verifik_mock import Settings, create_app, tokens
from verifik_mock.conformance import ContractOptions, ContractResult, run_contract, summary_table
from verifik_mock.contract_file import Wire
from verifik_mock.server import serve_in_thread

CONTRACT_SECRET = "verifik-contract"
"""The signing secret of the mock started for the checks: it must refuse bad tokens."""


class ContractCheckError(Exception):
    """The contract checks failed; the message is their table."""


@contextmanager
def contract_target(url: str | None, wire: Wire) -> Iterator[tuple[str, str | None]]:
    """The server and token to check: ``--verifik-url`` with ``$VERIFIK_TOKEN``, or a
    mock started here in ``wire`` that enforces signed tokens, with one of its own."""
    if url:
        yield url.rstrip("/"), os.environ.get("VERIFIK_TOKEN")
        return
    settings = Settings(signing_secret=CONTRACT_SECRET, wire=wire)
    with serve_in_thread(create_app(settings)) as running:
        yield running.base_url, tokens.encode({"clientId": "contract-checks"}, CONTRACT_SECRET)


class ContractItem(pytest.Item):
    """One test: every contract check, reported as a table per operation."""

    def runtest(self) -> None:
        """Run the checks; fail with the table (or with why they could not run)."""
        config = self.config
        wire = config.getoption("--verifik-wire")
        with contract_target(config.getoption("--verifik-url"), wire) as (base_url, token):
            options = ContractOptions(
                base_url=base_url,
                token=token,
                max_examples=config.getoption("--verifik-contract-examples"),
                seed=config.getoption("--verifik-seed"),
                wire=wire,
            )
            result: ContractResult = run_contract(options, echo=lambda line: None)
        if not result.passed:
            raise ContractCheckError(summary_table(result))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: str | None = None
    ) -> str:
        """The table, not a traceback."""
        if isinstance(excinfo.value, ContractCheckError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int, str]:
        """Where the report says the test is."""
        return (
            "verifik-contract",
            0,
            f"verifik contract checks ({self.config.getoption('--verifik-url') or 'a mock'})",
        )
