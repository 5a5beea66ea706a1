"""Between-arm evidence: published effects of randomised studies, and anchored indirect comparisons (Bucher 1997).

A published effect is the primary result of a randomised comparison; it is shown as printed. When two treatments
were each compared with a common comparator in different randomised studies, their indirect comparison is
*anchored*: on the scale where effects add (log for ratios), d_AB = d_AC − d_BC with variance
var(d_AC) + var(d_BC) (Bucher et al., J Clin Epidemiol 1997;50:683). The standard error of a published effect is
recovered from its confidence interval: SE = (g(upper) − g(lower)) / (2 z), g = log for ratio measures (Parmar
1998; Tierney 2007). The same contrast reported by several studies is pooled by inverse variance with the
random-effects engine (:func:`trialcompare.meta.pool_effects`) before the indirect step.

Treatments are identified by their agents (names sorted; ``placebo`` and ``best supportive care`` are
treatments too): two cohorts with the same agents are the same node of the network.

Examples
--------
>>> d, se = contrast_from_ci(0.42, 0.21, 0.85, "HR")
>>> round(d, 4), round(se, 4)
(-0.8675, 0.3567)
>>> tuple(round(x, 4) for x in bucher((-0.8675, 0.3567), (-0.2231, 0.15), "HR"))
(0.525, 0.2459, 1.1208)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import polars as pl

from .options import RATIO_MEASURES
from .rules import evidence_between

if TYPE_CHECKING:
    from .load import CohortSet

__all__ = ["anchored_comparisons", "bucher", "contrast_from_ci", "published_effects", "treatment_network",
           "treatment_of"]

_Z95 = 1.959963984540054

_EFFECT_SCHEMA = {
    "cohort": pl.String, "versus": pl.String, "what": pl.String, "measure": pl.String, "estimate": pl.Float64,
    "lower": pl.Float64, "upper": pl.Float64, "level": pl.Float64, "printed": pl.String, "p_printed": pl.String,
    "location": pl.String, "source": pl.String, "study": pl.String, "evidence": pl.String,
}

_ANCHORED_SCHEMA = {
    "treatment": pl.String, "versus": pl.String, "common": pl.String, "what": pl.String, "measure": pl.String,
    "estimate": pl.Float64, "lower": pl.Float64, "upper": pl.Float64, "studies": pl.String, "evidence": pl.String,
}


def _level(interval_type: str | None) -> float:
    if interval_type and interval_type.endswith("% CI"):
        return float(interval_type.split("%")[0]) / 100
    return 0.95


def contrast_from_ci(estimate: float, lower: float, upper: float, measure: str,
                     level: float = 0.95) -> tuple[float, float]:
    """An effect on its additive scale and its standard error, from the estimate and its confidence interval.

    Parameters
    ----------
    estimate, lower, upper : float
        As published.
    measure : str
        HR, OR, RR (log scale) or RD, MD, SMD (as is).
    level : float
        Level of the published interval.

    Returns
    -------
    (float, float)
        (d, SE).
    """
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2)) if level != 0.95 else _Z95
    g = math.log if measure in RATIO_MEASURES else (lambda x: x)
    if measure in RATIO_MEASURES and min(estimate, lower, upper) <= 0:
        raise ValueError(f"a {measure} and its interval must be positive")
    return g(estimate), (g(upper) - g(lower)) / (2 * z)


def bucher(ac: tuple[float, float], bc: tuple[float, float], measure: str,
           level: float = 0.95) -> tuple[float, float, float]:
    """Anchored indirect comparison of A with B through C: d_AB = d_AC − d_BC, SE² = SE_AC² + SE_BC².

    Parameters
    ----------
    ac, bc : (float, float)
        (d, SE) of A vs C and of B vs C on the additive scale (:func:`contrast_from_ci`).
    measure : str
        Measure; ratio measures are back-transformed with exp.
    level : float

    Returns
    -------
    (float, float, float)
        Estimate and confidence limits on the measure's scale.
    """
    from scipy.stats import norm

    d, se = ac[0] - bc[0], math.hypot(ac[1], bc[1])
    z = float(norm.ppf(0.5 + level / 2))
    lo, hi = d - z * se, d + z * se
    if measure in RATIO_MEASURES:
        return math.exp(d), math.exp(lo), math.exp(hi)
    return d, lo, hi


def treatment_of(cohorts: CohortSet, cid: str) -> str:
    """The node of a cohort in a treatment network: its agents' names sorted and joined by " + ".

    Parameters
    ----------
    cohorts : CohortSet
    cid : str
        The cohort's id.

    Returns
    -------
    str
        The agents, lower case (the regimen's text when it names none).
    """
    regimen = cohorts[cid].descriptor.regimen
    names = sorted({a.name.strip().lower() for a in regimen.agents})
    return " + ".join(names) if names else regimen.text.strip().lower()


def _evidence(cohorts: CohortSet, a: str, b: str | None) -> str:
    if b is None or b not in cohorts:
        return "unanchored"
    return evidence_between(cohorts[a].descriptor, cohorts[b].descriptor)  # the one rule (trialcompare.rules)


def published_effects(frame: pl.DataFrame, cohorts: CohortSet) -> pl.DataFrame:
    """Between-arm effects as published, one row per effect, with their evidence type.

    An effect printed in both arms (B vs A as the inverse of A vs B) is kept once, from the arm listed first.

    Parameters
    ----------
    frame : polars.DataFrame
        The harmonized long frame.
    cohorts : CohortSet

    Returns
    -------
    polars.DataFrame
        ``cohort, versus, what, measure, estimate, lower, upper, level, printed, p_printed, location, source,
        study, evidence``.
    """
    if "versus" not in frame.columns:
        return pl.DataFrame(schema=_EFFECT_SCHEMA)
    rows, seen = [], set()
    for r in frame.filter(pl.col("section") == "effect").iter_rows(named=True):
        key = (frozenset((r["cohort"], r["versus"])), r["variable"], r["statistic"])
        if key in seen:
            continue
        seen.add(key)
        arm = cohorts[r["cohort"]].descriptor.design.arm_of
        rows.append({"cohort": r["cohort"], "versus": r["versus"], "what": r["variable"], "measure": r["statistic"],
                     "estimate": r["value"], "lower": r["lower"], "upper": r["upper"],
                     "level": _level(r["interval_type"]), "printed": r["printed"], "p_printed": r["p_printed"],
                     "location": r["location"], "source": r["source"], "study": arm.study if arm else None,
                     "evidence": _evidence(cohorts, r["cohort"], r["versus"])})
    return pl.DataFrame(rows, schema=_EFFECT_SCHEMA, orient="row")


_Edges = dict[tuple[str, str, str, str], list[tuple[float, float, str]]]


def _edges(effects: pl.DataFrame, cohorts: CohortSet) -> _Edges:
    """Randomised contrasts by (treatment, comparator, what, measure) → [(d, SE, study)], oriented both ways."""
    out: dict[tuple[str, str, str, str], list[tuple[float, float, str]]] = {}
    usable = effects.filter(pl.col("evidence") == "randomised", pl.col("lower").is_not_null(),
                            pl.col("upper").is_not_null())
    ratio = pl.col("measure").is_in(list(RATIO_MEASURES))  # a ratio ≤ 0 has no log: left out (validate flags it)
    usable = usable.filter(~ratio | ((pl.col("estimate") > 0) & (pl.col("lower") > 0) & (pl.col("upper") > 0)))
    for r in usable.iter_rows(named=True):
        d, se = contrast_from_ci(r["estimate"], r["lower"], r["upper"], r["measure"], r["level"])
        a, c = treatment_of(cohorts, r["cohort"]), treatment_of(cohorts, r["versus"])
        out.setdefault((a, c, r["what"], r["measure"]), []).append((d, se, r["study"] or r["cohort"]))
        out.setdefault((c, a, r["what"], r["measure"]), []).append((-d, se, r["study"] or r["cohort"]))
    return out


def _combined(contrasts: list[tuple[float, float, str]]) -> tuple[float, float, str]:
    """One contrast from one or more studies (inverse-variance random effects, REML, for two or more)."""
    if len(contrasts) == 1:
        return contrasts[0]
    from .meta import pool_effects

    res = pool_effects([c[0] for c in contrasts], [c[1] ** 2 for c in contrasts], method="REML")
    return res.estimate, res.se, ", ".join(sorted({c[2] for c in contrasts}))


def anchored_comparisons(effects: pl.DataFrame, cohorts: CohortSet, level: float = 0.95) -> pl.DataFrame:
    """Every anchored indirect comparison the published randomised effects allow (one common comparator).

    Parameters
    ----------
    effects : polars.DataFrame
        From :func:`published_effects`.
    cohorts : CohortSet
    level : float

    Returns
    -------
    polars.DataFrame
        ``treatment, versus, common, what, measure, estimate, lower, upper, studies, evidence`` ("anchored").
    """
    edges = _edges(effects, cohorts)
    rows, done = [], set()
    for (a, c, what, measure), ac in edges.items():
        for (b, c2, what2, measure2), bc in edges.items():
            if c2 != c or (what2, measure2) != (what, measure) or b in (a, c) or a == c:
                continue
            studies_ac, studies_bc = {x[2] for x in ac}, {x[2] for x in bc}
            if studies_ac & studies_bc or frozenset((a, b, c, what)) in done:
                continue  # a direct comparison within one study is not indirect
            done.add(frozenset((a, b, c, what)))
            d_ac, d_bc = _combined(ac), _combined(bc)
            est, lo, hi = bucher(d_ac[:2], d_bc[:2], measure, level)
            rows.append({"treatment": a, "versus": b, "common": c, "what": what, "measure": measure,
                         "estimate": est, "lower": lo, "upper": hi,
                         "studies": f"{d_ac[2]}; {d_bc[2]}", "evidence": "anchored"})
    return pl.DataFrame(rows, schema=_ANCHORED_SCHEMA, orient="row")


def treatment_network(effects: pl.DataFrame, cohorts: CohortSet) -> dict[str, list] | None:
    """The network of randomised comparisons: nodes are treatments (:func:`treatment_of`), edges the studies.

    Parameters
    ----------
    effects : polars.DataFrame
        From :func:`published_effects`.
    cohorts : CohortSet

    Returns
    -------
    dict or None
        ``{"nodes": [treatment, ...], "edges": [(treatment, treatment, study), ...]}``; None without randomised
        effects.
    """
    randomised = effects.filter(pl.col("evidence") == "randomised")
    if randomised.is_empty():
        return None
    edges = {(treatment_of(cohorts, r["cohort"]), treatment_of(cohorts, r["versus"]), r["study"] or r["cohort"])
             for r in randomised.iter_rows(named=True)}
    unique = sorted({(min(a, b), max(a, b), s) for a, b, s in edges})
    nodes = sorted({n for a, b, _ in unique for n in (a, b)})
    return {"nodes": nodes, "edges": unique}
