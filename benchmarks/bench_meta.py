"""Time ``pool_proportions`` for k = 10, 100, 1000 studies and every method; print a markdown table.

Run: ``python benchmarks/bench_meta.py [--repeat N]``. Timings are the median wall time of N runs
(default 5) on simulated binomial data (logit-normal true proportions, μ = -1, τ = 0.5, n ∈ [20, 200]).
Nothing here is asserted; results belong in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from trialcompare.meta import METHODS, pool_proportions

KS = (10, 100, 1000)
ALL_METHODS = (*METHODS, "GLMM")


def simulate(k: int, seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    """Simulated event counts and sample sizes for ``k`` studies."""
    rng = np.random.default_rng(seed + k)
    n = rng.integers(20, 200, size=k)
    p = 1.0 / (1.0 + np.exp(-rng.normal(-1.0, 0.5, size=k)))
    return rng.binomial(n, p), n


def time_call(events: np.ndarray, totals: np.ndarray, method: str, repeat: int) -> float:
    """Median wall time in milliseconds of ``pool_proportions`` (logit transform)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pool_proportions(events, totals, transform="logit", method=method)
        times.append(time.perf_counter() - start)
    return 1000.0 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = {k: simulate(k) for k in KS}
    pool_proportions(*data[10])  # warm-up: imports, first-call overheads
    print("| method | " + " | ".join(f"k = {k} (ms)" for k in KS) + " |")
    print("|---|" + "---:|" * len(KS))
    for method in ALL_METHODS:
        cells = [f"{time_call(*data[k], method, args.repeat):.2f}" for k in KS]
        print(f"| {method} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
