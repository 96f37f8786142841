"""Reading a JSON request body into the operation's body model, within the size limit."""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import TypeVar

from pydantic import ValidationError
from starlette.requests import Request

from verifik_mock.errors import (
    BodyTooLargeError,
    InvalidImageError,
    MalformedBodyError,
    MissingParameterError,
    MockError,
    UnsupportedMediaTypeError,
)
from verifik_mock.models.base import RequestBody

Body = TypeVar("Body", bound=RequestBody)

_NOT_AN_OBJECT = {"json_invalid", "model_type", "model_attributes_type"}


async def read_body(request: Request, model: type[Body], max_bytes: int) -> Body:
    """The request's JSON body as ``model``, or the error that says what to fix."""
    media_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaTypeError(
            f"Body must be JSON (Content-Type: application/json), not {media_type or 'empty'}"
        )
    raw = await read_capped(request, max_bytes)
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise body_error(error) from None


async def read_capped(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLargeError(f"Body too large: the limit is {max_bytes} bytes")
    return await join_capped(request.stream(), max_bytes)


async def join_capped(chunks: AsyncIterable[bytes], max_bytes: int) -> bytes:
    """``chunks`` joined, as they come; ``BodyTooLargeError`` as soon as they pass
    ``max_bytes``, so no more than that is ever held."""
    joined, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLargeError(f"Body too large: the limit is {max_bytes} bytes")
        joined.append(chunk)
    return b"".join(joined)


def body_error(error: ValidationError) -> MockError:
    """The documented error for a body that breaks its model: 409 naming the field, 400 for
    no object at all, 400 INVALID_IMAGE_FORMAT for an image that is no base64."""
    first = error.errors(include_url=False)[0]
    if first["type"] in _NOT_AN_OBJECT:
        return MalformedBodyError("Body must be a JSON object")
    field = ".".join(str(part) for part in first["loc"])
    missing = (
        first["type"] in {"missing", "string_too_short"}
        if field == "image"
        else (first["type"] == "missing")
    )
    if missing:
        return MissingParameterError(f"missing {field}")
    if field == "image":  # an image that is not base64 has its own code, as an undecodable one
        return InvalidImageError("Image is not valid base64 (raw, or a data:image/...;base64, URI)")
    message = first["msg"].removeprefix("Value error, ")
    return MissingParameterError(f"{field}: {message}" if field else message)
