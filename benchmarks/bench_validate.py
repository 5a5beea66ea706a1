"""Wall time of ``trialcompare validate`` beside its floor, measured at the same moment (issue 12: ≤ 0.6 s).

Run from the repository root: ``python benchmarks/bench_validate.py [--repeat N] [PATH ...]`` (default
``./trials``). Each round runs, in fresh interpreters and in this order: ``python -c pass``, ``import pydantic,
yaml``, ``import yaml`` with one pydantic model built and used (what any pydantic validation of YAML costs before
a line of trialcompare runs), and ``validate``. Prints the median of each and the median of the per-round ratios
validate / floor: the machine is shared and its speed varies by a factor of two within the hour, so compare
ratios. Without a bytecode cache (``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__``) every run also compiles
the package's sources, about 0.1 s of ``validate``; the output says which. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ONE_MODEL = "import yaml\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)"


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=REPO, capture_output=True, check=False)
    return time.perf_counter() - start


def _bytecode_cached() -> bool:
    """Whether the package's bytecode is (or can be) cached, so that runs after the first skip compiling."""
    return not sys.dont_write_bytecode or any((REPO / "src" / "trialcompare").rglob("__pycache__/*.pyc"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("paths", nargs="*", default=["trials"])
    args = parser.parse_args()
    py = sys.executable
    commands = {
        "python -c pass (interpreter start)": [py, "-c", "pass"],
        "import pydantic, yaml": [py, "-c", "import pydantic, yaml"],
        "import yaml + one pydantic model (the floor)": [py, "-c", ONE_MODEL],
        f"trialcompare validate {' '.join(args.paths)}": [py, "-m", "trialcompare.cli", "validate", *args.paths],
    }
    for argv in commands.values():  # warm-up: file-system cache, and bytecode where it may be written
        _once(argv)
    rounds = [[_once(argv) for argv in commands.values()] for _ in range(args.repeat)]
    print(f"| what | median wall time of {args.repeat} runs (s) |\n|---|---|")
    for i, name in enumerate(commands):
        print(f"| {name} | {statistics.median(r[i] for r in rounds):.3f} |")
    ratio = statistics.median(r[3] / r[2] for r in rounds)
    print(f"\nvalidate / floor = {ratio:.2f} (median of per-round ratios); bytecode cached: "
          f"{'yes' if _bytecode_cached() else 'no (every run compiles the sources)'}")


if __name__ == "__main__":
    main()
