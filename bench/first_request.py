"""What a downstream test costs the mock on each engine: a new tenant, one create, released.

Each sample is what a test taking the ``verifik_in_process`` fixture and creating one
validation asks of the mock: the fixture's reset at setup, its tenant seeded on first use
(the seeded flows read, as ``create_biometric_validation`` does), the create, and the
release at teardown. A few
tenants are run first and not counted; then ``--tests`` distinct tenants per engine, timed.

    .venv/bin/python bench/first_request.py [--tests 200]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from processes import Fleet
from seed_cost import figures
from servers import start_redis
from write_cost import machine

from verifik_mock import Settings, create_app
from verifik_mock.testing import (
    MarkerSettings,
    VerifikMock,
    in_process_transport,
    tenant_token_for,
)

RESULTS = Path(__file__).parent / "results" / "first_request.json"
WARM_UP = 20
ENGINES = ("memory", "SQLite", "Redis")


@contextmanager
def engine_settings(engine: str, scratch: Path, fleet: Fleet) -> Iterator[Settings]:
    """The settings of ``serve`` on ``engine``, its redis-server started if it needs one."""
    if engine == "SQLite":
        yield Settings(state_file=scratch / "state.sqlite")
    elif engine == "Redis":
        yield Settings(store_url=start_redis(fleet, scratch))
    else:
        yield Settings()


def time_tests(settings: Settings, tests: int) -> list[float]:
    """Seconds each of ``tests`` new tenants takes to be seeded, create one validation and
    be released, after an uncounted warm-up."""
    samples = []
    with (
        in_process_transport(create_app(settings)) as transport,
        httpx.Client(base_url="http://verifik-mock", transport=transport) as http,
    ):
        for n in range(WARM_UP + tests):
            started = time.perf_counter()
            handle = VerifikMock(http, tenant_token_for(f"first-request-{n}"))
            MarkerSettings().prepare(handle, settings.seed)
            handle.create_biometric_validation("ana@example.com")
            handle.release()
            if n >= WARM_UP:
                samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    """Time every engine, print and save the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tests", type=int, default=200, help="distinct tenants per engine")
    args = parser.parse_args()
    about = machine()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch, Fleet() as fleet:
        for engine in ENGINES:
            with engine_settings(engine, Path(scratch), fleet) as settings:
                results[engine] = figures(time_tests(settings, args.tests))
            row = results[engine]
            print(
                f"{engine:<8} median {row['median_ms']:.3f} ms  "
                f"p10 {row['p10_ms']:.3f}  p90 {row['p90_ms']:.3f}"
            )
    document = {"machine": about, "tests": args.tests, "results": results}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
