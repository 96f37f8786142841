"""Reading the HTML form posts of the mock's own pages: from its own origin only, within the
size limit, urlencoded or multipart (a photo chosen without JavaScript), each field checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qs

from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from verifik_mock.errors import MalformedBodyError, UnsupportedMediaTypeError
from verifik_mock.http.body import body_error, read_capped
from verifik_mock.http.origins import check_form_origin
from verifik_mock.models.base import RequestBody

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_FIELDS = 20
MAX_FORM_BYTES = 64 * 1024
"""The largest form of the dashboard's (the hosted page's, with a photo, may take a body's)."""
Fields = TypeVar("Fields", bound=RequestBody)


@dataclass(frozen=True)
class FormPost:
    """A form's text fields (the last value of each) and its uploaded files' bytes."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        """A text field, ``default`` when absent."""
        return self.fields.get(name, default)


async def read_form_post(request: Request, max_bytes: int, public_url: str | None) -> FormPost:
    """The form a page of the mock's own posted; 403 from another origin, 413 over
    ``max_bytes``, 415 for another body type, 400 for a body that is no form."""
    check_form_origin(request, public_url)
    media_type = request.headers.get("content-type", URLENCODED).split(";")[0].strip().lower()
    if media_type not in (URLENCODED, MULTIPART):
        raise UnsupportedMediaTypeError(f"A form post is {URLENCODED} or {MULTIPART}")
    raw = await read_capped(request, max_bytes)
    if media_type == URLENCODED:
        try:
            pairs = parse_qs(raw.decode("utf-8"), True, max_num_fields=MAX_FIELDS)
        except (UnicodeDecodeError, ValueError):
            raise MalformedBodyError("The form is not UTF-8 text of up to 20 fields") from None
        return FormPost(fields={name: values[-1] for name, values in pairs.items()})
    return await _multipart(request, raw, max_bytes)


async def _multipart(request: Request, raw: bytes, max_bytes: int) -> FormPost:
    """A multipart form, parsed by Starlette from the body already read (and capped)."""

    async def replay() -> Message:
        return {"type": "http.request", "body": raw, "more_body": False}

    try:
        async with Request(request.scope, replay).form(
            max_files=1, max_fields=MAX_FIELDS, max_part_size=max_bytes
        ) as form:
            post = FormPost()
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    post.files[name] = await value.read()
                else:
                    post.fields[name] = value
            return post
    except HTTPException as error:  # Starlette's word for a body it cannot parse
        raise MalformedBodyError(f"The multipart form is off: {error.detail}") from None


def form_fields(form: FormPost, model: type[Fields]) -> Fields:
    """The form's text fields read as ``model`` (blank ones count as not sent), or the error
    a JSON body breaking its model gets: 409 MISSING_PARAMETER naming the field."""
    known = model.model_fields
    given = {name: value for name, value in form.fields.items() if value or name not in known}
    try:
        return model.model_validate_strings(given)
    except ValidationError as error:
        raise body_error(error) from None
