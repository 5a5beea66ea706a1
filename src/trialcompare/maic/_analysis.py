"""One MAIC/STC comparison of an IPD cohort against a comparator's descriptor, as data (private module).

:func:`maic_analysis` ties the pieces together — targets from the comparator's descriptor, weights, weighted
effects with sandwich (and optionally bootstrap) intervals, the unadjusted effect and the STC — and returns a
frozen :class:`MaicAnalysis` of polars frames and dataclasses that a renderer formats without computing.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from ._anchored import AnchoredResult, anchored_maic
from ._balance import BALANCE_SCHEMA, full_balance
from ._bootstrap import MAX_FAILED_SHARE, BootstrapResult, bootstrap_hazard_ratio, bootstrap_odds_ratio
from ._diagnostics import WeightDiagnostics, weight_diagnostics
from ._effects import (
    Estimate,
    weighted_hazard_ratio,
    weighted_odds_ratio,
    weighted_risk_difference,
    weighted_risk_ratio,
)
from ._eligibility import Criterion, EligibilityResult, apply_eligibility, comparator_criteria
from ._gcomp import MarginalStcResult, StcFailure, stc_failure, stc_marginal_binary, stc_marginal_survival
from ._ipd import ARM_COLUMN
from ._stc import StcResult
from ._survival import CURVE_SCHEMA, SURVIVAL_SCHEMA, comparator_survival, km_curves, km_summary, landmark_times
from ._targets import CohortTargets, MappingEntry, check_columns, targets_from_cohort
from ._weights import MaicWeights, maic_weights

__all__ = ["EFFECT_SCHEMA", "MaicAnalysis", "maic_analysis"]

EFFECT_SCHEMA = {
    "measure": pl.String, "method": pl.String, "estimate": pl.Float64, "lower": pl.Float64, "upper": pl.Float64,
    "level": pl.Float64, "interval": pl.String, "scale": pl.String, "evidence": pl.String, "ess": pl.Float64,
    "primary": pl.Boolean,
}
#: Resamples drawn when the ESS calls for the bootstrap interval (ESS < 30) and none were asked for.
DEFAULT_BOOT = 2000
#: Resamples of the marginal STC's percentile interval when no bootstrap was asked for.
STC_BOOT = 1000


@dataclass(frozen=True)
class MaicAnalysis:
    """A population-adjusted comparison of an IPD cohort with a comparator cohort's published aggregates.

    Attributes
    ----------
    comparator : str
        The comparator cohort's id.
    outcome : str
        ``"orr"`` (binary response) or a time-to-event endpoint name (``"PFS"``, ...).
    weights : MaicWeights
        The MAIC weights and their balance.
    targets : CohortTargets
        Targets, their sources and the unmatched factors.
    effects : polars.DataFrame
        One row per estimate: ``measure`` (OR, RR, RD, HR), ``method`` (unadjusted, MAIC, MAIC bootstrap,
        STC), ``estimate``, ``lower``, ``upper``, ``level``, ``interval`` (how the interval was made),
        ``scale`` (marginal or conditional), ``evidence`` (always ``unanchored``), ``ess``.
    stc : StcResult or None
        The STC estimate with its assumption and non-collapsibility flag.
    bootstrap : BootstrapResult or None
        The bootstrap, when requested.
    comparator_data : dict
        What was used of the comparator: ``events``/``n`` and where printed, or the pseudo-IPD size.
    survival : polars.DataFrame
        When the IPD has ``time``/``event``: median and landmark survival of the IPD's Kaplan-Meier curve,
        of all its patients when the eligibility criteria removed some (``"IPD, all patients"``), unweighted
        (``source`` ``"IPD"``: the eligible patients) and MAIC-weighted (``"IPD, MAIC-weighted"``; R ``survfit`` with
        ``weights``, robust variance, log-scale limits), beside the comparator's printed figures of the same
        endpoint (``"comparator (published)"``) and, with a digitised curve, its reconstructed pseudo-IPD
        (``"comparator (reconstructed)"``). Rates are proportions at ``time`` (months). Empty otherwise.
    curves : polars.DataFrame
        The unweighted and MAIC-weighted IPD curves (``curve, time, survival, ci_low, ci_high, n_censor``).
    stc_error : str or None
        Why the STC could not be estimated (e.g. separation: the outcome model has no finite maximum), when
        ``stc`` is None for that reason; the MAIC results stand without it. Kept for the report; the typed fact is
        ``stc_failure``.
    anchored_result : AnchoredResult or None
        With a two-arm IPD (``arm`` column): the anchored MAIC (weights on both arms pooled, weighted contrast
        within the IPD, Bucher against the comparator study's published effect). Everything else (weights,
        effects, survival, STC) then concerns the IPD's treatment arm alone against the comparator (unanchored).
    eligibility : EligibilityResult or None
        The comparator's inclusion criteria applied to the IPD before weighting: patients removed per criterion,
        criteria that could not be applied.
    balance : polars.DataFrame
        Every comparator variable and level and every mapped IPD column, before (all and eligible patients) and
        after weighting, matched or not (see ``trialcompare.maic._balance.full_balance``).
    stc_failure : StcFailure or None
        The same as a typed fact: ``code`` (``no_finite_maximum``, ``singular``, ``comparator_extreme``,
        ``invalid_input``) and the solver's ``detail``.
    diagnostics : WeightDiagnostics or None
        ESS, ESS/n, largest and top-5 weight shares, histogram, and the informativeness verdict with its
        thresholds. The ``primary`` column of ``effects`` marks the primary estimate: the bootstrap row when the
        verdict says the bootstrap is primary (ESS < 30), else the MAIC row.
    """

    comparator: str
    outcome: str
    weights: MaicWeights
    targets: CohortTargets
    effects: pl.DataFrame
    stc: StcResult | MarginalStcResult | None
    bootstrap: BootstrapResult | None
    comparator_data: dict[str, Any] = field(default_factory=dict)
    survival: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SURVIVAL_SCHEMA))
    curves: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CURVE_SCHEMA))
    anchored_result: AnchoredResult | None = None
    stc_error: str | None = None
    eligibility: EligibilityResult | None = None
    balance: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=BALANCE_SCHEMA))
    diagnostics: WeightDiagnostics | None = None
    stc_failure: StcFailure | None = None

    @property
    def verdict(self) -> str:
        """``"informative"`` or ``"uninformative"`` (the rule and its thresholds: ``diagnostics.verdict``)."""
        return (self.diagnostics or weight_diagnostics(self.weights.weights)).verdict.code

    @property
    def anchored(self) -> pl.DataFrame | None:
        """The anchored MAIC table (None for a single-arm IPD); see :class:`AnchoredResult`."""
        return None if self.anchored_result is None else self.anchored_result.table

    def __repr__(self) -> str:
        main = self.effects.filter(pl.col("method") == "MAIC")
        first = main.row(0, named=True) if main.height else None
        effect = "" if first is None else (
            f", {first['measure']}={first['estimate']:.3g} ({first['lower']:.3g}, {first['upper']:.3g})")
        return (f"MaicAnalysis(comparator={self.comparator!r}, outcome={self.outcome!r}, n={self.weights.n}, "
                f"ess={self.weights.ess:.1f}{effect}, unmatched={len(self.targets.unmatched)}, unanchored, "
                f"{self.verdict}"
                + ("" if self.anchored_result is None else ", with an anchored MAIC") + ")")

    def _repr_html_(self) -> str:
        esc = html.escape
        cells = ("measure", "method", "estimate", "lower", "upper", "interval", "scale")
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(_cell(r[c]))}</td>" for c in cells) + "</tr>"
            for r in self.effects.iter_rows(named=True)
        )
        unmatched = ", ".join(esc(u.factor) for u in self.targets.unmatched) or "none"
        return (f"<div><p>Unanchored MAIC against {esc(self.comparator)} ({esc(self.outcome)}): "
                f"{esc(self.verdict)}; not matched: {unmatched}</p>{self.weights._repr_html_()}<table><thead><tr>"
                + "".join(f"<th>{c}</th>" for c in cells) + f"</tr></thead><tbody>{body}</tbody></table></div>")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN and infinity as None).

        Returns
        -------
        dict
        """
        def clean(v: Any) -> Any:
            if isinstance(v, float) and not math.isfinite(v):
                return None
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            return v

        out = {
            "comparator": self.comparator, "outcome": self.outcome, "evidence": "unanchored",
            "n_ipd": self.weights.n, "ess": self.weights.ess, "converged": self.weights.converged,
            "targets": self.targets.targets, "target_sources": self.targets.sources.to_dicts(),
            "unmatched": self.targets.unmatched_frame.to_dicts(), "balance": self.weights.balance.to_dicts(),
            "effects": self.effects.to_dicts(), "comparator_data": self.comparator_data,
            "survival": self.survival.to_dicts(), "anchored": _anchored_dict(self.anchored_result),
            "stc": None if self.stc is None else dataclasses.asdict(self.stc),
            "stc_error": self.stc_error,
            "stc_failure": None if self.stc_failure is None else dataclasses.asdict(self.stc_failure),
            "bootstrap": None if self.bootstrap is None else {
                **{k: getattr(self.bootstrap, k) for k in self.bootstrap.__dataclass_fields__ if k != "replicates"},
                "max_failed_share": MAX_FAILED_SHARE},
            **self._appraisal_dict(),
        }
        return clean(out)

    def _appraisal_dict(self) -> dict[str, Any]:
        """Eligibility counts, the full balance, the weight diagnostics and the verdict, for ``to_dict``."""
        diag = self.diagnostics or weight_diagnostics(self.weights.weights)
        elig = self.eligibility
        return {
            "eligibility": None if elig is None else {
                "n_before": elig.n_before, "n_after": elig.n_after, "zero_levels": elig.zero_levels,
                "criteria": elig.criteria.to_dicts()},
            "balance_full": self.balance.to_dicts(),
            "diagnostics": {k: getattr(diag, k) for k in diag.__dataclass_fields__ if k != "verdict"},
            "verdict": {k: getattr(diag.verdict, k) for k in diag.verdict.__dataclass_fields__},
            "informative": diag.verdict.code == "informative",
        }


def _anchored_dict(res: AnchoredResult | None) -> dict[str, Any] | None:
    if res is None:
        return None
    arms = res.arms
    return {"evidence": "anchored", "treatment_arm": arms.treatment_label, "common_arm": arms.common_label,
            "treatment": arms.treatment, "common": arms.common, "comparator_treatment": arms.comparator_treatment,
            "published_effect": arms.effect, "weights_on": "both IPD arms pooled", "n_ipd": res.weights.n,
            "ess": res.weights.ess, "balance": res.weights.balance.to_dicts(), "estimates": res.table.to_dicts()}


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "NA" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def _comparator_response(frame: pl.DataFrame, cohort: str) -> dict[str, Any]:
    """Responders and patients of the comparator: the first printed ORR count, else CR + PR of best response."""
    mine = frame.filter(pl.col("cohort") == cohort)
    orr = mine.filter((pl.col("section") == "rate") & (pl.col("variable") == "ORR") & (pl.col("statistic") == "count")
                      & pl.col("n").is_not_null() & pl.col("denominator").is_not_null())
    if orr.height:
        return {"events": int(orr["n"][0]), "n": int(orr["denominator"][0]), "printed": orr["printed"][0],
                "location": orr["location"][0], "source": "ORR"}
    best = mine.filter((pl.col("section") == "outcome") & (pl.col("variable") == "best_response")
                       & pl.col("level").is_in(["CR", "PR"]) & (pl.col("statistic") == "count"))
    if best.height:
        where = best["location"][0]
        rows = best.filter(pl.col("location") == where)
        if rows["denominator"].n_unique() == 1:
            return {"events": int(rows["n"].sum()), "n": int(rows["denominator"][0]), "printed": None,
                    "location": where, "source": "best_response CR + PR"}
    raise ValueError(f"cohort {cohort!r} prints no objective response count (ORR or CR/PR of best response)")


def _comparator_curve(cohorts: Any, cohort: str, endpoint: str) -> pl.DataFrame:
    from ..survival.cohorts import curve_data

    for curve in curve_data(cohorts.subset([cohort]) if hasattr(cohorts, "subset") else cohorts):
        if curve.cohort == cohort and curve.endpoint.upper() == endpoint.upper():
            return curve.ipd
    raise ValueError(f"cohort {cohort!r} has no digitised {endpoint} curve: a hazard ratio needs the "
                     "comparator's (pseudo-)IPD")


def _row(
    measure: str, method: str, est: Estimate, level: float, interval: str, scale: str, ess: float | None
) -> dict:
    return {"measure": measure, "method": method, "estimate": est.estimate, "lower": est.lower, "upper": est.upper,
            "level": level, "interval": interval, "scale": scale, "evidence": "unanchored", "ess": ess,
            "primary": False}


def _stc_row(stc: StcResult | MarginalStcResult, level: float) -> dict:
    if isinstance(stc, MarginalStcResult):
        what = (f"percentile bootstrap ({stc.n_boot} resamples, seed {stc.seed}, {stc.n_failed} failed"
                + ("" if stc.valid else ": interval not reported") + f"; G-computation over {stc.n_sim} simulated "
                f"patients, {stc.model} outcome model" + (", Cox against the comparator" if stc.measure == "HR"
                                                          else "") + ")")
        return _row(stc.measure, "STC", Estimate(stc.estimate, stc.lower, stc.upper), level, what, "marginal",
                    None)
    return _row(stc.measure, "STC", Estimate(stc.estimate, stc.lower, stc.upper), level,
                f"Wald ({stc.model} outcome model)", "conditional", None)


def _mark_primary(rows: list[dict], bootstrap_primary: bool) -> list[dict]:
    """The primary estimate: the bootstrap row when the ESS calls for it (and it exists), else the first MAIC row."""
    wanted = "MAIC bootstrap" if bootstrap_primary and any(r["method"] == "MAIC bootstrap" for r in rows) else "MAIC"
    first = next((r for r in rows if r["method"] == wanted), None)
    return [{**r, "primary": r is first} for r in rows]


def _boot_row(boot: BootstrapResult, ess: float) -> dict:
    what = f"percentile bootstrap ({boot.n_boot} resamples, seed {boot.seed}, {boot.n_failed} without finite weights"
    if boot.valid:
        return _row(boot.measure, "MAIC bootstrap", Estimate(boot.estimate, boot.lower, boot.upper), boot.level,
                    what + ")", "marginal", ess)
    return _row(boot.measure, "MAIC bootstrap", Estimate(boot.estimate, math.nan, math.nan), boot.level,
                what + ": interval not reported)", "marginal", ess)


def _centre(targets: dict[str, dict[str, float]]) -> dict[str, float]:
    return {k: v["mean"] if "mean" in v else v["proportion"] for k, v in targets.items()
            if "mean" in v or "proportion" in v}


def _binary_effects(ipd: pl.DataFrame, w: MaicWeights, ct: CohortTargets, ref: dict, opts: dict) -> tuple:
    y = ipd["response"].to_numpy()
    e, n, level, vcov = ref["events"], ref["n"], opts["level"], opts["vcov"]
    ones = np.ones(y.size)
    rows = [
        _row("OR", "unadjusted", weighted_odds_ratio(y, ones, e, n, vcov, level), level, f"sandwich {vcov}",
             "marginal", float(y.size)),
        _row("OR", "MAIC", weighted_odds_ratio(y, w.weights, e, n, vcov, level), level, f"sandwich {vcov}",
             "marginal", w.ess),
        _row("RR", "MAIC", weighted_risk_ratio(y, w.weights, e, n, vcov, level), level, f"sandwich {vcov}",
             "marginal", w.ess),
        _row("RD", "MAIC", weighted_risk_difference(y, w.weights, e, n, vcov, level), level, f"sandwich {vcov}",
             "marginal", w.ess),
    ]
    boot = None
    if opts["n_boot"]:
        boot = bootstrap_odds_ratio(ipd, ct.targets, y, e, n, opts["n_boot"], opts["seed"], level)
    stc = _stc(stc_marginal_binary, ipd, y, ct.targets, e, n, n_boot=opts["n_boot"] or STC_BOOT,
               seed=opts["seed"], level=level)
    return rows, boot, stc


def _stc(fit: Any, *args: Any, **kwargs: Any) -> StcResult | MarginalStcResult | StcFailure:
    """The STC, or why it cannot be estimated (a typed :class:`StcFailure`): never fatal to the MAIC."""
    try:
        return fit(*args, **kwargs)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
        return stc_failure(exc)


def _tte_effects(ipd: pl.DataFrame, w: MaicWeights, ct: CohortTargets, ref: pl.DataFrame, opts: dict) -> tuple:
    t, d = ipd["time"].to_numpy(), ipd["event"].to_numpy()
    rt, rd = ref["time"].to_numpy(), ref["event"].to_numpy()
    level = opts["level"]
    rows = [
        _row("HR", "unadjusted", weighted_hazard_ratio(t, d, np.ones(t.size), rt, rd, level), level,
             "robust (Cox)", "marginal", float(t.size)),
        _row("HR", "MAIC", weighted_hazard_ratio(t, d, w.weights, rt, rd, level), level, "robust (Cox)",
             "marginal", w.ess),
    ]
    boot = None
    if opts["n_boot"]:
        boot = bootstrap_hazard_ratio(ipd, ct.targets, t, d, rt, rd, opts["n_boot"], opts["seed"], level)
    stc = _stc(stc_marginal_survival, ipd, t, d, ct.targets, rt, rd, n_boot=opts["n_boot"] or STC_BOOT,
               seed=opts["seed"], level=level)
    return rows, boot, stc


def _survival(ipd: pl.DataFrame, w: MaicWeights, cohorts: Any, comparator: str, outcome: str,
              curve: pl.DataFrame | None, level: float, ipd_endpoint: str | None = None,
              ipd_all: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Weighted and unweighted KM summaries of the IPD beside the comparator's (empty without time/event); with
    ``ipd_all`` (the IPD before the eligibility criteria, when they removed patients) its KM too, source
    ``"IPD, all patients"``."""
    if not {"time", "event"} <= set(ipd.columns):
        return pl.DataFrame(schema=SURVIVAL_SCHEMA), pl.DataFrame(schema=CURVE_SCHEMA)
    from ..rules import compared_endpoint

    tte = outcome.lower() != "orr"
    if tte:
        endpoint: str | None = outcome
    else:
        found = compared_endpoint(cohorts[comparator].descriptor)
        endpoint = None if found is None else found.name
    published = [] if endpoint is None else comparator_survival(cohorts.to_frame(), comparator, endpoint)
    marks = landmark_times(published)
    t, d = ipd["time"].to_numpy(), ipd["event"].to_numpy()
    mine = outcome if tte else ipd_endpoint
    rows = []
    if ipd_all is not None and ipd_all.height != ipd.height:
        rows += km_summary(ipd_all["time"].to_numpy(), ipd_all["event"].to_numpy(), None, marks,
                           "IPD, all patients", mine, level)
    rows += (km_summary(t, d, None, marks, "IPD", mine, level)
             + km_summary(t, d, w.weights, marks, "IPD, MAIC-weighted", mine, level)
             + published)
    if curve is not None:
        rows += km_summary(curve["time"].to_numpy(), curve["event"].to_numpy(), None, marks,
                           "comparator (reconstructed)", endpoint, level)
    return pl.DataFrame(rows, schema=SURVIVAL_SCHEMA, orient="row"), km_curves(t, d, w.weights, level)


def maic_analysis(
    ipd: pl.DataFrame,
    cohorts: Any,
    comparator: str,
    mapping: Iterable[MappingEntry],
    outcome: str = "orr",
    *,
    n_boot: int = 0,
    seed: int = 0,
    level: float = 0.95,
    vcov: str = "HC3",
    ipd_endpoint: str | None = None,
    eligibility: Iterable[Criterion] | None = None,
) -> MaicAnalysis:
    """MAIC (and STC) of an IPD cohort against a comparator cohort of a CohortSet.

    Parameters
    ----------
    ipd : polars.DataFrame
        One row per patient: covariates, and ``response`` (0/1) or ``time``/``event``.
    cohorts : CohortSet
        Loaded descriptors including the comparator.
    comparator : str
        The comparator cohort's id.
    mapping : iterable of MappingEntry
        IPD column → descriptor variable/level (:func:`~trialcompare.maic.load_mapping`).
    outcome : str
        ``"orr"`` (the comparator's printed ORR count, or CR + PR) or an endpoint with a digitised curve in the
        comparator's descriptor (``"PFS"``, ``"OS"``, ...).
    n_boot, seed : int
        Bootstrap resamples (0: none) and seed.
    level : float
        Confidence level.
    vcov : {"HC3", "HC0"}
        Sandwich type for the binary effects.
    ipd_endpoint : str, optional
        What the IPD's ``time``/``event`` columns measure (``"EFS"``), for its Kaplan-Meier rows when the outcome
        is ``"orr"``; left unnamed (null) when not given. With a time-to-event outcome it is that outcome.
    eligibility : iterable of Criterion, optional
        The comparator's inclusion criteria applied to the IPD before weighting. Default: the mapping's
        ``eligibility`` block (:func:`~trialcompare.maic.load_mapping`) followed by what the comparator's descriptor
        records (resectable disease excluded; levels reported at 0%). An empty sequence applies none.

    Returns
    -------
    MaicAnalysis
        With an ``arm`` column in ``ipd`` (two labels: cohort ids or treatments) also the anchored MAIC
        (``anchored``, ``anchored_result``); the other results then concern the IPD's treatment arm alone.

    Raises
    ------
    MaicInputError
        A mapped column the IPD lacks while it has a close name (a misspelling), at the mapping's line.
    MaicError
        No finite weights (a target outside the IPD's hull); its subclass AnchoredError when a two-arm IPD
        cannot be anchored (unknown arm labels, no connecting published effect).
    ValueError
        No matchable targets, missing outcome columns, no comparator outcome.
    """
    entries = tuple(mapping)
    check_columns(entries, ipd.columns, getattr(mapping, "eligibility", ()))
    if eligibility is None:
        eligibility = (*getattr(mapping, "eligibility", ()), *comparator_criteria(cohorts, comparator, entries))
    ipd_all = ipd
    ipd, elig = apply_eligibility(ipd, eligibility)
    if ipd.height == 0:
        raise ValueError(f"no IPD patient meets the inclusion criteria of {comparator!r}")
    targets = targets_from_cohort(cohorts, comparator, entries, ipd.columns)
    if not targets.targets:
        raise ValueError(f"no factor could be matched to {comparator!r}: see the mapping and the unmatched list")
    _check_outcome_columns(ipd, outcome)
    anchored = None
    if ARM_COLUMN in ipd.columns:
        anchored = anchored_maic(ipd, cohorts, comparator, targets.targets, outcome, level, vcov)
        ipd = ipd.filter(pl.col(ARM_COLUMN) == anchored.arms.treatment_label)
        ipd_all = ipd_all.filter(pl.col(ARM_COLUMN) == anchored.arms.treatment_label)
    w = maic_weights(ipd, targets.targets)
    diagnostics = weight_diagnostics(w.weights)
    if diagnostics.verdict.bootstrap_primary and not n_boot:
        n_boot = DEFAULT_BOOT
    opts = {"level": level, "vcov": vcov, "n_boot": n_boot, "seed": seed}
    rows, boot, stc, ref_info, curve = _unanchored(ipd, w, targets, cohorts, comparator, outcome, opts,
                                                   anchored is not None)
    if boot is not None:
        rows.append(_boot_row(boot, w.ess))
    failure = stc if isinstance(stc, StcFailure) else None
    stc = None if failure is not None else stc
    if stc is not None:
        rows.append(_stc_row(stc, level))
    rows = _mark_primary(rows, diagnostics.verdict.bootstrap_primary)
    survival, curves = _survival(ipd, w, cohorts, comparator, outcome, curve, level, ipd_endpoint, ipd_all)
    balance = full_balance(ipd_all, ipd, w.weights, entries, _baseline(cohorts.to_frame(), comparator),
                           targets.targets)
    return MaicAnalysis(comparator, outcome, w, targets, pl.DataFrame(rows, schema=EFFECT_SCHEMA), stc, boot,
                        ref_info, survival, curves, anchored,
                        None if failure is None else f"STC not estimable: {failure.detail}", elig, balance,
                        diagnostics, failure)


def _baseline(frame: pl.DataFrame, cohort: str) -> pl.DataFrame:
    return frame.filter((pl.col("cohort") == cohort) & (pl.col("section") == "baseline"))


def _check_outcome_columns(ipd: pl.DataFrame, outcome: str) -> None:
    if outcome.lower() == "orr" and "response" not in ipd.columns:
        raise ValueError("--outcome orr needs a 'response' column (0/1) in the IPD")
    if outcome.lower() != "orr" and not {"time", "event"} <= set(ipd.columns):
        raise ValueError(f"--outcome {outcome} needs 'time' and 'event' columns in the IPD")


def _unanchored(ipd: pl.DataFrame, w: MaicWeights, targets: CohortTargets, cohorts: Any, comparator: str,
                outcome: str, opts: dict, anchored: bool) -> tuple:
    """Effects of the IPD (treatment arm) against the comparator's aggregate or pseudo-IPD, with the STC."""
    if outcome.lower() == "orr":
        ref = _comparator_response(cohorts.to_frame(), comparator)
        rows, boot, stc = _binary_effects(ipd, w, targets, ref, opts)
        return rows, boot, stc, ref, None
    try:
        curve = _comparator_curve(cohorts, comparator, outcome)
    except ValueError:
        if not anchored:
            raise
        return [], None, None, {"source": f"no digitised {outcome} curve: no unanchored hazard ratio"}, None
    rows, boot, stc = _tte_effects(ipd, w, targets, curve, opts)
    ref_info = {"pseudo_ipd_n": curve.height, "events": int(curve["event"].sum()), "source": "digitised curve"}
    return rows, boot, stc, ref_info, curve
