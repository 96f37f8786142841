"""What seeding a new tenant costs: ``build_tenant`` for many distinct clients, in process.

A few tenants are seeded first and not counted (imports, caches, the seed's first world);
then each of ``--tenants`` distinct client ids is seeded once and timed, ``--runs`` times.

    .venv/bin/python bench/seed_cost.py [--tenants 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from write_cost import machine

from verifik_mock import Settings
from verifik_mock.domain.world import build_tenant

RESULTS = Path(__file__).parent / "results" / "seed_cost.json"
WARM_UP = 20


def time_tenants(settings: Settings, tenants: int, run: int) -> list[float]:
    """Seconds taken to seed each of ``tenants`` new clients, after an uncounted warm-up."""
    for n in range(WARM_UP):
        build_tenant(settings, f"warm-up-{run}-{n}", settings.seed)
    samples = []
    for n in range(tenants):
        started = time.perf_counter()
        build_tenant(settings, f"tenant-{run}-{n}", settings.seed)
        samples.append(time.perf_counter() - started)
    return samples


def figures(samples: list[float]) -> dict[str, float]:
    """Median, 10th and 90th percentiles in milliseconds."""
    decile = statistics.quantiles(samples, n=10)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 3),
        "p10_ms": round(decile[0] * 1000, 3),
        "p90_ms": round(decile[-1] * 1000, 3),
    }


def main() -> None:
    """Time seeding ``--runs`` times with the default settings, print and save the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tenants", type=int, default=200, help="distinct clients per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    about = machine()
    runs = [figures(time_tenants(Settings(), args.tenants, run)) for run in range(args.runs)]
    for run in runs:
        print(f"median {run['median_ms']:.3f} ms  p10 {run['p10_ms']:.3f}  p90 {run['p90_ms']:.3f}")
    document = {"machine": about, "tenants": args.tenants, "runs": runs}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
