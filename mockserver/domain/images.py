"""Reading the images clients send: raw base64 or a data URI, holding a JPEG or a PNG."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from mockserver.errors import ImageTooLargeError, InvalidImageError

_DATA_URI = re.compile(r"^data:image/(?P<subtype>[a-z+.-]+);base64,", re.IGNORECASE)
_SIGNATURES = {b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}


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
