"""Reading the images clients send: raw base64 or a data URI, holding a JPEG or a PNG.

A PNG may also carry a ``verifik-mock`` text chunk naming the scores it should get
(``liveness=0.30;search=0.40``): the sample images in ``fixtures/images`` use it to have
known outcomes, as a test card has.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

from verifik_mock.errors import ImageTooLargeError, InvalidImageError

_DATA_URI = re.compile(r"^data:image/(?P<subtype>[a-z+.-]+);base64,", re.IGNORECASE)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HINT_KEYWORD = b"verifik-mock"
_SIGNATURES = {b"\xff\xd8\xff": "jpeg", PNG_SIGNATURE: "png"}


@dataclass(frozen=True)
class DecodedImage:
    """An image's bytes and its format."""

    data: bytes
    format: str


def decode_image(encoded: str, max_bytes: int) -> DecodedImage:
    """Decode ``encoded`` into a JPEG or PNG of at most ``max_bytes``, or say what is wrong."""
    payload = _DATA_URI.sub("", encoded.strip(), count=1)
    if len(payload) * 3 // 4 > max_bytes:
        raise ImageTooLargeError(f"Image too large: the limit is {max_bytes} bytes")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidImageError("Image is not valid base64") from None
    for signature, image_format in _SIGNATURES.items():
        if data.startswith(signature):
            return DecodedImage(data=data, format=image_format)
    raise InvalidImageError("Image must be a JPEG or PNG")


def score_hints(image: DecodedImage) -> dict[str, float]:
    """The scores a PNG's ``verifik-mock`` text chunk names (``{"liveness": 0.3}``), if any."""
    if image.format != "png":
        return {}
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(image.data):
        length, kind = struct.unpack(">I4s", image.data[offset : offset + 8])
        chunk = image.data[offset + 8 : offset + 8 + length]
        if kind == b"tEXt" and chunk.startswith(HINT_KEYWORD + b"\0"):
            return _parse_hints(chunk[len(HINT_KEYWORD) + 1 :].decode("latin-1"))
        offset += 12 + length
    return {}


def _parse_hints(text: str) -> dict[str, float]:
    hints: dict[str, float] = {}
    for pair in text.split(";"):
        name, _, value = pair.partition("=")
        try:
            score = float(value)
        except ValueError:
            continue
        if 0 <= score <= 1:
            hints[name.strip()] = score
    return hints
