"""The contract served back: ``GET /openapi.json``, and Swagger UI over it at ``/docs``.

Swagger UI's files come from the ``swagger-ui-bundle`` package, never a CDN, so the docs
work offline; ``/docs/assets/{name}`` serves the few the page loads and nothing else."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import swagger_ui_bundle  # type: ignore[import-untyped]  # ships no type information
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from verifik_mock.errors import RouteNotFoundError
from verifik_mock.http.context import ServerContext
from verifik_mock.http.origins import served_base_url

SWAGGER_UI_FOLDER = Path(str(swagger_ui_bundle.swagger_ui_path))
SWAGGER_UI_VERSION = SWAGGER_UI_FOLDER.name.removeprefix("swagger-ui-")
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
"""The Swagger UI files the page loads, and their types: no other file of the package is served."""
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
"""The page asks for each file with ``?v=<Swagger UI's version>``, so a new version is a new URL."""
_METHODS = ("get", "post", "put", "patch", "delete")


def load_contract(request: Request) -> dict[str, Any]:
    """The contract of the server's wire profile, read on first use: the contract module
    brings yaml and pydantic's JSON-schema machinery, about 30 ms of every start that serves
    no docs."""
    from verifik_mock.contract_file import load_contract as load  # deferred: see above

    return load(ServerContext.of(request).settings.wire)


async def openapi_json(request: Request) -> Response:
    """The contract as JSON, for Postman, schemathesis or code generators."""
    return JSONResponse(load_contract(request))


def swagger_ui_contract(contract: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The contract as Swagger UI 4.15 takes it, and pointed at this mock.

    That version renders OpenAPI 3.0 only (a 3.1 document gets "Unable to render this
    definition"), and the contract keeps clear of the 3.1 constructs that would display
    differently (no ``type: null``), so saying ``3.0.3`` is the one change it needs.
    ``/openapi.json`` stays the 3.1 contract. The one server is the mock that served the
    page, so "Try it out" calls the mock and never Verifik."""
    server = {"url": base_url, "description": "this verifik-mock"}
    return {**contract, "openapi": "3.0.3", "servers": [server]}


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside ``<script>``: no ``<`` to end the tag, no ``&`` or ``>``."""
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


async def docs_page(request: Request) -> Response:
    """Swagger UI over ``swagger_ui_contract``, inlined in the page; without JavaScript, an
    index of the operations and a link to ``/openapi.json``."""
    settings = ServerContext.of(request).settings
    contract = load_contract(request)
    spec = swagger_ui_contract(contract, served_base_url(request.scope, settings.public_url))
    return HTMLResponse(
        _PAGE.format(
            title=html.escape(contract["info"]["title"]),
            version=SWAGGER_UI_VERSION,
            index="".join(_index_entries(contract)),
            spec=script_json(spec),
        )
    )


def _index_entries(contract: dict[str, Any]) -> list[str]:
    return [
        f'<li id="{html.escape(operation["operationId"])}"><code>{method.upper()} '
        f"{html.escape(path)}</code> {html.escape(operation.get('summary', ''))}</li>"
        for path, item in contract["paths"].items()
        for method, operation in item.items()
        if method in _METHODS
    ]


async def docs_asset(request: Request) -> Response:
    """One of Swagger UI's files, by name from ``ASSETS``; any other name is a 404."""
    name = request.path_params["name"]
    if name not in ASSETS:
        raise RouteNotFoundError(f"No docs asset named {name[:100]!r}")
    headers = {"Cache-Control": ASSET_CACHE_CONTROL}
    return FileResponse(SWAGGER_UI_FOLDER / name, media_type=ASSETS[name], headers=headers)


# Links are relative (``docs/assets/...`` from ``/docs``), so they hold behind a proxy that
# serves the mock under a path of its own.
_PAGE = """<!doctype html>
<html lang=en><head><meta charset=utf-8><title>{title}</title>
<meta name=viewport content="width=device-width, initial-scale=1">
<link rel=icon type=image/png sizes=32x32 href="docs/assets/favicon-32x32.png?v={version}">
<link rel=icon type=image/png sizes=16x16 href="docs/assets/favicon-16x16.png?v={version}">
<link rel=stylesheet href="docs/assets/swagger-ui.css?v={version}">
</head><body>
<noscript><h1>{title}</h1><p>This page is Swagger UI and needs JavaScript. The contract
itself: <a href="openapi.json">/openapi.json</a>.</p><ul>{index}</ul></noscript>
<div id=swagger-ui></div>
<script type=application/json id=contract>{spec}</script>
<script src="docs/assets/swagger-ui-bundle.js?v={version}"></script>
<script>
window.ui = SwaggerUIBundle({{
  spec: JSON.parse(document.getElementById("contract").textContent),
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  persistAuthorization: true,
  validatorUrl: null,
}});
</script>
</body></html>"""

DOC_ROUTES = [
    Route("/openapi.json", openapi_json, methods=["GET"], name="openapi"),
    Route("/docs", docs_page, methods=["GET"], name="docs"),
    Route("/docs/assets/{name}", docs_asset, methods=["GET"], name="docs_asset"),
]
