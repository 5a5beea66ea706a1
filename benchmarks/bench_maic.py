"""Time the MAIC bootstrap: 1,000 resamples of weights + Cox (and of weights + OR) for n = 500 IPD patients.

Run: ``python benchmarks/bench_maic.py [--repeat N] [--n-boot B]``. Simulated data: 500 IPD patients (age,
sex, ECOG 0; exponential event times with uniform censoring, times rounded to 0.1 so that ties occur), a
comparator pseudo-IPD of 300 patients, targets age mean + SD, sex and ECOG proportions. Each resample
re-estimates the weights (batched Newton) and the weighted Cox model (batched Newton, Efron ties, resampling
multiplicities as tied rows). Median wall time of N runs (default 3). Nothing here is asserted; results belong
in benchmarks/README.md (budget from issue 14: < 5 s for 1,000 resamples of weights + Cox at n = 500). The one
fit includes the linear programs that decide feasibility; the marginal STC row times issue 21's G-computation.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from trialcompare.maic import bootstrap_hazard_ratio, bootstrap_odds_ratio, maic_weights, stc_marginal_binary

N_IPD, N_REF = 500, 300


def simulate(seed: int = 2026) -> dict:
    """IPD, comparator pseudo-IPD and targets."""
    rng = np.random.default_rng(seed)
    age = rng.normal(55, 9, N_IPD)
    male = rng.integers(0, 2, N_IPD).astype(float)
    ecog0 = (rng.uniform(size=N_IPD) < 0.55).astype(float)
    t_event = rng.exponential(12 * np.exp(0.3 * ecog0 - 0.02 * (age - 55)))
    t_cens = rng.uniform(3, 36, N_IPD)
    ref_event_t, ref_cens = rng.exponential(10, N_REF), rng.uniform(3, 36, N_REF)
    return {
        "ipd": {"AGE": age, "MALE": male, "ECOG0": ecog0},
        "time": np.round(np.minimum(t_event, t_cens), 1), "event": (t_event <= t_cens).astype(float),
        "response": (rng.uniform(size=N_IPD) < 0.35 + 0.1 * ecog0).astype(float),
        "ref_time": np.round(np.minimum(ref_event_t, ref_cens), 1), "ref_event": (ref_event_t <= ref_cens) * 1.0,
        "targets": {"AGE": {"mean": 57.0, "sd": 8.5}, "MALE": {"proportion": 0.45}, "ECOG0": {"proportion": 0.6}},
    }


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print a markdown table of timings."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--n-boot", type=int, default=1000)
    args = ap.parse_args()
    d = simulate()
    ipd, tg = d["ipd"], d["targets"]
    rows = [
        ("weights only (one fit)", lambda: maic_weights(ipd, tg)),
        (f"bootstrap HR: {args.n_boot} x (weights + weighted Cox)", lambda: bootstrap_hazard_ratio(
            ipd, tg, d["time"], d["event"], d["ref_time"], d["ref_event"], n_boot=args.n_boot, seed=1)),
        (f"bootstrap OR: {args.n_boot} x (weights + weighted OR)", lambda: bootstrap_odds_ratio(
            ipd, tg, d["response"], 120, 300, n_boot=args.n_boot, seed=1)),
        (f"marginal STC: G-computation over 10,000 simulated, {args.n_boot} x logistic refit", lambda:
            stc_marginal_binary(ipd, d["response"], tg, 120, 300, n_boot=args.n_boot, seed=1)),
    ]
    print(f"| what (n = {N_IPD} IPD, {N_REF} comparator) | median wall time (s) |")
    print("|---|---:|")
    for label, fn in rows:
        fn()  # warm up (imports, caches)
        print(f"| {label} | {_median_time(fn, args.repeat):.3f} |")


if __name__ == "__main__":
    main()
