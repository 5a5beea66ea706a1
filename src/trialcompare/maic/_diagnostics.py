"""Weight diagnostics and the informativeness rule of a MAIC (NICE DSU TSD 18, section 4.3; private module).

A MAIC with few effective patients, or whose weight sits on a handful of them, says little about the comparator's
population whatever its point estimate. The rule here, with its thresholds stated in the result:

- ``uninformative`` when the effective sample size is below ``min_ess`` (10) or below ``min_ess_share`` (20%) of the
  IPD's patients; otherwise ``informative``;
- the bootstrap percentile interval is the primary interval when the ESS is below ``bootstrap_below`` (30), where
  sandwich intervals of weighted estimators are unreliable.

The result is a fact — a code and its parameters — not a sentence; the report words it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["BOOTSTRAP_BELOW", "MIN_ESS", "MIN_ESS_SHARE", "Verdict", "WeightDiagnostics", "weight_diagnostics"]

MIN_ESS = 10.0
MIN_ESS_SHARE = 0.20
BOOTSTRAP_BELOW = 30.0
_BINS = 10


@dataclass(frozen=True)
class Verdict:
    """Whether a MAIC is informative, by a stated rule.

    Attributes
    ----------
    code : str
        ``"informative"`` or ``"uninformative"``.
    reasons : tuple of str
        Why uninformative: ``"ess_below_min"`` (ESS < ``min_ess``), ``"ess_share_below_min"`` (ESS/n <
        ``min_ess_share``); empty when informative.
    ess : float
        Effective sample size.
    n : int
        IPD patients weighted.
    ess_share : float
        ESS / n.
    min_ess, min_ess_share : float
        The rule's thresholds.
    bootstrap_primary : bool
        True when ESS < ``bootstrap_below``: the bootstrap percentile interval is the primary interval.
    bootstrap_below : float
        That threshold.
    """

    code: str
    reasons: tuple[str, ...]
    ess: float
    n: int
    ess_share: float
    min_ess: float = MIN_ESS
    min_ess_share: float = MIN_ESS_SHARE
    bootstrap_primary: bool = False
    bootstrap_below: float = BOOTSTRAP_BELOW


@dataclass(frozen=True)
class WeightDiagnostics:
    """How concentrated the MAIC weights are.

    Attributes
    ----------
    ess : float
        Effective sample size ``(sum w)^2 / sum w^2``.
    n : int
        Patients weighted.
    ess_share : float
        ESS / n.
    max_share : float
        The largest weight's share of the total weight.
    top5_share : float
        The five largest weights' share (all weights when n <= 5).
    histogram_edges : tuple of float
        Edges of the histogram of the weights rescaled to sum to n (mean 1): 10 equal bins from 0 to the largest.
    histogram_counts : tuple of int
        Patients per bin.
    verdict : Verdict
        The informativeness rule applied.
    """

    ess: float
    n: int
    ess_share: float
    max_share: float
    top5_share: float
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[int, ...]
    verdict: Verdict


def weight_diagnostics(
    weights: ArrayLike, *, min_ess: float = MIN_ESS, min_ess_share: float = MIN_ESS_SHARE,
    bootstrap_below: float = BOOTSTRAP_BELOW,
) -> WeightDiagnostics:
    """ESS, ESS/n, the largest and the top-5 weight shares, a histogram and the informativeness verdict.

    Parameters
    ----------
    weights : array_like
        MAIC weights (any scale; > 0).
    min_ess, min_ess_share : float
        Uninformative below either (defaults 10 and 0.2).
    bootstrap_below : float
        The bootstrap interval is primary below this ESS (default 30).

    Returns
    -------
    WeightDiagnostics

    Examples
    --------
    Ten patients, one with weight 10 and nine with weight 1: ESS = 19^2 / (100 + 9) = 3.31 (below 10; ESS/n = 33%
    is above 20%), the largest weight carries 10/19 = 52.6% of the total, the top five (10 + 4) / 19 = 73.7%.

    >>> d = weight_diagnostics([10.0] + [1.0] * 9)
    >>> round(d.ess, 4), round(d.max_share, 4), round(d.top5_share, 4)
    (3.3119, 0.5263, 0.7368)
    >>> d.verdict.code, d.verdict.reasons, d.verdict.bootstrap_primary
    ('uninformative', ('ess_below_min',), True)
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError("weights must be a non-empty one-dimensional sequence of finite numbers > 0")
    total = float(w.sum())
    ess = total**2 / float(np.sum(w**2))
    n = int(w.size)
    top = np.sort(w)[::-1]
    rescaled = w * (n / total)
    counts, edges = np.histogram(rescaled, bins=_BINS, range=(0.0, float(rescaled.max())))
    reasons = tuple(code for code, hit in (("ess_below_min", ess < min_ess),
                                           ("ess_share_below_min", ess / n < min_ess_share)) if hit)
    verdict = Verdict("uninformative" if reasons else "informative", reasons, ess, n, ess / n, min_ess,
                      min_ess_share, ess < bootstrap_below, bootstrap_below)
    return WeightDiagnostics(ess, n, ess / n, float(top[0]) / total, float(top[:5].sum()) / total,
                             tuple(float(e) for e in edges), tuple(int(c) for c in counts), verdict)
