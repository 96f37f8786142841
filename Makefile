# verifik-mock: `make run` starts the mock on 127.0.0.1:8000; `make test` runs every check.
# Both set up their own virtual environment (.venv) on first use.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-stamp
DEV     := $(VENV)/.dev-stamp
MUTATE  := $(VENV)/.mutate-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 0


# Redocly CLI lints the contract; npm installs it here (git-ignored), one folder per version
# so that changing the pin installs the new one.
REDOCLY_VERSION := 2.77.0
REDOCLY_DIR     := .tools/redocly/$(REDOCLY_VERSION)
REDOCLY         := $(REDOCLY_DIR)/node_modules/.bin/redocly

.PHONY: setup browser redis run test lint lint-contract typecheck pytest examples contract bench mutate clean

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

# mutmut, for `make mutate` only: neither `make test` nor `make run` installs it.
$(MUTATE): $(DEV)
	$(BIN)/python -m pip install --quiet -e ".[mutate]"
	@touch $(MUTATE)

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
	@for contract in contracts/verifik.openapi.yaml contracts/verifik.observed.openapi.yaml; do \
	  out=$$($(REDOCLY) lint --config redocly.yaml $$contract 2>&1) \
	    || { printf '%s\n' "$$out"; exit 1; }; \
	  echo "redocly lint: $$contract passes redocly.yaml's rules"; \
	done

typecheck: $(DEV)
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work
# here): install it when it is missing, as root or through sudo.
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

# The Redis store's tests start redis-servers of their own (no Redis runs here to share):
# install Debian's when it is missing, as root or through sudo.
redis:
	@command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server; }

pytest: $(DEV) browser redis
	$(BIN)/pytest -n 2

# What users get, alone (`make pytest` runs it with the rest): the built wheel installed by the
# README's `pip install verifik-mock` into a fresh venv, every README block run outside the
# checkout, the downstream example app's suite, and `make run`'s runtime-only install.
examples: $(DEV)
	$(BIN)/pytest -n 2 -p no:cacheprovider tests/test_installed.py

# verifik-mock side by side with Prism, WireMock and a bare Starlette app, then on each state
# engine (memory, SQLite, Redis; about 10 minutes; installs wrk, Prism and WireMock when
# missing): bench/README.md says what and how.
bench: $(DEV)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Refresh the contracts after changing a model: the pages' document's generated part
# (component schemas, parameters, error responses) and the whole observed document made
# from it; a test fails until it is done.
contract: $(DEV)
	$(BIN)/python -c 'from verifik_mock.contract_refresh import main; main()'

# Mutation testing of verifik_mock's domain/ and http/: mutmut changes one thing at a time (an
# operator, a constant, an argument) and runs the tests that reach it; a mutant no test fails
# on is a behaviour the suite does not pin down. [tool.mutmut] in pyproject.toml says which
# tests run and why. Not part of `make test`: the README says how long it takes and what it
# found. mutmut finds a package only under src/, so it runs in build/mutate, where src/ is a
# link to mockserver/; it starts afresh every time, since mutmut keeps verdicts and would not
# retry a survivor after a test is added. MUTANTS='verifik_mock.domain.scoring.*' runs only
# the mutants named.
# Each test builds an httpx.Client, and httpx parses the whole CA bundle of SSL_CERT_FILE (or
# certifi's) for each one, half the suite's CPU time; a CA directory is read only when a
# certificate is checked, and no test here speaks TLS. PATH: mutmut runs `mypy` by that name.
# 6 mutants at a time on 2 cores: a mutant's tests spend over half their time waiting (on
# sockets, on servers starting and stopping, on webhook retries).
MUTATE_CHILDREN ?= 6
MUTATE_DIR      := build/mutate
mutate: $(MUTATE)
	rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR)
	for path in mockserver:src tests contracts fixtures README.md pyproject.toml; do \
	  ln -s "$(CURDIR)/$${path%%:*}" "$(MUTATE_DIR)/$${path##*:}"; done
	cd $(MUTATE_DIR) && env -u SSL_CERT_FILE SSL_CERT_DIR=/etc/ssl/certs \
	  PATH="$(CURDIR)/$(BIN):$$PATH" "$(CURDIR)/$(BIN)/mutmut" run \
	  --max-children $(MUTATE_CHILDREN) $(MUTANTS)
	@cd $(MUTATE_DIR) && "$(CURDIR)/$(BIN)/python" -c "$$MUTATION_SCORE"

# What `make mutate` prints last: the verdicts mutmut wrote beside each mutated file.
define MUTATION_SCORE
import collections, datetime, glob, json
from mutmut.stats import status_by_exit_code

verdicts = collections.Counter(
    status_by_exit_code[code]
    for meta in glob.glob("mutants/src/**/*.py.meta", recursive=True)
    for code in json.load(open(meta))["exit_code_by_key"].values()
)
total = sum(verdicts.values())
killed, survived = verdicts["killed"], verdicts["survived"]
tested = total - verdicts["caught by type check"]
print(f"mutation score, {datetime.date.today()}: {killed} / {total} mutants killed by the tests")
print(f"  {verdicts['caught by type check']} rejected by mypy before any test ran")
print(f"  of the {tested} mypy lets through: {killed} killed ({killed / max(tested, 1):.1%}),"
      f" {survived} survived, {verdicts['timeout']} timed out,"
      f" {verdicts['suspicious']} suspicious, {verdicts['no tests']} reached by no test")
if verdicts["not checked"]:
    print(f"  {verdicts['not checked']} not run: MUTANTS named others, or the run was stopped")
print(f"survivors: {survived}; list them with `cd $(MUTATE_DIR) && mutmut results`")
endef
export MUTATION_SCORE

clean:
	rm -rf $(VENV) .tools/redocly .pytest_cache .mypy_cache .ruff_cache $(MUTATE_DIR)
