# verifik-mock: `make run` starts the mock on 127.0.0.1:8000; `make test` runs every check.
# Both set up their own virtual environment (.venv) on first use.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-stamp
DEV     := $(VENV)/.dev-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 0


# Redocly CLI lints the contract; npm installs it here (git-ignored), one folder per version
# so that changing the pin installs the new one.
REDOCLY_VERSION := 2.77.0
REDOCLY_DIR     := .tools/redocly/$(REDOCLY_VERSION)
REDOCLY         := $(REDOCLY_DIR)/node_modules/.bin/redocly

.PHONY: setup browser run test lint lint-contract typecheck pytest examples contract bench clean

setup: $(DEV)

# `make run` needs the package and what it runs on, nothing more (about a minute less than
# the dev tools, and no browser driver or type checker on a machine that only serves).
$(RUNTIME): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "verifik-mock needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(RUNTIME)

# Everything `make test` runs: pytest, ruff, mypy, Playwright...
$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(DEV)

run: $(RUNTIME)
	$(BIN)/verifik-mock serve --host $(HOST) --port $(PORT) --seed $(SEED)

test: lint typecheck pytest

lint: $(DEV) lint-contract
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(REDOCLY):
	npm install --prefix $(REDOCLY_DIR) --save-exact --no-audit --no-fund --silent \
	  @redocly/cli@$(REDOCLY_VERSION)

# The contract against redocly.yaml's rules. Its output is shown only when it fails: on
# Node 20 every run prints a deprecation banner, which would bury the rest of `make test`.
lint-contract: $(REDOCLY)
	@out=$$($(REDOCLY) lint --config redocly.yaml contracts/verifik.openapi.yaml 2>&1) \
	  || { printf '%s\n' "$$out"; exit 1; }
	@echo "redocly lint: contracts/verifik.openapi.yaml passes redocly.yaml's rules"

typecheck: $(DEV)
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work
# here): install it when it is missing, as root or through sudo.
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

pytest: $(DEV) browser
	$(BIN)/pytest -n 2

# What users get, alone (`make pytest` runs it with the rest): the built wheel installed by the
# README's `pip install verifik-mock` into a fresh venv, every README block run outside the
# checkout, the downstream example app's suite, and `make run`'s runtime-only install.
examples: $(DEV)
	$(BIN)/pytest -n 2 -p no:cacheprovider tests/test_installed.py

# verifik-mock side by side with Prism, WireMock and a bare Starlette app (about 6 minutes;
# installs wrk, Prism and WireMock when missing): bench/README.md says what and how.
bench: $(DEV)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Refresh the contract's generated part (component schemas, parameters, error responses)
# after changing a model; a test fails until it is done.
contract: $(DEV)
	$(BIN)/python -c 'from verifik_mock.contract import main; main()'

clean:
	rm -rf $(VENV) .tools/redocly .pytest_cache .mypy_cache .ruff_cache
