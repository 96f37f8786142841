"""verifik-mock as a user gets it: the built wheel in a fresh venv, and commands run outside
the checkout in process groups of their own."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[1]
NEEDS_PYPI = (
    "these tests build verifik-mock and install it with its dependencies from PyPI: "
    "without a network to PyPI they cannot run"
)


@dataclass(frozen=True)
class Ran:
    """What a command exited with (None: it is still running) and printed."""

    returncode: int | None
    stdout: str
    stderr: str

    def __str__(self) -> str:
        status = "still running" if self.returncode is None else f"exit {self.returncode}"
        return f"{status}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


def user_env(bin_dir: Path | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment as a user's shell would have it: ``bin_dir`` (if any) first
    on PATH, and nothing that leads back into the checkout or into this pytest run."""
    outside = [
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and not Path(entry).resolve().is_relative_to(ROOT)
    ]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
        and not name.startswith("PYTEST_")
    }
    env["PATH"] = os.pathsep.join([*([str(bin_dir)] if bin_dir else []), *outside])
    return {**env, **(extra or {})}


def running_members(group: int) -> list[int]:
    """The processes of process group ``group`` still running. Zombies do not count: an
    orphan's zombie stays in its group until init reaps it, and this machine's init never does."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, member_of = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue  # the process ended while we looked
        if int(member_of) == group and state != "Z":
            members.append(int(stat.parent.name))
    return members


def stop_group(process: subprocess.Popen[bytes], seconds: float = 10) -> None:
    """End ``process`` and everything it started in its session: SIGTERM, then SIGKILL for
    what is still running ``seconds`` later."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        deadline = time.monotonic() + seconds
        while running_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not running_members(process.pid):
            break
    process.wait(timeout=seconds)


@contextmanager
def process_group(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in a session of its own, its output to ``log`` (``.out``, ``.err``),
    and end the whole group on the way out, whatever it left running in the background."""
    with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True
        )
    try:
        yield process
    finally:
        stop_group(process)


def printed(log: Path, process: subprocess.Popen[bytes]) -> Ran:
    """What ``process``, logged at ``log``, has printed so far."""
    return Ran(
        process.poll(),
        log.with_suffix(".out").read_text(errors="replace"),
        log.with_suffix(".err").read_text(errors="replace"),
    )


def run_script(
    script: str, *, cwd: Path, env: Mapping[str, str], log: Path, seconds: float = 60
) -> Ran:
    """Run ``script`` with ``bash -euo pipefail`` in ``cwd``, its output logged at ``log``;
    what it started in the background is ended once it exits. Fails past ``seconds``."""
    with process_group(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, log=log) as p:
        try:
            p.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{log.name} ran over {seconds} s\n{printed(log, p)}", pytrace=False)
        return printed(log, p)


def wait_for_lines(
    log: Path, process: subprocess.Popen[bytes], count: int, seconds: float = 15
) -> list[str]:
    """The lines ``process``, logged at ``log``, printed, once there are ``count``."""
    deadline = time.monotonic() + seconds
    while len(lines := printed(log, process).stdout.splitlines()) < count:
        if time.monotonic() > deadline:
            ran = printed(log, process)
            pytest.fail(f"{count} lines were not printed within {seconds} s\n{ran}")
        time.sleep(0.05)
    return lines


def copy_of_checkout(destination: Path) -> Path:
    """The checkout's files as they are in the work tree (tracked, and new ones git does not
    ignore), copied to ``destination``: what a fresh clone would hold once they are committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, copy = ROOT / name, destination / name
        if source.is_symlink() or source.is_file():  # a file deleted in the work tree is skipped
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy, follow_symlinks=False)
    return destination


def wait_for_health(
    base_url: str, process: subprocess.Popen[bytes], log: Path, seconds: float
) -> None:
    """Return once ``base_url``'s ``GET /healthz`` answers 200; fail, showing ``log``, if
    ``process`` exits first or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"it stopped before serving\n{printed(log, process)}", pytrace=False)
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"{base_url}/healthz did not answer 200 within {seconds} s\n{printed(log, process)}"
    )


def on_ports(script: str, mock: int, receiver: int | None = None) -> str:
    """A README block with Verifik's port 8000 (and the receiver's 9000) moved to free ones."""
    assert "127.0.0.1:8000" in script, "the block no longer names 127.0.0.1:8000"
    script = script.replace("--port 8000", f"--port {mock}")
    script = script.replace("127.0.0.1:8000", f"127.0.0.1:{mock}")
    if receiver is not None:
        assert "127.0.0.1:9000" in script, "the block no longer names the receiver's 9000"
        script = script.replace("127.0.0.1:9000", f"127.0.0.1:{receiver}")
    return script


class InstallError(Exception):
    """A step of building or installing verifik-mock failed; the message holds its output."""


@dataclass(frozen=True)
class InstalledVenv:
    """A fresh venv holding the built verifik-mock, pytest and the examples' app."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "venv" / "bin"

    @property
    def site_packages(self) -> Path:
        minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
        return self.root / "venv" / "lib" / minor / "site-packages"

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A user's shell with this venv first on PATH and pip pointed at the built wheel
        (PyPI serves the dependencies; the constraint makes pip take verifik-mock from here)."""
        pip = {
            "PIP_FIND_LINKS": str(self.root / "wheels"),
            "PIP_CONSTRAINT": str(self.root / "constraints.txt"),
        }
        return user_env(self.bin, {**pip, **(extra or {})})


def step(command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path) -> None:
    """Run one build or install step, raising `InstallError` with its output if it fails."""
    with log.open("wb") as out:
        try:
            done = subprocess.run(
                command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=300
            )
        except subprocess.TimeoutExpired:
            failure = "ran over 300 s"
        else:
            if done.returncode == 0:
                return
            failure = f"exited {done.returncode}"
    output = log.read_text(errors="replace")
    raise InstallError(f"{' '.join(command)} {failure} ({NEEDS_PYPI})\n{output}")


def build_and_install(venv: InstalledVenv, install_line: str) -> None:
    """Build the wheel from the checkout, make a fresh venv, run the README's ``install_line``
    in it with pip pointed at the wheel, then add pytest and the examples' app."""
    root, python = venv.root, sys.executable
    wheels, home = root / "wheels", root / "home"
    home.mkdir(parents=True, exist_ok=True)
    wheel_command = [python, "-m", "pip", "wheel", ".", "--no-deps", "-w", str(wheels)]
    step(wheel_command, cwd=ROOT, env=os.environ, log=root / "wheel.log")
    (wheel,) = wheels.glob("verifik_mock-*.whl")
    version = wheel.name.split("-")[1]
    (root / "constraints.txt").write_text(f"verifik-mock=={version}\n")
    step(
        [python, "-m", "venv", str(root / "venv")], cwd=home, env=os.environ, log=root / "venv.log"
    )
    step(["bash", "-c", install_line], cwd=home, env=venv.env(), log=root / "install.log")
    extras = [str(venv.bin / "pip"), "install", "pytest", str(ROOT / "examples")]
    step(extras, cwd=home, env=venv.env(), log=root / "extras.log")


def shared_install(base: Path, install_line: str) -> InstalledVenv:
    """The venv of `build_and_install` under ``base``, built once for every pytest-xdist worker:
    the first to take the lock builds it, the others wait and reuse it (or its failure)."""
    venv = InstalledVenv(base / "verifik-installed")
    venv.root.mkdir(parents=True, exist_ok=True)
    done, failed = venv.root / "done", venv.root / "failed"
    with (venv.root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists() and not failed.exists():
            try:
                build_and_install(venv, install_line)
            except InstallError as failure:
                failed.write_text(str(failure))
            else:
                done.touch()
    if failed.exists():
        pytest.fail(failed.read_text(), pytrace=False)
    return venv
