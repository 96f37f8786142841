"""Record ids in MongoDB's ObjectId form, made from the mock clock and a seeded random."""

from __future__ import annotations

from datetime import datetime
from random import Random


class ObjectIdFactory:
    """Makes 24-hex ObjectIds: 8 hex of creation time, then 16 from a seeded random."""

    def __init__(self, random: Random) -> None:
        self._random = random

    def new(self, at: datetime) -> str:
        """A fresh id for a record created at ``at``."""
        return f"{int(at.timestamp()) & 0xFFFFFFFF:08x}{self._random.getrandbits(64):016x}"
