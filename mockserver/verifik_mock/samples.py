"""The sample face images, with known outcomes, shipped with the package.

``sample_image("face-spoof")`` in a downstream suite gives the same bytes as the repository's
``fixtures/images/face-spoof.png``, wherever verifik-mock is installed."""

from __future__ import annotations

from verifik_mock.data_files import data_folder

SAMPLE_IMAGES = ("face-pass", "face-borderline", "face-spoof", "face-stranger")
"""Each sample's name: passes; liveness 0.55 (passes, at the threshold); liveness 0.30
(LIVENESS_FAILED); search 0.40 (PERSON_NOT_FOUND at login)."""


class UnknownSampleImageError(LookupError):
    """No sample image of that name: use one of ``SAMPLE_IMAGES``."""


def sample_image(name: str = "face-pass") -> bytes:
    """The PNG bytes of the sample image ``name`` (with or without ``.png``)."""
    stem = name.removesuffix(".png")
    if stem not in SAMPLE_IMAGES:
        raise UnknownSampleImageError(
            f"no sample image {name!r}; there are {', '.join(SAMPLE_IMAGES)}"
        )
    return (data_folder("fixtures") / "images" / f"{stem}.png").read_bytes()
