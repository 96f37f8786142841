"""Small synthetic face images, written as PNG with the standard library alone.

``fixtures/images`` holds the ones the README lists; a test checks they are what this
module makes, so the samples and their stated outcomes cannot drift apart.
"""

from __future__ import annotations

import struct
import zlib

SAMPLE_HINTS: dict[str, str | None] = {
    "face-pass.png": None,
    "face-borderline.png": "liveness=0.55",
    "face-spoof.png": "liveness=0.30",
    "face-stranger.png": "search=0.40",
}
"""Each sample image and the ``verifik-mock`` score hint it carries (None: the image's own)."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def face_png(hint: str | None = None, size: int = 32, tone: int = 0) -> bytes:
    """A ``size``-square greyscale PNG of a round face, with an optional score hint."""
    centre, radius = size / 2, size * 0.4
    rows = b"".join(
        b"\0"
        + bytes(
            (200 + tone) % 256 if (x - centre) ** 2 + (y - centre) ** 2 < radius**2 else 40
            for x in range(size)
        )
        for y in range(size)
    )
    chunks = _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
    if hint is not None:
        chunks += _chunk(b"tEXt", b"verifik-mock\0" + hint.encode("latin-1"))
    chunks += _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks
