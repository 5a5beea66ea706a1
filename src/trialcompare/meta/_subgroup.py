"""Subgroup analysis of proportions: a pool per subgroup and the test for subgroup differences, both ways.

* **Separate τ² per subgroup** (R meta's default test, ``subgroup = g``): each subgroup is pooled on its own
  (:func:`~trialcompare.meta.pool_proportions`) and the subgroup estimates are compared by the equal-effects Q
  statistic, ``Q_between = Σ w_g (θ_g − θ̄)²`` with ``w_g = 1/SE_g²`` on G − 1 df
  (= ``rma(yi = estimates, sei = ses, method = "EE")$QE``).
* **Common τ²** (mixed-effects model): ``rma(yi, vi, mods = ~ factor(g), method, test)``; the omnibus test of the
  subgroup coefficients ``QM`` (χ² on G − 1 df, or F under Knapp-Hartung) with one τ² shared by all subgroups.

Reports should show a subgroup analysis only when every subgroup has k ≥ 3 (``caveat`` says when not).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from ._pool import MetaResult, _check_counts, pool_proportions, transform_proportions
from ._regression import MetaRegression, meta_regression

__all__ = ["MIN_K_SUBGROUP", "SubgroupResult", "subgroup_analysis"]

MIN_K_SUBGROUP = 3


@dataclass(frozen=True)
class SubgroupResult:
    """Subgroup analysis.

    Attributes
    ----------
    results : dict
        Subgroup → :class:`MetaResult` of its own pool (separate τ²), in order of first appearance.
    table : polars.DataFrame
        ``group, k, estimate, se, ci_low, ci_high, tau2, i2`` (model scale) and, for proportions,
        ``proportion, proportion_ci_low, proportion_ci_high``.
    q_between, df, p : float, int, float
        Test for subgroup differences with separate τ² (Q on G − 1 df).
    mixed : MetaRegression or None
        The mixed-effects model with a common τ² (``mods = ~ factor(g)``); its ``qm``, ``qm_df``, ``qm_p`` test the
        subgroup differences. None for the GLMM (not fitted here) and when k ≤ G (no residual degrees of freedom).
    caveat : dict or None
        ``{"code": "subgroup-too-small", "min_k": 3, "k": {group: k, ...}}`` when a subgroup has fewer than 3
        studies.
    """

    results: dict[Any, MetaResult] = field(repr=False)
    table: pl.DataFrame
    q_between: float
    df: int
    p: float
    mixed: MetaRegression | None
    caveat: dict[str, Any] | None = None

    def __iter__(self) -> Iterator[Any]:
        """Unpack as ``(results, q_between, df, p)`` (the form of earlier versions)."""
        return iter((self.results, self.q_between, self.df, self.p))


def _table(results: dict[Any, MetaResult]) -> pl.DataFrame:
    rows = [{"group": str(g), "k": r.k, "estimate": r.estimate, "se": r.se, "ci_low": r.ci[0], "ci_high": r.ci[1],
             "tau2": r.tau2, "i2": r.i2} for g, r in results.items()]  # fmt: skip
    frame = pl.DataFrame(rows)
    first = next(iter(results.values()))
    if first.proportion is not None:
        frame = frame.with_columns(
            pl.Series("proportion", [r.proportion[0] for r in results.values() if r.proportion]),
            pl.Series("proportion_ci_low", [r.proportion[1] for r in results.values() if r.proportion]),
            pl.Series("proportion_ci_high", [r.proportion[2] for r in results.values() if r.proportion]),
        )
    return frame


def q_between(estimates: Any, ses: Any) -> tuple[float, int, float]:
    """Equal-effects Q of subgroup estimates: ``(Q, G − 1, p)``.

    Parameters
    ----------
    estimates, ses : array_like
        Subgroup estimates and their standard errors.

    Returns
    -------
    tuple
        ``(Q, df, p)`` with ``p`` from χ²(G − 1).

    Examples
    --------
    Two estimates 0 and 1 with SE 1 each: pooled 0.5, Q = 0.25 + 0.25 = 0.5.

    >>> q, df, p = q_between([0.0, 1.0], [1.0, 1.0])
    >>> q, df
    (0.5, 1)
    """
    est = np.asarray(estimates, dtype=float)
    w = 1.0 / np.asarray(ses, dtype=float) ** 2
    q = float(np.sum(w * (est - np.sum(w * est) / np.sum(w)) ** 2))
    df = est.size - 1
    return q, df, float(stats.chi2.sf(q, df))


def subgroup_analysis(
    events: Any,
    totals: Any,
    groups: Sequence[Any],
    transform: str = "logit",
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> SubgroupResult:
    """Pool each subgroup and test subgroup differences with separate and with common τ².

    Parameters
    ----------
    events, totals : array_like
        Counts per study.
    groups : sequence
        Subgroup of each study (hashable values).
    transform, method, test : str
        As for :func:`~trialcompare.meta.pool_proportions` (``method="GLMM"``: separate pools only).
    level : float
        Confidence level.
    labels : sequence of str, optional
        Study labels.

    Returns
    -------
    SubgroupResult
        Unpacks as ``(results, q_between, df, p)``.

    Examples
    --------
    >>> r = subgroup_analysis([4, 6, 9, 12], [20, 22, 25, 30], ["a", "a", "b", "b"], method="DL")
    >>> r.df, r.mixed.qm_df, r.caveat["code"]
    (1, (1,), 'subgroup-too-small')
    """
    x, n = _check_counts(events, totals)
    g = list(groups)
    if len(g) != x.size:
        raise ValueError(f"groups has {len(g)} entries but there are {x.size} studies")
    levels = list(dict.fromkeys(g))
    if len(levels) < 2:
        raise ValueError("subgroup analysis needs at least two subgroups")
    results: dict[Any, MetaResult] = {}
    for lev in levels:
        sel = np.array([gi == lev for gi in g])
        sub_labels = None if labels is None else [lab for lab, s in zip(labels, sel, strict=True) if s]
        results[lev] = pool_proportions(x[sel], n[sel], transform=transform, method=method, test=test, level=level,
                                        labels=sub_labels)  # fmt: skip
    q, df, p = q_between([r.estimate for r in results.values()], [r.se for r in results.values()])
    mixed = None
    if method != "GLMM" and x.size > len(levels):  # the mixed model needs k > G coefficients
        y, v = transform_proportions(x, n, transform)
        mixed = meta_regression(y, v, {"g": [str(gi) for gi in g]}, method=method, test=test, level=level)
    small = {str(lev): r.k for lev, r in results.items() if r.k < MIN_K_SUBGROUP}
    caveat = {"code": "subgroup-too-small", "min_k": MIN_K_SUBGROUP, "k": small} if small else None
    return SubgroupResult(results, _table(results), q, df, p, mixed, caveat)
