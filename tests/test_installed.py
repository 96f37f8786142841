"""The README works for a user: the built wheel, installed by the README's own
``pip install verifik-mock`` into a fresh venv without dev extras, runs every README block
marked ``<!-- readme-test: NAME -->`` from a folder outside the checkout; the examples' suite
passes against that install; and ``make run`` installs the runtime dependencies only.

These tests install from PyPI (about a minute, shared by pytest-xdist workers): without a
network to it they fail, showing pip's error, rather than skip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.installed import (
    ROOT,
    InstalledVenv,
    copy_of_checkout,
    on_ports,
    process_group,
    run_script,
    shared_install,
    user_env,
    wait_for_health,
    wait_for_lines,
)
from tests.ports import free_port, wait_for_port
from tests.redis_server import RedisServer
from tests.test_page_examples import create_page_body
from tests.test_readme import README_AUTH, readme_example
from verifik_mock.version import VERSION

# The dev extra's tools. pytest is no dev tool here: schemathesis requires it at run time.
DEV_ONLY_TOOLS = {"mypy", "ruff", "playwright", "pytest-xdist"}


def readme_install_line() -> str:
    """The README's install command, as written (its comment included)."""
    block = readme_example("install")
    return next(line for line in block.splitlines() if line.startswith("pip install "))


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> InstalledVenv:
    """verifik-mock built from this checkout and installed by the README's install line into a
    fresh venv, with pytest and the examples' app: one for the whole run, xdist workers included."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # the workers' common folder
    return shared_install(shared, readme_install_line())


@dataclass(frozen=True)
class Mock:
    """A verifik-mock served from the installed venv."""

    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def installed_mock(installed: InstalledVenv, tmp_path: Path) -> Iterator[Mock]:
    """``verifik-mock serve`` from the venv on a free port, as the README's "with the mock
    running" blocks expect; ended with its process group."""
    mock = Mock(free_port())
    command = [str(installed.bin / "verifik-mock"), "serve", "--port", str(mock.port)]
    log = tmp_path / "mock"
    with process_group(command, cwd=tmp_path, env=installed.env(), log=log) as process:
        wait_for_health(mock.base_url, process, log, seconds=30)
        yield mock


# First in the module: under pytest-xdist it then runs beside the shared install, not after it.
def test_make_run_installs_the_runtime_dependencies_and_no_dev_tools(tmp_path: Path) -> None:
    """`make run` in a copy of the checkout serves, and its venv has schemathesis (the contract
    checks are a runtime feature) but none of the dev extra's tools."""
    checkout = copy_of_checkout(tmp_path / "checkout")
    port = free_port()
    log = tmp_path / "make-run"
    command = ["make", "run", f"PORT={port}"]
    with process_group(command, cwd=checkout, env=user_env(None), log=log) as process:
        wait_for_health(f"http://127.0.0.1:{port}", process, log, seconds=240)
    ran = run_script(
        ".venv/bin/python -m pip list --format=json",
        cwd=checkout,
        env=user_env(None),
        log=tmp_path / "pip-list",
    )
    assert ran.returncode == 0, ran
    names = {package["name"].lower() for package in json.loads(ran.stdout)}
    assert "schemathesis" in names
    assert not DEV_ONLY_TOOLS & names


def test_readme_contract_block_passes_against_a_mock_with_a_signing_secret(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """The issue's "done when": the installed `verifik-mock contract`, against the mock the
    block starts with --signing-secret, exits 0."""
    script = on_ports(readme_example("contract"), free_port())
    ran = run_script(
        script, cwd=tmp_path, env=installed.env(), log=tmp_path / "contract", seconds=300
    )
    assert ran.returncode == 0, ran


def test_installed_package_is_imported_from_the_venv_not_the_checkout(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """The blocks below run the wheel's code: from outside the checkout, `python` on PATH
    imports the server and the plugin from the venv's site-packages."""
    script = (
        'python -c "import verifik_mock; print(verifik_mock.__file__)"\n'
        'python -c "import verifik_mock_pytest; print(verifik_mock_pytest.__file__)"\n'
    )
    ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "imports")
    assert ran.returncode == 0, ran
    modules = ran.stdout.splitlines()
    assert len(modules) == 2, ran
    for module in modules:
        assert Path(module).is_relative_to(installed.site_packages), module


def test_readme_install_block_serves_a_healthy_mock(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """Install it: the install line, `--version`, and a backgrounded `serve` whose /healthz
    answers ``{"status":"ok"}``."""
    script = on_ports(readme_example("install"), free_port())
    ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "install")
    assert ran.returncode == 0, ran
    assert f"verifik-mock {VERSION}" in ran.stdout.splitlines(), ran
    assert ran.stdout.rstrip().endswith('{"status":"ok"}'), ran


def test_readme_walkthrough_creates_lists_and_retrieves(
    installed: InstalledVenv, installed_mock: Mock, tmp_path: Path
) -> None:
    """A walkthrough with curl, against the installed mock."""
    script = on_ports(readme_example("walkthrough"), installed_mock.port)
    ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "walkthrough")
    assert ran.returncode == 0, ran
    assert '"livenessMinScore": 0.55' in ran.stdout
    assert '"status": "new"' in ran.stdout
    assert '"session": "active"' in ran.stdout


def test_readme_error_example_prints_the_envelope_its_comment_shows(
    installed: InstalledVenv, installed_mock: Mock, tmp_path: Path
) -> None:
    """The walkthrough's error example: what it prints is the line its comment shows."""
    block = readme_example("errors")
    shown = [line.removeprefix("# ") for line in block.splitlines() if line.startswith("# {")]
    where = {"BASE": installed_mock.base_url, "AUTH": f"Authorization: {README_AUTH}"}
    ran = run_script(block, cwd=tmp_path, env=installed.env(where), log=tmp_path / "errors")
    assert ran.returncode == 0, ran
    assert ran.stdout.splitlines() == shown


def test_readme_page_examples_block_creates_with_the_create_pages_own_body(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """The pages' own examples: the block sends the create page's body as the page writes it,
    to a mock it starts with --page-examples, and prints what its comment shows."""
    block = readme_example("page-examples")
    sent = re.search(r"-d '(\{.*?\})'", block, re.DOTALL)
    assert sent, "the block no longer sends a body with -d '...'"
    assert json.loads(sent.group(1)) == create_page_body()
    shown = [line.removeprefix("# ") for line in block.splitlines() if line.startswith("# {")]
    script = on_ports(block, free_port())
    ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "page-examples")
    assert ran.returncode == 0, ran
    assert ran.stdout.splitlines() == shown


def test_readme_contract_pytest_block_passes_in_a_fresh_project(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """`pytest --verifik-contract` in a project with one test of its own: the plugin adds the
    contract checks as a test item, against a mock it starts, and both pass."""
    (tmp_path / "test_app.py").write_text("def test_app():\n    pass\n")
    ran = run_script(
        readme_example("contract-pytest"),
        cwd=tmp_path,
        env=installed.env(),
        log=tmp_path / "contract-pytest",
        seconds=300,
    )
    assert ran.returncode == 0, ran
    assert "2 passed" in ran.stdout, ran


def test_readme_validate_flow_validates_and_the_receiver_gets_three_signed_webhooks(
    installed: InstalledVenv, installed_mock: Mock, tmp_path: Path
) -> None:
    """The validate flow: receiver.py, started with the secret its comment says how to get,
    then the validate block; the receiver prints the three events, each signed."""
    receiver = readme_example("receiver", "python")
    secret_command = re.search(r"# from: (.+)", receiver)
    assert secret_command, "receiver.py no longer says where its secret comes from"
    where = {"BASE": installed_mock.base_url, "AUTH": f"Authorization: {README_AUTH}"}
    secret = run_script(
        secret_command.group(1), cwd=tmp_path, env=installed.env(where), log=tmp_path / "secret"
    )
    assert secret.returncode == 0, secret
    port, binding = free_port(), '("127.0.0.1", 9000)'
    assert binding in receiver, "receiver.py no longer binds 127.0.0.1:9000"
    (tmp_path / "receiver.py").write_text(receiver.replace(binding, f'("127.0.0.1", {port})'))
    command = [str(installed.bin / "python3"), "receiver.py", secret.stdout.strip()]
    log = tmp_path / "receiver"
    with process_group(command, cwd=tmp_path, env=installed.env(), log=log) as listening:
        wait_for_port(port)
        script = on_ports(readme_example("validate"), installed_mock.port, port)
        ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "validate")
        assert ran.returncode == 0, ran
        assert '"login": "validated"' in ran.stdout
        assert '"session": "completed"' in ran.stdout
        received = wait_for_lines(log, listening, 3)
    # Deliveries run concurrently, so they may arrive in any order.
    assert sorted(received) == [
        "onboarding_biometric_validation_completed signed",
        "onboarding_biometric_validation_created_person signed",
        "onboarding_biometric_validation_new signed",
    ]


def test_readme_plugin_example_passes_in_a_fresh_project(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """In pytest: the block, saved as test_readme_plugin.py in a project of its own, passes
    its 6 tests under the user's pytest with only the installed plugin."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_readme_plugin.py").write_text(readme_example("plugin", "python"))
    ran = run_script(
        "pytest", cwd=project, env=installed.env(), log=tmp_path / "pytest", seconds=120
    )
    assert ran.returncode == 0, ran
    assert re.search(r"\b6 passed\b", ran.stdout), ran


def test_readme_frontend_block_creates_a_validation_whose_url_opens(
    installed: InstalledVenv, installed_mock: Mock, tmp_path: Path
) -> None:
    """For frontend developers: the create answer's `url` opens (curl stands in for
    xdg-open, which has no browser to start here)."""
    block = readme_example("frontend")
    assert 'xdg-open "$URL"' in block
    block = block.replace('xdg-open "$URL"', 'curl -sf -o /dev/null "$URL"')
    script = on_ports(block, installed_mock.port)
    ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "frontend")
    assert ran.returncode == 0, ran


def test_readme_hardened_block_prints_a_count_and_the_mock_clock(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """Two trust modes: with both secrets set, a signed token lists projects (a count) and
    the admin token reads the clock (an instant)."""
    secrets = {"SIGNING_SECRET": "readme-signing-secret", "ADMIN_TOKEN": "readme-admin-token"}
    script = on_ports(readme_example("hardened"), free_port())
    ran = run_script(script, cwd=tmp_path, env=installed.env(secrets), log=tmp_path / "hardened")
    assert ran.returncode == 0, ran
    *_banner, count, instant = ran.stdout.splitlines()  # the backgrounded serve prints first
    assert re.fullmatch(r"\d+", count), ran
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", instant), ran


def test_readme_wire_block_lists_docs_and_refuses_with_code_and_message(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """Two wires: a mock started with --wire observed lists validations as data.docs and
    refuses a missing record with {code, message}."""
    script = on_ports(readme_example("wire"), free_port())
    ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "wire")
    assert ran.returncode == 0, ran
    *_banner, listed, refused = ran.stdout.splitlines()
    summary = json.loads(listed)
    assert summary["first"]["__v"] == 0, ran
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", summary["first"]["createdAt"])
    assert json.loads(refused) == {"code": "NotFound", "message": "Record not found."}


def test_readme_coverage_block_prints_the_line_its_comment_shows(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """What your suite never tested: `verifik-mock coverage` against a served mock counts the
    two answers the block's requests were given."""
    block = readme_example("coverage")
    shown = next(line for line in block.splitlines() if line.startswith("# verifik: "))
    script = on_ports(block, free_port())
    ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "coverage")
    assert ran.returncode == 0, ran
    assert ran.stdout.splitlines()[-1] == shown.removeprefix("# ")


def test_examples_suite_passes_against_the_installed_plugin(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """The downstream app's own suite, run by the venv's pytest in examples/, passes with only
    the installed plugin (it checks that verifik_mock comes from site-packages itself), and
    prints the coverage table its README shows."""
    env = installed.env({"PYTHONDONTWRITEBYTECODE": "1"})
    ran = run_script(
        "pytest -q -p no:cacheprovider --verifik-coverage",
        cwd=ROOT / "examples",
        env=env,
        log=tmp_path / "examples",
        seconds=120,
    )
    assert ran.returncode == 0, ran
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- coverage-table -->\n```text\n")[1].split("```")[0]
    assert table in ran.stdout, "refresh examples/README.md's table from this run's output"


def test_readme_replicas_block_lists_on_one_replica_what_the_other_created(
    installed: InstalledVenv, tmp_path: Path
) -> None:
    """Replicas: two serve processes on one Redis; the id the first created is the newest the
    second lists."""
    with RedisServer() as redis_server:
        other = free_port()
        script = readme_example("replicas").replace("redis://127.0.0.1:6379/0", redis_server.url)
        script = script.replace("--port 8001", f"--port {other}")
        script = on_ports(script.replace("127.0.0.1:8001", f"127.0.0.1:{other}"), free_port())
        ran = run_script(script, cwd=tmp_path, env=installed.env(), log=tmp_path / "replicas")
    assert ran.returncode == 0, ran
    created, listed = ran.stdout.splitlines()[-2:]
    assert re.fullmatch(r"[0-9a-f]{24}", created), ran
    assert listed == created


def test_readme_proxy_block_checks_records_and_replays_with_the_mock_as_verifik(
    installed: InstalledVenv, installed_mock: Mock, tmp_path: Path
) -> None:
    """Checking real traffic: the block with the installed mock standing in for Verifik (and
    for the mock the recording is replayed against). The list passes through the proxy, the
    report counts it with no violation, the summary is printed on the way out, the
    recording holds it, and its replay finds no drift."""
    block = readme_example("proxy")
    assert "https://api.verifik.co" in block, "the block no longer proxies Verifik"
    assert "127.0.0.1:8080" in block, "the block no longer serves the proxy on 8080"
    proxy = free_port()
    block = block.replace("https://api.verifik.co", "http://127.0.0.1:8000")
    block = block.replace("--port 8080", f"--port {proxy}")
    script = on_ports(block.replace("127.0.0.1:8080", f"127.0.0.1:{proxy}"), installed_mock.port)
    token = {"VERIFIK_TOKEN": README_AUTH.removeprefix("Bearer ")}
    ran = run_script(script, cwd=tmp_path, env=installed.env(token), log=tmp_path / "proxy")
    assert ran.returncode == 0, ran
    assert '{"exchanges":{"listBiometricValidations":{"200":1}},"violations":[]}' in ran.stdout
    assert "exchanges: 1, violations: 0 (in 0 operations), unanswered: 0" in ran.stdout, ran
    assert (tmp_path / "verifik-traffic" / "0001-listBiometricValidations.json").is_file()
    assert "0 of 1 operations differ" in ran.stdout, ran
