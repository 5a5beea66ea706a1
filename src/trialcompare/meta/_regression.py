"""Mixed-effects meta-regression (metafor ``rma(yi, vi, mods = ..., method, test)``).

The model ``yᵢ = xᵢᵀβ + uᵢ + εᵢ``, ``uᵢ ~ N(0, τ²)``, ``εᵢ ~ N(0, vᵢ)`` is fitted as ``rma.uni`` does: τ² by the
chosen estimator (the formulas of ``rma.uni`` for ``p`` coefficients), β by weighted least squares with weights
``1/(vᵢ + τ²)``, Wald-type z tests or Knapp-Hartung t / F tests. No k×k matrix is formed: with
``A = XᵀWX`` the projection ``P = W − WXA⁻¹XᵀW`` enters only through

* ``yᵀPy = Σ wᵢ rᵢ²`` and ``yᵀPPy = Σ (wᵢ rᵢ)²`` (``r`` the weighted least-squares residuals),
* ``tr P = Σ w − tr(A⁻¹ XᵀW²X)``,
* ``tr PP = Σ w² − 2 tr(A⁻¹ XᵀW³X) + tr((A⁻¹ XᵀW²X)²)``.

Iterative estimators (REML, ML, EB, PM) are iterated to the numerical solution (|Δτ²| ≤ 1e-12, as the tight fits
of the fixtures, ``control = list(threshold = 1e-12)`` / ``tol = 1e-12``); metafor's default stops at 1e-5.
Categorical moderators are coded as R's ``factor()`` does: treatment contrasts against the first level in sorted
order, columns named ``<name><level>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import optimize, stats

from trialcompare.options import TAU2_METHODS

__all__ = ["MetaRegression", "PermutationTest", "design_matrix", "meta_regression"]

_METHODS: tuple[str, ...] = (*TAU2_METHODS, "EE")
_THRESHOLD = 1e-12
_MAXITER = 1000
_LL0_TOL = np.finfo(float).eps ** 0.25


@dataclass(frozen=True)
class MetaRegression:
    """Result of a meta-regression (``rma(mods = ...)``).

    Attributes
    ----------
    coefficients : polars.DataFrame
        ``term, estimate, se, statistic, p, ci_low, ci_high`` (statistic z, or t with k − p df for Knapp-Hartung).
    vcov : numpy.ndarray
        Variance-covariance matrix of the coefficients.
    tau2 : float
        Residual between-study variance.
    i2, h2 : float
        Residual I² (percent) and H².
    r2 : float or None
        Proportion of τ² accounted for by the moderators (percent; metafor's ``R2``), None without an intercept
        or with intercept only.
    qm, qm_p : float
        Omnibus test of the moderators (all coefficients but the intercept): χ²(m), or F(m, k − p) for
        Knapp-Hartung.
    qm_df : tuple of int
        ``(m,)`` or ``(m, k − p)``.
    qe, qe_p : float
        Test for residual heterogeneity, ``Q_E`` on ``k − p`` df.
    k, p : int
        Studies and coefficients.
    method, test : str
        τ² estimator (or ``"EE"``) and ``"z"`` / ``"knha"``.
    level : float
        Confidence level of the coefficient intervals.
    converged : bool
        False if an iterative τ² estimator stopped early.
    permutation : PermutationTest or None
        Permutation p values, when requested.
    """

    coefficients: pl.DataFrame
    vcov: np.ndarray = field(repr=False)
    tau2: float
    i2: float
    h2: float
    r2: float | None
    qm: float
    qm_df: tuple[int, ...]
    qm_p: float
    qe: float
    qe_p: float
    k: int
    p: int
    method: str
    test: str
    level: float
    converged: bool = True
    permutation: PermutationTest | None = None


@dataclass(frozen=True)
class PermutationTest:
    """Permutation test of a meta-regression (metafor ``permutest``).

    Attributes
    ----------
    p : tuple of float
        Per coefficient, the share of permutations with ``|z|`` at least the observed.
    qm_p : float
        The share with QM at least the observed.
    n : int
        Permutations used.
    exact : bool
        All distinct permutations were used.
    """

    p: tuple[float, ...]
    qm_p: float
    n: int
    exact: bool


# --------------------------------------------------------------------------------------------------
# design matrix
# --------------------------------------------------------------------------------------------------


def _columns(moderators: Any) -> dict[str, list[Any]]:
    if isinstance(moderators, pl.DataFrame):
        return {c: moderators[c].to_list() for c in moderators.columns}
    if isinstance(moderators, Mapping):
        return {str(k): list(v) for k, v in moderators.items()}
    arr = np.asarray(moderators)
    if arr.ndim == 1:
        return {"x": arr.tolist()}
    if arr.ndim == 2:
        return {f"x{j + 1}": arr[:, j].tolist() for j in range(arr.shape[1])}
    raise ValueError(f"moderators must be a mapping, a polars DataFrame or a 1-d/2-d array; got shape {arr.shape}")


def _is_numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) for v in values)


def design_matrix(moderators: Any, k: int, intercept: bool = True) -> tuple[np.ndarray, list[str]]:
    """Model matrix of a meta-regression, as R's ``model.matrix(~ ...)`` with treatment contrasts.

    Parameters
    ----------
    moderators : mapping, polars.DataFrame or array_like
        Columns of moderators; numeric columns enter as they are, any other column as a factor (first level in
        sorted order is the reference).
    k : int
        Number of studies (every column must have k values).
    intercept : bool
        Add an intercept column ``"intrcpt"`` (metafor's name).

    Returns
    -------
    tuple
        ``(X, names)``.

    Examples
    --------
    >>> X, names = design_matrix({"dose": [1, 2, 3], "arm": ["b", "a", "b"]}, 3)
    >>> names
    ['intrcpt', 'dose', 'armb']
    >>> X[:, 2].tolist()
    [1.0, 0.0, 1.0]
    """
    cols, names = ([np.ones(k)], ["intrcpt"]) if intercept else ([], [])
    for name, values in _columns(moderators).items():
        if len(values) != k:
            raise ValueError(f"moderator {name!r} has {len(values)} values but there are {k} studies")
        if _is_numeric(values):
            x = np.asarray(values, dtype=float)
            if not np.all(np.isfinite(x)):
                raise ValueError(f"moderator {name!r} contains missing or non-finite values")
            cols.append(x)
            names.append(name)
            continue
        if any(v is None for v in values):
            raise ValueError(f"moderator {name!r} contains missing values")
        levels = sorted({str(v) for v in values})
        for lev in levels[1:] if intercept or cols else levels:
            cols.append(np.array([str(v) == lev for v in values], dtype=float))
            names.append(f"{name}{lev}")
    if not cols:
        raise ValueError("the model has no coefficients (no moderators and no intercept)")
    X = np.column_stack(cols)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(f"the model matrix is not of full rank (columns {', '.join(names)}): redundant moderators")
    return X, names


# --------------------------------------------------------------------------------------------------
# weighted least squares pieces
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Wls:
    beta: np.ndarray
    ainv: np.ndarray
    w: np.ndarray
    resid: np.ndarray

    @property
    def ypy(self) -> float:
        return float(np.sum(self.w * self.resid**2))

    @property
    def yppy(self) -> float:
        return float(np.sum((self.w * self.resid) ** 2))

    def tr_p(self, X: np.ndarray) -> float:
        return float(np.sum(self.w) - np.trace(self.ainv @ (X.T * self.w**2) @ X))

    def tr_pp(self, X: np.ndarray) -> float:
        b2 = self.ainv @ (X.T * self.w**2) @ X
        b3 = self.ainv @ (X.T * self.w**3) @ X
        return float(np.sum(self.w**2) - 2 * np.trace(b3) + np.trace(b2 @ b2))


def _wls(y: np.ndarray, X: np.ndarray, w: np.ndarray) -> _Wls:
    ainv = np.linalg.inv((X.T * w) @ X)
    beta = ainv @ (X.T @ (w * y))
    return _Wls(beta, ainv, w, y - X @ beta)


def _scoring(y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str, start: float) -> tuple[float, bool]:
    k, p = X.shape
    tau2 = max(0.0, start)
    for _ in range(_MAXITER):
        f = _wls(y, X, 1.0 / (v + tau2))
        if method == "ML":
            adj = (f.yppy - np.sum(f.w)) / np.sum(f.w**2)
        elif method == "REML":
            adj = (f.yppy - f.tr_p(X)) / f.tr_pp(X)
        else:  # EB
            adj = (f.ypy * k / (k - p) - k) / np.sum(f.w)
        adj = 0.0 if not np.isfinite(adj) else float(adj)
        while tau2 + adj < 0:
            adj /= 2.0
        old, tau2 = tau2, tau2 + adj
        if abs(old - tau2) <= _THRESHOLD * max(1.0, tau2):
            return tau2, True
    return tau2, False


def _loglik(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float, reml: bool) -> float:
    f = _wls(y, X, 1.0 / (v + tau2))
    k, p = X.shape
    out = -0.5 * np.sum(np.log(v + tau2)) - 0.5 * f.ypy
    if reml:
        return float(out - 0.5 * (k - p) * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet((X.T * f.w) @ X)[1])
    return float(out - 0.5 * k * np.log(2 * np.pi))


def _he(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    f = _wls(y, X, np.ones(k))
    tr_pv = float(np.sum(v) - np.trace(f.ainv @ (X.T * v) @ X))
    return (float(np.sum(f.resid**2)) - tr_pv) / (k - p)


def _pm(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> tuple[float, bool]:
    target = X.shape[0] - X.shape[1]

    def q(t: float) -> float:
        return _wls(y, X, 1.0 / (v + t)).ypy - target

    if q(0.0) < 0:
        return 0.0, True
    upper = 100.0
    while q(upper) > 0:
        upper *= 10.0
        if upper > 1e12:
            return upper, False
    return float(optimize.brentq(q, 0.0, upper, xtol=1e-14, rtol=4 * np.finfo(float).eps)), True


def _tau2_closed(y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str) -> float:
    k, p = X.shape
    fe = _wls(y, X, 1.0 / v)
    if method == "HS":
        return (fe.ypy - k) / float(np.sum(1.0 / v))
    if method == "DL":
        return (fe.ypy - (k - p)) / fe.tr_p(X)
    if method == "SJ":
        t0 = float(np.var(y))
        return t0 * _wls(y, X, 1.0 / (v + t0)).ypy / (k - p)
    return _he(y, v, X)


@dataclass(frozen=True)
class _Core:
    tau2: float
    converged: bool
    fit: _Wls
    vb: np.ndarray
    stat: np.ndarray
    qm: float


def _core(y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str, test: str, btt: np.ndarray) -> _Core:
    """τ², the WLS fit, the (Knapp-Hartung scaled) covariance, z / t statistics and the unscaled QM."""
    k, p = X.shape
    tau2, converged = regression_tau2(y, v, X, method)
    fit = _wls(y, X, 1.0 / (v + tau2))
    vb = fit.ainv
    if test == "knha":
        vb = vb * (0.0 if fit.ypy <= np.finfo(float).eps else fit.ypy / (k - p))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = fit.beta / np.sqrt(np.diag(vb))
    qm = float(fit.beta[btt] @ np.linalg.solve(vb[np.ix_(btt, btt)], fit.beta[btt])) if btt.size else float("nan")
    return _Core(tau2, converged, fit, vb, stat, qm)


def _distinct_permutations(X: np.ndarray, limit: int) -> list[np.ndarray] | None:
    """All distinct row orders of X (rows that are equal are not told apart), or None if more than ``limit``."""
    from itertools import permutations
    from math import factorial

    _, codes = np.unique(X, axis=0, return_inverse=True)
    codes = codes.ravel()
    count = factorial(codes.size)
    for c in np.unique(codes):
        count //= factorial(int(np.sum(codes == c)))
    if count > limit:
        return None
    seen: dict[tuple[int, ...], np.ndarray] = {}
    for order in permutations(range(codes.size)):
        seen.setdefault(tuple(codes[list(order)]), np.array(order))
    return list(seen.values())


def _permutation_test(
    y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str, test: str, btt: np.ndarray, observed: _Core,
    permutations: int, seed: int | None,
) -> PermutationTest:  # fmt: skip
    if permutations < 2:
        raise ValueError(f"permutations must be at least 2; got {permutations}")
    if btt.size == 0:
        raise ValueError("the permutation test needs moderators (metafor flips signs for intercept-only models)")
    orders = _distinct_permutations(X, permutations) if X.shape[0] <= 8 else None  # 8! = 40320 orders to sift
    exact = orders is not None
    if orders is None:
        rng = np.random.default_rng(seed)
        orders = [np.arange(X.shape[0])] + [rng.permutation(X.shape[0]) for _ in range(permutations - 1)]
    fits = [_core(y, v, X[o], method, test, btt) for o in orders]
    tol = np.sqrt(np.finfo(float).eps)
    z = np.array([f.stat for f in fits])
    qm = np.array([f.qm for f in fits])
    p = np.mean(np.abs(z) >= np.abs(observed.stat) - tol, axis=0)
    return PermutationTest(tuple(float(x) for x in p), float(np.mean(qm >= observed.qm - tol)), len(orders), exact)


def regression_tau2(y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str) -> tuple[float, bool]:
    """τ² of ``rma.uni(yi, vi, mods = X, intercept = FALSE, method)`` (truncated at 0) and a convergence flag."""
    if method == "EE":
        return 0.0, True
    if method in ("HS", "DL", "SJ", "HE"):
        return max(0.0, _tau2_closed(y, v, X, method)), True
    if method == "PM":
        return _pm(y, v, X)
    tau2, conv = _scoring(y, v, X, method, _he(y, v, X))
    if conv and method in ("ML", "REML"):
        reml = method == "REML"
        if _loglik(y, v, X, 0.0, reml) - _loglik(y, v, X, tau2, reml) > _LL0_TOL and tau2 > 1e-5:
            tau2 = 0.0
    return max(0.0, tau2), conv


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------


def _check_inputs(yi: Any, vi: Any, method: str, test: str, level: float) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.ndim != 1 or y.shape != v.shape:
        raise ValueError(f"yi and vi must be one-dimensional of the same length; got {y.shape}, {v.shape}")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v))) or np.any(v <= 0):
        raise ValueError("yi must be finite and vi finite and positive")
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(map(repr, _METHODS))}")
    if test not in ("z", "knha"):
        raise ValueError(f"unknown test {test!r}; choose 'z' or 'knha'")
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be a probability in (0, 1); got {level!r}")
    return y, v


def _r2(y: np.ndarray, v: np.ndarray, X: np.ndarray, names: list[str], method: str, tau2: float) -> float | None:
    if X.shape[1] < 2 or names[0] != "intrcpt":
        return None
    if method == "EE":  # adjusted R² of the weighted linear model, as metafor for EE models
        w = 1.0 / v
        fit = _wls(y, X, w)
        tss = float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))
        if tss == 0:
            return 0.0
        k, p = X.shape
        return max(0.0, 100.0 * (1 - (fit.ypy / tss) * (k - 1) / (k - p)))
    tau2_re, _ = regression_tau2(y, v, np.ones((y.size, 1)), method)
    return 0.0 if tau2_re == 0 else max(0.0, 100.0 * (tau2_re - tau2) / tau2_re)


def meta_regression(
    yi: Any,
    vi: Any,
    moderators: Any,
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    intercept: bool = True,
    permutations: int | None = None,
    seed: int | None = None,
) -> MetaRegression:
    """Fit a mixed-effects meta-regression (metafor ``rma(yi, vi, mods = ~ ..., method, test)``).

    Parameters
    ----------
    yi, vi : array_like
        Effects and sampling variances.
    moderators : mapping, polars.DataFrame or array_like
        Moderators by name; numeric columns are continuous, other columns categorical (R ``factor()`` coding).
    method : str
        The τ² estimator (REML, DL, PM, ML, SJ, HE, HS, EB) or ``"EE"`` (fixed-effects meta-regression, τ² = 0).
    test : {"z", "knha"}
        Wald z and χ² tests, or Knapp-Hartung t and F tests.
    level : float
        Confidence level of the coefficient intervals.
    intercept : bool
        Include an intercept.
    permutations : int, optional
        Permutation p values (metafor ``permutest``): the rows of the model matrix are permuted against
        ``(yi, vi)``; all distinct permutations when there are at most ``permutations`` of them (exact test),
        else ``permutations`` random ones (the first is the observed order). p values are the share of
        permutations with ``|z|`` (or QM) at least the observed one (minus √eps, as metafor).
    seed : int, optional
        Seed of the random permutations.

    Returns
    -------
    MetaRegression

    Examples
    --------
    With τ² = 0 and a single binary moderator the coefficient is the difference of the two inverse-variance
    means: groups {0.1, 0.3} and {0.5}, equal variances → 0.5 − 0.2 = 0.3:

    >>> r = meta_regression([0.1, 0.3, 0.5], [0.01, 0.01, 0.01], {"g": ["a", "a", "b"]}, method="EE")
    >>> r.coefficients["term"].to_list(), round(r.coefficients["estimate"][1], 10)
    (['intrcpt', 'gb'], 0.3)
    """
    y, v = _check_inputs(yi, vi, method, test, level)
    X, names = design_matrix(moderators, y.size, intercept)
    k, p = X.shape
    if k <= p:
        raise ValueError(f"meta-regression needs more studies than coefficients (k = {k}, p = {p})")
    btt = np.arange(1 if intercept else 0, p)
    m = btt.size
    core = _core(y, v, X, method, test, btt)
    tau2, converged, fit, vb, stat, qm = core.tau2, core.converged, core.fit, core.vb, core.stat, core.qm
    se = np.sqrt(np.diag(vb))
    alpha = 1.0 - float(level)
    qm_df: tuple[int, ...]
    if test == "knha":
        qm, qm_df = qm / m if m else qm, (m, k - p)
        qm_p = float(stats.f.sf(qm, m, k - p)) if m else float("nan")
        pvals, crit = 2 * stats.t.sf(np.abs(stat), k - p), float(stats.t.isf(alpha / 2, k - p))
    else:
        qm_df = (m,)
        qm_p = float(stats.chi2.sf(qm, m)) if m else float("nan")
        pvals, crit = 2 * stats.norm.sf(np.abs(stat)), float(stats.norm.isf(alpha / 2))
    fe = _wls(y, X, 1.0 / v)
    qe = max(0.0, fe.ypy)
    vt = (k - p) / fe.tr_p(X)
    if method == "EE":
        i2, h2 = (max(0.0, 100 * (qe - (k - p)) / qe) if qe > 0 else 0.0), qe / (k - p)
    else:
        i2, h2 = 100 * tau2 / (vt + tau2), tau2 / vt + 1
    coefs = pl.DataFrame({"term": names, "estimate": fit.beta, "se": se, "statistic": stat, "p": pvals,
                          "ci_low": fit.beta - crit * se, "ci_high": fit.beta + crit * se})  # fmt: skip
    perm = None if permutations is None else _permutation_test(y, v, X, method, test, btt, core, permutations, seed)
    return MetaRegression(
        coefficients=coefs, vcov=vb, tau2=float(tau2), i2=float(i2), h2=float(h2),
        r2=_r2(y, v, X, names, method, tau2), qm=qm, qm_df=qm_df, qm_p=qm_p, qe=qe,
        qe_p=float(stats.chi2.sf(qe, k - p)), k=k, p=p, method=method, test=test, level=float(level),
        converged=converged, permutation=perm,
    )  # fmt: skip
