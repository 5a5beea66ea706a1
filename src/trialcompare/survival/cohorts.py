"""Digitised Kaplan-Meier curves → reconstructed patient data → KM, RMST and an unanchored HR.

When descriptors carry a digitised curve (``endpoints[].curve``: a CSV of ``time,survival`` with the published
numbers at risk), individual patient data are reconstructed by the algorithm of Guyot et al. (2012) and analysed
as if they were observed: Kaplan-Meier median, RMST up to a common horizon τ, and — against the reference cohort's
curve — the log-rank test and a Cox hazard ratio. Every such comparison is unanchored and non-randomised, and
reconstruction adds its own error; results are labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from ..load import Cohort, CohortSet
from ..rules import evidence_between

if TYPE_CHECKING:
    from ..descriptor.models import Descriptor

__all__ = ["CurveData", "curve_data", "curve_summary"]


@dataclass(frozen=True)
class CurveData:
    """One cohort's digitised curve of one endpoint and the patient data reconstructed from it.

    Attributes
    ----------
    cohort, label, endpoint : str
        The cohort's id and label, and the endpoint.
    times, survival : list of float
        The digitised curve.
    ipd : polars.DataFrame
        The reconstructed patient data (``time``, ``event``).
    risk_times : list of float
    n_at_risk : list of int
        The numbers at risk printed under the curve, at ``risk_times``.
    location : str
        Where the curve is printed.
    descriptor : Descriptor or None
    """

    cohort: str
    label: str
    endpoint: str
    times: list[float]
    survival: list[float]
    ipd: pl.DataFrame
    risk_times: list[float]
    n_at_risk: list[int]
    location: str
    descriptor: Descriptor | None = None


def _read_curve(path: Path) -> tuple[list[float], list[float]]:
    """The curve as validated by ``validate`` (one reader for both: what passes validate is what is analysed)."""
    from ..load import read_curve

    return read_curve(path)


def _cohort_curves(cohort: Cohort) -> list[CurveData]:
    from ._guyot import reconstruct_ipd

    out = []
    for ep in cohort.descriptor.endpoints:
        if ep.curve is None:
            continue
        times, surv = _read_curve(cohort.path.parent / ep.curve.file)
        risk_times = ep.curve.risk_times or [0.0]
        n_at_risk = ep.curve.n_at_risk or [cohort.descriptor.population.n]
        ipd = reconstruct_ipd(times, surv, risk_times, n_at_risk, total_events=ep.curve.total_events)
        out.append(CurveData(cohort.id, cohort.descriptor.label, ep.name, times, surv, ipd, list(risk_times),
                             list(n_at_risk), ep.curve.at, cohort.descriptor))
    return out


def curve_data(cohorts: CohortSet) -> list[CurveData]:
    """Every digitised curve of a cohort set, with reconstructed patient data.

    Parameters
    ----------
    cohorts : CohortSet

    Returns
    -------
    list of CurveData
    """
    return [c for cohort in cohorts for c in _cohort_curves(cohort)]


_SUMMARY_SCHEMA = {
    "cohort": pl.String, "endpoint": pl.String, "n": pl.Int64, "events": pl.Int64, "median": pl.Float64,
    "median_low": pl.Float64, "median_high": pl.Float64, "tau": pl.Float64, "rmst": pl.Float64,
    "rmst_se": pl.Float64, "hr_vs_reference": pl.Float64, "hr_low": pl.Float64, "hr_high": pl.Float64,
    "logrank_p": pl.Float64, "ipd": pl.String, "evidence": pl.String,
}
"""``ipd`` says where the patient data come from ("reconstructed": Guyot from a digitised curve); ``evidence`` is
the evidence type of the comparison with the reference (a code of :data:`trialcompare.options.EVIDENCE`)."""


def _versus(ref: CurveData, other: CurveData) -> dict[str, float | None]:
    import numpy as np

    from ._cox import cox_ph
    from ._logrank import logrank_test

    both = pl.concat([ref.ipd.with_columns(pl.lit(0).alias("g")), other.ipd.with_columns(pl.lit(1).alias("g"))])
    time, event, group = both["time"].to_numpy(), both["event"].to_numpy(), both["g"].to_numpy()
    try:
        cox = cox_ph(time, event, group.astype(float))
        test = logrank_test(time, event, group)
    except ValueError:
        return {}
    return {"hr_vs_reference": float(cox.hr), "hr_low": float(cox.ci_low), "hr_high": float(cox.ci_high),
            "logrank_p": float(test.p) if np.isfinite(test.p) else None}


def curve_summary(curves: list[CurveData], reference: str | None = None, tau: float | None = None) -> pl.DataFrame:
    """KM median (log-log CI), RMST up to τ and, per endpoint, Cox HR and log-rank p against the reference.

    Parameters
    ----------
    curves : list of CurveData
        From :func:`curve_data`.
    reference : str, optional
        Cohort id whose curve of the same endpoint is the comparator (no comparison when it has none).
    tau : float, optional
        RMST horizon; default the smallest last follow-up time among the curves of an endpoint.

    Returns
    -------
    polars.DataFrame
        One row per curve.
    """
    from ._km import kaplan_meier, rmst

    rows = []
    for c in curves:
        same = [x for x in curves if x.endpoint == c.endpoint]
        horizon = tau or min(float(x.ipd["time"].to_numpy().max()) for x in same)
        km = kaplan_meier(c.ipd["time"].to_numpy(), c.ipd["event"].to_numpy())
        est, se = rmst(c.ipd["time"].to_numpy(), c.ipd["event"].to_numpy(), horizon)
        lo, hi = km.median_ci
        row = {"cohort": c.cohort, "endpoint": c.endpoint, "n": c.ipd.height, "events": int(c.ipd["event"].sum()),
               "median": km.median, "median_low": lo, "median_high": hi, "tau": horizon, "rmst": est,
               "rmst_se": se, "ipd": "reconstructed", "evidence": None}
        ref = next((x for x in same if x.cohort == reference), None)
        if ref is not None and ref is not c:
            row |= _versus(ref, c)
            row["evidence"] = (evidence_between(c.descriptor, ref.descriptor)
                               if c.descriptor is not None and ref.descriptor is not None else "unanchored")
        rows.append(row)
    return pl.DataFrame(rows, schema=_SUMMARY_SCHEMA, orient="row") if rows else pl.DataFrame(schema=_SUMMARY_SCHEMA)
