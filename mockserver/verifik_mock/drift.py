"""``verifik-mock drift``: the same safe requests to two servers, and how their answers differ.

Typically the mock and the real API. For every read-only Verifik operation it compares the
status and the shape of the answers: fields one side lacks, fields of another JSON type, and
values of enum fields seen on one side only. Retrieves use an id each side lists itself.
An operation that a side refuses (401, 403) or never answers is an error, not a match: two
refusals compare equal and would hide every difference behind them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}

LIST_REQUESTS = {
    "GET /v2/biometric-validations": (
        "/v2/biometric-validations?limit=100&populates[]=client&populates[]=project"
        "&populates[]=projectFlow&populates[]=livenessSession"
    ),
    "GET /v2/document-liveness": (
        "/v2/document-liveness?limit=100&populates[]=client&populates[]=appRegistration"
    ),
    "GET /v2/projects": "/v2/projects?limit=100",
    "GET /v2/project-flows": "/v2/project-flows?limit=100",
}
RETRIEVE_REQUESTS = {
    "GET /v2/biometric-validations/{id}": (
        "GET /v2/biometric-validations",
        "/v2/biometric-validations/{id}",
    ),
    "GET /v2/document-liveness/{id}": ("GET /v2/document-liveness", "/v2/document-liveness/{id}"),
    "GET /v2/project-flows/{id}": ("GET /v2/project-flows", "/v2/project-flows/{id}"),
}
ENUM_FIELDS = ("status", "type", "language", "livenessDetection", "identityMatch", "antiSpoofing")
"""Fields whose values are enums wherever they appear."""


def json_type(value: object) -> str:
    """The JSON type of a decoded value (``number`` for int and float alike)."""
    return JSON_TYPES.get(type(value), "number")


def shape(value: object, path: str = "") -> dict[str, str]:
    """Every field path in ``value`` with its JSON type; array items merge under ``[]``."""
    found = {path or "$": json_type(value)}
    if isinstance(value, dict):
        for key, item in value.items():
            found |= shape(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            for item_path, item_type in shape(item, f"{path}[]").items():
                found.setdefault(item_path, item_type)
    return found


def enum_values(value: object, path: str = "") -> dict[str, set[str]]:
    """The values of enum fields in ``value``, by path."""
    found: dict[str, set[str]] = {}
    items: Iterable[tuple[str, object]] = ()
    if isinstance(value, dict):
        items = ((f"{path}.{key}", item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[]", item) for item in value)
    for item_path, item in items:
        if isinstance(item, str) and item_path.rsplit(".", 1)[-1] in ENUM_FIELDS:
            found.setdefault(item_path, set()).add(item)
        for nested_path, values in enum_values(item, item_path).items():
            found.setdefault(nested_path, set()).update(values)
    return found


@dataclass
class OperationDrift:
    """How one operation's answers differ between the left and the right server."""

    operation: str
    left_status: int | None
    right_status: int | None
    missing_on_right: list[str] = field(default_factory=list)
    extra_on_right: list[str] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)
    """Containers whose fields all answer under another path on the right (left -> right);
    their fields are not listed as missing and extra too."""
    retyped: list[dict[str, str]] = field(default_factory=list)
    enum_only_left: dict[str, list[str]] = field(default_factory=dict)
    enum_only_right: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    """Why the answers could not be compared (a side refused the token, or never answered)."""

    @property
    def differs(self) -> bool:
        """Whether anything differs (an operation that could not be compared does not)."""
        if self.errors:
            return False
        return self.left_status != self.right_status or any(
            (
                self.missing_on_right,
                self.extra_on_right,
                self.moved,
                self.retyped,
                self.enum_only_left,
                self.enum_only_right,
            )
        )


Answer = httpx.Response | str | None
"""A side's answer, or why there is none: the error text, or None when nothing was asked
(no id to retrieve)."""

REFUSED = {401: "refused the token (401)", 403: "refused the token (403)"}


def compare(operation: str, left: Answer, right: Answer) -> OperationDrift:
    """The differences between two answers to the same request."""
    drift = OperationDrift(
        operation,
        left.status_code if isinstance(left, httpx.Response) else None,
        right.status_code if isinstance(right, httpx.Response) else None,
    )
    for side, answer in (("left", left), ("right", right)):
        if isinstance(answer, str):
            drift.errors.append(f"{side}: {answer}")
        elif answer is not None and answer.status_code in REFUSED:
            drift.errors.append(f"{side} {REFUSED[answer.status_code]}: check --{side}-token")
    if (
        drift.errors
        or not isinstance(left, httpx.Response)
        or not isinstance(right, httpx.Response)
    ):
        return drift
    if not _is_json(left) or not _is_json(right):
        return drift
    left_body, right_body = left.json(), right.json()
    left_shape, right_shape = shape(left_body), shape(right_body)
    missing = sorted(left_shape.keys() - right_shape.keys())
    extra = sorted(right_shape.keys() - left_shape.keys())
    drift.moved = relocations(missing, extra, right_shape.keys())
    moved_fields = {path: relocated(path, drift.moved) for path in missing}
    moved_fields = {path: to for path, to in moved_fields.items() if to != path}
    drift.missing_on_right = [path for path in missing if path not in moved_fields]
    drift.extra_on_right = [path for path in extra if path not in moved_fields.values()]
    pairs = {path: path for path in left_shape.keys() & right_shape.keys()} | moved_fields
    drift.retyped = [
        {"path": path, "left": left_shape[path], "right": right_shape[to]}
        for path, to in sorted(pairs.items())
        if left_shape[path] != right_shape[to]
    ]
    left_enums = {
        relocated(path, drift.moved): values for path, values in enum_values(left_body).items()
    }
    right_enums = enum_values(right_body)
    for path in sorted(left_enums.keys() | right_enums.keys()):
        only_left = left_enums.get(path, set()) - right_enums.get(path, set())
        only_right = right_enums.get(path, set()) - left_enums.get(path, set())
        if only_left and path in right_enums:
            drift.enum_only_left[path] = sorted(only_left)
        if only_right and path in left_enums:
            drift.enum_only_right[path] = sorted(only_right)
    return drift


def relocations(missing: list[str], extra: list[str], right_paths: Iterable[str]) -> dict[str, str]:
    """Containers of ``missing`` whose every field is among ``extra`` under another path of
    the right answer (a list nested a level deeper, an object's fields spread at the top):
    left -> right, outermost first. A container needs two fields or more to count as moved."""
    moves: dict[str, str] = {}
    extra_set = set(extra)
    containers = sorted({"" if path == "$" else path for path in right_paths}, key=len)
    for source in sorted(missing, key=len):
        if any(_within(source, done) for done in moves):
            continue
        rests = [path[len(source) :] for path in missing if _within(path, source)]
        if len(rests) < 3:  # the container and two fields
            continue
        target = next(
            (t for t in containers if all(t + rest in extra_set for rest in rests if rest)), None
        )
        if target is not None:
            moves[source] = target
    return moves


def relocated(path: str, moves: dict[str, str]) -> str:
    """Where ``path`` of the left answers on the right, given the containers moved."""
    for source, target in moves.items():
        if _within(path, source):
            return target + path[len(source) :] or "$"
    return path


def _within(path: str, container: str) -> bool:
    """Whether ``path`` is ``container`` or a field inside it."""
    return path == container or path.startswith((container + ".", container + "["))


def _is_json(response: httpx.Response) -> bool:
    return str(response.headers.get("content-type", "")).startswith("application/json")


def first_id(response: Answer) -> str | None:
    """The id of the first record a list answered, if it answered one."""
    if not isinstance(response, httpx.Response) or not _is_json(response):
        return None
    data = response.json().get("data")
    if isinstance(data, dict):  # a paginator's result inside data: {docs, total, ...}
        data = data.get("docs")
    return str(data[0]["_id"]) if isinstance(data, list) and data else None


def detect_drift(left: httpx.Client, right: httpx.Client) -> list[OperationDrift]:
    """Send every safe request to both servers and compare the answers."""
    lists = {op: (get(left, path), get(right, path)) for op, path in LIST_REQUESTS.items()}
    drifts = [compare(op, *answers) for op, answers in lists.items()]
    for operation, (list_operation, template) in RETRIEVE_REQUESTS.items():
        left_answer, right_answer = (
            _retrieve(client, listed, template)
            for client, listed in zip((left, right), lists[list_operation], strict=True)
        )
        drifts.append(compare(operation, left_answer, right_answer))
    return drifts


def _retrieve(client: httpx.Client, listed: Answer, template: str) -> Answer:
    """Retrieve the first record the side's list answered; why not, when it cannot."""
    if isinstance(listed, httpx.Response) and listed.status_code in REFUSED:
        return f"nothing to retrieve: its list {REFUSED[listed.status_code]}"
    if isinstance(listed, str):
        return f"nothing to retrieve: {listed}"
    record_id = first_id(listed)
    return get(client, template.format(id=record_id)) if record_id else None


def get(client: httpx.Client, path: str | httpx.URL) -> httpx.Response | str:
    """``client``'s answer to ``GET path``, or why there is none."""
    try:
        return client.get(path)
    except httpx.ConnectError as error:
        return f"no connection to {client.base_url} ({error})"
    except httpx.HTTPError as error:
        return f"no answer from {client.base_url} ({type(error).__name__}: {error})"


def drift_text(drifts: list[OperationDrift], left_name: str, right_name: str) -> str:
    """The differences, one block per operation that differs."""
    lines = [f"drift: left={left_name} right={right_name}"]
    for drift in drifts:
        if drift.errors:
            lines += [f"  {drift.operation}: ERROR {error}" for error in drift.errors]
            continue
        if not drift.differs:
            lines.append(f"  {drift.operation}: same")
            continue
        lines.append(f"  {drift.operation}: status {drift.left_status} / {drift.right_status}")
        lines += [f"    missing on right: {path}" for path in drift.missing_on_right]
        lines += [f"    extra on right:   {path}" for path in drift.extra_on_right]
        lines += [f"    moved: {path or '$'} -> {to or '$'}" for path, to in drift.moved.items()]
        lines += [f"    retyped: {r['path']} {r['left']} -> {r['right']}" for r in drift.retyped]
        lines += [f"    only left:  {p} = {', '.join(v)}" for p, v in drift.enum_only_left.items()]
        lines += [f"    only right: {p} = {', '.join(v)}" for p, v in drift.enum_only_right.items()]
    differing = sum(drift.differs for drift in drifts)
    failed = sum(bool(drift.errors) for drift in drifts)
    summary = f"{differing} of {len(drifts)} operations differ"
    lines.append(f"{summary}, {failed} could not be compared" if failed else summary)
    return "\n".join(lines)


def drift_table(drifts: list[OperationDrift]) -> str:
    """The differences as a Markdown table, one row per operation that differs; a field
    inside one already listed is not listed again."""
    rows = [
        "| Operation | Only on the left | Only on the right | Moved | Retyped | Enum values |",
        "|---|---|---|---|---|---|",
    ]
    for drift in drifts:
        if not drift.differs:
            continue
        moved = [f"`{path}` → `{to or '$'}`" for path, to in drift.moved.items()]
        retyped = [f"`{r['path']}` {r['left']} → {r['right']}" for r in drift.retyped]
        enums = [f"`{p}`: {', '.join(v)} (left)" for p, v in drift.enum_only_left.items()]
        enums += [f"`{p}`: {', '.join(v)} (right)" for p, v in drift.enum_only_right.items()]
        cells = [
            _code_list(_outermost(drift.missing_on_right)),
            _code_list(_outermost(drift.extra_on_right)),
            "; ".join(moved),
            "; ".join(retyped),
            "; ".join(enums),
        ]
        rows.append(f"| {drift.operation} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _outermost(paths: list[str]) -> list[str]:
    """``paths`` without those inside another of them."""
    return [path for path in paths if not any(_within(path, o) and path != o for o in paths)]


def _code_list(paths: list[str]) -> str:
    return ", ".join(f"`{path}`" for path in paths)
