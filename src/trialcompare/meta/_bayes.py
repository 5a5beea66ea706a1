"""Bayesian random-effects meta-analysis by direct numerical integration (no MCMC), as R bayesmeta.

Model (normal-normal hierarchical model, Röver 2020, J Stat Softw 93(6)):
``yᵢ | θᵢ ~ N(θᵢ, vᵢ)``, ``θᵢ | μ, τ ~ N(μ, τ²)``, ``τ ~`` a half-normal, half-Cauchy or half-Student-t prior,
``μ ~`` flat (improper) or ``N(m, s²)`` independent of τ.

Given τ everything is conjugate: the marginal likelihood ``p(y | τ)`` is analytic and ``μ | τ, y`` is normal
with mean ``m(τ)`` and variance ``s²(τ)``. So the marginal posterior of τ is ``p(τ | y) ∝ π(τ) p(y | τ)``
(one-dimensional), and every other posterior is a continuous mixture of normals over it:

* ``μ | y = ∫ N(m(τ), s²(τ)) p(τ | y) dτ``,
* a new study's effect ``θ_new | y = ∫ N(m(τ), s²(τ) + τ²) p(τ | y) dτ`` (posterior predictive),
* each study's effect ``θᵢ | y = ∫ N(bᵢ yᵢ + (1 − bᵢ) m(τ), bᵢ vᵢ + (1 − bᵢ)² s²(τ)) p(τ | y) dτ`` with
  ``bᵢ = τ² / (τ² + vᵢ)`` (shrinkage estimates).

bayesmeta integrates τ with R's ``integrate`` and approximates the μ mixtures by its DIRECT grid (Röver &
Friede 2017, tuning ``delta = 0.01``, ``epsilon = 1e-4``). Here the τ integral is a composite 20-node
Gauss-Legendre rule on ``log τ`` over the region where the log posterior density lies within 46 of its maximum
(the neglected tails hold < 1e-19 of the mass), with 96 panels; the mixtures are evaluated over the same nodes and
their quantiles found by a vectorised safeguarded Newton iteration. On the fixtures
(``tests/fixtures/bayes_reference.R``) every quantile equals R ``integrate()`` + ``uniroot()`` over the same
posterior to 5e-13, and bayesmeta with its DIRECT grid tightened to ``delta = 1e-6`` to 6e-7 (the grid's own
error). At bayesmeta's defaults the μ quantiles are ~1e-5 off the exact integral, and its μ and predictive SDs
(from the grid, which stops at the ``epsilon/2`` tail quantile of τ) up to ~6e-4 under a half-Cauchy prior.

Intervals are equal-tailed (central), bayesmeta's ``interval.type = "central"``; bayesmeta's default is the
shortest interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import special, stats

__all__ = ["TAU_PRIORS", "BayesResult", "PosteriorSummary", "bayes_pool", "tau_prior_logpdf"]

TAU_PRIORS: tuple[str, ...] = ("halfnormal", "halfcauchy", "halft")
"""Heterogeneity priors: ``("halfnormal", scale)``, ``("halfcauchy", scale)``, ``("halft", scale, df)``."""

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
_PANELS = 96
_COARSE = 4001
_LOG_DROP = 46.0  # e^-46 ≈ 1e-20: the density outside the integration region is negligible
_NEWTON_TOL = 1e-13


@dataclass(frozen=True)
class PosteriorSummary:
    """Summary of a one-dimensional posterior (or posterior predictive) distribution.

    Attributes
    ----------
    median, mean, sd : float
        Posterior median, mean and standard deviation.
    lower, upper : float
        Equal-tailed credible interval at the result's level.
    """

    median: float
    mean: float
    sd: float
    lower: float
    upper: float

    @property
    def interval(self) -> tuple[float, float]:
        """``(lower, upper)``."""
        return self.lower, self.upper


@dataclass(frozen=True)
class BayesResult:
    """Bayesian random-effects meta-analysis (model scale unless stated otherwise).

    Attributes
    ----------
    mu, tau, predictive : PosteriorSummary
        Posterior of the overall mean μ, of the heterogeneity τ, and the posterior predictive distribution of a
        new study's effect θ_new (its interval is the Bayesian prediction interval).
    shrinkage : polars.DataFrame
        One row per study: ``label, yi, sei, median, mean, sd, ci_low, ci_high`` of its shrunken effect θᵢ.
    tau_prior : tuple
        The τ prior, e.g. ``("halfnormal", 0.5)``.
    mu_prior : tuple or None
        ``("normal", mean, sd)``, or None for the flat prior.
    k : int
        Number of studies.
    level : float
        Credible level of the intervals.
    transform : str or None
        Set by ``pool_proportions(method="bayes")``: the scale of the model.
    proportion : tuple of float or None
        ``(median, ci_low, ci_high, pi_low, pi_high)`` of μ and θ_new back-transformed to proportions (quantiles
        are invariant under the monotone back-transformation).
    method : str
        ``"bayes"``.
    """

    mu: PosteriorSummary
    tau: PosteriorSummary
    predictive: PosteriorSummary
    shrinkage: pl.DataFrame = field(repr=False)
    tau_prior: tuple[Any, ...]
    mu_prior: tuple[Any, ...] | None
    k: int
    level: float
    transform: str | None = None
    proportion: tuple[float, float, float, float, float] | None = None
    method: str = "bayes"


# --------------------------------------------------------------------------------------------------
# priors and the marginal posterior of τ
# --------------------------------------------------------------------------------------------------


def _check_tau_prior(prior: Any) -> tuple[str, float, float]:
    if not isinstance(prior, Sequence) or isinstance(prior, str) or not prior:
        raise ValueError(f"tau_prior must be a tuple such as ('halfnormal', 0.5); got {prior!r}")
    name = prior[0]
    if name not in TAU_PRIORS:
        raise ValueError(f"unknown tau prior {name!r}; choose one of {', '.join(map(repr, TAU_PRIORS))}")
    need = 3 if name == "halft" else 2
    if len(prior) != need:
        form = "(scale, df)" if need == 3 else "(scale)"
        raise ValueError(f"tau_prior {name!r} takes {need - 1} parameter(s): {form}")
    params = [float(p) for p in prior[1:]]
    if not all(np.isfinite(p) and p > 0 for p in params):
        raise ValueError(f"tau_prior parameters must be positive and finite; got {prior!r}")
    return name, params[0], params[1] if need == 3 else float("nan")


def tau_prior_logpdf(tau: Any, prior: Sequence[Any]) -> np.ndarray:
    """Log density of a τ prior (bayesmeta ``dhalfnormal``, ``dhalfcauchy``, ``dhalft``).

    Parameters
    ----------
    tau : array_like
        Values of τ ≥ 0.
    prior : tuple
        ``("halfnormal", scale)``, ``("halfcauchy", scale)`` or ``("halft", scale, df)``.

    Returns
    -------
    numpy.ndarray
        Log density (−inf for τ < 0).

    Examples
    --------
    Half-normal with scale 1 at 0 is 2 φ(0) = √(2/π):

    >>> round(float(np.exp(tau_prior_logpdf(0.0, ("halfnormal", 1.0)))[0]), 6)
    0.797885
    """
    name, scale, df = _check_tau_prior(prior)
    t = np.atleast_1d(np.asarray(tau, dtype=float)) / scale
    if name == "halfnormal":
        out = stats.norm.logpdf(t)
    elif name == "halfcauchy":
        out = stats.cauchy.logpdf(t)
    else:
        out = stats.t.logpdf(t, df)
    return np.where(t < 0, -np.inf, out + np.log(2.0 / scale))


def _terms(y: np.ndarray, v: np.ndarray, tau: np.ndarray, mu_prior: tuple[float, float] | None):
    """Per-node conditional moments of μ and the log marginal likelihood log p(y | τ) (bayesmeta's formulas)."""
    var = tau[:, None] ** 2 + v[None, :]
    yt = np.broadcast_to(y, var.shape)
    if mu_prior is not None:
        m0, s0 = mu_prior
        var = np.hstack([np.full((tau.size, 1), s0**2), var])
        yt = np.hstack([np.full((tau.size, 1), m0), yt])
    prec = 1.0 / var
    s2 = 1.0 / prec.sum(axis=1)
    m = (yt * prec).sum(axis=1) * s2
    n = var.shape[1]
    loglik = -0.5 * ((n - 1) * np.log(2 * np.pi) + np.log(var).sum(axis=1)
                     + ((yt - m[:, None]) ** 2 * prec).sum(axis=1) - np.log(s2))  # fmt: skip
    return m, s2, loglik


@dataclass(frozen=True)
class _Posterior:
    """Quadrature nodes over τ with normalised weights, and the conditional moments of μ at the nodes."""

    tau: np.ndarray
    weight: np.ndarray
    m: np.ndarray
    s2: np.ndarray
    edges: np.ndarray  # panel boundaries in log τ
    panel_mass: np.ndarray
    log_norm: float
    logpost: Any = field(repr=False)  # log τ ↦ unnormalised log density of log τ


def _posterior(y: np.ndarray, v: np.ndarray, prior: tuple[Any, ...], mu_prior: tuple[float, float] | None):
    def logpost(s: np.ndarray) -> np.ndarray:
        tau = np.exp(s)
        return tau_prior_logpdf(tau, prior) + _terms(y, v, tau, mu_prior)[2] + s

    scales = [float(prior[1]), float(np.sqrt(v.min())), float(np.sqrt(v.max())), float(np.ptp(y)) or 1.0]
    s_lo, s_hi = np.log(1e-12 * min(scales)), np.log(1e20 * max(scales))
    coarse = np.linspace(s_lo, s_hi, _COARSE)
    f = logpost(coarse)
    keep = np.flatnonzero(f > f.max() - _LOG_DROP)
    a = coarse[max(keep[0] - 1, 0)]
    b = coarse[min(keep[-1] + 1, coarse.size - 1)]
    edges = np.linspace(a, b, _PANELS + 1)
    half = 0.5 * np.diff(edges)
    s = ((edges[:-1] + half)[:, None] + half[:, None] * _GL_NODES[None, :]).ravel()
    lw = logpost(s) + np.log((half[:, None] * _GL_WEIGHTS[None, :]).ravel())
    log_norm = float(special.logsumexp(lw))
    w = np.exp(lw - log_norm)
    tau = np.exp(s)
    m, s2, _ = _terms(y, v, tau, mu_prior)
    return _Posterior(tau, w, m, s2, edges, w.reshape(_PANELS, -1).sum(axis=1), log_norm, logpost)


def _tau_cdf_in_panel(post: _Posterior, panel: int, s: float) -> float:
    a = post.edges[panel]
    half = 0.5 * (s - a)
    nodes = a + half + half * _GL_NODES
    part = float(np.sum(np.exp(post.logpost(nodes) - post.log_norm) * half * _GL_WEIGHTS))
    return float(post.panel_mass[:panel].sum()) + part


def _tau_quantile(post: _Posterior, p: float) -> float:
    from scipy import optimize

    cum = np.cumsum(post.panel_mass)
    panel = int(min(np.searchsorted(cum, p * cum[-1]), _PANELS - 1))
    target = p * cum[-1]
    lo, hi = post.edges[panel], post.edges[panel + 1]
    s = optimize.brentq(lambda x: _tau_cdf_in_panel(post, panel, x) - target, lo, hi, xtol=1e-14, rtol=1e-15)
    return float(np.exp(s))


# --------------------------------------------------------------------------------------------------
# normal mixtures
# --------------------------------------------------------------------------------------------------


def mixture_quantiles(w: np.ndarray, mean: np.ndarray, sd: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Quantiles of normal mixtures ``Σⱼ wⱼ N(meanⱼₗ, sdⱼₗ²)``, one per column l, by safeguarded Newton.

    Parameters
    ----------
    w : numpy.ndarray
        Mixture weights, shape (N,), summing to 1.
    mean, sd : numpy.ndarray
        Component means and standard deviations, shape (N, L).
    probs : numpy.ndarray
        Target probability per column, shape (L,).

    Returns
    -------
    numpy.ndarray
        Shape (L,).

    Examples
    --------
    >>> q = mixture_quantiles(np.array([1.0]), np.zeros((1, 1)), np.ones((1, 1)), np.array([0.975]))
    >>> round(float(q[0]), 6)
    1.959964
    """
    lo = np.min(mean - 40 * sd, axis=0)
    hi = np.max(mean + 40 * sd, axis=0)
    mix_mean = w @ mean
    mix_sd = np.sqrt(np.maximum(w @ (sd**2 + mean**2) - mix_mean**2, 0.0))
    x = np.clip(mix_mean + mix_sd * special.ndtri(probs), lo, hi)  # normal approximation as the start
    active = np.arange(x.size)  # columns still iterating: a converged column is frozen
    for _ in range(200):
        m, s, xa = mean[:, active], sd[:, active], x[active]
        z = (xa[None, :] - m) / s
        cdf = w @ special.ndtr(z) - probs[active]
        pdf = w @ (np.exp(-0.5 * z**2) / (np.sqrt(2 * np.pi) * s))
        lo[active] = np.where(cdf < 0, xa, lo[active])
        hi[active] = np.where(cdf > 0, xa, hi[active])
        with np.errstate(divide="ignore", invalid="ignore"):
            new = xa - cdf / pdf
        bad = ~np.isfinite(new) | (new < lo[active]) | (new > hi[active])
        new = np.where(bad, 0.5 * (lo[active] + hi[active]), new)
        done = (cdf == 0) | (np.abs(new - xa) <= _NEWTON_TOL * (1.0 + np.abs(xa)))
        x[active] = np.where(cdf == 0, xa, new)
        active = active[~done]
        if active.size == 0:
            break
    return x


def _tail_exponent(prior: tuple[Any, ...], k: int, flat_mu: bool) -> float:
    """a in p(τ | y) ~ τ^(−a) as τ → ∞: the prior's tail times p(y | τ) ~ τ^(−(k − 1)) (flat μ) or τ^(−k)."""
    prior_tail = {"halfnormal": np.inf, "halfcauchy": 2.0}.get(prior[0], float(prior[-1]) + 1.0)
    return prior_tail + (k - 1 if flat_mu else k)


def _moments(mean: float, var: float, tail: float) -> tuple[float, float]:
    """(mean, sd) of a mixture over τ, or NaN / inf where the posterior tail makes them not exist: the mean of a
    quantity whose conditional spread grows like τ needs a > 2, its variance a > 3."""
    m = mean if tail > 2 else float("nan")
    sd = float(np.sqrt(max(var, 0.0))) if tail > 3 else float("inf")
    return m, sd


def _summary(w: np.ndarray, mean: np.ndarray, sd: np.ndarray, level: float, tail: float) -> list[PosteriorSummary]:
    """Summaries of the mixtures in the columns of ``mean``/``sd`` (vectorised over columns)."""
    keep = w > 1e-17  # nodes that cannot move a probability by more than 2e-14 in all are left out of the mixtures
    w, mean, sd = w[keep], mean[keep], sd[keep]
    cols = mean.shape[1]
    alpha = 1.0 - level
    probs = np.repeat([0.5, alpha / 2, 1 - alpha / 2], cols)
    q = mixture_quantiles(w, np.tile(mean, 3), np.tile(sd, 3), probs).reshape(3, cols)
    mu = w @ mean
    var = w @ (sd**2 + mean**2) - mu**2
    mom = [_moments(float(mu[c]), float(var[c]), tail) for c in range(cols)]
    return [PosteriorSummary(float(q[0, c]), mom[c][0], mom[c][1], float(q[1, c]), float(q[2, c]))
            for c in range(cols)]  # fmt: skip


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------


def _check_mu_prior(mu_prior: Any) -> tuple[float, float] | None:
    if mu_prior is None:
        return None
    ok = isinstance(mu_prior, Sequence) and not isinstance(mu_prior, str) and len(mu_prior) == 3
    if not ok or mu_prior[0] != "normal":
        raise ValueError(f"mu_prior must be None (flat) or ('normal', mean, sd); got {mu_prior!r}")
    m, s = float(mu_prior[1]), float(mu_prior[2])
    if not (np.isfinite(m) and np.isfinite(s) and s > 0):
        raise ValueError(f"mu_prior needs a finite mean and a positive finite sd; got {mu_prior!r}")
    return m, s


def _check_data(yi: Any, vi: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.atleast_1d(np.asarray(yi, dtype=float))
    v = np.atleast_1d(np.asarray(vi, dtype=float))
    if y.ndim != 1 or y.shape != v.shape or y.size == 0:
        raise ValueError(f"yi and vi must be one-dimensional of the same non-zero length; got {y.shape}, {v.shape}")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v))):
        raise ValueError("yi and vi must be finite")
    if np.any(v <= 0):
        raise ValueError(f"sampling variances must be positive; not at positions {np.flatnonzero(v <= 0).tolist()}")
    return y, v


def bayes_pool(
    yi: Any,
    vi: Any,
    tau_prior: Sequence[Any] = ("halfnormal", 0.5),
    mu_prior: Sequence[Any] | None = None,
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> BayesResult:
    """Bayesian random-effects meta-analysis of effects ``yi`` with sampling variances ``vi`` (R bayesmeta).

    Parameters
    ----------
    yi, vi : array_like
        Effect estimates and their sampling variances (bayesmeta's ``sigma`` is ``sqrt(vi)``).
    tau_prior : tuple
        ``("halfnormal", scale)``, ``("halfcauchy", scale)`` or ``("halft", scale, df)``; a proper prior is
        required (with a flat μ prior and k = 1 the posterior of τ is the prior).
    mu_prior : tuple or None
        None for the flat (improper) prior on μ, or ``("normal", mean, sd)``.
    level : float
        Credible level of the equal-tailed intervals.
    labels : sequence of str, optional
        Study labels for the shrinkage table.

    Returns
    -------
    BayesResult
        Posterior summaries of μ, τ, θ_new and each θᵢ.

    Examples
    --------
    The data of bayesmeta's worked example (Crins et al. 2014, log odds ratios of acute rejection, escalc "OR",
    as printed to 4 decimals; ``?CrinsEtAl2014``, Röver 2020) with a half-normal prior of scale 0.5 on τ;
    bayesmeta 3.4 gives posterior medians μ = −1.5835 and τ = 0.3454 (``tests/fixtures/bayes_reference.json``):

    >>> y = [-2.3097, -0.4595, -2.3026, -1.7579, -1.2585, -2.4179]
    >>> v = [0.3594, 0.3096, 0.7750, 0.2078, 0.4122, 2.3373]
    >>> r = bayes_pool(y, v, tau_prior=("halfnormal", 0.5))
    >>> round(r.mu.median, 2), round(r.tau.median, 2)
    (-1.58, 0.35)
    """
    y, v = _check_data(yi, vi)
    prior = tuple(tau_prior)
    _check_tau_prior(prior)
    mu0 = _check_mu_prior(mu_prior)
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be a probability in (0, 1), e.g. 0.95; got {level!r}")
    names = [f"Study {i + 1}" for i in range(y.size)] if labels is None else [str(x) for x in labels]
    if len(names) != y.size:
        raise ValueError(f"labels has {len(names)} entries but there are {y.size} studies")
    post = _posterior(y, v, prior, mu0)
    alpha = 1.0 - float(level)
    tq = [_tau_quantile(post, p) for p in (0.5, alpha / 2, 1 - alpha / 2)]
    tail = _tail_exponent(prior, y.size, mu0 is None)
    t_mean = float(post.weight @ post.tau)
    t_mom = _moments(t_mean, float(post.weight @ post.tau**2) - t_mean**2, tail)
    tau_sum = PosteriorSummary(tq[0], float("inf") if np.isnan(t_mom[0]) else t_mom[0], t_mom[1], tq[1], tq[2])
    s = np.sqrt(post.s2)
    # μ's conditional sd grows like τ under a flat μ prior (bounded under a normal one), θ_new's always does
    (mu_sum,) = _summary(post.weight, post.m[:, None], s[:, None], float(level), tail if mu0 is None else np.inf)
    (pred_sum,) = _summary(post.weight, post.m[:, None], np.sqrt(post.s2 + post.tau**2)[:, None], float(level), tail)
    b = post.tau[:, None] ** 2 / (post.tau[:, None] ** 2 + v[None, :])
    th_mean = b * y[None, :] + (1 - b) * post.m[:, None]
    th_sd = np.sqrt(b * v[None, :] + (1 - b) ** 2 * post.s2[:, None])
    th = _summary(post.weight, th_mean, th_sd, float(level), np.inf)  # θᵢ's conditional moments stay bounded
    shrink = pl.DataFrame({
        "label": names, "yi": y, "sei": np.sqrt(v), "median": [t.median for t in th], "mean": [t.mean for t in th],
        "sd": [t.sd for t in th], "ci_low": [t.lower for t in th], "ci_high": [t.upper for t in th],
    })  # fmt: skip
    mu_tuple = None if mu0 is None else ("normal", mu0[0], mu0[1])
    return BayesResult(mu_sum, tau_sum, pred_sum, shrink, prior, mu_tuple, int(y.size), float(level))
