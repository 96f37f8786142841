"""``--state-file``: a restart keeps every tenant's data; without it, a restart starts fresh;
a kill -9 during writes loses no acknowledged write; a file that cannot be served, or is
served already, stops ``serve`` with one line before it binds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from tests.answers import create_example_validation, create_onboarding_on, seeded_flow
from tests.ports import free_port, wait_for_port
from tests.serve_process import VERIFIK_MOCK, serve_process, write_until_refused
from verifik_mock import Settings, create_app
from verifik_mock.domain.world import WorldBuilder
from verifik_mock.server import serve_in_thread
from verifik_mock.state.rows import rows_written
from verifik_mock.state.sqlite import SqliteEngine

AUTH = {"Authorization": "Bearer state-file-team"}
OTHER_AUTH = {"Authorization": "Bearer state-file-other-team"}


def list_bodies(http: httpx.Client) -> list[bytes]:
    """What a client sees of its tenant, byte for byte."""
    return [
        http.get("/v2/biometric-validations?limit=100&populates[]=livenessSession").content,
        http.get("/v2/project-flows?limit=100").content,
        http.get("/__mock__/clock").content,
    ]


def run_and_read(settings: Settings, write: bool) -> tuple[list[bytes], str | None]:
    """Start a server, optionally write a validation, and read the tenant back."""
    created_id = None
    with (
        serve_in_thread(create_app(settings), port=PORT) as mock,
        httpx.Client(base_url=mock.base_url, headers=AUTH) as http,
    ):
        if write:
            created_id = create_example_validation(http)["_id"]
            http.post("/__mock__/clock/advance", json={"minutes": 3})
        return list_bodies(http), created_id


PORT = free_port()


def test_a_restart_with_the_same_state_file_serves_the_same_data(tmp_path: Path) -> None:
    settings = Settings(state_file=tmp_path / "state.sqlite")
    before, created_id = run_and_read(settings, write=True)
    after, _ = run_and_read(settings, write=False)
    assert after == before
    assert created_id is not None
    assert created_id.encode() in after[0]


def test_without_a_state_file_a_restart_starts_fresh() -> None:
    before, created_id = run_and_read(Settings(), write=True)
    after, _ = run_and_read(Settings(), write=False)
    assert created_id is not None
    assert created_id.encode() not in after[0]
    assert after != before


def test_a_kill_9_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    state_file = tmp_path / "state.sqlite"
    acknowledged: list[str] = []
    options = ("--state-file", str(state_file), "--log-level", "error")
    with serve_process(*options) as (server, base_url):
        writer = threading.Thread(
            target=write_until_refused, args=(base_url, AUTH, acknowledged, 10)
        )
        writer.start()
        deadline = time.monotonic() + 10
        while len(acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)
        writer.join(timeout=15)
    with (
        serve_in_thread(create_app(Settings(state_file=state_file))) as restarted,
        httpx.Client(base_url=restarted.base_url, headers=AUTH) as http,
    ):
        stored = {record["_id"] for page in range(1, 30) for record in http.get(
            "/v2/biometric-validations", params={"limit": 100, "page": page}
        ).json()["data"]}  # fmt: skip
    assert len(acknowledged) >= 20
    assert set(acknowledged) <= stored


def rows_of_turn(state_file: Path, client_id: str, turn: int) -> list[tuple[str, str]]:
    """The (kind, id) of the records a turn of the client's tenant wrote to the state file."""
    with closing(sqlite3.connect(state_file)) as db:
        query = "SELECT kind, id FROM records WHERE client_id = ? AND turn = ?"
        return db.execute(query, (client_id, turn)).fetchall()


@pytest.mark.parametrize("seeded", [0, 2_000])
def test_a_write_stores_only_the_rows_it_changed_however_large_the_tenant(
    tmp_path: Path, seeded: int
) -> None:
    state_file = tmp_path / "state.sqlite"
    settings = Settings(state_file=state_file, seed_validations=seeded)
    with (
        serve_in_thread(create_app(settings), port=free_port()) as mock,
        httpx.Client(base_url=mock.base_url, headers=AUTH) as http,
        httpx.Client(base_url=mock.base_url, headers=OTHER_AUTH) as other,
    ):
        # Every tenant of one seed holds the same ids: read another's, so this tenant's first
        # request is its first write (reading a large world lapses, and writes, its due ones).
        flow = seeded_flow(other)
        create_onboarding_on(http, flow)  # the first write stores the world whole
        created = create_onboarding_on(http, flow)
    with closing(sqlite3.connect(state_file)) as db:
        query = "SELECT turns FROM tenants WHERE client_id = ?"
        [(turns,)] = db.execute(query, (created["client"],)).fetchall()
    assert turns == 1
    written = rows_of_turn(state_file, created["client"], turns)
    assert sorted(kind for kind, _ in written) == ["liveness_sessions", "validations"]
    assert ("validations", created["_id"]) in written


def test_the_state_file_keeps_a_row_per_record_as_json(tmp_path: Path) -> None:
    state_file = tmp_path / "state.sqlite"
    _, created_id = run_and_read(Settings(state_file=state_file), write=True)
    with closing(sqlite3.connect(state_file)) as db:
        [(body,)] = db.execute(
            "SELECT body FROM records WHERE kind = 'validations' AND id = ?", (created_id,)
        ).fetchall()
        kinds = dict(db.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall())
    assert json.loads(body)["_id"] == created_id
    assert kinds["validations"] == kinds["liveness_sessions"] > 1


def test_a_second_server_on_the_same_state_file_is_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    state_file = str(tmp_path / "state.sqlite")
    verifik_mock = str(Path(sys.executable).with_name("verifik-mock"))
    port = free_port()
    first = [verifik_mock, "serve", "--port", str(port), "--state-file", state_file]
    with subprocess.Popen(first, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        try:
            wait_for_port(port)
            second = subprocess.run(
                [verifik_mock, "serve", "--port", str(free_port()), "--state-file", state_file],
                capture_output=True, text=True, timeout=30,
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert second.returncode == 2
    assert "is already served by another verifik-mock" in second.stderr


def listening(port: int) -> bool:
    """Whether something accepts connections on loopback ``port`` right now."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def serve_until_it_exits(state_file: Path, port: int) -> subprocess.CompletedProcess[str]:
    """``serve --state-file`` run to its end, with its output: bounded, as a server that does
    start instead fails the test with a timeout."""
    command = [VERIFIK_MOCK, "serve", "--port", str(port), "--state-file", str(state_file)]
    return subprocess.run(command, capture_output=True, text=True, timeout=20)


def a_state_file(folder: Path) -> Path:
    """A state file of the mock's own, holding one tenant."""
    path = folder / "state.sqlite"
    engine = SqliteEngine(path)
    tenant = WorldBuilder(Settings(), "refused", 5).build()
    assert engine.try_lock("refused")
    engine.write("refused", None, rows_written(tenant, whole=True), whole=True)
    engine.unlock("refused")
    engine.close()
    return path


def in_a_missing_folder(folder: Path) -> Path:
    """A state file path whose folder does not exist."""
    return folder / "missing" / "state.sqlite"


def a_text_file(folder: Path) -> Path:
    """A file of text, not SQLite."""
    path = folder / "notes.sqlite"
    path.write_text("not a database\n" * 100)
    return path


def a_truncated_state_file(folder: Path) -> Path:
    """A state file of the mock's own, cut to half its length."""
    path = a_state_file(folder)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def a_database_of_something_else(folder: Path) -> Path:
    """A SQLite database with a table ``x`` and none of the mock's."""
    path = folder / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE x (y INTEGER)")
    db.close()
    return path


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (in_a_missing_folder, "does not exist"),
        (a_text_file, "is not a SQLite database"),
        (a_truncated_state_file, "malformed"),
        (a_database_of_something_else, "a SQLite database of something else (tables: x)"),
    ],
    ids=["missing folder", "text file", "truncated state file", "other database"],
)
def test_serve_refuses_a_state_file_it_cannot_serve_in_one_line_before_binding(
    tmp_path: Path, make: Callable[[Path], Path], problem: str
) -> None:
    state_file = make(tmp_path)
    port = free_port()
    result = serve_until_it_exits(state_file, port)
    assert result.returncode == 2
    assert result.stdout == ""  # serve prints its banner right before it binds
    [line] = result.stderr.splitlines()
    assert str(state_file) in line
    assert problem in line
    assert not listening(port)


@pytest.fixture
def read_only_state_file(tmp_path: Path) -> Iterator[Path]:
    """A state file of the mock's own that this process cannot write: ``chattr +i`` as root
    (file modes do not stop root), mode 0444 for anyone else."""
    path = a_state_file(tmp_path)
    if os.geteuid() != 0:
        path.chmod(0o444)
        yield path
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root, where mode 0444 does not stop writes, and no chattr")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"running as root, where mode 0444 does not stop writes: {made.stderr}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_serve_refuses_a_read_only_state_file_in_one_line_before_binding(
    read_only_state_file: Path,
) -> None:
    port = free_port()
    result = serve_until_it_exits(read_only_state_file, port)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert str(read_only_state_file) in line
    assert "read-only" in line
    assert not listening(port)


@pytest.fixture(scope="module")
def served_state_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """``serve --state-file`` running, shared by the module: the file and its base URL."""
    state_file = tmp_path_factory.mktemp("served") / "state.sqlite"
    with serve_process("--state-file", str(state_file)) as (_, base_url):
        yield state_file, base_url


def through_a_hard_link(state_file: Path, folder: Path) -> Path:
    """A second name for ``state_file`` (its resolved path is another)."""
    link = folder / "hard.sqlite"
    link.hardlink_to(state_file)
    return link


def through_a_symlink(state_file: Path, folder: Path) -> Path:
    """A symlink to ``state_file``."""
    link = folder / "link.sqlite"
    link.symlink_to(state_file)
    return link


def through_its_parent_folder(state_file: Path, folder: Path) -> Path:
    """``state_file`` spelled ``<folder>/../<folder>/<file>``."""
    return state_file.parent / ".." / state_file.parent.name / state_file.name


@pytest.mark.parametrize(
    "spell",
    [through_a_symlink, through_a_hard_link, through_its_parent_folder],
    ids=["symlink", "hard-link", "dir/../dir/file"],
)
def test_a_served_state_file_under_another_path_is_refused_while_the_first_serves_on(
    served_state_file: tuple[Path, str], tmp_path: Path, spell: Callable[[Path, Path], Path]
) -> None:
    state_file, first = served_state_file
    port = free_port()
    second = serve_until_it_exits(spell(state_file, tmp_path), port)
    assert second.returncode == 2
    assert "is already served by another verifik-mock" in second.stderr
    assert not listening(port)
    assert httpx.get(f"{first}/healthz").status_code == 200
    with httpx.Client(base_url=first, headers=AUTH) as http:  # and still keeps what it is sent
        create_example_validation(http)
