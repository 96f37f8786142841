"""The building blocks every wire model shares: strictness, ``_id``, instants and scores.

Convention, written once here and in the contract: an optional field that has no value is
left out of a response, never sent as ``null``; a request that sends ``null`` is refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from verifik_mock.timestamps import as_utc, format_timestamp, read_request_instant

OBSERVED_WIRE = {"wire": "observed"}
"""The serialisation context that writes a model as real captures of Verifik's API show it
(``model_dump_json(context=OBSERVED_WIRE)``); without it, models write the pages' wire."""


def on_observed_wire(info: SerializationInfo) -> bool:
    """Whether a model is being written for the observed wire."""
    return isinstance(info.context, dict) and info.context.get("wire") == "observed"


def _write_instant(instant: datetime, info: SerializationInfo) -> str:
    """The pages write milliseconds only when an instant has them; Mongoose always does."""
    return format_timestamp(instant, always_milliseconds=on_observed_wire(info))


Timestamp = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(_write_instant, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""An instant with a zone, held in UTC and written as ISO-8601 (``2024-01-15T10:30:00Z``)."""

RequestInstant = Annotated[
    datetime,
    BeforeValidator(read_request_instant),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""An instant a client sends: an ISO-8601 string with its zone, nothing looser."""

_HOST = re.compile(r"^([a-z0-9_-]+\.)*[a-z0-9_-]+\.?$|^[0-9a-f:.]*:[0-9a-f:.]*$")
"""A host name, an IPv4 address, or an IPv6 one (``urlsplit`` gives it without brackets)."""
_URL_TEXT = re.compile(r"^[\x21-\x7e]+$")


def read_web_url(value: str) -> str:
    """An absolute http(s) URL a browser or an HTTP client can follow, as given; anything
    else (``javascript:``, a port that is no number, spaces or line breaks) is refused."""
    example = "an http(s) URL, e.g. https://example.com/webhook"
    if not _URL_TEXT.match(value):
        raise ValueError(f"{example}, without spaces, line breaks or characters beyond ASCII")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - read for the ValueError a port that is no number raises
    except ValueError as error:
        raise ValueError(f"{example} ({error})") from None
    if parts.scheme not in ("http", "https") or not _HOST.match(parts.hostname or ""):
        raise ValueError(example)
    return value


WebUrl = Annotated[
    str,
    AfterValidator(read_web_url),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "pattern": "^https?://[\\x21-\\x7e]+$",
            "description": "An absolute http or https URL; any other scheme is refused.",
        }
    ),
]
"""A URL the mock sends a user's browser or a webhook to: absolute, http or https."""

Score = Annotated[float, Field(ge=0, le=1)]
"""A score from 0.0 to 1.0, higher is better (Verifik's range)."""

RecordId = Annotated[str, Field(min_length=1)]
"""A record id: a 24-hex ObjectId for records the mock makes; the pages' examples use others."""


class WireModel(BaseModel):
    """A response object: closed (no undocumented field), serialised by Verifik's field names."""

    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        json_schema_serialization_defaults_required=True,
        use_enum_values=False,
        defer_build=True,
    )


class RecordModel(WireModel):
    """A stored record, known by Verifik's ``_id``.

    Each record declares its own ``createdAt`` and ``updatedAt`` last, so they come where
    Verifik's pages show them: after the record's own fields.
    """

    id: RecordId = Field(alias="_id")

    @model_serializer(mode="wrap")
    # Unannotated: a return annotation would replace the JSON schema's fields.
    def _add_version_key(self, write: SerializerFunctionWrapHandler, info: SerializationInfo):  # type: ignore[no-untyped-def]
        """On the observed wire a stored record carries Mongoose's version key, ``__v: 0``."""
        written = write(self)
        if on_observed_wire(info) and isinstance(written, dict):
            written["__v"] = 0
        return written


class RequestBody(BaseModel):
    """A request body: closed, strictly typed, and with no ``null`` standing in for a value."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    @model_validator(mode="after")
    def _refuse_nulls(self) -> Self:
        # An "after" check: a "before" one would make pydantic re-read JSON as Python
        # objects, where strict mode refuses ISO date strings.
        for name in sorted(self.model_fields_set):
            if getattr(self, name) is None:
                raise ValueError(f"{name} must not be null; leave it out instead")
        return self
