"""Table IV layout of a :class:`~trialcompare.comparison.Comparison` and its exports (md, csv, xlsx, html, json).

Cells are strings formatted as published: ``n (%)`` exactly as printed, ``mean ± SD (95% CI lo, hi)``,
``median (IQR lo, hi)`` / ``median (95% CI lo, hi)`` with the interval type always shown, plus the exact
95% CI that trialcompare adds to every count outcome and the SMD of every baseline variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from ..descriptor.harms import is_named_proportion
from ..descriptor.vocabulary import ENDPOINTS, RATES, VARIABLES
from ..options import CI_METHOD_NAMES, interval_label
from .differences import _pct, differences_table
from .escape import row_label
from .table_formats import FORMATS, export, format_text

if TYPE_CHECKING:
    from ..comparison import Comparison

__all__ = ["FORMATS", "differences_table", "export", "format_text", "hidden_rows", "printed_label", "table_iv"]

MISSING = "not reported"
NOT_COMPUTED = "SMD not computed"
INFERRED = "count inferred, not printed"
"""Cell words shared with the report: a value not reported, an SMD that cannot be computed, a count not printed
but inferred from a printed percentage and its interval."""
_STUDY = {"prospective": "Prospective trial", "retrospective": "Retrospective study"}


class _Builder:
    """Accumulates rows of the layout: section, row label, one cell per cohort."""

    def __init__(self, cmp: Comparison, marks: Mapping[tuple[str, str], str] | None = None) -> None:
        self.cmp = cmp
        self.ids = list(cmp.cohorts)
        self.rows: list[dict[str, str]] = []
        self.marks = marks or {}

    def mark(self, cid: str, key: str, cell: str) -> str:
        """The cell with the footnote mark of a known error in that quantity (``key`` like "endpoint.PFS.median";
        a mark on a variable also applies to its levels)."""
        symbols = [s for (c, k), s in self.marks.items() if c == cid and (k == key or key.startswith(k + "."))]
        return f"{cell} {''.join(dict.fromkeys(symbols))}" if symbols and cell != MISSING else cell

    def add(self, section: str, row: str, cells: dict[str, str]) -> None:
        self.rows.append({"section": section, "row": row} | {c: cells.get(c, "") for c in self.ids})

    def frame(self) -> pl.DataFrame:
        headers = {c: self.header(c) for c in self.ids}
        schema = {"section": pl.String, "row": pl.String} | {headers[c]: pl.String for c in self.ids}
        data = [[r["section"], r["row"], *(r[c] for c in self.ids)] for r in self.rows]
        return pl.DataFrame(data, schema=schema, orient="row")

    def header(self, cid: str) -> str:
        n = self.cmp.n.get(cid)
        ref = " [reference]" if cid == self.cmp.reference else ""
        desc = self.cmp.descriptors.get(cid)
        arm = desc.design.arm_of if desc is not None else None
        of = f" · arm of {arm.study}{' (randomised)' if arm.randomised else ''}" if arm is not None else ""
        return f"{self.cmp.labels[cid]}{ref}" + (f" (N={n})" if n is not None else "") + of


def printed_label(rows: Iterable[Mapping[str, Any]], column: str, prefer: Sequence[str],
                  order: Sequence[str]) -> str | None:
    """The row label a table printed for a quantity, or None when no descriptor records one.

    Only labels read at a table (a location starting "Table": "Table IV", "Table 1") are row labels; a label
    quoted from running text is a sentence, not a row label. Of those, the label at the best-preferred location
    wins (``prefer``), ties going to the first cohort of ``order`` (the reference). A footnote mark written
    ``^a`` is dropped: the footnote itself is not shown.

    Parameters
    ----------
    rows : iterable of mapping
        Rows of :attr:`Comparison.baseline` or :attr:`Comparison.outcomes` for one quantity.
    column : {"entry_label", "level_label"}
        The variable's label or the level's.
    prefer : sequence of str
        Preferred locations (the comparison's ``prefer_locations``).
    order : sequence of str
        Cohort ids, reference first.

    Returns
    -------
    str or None

    Examples
    --------
    >>> rows = [{"cohort": "b", "location": "Table IV", "level_label": "Lung+bone+other lesions^a"},
    ...         {"cohort": "a", "location": "Abstract", "level_label": "patients had lung lesions"}]
    >>> printed_label(rows, "level_label", ["Table IV"], ["a", "b"])
    'Lung+bone+other lesions'
    >>> printed_label(rows[1:], "level_label", ["Table IV"], ["a", "b"]) is None
    True
    """
    found = [r for r in rows if r.get(column) and str(r.get("location") or "").startswith("Table")]
    if not found:
        return None
    def rank(r: Mapping[str, Any]) -> tuple[int, int]:
        loc, cid = r["location"], r["cohort"]
        return (prefer.index(loc) if loc in prefer else len(prefer),
                order.index(cid) if cid in order else len(order))
    return row_label(str(min(found, key=rank)[column]))


def _labels(b: _Builder, rows: pl.DataFrame, column: str) -> str | None:
    return printed_label(rows.iter_rows(named=True), column, b.cmp.options.prefer_locations, b.ids)


def _baseline_rows(b: _Builder, factors: pl.DataFrame | None = None) -> None:
    base, smd = b.cmp.baseline, b.cmp.smd
    for var in dict.fromkeys(base["variable"].to_list()):
        v = VARIABLES[var]
        rows = base.filter(pl.col("variable") == var)
        mine = None if factors is None else factors.filter(pl.col("factor") == var)
        smd_cells = (_factor_smd_cells(b, mine) if mine is not None and mine.height else
                     _smd_cells(b, smd.filter(pl.col("variable") == var)))
        label = _labels(b, rows, "entry_label")
        if v.kind == "continuous":
            cells = {c: b.mark(c, f"baseline.{var}", _continuous_cell(rows.filter(pl.col("cohort") == c)))
                     for c in b.ids}
            b.add("Baseline", label or v.label, {c: _join(cells[c], smd_cells.get(c)) for c in b.ids})
            continue
        b.add("Baseline", label or f"{v.label}, n (%)", _with_denominator(b, rows, smd_cells))
        for level in dict.fromkeys(rows["level"].to_list()):
            at_level = rows.filter(pl.col("level") == level)
            cells = {r["cohort"]: b.mark(r["cohort"], f"baseline.{var}.{level}", r["printed"]) if r["reported"]
                     else MISSING for r in at_level.iter_rows(named=True)}
            b.add("Baseline", f"  {_labels(b, at_level, 'level_label') or level.replace('_', ' ')}", cells)


def _study_rows(b: _Builder) -> None:
    """Facts printed for a whole randomised study: one row each, one cell in every arm, labelled so (no SMD between)."""
    sb = b.cmp.study_baseline
    for r in sb.iter_rows(named=True):
        v = VARIABLES.get(r["variable"])
        name = v.label if v is not None else r["variable"]
        level = f": {r['level']}" if r["level"] else ""
        cells = {c: f"{r['printed']} [{r['statistic']}; whole study]" for c in r["arms"].split(", ") if c in b.ids}
        b.add("Baseline", f"{name}{level} — {r['study']}, both arms together", cells)


def _join(a: str, b: str | None) -> str:
    return f"{a}; {b}" if b else a


_IMBALANCED = ("imbalanced", "reference-worse", "comparator-worse")


def _with_denominator(b: _Builder, rows: pl.DataFrame, cells: dict[str, str]) -> dict[str, str]:
    """A variable whose counts rest on another denominator than its column's N says so in its first row ("counts
    of 41"): one denominator per column, or a denominator per row (never two silently)."""
    out = dict(cells)
    for cid in b.ids:
        dens = {d for d in rows.filter(pl.col("cohort") == cid, pl.col("reported"))["denominator"].to_list() if d}
        n = b.cmp.n.get(cid)
        if len(dens) == 1 and n is not None and (den := dens.pop()) != n:
            out[cid] = f"{out[cid]}; counts of {den}" if out.get(cid) else f"counts of {den}"
    return out


def _factor_smd_cells(b: _Builder, rows: pl.DataFrame) -> dict[str, str]:
    """The one SMD of a factor (the appraisal's: the signed SMD of the share at the adverse level, or of the mean),
    "*" when it is an imbalance (above the report's threshold and beyond its sampling noise); a skewed median and
    range is not converted."""
    from .phrasebook import factor_name

    cells = {b.cmp.reference: "reference"}
    for r in rows.iter_rows(named=True):
        if r["direction"] == "skewed-median":
            cells[r["cohort"]] = "skewed median: SMD not computed"
        elif r["smd"] is None:
            cells[r["cohort"]] = NOT_COMPUTED
        else:
            share = f" ({factor_name(r['factor'])})" if r["reference_share"] is not None else ""
            cells[r["cohort"]] = f"SMD {r['smd']:+.2f}{share}{' *' if r['direction'] in _IMBALANCED else ''}"
    return cells


def _smd_cells(b: _Builder, smd: pl.DataFrame) -> dict[str, str]:
    cells = {b.cmp.reference: "reference"}
    for r in smd.iter_rows(named=True):
        if r["smd"] is None:
            cells[r["cohort"]] = NOT_COMPUTED
            continue
        mark = " *" if r["imbalanced"] else ""
        est = " (estimated)" if r["estimated"] else ""
        value = f"{r['smd']:+.2f}" if r.get("signed", True) else f"{r['smd']:.2f} (magnitude)"
        cells[r["cohort"]] = f"SMD {value}{est}{mark}"
    return cells


def _continuous_cell(rows: pl.DataFrame) -> str:
    """The summary exactly as printed, with what its numbers are: "19.1±8.5 (16.0, 22.2) [mean ± SD (95% CI)]"."""
    stats = {r["statistic"]: r for r in rows.iter_rows(named=True)}
    if "mean" in stats and "sd" in stats:
        m = stats["mean"]
        kind = "mean ± SD" + (f" ({m['interval_type']})" if m["interval_type"] else "")
        return f"{m['printed']} [{kind}]"
    for stat in ("median", "mean"):
        if stat in stats:
            m = stats[stat]
            kind = stat + (f" ({m['interval_type']})" if m["interval_type"] else "")
            return f"{m['printed']} [{kind}]"
    return MISSING


def _design_rows(b: _Builder, descriptors: Mapping[str, Any]) -> None:
    study, reg, n = {}, {}, {}
    for cid in b.ids:
        d = descriptors[cid]
        phase = f", phase {d.design.phase}" if d.design.phase else ""
        study[cid] = _STUDY[d.design.type] + phase
        reg[cid] = ", ".join(dict.fromkeys(r.id for r in d.design.registrations)) or MISSING
        n[cid] = f"{d.population.n} ({d.population.n_refers_to})"
        if (h := d.population.histology) is not None:  # a mix of histologies: say how many have osteosarcoma
            n[cid] += f"; osteosarcoma {h.osteosarcoma} of {d.population.n}"
    b.add("Design", "Study type", study)
    b.add("Design", "Trial registration", reg)
    b.add("Design", "N as printed (analysis set)", n)


_HOW_DERIVED = {"percentage": "count implied by the percentage", "percentage+interval": "count inferred"}
"""How a derived count came about, said in its cell (counts summed from response levels are said in the row label)."""


def _count_cell(r: dict[str, Any], at_time: bool = False) -> str:
    """A count with its interval; ``at_time``: say the time point of a response read at one (a row of best overall
    response where this cohort printed only a response at a stated time)."""
    when = f" — at {_time_words(r)}" if at_time and r["time_months"] is not None else ""
    return _count_text(r) + when


def _time_words(r: dict[str, Any]) -> str:
    """"6 months"; "12 weeks (2.8 months)": a time point in its printed unit, months in brackets."""
    from ..outcomes import time_words

    return time_words(r["time_months"], r.get("time"), r.get("unit"))


def _count_text(r: dict[str, Any]) -> str:
    how = _HOW_DERIVED.get(r["derived_from"] or "") if r["derived"] else None
    if r["printed"] and how is not None:
        return f"{r['printed']}; {how}: {r['n']}/{r['denominator']}"
    printed = r["printed"] if r["printed"] and not r["derived"] else \
        f"{r['n']}/{r['denominator']} ({_pct(r['estimate'])})"
    printed += f" ({how})" if how is not None else ""
    ci = f" [{interval_label(r['ci_level'])} {_pct(r['ci_low'])}–{_pct(r['ci_high'])}]" if r["ci_low"] is not None \
        else ""
    return printed + ci


def _response_names(out: pl.DataFrame) -> list[str]:
    """Response levels, then each rate of best overall response followed by the same rate at stated times."""
    present = list(dict.fromkeys(out["outcome"].to_list()))
    names = [o for o in present if ":" in o and o.split(":")[0] not in ENDPOINTS and not is_named_proportion(o)]
    for rate in RATES:
        names += [rate] if rate in present else []
        at_times = out.filter(pl.col("outcome").str.starts_with(f"{rate}@")).sort("time_months")
        names += list(dict.fromkeys(at_times["outcome"].to_list()))
    return names + [o for o in present if is_named_proportion(o)]  # only a primary one is an outcome here


def _response_shown(cmp: Comparison, name: str, rows: pl.DataFrame) -> bool:
    """Whether a response row is shown: enough cohorts report it, or the reference (the baseline's rule), it is a
    cohort's primary endpoint (``primary``), or it is a response read at a stated time (``ORR@12w``, kept apart from
    best overall response, as a landmark rate is)."""
    return cmp.shows(rows["cohort"].to_list()) or "@" in name or bool(rows["primary"].any())


def hidden_rows(cmp: Comparison) -> dict[str, tuple[str, ...]]:
    """The rows the Table IV layout leaves out, each with the cohorts that report it.

    A row is shown when ``min_cohorts`` of the cohorts report it, or the reference does (with ``reference_rows``).

    Parameters
    ----------
    cmp : Comparison
        The comparison.

    Returns
    -------
    dict
        Row name (a baseline variable, a response level such as ``best_response:PR``, a rate) → the cohorts that
        report it.

    Examples
    --------
    >>> import trialcompare as tc
    >>> hidden_rows(tc.compare(tc.load("trials"), "apatinib-ie"))["resistance_ie"]   # only the reference reports it
    ('apatinib-ie',)
    >>> hidden_rows(tc.compare(tc.load("trials"), "apatinib-ie", reference_rows=True))
    {}
    """
    out = cmp.outcomes
    hidden = dict(cmp.hidden_baseline)
    for name in _response_names(out):
        rows = out.filter(pl.col("outcome") == name)
        if not _response_shown(cmp, name, rows):
            hidden[name] = tuple(dict.fromkeys(rows["cohort"].to_list()))
    return hidden


def _response_rows(b: _Builder) -> None:
    """One row per response level and rate that :func:`_response_shown` keeps."""
    out = b.cmp.outcomes
    for name in _response_names(out):
        rows = out.filter(pl.col("outcome") == name)
        if not _response_shown(b.cmp, name, rows):
            continue
        var, _, level = name.partition(":")
        cells = {r["cohort"]: b.mark(r["cohort"], _field_key(var, level, r), _count_cell(r, at_time="@" not in name))
                 for r in rows.iter_rows(named=True)}  # fmt: skip
        label = _response_label(b, rows, var, level, name)
        only_primary = not b.cmp.shows(rows["cohort"].to_list()) and "@" not in name  # why a row of one cohort shows
        label += " (a primary endpoint)" if only_primary and rows["primary"].any() else ""
        b.add("Outcomes", label, {c: cells.get(c, MISSING) for c in b.ids})


def _field_key(var: str, level: str, r: dict[str, Any]) -> str:
    """The checks' field of a response row (``outcome.best_response.PR``, ``rate.ORR``, ``rate.ORR.12w``)."""
    if is_named_proportion(f"{var}:{level}"):
        return f"proportion.{var}:{level}.count"
    if level:
        return f"outcome.{var}.{level}"
    base = var.partition("@")[0]
    return f"rate.{base}" if r["time_months"] is None else f"rate.{base}.{_when(r)}"


def _when(r: dict[str, Any]) -> str:
    from ..outcomes import row_time_suffix

    return row_time_suffix(r) or ""


def _response_label(b: _Builder, rows: pl.DataFrame, var: str, level: str, name: str) -> str:
    """The level's printed label ("Partial response, N (%)"); a yes/no outcome's printed entry label ("Complete
    surgical remission, n (%)"); else the harmonized name ("Best overall response: PR, n (%)")."""
    if not level:
        return _response_rate_label(name, rows)
    if is_named_proportion(name):  # a primary named proportion: its printed label, else its name
        return _labels(b, rows, "entry_label") or name
    printed = _labels(b, rows, "level_label") or (_labels(b, rows, "entry_label") if level == "yes" else None)
    return printed or f"{VARIABLES[var].label}: {level}, n (%)"


def _response_rate_label(name: str, rows: pl.DataFrame) -> str:
    """"ORR (CR + PR)" when every cell sums response levels; "(CR + PR unless the cell says otherwise)" when some
    cells are printed counts or say how their count is known; "ORR" when none sums levels. A response read at a
    stated time is named with it: "ORR at 12 weeks (2.8 months)"."""
    if "@" in name:
        return f"{name.partition('@')[0]} at {_time_words(rows.row(0, named=True))}"
    kinds = [f if d else None for f, d in zip(rows["derived_from"].to_list(), rows["derived"].to_list(), strict=True)]
    sums = {f for f in kinds if f is not None and f not in _HOW_DERIVED}
    if len(sums) != 1:
        return name
    levels = sums.pop().replace("+", " + ")
    return f"{name} ({levels})" if all(f is not None and f not in _HOW_DERIVED for f in kinds) else \
        f"{name} ({levels} unless the cell says otherwise)"


def _tte_endpoint(rows: pl.DataFrame, cid: str, cmp: Comparison) -> str | None:
    """The endpoint the cohort is compared on (the comparison's rule), when the table has rows for it."""
    mine = rows.filter(pl.col("cohort") == cid, pl.col("endpoint") != "OS")
    chosen = cmp.compared_endpoints.get(cid)
    if chosen is not None and not mine.filter(pl.col("endpoint") == chosen).is_empty():
        return chosen
    return None if mine.is_empty() else mine["endpoint"][0]


def _endpoint_cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return MISSING
    if r["statistic"] == "median":
        unit = f" {r['unit']}" if r["unit"] not in (None, "months") else ""
        kind = f" [{r['interval_type']}]" if r["interval_type"] else (
            " [interval type not stated]" if r["ci_low"] is not None or r["upper_nr"] else "")
        return f"{r['printed']}{unit}{kind}"
    if r["statistic"] == "rate":
        how = _ESTIMATOR.get(r["estimator"] or "", "")
        if r["estimator"] == "binomial" and r.get("n") is None:
            how = "binomial"  # a binomial proportion printed without its count: no "n/N" to point at (K14)
        if r["ci_low"] is None:
            return r["printed"] + (f" [{how}]" if how else "")
        if r["ci_method"] and r["ci_method"] != "published":
            name = f"{CI_METHOD_NAMES[r['ci_method']]} {interval_label(r['ci_level'])}"
            return f"{r['printed']} [{how + '; ' if how else ''}{name} {_pct(r['ci_low'])}–{_pct(r['ci_high'])}]"
        return f"{r['printed']} [{how + '; ' if how else ''}{r['interval_type'] or 'interval type not stated'}]"
    return _of_denominator(r["printed"], r["denominator"])


def _of_denominator(printed: str, denominator: int | None) -> str:
    """A printed count with " of N" added, unless it already prints its denominator ("15/33", "15 of 33").

    >>> _of_denominator("15", 33), _of_denominator("15/33 (45.45%)", 33), _of_denominator("15 of 33", 33)
    ('15 of 33', '15/33 (45.45%)', '15 of 33')
    """
    if not denominator or re.search(rf"(?:/|\bof)\s*{denominator}\b", printed):
        return printed
    return f"{printed} of {denominator}"


_ESTIMATOR = {"kaplan-meier": "Kaplan-Meier", "binomial": "binomial (observed n/N)"}


def _rate_cell(match: pl.DataFrame) -> str:
    """One landmark rate per estimator, the chosen report first: a Kaplan-Meier (or unstated) rate and the
    observed count beside it when the source prints both, each labelled by its estimator — a rate is never shown
    as a count."""
    rows = list({r["rate_basis"]: r for r in reversed(match.rows(named=True))}.values())[::-1]
    if len(rows) == 1:
        return _endpoint_cell(rows[0])
    parts = []
    for r in rows:
        basis = r["rate_basis"]
        shown = r | {"estimator": "binomial"} if basis == "observed" else r
        cell = _endpoint_cell(shown)
        parts.append(cell if basis != "unspecified" else f"{cell} [estimator not stated]")
    return "; ".join(parts)


def _rate_label(r: dict[str, Any]) -> str:
    """ "Rate at 6 months"; a time printed in another unit keeps it: "Rate at 8 weeks (1.8 months)"."""
    return f"Rate at {_time_words(r)}"


def _endpoint_rows(b: _Builder, section: str, chosen: dict[str, str | None]) -> None:
    out = b.cmp.outcomes.filter(pl.col("endpoint").is_not_null())
    b.add(section, "Endpoint", {c: f"{ENDPOINTS[e]} ({e})" if e else MISSING for c, e in chosen.items()})
    keys = out.select("statistic", "time_months").unique().sort("statistic", "time_months", nulls_last=True)
    for stat, t in keys.iter_rows():
        if stat == "rate":
            first = out.filter(pl.col("statistic") == "rate", pl.col("time_months") == t).row(0, named=True)
            label = _rate_label(first)
        else:
            label = {"median": "Median, months (unless stated)", "censored": "Censored, n (%)",
                     "events": "Events, n"}[stat]
        cells = {}
        for cid, ep in chosen.items():
            match = out.filter(pl.col("cohort") == cid, pl.col("endpoint") == (ep or ""), pl.col("statistic") == stat)
            if stat == "rate":
                match = match.filter(pl.col("time_months") == t)
            key = f"endpoint.{ep}.{stat}" + (f".{_when(match.row(0, named=True))}" if stat == "rate"
                                              and not match.is_empty() else "")
            cell = _rate_cell(match) if stat == "rate" and not match.is_empty() else \
                _endpoint_cell(match.row(0, named=True) if not match.is_empty() else None)
            cells[cid] = b.mark(cid, key, cell)
        if any(v != MISSING for v in cells.values()):
            b.add(section, label, cells)
    if section != "Overall survival":
        _other_endpoint_row(b, section, out, chosen)


def _other_endpoint_row(b: _Builder, section: str, out: pl.DataFrame, chosen: dict[str, str | None]) -> None:
    """The median of another event-/progression-free endpoint a cohort also reports (e.g. the reference's PFS beside
    its EFS), so that like can be set beside like."""
    cells = {}
    for cid, ep in chosen.items():
        other = out.filter(pl.col("cohort") == cid, pl.col("statistic") == "median",
                           ~pl.col("endpoint").is_in([ep or "", "OS"]))
        cells[cid] = "; ".join(f"{r['endpoint']} {_endpoint_cell(r)}" for r in other.iter_rows(named=True)) or MISSING
    if any(v != MISSING for v in cells.values()):
        b.add(section, "Median of another endpoint also reported", cells)


def _displayed(cmp: Comparison, decimals: int | None) -> Comparison:
    """The comparison with its printed strings as they are to be shown (:func:`~trialcompare.descriptor.printed.
    display`: rounded half away from zero on the decimal string when ``decimals`` is given, else unchanged)."""
    if decimals is None:
        return cmp
    from dataclasses import replace

    from ..descriptor.printed import display

    def shown(df: pl.DataFrame) -> pl.DataFrame:
        if "printed" not in df.columns:
            return df
        return df.with_columns(pl.col("printed").map_elements(lambda v: display(v, decimals), return_dtype=pl.String))

    return replace(cmp, baseline=shown(cmp.baseline), outcomes=shown(cmp.outcomes),
                   study_baseline=shown(cmp.study_baseline))


def table_iv(cmp: Comparison, descriptors: Mapping[str, Any] | None = None,
             marks: Mapping[tuple[str, str], str] | None = None, decimals: int | None = None,
             factors: pl.DataFrame | None = None) -> pl.DataFrame:
    """The Table IV layout: rows = harmonized variables/levels, columns = cohorts (reference first).

    Parameters
    ----------
    cmp : Comparison
        Result of :func:`trialcompare.compare`.
    descriptors : dict of str to Descriptor, optional
        Descriptors by id, for the design rows (taken from the comparison when omitted).
    marks : mapping of (cohort, field) to str, optional
        Footnote marks of known errors, by cohort and field path ("endpoint.PFS.median", "baseline.ecog").
    decimals : int, optional
        Display rounding of the printed values (a spec's ``display: {decimals: n}``): numbers printed with more
        decimals are rounded half away from zero on their decimal string ("10.85" → "10.9"); default: as printed.
    factors : polars.DataFrame, optional
        The appraisal's factors (:func:`trialcompare.appraise.factors.tsd18_factors`): their SMD (one per factor,
        signed, with its imbalance judgement) replaces the comparison's for the variables they cover.

    Returns
    -------
    polars.DataFrame
        String cells; columns ``section``, ``row`` and one per cohort (``"Label [reference] (N=..)"``).
    """
    cmp = _displayed(cmp, decimals)
    b = _Builder(cmp, marks)
    descriptors = descriptors or cmp.descriptors
    if descriptors:
        _design_rows(b, descriptors)
    _baseline_rows(b, factors)
    _study_rows(b)
    _response_rows(b)
    out = cmp.outcomes.filter(pl.col("endpoint").is_not_null())
    chosen = {c: _tte_endpoint(out, c, cmp) for c in b.ids}
    _endpoint_rows(b, "Event-/progression-free survival", chosen)
    with_os = set(out.filter(pl.col("endpoint") == "OS")["cohort"].to_list())
    if with_os:  # a cohort printing nothing of OS has no OS to name in the "Endpoint" row
        _endpoint_rows(b, "Overall survival", {c: "OS" if c in with_os else None for c in b.ids})
    return b.frame()
