"""MAIC weights by the method of moments (Signorovitch et al. 2010), private module.

The weights are ``w_i = exp(x_i' b)`` where the rows ``x_i`` hold the IPD's centred moments (one column per
matched statistic) and ``b`` minimises the convex ``Q(b) = sum_i exp(x_i' b)``; at the minimum the gradient
``sum_i w_i x_i`` is zero, i.e. the weighted moments equal the targets. A finite minimiser exists exactly when
the zero vector lies in the interior of the convex hull of the rows. That is decided first, by linear programming,
and only then is ``log Q`` minimised by Newton's method with a line search (:mod:`._solver`); a target outside the
hull, or on its boundary, is reported naming the moments that cannot be reached.

Moments: ``mean`` → ``x - mean``; ``sd`` → ``x² - (sd² + mean²)`` (E[x²] = sd² + mean², with the weighted SD
in its population form ``sqrt(E[x²] - E[x]²)``); ``median`` → ``1{x > median} - 0.5`` (as R maicplus);
``proportion`` → ``x - p`` on a 0/1 column.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from ._errors import MaicError
from ._solver import feasibility, newton

__all__ = ["MaicWeights", "maic_weights"]

STATISTICS = ("mean", "sd", "median", "proportion")


@dataclass(frozen=True)
class _Moments:
    """The centred moment matrix and what each column matches."""

    matrix: NDArray[np.float64]  # (n, k)
    covariate: tuple[str, ...]
    statistic: tuple[str, ...]
    target: tuple[float, ...]


def _column(ipd: Any, name: str) -> NDArray[np.float64]:
    try:
        values = ipd[name]
    except (KeyError, pl.exceptions.ColumnNotFoundError):
        raise ValueError(f"the IPD has no column {name!r}") from None
    try:
        arr = np.asarray(values.to_numpy() if isinstance(values, pl.Series) else values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"IPD column {name!r} must be numeric") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"IPD column {name!r} must be a non-empty one-dimensional sequence")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"IPD column {name!r} must contain only finite numbers (no missing values)")
    return arr


def _target_value(spec: Mapping[str, Any], key: str, name: str) -> float:
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"target {key} of {name!r} must be a finite number, got {value!r}")
    return float(value)


def _outside(name: str, what: str, value: float, x: NDArray[np.float64]) -> MaicError:
    return MaicError(
        f"target {what} {value:g} of {name!r} lies outside what the IPD can reach (IPD range {x.min():g} to "
        f"{x.max():g}): no finite weights exist"
    )


def _check_spec(name: str, spec: Mapping[str, Any]) -> dict[str, float]:
    unknown = set(spec) - set(STATISTICS)
    if unknown or not spec:
        raise ValueError(f"targets of {name!r} must use {', '.join(STATISTICS)}; got {sorted(spec) or 'nothing'}")
    vals = {k: _target_value(spec, k, name) for k in spec}
    if "proportion" in vals and ({"mean", "sd", "median"} & set(vals)):
        raise ValueError(f"{name!r}: a proportion cannot be combined with mean, sd or median (the same moment)")
    if "sd" in vals and "mean" not in vals:
        raise ValueError(f"{name!r}: an sd target needs the mean (E[x^2] = sd^2 + mean^2)")
    if vals.get("sd", 1.0) <= 0:
        raise ValueError(f"target sd of {name!r} must be > 0, got {vals['sd']:g}")
    return vals


def _covariate_moments(name: str, spec: Mapping[str, Any], x: NDArray[np.float64]) -> list[tuple[str, float, Any]]:
    """(statistic, target, moment column) for one covariate, checking the one-dimensional hull."""
    vals = _check_spec(name, spec)
    out: list[tuple[str, float, Any]] = []
    if "mean" in vals:
        if not x.min() < vals["mean"] < x.max():
            raise _outside(name, "mean", vals["mean"], x)
        out.append(("mean", vals["mean"], x - vals["mean"]))
    if "sd" in vals:
        out.append(("sd", vals["sd"], x**2 - (vals["sd"] ** 2 + vals["mean"] ** 2)))
    if "median" in vals:
        above = (x > vals["median"]).astype(float)
        if above.min() == above.max():
            raise _outside(name, "median", vals["median"], x)
        out.append(("median", vals["median"], above - 0.5))
    if "proportion" in vals:
        if not np.all(np.isin(x, (0.0, 1.0))):
            raise ValueError(f"{name!r}: a proportion target needs a 0/1 column")
        if not 0.0 < vals["proportion"] < 1.0 or x.min() == x.max():
            raise _outside(name, "proportion", vals["proportion"], x)
        out.append(("proportion", vals["proportion"], x - vals["proportion"]))
    return out


def _moments(ipd: Any, targets: Mapping[str, Mapping[str, Any]]) -> _Moments:
    if not isinstance(targets, Mapping) or not targets:
        raise ValueError("targets must be a non-empty mapping of IPD column -> {statistic: value}")
    cols, cov, stat, tgt = [], [], [], []
    n = None
    for name, spec in targets.items():
        if not isinstance(spec, Mapping):
            raise ValueError(f"targets of {name!r} must be a mapping such as {{'mean': 51, 'sd': 3.25}}")
        x = _column(ipd, name)
        if n is not None and x.size != n:
            raise ValueError(f"IPD column {name!r} has {x.size} values, expected {n}")
        n = x.size
        for s, t, col in _covariate_moments(name, spec, x):
            cols.append(col)
            cov.append(name)
            stat.append(s)
            tgt.append(t)
    return _Moments(np.column_stack(cols), tuple(cov), tuple(stat), tuple(tgt))


def _standardise(m: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    scale = m.std(axis=0)
    if np.any(scale == 0) or np.linalg.matrix_rank(m / np.where(scale == 0, 1.0, scale)) < m.shape[1]:
        raise MaicError("the matched moments are collinear in the IPD (e.g. every level of one factor matched)")
    return m / scale, scale


def _weighted_stat(statistic: str, x: NDArray[np.float64], w: NDArray[np.float64], target: float) -> float:
    mean = float(np.sum(w * x) / np.sum(w))
    if statistic == "sd":
        return math.sqrt(max(float(np.sum(w * x**2) / np.sum(w)) - mean**2, 0.0))
    if statistic == "median":
        return float(np.sum(w * (x > target)) / np.sum(w))
    return mean


def _balance(ipd: Any, m: _Moments, w: NDArray[np.float64]) -> pl.DataFrame:
    ones = np.ones_like(w)
    rows = []
    for cov, stat, tgt in zip(m.covariate, m.statistic, m.target, strict=True):
        x = _column(ipd, cov)
        median = stat == "median"
        rows.append({
            "covariate": cov,
            "statistic": "p_above_median" if median else stat,
            "target": 0.5 if median else tgt,
            "before": _weighted_stat(stat, x, ones, tgt),
            "after": _weighted_stat(stat, x, w, tgt),
            "threshold": tgt if median else None,
        })
    schema = {"covariate": pl.String, "statistic": pl.String, "target": pl.Float64, "before": pl.Float64,
              "after": pl.Float64, "threshold": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


@dataclass(frozen=True)
class MaicWeights:
    """Result of :func:`maic_weights`.

    Attributes
    ----------
    weights : numpy.ndarray
        Weights ``exp(x_i' b)`` as estimated (the scale is arbitrary; R's ``optim`` gives the same numbers).
    rescaled : numpy.ndarray
        Weights rescaled to sum to the number of patients ``n``.
    ess : float
        Effective sample size ``(sum w)^2 / sum w^2``.
    balance : polars.DataFrame
        One row per matched moment: ``covariate``, ``statistic`` (``mean``, ``sd``, ``p_above_median``,
        ``proportion``), ``target``, ``before`` (unweighted IPD), ``after`` (weighted IPD) and ``threshold``
        (the target median for ``p_above_median`` rows, else null). SDs are in the population form
        ``sqrt(E[x^2] - E[x]^2)``, the form that is matched.
    converged : bool
        True when the weighted moments equal the targets to the solver's tolerance.
    coefficients : numpy.ndarray
        ``b`` per moment column (units of the centred moments, in the order of ``balance``).
    n : int
        Number of IPD patients.
    iterations : int
        Newton iterations used.
    """

    weights: NDArray[np.float64] = field(repr=False)
    rescaled: NDArray[np.float64] = field(repr=False)
    ess: float
    balance: pl.DataFrame = field(repr=False)
    converged: bool
    coefficients: NDArray[np.float64] = field(repr=False)
    n: int
    iterations: int

    def __repr__(self) -> str:
        return (f"MaicWeights(n={self.n}, ess={self.ess:.2f} ({100 * self.ess / self.n:.1f}% of n), "
                f"moments={self.balance.height}, converged={self.converged})")

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in ("covariate", "statistic", "target", "before", "after"))
        body = "".join(
            "<tr>" + f"<td>{esc(str(r['covariate']))}</td><td>{esc(str(r['statistic']))}</td>"
            + "".join(f"<td>{r[c]:.4g}</td>" for c in ("target", "before", "after")) + "</tr>"
            for r in self.balance.iter_rows(named=True)
        )
        return (f"<div><p>MAIC weights: n = {self.n}, effective sample size {self.ess:.1f} "
                f"({100 * self.ess / self.n:.1f}%), converged: {esc(str(self.converged))}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def maic_weights(
    ipd: pl.DataFrame | Mapping[str, ArrayLike], targets: Mapping[str, Mapping[str, float]]
) -> MaicWeights:
    """Matching-adjusted indirect comparison weights by the method of moments (Signorovitch et al. 2010).

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        Individual patient data, one row per patient; a column per covariate named in ``targets``.
    targets : mapping
        IPD column → ``{statistic: value}`` of the comparator population. Statistics: ``mean``, ``sd`` (with
        ``mean``; matched as E[x²] = sd² + mean²), ``median`` (matched as P(x > median) = 0.5, as R maicplus),
        ``proportion`` (on a 0/1 column).

    Returns
    -------
    MaicWeights
        ``weights``, ``rescaled`` (sum to n), ``ess``, ``balance``, ``converged``.

    Raises
    ------
    MaicError
        If the targets lie outside the convex hull of the IPD's moments or on its boundary (no finite, strictly
        positive weights; decided by linear programming, and the moments that cannot be reached are named), or the
        moments are collinear.
    ValueError
        On malformed targets or IPD columns (missing, non-numeric, non-finite).

    Examples
    --------
    >>> ipd = {"AGE": [40, 45, 50, 55, 60, 65], "MALE": [1, 0, 1, 0, 0, 1]}
    >>> w = maic_weights(ipd, {"AGE": {"mean": 55}, "MALE": {"proportion": 0.4}})
    >>> w.balance.select("covariate", "target", "after").with_columns(w.balance["after"].round(6))
    shape: (2, 3)
    ┌───────────┬────────┬───────┐
    │ covariate ┆ target ┆ after │
    │ ---       ┆ ---    ┆ ---   │
    │ str       ┆ f64    ┆ f64   │
    ╞═══════════╪════════╪═══════╡
    │ AGE       ┆ 55.0   ┆ 55.0  │
    │ MALE      ┆ 0.4    ┆ 0.4   │
    └───────────┴────────┴───────┘
    >>> round(float(w.rescaled.sum()), 10), w.ess < 6
    (6.0, True)
    >>> try:
    ...     maic_weights(ipd, {"AGE": {"mean": 70}})
    ... except MaicError as exc:
    ...     print(exc)
    target mean 70 of 'AGE' lies outside what the IPD can reach (IPD range 40 to 65): no finite weights exist
    """
    m = _moments(ipd, targets)
    xs, scale = _standardise(m.matrix)
    _require_inside(ipd, m, xs)
    beta, ok, iterations = newton(xs, np.ones((1, xs.shape[0])))
    if not ok[0]:  # not expected once the linear program says the targets are strictly inside
        raise MaicError("the MAIC weights did not converge although the targets are inside the IPD's convex hull")
    s = xs @ beta[0]
    w = np.exp(s - max(0.0, float(s.max()) - 700.0))  # exp(x'b) as R gives it, unless that would overflow
    return MaicWeights(
        weights=w,
        rescaled=w * (w.size / w.sum()),
        ess=float(w.sum() ** 2 / np.sum(w**2)),
        balance=_balance(ipd, m, w),
        converged=True,
        coefficients=beta[0] / scale,
        n=int(w.size),
        iterations=iterations,
    )


def _bootstrap_weights(
    ipd: Any, targets: Mapping[str, Mapping[str, float]], counts: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Weights re-estimated on each resample: ``counts`` (B, n) multiplicities → weights (B, n), ok (B,)."""
    m = _moments(ipd, targets)
    xs, _ = _standardise(m.matrix)
    beta, ok, _ = newton(xs, counts)
    s = beta @ xs.T
    top = np.where(counts > 0, s, -np.inf).max(axis=1)  # the largest weight of a drawn patient is 1
    with np.errstate(invalid="ignore"):
        w = np.exp(np.minimum(s - top[:, None], 0.0))  # (patients not drawn: any finite weight, times count 0)
    share = w * counts / (w * counts).sum(axis=1)[:, None]
    # a resample whose solution puts (numerically) no weight on a drawn patient may sit on the hull's boundary:
    # the linear program decides
    for b in np.flatnonzero(ok & np.any((counts > 0) & (share < 1e-12 / counts.shape[1]), axis=1)):
        ok[b] = feasibility(xs[counts[b] > 0]).status == "inside"
    ok &= np.all(np.isfinite(w), axis=1)
    return np.where(ok[:, None], w, 1.0), ok


def _describe(ipd: Any, m: _Moments, j: int, w: NDArray[np.float64] | None) -> str:
    """``STAT VALUE of 'COL' (nearest reachable V)`` for moment column ``j`` (the value under weights ``w``)."""
    cov, stat, tgt = m.covariate[j], m.statistic[j], m.target[j]
    x = _column(ipd, cov)
    if w is None:
        return f"{stat} {tgt:g} of {cov!r}"
    if stat == "median":
        return (f"median {tgt:g} of {cov!r} (matched as a share of 0.5 above it; nearest reachable share "
                f"{_weighted_stat(stat, x, w, tgt):.4g})")
    return f"{stat} {tgt:g} of {cov!r} (nearest reachable {_weighted_stat(stat, x, w, tgt):.4g})"


def _require_inside(ipd: Any, m: _Moments, xs: NDArray[np.float64]) -> None:
    """Raise :class:`MaicError` naming the moments that cannot be reached unless the linear program finds the targets
    strictly inside the convex hull of the IPD's moments."""
    feas = feasibility(xs)
    if feas.status == "inside":
        return
    assert feas.nearest is not None
    if feas.status == "outside":
        named = "; ".join(_describe(ipd, m, j, feas.nearest) for j in feas.moments) or "the targets together"
        raise MaicError(f"the targets lie outside the convex hull of the IPD: no weights reach {named}, together "
                        "with the other targets; no finite weights exist")
    named = ", ".join(_describe(ipd, m, j, None) for j in feas.moments) or "the targets together"
    raise MaicError(f"the targets lie on the boundary of the convex hull of the IPD: {named} is reached only with "
                    "some patients at weight 0; no finite (strictly positive) weights exist")
