"""Reading query strings into the operation's query model, naming any parameter that is off."""

from __future__ import annotations

from typing import TypeVar, get_origin

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from mockserver.errors import InvalidParametersError
from mockserver.models.queries import QueryModel

Query = TypeVar("Query", bound=QueryModel)


def parse_query(params: QueryParams, model: type[Query]) -> Query:
    """``params`` read as ``model``; 400 INVALID_PARAMETERS naming the first bad parameter."""
    fields = {(info.alias or name): info for name, info in model.model_fields.items()}
    values: dict[str, object] = {}
    for key in params:
        info = fields.get(key)
        if info is None:
            raise InvalidParametersError(f"Invalid query parameter '{key}': not a parameter here")
        is_list = get_origin(info.annotation) is list
        values[key] = params.getlist(key) if is_list else params.getlist(key)[-1]
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        name = str(first["loc"][0]) if first["loc"] else "query"
        raise InvalidParametersError(f"Invalid query parameter '{name}': {first['msg']}") from None
