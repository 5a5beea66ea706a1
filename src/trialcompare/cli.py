"""The ``trialcompare`` command: thin — parse arguments, call the API, print.

Data goes to stdout, diagnostics to stderr. Exit status: 0 success, 1 unacknowledged error findings
(``validate``), 2 unusable input (a message naming ``file:line:column``, never a traceback, nothing written).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import options

__all__ = ["main", "run"]

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    """Bad input that is not a descriptor problem (unknown cohort id, unwritable output...)."""


def _paths(args: argparse.Namespace) -> list[str]:
    return list(args.paths) or ["trials"]


def cmd_validate(args: argparse.Namespace) -> int:
    """``trialcompare validate [PATH ...] [--json]``."""
    from . import checks, load

    cohorts = load(*_paths(args))
    findings = checks.check(cohorts)
    if args.json:
        print(json.dumps({"cohorts": cohorts.ids, "findings": checks.as_dicts(findings)}, indent=2))
    else:
        from .checks.report import format_findings

        print(format_findings(cohorts, findings))
    failing = [f for f in findings if f.severity == "error" and not f.acknowledged]
    return EXIT_FINDINGS if failing else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """``trialcompare schema``: the JSON Schema of descriptors."""
    from .descriptor.schema import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _default_trials_folder(folder: Path) -> None:
    """Create the default folder, trials/, in a new project."""
    if folder.exists():
        return
    try:
        folder.mkdir()
    except OSError as exc:
        raise UsageError(f"{folder}: cannot create ({exc.strerror or exc})") from None
    print(f"created {folder}/", file=sys.stderr)


def cmd_new(args: argparse.Namespace) -> int:
    """``trialcompare new ID``: scaffold a descriptor with every field explained."""
    from .descriptor.scaffold import check_id, scaffold, schema_reference

    try:
        check_id(args.id)
    except ValueError as exc:
        raise UsageError(f"new: {exc}; nothing written") from None
    if getattr(args, "arms", None) is not None:
        from .descriptor.scaffold_arms import write_arms

        if args.output is None:
            _default_trials_folder(Path("trials"))
        try:
            return write_arms(args.id, args.arms, args.output)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.output == "-":
        sys.stdout.write(scaffold(args.id))
        return EXIT_OK
    out = Path(args.output or Path("trials") / f"{args.id}.yaml")
    if out.exists():
        raise UsageError(f"{out}: already exists; not overwritten")
    if args.output is None:
        _default_trials_folder(out.parent)
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder")
    from .render.atomic import atomic_write_text

    atomic_write_text(out, scaffold(args.id, schema_reference(out)))
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def _denominators(items: Sequence[str]) -> dict[str, int]:
    out = {}
    for item in items:
        cid, _, value = item.partition("=")
        if not cid or not value.isascii() or not value.isdigit() or len(value) > 19 or not 0 < int(value) < 2**63:
            raise UsageError(f"--denominator expects ID=N with N a positive whole number below 2^63, got {item!r}")
        out[cid] = int(value)
    return out


def _comparison(args: argparse.Namespace):
    """The comparison of ``table``, through :func:`trialcompare.analyse` (a spec made from the options)."""
    from . import load
    from .analysis import AnalysisError, analyse
    from .spec import DenominatorChoice, default_spec_for

    paths = _paths(args)
    cohorts = load(*paths)
    if args.reference and args.reference not in cohorts:
        raise UsageError(f"--reference {args.reference!r} is not a cohort; cohorts: {', '.join(cohorts.ids)}")
    denominators = _denominators(args.denominator)
    for cid in denominators:
        if cid not in cohorts:
            raise UsageError(f"--denominator names {cid!r}, which is not a cohort; cohorts: {', '.join(cohorts.ids)}")
    spec = default_spec_for(paths).model_copy(update={
        "reference": args.reference, "ci_method": args.ci, "use_errata": args.errata,
        "denominators": {c: DenominatorChoice(n=n, why="--denominator") for c, n in denominators.items()}})
    try:
        return analyse(spec, with_meta=False).comparison
    except AnalysisError as exc:
        raise UsageError(str(exc)) from None


def cmd_table(args: argparse.Namespace) -> int:
    """``trialcompare table``: the Table IV-style comparison (or its SMD / differences tables)."""
    from .render import tables

    cmp = _comparison(args)
    df = {"table": cmp.table, "smd": lambda: cmp.smd, "differences": lambda: tables.differences_table(cmp),
          "baseline": lambda: cmp.baseline, "outcomes": lambda: cmp.outcomes}[args.what]()
    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else None)
    if (fmt is not None or args.output) and fmt not in tables.FORMATS:
        raise UsageError(f"cannot tell the format of {args.output!r}; use --format ({', '.join(tables.FORMATS)})")
    if args.output:
        from .render.atomic import atomic_write_bytes, atomic_write_text, check_output

        check_output(args.output)
        data = tables.export(df, fmt)
        (atomic_write_bytes if isinstance(data, bytes) else atomic_write_text)(Path(args.output), data)
        print(f"wrote {args.output}", file=sys.stderr)
    elif fmt == "xlsx":
        raise UsageError("xlsx is binary: give a file with -o")
    else:
        sys.stdout.write(tables.export(df, fmt) if fmt else tables.format_text(df))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """``trialcompare report [SPEC|PATH ...] [-o FILE] [--html]``."""
    from .analysis import AnalysisError, analyse
    from .render.pdf_process import pdf_renderer
    from .render.report import write_report
    from .render.templating import TemplatesNotFoundError
    from .resources import DataNotFoundError

    if args.output:
        from .render.atomic import check_output

        check_output(args.output)
        wanted = ".html" if args.html else ".pdf"
        if Path(args.output).suffix.lower() != wanted:
            raise UsageError(f"-o {args.output}: the report is written as {wanted[1:].upper()}; give a file name "
                             f"ending {wanted}")
    if args.output and Path(args.output).parent and not Path(args.output).parent.is_dir():
        raise UsageError(f"{Path(args.output).parent}: no such folder")
    renderer = contextlib.nullcontext(None) if args.html else pdf_renderer()  # WeasyPrint loads meanwhile
    try:  # no target: ./reports/table-iv.yaml in a checkout, else the bundled Table IV spec
        with renderer as to_pdf:
            analysis = analyse(list(args.targets) or None)
            out = write_report(analysis, Path(args.output) if args.output else None, html=args.html, to_pdf=to_pdf)
    except (AnalysisError, DataNotFoundError, TemplatesNotFoundError) as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def cmd_meta(args: argparse.Namespace) -> int:
    """``trialcompare meta [PATH ...] --outcome NAME``: random-effects pooling of one outcome, sensitivity suite."""
    from . import load
    from .meta import MetaError
    from .meta.suite import sensitivity_suite
    from .render.meta import suite_forest_svg, suite_text

    cohorts = load(*_paths(args))
    denominators = _denominators(args.denominator)
    from .analysis import AnalysisError, check_counts

    try:
        check_counts(cohorts, denominators, "--denominator")
    except AnalysisError as exc:
        raise UsageError(str(exc)) from None
    forest = Path(args.forest) if args.forest else None
    if forest is not None:
        from .render.atomic import check_output

        check_output(forest)
    from .meta._cli import extras, extras_text, parse_tau_prior  # issue 23: --method bayes, --subgroup, --small-study

    try:
        tau_prior = parse_tau_prior(args.tau_prior)
        suite = sensitivity_suite(
            cohorts, args.outcome, level=args.level, primary_transform=args.transform,
            primary_method="REML" if args.method == "bayes" else args.method,
            primary_test=args.test, exclude=args.exclude, denominators=denominators,
            use_errata=args.errata, reference=args.reference,
        )  # fmt: skip
        text = suite_text(suite, full=args.suite)
        more = extras(suite, bayes=args.method == "bayes", tau_prior=tau_prior, subgroup=args.subgroup,
                      small_study=args.small_study)  # fmt: skip
        text += extras_text(more)
        if args.json:
            full = suite.to_dict(full=args.suite) | more
            text = json.dumps(full, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        svg = suite_forest_svg(suite) if forest is not None else None
    except (ValueError, MetaError) as exc:
        raise UsageError(str(exc)) from None
    if forest is not None and svg is not None:
        from .render.atomic import atomic_write_text

        try:
            atomic_write_text(forest, svg)
        except OSError as exc:
            raise UsageError(f"{forest}: cannot write ({exc.strerror or exc})") from None
        print(f"wrote {forest}", file=sys.stderr)
    sys.stdout.write(text)
    return EXIT_OK


def _add_compare_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="descriptor files or folders (default: trials)")
    p.add_argument("--reference", metavar="ID", help="reference cohort (default: the first)")
    p.add_argument("--ci", choices=options.CI_METHODS, default="exact",
                   help="confidence interval for proportions (default: exact Clopper-Pearson)")
    p.add_argument("--errata", action="store_true", help="use counts/denominators corrected by declared errata")
    p.add_argument("--denominator", action="append", default=[], metavar="ID=N",
                   help="use N as the denominator of cohort ID in place of its declared N (repeatable)")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="trialcompare",
        description="Compare published clinical-trial cohorts that were never randomised against each other.",
        epilog="Exit status: 0 fine, 1 unacknowledged error findings (validate), 2 unusable input. "
               "Data goes to stdout, diagnostics to stderr.",
    )
    p.add_argument("--version", action="version", version="%(prog)s " + _version())
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser("validate", help="check descriptors and the integrity of their numbers")
    v.add_argument("paths", nargs="*", metavar="PATH", help="descriptor files or folders (default: trials)")
    v.add_argument("--json", action="store_true", help='print {"findings": [...]} as JSON')
    v.set_defaults(func=cmd_validate)
    s = sub.add_parser("schema", help="print the JSON Schema of descriptors")
    s.set_defaults(func=cmd_schema)
    n = sub.add_parser("new", help="scaffold a descriptor with every field explained")
    n.add_argument("id", help="kebab-case cohort id")
    n.add_argument("-o", "--output", help="file to write (default trials/ID.yaml; '-' for stdout)")
    n.add_argument("--arms", type=int, metavar="N",
                   help="scaffold the N arms of a randomised study (files ID-*.yaml; -o names their folder)")
    n.set_defaults(func=cmd_new)
    t = sub.add_parser("table", help="Table IV-style comparison of cohorts against a reference")
    _add_compare_options(t)
    t.add_argument("--format", choices=options.EXPORT_FORMATS,
                   help="output format (default: a readable terminal table, or from the -o suffix)")
    t.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    t.add_argument("--what", choices=options.TABLE_VIEWS, default="table",
                   help="which table (default: the Table IV layout)")
    t.set_defaults(func=cmd_table)
    r = sub.add_parser("report", help="render a comparison report (default: reports/table-iv.yaml, else the "
                                        "bundled copy -> PDF)")
    r.add_argument("targets", nargs="*", metavar="SPEC|PATH",
                   help="a comparison spec (reports/*.yaml), or descriptor files/folders (sensible defaults)")
    r.add_argument("-o", "--output", metavar="FILE", help="output file (default: beside the spec, <name>.pdf)")
    r.add_argument("--html", action="store_true", help="write HTML instead of PDF")
    r.set_defaults(func=cmd_report)
    m = sub.add_parser("meta", help="pool one outcome across cohorts (random effects) with sensitivity analyses")
    m.add_argument("paths", nargs="*", metavar="PATH", help="descriptor files or folders (default: trials)")
    m.add_argument("--outcome", required=True, metavar="NAME",
                   help="orr, dcr, csr, <endpoint>_<months>m (efs_6m, os_12m) or tte_<months>m (EFS or PFS)")
    m.add_argument("--transform", choices=options.TRANSFORMS, default="logit",
                   help="scale of the primary analysis (default: logit)")
    m.add_argument("--method", choices=(*options.POOLING_METHODS, "EE", "bayes"), default="REML",
                   help="tau^2 estimator of the primary analysis, GLMM, EE (equal effects), or bayes (Bayesian "
                        "random effects beside a REML primary analysis) (default: REML)")
    # issue 23; parsed in cmd_meta (the parser must not import the meta stack: `validate` stays light)
    m.add_argument("--tau-prior", default="halfnormal:0.5", metavar="PRIOR",
                   help="tau prior of --method bayes: halfnormal:SCALE, halfcauchy:SCALE or halft:SCALE:DF "
                        "(default: halfnormal:0.5)")
    m.add_argument("--subgroup", choices=("design", "endpoint"), metavar="FIELD",  # = meta._cli.SUBGROUP_FIELDS
                   help="test subgroup differences by FIELD (design, endpoint; each subgroup needs k >= 3)")
    m.add_argument("--small-study", action="store_true",
                   help="Egger, rank and trim-and-fill tests of small-study effects (need k >= 10)")
    m.add_argument("--test", choices=options.TESTS, default="z", help="z or Knapp-Hartung (default: z)")
    m.add_argument("--level", type=float, default=0.95, help="confidence level (default: 0.95)")
    m.add_argument("--json", action="store_true", help="print a JSON object")
    m.add_argument("--suite", action="store_true", help="also the method grid, leave-one-out, subgroups, pairwise")
    m.add_argument("--exclude", nargs="+", action="extend", default=[], metavar="ID", help="leave cohorts out")
    m.add_argument("--denominator", action="append", default=[], metavar="ID=N",
                   help="use N as the denominator of cohort ID in place of its declared N (repeatable)")
    m.add_argument("--errata", action="store_true", help="use counts/denominators corrected by declared errata")
    m.add_argument("--reference", metavar="ID", help="reference cohort of the pairwise table (default: the first)")
    m.add_argument("--forest", metavar="FILE.svg", help="write the forest plot of the primary analysis (SVG)")
    m.set_defaults(func=cmd_meta)
    from .maic.cli import add_parser as add_maic_parser  # registers `trialcompare maic` (issue 14)
    add_maic_parser(sub)
    return p


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``trialcompare`` console script."""
    from .load import DescriptorError

    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    import warnings

    previous = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        return args.func(args)
    except DescriptorError as exc:
        for problem in exc.problems:
            print(f"{problem}", file=sys.stderr)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"trialcompare: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # OutputError (a refused or failed write) and any other file-system error
        print(f"trialcompare: {_os_message(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    finally:
        warnings.showwarning = previous


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one diagnostic line, without the library's source path and line."""
    print(f"trialcompare: warning: {message}", file=file or sys.stderr)


def _os_message(exc: OSError) -> str:
    from .render.atomic import OutputError

    if isinstance(exc, OutputError) or not exc.filename:
        return str(exc.strerror or exc)
    return f"{exc.filename}: {exc.strerror or exc}"


def run() -> NoReturn:
    """Run :func:`main` and exit the process with its status, skipping the interpreter's last garbage collections.

    When the command is done, every object is moved out of the collector's sight (:func:`gc.freeze`), so that the
    collections the interpreter runs as it shuts down do not walk them all: about 0.06 s of ``validate``'s 0.6 s
    (pydantic's schemas are many objects). Nothing else changes: standard output and error are still flushed, and
    the memory goes back to the system with the process. Not for library use (it ends the process); tests call
    :func:`main`.
    """
    import gc

    status = main()
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
