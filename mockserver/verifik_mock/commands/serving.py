"""How ``serve`` runs uvicorn: the fastest settings installed, a quieter cycle collector,
and the settings handed to worker processes (``--workers N``)."""

from __future__ import annotations

import base64
import gc
import importlib.util
import logging
import os
import pickle
from dataclasses import dataclass

from starlette.applications import Starlette
from uvicorn.config import HTTPProtocolType

from verifik_mock.app import create_app
from verifik_mock.redaction import redacted_url
from verifik_mock.settings import Settings

SETTINGS_VARIABLE = "VERIFIK_MOCK_WORKER_SETTINGS"
"""How ``serve --workers N`` hands its settings to the worker processes uvicorn starts."""


@dataclass(frozen=True)
class ServerChoice:
    """The uvicorn settings ``serve`` runs with: the fastest this machine has."""

    http: HTTPProtocolType
    loop: str
    access_log: bool

    def describe(self) -> str:
        """One line for the banner."""
        log = "access log on" if self.access_log else "access log off (--access-log for one)"
        return f"uvicorn, {self.http} parser, {self.loop} event loop, {log}"


def fastest_server(access_log: bool) -> ServerChoice:
    """httptools and uvloop where installed (they are dependencies, but uvloop has no
    Windows build), else uvicorn's pure-Python h11 and asyncio."""
    return ServerChoice(
        http="httptools" if importlib.util.find_spec("httptools") else "h11",
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        access_log=access_log,
    )


def hand_to_workers(settings: Settings) -> None:
    """Leave ``settings`` where the worker processes uvicorn spawns find them."""
    os.environ[SETTINGS_VARIABLE] = base64.b64encode(pickle.dumps(settings)).decode()


class RedactedAccessLog(logging.Filter):
    """uvicorn's access log with every query value hidden: a hosted page's link carries
    its session token in the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the request target of one access log line; keep the line."""
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            target = record.args[2]
            if isinstance(target, str):
                record.args = (*record.args[:2], redacted_url(target), *record.args[3:])
        return True


def redact_access_log() -> None:
    """Hide query values in the lines of ``--access-log``."""
    logging.getLogger("uvicorn.access").addFilter(RedactedAccessLog())


def tune_collector() -> None:
    """Keep the cycle collector off the records. Everything alive now (the seeded demo world,
    100,000 validations in a load test) is frozen out of its passes, and full passes are made
    rare: records hold no cycles and go by reference counting, yet each pass over them stalled
    answers by hundreds of milliseconds (p99 ~500 ms -> ~20 ms under wrk here). Only ``serve``
    does this: it owns its process, unlike the pytest fixtures."""
    gc.freeze()
    gc.set_threshold(10_000, 50, 1_000)


def worker_app() -> Starlette:
    """The app of one worker process of ``serve --workers N`` (uvicorn's factory)."""
    settings = pickle.loads(base64.b64decode(os.environ[SETTINGS_VARIABLE]))
    assert isinstance(settings, Settings)
    app = create_app(settings)
    tune_collector()
    return app
