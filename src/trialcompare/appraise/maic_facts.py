"""What a reviewer must be told about a population-adjusted comparison (NICE DSU TSD 18), as facts.

Rules
-----
- **Diagnostics**: patients before and after the comparator's eligibility, the effective sample size and its share,
  the largest weight's share and the five largest weights' share; informative or not by the MAIC's own rule
  (:class:`trialcompare.maic.WeightDiagnostics`: ESS < 10 or ESS/n < 20% is uninformative).
- **Whose population**: the estimate applies to the comparator's population; its matched proportions of at least
  50% are named (what "the comparator's population" means in these data).
- **Residual bias of an unanchored comparison**: every factor that is not matched (a level left free, a variable not
  reported by the comparator or absent from the patient data) and every key factor no cohort reports.
- **What re-weighting cannot fix**: endpoints that differ (the patient data's EFS against the comparator's PFS),
  response read retrospectively in the patient data, and patients who may be in both data sets.

Examples
--------
>>> import trialcompare as tc
>>> a = tc.analyse("reports/maic-example.yaml", with_meta=False)
>>> [f.code for f in maic_facts(a.maic, a.cohorts, a.factors, "apatinib-ie")][:2]
['maic-diagnostics', 'maic-population']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from .facts import Fact, fact

if TYPE_CHECKING:
    from ..load import CohortSet
    from ..maic import MaicAnalysis

__all__ = ["maic_facts"]

_NAMED_SHARE = 0.5


def _diagnostics(m: MaicAnalysis) -> Fact:
    d = m.diagnostics
    n_ipd = m.eligibility.n_before if m.eligibility is not None else m.weights.n
    if d is None:
        return fact("maic-diagnostics", n_ipd=int(n_ipd), n_eligible=int(m.weights.n),
                    ess=round(float(m.weights.ess), 1), ess_share=round(100 * m.weights.ess / m.weights.n),
                    max_share=None, top5_share=None, informative=True, min_ess=10, min_share=20)
    v = d.verdict
    return fact("maic-diagnostics", n_ipd=int(n_ipd), n_eligible=int(d.n), ess=round(float(d.ess), 1),
                ess_share=round(100 * d.ess_share), max_share=round(100 * d.max_share),
                top5_share=round(100 * d.top5_share), informative=v.code == "informative",
                min_ess=round(float(v.min_ess)), min_share=round(100 * v.min_ess_share))


def _population(m: MaicAnalysis) -> Fact:
    b = m.balance.filter(pl.col("statistic") == "proportion", pl.col("matched"), pl.col("target") >= _NAMED_SHARE)
    shares = tuple((str(r["variable"]), str(r["level"]), round(100 * r["target"]))
                   for r in b.iter_rows(named=True))
    age = m.balance.filter(pl.col("variable") == "age", pl.col("statistic") == "mean")
    return fact("maic-population", target=m.comparator, shares=shares,
                age=round(float(age["target"][0]), 1) if age.height and age["target"][0] is not None else None)


def _unmatched(m: MaicAnalysis, factors: pl.DataFrame) -> Fact:
    free = m.balance.filter(pl.col("status").is_in(["unmatched", "not_in_ipd", "not_reported"]))
    items = tuple(dict.fromkeys(f"{r['variable']}:{r['level']}" if r["level"] else str(r["variable"])
                                for r in free.iter_rows(named=True)))
    nobody = factors.group_by("factor", maintain_order=True).agg(pl.col("reported").any()) \
        .filter(~pl.col("reported"), ~pl.col("factor").is_in(["accrual", "follow_up"]))["factor"].to_list()
    return fact("maic-unmatched", levels=items, unreported=tuple(nobody))


def _cannot_fix(m: MaicAnalysis, cohorts: CohortSet, ipd_cohort: str) -> list[Fact]:
    out = []
    comp = m.survival.filter(pl.col("source").str.starts_with("comparator"))["endpoint"].unique().to_list()
    ipd = m.survival.filter(pl.col("source").str.starts_with("IPD"))["endpoint"].unique().to_list()
    if comp and ipd and set(comp) != set(ipd):
        out.append(fact("maic-endpoint-mismatch", ipd=ipd[0], comparator=comp[0], target=m.comparator))
    if ipd_cohort in cohorts.ids and cohorts[ipd_cohort].descriptor.design.type == "retrospective":
        out.append(fact("maic-assessment", cohort=ipd_cohort, target=m.comparator))
    design = cohorts[ipd_cohort].descriptor.design if ipd_cohort in cohorts.ids else None
    printed = [e for e in (getattr(design, "overlap_evidence", None) or []) if e.with_ == m.comparator]
    if printed:
        out.append(fact("maic-overlap", cohort=ipd_cohort, target=m.comparator,
                        evidence=tuple(f"design.overlap_evidence ({e.at})" for e in printed)))
    return out


def maic_facts(m: MaicAnalysis | None, cohorts: CohortSet, factors: pl.DataFrame, ipd_cohort: str) -> tuple[Fact, ...]:
    """The facts of a MAIC (module rules); empty without one.

    Parameters
    ----------
    m : MaicAnalysis or None
    cohorts : CohortSet
    factors : polars.DataFrame
        :func:`trialcompare.appraise.factors.tsd18_factors`.
    ipd_cohort : str
        The cohort whose patient data are weighted.

    Returns
    -------
    tuple of Fact
        ``maic-diagnostics``, ``maic-population``, ``maic-unmatched``, then any of ``maic-endpoint-mismatch``,
        ``maic-assessment``, ``maic-overlap``.
    """
    if m is None:
        return ()
    return (_diagnostics(m), _population(m), _unmatched(m, factors), *_cannot_fix(m, cohorts, ipd_cohort))
