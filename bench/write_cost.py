"""What one create costs as a tenant grows, on each engine: memory, SQLite and Redis.

For each engine and each tenant size (``seed_validations`` of 100 and 100,000), the mock runs
in this process (``serve_in_thread``) and httpx sends it creates one after another, on the
tenant's seeded onboarding flow. The tenant's first requests are not counted: looking that
flow up seeds the tenant, and by the first create an engine that keeps records (SQLite,
Redis) has stored it whole. Then up to ``--creates`` creates, or as many as fit
in ``--seconds``, are timed: their median and p90, and the median of the slowest 100 in a
row (in a tenant of 100,000, the seeded open validations lapse together a few hundred
creates in, as the mock clock passes their deadlines). A first create that is refused is
tried once more; refused again, its answers are reported in place of figures. Redis is a
``redis-server`` started here on a free loopback port and stopped at the end.

    .venv/bin/python bench/write_cost.py [--creates 1000] [--seconds 120]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fixture_cost import summarise
from processes import Fleet
from servers import start_redis
from workload import ONBOARDING_FLOWS, create_body_on

from verifik_mock import Settings, create_app
from verifik_mock.commands.serving import tune_collector
from verifik_mock.http.context import ServerContext
from verifik_mock.server import serve_in_thread

RESULTS = Path(__file__).parent / "results" / "write_cost.json"
ENGINES = ("memory", "sqlite", "redis")
SIZES = (100, 100_000)
FIRST_CREATE_TIMEOUT = 600.0
"""Seconds the first create may take: seeding 100,000 validations and storing them whole."""
FIRST_CREATE_TRIES = 2
BLOCK = 100
"""Creates in a row whose median makes the "slowest 100" figure."""

Figures = dict[str, float | str]
"""One engine and size: creates timed, ``summarise``'s figures, how a first create was refused."""
Results = dict[str, dict[str, Figures]]
"""``results[engine][size]``."""


def settings_for(engine: str, size: int, workdir: Path, redis_url: str) -> Settings:
    """The mock's settings for one engine and tenant size."""
    if engine == "sqlite":
        return Settings(seed_validations=size, state_file=workdir / f"state-{size}.sqlite")
    if engine == "redis":
        return Settings(seed_validations=size, store_url=redis_url)
    return Settings(seed_validations=size)


def time_creates(
    settings: Settings, token: str, creates: int, seconds: float
) -> tuple[list[float], list[str]]:
    """Seconds of each create on a mock with ``settings``, the first (storing the seeded
    tenant whole) then up to ``creates`` more within ``seconds``; and how the first was
    refused, if it was. A first create refused every time leaves no seconds to report."""
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {token}"}
    with (
        serve_in_thread(app) as mock,
        httpx.Client(base_url=mock.base_url, headers=headers, timeout=FIRST_CREATE_TIMEOUT) as http,
    ):
        started = time.perf_counter()
        body = seeded_create_body(http)
        first, refusals = first_create(http, body, seeded_in=time.perf_counter() - started)
        samples = [] if first is None else [first]
        tune_collector()  # as `serve` does once its tenant is seeded
        deadline = time.monotonic() + seconds
        while samples and len(samples) <= creates and time.monotonic() < deadline:
            samples.append(timed_create(http, body))
    context: ServerContext = app.state.context
    context.store.engine.close()
    gc.unfreeze()
    gc.collect()
    return samples, refusals


def seeded_create_body(http: httpx.Client) -> dict[str, str]:
    """A create on the tenant's seeded onboarding flow, looked up as a client would (its ids
    are ObjectIds, as Verifik's are). The tenant's first request: it seeds the tenant."""
    answer = http.get(ONBOARDING_FLOWS)
    if answer.status_code != 200:
        raise RuntimeError(f"listing the flows answered {answer.status_code}: {answer.text}")
    return create_body_on(answer.json()["data"][0])


def first_create(
    http: httpx.Client, body: dict[str, str], seeded_in: float
) -> tuple[float | None, list[str]]:
    """Seconds of the tenant's first create, with the ``seeded_in`` seconds of the lookup
    before it (None if every try was refused), and each refusal. A refused first write
    leaves the tenant unstored, so the next create stores it whole again: a second try
    shows whether a refusal was a passing one."""
    refusals: list[str] = []
    for _ in range(FIRST_CREATE_TRIES):
        elapsed, answer = post_create(http, body)
        if answer.status_code == 200:
            return seeded_in + elapsed, refusals
        refusals.append(f"{answer.status_code} after {elapsed:.1f} s: {answer.text}")
    return None, refusals


def timed_create(http: httpx.Client, body: dict[str, str]) -> float:
    """Seconds of one create, from sending it to its whole answer read; it must answer 200."""
    return checked(*post_create(http, body))


def post_create(http: httpx.Client, body: dict[str, str]) -> tuple[float, httpx.Response]:
    """One create: seconds from sending it to its whole answer read, and the answer."""
    started = time.perf_counter()
    answer = http.post("/v2/biometric-validations", json=body)
    return time.perf_counter() - started, answer


def checked(elapsed: float, answer: httpx.Response) -> float:
    """``elapsed``, if the create answered 200."""
    if answer.status_code != 200:
        raise RuntimeError(f"create answered {answer.status_code}: {answer.text}")
    return elapsed


def slowest_block(timed: list[float]) -> dict[str, float]:
    """The median milliseconds of the slowest ``BLOCK`` creates in a row (of the blocks
    ``timed`` splits into), and the number of the first create of that block."""
    blocks = [timed[start : start + BLOCK] for start in range(0, len(timed), BLOCK)]
    medians = [statistics.median(block) for block in blocks if len(block) == BLOCK] or [0.0]
    worst = max(range(len(medians)), key=medians.__getitem__)
    return {
        "slowest_100_median_ms": round(medians[worst] * 1000, 3),
        "slowest_100_from": worst * BLOCK + 1,
    }


def figures_of(samples: list[float], refusals: list[str]) -> Figures:
    """What is reported of one engine and size: ``samples[0]`` is the untimed first create
    (with the lookup that seeded the tenant)."""
    figures: Figures = {"creates": max(len(samples) - 1, 0)}
    if len(samples) > 2:
        figures |= summarise(samples) | slowest_block(samples[1:])
    return figures | {f"first_create_refused_{n + 1}": why for n, why in enumerate(refusals)}


def machine() -> dict[str, str]:
    """The machine the figures were taken on, and how busy it was when they began."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "load_average": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def measure(creates: int, seconds: float) -> Results:
    """Figures of every engine and tenant size: ``results[engine][size]``."""
    results: Results = {}
    with tempfile.TemporaryDirectory() as scratch, Fleet() as fleet:
        workdir = Path(scratch)
        redis_url = start_redis(fleet, workdir)
        for engine in ENGINES:
            for size in SIZES:
                settings = settings_for(engine, size, workdir, redis_url)
                token = f"write-cost-{engine}-{size}"  # a tenant of its own in the one Redis
                samples, refusals = time_creates(settings, token, creates, seconds)
                figures = figures_of(samples, refusals)
                results.setdefault(engine, {})[str(size)] = figures
                print(f"{engine} {size:,}: {figures['creates']} creates", flush=True)
                for refusal in refusals:
                    print(f"  first create refused: {refusal}", flush=True)
    return results


def print_table(results: Results) -> None:
    """One line per engine and tenant size; ``first s`` is the untimed first create (with
    the lookup that seeded the tenant)."""
    print(
        f"\n{'engine':<8} {'records':>8} {'creates':>8} {'median ms':>10} {'p90 ms':>8}"
        f" {'slowest 100 ms (from)':>22} {'first s':>8}"
    )
    for engine, sizes in results.items():
        for size, figures in sizes.items():
            print(f"{engine:<8} {int(size):>8,} {table_cells(figures)}")


def table_cells(figures: Figures) -> str:
    """The figures of one line of the table, or why there are none."""
    refused = sum(key.startswith("first_create_refused") for key in figures)
    if "median_ms" not in figures:
        return f" not measured: first create refused {refused}x"
    slowest = f"{figures['slowest_100_median_ms']:.2f} ({figures['slowest_100_from']})"
    first_s = float(figures["first_ms"]) / 1000
    return (
        f"{figures['creates']:>8} {figures['median_ms']:>10.2f} {figures['p90_ms']:>8.2f}"
        f" {slowest:>22} {first_s:>8.1f}"
    )


def main() -> None:
    """Time creates on every engine and tenant size, print a table, save the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--creates", type=int, default=1000, help="creates timed per figure")
    parser.add_argument("--seconds", type=float, default=120, help="at most, per figure")
    args = parser.parse_args()
    about = machine()
    results = measure(args.creates, args.seconds)
    print_table(results)
    document = {"machine": about, "creates": args.creates, "seconds": args.seconds}
    RESULTS.write_text(json.dumps({**document, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
