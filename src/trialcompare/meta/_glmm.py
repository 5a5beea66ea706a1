"""Binomial-normal random-intercept model for single proportions (metafor ``rma.glmm(measure="PLO")``).

Model: ``xᵢ ~ Binomial(nᵢ, expit(μ + bᵢ))``, ``bᵢ ~ N(0, τ²)``. Fitted by maximum likelihood; each
study's integral over ``bᵢ`` is approximated by adaptive Gauss-Hermite quadrature with 7 nodes, the
default of ``rma.glmm`` (``nAGQ = 7``, passed to ``lme4::glmer``). The quadrature is centred at the
conditional mode of ``bᵢ`` and scaled by the curvature there, as lme4 does. The standard error of μ is
taken from the inverse of the observed information of ``(μ, τ)``, which is what lme4's ``vcov()``
reports by default (``use.hessian = TRUE``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

__all__ = ["N_AGQ", "GlmmFit", "fit_glmm", "heterogeneity_lrt", "heterogeneity_wald"]

N_AGQ = 7
_NODES, _WEIGHTS = np.polynomial.hermite.hermgauss(N_AGQ)
_LOG_W = np.log(_WEIGHTS) + _NODES**2  # for ∫ f(b) db = Σ wⱼ e^{zⱼ²} f(√2 σ zⱼ + b̂) √2 σ
_TAU_FLOOR = 1e-5
_TAU2_CEILING = 1e4  # beyond this (SD of 100 on the logit scale) the likelihood is flat: not identifiable
# A random-effects fit must beat the common-effect log-likelihood by more than rounding to count as τ² > 0.
_LL_GAIN_TOL = 1e-8


@dataclass(frozen=True)
class GlmmFit:
    """Maximum-likelihood fit of the binomial-normal model."""

    estimate: float
    se: float
    tau2: float
    loglik: float
    converged: bool


def _log_binom(x: np.ndarray, n: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Binomial log-likelihood kernel ``x η - n log(1 + e^η)`` (constant dropped)."""
    return x * eta - n * np.logaddexp(0.0, eta)


def _conditional(x: np.ndarray, n: np.ndarray, mu: float, b: np.ndarray, prec: float) -> np.ndarray:
    """Log of the integrand h(b) = x(μ+b) - n log(1+e^{μ+b}) - b²/(2τ²), per study."""
    return _log_binom(x, n, mu + b) - 0.5 * prec * b**2


def _modes(
    x: np.ndarray, n: np.ndarray, mu: float, tau: float, b0: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Conditional modes b̂ and curvature scale σ̂ = (-h''(b̂))^{-1/2}, by a damped (globally convergent) Newton.

    h is strictly concave, so a Newton step that is halved until h does not decrease converges from any start
    (plain Newton from 0 overshoots on sparse or extreme cells, e.g. 22/22 with a large τ). Each study's search
    is checked: the gradient at b̂ must vanish relative to the data scale; the flag says whether all did.
    """
    b = np.zeros_like(x, dtype=float) if b0 is None else b0.copy()
    prec = 1.0 / tau**2
    h = _conditional(x, n, mu, b, prec)
    scale = 1.0 + n + np.abs(b) * prec
    done = np.zeros(x.shape, dtype=bool)
    for _ in range(200):
        p = special.expit(mu + b)
        grad = x - n * p - b * prec
        hess = n * p * (1 - p) + prec
        done = np.abs(grad) <= 1e-12 * scale
        if np.all(done):
            break
        step = np.where(done, 0.0, grad / hess)
        t = np.ones_like(b)
        for _ in range(60):
            trial = b + t * step
            h_trial = _conditional(x, n, mu, trial, prec)
            # rounding of x·η - n·log(1+e^η) grows with n·|η|: smaller changes are not a decrease
            worse = h_trial < h - 1e-12 * (1.0 + n * (1.0 + np.abs(mu + b)))
            if not np.any(worse):
                break
            t = np.where(worse, 0.5 * t, t)
        b, h = trial, h_trial
    p = special.expit(mu + b)
    return b, 1.0 / np.sqrt(n * p * (1 - p) + prec), bool(np.all(done))


def _marginal_loglik(x: np.ndarray, n: np.ndarray, mu: float, tau: float, warm: dict | None = None) -> float:
    """Adaptive Gauss-Hermite approximation of Σᵢ log ∫ Bin(xᵢ | nᵢ, expit(μ + b)) N(b; 0, τ²) db."""
    if tau < _TAU_FLOOR:
        return float(np.sum(_log_binom(x, n, np.full_like(x, mu, dtype=float))))
    b_hat, sigma, _ = _modes(x, n, mu, tau, None if warm is None else warm.get("b"))
    if warm is not None:  # the next evaluation (a nearby μ, τ) starts its mode search here
        warm["b"] = b_hat
    b = b_hat[:, None] + np.sqrt(2.0) * sigma[:, None] * _NODES[None, :]
    log_f = _log_binom(x[:, None], n[:, None], mu + b) - 0.5 * b**2 / tau**2
    terms = log_f + _LOG_W[None, :]
    top = terms.max(axis=1)  # log-sum-exp by hand: scipy's logsumexp costs more than the rest of the evaluation
    log_int = top + np.log(np.exp(terms - top[:, None]).sum(axis=1))
    log_int += np.log(np.sqrt(2.0) * sigma) - 0.5 * np.log(2 * np.pi * tau**2)
    return float(np.sum(log_int))


def _negll(theta: np.ndarray, x: np.ndarray, n: np.ndarray, warm: dict | None = None) -> float:
    return -_marginal_loglik(x, n, float(theta[0]), float(np.exp(theta[1])), warm)


def _hessian(f, x0: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Central finite-difference Hessian of a scalar function of two variables."""
    out = np.empty((2, 2))
    e = np.eye(2) * h
    f0 = f(x0)
    for i in range(2):
        out[i, i] = (f(x0 + e[i]) - 2 * f0 + f(x0 - e[i])) / h[i] ** 2
    out[0, 1] = out[1, 0] = (f(x0 + e[0] + e[1]) - f(x0 + e[0] - e[1]) - f(x0 - e[0] + e[1]) + f(x0 - e[0] - e[1])) / (
        4 * h[0] * h[1]
    )
    return out


def _gradient_small(theta: np.ndarray, x: np.ndarray, n: np.ndarray, tol: float = 1e-4) -> bool:
    """BFGS may stop with 'precision loss' at the optimum; accept if the central-difference gradient is ~0."""
    h = 1e-5
    grad = [(_negll(theta + h * e, x, n) - _negll(theta - h * e, x, n)) / (2 * h) for e in np.eye(theta.size)]
    return bool(np.max(np.abs(grad)) < tol)


def _fixed_effect(x: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:
    """Common-effect logistic model: (logit of pooled proportion, its SE, log-likelihood kernel)."""
    p = float(np.sum(x) / np.sum(n))
    mu = float(special.logit(p))
    se = 1.0 / np.sqrt(float(np.sum(n)) * p * (1 - p))
    return mu, se, float(np.sum(_log_binom(x, n, np.full_like(x, mu, dtype=float))))


def fit_glmm(events: np.ndarray, totals: np.ndarray, tau2_start: float) -> GlmmFit:
    """Fit the binomial-normal random-intercept model by ML (adaptive Gauss-Hermite, 7 nodes).

    Parameters
    ----------
    events, totals : numpy.ndarray
        Event counts and sample sizes (not continuity-corrected); ``0 < Σx < Σn``, ``k ≥ 2``.
    tau2_start : float
        Starting value for τ² (e.g. a DerSimonian-Laird estimate on the logit scale).

    Returns
    -------
    GlmmFit
        Estimate of μ (logit), its SE, τ², maximised log-likelihood kernel, convergence flag. The flag is False
        when the optimiser or a study's conditional-mode search did not converge, when the SE is not finite, or
        when τ² runs off to a flat likelihood (τ² > 10⁴: the data do not identify it).

    Raises
    ------
    ValueError
        Fewer than 2 studies (τ² is not identifiable), counts that are not whole numbers with 0 ≤ x ≤ n and
        n ≥ 1, or no finite estimate (every study 0 events, or every study all events).
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    _check_counts(x, n)
    mu0, se0, ll_fe = _fixed_effect(x, n)
    if np.all(n == 1):
        # Bernoulli data: the marginal likelihood depends on (μ, τ) only through P(x = 1), so τ² is not identified;
        # the ML estimate is the common-effect fit with τ² = 0, which is what rma.glmm (lme4) reports.
        return GlmmFit(mu0, se0, 0.0, ll_fe, True)
    start = np.array([mu0, 0.5 * np.log(max(tau2_start, 0.01))])
    warm: dict = {}  # conditional modes of the last evaluation: the damped Newton search converges from any start
    res = optimize.minimize(_negll, start, args=(x, n, warm), method="BFGS", options={"gtol": 1e-9, "maxiter": 500})
    theta = res.x
    tau = float(np.exp(theta[1]))
    if tau < 10 * _TAU_FLOOR or -res.fun <= ll_fe + _LL_GAIN_TOL * max(1.0, abs(ll_fe)):
        return GlmmFit(mu0, se0, 0.0, ll_fe, True)
    converged = (bool(res.success) or _gradient_small(theta, x, n)) and _modes(x, n, theta[0], tau)[2]
    converged = converged and tau**2 <= _TAU2_CEILING

    def negll_natural(par: np.ndarray) -> float:
        return -_marginal_loglik(x, n, float(par[0]), float(par[1]), warm)

    par = np.array([theta[0], tau])
    hess = _hessian(negll_natural, par, np.array([1e-3, 1e-3 * max(tau, 1e-2)]))
    # a maximum has a positive-definite Hessian of -log L; otherwise (a ridge, a saddle) the SE is not defined
    positive = bool(np.all(np.linalg.eigvalsh(hess) > 0))
    cov = np.linalg.inv(hess) if positive else np.full((2, 2), np.nan)
    se = float(np.sqrt(cov[0, 0])) if cov[0, 0] > 0 else float("nan")
    return GlmmFit(float(theta[0]), se, tau**2, -float(res.fun), bool(converged and positive and np.isfinite(se)))


def _check_counts(x: np.ndarray, n: np.ndarray) -> None:
    if x.ndim != 1 or x.shape != n.shape:
        raise ValueError("events and totals must be 1-d arrays of the same length")
    if x.size < 2:
        raise ValueError(f"the GLMM needs at least 2 studies (k = {x.size}): τ² is not identifiable")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(n))) or np.any(x != np.round(x)) or np.any(n != np.round(n)):
        raise ValueError("events and totals must be whole numbers")
    if np.any(n < 1) or np.any(x < 0) or np.any(x > n):
        raise ValueError("counts must satisfy 0 ≤ events ≤ totals and totals ≥ 1")
    if np.all(x == 0) or np.all(x == n):
        raise ValueError("no finite estimate when every study has 0 events or every study has all events")


def heterogeneity_lrt(events: np.ndarray, totals: np.ndarray) -> float:
    """Likelihood-ratio test of heterogeneity (metafor ``QE.LRT``): common-effect vs saturated logistic model."""
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    p = float(np.sum(x) / np.sum(n))
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(x > 0, x * np.log(x / (n * p)), 0.0)
        t2 = np.where(n - x > 0, (n - x) * np.log((n - x) / (n * (1 - p))), 0.0)
    return max(0.0, float(2.0 * np.sum(t1 + t2)))


def heterogeneity_wald(events: np.ndarray, totals: np.ndarray) -> float:
    """Wald-type test of heterogeneity (metafor ``QE.Wld``) from the saturated logistic model.

    The Wald statistic for the study dummies equals Cochran's Q on the logit scale with the
    uncorrected variances ``1/x + 1/(n - x)``. It is undefined (NaN) when a study has 0 or n events,
    where the saturated model has no finite estimate.
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    if np.any(x == 0) or np.any(x == n):
        return float("nan")
    y = np.log(x / (n - x))
    w = 1.0 / (1.0 / x + 1.0 / (n - x))
    return float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))
