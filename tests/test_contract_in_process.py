"""The contract checks, in process: schemathesis calls the ASGI app directly, no socket.

The same contract and the same ``contracts/schemathesis.toml`` as ``verifik-mock contract``;
every operation through schemathesis's phases, and a stateful run along the links.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig

from tests.drifted_mock import SECRET, TOKEN
from verifik_mock import Settings, create_app
from verifik_mock.conformance import TOKEN_VARIABLE
from verifik_mock.data_files import data_folder

# schemathesis.toml reads the client token from the environment, as `verifik-mock contract`
# sets it: it authenticates every operation but validate, whose token the links supply.
os.environ[TOKEN_VARIABLE] = TOKEN
app = create_app(Settings(signing_secret=SECRET))
config = SchemathesisConfig.from_path(str(data_folder("contracts") / "schemathesis.toml"))
config.projects.default.generation.update(max_examples=15)
# The app serves the contract file itself at /openapi.json (tests/test_contract.py holds it).
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


@schema.parametrize()
def test_every_operation_conforms_in_process(case: Any) -> None:
    case.call_and_validate()


StatefulRun = schema.as_state_machine()
"""Follows the contract's links (create, then retrieve, list and validate) in process."""

TestStatefulRun = StatefulRun.TestCase
