"""Wall time of the command line and of the report against the bare import time of what it needs.

Run from the repository root: ``python benchmarks/bench_cli.py [--repeat N]``. Prints a markdown table
(median of N runs, default 5, each in a fresh interpreter). Budgets (DESIGN.md): ``validate`` ≤ 0.6 s wall;
the report within 2× the bare import time of what it needs. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STACK = "import polars, numpy, scipy.stats, pydantic, yaml, jinja2, weasyprint, matplotlib"


def wall(argv: list[str], repeat: int) -> float:
    """Median wall time in seconds of a command run ``repeat`` times."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=REPO, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(code: str, repeat: int) -> float:
    """Median seconds of ``code`` timed inside one fresh interpreter per run (excludes start-up)."""
    prog = f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)"
    runs = [float(subprocess.run([sys.executable, "-c", prog], cwd=REPO, capture_output=True, text=True,
                                 check=True).stdout.strip().splitlines()[-1]) for _ in range(repeat)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    py, tc = sys.executable, [sys.executable, "-m", "trialcompare.cli"]
    out = Path(tempfile.mkdtemp()) / "r.pdf"
    rows = [
        ("python -c pass (interpreter start)", wall([py, "-c", "pass"], args.repeat)),
        ("import trialcompare", wall([py, "-c", "import trialcompare"], args.repeat)),
        ("trialcompare validate (4 cohorts)", wall([*tc, "validate"], args.repeat)),
        ("trialcompare table (4 cohorts)", wall([*tc, "table"], args.repeat)),
        ("checks only, in process, first call (4 cohorts)", in_process(
            "import trialcompare as tc; cs = tc.load('trials'); t0 = time.perf_counter(); tc.check(cs); "
            "t = t0", args.repeat)),
        ("bare import of the report stack", wall([py, "-c", STACK], args.repeat)),
        ("trialcompare report (default spec)", wall([*tc, "report", "-o", str(out)], args.repeat)),
    ]
    print("| what | median wall time (s) |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")
    ratio = rows[-1][1] / rows[-2][1]
    print(f"\nreport / bare import of its stack = {ratio:.2f}")


if __name__ == "__main__":
    main()
