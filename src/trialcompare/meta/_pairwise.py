"""Each pooled cohort against a reference: RD, RR, Fisher p, fragility, E-value (the meta suite)."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

# --------------------------------------------------------------------------------------------------
# pairwise
# --------------------------------------------------------------------------------------------------


def risk_ratio(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> tuple[float, float, float]:
    """Risk ratio x1/n1 ÷ x2/n2 with the log (Katz) interval, as metafor ``escalc(measure = "RR")``.

    0.5 is added to every cell of the 2×2 table only when one cell is 0 (``add = 1/2, to = "only0"``).

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and totals of group 1 and group 2.
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(rr, low, high)``.

    Raises
    ------
    ValueError
        Counts that are not whole numbers with 0 <= x <= n and n > 0 (e.g. x > n), or a level outside (0, 1).

    Examples
    --------
    >>> [round(v, 4) for v in risk_ratio(10, 20, 5, 20)]
    [2.0, 0.8325, 4.8051]
    """
    from scipy import stats

    from ..stats.proportions import _check_2x2, _z

    x1, n1, x2, n2 = _check_2x2(x1, n1, x2, n2)
    _z(level)

    a, b, c, d = float(x1), float(n1 - x1), float(x2), float(n2 - x2)
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_rr = math.log(a / (a + b)) - math.log(c / (c + d))
    se = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    z = float(stats.norm.isf((1 - level) / 2))
    return math.exp(log_rr), math.exp(log_rr - z * se), math.exp(log_rr + z * se)


_PAIR_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "reference": pl.String, "outcome": pl.String, "events": pl.Int64, "total": pl.Int64,
    "ref_events": pl.Int64, "ref_total": pl.Int64, "risk_difference": pl.Float64, "rd_low": pl.Float64,
    "rd_high": pl.Float64, "risk_ratio": pl.Float64, "rr_low": pl.Float64, "rr_high": pl.Float64,
    "fisher_p": pl.Float64, "fragility_index": pl.Int64, "reverse_fragility_index": pl.Int64,
    "e_value": pl.Float64, "e_value_ci": pl.Float64, "approximate": pl.Boolean, "evidence": pl.String,
}  # fmt: skip


def _pair_row(row: dict[str, Any], ref: dict[str, Any], outcome: str, level: float, evidence: str) -> dict[str, Any]:
    from ..stats.proportions import fisher_exact, risk_difference
    from ..stats.sensitivity import e_value, fragility_index, reverse_fragility_index

    args = (row["events"], row["total"], ref["events"], ref["total"])
    rd, rd_lo, rd_hi = risk_difference(*args, method="newcombe", level=level)
    rr, rr_lo, rr_hi = risk_ratio(*args, level=level)
    e_point, e_ci = e_value(rr, rr_lo, rr_hi)
    return {"cohort": row["cohort"], "reference": ref["cohort"], "outcome": outcome, "events": args[0],
            "total": args[1], "ref_events": args[2], "ref_total": args[3], "risk_difference": rd, "rd_low": rd_lo,
            "rd_high": rd_hi, "risk_ratio": rr, "rr_low": rr_lo, "rr_high": rr_hi, "fisher_p": fisher_exact(*args),
            "fragility_index": fragility_index(*args), "reverse_fragility_index": reverse_fragility_index(*args),
            "e_value": e_point, "e_value_ci": e_ci, "approximate": bool(row["approximate"] or ref["approximate"]),
            "evidence": evidence}  # fmt: skip
