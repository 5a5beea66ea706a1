"""Time ``pool_proportions`` for k = 10, 100, 1000 studies and every method; print a markdown table.

Run: ``python benchmarks/bench_meta.py [--repeat N] [--extensions]``. Timings are the median wall time of N runs
(default 5) on simulated binomial data (logit-normal true proportions, μ = -1, τ = 0.5, n ∈ [20, 200]).
``--extensions`` times the functions of issue 23 instead (EE, bayes, meta-regression, subgroups, Egger, rank
test, trim and fill) and, when ``Rscript`` with metafor and bayesmeta is on the PATH, the same calls in R on the
same data in the same run, with the ratio R / Python.
Nothing here is asserted; results belong in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from trialcompare.meta import (
    METHODS,
    bayes_pool,
    egger_test,
    meta_regression,
    pool_proportions,
    rank_test,
    subgroup_analysis,
    transform_proportions,
    trim_and_fill,
)

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


def _median_ms(f: Callable[[], Any], repeat: int) -> float:
    f()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return 1000.0 * statistics.median(times)


def _extension_calls(x: np.ndarray, n: np.ndarray) -> dict[str, Callable[[], Any]]:
    y, v = transform_proportions(x, n, "logit")
    mod = np.linspace(0.0, 1.0, x.size)
    groups = np.where(np.arange(x.size) % 2 == 0, "a", "b").tolist()
    return {
        "EE (pool_proportions)": lambda: pool_proportions(x, n, method="EE"),
        "bayes_pool (half-normal 0.5)": lambda: bayes_pool(y, v, tau_prior=("halfnormal", 0.5)),
        "meta_regression (REML, 1 moderator)": lambda: meta_regression(y, v, {"x": mod}),
        "subgroup_analysis (2 groups, REML)": lambda: subgroup_analysis(x, n, groups),
        "egger_test (REML)": lambda: egger_test(y, v),
        "rank_test": lambda: rank_test(y, v),
        "trim_and_fill (REML)": lambda: trim_and_fill(y, v),
    }


_R_TIMING = r"""
suppressPackageStartupMessages({library(metafor); library(bayesmeta); library(jsonlite)})
args <- commandArgs(TRUE); d <- fromJSON(args[1]); rep <- as.integer(args[2])
med <- function(f) { f(); 1000 * median(replicate(rep, system.time(f())[["elapsed"]])) }
out <- list()
for (key in names(d)) {
  x <- d[[key]]$x; n <- d[[key]]$n; es <- escalc("PLO", xi = x, ni = n); m <- seq(0, 1, length.out = length(x))
  g <- ifelse(seq_along(x) %% 2 == 1, "a", "b")
  r <- rma(yi, vi, data = es)
  out[[key]] <- list(
    "EE (pool_proportions)" = med(function() rma(yi, vi, data = es, method = "EE")),
    "bayes_pool (half-normal 0.5)" = if (length(x) > 10) NA else med(function() bayesmeta(y = es$yi,
        sigma = sqrt(es$vi), tau.prior = function(t) dhalfnormal(t, scale = 0.5))),
    "meta_regression (REML, 1 moderator)" = med(function() rma(yi, vi, mods = ~ m, data = es)),
    "subgroup_analysis (2 groups, REML)" = med(function() { rma(yi, vi, mods = ~ factor(g), data = es);
        for (l in c("a", "b")) rma(yi, vi, data = es[g == l, ]) }),
    "egger_test (REML)" = med(function() regtest(r)),
    "rank_test" = med(function() ranktest(r)),
    "trim_and_fill (REML)" = med(function() trimfill(r)))
}
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
"""


def _r_timings(data: dict[int, tuple[np.ndarray, np.ndarray]], repeat: int) -> dict[str, dict[str, float]] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src, script = Path(tmp) / "data.json", Path(tmp) / "time.R"
        src.write_text(json.dumps({str(k): {"x": x.tolist(), "n": n.tolist()} for k, (x, n) in data.items()}))
        script.write_text(_R_TIMING)
        run = subprocess.run(["Rscript", str(script), str(src), str(repeat)], capture_output=True, text=True,
                             check=False)  # fmt: skip
    return json.loads(run.stdout) if run.returncode == 0 else None


def extensions(repeat: int) -> None:
    """Markdown table of the issue-23 functions (and metafor / bayesmeta when R is installed)."""
    data = {k: simulate(k) for k in KS}
    py = {k: {name: _median_ms(f, repeat) for name, f in _extension_calls(*data[k]).items()} for k in KS}
    r = _r_timings(data, repeat)
    print("| function | " + " | ".join(f"k = {k}: Python ms" + ("" if r is None else " (R ms, ratio)") for k in KS)
          + " |")  # fmt: skip
    print("|---|" + "---:|" * len(KS))
    for name in py[KS[0]]:
        cells = []
        for k in KS:
            cell = f"{py[k][name]:.2f}"
            rt = None if r is None else r[str(k)][name]
            if r is not None:  # bayesmeta beyond k = 10 is not timed: k² shrinkage integrals (k = 100: ~270 s)
                cell += " (—)" if rt is None else f" ({float(rt):.1f}, {float(rt) / py[k][name]:.1f}×)"
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--extensions", action="store_true", help="time the issue-23 functions (and R if present)")
    args = parser.parse_args()
    if args.extensions:
        extensions(args.repeat)
        return
    data = {k: simulate(k) for k in KS}
    pool_proportions(*data[10])  # warm-up: imports, first-call overheads
    print("| method | " + " | ".join(f"k = {k} (ms)" for k in KS) + " |")
    print("|---|" + "---:|" * len(KS))
    for method in ALL_METHODS:
        cells = [f"{time_call(*data[k], method, args.repeat):.2f}" for k in KS]
        print(f"| {method} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
