"""Wall time of the command line and of the report against the bare import time of what it needs.

Run from the repository root: ``python benchmarks/bench_cli.py [--repeat N] [--spec PATH]``. Prints a markdown table
(median of N runs, default 5, each in a fresh interpreter). Budgets (DESIGN.md): ``validate`` ≤ 0.6 s wall;
the report within 2× the bare import time of what it needs. Nothing is asserted.

The machine these run on is shared and its speed varies by a factor of two from one hour to the next, so the report
and the bare import of its stack are timed in alternation (stack, report, stack, report, ...) and their ratio is the
median of the per-pair ratios: both are measured at the same moment. The report's time after its imports is split
into its phases (``analyse``, HTML with the figures, WeasyPrint layout and PDF), timed inside one interpreter.
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


def paired(stack: list[str], report: list[str], repeat: int) -> tuple[float, float, float]:
    """Medians of the stack import and of the report, run in alternation, and the median of their pair ratios."""
    pairs = [(_once(stack), _once(report)) for _ in range(repeat)]
    ratios = [r / s for s, r in pairs]
    return (statistics.median(s for s, _ in pairs), statistics.median(r for _, r in pairs),
            statistics.median(ratios))


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
    stack_s, report_s, ratio = paired([py, "-c", STACK], report, args.repeat)
    analyse_s, html_s, pdf_s = phases(args.spec, args.repeat)
    rows += [
        ("bare import of the report stack (alternating with the report)", stack_s),
        (f"trialcompare report ({args.spec or 'default spec'})", report_s),
        ("  in process after imports: analyse", analyse_s),
        ("  in process after imports: HTML with figures", html_s),
        ("  in process after imports: WeasyPrint layout and PDF", pdf_s),
    ]
    print("| what | median wall time (s) |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")
    print(f"\nreport / bare import of its stack = {ratio:.2f} (median of {args.repeat} alternating pairs; budget 2)")


if __name__ == "__main__":
    main()
