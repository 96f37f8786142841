"""The contract served back: ``GET /openapi.json`` and a browsable reference at ``/docs``."""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

_METHODS = ("get", "post", "put", "patch", "delete")


def load_contract() -> dict[str, Any]:
    """The contract, read on first use: the contract module brings yaml and pydantic's
    JSON-schema machinery, about 30 ms of every start that serves no docs."""
    from mockserver.contract import load_contract as load  # deferred: see above

    return load()


async def openapi_json(request: Request) -> Response:
    """The contract as JSON, for Swagger UI, Postman, schemathesis or code generators."""
    return JSONResponse(load_contract())


async def docs_page(request: Request) -> Response:
    """A reference of every operation, rendered on the server: no JavaScript, works offline."""
    contract = load_contract()
    sections = [
        _operation_html(method, path, operation)
        for path, item in contract["paths"].items()
        for method, operation in item.items()
        if method in _METHODS
    ]
    title = html.escape(contract["info"]["title"])
    body = f"<h1>{title}</h1><p>{html.escape(contract['info']['description'])}</p>"
    body += '<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>' + "".join(sections)
    return HTMLResponse(_PAGE.format(title=title, body=body))


def _operation_html(method: str, path: str, operation: dict[str, Any]) -> str:
    examples = [
        f"<h4>{html.escape(where)}: {html.escape(name)}</h4><pre>"
        f"{html.escape(json.dumps(example.get('value'), indent=2))}</pre>"
        for where, found in _examples(operation)
        for name, example in found.items()
    ]
    return (
        f'<section id="{html.escape(operation.get("operationId", ""))}">'
        f"<h2><code>{method.upper()} {html.escape(path)}</code></h2>"
        f"<p><strong>{html.escape(operation.get('summary', ''))}</strong></p>"
        f"<pre class=desc>{html.escape(operation.get('description', ''))}</pre>"
        f"{''.join(examples)}</section>"
    )


def _examples(operation: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    request = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if request.get("examples"):
        found.append(("Request", request["examples"]))
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {}).get("application/json", {})
        if content.get("examples"):
            found.append((f"Response {status}", content["examples"]))
    return found


_PAGE = """<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
pre{{background:#f4f4f4;padding:.75rem;overflow:auto}}pre.desc{{white-space:pre-wrap;background:none}}
section{{border-top:1px solid #ddd;margin-top:1.5rem}}</style></head><body>{body}</body></html>"""

DOC_ROUTES = [
    Route("/openapi.json", openapi_json, methods=["GET"], name="openapi"),
    Route("/docs", docs_page, methods=["GET"], name="docs"),
]
