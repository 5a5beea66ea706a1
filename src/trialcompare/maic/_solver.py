"""Feasibility and the convex minimisation behind MAIC weights (private module).

The weights are ``w_i = c_i exp(x_i' b)`` (``c_i`` a patient's multiplicity: 1, or its bootstrap count), where the
rows ``x_i`` are the IPD's centred, standardised moments. ``b`` minimises the convex

    f(b) = log sum_i c_i exp(x_i' b),

whose gradient is the weighted mean of the moments. A finite minimiser exists exactly when the zero vector lies
strictly inside the convex hull of the rows (with positive multiplicity): then some strictly positive weights
reproduce the targets. :func:`feasibility` decides that by linear programming before anything is minimised;
:func:`newton` minimises ``f`` by Newton's method with an Armijo backtracking line search, which converges from any
start for a strictly convex function with bounded level sets (Boyd and Vandenberghe 2004, section 9.5.3) — no cap on
the coefficients is needed or used. ``f`` is evaluated as a log-sum-exp, so large coefficients cannot overflow.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import OptimizeResult, linprog

__all__ = ["Feasibility", "feasibility", "newton"]

MAX_ITER = 200
GRAD_TOL = 1e-12  # largest |weighted mean| of a standardised moment at convergence
#: The hull is entered "strictly" when a linear program finds weights (mean 1) all at least this large.
STRICT_MARGIN = 1e-7
_ARMIJO = 1e-4


@dataclass(frozen=True)
class Feasibility:
    """Whether strictly positive weights reproduce the targets, decided by linear programming.

    Attributes
    ----------
    status : str
        ``"inside"`` (strictly positive weights exist), ``"boundary"`` (only weights with some zeros reach the
        targets) or ``"outside"`` (no non-negative weights do).
    margin : float
        The largest ``t`` such that weights with mean 1 and every weight ``>= t`` reproduce the targets (0 unless
        inside).
    moments : tuple of int
        The moment columns that cannot be reached: those the nearest reachable point misses (outside), or that
        span the supporting hyperplane (boundary). Empty when inside.
    nearest : numpy.ndarray or None
        Weights (summing to 1) of the reachable point nearest the targets (outside; L1 distance on the
        standardised moments), or weights reaching the targets with zeros (boundary).
    """

    status: str
    margin: float
    moments: tuple[int, ...]
    nearest: NDArray[np.float64] | None


def _solution(res: OptimizeResult) -> tuple[float, NDArray[np.float64]]:
    """The optimum and solution of a linear program, or RuntimeError with HiGHS's message when it has none."""
    if res.x is None or res.fun is None:
        raise RuntimeError(f"the feasibility linear program has no solution: {res.message}")
    return float(res.fun), res.x


def _nearest(xs: NDArray[np.float64]) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """min sum|s| subject to xs' w + s = 0, sum w = 1, w >= 0: (distance, w, s)."""
    n, k = xs.shape
    c = np.r_[np.zeros(n), np.ones(2 * k)]
    a_eq = np.block([[xs.T, np.eye(k), -np.eye(k)], [np.ones((1, n)), np.zeros((1, 2 * k))]])
    b_eq = np.r_[np.zeros(k), 1.0]
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    fun, z = _solution(res)
    return fun, z[:n], z[n:n + k] - z[n + k:]


def _margin(xs: NDArray[np.float64]) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """max t subject to xs' w = 0, mean(w) = 1, w >= t: (t, w, dual of the moment rows).

    Written with ``v = w - t >= 0`` so that the program has equality rows only ((k + 1) x (n + 1), no n x n block).
    """
    n, k = xs.shape
    c = np.r_[np.zeros(n), -1.0]
    a_eq = np.block([[xs.T, xs.sum(axis=0)[:, None]], [np.ones((1, n)), np.full((1, 1), float(n))]])
    b_eq = np.r_[np.zeros(k), float(n)]
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n + [(0, 1)], method="highs")
    _, x = _solution(res)
    t = float(x[-1])
    return t, x[:n] + t, np.asarray(res.eqlin.marginals[:k], dtype=float)


def feasibility(xs: NDArray[np.float64]) -> Feasibility:
    """Decide by linear programming whether the zero vector is strictly inside the convex hull of the rows of ``xs``.

    Parameters
    ----------
    xs : numpy.ndarray
        Centred (and preferably standardised) moments, shape (n, k).

    Returns
    -------
    Feasibility

    Examples
    --------
    Ages 40 to 65: a target mean of 50 is inside, the minimum 40 is on the boundary (only the 40-year-old can carry
    weight), 70 is outside (the nearest reachable mean is 65: all weight on the oldest patient).

    >>> age = np.array([[40.0], [45], [50], [55], [60], [65]])
    >>> feasibility(age - 50).status, feasibility(age - 40).status, feasibility(age - 70).status
    ('inside', 'boundary', 'outside')
    >>> float(feasibility(age - 70).nearest @ age[:, 0])
    65.0
    """
    distance, w, slack = _nearest(xs)
    scale = max(1.0, float(np.abs(xs).max()))
    if distance > STRICT_MARGIN * scale:
        worst = np.abs(slack)
        return Feasibility("outside", 0.0, tuple(int(j) for j in np.flatnonzero(worst > 1e-9 * scale)), w)
    t, w, dual = _margin(xs)
    if t > STRICT_MARGIN:
        return Feasibility("inside", t, (), None)
    big = np.abs(dual)
    moments = tuple(int(j) for j in np.flatnonzero(big > 1e-6 * big.max())) if big.max() > 0 else ()
    return Feasibility("boundary", 0.0, moments, w / w.sum())


def _objective(xs: NDArray[np.float64], log_c: NDArray[np.float64], beta: NDArray[np.float64]) -> NDArray[np.float64]:
    """f(b) = log sum_i c_i exp(x_i' b) per fit (rows of ``beta``), as a log-sum-exp."""
    s = beta @ xs.T + log_c  # (B, n)
    m = s.max(axis=1)
    return m + np.log(np.exp(s - m[:, None]).sum(axis=1))


def _probabilities(xs: NDArray[np.float64], log_c: NDArray[np.float64], beta: NDArray[np.float64]) -> NDArray:
    s = beta @ xs.T + log_c
    e = np.exp(s - s.max(axis=1)[:, None])
    return e / e.sum(axis=1)[:, None]


def _direction(p: NDArray[np.float64], xs: NDArray[np.float64], grad: NDArray[np.float64]) -> NDArray[np.float64]:
    """Newton direction -H^-1 g per fit, H = Cov_p(x) (NaN where H is singular)."""
    hess = np.einsum("bi,ij,il->bjl", p, xs, xs) - np.einsum("bj,bl->bjl", grad, grad)
    try:
        return -np.linalg.solve(hess, grad[..., None])[..., 0]
    except np.linalg.LinAlgError:  # one of them is singular: solve one by one
        out = np.full_like(grad, np.nan)
        for b in range(grad.shape[0]):
            with contextlib.suppress(np.linalg.LinAlgError):
                out[b] = -np.linalg.solve(hess[b], grad[b])
        return out


def _line_search(xs: NDArray[np.float64], log_c: NDArray[np.float64], beta: NDArray[np.float64],
                 step: NDArray[np.float64], f0: NDArray[np.float64], slope: NDArray[np.float64]) -> tuple:
    """Armijo backtracking: the largest t in 1, 1/2, 1/4, ... with f(b + t d) <= f(b) + 1e-4 t g'd (per fit).

    Returns the new coefficients and which fits found no decrease (rounding level)."""
    t = np.ones(beta.shape[0])
    todo = np.ones(beta.shape[0], dtype=bool)
    for _ in range(60):
        f1 = _objective(xs, log_c[todo], beta[todo] + t[todo, None] * step[todo])
        rounding = 8 * np.finfo(float).eps * np.maximum(1.0, np.abs(f0[todo]))
        ok = f1 <= f0[todo] + _ARMIJO * t[todo] * slope[todo] + rounding
        idx = np.flatnonzero(todo)
        todo[idx[ok]] = False
        if not todo.any():
            break
        t[todo] /= 2.0
    t[todo] = 0.0  # no decrease found: rounding level reached
    return beta + t[:, None] * step, todo


def newton(xs: NDArray[np.float64], counts: NDArray[np.float64]) -> tuple[NDArray, NDArray[np.bool_], int]:
    """Minimise ``f_b(b) = log sum_i counts_bi exp(x_i' b)`` for each row of ``counts`` (shape (B, n)).

    Parameters
    ----------
    xs : numpy.ndarray
        Standardised centred moments, shape (n, k).
    counts : numpy.ndarray
        Multiplicities per fit, shape (B, n) (ones for a single fit; bootstrap counts for resamples).

    Returns
    -------
    beta : numpy.ndarray
        Coefficients (B, k).
    converged : numpy.ndarray of bool
        Whether the largest weighted mean of a standardised moment fell to ``GRAD_TOL`` (1e-12). False for a fit
        certified outside the hull: a moment whose drawn values are all on one side of its target, or ``f < 0``
        (impossible when weights reach the targets and the multiplicities are whole numbers >= 1).
    iterations : int
        Newton iterations used.

    Examples
    --------
    One moment, ages 40 to 65 against a target of 55 (standardised by the SD): the weighted mean is 55 exactly.

    >>> x = np.array([40.0, 45, 50, 55, 60, 65]) - 55
    >>> xs = (x / x.std())[:, None]
    >>> beta, ok, _ = newton(xs, np.ones((1, 6)))
    >>> w = np.exp(xs[:, 0] * beta[0, 0])
    >>> bool(ok[0]), round(float(w @ (x + 55) / w.sum()), 10)
    (True, 55.0)
    """
    n_fit, k = counts.shape[0], xs.shape[1]
    with np.errstate(divide="ignore"):
        log_c = np.log(counts)
    beta = np.zeros((n_fit, k))
    converged = np.zeros(n_fit, dtype=bool)
    failed = _outside_a_coordinate(xs, counts)
    it = 0
    for it in range(1, MAX_ITER + 1):  # noqa: B007 - the count is returned
        p = _probabilities(xs, log_c, beta)
        grad = p @ xs
        gmax = np.max(np.abs(grad), axis=1)
        converged |= gmax <= GRAD_TOL
        active = np.flatnonzero(~converged & ~failed)
        if not active.size:
            break
        step = _direction(p[active], xs, grad[active])
        bad = ~np.all(np.isfinite(step), axis=1)
        failed[active[bad]] = True
        active, step = active[~bad], step[~bad]
        f0 = _objective(xs, log_c[active], beta[active])
        slope = np.einsum("bj,bj->b", grad[active], step)
        beta[active], stalled = _line_search(xs, log_c[active], beta[active], step, f0, slope)
        converged[active[stalled & (gmax[active] <= 1e3 * GRAD_TOL)]] = True  # rounding floor reached
        failed[active[stalled & (gmax[active] > 1e3 * GRAD_TOL)]] = True
        # f >= 0 whenever non-negative weights reach the targets and every multiplicity is a whole number >= 1
        # (Jensen: f(b) >= sum q_i log(c_i / q_i) >= 0 for such weights q); f < 0 certifies "outside"
        failed[active[_objective(xs, log_c[active], beta[active]) < -1e-9]] = True
    return beta, converged & ~failed, it


def _outside_a_coordinate(xs: NDArray[np.float64], counts: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Fits whose drawn patients do not straddle a target (a moment's values all on one side of 0): outside."""
    drawn = counts > 0
    lo = np.where(drawn[:, :, None], xs[None, :, :], np.inf).min(axis=1)
    hi = np.where(drawn[:, :, None], xs[None, :, :], -np.inf).max(axis=1)
    return np.any((lo >= 0) | (hi <= 0), axis=1)
