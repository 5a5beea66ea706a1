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
from typing import TYPE_CHECKING, NoReturn

from . import options
from ._cli_common import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, UsageError, _denominators, _paths, _plural
from .cli_table import cmd_table

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["main", "run"]


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
    """``trialcompare schema [--vocabulary]``: the JSON Schema of descriptors, or the vocabulary as a list."""
    if args.vocabulary:
        from .descriptor.vocabulary import vocabulary_text

        sys.stdout.write(vocabulary_text())
        return EXIT_OK
    from .descriptor.schema import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _new_folder(args: argparse.Namespace) -> Path:
    """Where ``new`` writes: ``--dir``, else ``./trials`` if it is a folder, else the working folder."""
    if args.dir:
        return Path(args.dir)
    return Path("trials") if Path("trials").is_dir() else Path()


def _arm_names(args: argparse.Namespace) -> list[str] | None:
    """``--arm-names A,B``: kebab-case, distinct, as many as ``--arms`` (which they imply when it is not given)."""
    from .descriptor.scaffold import check_id

    if args.arm_names is None:
        return None
    names = [n.strip() for n in args.arm_names.split(",")]
    for name in names:
        try:
            check_id(name)
        except ValueError as exc:
            raise UsageError(f"--arm-names: {exc}; nothing written") from None
    if len(set(names)) != len(names):
        raise UsageError(f"--arm-names: {args.arm_names!r} names an arm twice; nothing written")
    if args.arms is not None and args.arms != len(names):
        raise UsageError(f"--arm-names names {_plural(len(names), 'arm')} but --arms is {args.arms}; nothing written")
    return names


def cmd_new(args: argparse.Namespace) -> int:
    """``trialcompare new ID``: scaffold a descriptor with every field explained."""
    from ._io import atomic_write_text, make_folders, missing_folders, remove_folders
    from .descriptor.scaffold import check_id, scaffold, schema_reference

    try:
        check_id(args.id)
    except ValueError as exc:
        raise UsageError(f"new: {exc}; nothing written") from None
    names = _arm_names(args)
    if args.arms is not None or names is not None:
        from .descriptor.scaffold_arms import write_arms

        folder = args.output if args.output == "-" else str(Path(args.output) if args.output else _new_folder(args))
        try:
            return write_arms(args.id, args.arms or len(names or ()), folder, names=names)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.output == "-":
        sys.stdout.write(scaffold(args.id, schema=None))  # where it will be saved is unknown: no $schema path
        return EXIT_OK
    out = Path(args.output) if args.output else _new_folder(args) / f"{args.id}.yaml"
    if out.exists() or out.is_symlink():
        raise UsageError(f"{out}: already exists; not overwritten")
    missing_folders(out.parent)  # refuse a file or a link in the way before anything is created
    created = make_folders(out.parent)
    try:
        atomic_write_text(out, scaffold(args.id, schema_reference(out)))
    except BaseException:
        remove_folders(created)
        raise
    for folder in created:
        print(f"created {folder}/", file=sys.stderr)
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def _report_spec(args: argparse.Namespace):
    """What ``report`` analyses: a spec (with the paths named beside it or with ``--trials`` added to its own
    ``trials:``), or descriptor paths; a spec named with other paths is never read as a descriptor."""
    from .analysis import is_spec_file
    from .spec import load_spec

    targets = [Path(t) for t in args.targets]
    extra = [Path(t) for t in args.trials]
    specs = [t for t in targets if t.is_file() and t.suffix.lower() in (".yaml", ".yml") and is_spec_file(t)]
    if len(specs) > 1:
        raise UsageError(f"report: give one spec, not {len(specs)} ({', '.join(map(str, specs))})")
    if not specs:
        paths = targets + extra
        return [str(p) for p in paths] or None
    paths = [t for t in targets if t != specs[0]] + extra
    spec = load_spec(specs[0], trials=[str(p) for p in paths] or None)
    if any(sc.substitute_endpoint for sc in spec.meta.scenarios):
        from . import load
        from .spec import check_spec_endpoints

        cohorts = load(*spec.trial_paths())
        check_spec_endpoints(spec, {c.id: [e.name for e in c.descriptor.endpoints] for c in cohorts})
    return spec


def _report_output(args: argparse.Namespace) -> Path | None:
    """``-o FILE``: checked before the analysis (suffix, kind of file, folders that could be created)."""
    if not args.output:
        return None
    from ._io import check_output, missing_folders

    out = Path(args.output)
    if not missing_folders(out.parent):
        check_output(out)
    wanted = ".html" if args.html else ".pdf"
    if out.suffix.lower() != wanted:
        raise UsageError(f"-o {args.output}: the report is written as {wanted[1:].upper()}; give a file name "
                         f"ending {wanted}")
    return out


def _pdf_failure(exc: BaseException) -> UsageError:
    """A clean message for a PDF process that failed (its last line of error output, not its traceback)."""
    text = str(exc).strip().splitlines()
    last = text[-1] if len(text) > 1 else "it ended before returning the PDF"
    return UsageError(f"the PDF could not be made ({last}); nothing written. `--html` writes the report as HTML")


def cmd_report(args: argparse.Namespace) -> int:
    """``trialcompare report [SPEC] [PATH ...] [--trials DIR ...] [-o FILE] [--html]``."""
    from ._io import make_folders, remove_folders
    from .analysis import AnalysisError, analyse
    from .render.pdf_process import pdf_renderer
    from .render.report import write_report
    from .render.templating import TemplatesNotFoundError
    from .resources import DataNotFoundError

    output = _report_output(args)
    target = _report_spec(args)
    renderer = contextlib.nullcontext(None) if args.html else pdf_renderer()  # WeasyPrint loads meanwhile
    created: list[Path] = []
    try:  # no target: ./reports/table-iv.yaml in a checkout, else the bundled Table IV spec
        with renderer as to_pdf:
            analysis = analyse(target)
            created = make_folders(output.parent) if output is not None else []
            out = write_report(analysis, output, html=args.html, to_pdf=to_pdf)
    except (AnalysisError, DataNotFoundError, TemplatesNotFoundError) as exc:
        remove_folders(created)
        raise UsageError(str(exc)) from None
    except (RuntimeError, BrokenPipeError) as exc:
        remove_folders(created)
        if isinstance(exc, BrokenPipeError) or str(exc).startswith("the PDF process failed"):
            raise _pdf_failure(exc) from None
        raise
    except BaseException:
        remove_folders(created)
        raise
    print(f"wrote {out}", file=sys.stderr)
    if analysis.spec.supplement in ("html", "both"):
        from .render.report import supplement_path

        print(f"wrote {supplement_path(out)}", file=sys.stderr)
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
        from ._io import check_output

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
        from ._io import atomic_write_text

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
    s = sub.add_parser("schema", help="print the JSON Schema of descriptors (--vocabulary: the names as a list)")
    s.add_argument("--vocabulary", action="store_true",
                   help="list the harmonized names instead: variables (kind, levels), endpoints, rates, kinds, units")
    s.set_defaults(func=cmd_schema)
    n = sub.add_parser("new", help="scaffold a descriptor with every field explained")
    n.add_argument("id", help="kebab-case cohort id")
    n.add_argument("-o", "--output", help="file to write (default DIR/ID.yaml; '-' for stdout); missing folders "
                                           "are created")
    n.add_argument("--dir", metavar="DIR", help="folder to write into (default: ./trials if it exists, else the "
                                               "current folder); created if missing")
    n.add_argument("--arms", type=int, metavar="N",
                   help="scaffold the N arms of a randomised study (files ID-*.yaml; -o names their folder)")
    n.add_argument("--arm-names", metavar="A,B", help="names of the arms (kebab-case; default experimental,control "
                                                     "for 2 arms, arm1,arm2,... otherwise); implies --arms")
    n.set_defaults(func=cmd_new)
    t = sub.add_parser("table", help="Table IV-style comparison of cohorts against a reference")
    _add_compare_options(t)
    t.add_argument("--format", choices=options.EXPORT_FORMATS,
                   help="output format (default: a readable terminal table, or from the -o suffix)")
    t.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    t.add_argument("--what", choices=options.TABLE_VIEWS, default="table",
                   help="which table (default: the Table IV layout)")
    t.add_argument("--terms", metavar="TERM,...",
                   help="harms: adverse events to compare (CTCAE or printed terms, comma-separated; default: those "
                        "reported by at least two cohorts)")
    t.add_argument("--grade", default=">=3", metavar="BAND",
                   help="harms: grade band, any, >=3, 3-4, 3, 4 or 5 (default: >=3); an event printed without "
                        "its grade (not_stated) answers 'any' only")
    t.set_defaults(func=cmd_table)
    r = sub.add_parser("report", help="render a comparison report (default: reports/table-iv.yaml, else the "
                                        "bundled copy -> PDF)")
    r.add_argument("targets", nargs="*", metavar="SPEC|PATH",
                   help="a comparison spec (reports/*.yaml), and/or descriptor files/folders; with a spec, the "
                        "paths are added to the spec's own trials: (sensible defaults without one)")
    r.add_argument("--trials", action="append", default=[], metavar="PATH",
                   help="descriptor file or folder, anywhere (repeatable); with a spec, added to its own trials: "
                        "(a file named twice is read once)")
    r.add_argument("-o", "--output", metavar="FILE", help="output file (default: beside the spec, <name>.pdf); "
                                                          "missing folders are created")
    r.add_argument("--html", action="store_true", help="write HTML instead of PDF")
    r.set_defaults(func=cmd_report)
    m = sub.add_parser("meta", help="pool one outcome across cohorts (random effects) with sensitivity analyses")
    m.add_argument("paths", nargs="*", metavar="PATH", help="descriptor files or folders (default: trials)")
    from .outcomes import outcome_grammar

    m.add_argument("--outcome", required=True, metavar="NAME", help=outcome_grammar().replace("%", "%%"))
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
    """Entry point of the ``trialcompare`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: the command line's).

    Returns
    -------
    int
        The exit status: 0, 1 for findings, 2 for unusable input.
    """
    from .load import DescriptorError

    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    import warnings

    previous = warnings.showwarning
    warnings.showwarning = _show_warning
    _SHOWN.clear()
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


_SHOWN: set[str] = set()


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one diagnostic line, without the library's source path and line; each once per command.

    Only trialcompare's own warnings reach the user: a warning a library issues (polars' "Comparisons with None
    always result in null", numpy's "invalid value encountered in ...") is about how trialcompare calls it, not about
    the user's data, and is left out.
    """
    text = str(message)
    if text in _SHOWN or not _ours(text):
        return
    _SHOWN.add(text)
    print(f"trialcompare: warning: {text}", file=file or sys.stderr)


def _ours(text: str) -> bool:
    """Whether the warning being shown was issued by trialcompare's code (the caller of ``warnings.warn``)."""
    if " encountered in " in text:  # numpy's floating-point warnings, issued from C on behalf of the caller
        return False
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") in ("warnings", __name__):
        frame = frame.f_back
    return frame is not None and str(frame.f_globals.get("__name__", "")).startswith("trialcompare")


def _os_message(exc: OSError) -> str:
    from ._io import OutputError

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
