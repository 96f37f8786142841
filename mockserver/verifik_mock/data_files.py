"""Where the data folders are: inside the installed package, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path


def data_folder(name: str) -> Path:
    """``contracts`` or ``fixtures``: the wheel carries them under ``verifik_mock/_data``; a
    checkout has them at its top, two folders up (``mockserver/verifik_mock/``)."""
    packaged = Path(__file__).parent / "_data" / name
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / name
