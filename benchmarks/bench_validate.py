"""Wall time of ``trialcompare validate`` beside its floor (the report is timed by ``bench_cli.py``).

Run from the repository root: ``python benchmarks/bench_validate.py [--repeat N] [--all]``. Prints a markdown table
(median of N runs, default 5, each in a fresh interpreter, after one untimed warm-up run of each command). Budget
(DESIGN.md): ``validate`` ≤ 0.6 s wall. Nothing is asserted. ``validate`` is shown beside its floor, the same
moment: the interpreter, ``import pydantic, yaml`` and one pydantic model (what any descriptor validation costs
before a line of trialcompare runs) — on a shared machine compare ratios, not seconds. Without a bytecode cache
(``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__``) every run also compiles the package's sources, about 0.1 s
of ``validate``: the table says which.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STACK = "import polars, numpy, scipy.stats, pydantic, yaml, jinja2, weasyprint, matplotlib"
ONE_MODEL = "import yaml\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)"


def _bytecode_cached() -> bool:
    """Whether the package's compiled bytecode is (or can be) cached, so runs after the first skip compiling."""
    package = REPO / "src" / "trialcompare"
    return not sys.dont_write_bytecode or any(package.rglob("__pycache__/*.pyc"))


def wall(argv: list[str], repeat: int) -> float:
    """Median wall time in seconds of a command run ``repeat`` times (after one untimed warm-up run)."""
    subprocess.run(argv, cwd=REPO, capture_output=True, check=False)
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
    parser.add_argument("--all", action="store_true",
                        help="also table, checks in process and the report (minutes on a shared machine)")
    args = parser.parse_args()
    py, tc = sys.executable, [sys.executable, "-m", "trialcompare.cli"]
    out = Path(tempfile.mkdtemp()) / "r.pdf"
    n = sum(1 for p in (REPO / "trials").rglob("*.yaml"))
    r = args.repeat
    runs: list[tuple[str, Callable[[], float]]] = [
        ("python -c pass (interpreter start)", lambda: wall([py, "-c", "pass"], r)),
        ("import pydantic, yaml", lambda: wall([py, "-c", "import pydantic, yaml"], r)),
        ("import yaml + one pydantic model (the floor of validate)", lambda: wall([py, "-c", ONE_MODEL], r)),
        ("import trialcompare", lambda: wall([py, "-c", "import trialcompare"], r)),
        (f"trialcompare validate (./trials: {n} descriptors)", lambda: wall([*tc, "validate"], r)),
        (f"trialcompare table (./trials: {n} descriptors)", lambda: wall([*tc, "table"], r)),
        (f"checks only, in process, first call ({n} descriptors)", lambda: in_process(
            "import trialcompare as tc; cs = tc.load('trials'); t0 = time.perf_counter(); tc.check(cs); "
            "t = t0", r)),
        ("bare import of the report stack", lambda: wall([py, "-c", STACK], r)),
        ("trialcompare report (default spec)", lambda: wall([*tc, "report", "-o", str(out)], r)),
    ]
    rows = [(name, run()) for name, run in runs[: 5 if not args.all else None]]
    print("| what | median wall time (s) |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")
    if args.all:
        print(f"\nreport / bare import of its stack = {rows[-1][1] / rows[-2][1]:.2f}")
    print(f"validate / its floor = {rows[4][1] / rows[2][1]:.2f}; bytecode cached: "
          f"{'yes' if _bytecode_cached() else 'no (every run compiles the sources)'}")


if __name__ == "__main__":
    main()
