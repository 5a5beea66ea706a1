"""Wall time of the command line and of the report against the bare import time of what it needs.

Run from the repository root: ``python benchmarks/bench_cli.py [--repeat N] [--spec PATH]``. Prints a markdown table
(median of N runs, default 5, each in a fresh interpreter). Budgets (DESIGN.md): ``validate`` ≤ 0.6 s wall;
the report within 2× the bare import time of what it needs. Nothing is asserted.

"What it needs" is measured two ways, both printed:

* **every third-party module the report loads**, listed by rendering the report once in a fresh interpreter and
  reading ``sys.modules`` (everything imported from site-packages, in the order it was first imported: e.g.
  ``matplotlib.figure`` and its SVG backend, WeasyPrint's PDF writer and fontTools' subsetter, which the
  packages' top-level imports do not load). Importing exactly these in a bare interpreter is the floor: no report
  can start drawing before they are loaded. This is the budget's measure.
* the eight packages' top-level imports (``import polars, numpy, scipy.stats, ...``), the line used until
  2026-12-02, which leaves out about a fifth of the import time.

The machine these run on is shared and its speed varies by a factor of two from one hour to the next, so the
report and the bare imports are timed in alternation (stack, report, stack, report, ...) and their ratio is the
median of the per-round ratios: both are measured at the same moment. The report's time after its imports is
split into its phases (``analyse``, HTML with the figures, WeasyPrint layout and PDF), timed inside one interpreter.
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
#: Renders the report in process and prints the third-party modules then loaded, in the order of their import.
COLLECT = """
import sys, sysconfig, tempfile
from pathlib import Path
from trialcompare import cli
from trialcompare.analysis import analyse
from trialcompare.render.report import write_report
spec = sys.argv[1] if len(sys.argv) > 1 else None
write_report(analyse(spec), Path(tempfile.mkdtemp()) / "r.pdf")
roots = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
for name, module in list(sys.modules.items()):
    path = getattr(module, "__file__", None) or ""
    if any(path.startswith(root) for root in roots) and name.split(".")[0] != "trialcompare":
        print(name)
"""
#: The report's phases after its imports, timed in one fresh interpreter (seconds printed on one line each).
PHASES = """
import time, sys
from trialcompare.analysis import analyse
from trialcompare.render.report import render_html
from trialcompare.render.pdf import html_to_pdf
spec = sys.argv[1] if len(sys.argv) > 1 else None
t0 = time.perf_counter(); a = analyse(spec); t1 = time.perf_counter()
html = render_html(a); t2 = time.perf_counter()
html_to_pdf(html, created=a.spec.date, title=a.spec.title); t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=REPO, capture_output=True, check=False)
    return time.perf_counter() - start


def wall(argv: list[str], repeat: int) -> float:
    """Median wall time in seconds of a command run ``repeat`` times."""
    return statistics.median(_once(argv) for _ in range(repeat))


def in_process(code: str, repeat: int) -> float:
    """Median seconds of ``code`` timed inside one fresh interpreter per run (excludes start-up)."""
    prog = f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)"
    runs = [float(subprocess.run([sys.executable, "-c", prog], cwd=REPO, capture_output=True, text=True,
                                 check=True).stdout.strip().splitlines()[-1]) for _ in range(repeat)]
    return statistics.median(runs)


def stack_modules(spec: str | None) -> list[str]:
    """The third-party modules the report loads, in the order they were first imported."""
    argv = [sys.executable, "-c", COLLECT, *([spec] if spec else [])]
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=True).stdout.split()


def alternated(commands: list[list[str]], repeat: int) -> list[list[float]]:
    """Wall times of ``commands`` run in turn, ``repeat`` rounds: one list of seconds per round."""
    return [[_once(argv) for argv in commands] for _ in range(repeat)]


def phases(spec: str | None, repeat: int) -> tuple[float, float, float]:
    """Median seconds of ``analyse``, the HTML (with figures) and the PDF, inside fresh interpreters."""
    argv = [sys.executable, "-c", PHASES, *([spec] if spec else [])]
    runs = [tuple(map(float, subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=True)
                      .stdout.split())) for _ in range(repeat)]
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--spec", help="report spec (default: the Table IV spec)")
    parser.add_argument("--report-only", action="store_true", help="only the report against its stack")
    args = parser.parse_args()
    py, tc = sys.executable, [sys.executable, "-m", "trialcompare.cli"]
    out = Path(tempfile.mkdtemp()) / "r.pdf"
    rows = [] if args.report_only else [
        ("python -c pass (interpreter start)", wall([py, "-c", "pass"], args.repeat)),
        ("import trialcompare", wall([py, "-c", "import trialcompare"], args.repeat)),
        ("trialcompare validate (./trials)", wall([*tc, "validate"], args.repeat)),
        ("trialcompare table (./trials)", wall([*tc, "table"], args.repeat)),
        ("checks only, in process, first call (./trials)", in_process(
            "import trialcompare as tc; cs = tc.load('trials'); t0 = time.perf_counter(); tc.check(cs); "
            "t = t0", args.repeat)),
    ]
    report = [*tc, "report", *([args.spec] if args.spec else []), "-o", str(out)]
    modules = stack_modules(args.spec)
    full = "import importlib\nfor m in " + repr(modules) + ":\n    importlib.import_module(m)"
    one = [py, "-c", "import sys, weasyprint\nfrom trialcompare.cli import main\nsys.exit(main(sys.argv[1:]))",
           *report[3:]]  # WeasyPrint already imported: pdf_renderer renders in this process
    rounds = alternated([[py, "-c", STACK], [py, "-c", full], report, one], args.repeat)
    top_s, full_s, report_s, one_s = (statistics.median(r[i] for r in rounds) for i in range(4))
    analyse_s, html_s, pdf_s = phases(args.spec, args.repeat)
    rows += [
        ("bare import of the eight packages' top-level modules (the line used before)", top_s),
        (f"bare import of every third-party module the report loads ({len(modules)} modules)", full_s),
        (f"trialcompare report ({args.spec or 'default spec'}; PDF laid out in a second process)", report_s),
        ("the same report in one process (WeasyPrint imported first)", one_s),
        ("  in process: analyse (with the imports it triggers: polars, scipy, pydantic models)", analyse_s),
        ("  in process: HTML with the figures (matplotlib.figure imported here)", html_s),
        ("  in process: WeasyPrint layout and PDF", pdf_s),
    ]
    print("| what | median wall time (s) |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")
    full_ratio = statistics.median(r[2] / r[1] for r in rounds)
    top_ratio = statistics.median(r[2] / r[0] for r in rounds)
    print(f"\nreport / bare import of what it needs = {full_ratio:.2f} (budget 2); report / the eight top-level "
          f"imports = {top_ratio:.2f}; medians of {args.repeat} rounds in alternation")


if __name__ == "__main__":
    main()
