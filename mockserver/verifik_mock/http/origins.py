"""Where the mock is, as its users reach it: the base of the links it builds, and the origins
its own pages post forms from. Never read from the ``Host`` header, which any client sets.

``--public-url`` says it outright (behind a proxy, or under a host name). Otherwise it is the
address the connection arrived at, and on loopback the names a browser uses for it
(``localhost``, ``127.0.0.1``, ``[::1]``) at the same port."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import Scope

from verifik_mock.errors import ForeignOriginError, HostNotAllowedError

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    shown_port = "" if port is None or DEFAULT_PORTS.get(scheme) == port else f":{port}"
    return f"{scheme}://{host.lower()}{shown_port}"


def origin_of(url: str) -> str | None:
    """The ``scheme://host[:port]`` of ``url``, default port left out; None if it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return _origin(parts.scheme, parts.hostname, port)


def served_base_url(scope: Scope, public_url: str | None) -> str:
    """The base of every link the mock builds: ``public_url``, else the served address."""
    if public_url:
        return public_url.rstrip("/")
    host, port = scope.get("server") or ("127.0.0.1", None)
    return _origin(scope.get("scheme", "http"), str(host), port)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def own_origins(scope: Scope, public_url: str | None) -> frozenset[str]:
    """The origins the mock's own pages are served from."""
    host, port = scope.get("server") or ("127.0.0.1", None)
    return _own_origins(scope.get("scheme", "http"), str(host), port, public_url)


@lru_cache(maxsize=64)
def _own_origins(
    scheme: str, host: str, port: int | None, public_url: str | None
) -> frozenset[str]:
    """Cached: a server has one address, and every request asks (the ``Host`` check)."""
    origins = {_origin(scheme, host, port)}
    if public_url and (public := origin_of(public_url)):
        origins.add(public)
    if _is_loopback(host):
        origins |= {_origin(scheme, name, port) for name in LOOPBACK_NAMES}
    return frozenset(origins)


def check_host(scope: Scope, public_url: str | None) -> None:
    """Refuse a request whose ``Host`` names another server than this one: a page on a name
    that resolves to 127.0.0.1 (DNS rebinding) is "same-origin" to the browser, so CORS never
    stops it, but its requests still say its own name."""
    host = _host_header(scope)
    if host is None:
        return  # HTTP/1.0 without Host: no browser sends that
    if host.lower() not in _authorities(own_origins(scope, public_url)):
        raise HostNotAllowedError(
            f"Host {host[:100]!r} is not this mock's: reach it at "
            f"{served_base_url(scope, public_url)}, or start it with --public-url"
        )


def _host_header(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"host":
            return str(value.decode("latin-1"))
    return None


@lru_cache(maxsize=64)
def _authorities(origins: frozenset[str]) -> frozenset[str]:
    """The ``Host`` values that name ``origins``: ``host:port``, and the bare host where the
    port is the scheme's default (a proxy in front may speak another scheme than the mock)."""
    found = set()
    for origin in origins:
        scheme, _, authority = origin.partition("://")
        found.add(authority)
        if authority.endswith("]") or ":" not in authority:
            found.add(f"{authority}:{DEFAULT_PORTS[scheme]}")
    return frozenset(found)


def check_form_origin(request: Request, public_url: str | None) -> None:
    """Refuse a form post sent from a page of another origin (``Origin``, else ``Referer``),
    so no web page a developer visits can drive the mock. A post with neither is no
    browser's: it is let through, to the admin token if the server has one."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return
    origin = origin_of(sent)
    if origin is None or origin not in own_origins(request.scope, public_url):
        raise ForeignOriginError(
            f"Form posts must come from the mock's own pages, not {sent[:100]!r}"
        )
