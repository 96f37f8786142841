"""The tools the bench drives, installed on first use: wrk (Debian), Prism and WireMock (npm).

Prism and WireMock go into bench/.tools/ (``npm install --prefix``), never system-wide; the
``wiremock`` npm package carries WireMock's standalone jar, which needs a ``java``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from servers import ROOT

TOOLS_DIR = Path(__file__).parent / ".tools"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
WIREMOCK_PACKAGE = "wiremock@3"


class ToolMissingError(RuntimeError):
    """A tool the bench needs could not be installed: install it by hand and run again."""


@dataclass(frozen=True)
class Tools:
    """Where each tool is; WireMock's jar is None (with the reason) when it cannot be had."""

    prism: Path
    wiremock_jar: Path | None
    wiremock_missing: str


def ensure_all() -> Tools:
    """Install what is missing and say where everything is."""
    compile_bytecode()
    ensure_wrk()
    jar, reason = wiremock_jar()
    return Tools(prism=ensure_prism(), wiremock_jar=jar, wiremock_missing=reason)


def compile_bytecode() -> None:
    """Compile the mock's modules, as pip does when it installs a package. The repository's
    editable install leaves that to the first import, which under PYTHONDONTWRITEBYTECODE=1
    (set on this machine, and in many container images) never keeps it: every start would
    compile every module again, some 50 ms of each cold start a user of the package never pays."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "mockserver" / "verifik_mock")],
        check=True,
    )


def ensure_wrk() -> None:
    """wrk from Debian's packages, as root or through sudo, unless it is on the PATH."""
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing wrk (apt-get)", flush=True)
    for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        subprocess.run([*sudo, *argv], check=True, stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        raise ToolMissingError("apt-get installed no wrk on the PATH")


def npm_install(package: str) -> None:
    """``npm install --prefix bench/.tools PACKAGE``, quietly."""
    if not shutil.which("npm"):
        raise ToolMissingError(f"npm is needed to install {package}")
    print(f"installing {package} into {TOOLS_DIR} (npm)", flush=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(TOOLS_DIR), "--no-audit", "--no-fund", package],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def ensure_prism() -> Path:
    """Prism's CLI under bench/.tools/, installed if missing."""
    prism = TOOLS_DIR / "node_modules" / ".bin" / "prism"
    if not prism.exists():
        npm_install(PRISM_PACKAGE)
    if not prism.exists():
        raise ToolMissingError(f"npm installed {PRISM_PACKAGE} but {prism} is not there")
    return prism


def wiremock_jar() -> tuple[Path | None, str]:
    """WireMock's standalone jar (installed if missing), or None and why it cannot be had."""
    if not shutil.which("java"):
        return None, "no java on the PATH"
    build = TOOLS_DIR / "node_modules" / "wiremock" / "build"
    if not list(build.glob("wiremock-standalone-*.jar")):
        try:
            npm_install(WIREMOCK_PACKAGE)
        except (ToolMissingError, subprocess.CalledProcessError) as error:
            return None, f"npm install {WIREMOCK_PACKAGE} failed: {error}"
    jars = sorted(build.glob("wiremock-standalone-*.jar"))
    if not jars:
        return None, f"{WIREMOCK_PACKAGE} carries no standalone jar"
    return jars[-1], ""
