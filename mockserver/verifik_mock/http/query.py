"""Reading query strings into the operation's query model, naming any parameter that is off."""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar, cast, get_origin

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from verifik_mock.errors import InvalidParametersError
from verifik_mock.models.queries import QueryModel

Query = TypeVar("Query", bound=QueryModel)


CACHED_QUERY_BYTES = 1024
"""Longer query strings are read each time, not kept: no client can fill the cache with
big ones (a front end's queries are a few dozen bytes)."""


def parse_query(query_string: bytes, model: type[Query]) -> Query:
    """A request's raw query string read as ``model``; 400 INVALID_PARAMETERS naming the
    first bad parameter."""
    if len(query_string) > CACHED_QUERY_BYTES:
        return cast(Query, _read.__wrapped__(query_string, model))
    return cast(Query, _read(query_string, model))


@lru_cache(maxsize=1024)
def _read(query_string: bytes, model: type[QueryModel]) -> QueryModel:
    """Each query string is read once per model and kept (queries are only read): the same
    few recur (no query, the page a front end polls), and reading one costs more than
    answering most requests. A refused one raises each time; lru_cache keeps no error."""
    params = QueryParams(query_string)
    fields = {(info.alias or name): info for name, info in model.model_fields.items()}
    values: dict[str, object] = {}
    for key in params:
        info = fields.get(key)
        if info is None:
            raise InvalidParametersError(f"Invalid query parameter '{key}': not a parameter here")
        given = params.getlist(key)
        if get_origin(info.annotation) in (list, tuple):
            values[key] = given
        elif len(given) > 1:  # as Express reads it, an array where one value belongs
            raise InvalidParametersError(f"Invalid query parameter '{key}': given more than once")
        else:
            values[key] = given[0]
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        name = str(first["loc"][0]) if first["loc"] else "query"
        raise InvalidParametersError(f"Invalid query parameter '{name}': {first['msg']}") from None
