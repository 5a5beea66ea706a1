"""The table of descriptive differences against the reference (risk differences with their interval, evidence,
overlap; exploratory odds ratios and tests), re-exported by :mod:`trialcompare.render.tables`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from ..options import interval_label

if TYPE_CHECKING:
    from ..comparison import Comparison

__all__ = ["difference_label", "differences_table"]


def _pct(x: float | None) -> str:
    """A proportion in percent to one decimal; "–" for none (shared with the Table IV layout)."""
    return "–" if x is None else f"{100 * x:.1f}"


def difference_label(r: dict[str, Any]) -> str:
    """The outcome of a difference row in words.

    Parameters
    ----------
    r : dict
        A row of :attr:`trialcompare.comparison.Comparison.differences` (``outcome``, ``time_months``, ``time``,
        ``unit``).

    Returns
    -------
    str
        "PR", "CSR yes", "PFS rate at 8 weeks (1.8 months)".

    Examples
    --------
    >>> difference_label({"outcome": "PFS:rate", "time_months": 56 / 30.4375, "time": 8.0, "unit": "weeks"})
    'PFS rate at 8 weeks (1.8 months)'
    """
    from ..outcomes import time_words

    name = r["outcome"].replace("best_response:", "").replace("surgical_remission:", "CSR ").replace(":rate", " rate")
    if r["time_months"] is None:
        return name
    return f"{name} at {time_words(r['time_months'], r.get('time'), r.get('unit'))}"


_NOT_ESTIMABLE = {"no-events": "no events in either cohort", "all-events": "every patient had the event in both"}


_SHARED = {"shares-registration": "shared registration", "shares-centre": "shared centre, overlapping accrual"}
_OVERLAP = {"shares-registration": "may share patients (shared registration): no test",
            "shares-centre": "may share patients (shared centre, overlapping accrual): no test"}


def _rd_cell(r: dict[str, Any]) -> str:
    if r.get("comparable") is False:
        return f"not comparable ({r['not_comparable_reason']})"
    if not r["estimable"]:
        return f"not estimable ({_NOT_ESTIMABLE[r['not_estimable_reason']]})"
    return f"{_pct(r['risk_difference'])} ({_pct(r['rd_low'])}, {_pct(r['rd_high'])})"


def _test_cells(r: dict[str, Any]) -> tuple[str, str]:
    if r["odds_ratio"] is not None:
        return f"{r['odds_ratio']:.2f} ({r['or_low']:.2f}, {r['or_high']:.2f})", f"{r['fisher_p']:.3g}"
    if r.get("overlap") in _OVERLAP:
        return _OVERLAP[r["overlap"]], "–"
    return "–", "–"


def differences_table(cmp: Comparison) -> pl.DataFrame:
    """Format the differences of each cohort against the reference.

    Descriptive risk differences with their intervals; odds ratios and Fisher p only where the comparison
    computed them (its ``exploratory=True`` option), in columns labelled exploratory.

    Parameters
    ----------
    cmp : Comparison

    Returns
    -------
    polars.DataFrame
        ``outcome, cohort, evidence, estimator, counts, risk difference (<level> CI)``; ``may share patients`` when
        a cohort may (:func:`trialcompare.rules.pooling_exclusion`); and, when any row has them,
        ``odds ratio (<level> CI), exploratory`` and ``Fisher p, exploratory``.
    """
    rows = []
    ci = interval_label(cmp.options.level)
    tested = cmp.differences["odds_ratio"].is_not_null().any() if cmp.differences.height else False
    has_overlap = "overlap" in cmp.differences.columns and cmp.differences["overlap"].is_not_null().any()
    for r in cmp.differences.iter_rows(named=True):
        row = {
            "outcome": difference_label(r),
            "cohort": cmp.labels[r["cohort"]],
            "evidence": r["evidence"],
            "estimator": r.get("estimator") or "binomial",
            "counts": f"{r['n']}/{r['denominator']} vs {r['ref_n']}/{r['ref_denominator']}",
            f"risk difference ({ci})": _rd_cell(r),
        }
        if has_overlap:
            row["may share patients"] = _SHARED.get(r.get("overlap") or "", "")
        if tested:
            orr, p = _test_cells(r) if r["estimable"] and r.get("comparable") is not False else ("–", "–")
            row |= {f"odds ratio ({ci}), exploratory": orr, "Fisher p, exploratory": p}
        rows.append(row)
    return pl.DataFrame(rows) if rows else pl.DataFrame(schema={"outcome": pl.String})


# ---------------------------------------------------------------------------------------------------------------
# exports
# ---------------------------------------------------------------------------------------------------------------
