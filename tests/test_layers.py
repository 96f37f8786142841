"""Imports run one way: the foundations and the models, then the state layer, then the domain,
then the HTTP edge, then what is built on it (the commands, the contract checks, the pytest
handle). A module never imports from a layer above its own, so there are no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "mockserver" / "verifik_mock"

LAYERS: dict[str, int] = {
    "version": 0, "errors": 0, "timestamps": 0, "clock": 0, "ids": 0, "tokens": 0,
    "redaction": 0, "data_files": 0, "samples": 0, "settings": 0, "contract_file": 0,
    "models": 1,
    "state": 2, "journal": 2,
    "domain": 3,
    "webhooks": 4, "http": 4, "app": 4, "server": 4,
    "contract_generation": 5, "observed_contract": 5, "contract_refresh": 5, "conformance": 5,
    "drift": 5, "testing": 5, "commands": 5, "contract_schema": 5, "answer_check": 5,
    "proxy_report": 5, "recording": 5, "proxy": 5, "replay": 5, "answer_coverage": 5,
    "cli": 6, "__init__": 6,
}  # fmt: skip
"""Each top-level module or package of ``verifik_mock`` by layer, lowest first."""


def layer_of(dotted: str) -> int:
    """The layer of ``verifik_mock.<name>...`` (its top-level module or package)."""
    return LAYERS[dotted.split(".")[1] if "." in dotted else "__init__"]


def imports_of(path: Path) -> list[str]:
    """The ``verifik_mock`` modules ``path`` imports, as dotted names."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("verifik_mock"):
            module = node.module or ""
            if module == "verifik_mock":  # `from verifik_mock import tokens`: the module
                found.extend(f"verifik_mock.{alias.name}" for alias in node.names)
            else:
                found.append(module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.startswith("verifik_mock."))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_nothing_from_a_layer_above_its_own(path: Path) -> None:
    relative = path.relative_to(PACKAGE).with_suffix("")
    own = "verifik_mock." + ".".join(relative.parts)
    above = [m for m in imports_of(path) if layer_of(m) > layer_of(own)]
    assert not above, f"{own} (layer {layer_of(own)}) imports {above}"


def test_every_top_level_module_has_a_layer() -> None:
    names = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in MODULES}
    assert names - {"_data"} <= set(LAYERS)
