"""``trialcompare table``: the Table IV-style comparison, its SMD, differences, baseline, outcomes and harms tables.

An empty selection says why (on stderr, exit 0, the empty table on stdout as for every other table); rows left out
of a table are named with the rule that left them out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._cli_common import EXIT_OK, UsageError, _denominators, _paths, _plural

if TYPE_CHECKING:
    import polars as pl

__all__ = ["cmd_table"]


def _comparison(args: argparse.Namespace):
    """The comparison of ``table``, through :func:`trialcompare.analyse` (a spec made from the options), with the
    rows the reference alone reports."""
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
        return analyse(spec, with_meta=False, reference_rows=True).comparison
    except AnalysisError as exc:
        raise UsageError(str(exc)) from None


def _harms(args: argparse.Namespace):
    """The harms comparison of ``table --what harms`` (text cells) or ``--what harms-data`` (structured columns)."""
    from . import load
    from .harms import harms_table, nothing_at_grade
    from .render.harms import harms_cells, nothing_at_grade_words

    cohorts = load(*_paths(args))
    terms = None if args.terms is None else [t.strip() for t in args.terms.split(",") if t.strip()]
    try:
        table = harms_table(cohorts, args.reference, terms, args.grade, ci_method=args.ci)
    except ValueError as exc:
        raise UsageError(f"--what {args.what}: {exc}") from None
    gap = nothing_at_grade(cohorts, args.grade, terms)
    if gap is not None:  # an empty selection says why, as --what differences does (exit 0)
        print(f"trialcompare: {nothing_at_grade_words(gap, 'use --grade {band}')}", file=sys.stderr)
    return table if args.what == "harms-data" else harms_cells(table)


def cmd_table(args: argparse.Namespace) -> int:
    """``trialcompare table``: the Table IV-style comparison (or its SMD / differences tables).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options of ``table``.

    Returns
    -------
    int
        The exit status: 0 (an empty table too, with why on stderr); bad input raises ``UsageError`` (exit 2).
    """
    from .render import tables

    df = _harms(args) if args.what in ("harms", "harms-data") else _view(_comparison(args), args.what)
    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else None)
    if fmt == "json":
        df = _finite(df)
    if (fmt is not None or args.output) and fmt not in tables.FORMATS:
        raise UsageError(f"cannot tell the format of {args.output!r}; use --format ({', '.join(tables.FORMATS)})")
    if args.output:
        _write_table(df, fmt, args.output)
    elif fmt == "xlsx":
        raise UsageError("xlsx is binary: give a file with -o")
    else:
        text = tables.export(df, fmt) if fmt else tables.format_text(df)
        assert isinstance(text, str), "only xlsx is binary, refused above"
        sys.stdout.write(text)
    return EXIT_OK


def _view(cmp, what: str) -> pl.DataFrame:
    """The table ``--what`` names; on stderr, why it is empty and which rows it leaves out."""
    from .render import tables

    df = {"table": cmp.table, "smd": lambda: cmp.smd, "differences": lambda: tables.differences_table(cmp),
          "baseline": lambda: cmp.baseline, "outcomes": lambda: cmp.outcomes}[what]()
    if df.height == 0:
        print(f"trialcompare: {_empty_reason(cmp, what)}", file=sys.stderr)
    hidden = tables.hidden_rows(cmp) if what == "table" else dict(cmp.hidden_baseline) if what == "baseline" else {}
    if hidden:
        print(f"trialcompare: {_hidden_words(cmp, hidden)}", file=sys.stderr)
    return df


def _hidden_words(cmp, hidden: dict[str, tuple[str, ...]]) -> str:
    r"""The rows a table leaves out, with the cohorts reporting them and the rule.

    >>> from types import SimpleNamespace as NS
    >>> cmp = NS(reference="a", options=NS(min_cohorts=2), cohorts=("a", "b", "c"))
    >>> words = _hidden_words(cmp, {"age": ("b",), "sex": ("b",), "DCR": ("c",)})
    >>> print(words.replace(": a row", ":\na row").replace(" report it ", " report it\n"))
    not shown: age, sex (reported by b only); DCR (reported by c only):
    a row is shown when the reference 'a' or at least 2 cohorts report it
    (--reference ID makes another cohort the reference)
    """
    by: dict[tuple[str, ...], list[str]] = {}
    for name, who in hidden.items():
        by.setdefault(who, []).append(name)
    parts = [f"{', '.join(names)} (reported by {', '.join(who)} only)" for who, names in by.items()]
    least = min(cmp.options.min_cohorts, len(cmp.cohorts))
    return (f"not shown: {'; '.join(parts)}: a row is shown when the reference {cmp.reference!r} or at least "
            f"{_plural(least, 'cohort')} report it (--reference ID makes another cohort the reference)")


def _write_table(df: pl.DataFrame, fmt: str | None, output: str) -> None:
    from ._io import atomic_write_bytes, atomic_write_text, check_output
    from .render import tables

    check_output(output)
    assert fmt is not None, "an output whose format cannot be told is refused before"
    data = tables.export(df, fmt)
    if isinstance(data, bytes):
        atomic_write_bytes(Path(output), data)
    else:
        atomic_write_text(Path(output), data)
    print(f"wrote {output}", file=sys.stderr)


def _empty_reason(cmp, what: str) -> str:
    """Why a table has no rows (an empty selection says why)."""
    others = [c for c in cmp.cohorts if c != cmp.reference]
    against = f"{_plural(len(others), 'comparator')} against the reference"
    if what in ("differences", "smd") and not others:
        return (f"no {what}: only the reference cohort {cmp.reference!r} was loaded; give at least two cohorts "
                "(descriptor files or a folder)")
    if what == "differences":
        return (f"no differences: no outcome (ORR, DCR, CBR, landmark rate) is reported with a count by both the "
                f"reference {cmp.reference!r} and another cohort ({against})")
    if what == "smd":
        return (f"no SMDs: no baseline variable is reported by both the reference {cmp.reference!r} and another "
                f"cohort ({against})")
    if what == "baseline" and cmp.hidden_baseline:
        least = _plural(min(cmp.options.min_cohorts, len(cmp.cohorts)), "cohort")
        return f"no baseline rows: no variable is reported by the reference {cmp.reference!r} or by {least}"
    return f"no {what} rows: the cohorts report nothing for this table"


def _finite(df):
    """The frame with every NaN or infinite float as null, so that JSON output stays valid JSON."""
    import polars as pl

    floats = [c for c, t in df.schema.items() if t.is_float()]
    return df.with_columns(pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c) for c in floats)
