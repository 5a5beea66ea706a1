"""Weighted Kaplan-Meier summaries of the IPD arm beside the comparator's published figures (private module).

The MAIC-weighted Kaplan-Meier curve of the IPD estimates the IPD treatment's survival in the comparator's
population (:func:`trialcompare.survival.kaplan_meier` with ``weights``: R ``survfit(..., weights = w)``, robust
infinitesimal-jackknife variance for non-integer weights, ``conf.type = "log"`` as R's default). Its median and
landmark rates are set beside the unweighted IPD curve and beside what the comparator printed (and, when its
descriptor has a digitised curve, the Kaplan-Meier of the reconstructed pseudo-IPD).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from ..survival import kaplan_meier

__all__ = ["CURVE_SCHEMA", "SURVIVAL_SCHEMA", "comparator_survival", "km_curves", "km_summary", "landmark_times"]

SURVIVAL_SCHEMA = {
    "source": pl.String, "endpoint": pl.String, "statistic": pl.String, "time": pl.Float64, "estimate": pl.Float64,
    "lower": pl.Float64, "upper": pl.Float64, "printed": pl.String, "location": pl.String, "ess": pl.Float64,
}
CURVE_SCHEMA = {"curve": pl.String, "time": pl.Float64, "survival": pl.Float64, "ci_low": pl.Float64,
                "ci_high": pl.Float64, "n_censor": pl.Float64}
DEFAULT_LANDMARKS = (6.0, 12.0)
CONF_TYPE = "log"  # R survfit's default


def km_summary(
    time: ArrayLike, event: ArrayLike, weights: ArrayLike | None, landmarks: ArrayLike, source: str,
    endpoint: str | None, level: float = 0.95,
) -> list[dict[str, Any]]:
    """Median and landmark survival (with log-scale intervals) of one, possibly weighted, Kaplan-Meier curve.

    Parameters
    ----------
    time, event : array_like
        Follow-up times and 0/1 events.
    weights : array_like or None
        Case weights (MAIC weights), or None for the unweighted curve.
    landmarks : array_like
        Times (same unit as ``time``) at which the survival probability is read.
    source : str
        Label of the curve (e.g. ``"IPD, MAIC-weighted"``).
    endpoint : str or None
        Endpoint name shown with the rows.
    level : float
        Confidence level.

    Returns
    -------
    list of dict
        Rows of :data:`SURVIVAL_SCHEMA`: ``statistic`` ``"median"`` (``time`` null) or ``"rate"`` (at ``time``);
        limits not reached are None. ``ess`` is the Kish effective sample size of the weights.

    Examples
    --------
    >>> rows = km_summary([1, 2, 3, 4], [1, 1, 1, 1], [1, 1, 1, 1], [2], "IPD", "PFS")
    >>> [(r["statistic"], r["time"], r["estimate"]) for r in rows]
    [('median', None, 2.5), ('rate', 2.0, 0.5)]
    """
    w = None if weights is None else np.asarray(weights, dtype=float)
    km = kaplan_meier(time, event, CONF_TYPE, level, weights=w)
    ess = float(np.size(time)) if w is None else float(w.sum() ** 2 / np.sum(w**2))
    est, lo, hi = km.quantile(0.5)
    rows = [_row(source, endpoint, "median", None, est, lo, hi, ess)]
    for t in np.asarray(landmarks, dtype=float):
        s, lo, hi = km.survival_at(float(t))
        rows.append(_row(source, endpoint, "rate", float(t), s, lo, hi, ess))
    return rows


def _row(source: str, endpoint: str | None, statistic: str, time: float | None, est: float | None,
         lo: float | None, hi: float | None, ess: float | None, printed: str | None = None,
         location: str | None = None) -> dict[str, Any]:
    return {"source": source, "endpoint": endpoint, "statistic": statistic, "time": time, "estimate": est,
            "lower": lo, "upper": hi, "printed": printed, "location": location, "ess": ess}


def km_curves(time: ArrayLike, event: ArrayLike, weights: ArrayLike, level: float = 0.95) -> pl.DataFrame:
    """The unweighted and the MAIC-weighted Kaplan-Meier curves of the IPD, as one frame for plotting.

    Parameters
    ----------
    time, event : array_like
        IPD follow-up times and 0/1 events.
    weights : array_like
        MAIC weights.
    level : float
        Confidence level of the pointwise (log-scale) limits.

    Returns
    -------
    polars.DataFrame
        :data:`CURVE_SCHEMA`: ``curve`` (``"unweighted"``, ``"MAIC-weighted"``), ``time``, ``survival``,
        ``ci_low``, ``ci_high``, ``n_censor`` (weighted for the weighted curve) at every distinct time.

    Examples
    --------
    >>> km_curves([1, 2, 3], [1, 0, 1], [1.0, 2.0, 1.0])["curve"].unique(maintain_order=True).to_list()
    ['unweighted', 'MAIC-weighted']
    """
    frames = []
    for name, w in (("unweighted", None), ("MAIC-weighted", weights)):
        t = kaplan_meier(time, event, CONF_TYPE, level, weights=w).table
        frames.append(t.select(pl.lit(name).alias("curve"), "time", "survival", "ci_low", "ci_high",
                               pl.col("n_censor").cast(pl.Float64)))
    # polars' stub types cast's mapping with an invariant key (str | Selector | DataType), which no dict[str, ...]
    # can match
    return pl.concat(frames).cast(CURVE_SCHEMA)  # type: ignore[arg-type]


def comparator_survival(frame: pl.DataFrame, cohort: str, endpoint: str) -> list[dict[str, Any]]:
    """The comparator's printed medians and landmark rates of an endpoint (months), one row each.

    Parameters
    ----------
    frame : polars.DataFrame
        The harmonized long frame of the CohortSet.
    cohort : str
        The comparator's id.
    endpoint : str
        Endpoint name (case-insensitive).

    Returns
    -------
    list of dict
        Rows of :data:`SURVIVAL_SCHEMA` with ``source`` ``"comparator (published)"``; rates as proportions
        (the printed percentage / 100), with the printed text and where it was printed.
    """
    rows = frame.filter(pl.col("cohort") == cohort, pl.col("section") == "endpoint",
                        pl.col("variable").str.to_uppercase() == endpoint.upper(),
                        pl.col("statistic").is_in(["median", "rate"]))
    out = []
    for r in rows.iter_rows(named=True):
        values: tuple[float | None, float | None, float | None]
        if r["statistic"] == "median":
            values = (r.get("value_months"), r.get("lower_months"), r.get("upper_months"))
            time = None
        else:
            value, lower, upper = (None if v is None else v / 100 for v in (r["value"], r["lower"], r["upper"]))
            values = (value, lower, upper)
            time = r.get("months")
        if values[0] is None or (r["statistic"] == "rate" and time is None):
            continue
        out.append(_row("comparator (published)", r["variable"], r["statistic"], time, *values, None,
                        printed=r["printed"], location=r["location"]))
    return out


def landmark_times(published: list[dict[str, Any]]) -> list[float]:
    """The landmark times the comparator printed (sorted), or 6 and 12 months when it printed none."""
    times = sorted({float(r["time"]) for r in published if r["statistic"] == "rate"})
    return times or list(DEFAULT_LANDMARKS)
