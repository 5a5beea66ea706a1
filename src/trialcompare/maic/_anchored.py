"""Anchored MAIC: a weighted contrast within a two-arm IPD, combined with a published effect (private module).

When the IPD comes from a study of treatment A against C (an ``arm`` column with two labels) and the comparator
cohort B is one arm of a randomised study that published an effect of B against an arm of the same treatment C,
the comparison of A with B is *anchored* on C (NICE DSU TSD 18, section 4.2): the IPD is weighted to the B study's
population (weights estimated on both IPD arms pooled — the trial populations are matched, not the arms, as TSD 18
recommends; the arms keep their randomised balance), the weighted A-vs-C contrast is estimated within the IPD, and
Bucher's indirect comparison gives A vs B:

    d_AB = d_AC(weighted) − d_BC(published),   SE(d_AB)² = SE(d_AC)² + SE(d_BC)²

on the log scale (log OR, log HR). The unadjusted Bucher comparison (unit weights) is reported beside it. An
anchored comparison needs only the effect modifiers balanced, not every prognostic factor.

The within-IPD contrasts are R ``glm(response ~ arm, family = quasibinomial, weights = w)`` with
``sandwich::vcovHC(fit, type = "HC3")`` (or HC0) for the log OR, and ``coxph(Surv(time, event) ~ arm, weights = w,
robust = TRUE)`` for the log HR.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from ..survival._cox import cox_ph
from ._effects import VCOV_TYPES, _arm_variance, _binary, _weights, _z
from ._errors import AnchoredError

__all__ = ["ANCHORED_SCHEMA", "AnchoredArms", "AnchoredResult", "anchored_bucher", "anchored_maic",
           "arm_treatments", "connecting_effect", "within_ipd_hazard_ratio", "within_ipd_odds_ratio"]

ANCHORED_SCHEMA = {
    "method": pl.String, "contrast": pl.String, "measure": pl.String, "estimate": pl.Float64, "lower": pl.Float64,
    "upper": pl.Float64, "log_estimate": pl.Float64, "se": pl.Float64, "level": pl.Float64, "interval": pl.String,
    "evidence": pl.String, "ess": pl.Float64,
}


@dataclass(frozen=True)
class AnchoredArms:
    """The two IPD arms and the published effect that connects them to the comparator.

    Attributes
    ----------
    treatment_label, common_label : str
        The IPD's ``arm`` labels of treatment A and of the common comparator C.
    treatment, common, comparator_treatment : str
        Treatments (agents sorted, :func:`trialcompare.effects.treatment_of`) of A, C and the comparator B.
    effect : dict
        The published B-vs-C effect used: ``d``, ``se`` (log scale), ``measure``, ``what``, ``printed``,
        ``location``, ``cohort``, ``versus``, ``study``, ``inverted`` (True when printed as C vs B).
    """

    treatment_label: str
    common_label: str
    treatment: str
    common: str
    comparator_treatment: str
    effect: dict[str, Any]


def within_ipd_odds_ratio(
    response: ArrayLike, arm: ArrayLike, weights: ArrayLike, vcov: str = "HC3"
) -> tuple[float, float]:
    """Weighted log odds ratio of arm 1 versus arm 0 within the IPD, with its sandwich standard error.

    Equal to the ``arm`` coefficient of R ``glm(y ~ arm, family = quasibinomial, weights = w)`` and the square
    root of ``sandwich::vcovHC(fit, type = vcov)[2, 2]``. The model is saturated, so the fitted values are the
    weighted proportions ``p_a`` of each arm and a patient's HC3 hat value is its weight over its arm's total;
    the variance is ``sum_a V_a / (p_a (1 - p_a))²`` with ``V_a`` the arm's sandwich variance of ``p_a``.

    Parameters
    ----------
    response : array_like
        0/1 response per patient.
    arm : array_like
        1 for treatment A, 0 for the common comparator C.
    weights : array_like
        MAIC weights (> 0), estimated on both arms pooled.
    vcov : {"HC3", "HC0"}
        Sandwich type.

    Returns
    -------
    (float, float)
        ``(log OR, SE)``.

    Examples
    --------
    Unit weights, HC0: 3/4 against 1/4 responders, log OR = log(3 / (1/3)) = log 9, SE² = 1/(4·3/16) · 2.

    >>> d, se = within_ipd_odds_ratio([1, 1, 1, 0, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0], [1] * 8, "HC0")
    >>> round(d, 6), round(se**2, 6)
    (2.197225, 2.666667)
    """
    if vcov not in VCOV_TYPES:
        raise ValueError(f"vcov must be one of {', '.join(VCOV_TYPES)}; got {vcov!r}")
    y = _binary(response)
    a = _arm(arm, y.size)
    w = _weights(weights, y.size)
    parts = []
    for k in (1.0, 0.0):
        p, v = _arm_variance(y[a == k], w[a == k], vcov)
        if p in (0.0, 1.0):
            raise ValueError(f"the within-IPD OR is not finite: a weighted proportion is {p:g}")
        parts.append((math.log(p / (1 - p)), v / (p * (1 - p)) ** 2))
    return parts[0][0] - parts[1][0], math.sqrt(parts[0][1] + parts[1][1])


def within_ipd_hazard_ratio(
    time: ArrayLike, event: ArrayLike, arm: ArrayLike, weights: ArrayLike, ties: str = "efron"
) -> tuple[float, float]:
    """Weighted log hazard ratio of arm 1 versus arm 0 within the IPD, with its robust standard error.

    R ``coxph(Surv(time, event) ~ arm, weights = w, robust = TRUE)``: ``coef`` and ``robust se``.

    Parameters
    ----------
    time, event : array_like
        Follow-up times and 0/1 events.
    arm : array_like
        1 for treatment A, 0 for the common comparator C.
    weights : array_like
        MAIC weights (> 0).
    ties : {"efron", "breslow"}
        Tie handling.

    Returns
    -------
    (float, float)
        ``(log HR, robust SE)``.

    Examples
    --------
    >>> d, se = within_ipd_hazard_ratio([1, 2, 3, 4, 5, 6], [1, 1, 0, 1, 1, 1], [1, 0, 1, 0, 1, 0], [1] * 6)
    >>> round(d, 4), round(se, 4)
    (0.2739, 0.8023)
    """
    t = np.asarray(time, dtype=float)
    a = _arm(arm, t.size)
    w = _weights(weights, t.size)
    fit = cox_ph(t, event, a, ties=ties, weights=w, robust=True)
    return fit.coef, fit.se


def _arm(arm: ArrayLike, n: int) -> np.ndarray:
    a = np.asarray(arm, dtype=float)
    if a.ndim != 1 or a.size != n or not np.all(np.isin(a, (0.0, 1.0))):
        raise ValueError(f"arm must be one 0/1 value per patient ({n})")
    if a.min() == a.max():
        raise ValueError("arm must contain both arms (1 = treatment, 0 = common comparator)")
    return a


def anchored_bucher(
    d_ac: tuple[float, float], d_bc: tuple[float, float], level: float = 0.95
) -> tuple[float, float, float, float, float]:
    """Bucher's anchored indirect comparison on the log scale, back-transformed.

    With ``d_AC`` the (weighted) log ratio of A against C within the IPD and ``d_BC`` the published log ratio of
    B against C, the log ratio of A against B is ``d_AB = d_AC − d_BC`` (the C terms cancel:
    ``(log θ_A − log θ_C) − (log θ_B − log θ_C) = log θ_A − log θ_B``), and, the two studies being independent,
    ``Var(d_AB) = Var(d_AC) + Var(d_BC)``. The limits are ``exp(d_AB ± z SE)``.

    Parameters
    ----------
    d_ac, d_bc : (float, float)
        (log ratio, SE) of A vs C and of B vs C.
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(ratio, lower, upper, d_AB, SE)``.

    Examples
    --------
    A vs C: HR 0.5 (log −0.693147, SE 0.2); B vs C: HR 0.6 (95% CI 0.40–0.90), i.e. log −0.510826 and
    SE = (log 0.90 − log 0.40) / (2 · 1.959964) = 0.810930 / 3.919928 = 0.206874.
    Then d_AB = −0.693147 + 0.510826 = −0.182322
    (HR 0.833333 = 0.5 / 0.6) and SE = √(0.2² + 0.206874²) = √0.082797 = 0.287744, so the 95% limits are
    exp(−0.182322 ∓ 1.959964 · 0.287744) = exp(−0.746290), exp(0.381647) = 0.4741, 1.4647.

    >>> se_bc = (math.log(0.9) - math.log(0.4)) / (2 * 1.959963984540054)
    >>> hr, lo, hi, d, se = anchored_bucher((math.log(0.5), 0.2), (math.log(0.6), se_bc))
    >>> round(hr, 6), round(d, 6), round(se, 6), round(lo, 4), round(hi, 4)
    (0.833333, -0.182322, 0.287744, 0.4741, 1.4647)
    """
    d, se = d_ac[0] - d_bc[0], math.hypot(d_ac[1], d_bc[1])
    z = _z(level)
    return math.exp(d), math.exp(d - z * se), math.exp(d + z * se), d, se


def arm_treatments(labels: Iterable[str], cohorts: Any) -> dict[str, str]:
    """The treatment of each IPD arm label: a cohort id of the set, or a treatment (agents sorted, joined by " + ").

    Parameters
    ----------
    labels : iterable of str
        The ``arm`` labels of the IPD.
    cohorts : CohortSet

    Returns
    -------
    dict
        label → treatment (:func:`trialcompare.effects.treatment_of`).

    Raises
    ------
    AnchoredError
        For a label that is neither a cohort id nor a treatment of a loaded cohort (naming the label), or two
        labels of the same treatment.
    """
    from ..effects import treatment_of

    treatments = {treatment_of(cohorts, cid) for cid in cohorts.ids}
    out = {}
    for label in labels:
        if label in cohorts.ids:
            out[label] = treatment_of(cohorts, label)
        elif label.strip().lower() in treatments:
            out[label] = label.strip().lower()
        else:
            raise AnchoredError(f"arm label {label!r} is neither a cohort id nor the treatment of a loaded cohort "
                             f"(cohorts: {', '.join(cohorts.ids)})")
    if len(set(out.values())) < len(out):
        raise AnchoredError(f"the two arms {', '.join(map(repr, out))} are the same treatment")
    return out


def connecting_effect(cohorts: Any, comparator: str, arms: dict[str, str], what: str, measure: str) -> AnchoredArms:
    """The published effect of the comparator against an arm with the treatment of one IPD arm.

    Parameters
    ----------
    cohorts : CohortSet
    comparator : str
        The comparator cohort B (an arm of a randomised study).
    arms : dict
        IPD arm label → treatment (:func:`arm_treatments`).
    what : str
        Endpoint (``PFS``, ...) or outcome (``orr``) compared (case-insensitive).
    measure : str
        ``HR`` or ``OR``.

    Returns
    -------
    AnchoredArms

    Raises
    ------
    AnchoredError
        When no randomised effect of that measure and endpoint links the comparator to a treatment of the IPD.
    """
    from ..effects import contrast_from_ci, published_effects, treatment_of

    effects = published_effects(cohorts.to_frame(), cohorts).filter(
        pl.col("evidence") == "randomised", pl.col("measure") == measure,
        pl.col("what").str.to_lowercase() == what.lower(), pl.col("lower").is_not_null(),
        (pl.col("cohort") == comparator) | (pl.col("versus") == comparator))
    b = treatment_of(cohorts, comparator)
    for r in effects.iter_rows(named=True):
        inverted = r["cohort"] != comparator
        other = r["cohort"] if inverted else r["versus"]
        common = treatment_of(cohorts, other)
        labels = [k for k, v in arms.items() if v == common]
        if not labels or common == b:
            continue
        d, se = contrast_from_ci(r["estimate"], r["lower"], r["upper"], measure, r["level"])
        (treatment_label,) = [k for k in arms if k != labels[0]]
        effect = {"d": -d if inverted else d, "se": se, "measure": measure, "what": r["what"],
                  "printed": r["printed"], "location": r["location"], "cohort": r["cohort"], "versus": r["versus"],
                  "study": r["study"], "inverted": inverted}
        return AnchoredArms(treatment_label, labels[0], arms[treatment_label], common, b, effect)
    raise AnchoredError(f"no published randomised {measure} for {what} links {comparator!r} to a treatment of the "
                     f"IPD's arms ({'; '.join(f'{k}: {v}' for k, v in arms.items())}): an anchored comparison "
                     "needs the comparator's study to report its effect against the IPD's common comparator")


@dataclass(frozen=True)
class AnchoredResult:
    """Anchored MAIC of a two-arm IPD against a comparator arm of a randomised study.

    Attributes
    ----------
    arms : AnchoredArms
        The IPD arms, their treatments and the published effect used.
    weights : MaicWeights
        Weights estimated on both IPD arms pooled against the comparator's published baseline.
    table : polars.DataFrame
        :data:`ANCHORED_SCHEMA`, one row per estimate: the within-IPD contrast A vs C unadjusted and MAIC-weighted
        (evidence ``within IPD``), the published B vs C (``randomised``), and the Bucher A vs B unadjusted and
        population-adjusted (``anchored``).
    """

    arms: AnchoredArms
    weights: Any
    table: pl.DataFrame


def _table_row(method: str, contrast: str, measure: str, d: float, se: float, level: float, interval: str,
               evidence: str, ess: float | None) -> dict[str, Any]:
    z = _z(level)
    return {"method": method, "contrast": contrast, "measure": measure, "estimate": math.exp(d),
            "lower": math.exp(d - z * se), "upper": math.exp(d + z * se), "log_estimate": d, "se": se,
            "level": level, "interval": interval, "evidence": evidence, "ess": ess}


def anchored_maic(ipd: pl.DataFrame, cohorts: Any, comparator: str, targets: dict[str, dict[str, float]],
                  outcome: str, level: float = 0.95, vcov: str = "HC3") -> AnchoredResult:
    """Anchored MAIC: weights on the pooled two-arm IPD, weighted A-vs-C contrast, Bucher against the published B vs C.

    Parameters
    ----------
    ipd : polars.DataFrame
        Two-arm IPD with an ``arm`` column (labels: cohort ids or treatments), covariates and ``response`` or
        ``time``/``event``.
    cohorts : CohortSet
    comparator : str
        Cohort B, an arm of a randomised study with a published effect against an arm of one IPD arm's treatment.
    targets : dict
        MAIC targets (from the comparator's descriptor).
    outcome : str
        ``"orr"`` (log OR, sandwich ``vcov``) or an endpoint (log HR, robust Cox).
    level : float
        Confidence level.
    vcov : {"HC3", "HC0"}
        Sandwich type of the log OR.

    Returns
    -------
    AnchoredResult

    Raises
    ------
    AnchoredError
        Arm labels that are not cohorts or treatments, or no connecting published effect.
    MaicError
        No finite weights.
    ValueError
        Missing outcome columns, or a within-IPD contrast that is not finite.
    """
    from ._weights import maic_weights

    labels = list(dict.fromkeys(ipd["arm"].to_list()))
    binary = outcome.lower() == "orr"
    measure = "OR" if binary else "HR"
    arms = connecting_effect(cohorts, comparator, arm_treatments(labels, cohorts), outcome, measure)
    w = maic_weights(ipd, targets)
    a = (ipd["arm"] == arms.treatment_label).cast(pl.Float64).to_numpy()
    ones = np.ones(a.size)
    if binary:
        y = ipd["response"].to_numpy()
        unadj, adj = (within_ipd_odds_ratio(y, a, x, vcov) for x in (ones, w.weights))
        interval = f"sandwich {vcov}"
    else:
        t, e = ipd["time"].to_numpy(), ipd["event"].to_numpy()
        unadj, adj = (within_ipd_hazard_ratio(t, e, a, x) for x in (ones, w.weights))
        interval = "robust (Cox)"
    eff = arms.effect
    bc = (eff["d"], eff["se"])
    ac_text, bc_text = f"{arms.treatment} vs {arms.common}", f"{arms.comparator_treatment} vs {arms.common}"
    ab_text = f"{arms.treatment} vs {arms.comparator_treatment}"
    rows = [
        _table_row("unadjusted, within IPD", ac_text, measure, *unadj, level, interval, "within IPD", float(a.size)),
        _table_row("MAIC, within IPD", ac_text, measure, *adj, level, interval, "within IPD", w.ess),
        _table_row("published", bc_text, measure, *bc, level, f"from the printed CI ({eff['location']})",
                   "randomised", None),
        _table_row("Bucher, unadjusted", ab_text, measure, *anchored_bucher(unadj, bc, level)[3:], level,
                   "Bucher (SEs added in quadrature)", "anchored", float(a.size)),
        _table_row("Bucher, MAIC (anchored MAIC)", ab_text, measure, *anchored_bucher(adj, bc, level)[3:], level,
                   "Bucher (SEs added in quadrature)", "anchored", w.ess),
    ]
    return AnchoredResult(arms, w, pl.DataFrame(rows, schema=ANCHORED_SCHEMA, orient="row"))
