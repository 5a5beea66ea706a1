"""The report at scale: 66 cohorts (the 14 shipped descriptors plus four copies of the 13 comparators, with new ids
and labels) against the default Table IV report, in alternation.

Run from the repository root: ``python benchmarks/bench_scale.py [--repeat N]``. Prints the median wall time of
each report, the median of the per-round ratios (budget, issue 20: ≤ 2.5× the default report) and the page count
of each PDF. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPIES = 4


def _copy(src: Path, dst: Path, k: int) -> str:
    """A copy of a descriptor with id and label suffixed (its curve files copied beside it)."""
    text = src.read_text(encoding="utf-8")
    cid = re.search(r"^id:\s*(\S+)", text, re.M).group(1)  # type: ignore[union-attr]
    new = f"{cid}-copy{k}"
    text = re.sub(r"^id:\s*\S+", f"id: {new}", text, count=1, flags=re.M)
    text = re.sub(r"^label:\s*(.+)$", lambda m: f"label: {m.group(1).strip().strip(chr(34))} (copy {k})"
                  if not m.group(1).strip().startswith('"') else f'label: "{m.group(1).strip()[1:-1]} (copy {k})"',
                  text, count=1, flags=re.M)
    (dst / f"{new}.yaml").write_text(text, encoding="utf-8")
    return new


def build(folder: Path) -> Path:
    """The 66-cohort project: trials/ (shipped + copies) and reports/scale.yaml; returns the spec."""
    trials = folder / "trials"
    shutil.copytree(REPO / "trials", trials)
    comparators = [p for p in sorted(trials.rglob("*.yaml")) if p.name != "apatinib-ie.yaml"]
    copies = trials / "copies"
    copies.mkdir()
    for k in range(1, COPIES + 1):
        for p in comparators:
            _copy(p, copies, k)
            for csv in p.parent.glob("*.csv"):
                if not (copies / csv.name).exists():
                    shutil.copy(csv, copies / csv.name)
    spec = folder / "reports" / "scale.yaml"
    spec.parent.mkdir()
    spec.write_text('name: scale\ntitle: "Every shipped cohort and four copies of the comparators"\n'
                    'date: "2026-12-07"\ntrials: [../trials]\nreference: apatinib-ie\n', encoding="utf-8")
    return spec


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return time.perf_counter() - start


def _pages(pdf: Path) -> int:
    import pypdf  # a test dependency (the dev extra)

    return len(pypdf.PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    spec = build(work)
    tc = [sys.executable, "-m", "trialcompare.cli", "report"]
    default_pdf, scale_pdf = work / "default.pdf", work / "scale.pdf"
    rounds = [(_once([*tc, "-o", str(default_pdf)]), _once([*tc, str(spec), "-o", str(scale_pdf)]))
              for _ in range(args.repeat)]
    n = len(list((work / "trials").rglob("*.yaml")))
    print("| what | median wall time (s) | pages |\n|---|---:|---:|")
    print(f"| default report (Table IV, 4 cohorts) | {statistics.median(r[0] for r in rounds):.2f} | "
          f"{_pages(default_pdf)} |")
    print(f"| report of {n} cohorts | {statistics.median(r[1] for r in rounds):.2f} | {_pages(scale_pdf)} |")
    print(f"\nscale / default = {statistics.median(r[1] / r[0] for r in rounds):.2f} (budget 2.5); "
          f"medians of {args.repeat} rounds in alternation")


if __name__ == "__main__":
    main()
