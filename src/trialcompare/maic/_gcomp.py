"""Marginal STC by G-computation over covariates simulated from the comparator's reported moments (private).

An odds ratio is non-collapsible: the outcome model's prediction at the comparator's *mean* covariates is a
conditional effect, not the marginal one a trial (or MAIC) estimates. NICE DSU TSD 18 (section 3.3) therefore asks
for standardisation with non-linear links: predict every patient of the comparator's population and average.
Without the comparator's IPD its population is simulated from its published moments (parametric G-computation,
Remiro-Azócar, Heath and Baio 2022):

1. fit the outcome model on the IPD: R ``glm(y ~ x1 + ... + xk, family = binomial)``;
2. draw ``n_sim`` covariate vectors of the comparator's population: a latent multivariate normal with the IPD
   covariates' correlation matrix (the comparator prints none); a continuous covariate is ``mean + sd * z`` (the
   median stands in for a missing mean and the IPD's SD for a missing SD: both listed in ``assumed``), a 0/1
   covariate is ``1{Phi(z) < p}``;
3. the marginal response probability of the IPD treatment in that population is the mean prediction
   ``p1 = mean(expit(x_sim' b))``; the marginal log OR is ``logit(p1) - logit(p0)``, ``p0`` the comparator's
   observed proportion;
4. the interval is a percentile bootstrap: the IPD resampled and the model refitted (predicted on the same
   simulated covariates), the comparator's responders drawn from Binomial(n, p0).

Events per parameter below 10 (the smaller of responders and non-responders over the covariates modelled) is
flagged: the outcome model is then unreliable (Peduzzi et al. 1996).

Time to event (:func:`stc_marginal_survival`): an exponential outcome model gives every simulated patient a rate;
event times ``-log(u) / rate`` censored at the comparator's last time; the marginal HR is the Cox HR of that
simulated population against the comparator's (pseudo-)IPD; percentile bootstrap as above (the comparator's rows
resampled too). Events per parameter: IPD events over the covariates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, logit, ndtr

from ._effects import _aggregate, _binary
from ._weights import _column

__all__ = ["MarginalStcResult", "StcFailure", "StcFlag", "simulate_covariates", "stc_failure", "stc_marginal_binary",
           "stc_marginal_survival"]

MIN_EPP = 10.0
_CHUNK = 200  # resamples fitted together
ASSUMPTION = ("unanchored STC: every prognostic factor and effect modifier is in the outcome model, the model is "
              "correctly specified, and the comparator's population is as simulated from its reported moments "
              "(correlations as in the IPD)")


@dataclass(frozen=True)
class StcFlag:
    """A typed caveat of an STC: ``code`` and its parameters (no sentence).

    Attributes
    ----------
    code : str
        ``"low_events_per_parameter"``.
    value : float
        The events per parameter.
    threshold : float
        Flagged below this (10).
    events : int
        The smaller of responders and non-responders in the IPD.
    parameters : int
        Covariates in the outcome model.
    """

    code: str
    value: float
    threshold: float
    events: int
    parameters: int


@dataclass(frozen=True)
class StcFailure:
    """Why an STC could not be estimated: a typed fact (``code``), with the solver's message as ``detail``.

    Attributes
    ----------
    code : str
        ``"no_finite_maximum"`` (separation, too few events: the outcome model diverges), ``"singular"`` (collinear
        covariates), ``"comparator_extreme"`` (the comparator has 0 or all responders) or ``"invalid_input"``.
    detail : str
        The underlying message, for logs.
    """

    code: str
    detail: str


def stc_failure(exc: Exception) -> StcFailure:
    """The :class:`StcFailure` of an exception raised by an STC function.

    Examples
    --------
    >>> stc_failure(ValueError("the STC outcome model did not converge (separation or too few events)")).code
    'no_finite_maximum'
    """
    text = str(exc)
    if isinstance(exc, np.linalg.LinAlgError) or "collinear" in text or "singular" in text.lower():
        code = "singular"
    elif "did not converge" in text:
        code = "no_finite_maximum"
    elif "comparator" in text or "needs events" in text:
        code = "comparator_extreme" if "comparator" in text else "no_finite_maximum"
    else:
        code = "invalid_input"
    return StcFailure(code, text)


@dataclass(frozen=True)
class MarginalStcResult:
    """Result of :func:`stc_marginal_binary`: the marginal STC odds ratio in the comparator's population.

    Attributes
    ----------
    measure : str
        ``"OR"`` (IPD treatment versus comparator).
    estimate, lower, upper : float
        Marginal OR and its percentile bootstrap limits (NaN when withheld: ``valid`` False).
    level : float
        Confidence level.
    p_ipd, p_comparator : float
        The IPD treatment's marginal response probability in the simulated comparator population, and the
        comparator's observed proportion.
    coefficients : tuple of float
        The outcome model's intercept and slopes (covariates in ``covariates`` order, uncentred).
    covariates : tuple of str
        Covariates modelled.
    assumed : tuple of str
        ``"COL: mean from median"`` / ``"COL: sd from IPD"``: moments the comparator does not print.
    n_sim, n_boot, n_failed, seed : int
        Simulated patients, bootstrap resamples, resamples that failed (non-convergent refit, or 0 or all
        comparator responders), and the seed.
    valid : bool
        False when more than 10% of the resamples failed: the interval is withheld.
    epp : float
        Events per parameter.
    flags : tuple of StcFlag
        Typed caveats (``low_events_per_parameter``).
    scale : str
        ``"marginal"``.
    method : str
        ``"g-computation"``.
    n_ipd : int
        IPD patients.
    model : str
        ``"logistic"``.
    non_collapsible : bool
        True: the OR is non-collapsible, which is why the marginal (not the at-the-means) effect is given.
    assumption : str
        The assumption the estimate rests on.
    """

    measure: str
    estimate: float
    lower: float
    upper: float
    level: float
    p_ipd: float
    p_comparator: float
    coefficients: tuple[float, ...]
    covariates: tuple[str, ...]
    assumed: tuple[str, ...]
    n_sim: int
    n_boot: int
    n_failed: int
    seed: int
    valid: bool
    epp: float
    flags: tuple[StcFlag, ...]
    scale: str = "marginal"
    method: str = "g-computation"
    n_ipd: int = 0
    model: str = "logistic"
    non_collapsible: bool = True
    assumption: str = ASSUMPTION


def _correlation(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The IPD covariates' correlation matrix, made positive definite (a small ridge when singular)."""
    if x.shape[1] == 1:
        return np.ones((1, 1))
    r = np.corrcoef(x, rowvar=False)
    r = np.where(np.isfinite(r), r, 0.0)
    np.fill_diagonal(r, 1.0)
    lam = np.linalg.eigvalsh(r).min()
    if lam < 1e-6:
        r = (r + (1e-6 - lam) * np.eye(r.shape[0])) / (1 + 1e-6 - lam)
    return r


def _marginal_spec(name: str, spec: Mapping[str, float], x: NDArray[np.float64]) -> tuple[str, float, float, list]:
    """(kind, centre, spread, assumptions) of one covariate: ``("binary", p, 0)`` or ``("normal", mean, sd)``."""
    if "proportion" in spec:
        return "binary", float(spec["proportion"]), 0.0, []
    assumed = []
    centre = spec.get("mean")
    if centre is None:
        centre = spec["median"]
        assumed.append(f"{name}: mean from median")
    sd = spec.get("sd")
    if sd is None:
        sd = float(np.std(x, ddof=1))
        assumed.append(f"{name}: sd from IPD")
    return "normal", float(centre), float(sd), assumed


def simulate_covariates(
    ipd: Any, targets: Mapping[str, Mapping[str, float]], n_sim: int = 10_000, seed: int = 0
) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """Simulate the comparator population's covariates from its reported moments (Gaussian copula).

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        The IPD (its correlation matrix is used).
    targets : mapping
        IPD column → ``{mean, sd}``, ``{median}`` or ``{proportion}`` of the comparator (as for
        :func:`~trialcompare.maic.maic_weights`).
    n_sim : int
        Patients to simulate.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    x : numpy.ndarray
        Shape (n_sim, k), columns in ``targets`` order.
    assumed : tuple of str
        Moments not printed and how they were filled.

    Examples
    --------
    >>> ipd = {"AGE": [40.0, 45, 50, 55, 60, 65], "MALE": [1.0, 0, 1, 0, 0, 1]}
    >>> x, assumed = simulate_covariates(ipd, {"AGE": {"mean": 52, "sd": 8}, "MALE": {"proportion": 0.4}}, 200_000)
    >>> [round(float(v), 1) for v in x.mean(axis=0)], round(float(x[:, 0].std()), 1), assumed
    ([52.0, 0.4], 8.0, ())
    """
    names = tuple(targets)
    x_ipd = np.column_stack([_column(ipd, k) for k in names])
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_sim, len(names))) @ np.linalg.cholesky(_correlation(x_ipd)).T
    out = np.empty_like(z)
    assumed: list[str] = []
    for j, name in enumerate(names):
        kind, centre, spread, notes = _marginal_spec(name, targets[name], x_ipd[:, j])
        assumed += notes
        out[:, j] = (ndtr(z[:, j]) < centre).astype(float) if kind == "binary" else centre + spread * z[:, j]
    return out, tuple(assumed)


def _logistic(x: NDArray[np.float64], y: NDArray[np.float64], counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Maximum-likelihood logistic coefficients for each row of ``counts`` (B, n) (rows of the data weighted by
    their multiplicities); NaN rows where there is no finite maximum (separation) or the information is singular."""
    n_fit = counts.shape[0]
    beta = np.zeros((n_fit, x.shape[1]))
    done = np.zeros(n_fit, dtype=bool)
    bad = np.zeros(n_fit, dtype=bool)
    for _ in range(100):
        act = np.flatnonzero(~done & ~bad)
        if not act.size:
            break
        mu = expit(beta[act] @ x.T)  # (b, n)
        info = np.einsum("bi,ij,il->bjl", counts[act] * mu * (1 - mu), x, x)
        score = (counts[act] * (y - mu)) @ x
        try:
            step = np.linalg.solve(info, score[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([_solve(h, g) for h, g in zip(info, score, strict=True)])
        beta[act] += step
        size = np.max(np.abs(beta[act]), axis=1)
        bad[act[~np.isfinite(size) | (size > 50)]] = True
        done[act[np.max(np.abs(step), axis=1) < 1e-12 * np.maximum(1.0, size)]] = True
    beta[~done | bad] = np.nan
    return beta


def _solve(h: NDArray[np.float64], g: NDArray[np.float64]) -> NDArray[np.floating]:
    try:
        return np.linalg.solve(h, g)
    except np.linalg.LinAlgError:
        return np.full(g.shape, np.nan)


def _bootstrap(design: NDArray, y: NDArray, sim: NDArray, ref: tuple[int, int], n_boot: int,
               rng: np.random.Generator) -> NDArray[np.float64]:
    """Log ORs of the resamples (NaN where the refit fails or the comparator draws 0 or all responders)."""
    n = y.size
    events, n_ref = ref
    out = []
    for start in range(0, n_boot, _CHUNK):
        size = min(_CHUNK, n_boot - start)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)
        e_b = rng.binomial(n_ref, events / n_ref, size=size)
        beta = _logistic(design, y, counts)
        with np.errstate(invalid="ignore", divide="ignore"):
            p1 = expit(beta @ sim.T).mean(axis=1)
            log_or = logit(p1) - logit(e_b / n_ref)
        out.append(np.where((e_b > 0) & (e_b < n_ref) & np.isfinite(log_or), log_or, np.nan))
    return np.concatenate(out)


def stc_marginal_binary(
    ipd: Any,
    response: ArrayLike,
    targets: Mapping[str, Mapping[str, float]],
    ref_events: int,
    ref_n: int,
    *,
    n_sim: int = 10_000,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    simulated: ArrayLike | None = None,
) -> MarginalStcResult:
    """Marginal STC odds ratio by G-computation over the comparator's simulated population.

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        IPD with the covariates named in ``targets``.
    response : array_like
        0/1 response per IPD patient.
    targets : mapping
        IPD column → the comparator's ``{mean, sd}``, ``{median}`` or ``{proportion}``.
    ref_events, ref_n : int
        Comparator responders and patients.
    n_sim : int
        Simulated comparator patients (default 10,000).
    n_boot : int
        Bootstrap resamples for the interval (default 1000).
    seed : int
        Seed (simulation and bootstrap).
    level : float
        Confidence level.
    simulated : array_like, optional
        The comparator population's covariates, shape (m, k) in ``targets`` order, used instead of simulating them
        (e.g. to reproduce another implementation's draws); ``targets`` then only names the covariates.

    Returns
    -------
    MarginalStcResult

    Raises
    ------
    ValueError
        When the outcome model has no finite maximum (separation) or the comparator has 0 or all responders.

    Examples
    --------
    With no covariate effect (age unrelated to response by construction: 2 of 4 respond at every age pattern) the
    marginal probability is the IPD's own 0.5, so OR = (0.5 / 0.5) / (0.25 / 0.75) = 3.

    >>> ipd = {"AGE": [40.0, 40, 50, 50, 60, 60, 70, 70]}
    >>> r = stc_marginal_binary(ipd, [1, 0, 1, 0, 1, 0, 1, 0], {"AGE": {"mean": 62, "sd": 5}}, 10, 40, n_boot=200)
    >>> round(r.estimate, 6), r.scale, r.flags[0].code, r.epp
    (3.0, 'marginal', 'low_events_per_parameter', 4.0)
    """
    y = _binary(response)
    events, n_ref = _aggregate(ref_events, ref_n)
    if events in (0, n_ref):
        raise ValueError("the comparator's log-odds is not finite (0 or all responders)")
    names = tuple(targets)
    design = np.column_stack([np.ones(y.size), *[_column(ipd, k) for k in names]])
    if design.shape[0] != y.size:
        raise ValueError("response must have one value per IPD patient")
    beta = _logistic(design, y, np.ones((1, y.size)))[0]
    if not np.all(np.isfinite(beta)):
        raise ValueError("the STC outcome model did not converge (separation or too few events)")
    if simulated is None:
        sim, assumed = simulate_covariates(ipd, targets, n_sim, seed)
    else:
        sim, assumed = np.asarray(simulated, dtype=float), ()
        if sim.ndim != 2 or sim.shape[1] != len(names) or not np.all(np.isfinite(sim)):
            raise ValueError(f"simulated must be a finite array with {len(names)} columns ({', '.join(names)})")
        n_sim = sim.shape[0]
    sim = np.column_stack([np.ones(n_sim), sim])
    p1, p0 = float(np.mean(expit(sim @ beta))), events / n_ref
    reps = _bootstrap(design, y, sim, (events, n_ref), n_boot, np.random.default_rng([seed, 1]))
    ok = np.isfinite(reps)
    failed = int((~ok).sum())
    valid = bool(ok.any()) and failed <= 0.10 * n_boot
    alpha = (1 - level) / 2
    lo, hi = np.exp(np.quantile(reps[ok], [alpha, 1 - alpha])) if valid else (math.nan, math.nan)
    minority = int(min(y.sum(), y.size - y.sum()))
    epp = minority / len(names)
    flags = (StcFlag("low_events_per_parameter", epp, MIN_EPP, minority, len(names)),) if epp < MIN_EPP else ()
    return MarginalStcResult("OR", math.exp(logit(p1) - logit(p0)), float(lo), float(hi), level, p1, p0,
                             tuple(float(b) for b in beta), names, assumed, n_sim, n_boot, failed, seed, valid,
                             epp, flags, n_ipd=int(y.size))


def _exponential(x: NDArray[np.float64], t: NDArray[np.float64], d: NDArray[np.float64],
                 counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exponential-model coefficients (log rate = x'b) for each row of ``counts`` (B, n), by Newton on the Poisson
    form of the likelihood; NaN rows without a finite maximum."""
    beta = np.zeros((counts.shape[0], x.shape[1]))
    total = (counts * d).sum(axis=1) / (counts * t).sum(axis=1)
    beta[:, 0] = np.log(np.where(total > 0, total, 1.0))
    done = np.zeros(counts.shape[0], dtype=bool)
    bad = total <= 0
    for _ in range(100):
        act = np.flatnonzero(~done & ~bad)
        if not act.size:
            break
        mu = counts[act] * t * np.exp(beta[act] @ x.T)  # expected events (b, n)
        info = np.einsum("bi,ij,il->bjl", mu, x, x)
        score = (counts[act] * d - mu) @ x
        try:
            step = np.linalg.solve(info, score[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([_solve(h, g) for h, g in zip(info, score, strict=True)])
        beta[act] += step
        size = np.max(np.abs(beta[act]), axis=1)
        bad[act[~np.isfinite(size) | (size > 50)]] = True
        done[act[np.max(np.abs(step), axis=1) < 1e-12 * np.maximum(1.0, size)]] = True
    beta[~done | bad] = np.nan
    return beta


def _marginal_log_hr(beta: NDArray[np.float64], sim: NDArray[np.float64], u: NDArray[np.float64],
                     ref: tuple[NDArray, NDArray], ref_counts: NDArray[np.float64]) -> float:
    """Cox log HR of the simulated population's event times (``-log(u) / rate``, censored at the comparator's last
    time) against the comparator's (pseudo-)IPD (rows counted ``ref_counts`` times)."""
    from trialcompare.survival._cox import _cox_coef_batch

    if not np.all(np.isfinite(beta)):
        return math.nan
    t_ref, e_ref = ref
    tau = float(t_ref.max())
    t_sim = -np.log(u) / np.exp(sim @ beta)
    time = np.r_[np.minimum(t_sim, tau), t_ref]
    event = np.r_[(t_sim <= tau).astype(float), e_ref]
    arm = np.r_[np.ones(t_sim.size), np.zeros(t_ref.size)]
    counts = np.r_[np.ones(t_sim.size), ref_counts][None, :]
    return float(_cox_coef_batch(time, event, arm, np.ones_like(counts), counts)[0])


def stc_marginal_survival(
    ipd: Any,
    time: ArrayLike,
    event: ArrayLike,
    targets: Mapping[str, Mapping[str, float]],
    ref_time: ArrayLike,
    ref_event: ArrayLike,
    *,
    n_sim: int = 2000,
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
    simulated: ArrayLike | None = None,
    uniforms: ArrayLike | None = None,
) -> MarginalStcResult:
    """Marginal STC hazard ratio by G-computation.

    An exponential outcome model, event times simulated for the comparator's simulated population, and a Cox
    model of those against the comparator's (pseudo-)IPD.

    The IPD's exponential model (R ``survreg(Surv(time, event) ~ x1 + ..., dist = "exponential")``, whose
    coefficients are minus these) gives each simulated patient a rate; its event time is ``-log(u) / rate`` (``u``
    uniform), censored at the comparator's last time; the marginal HR is R ``coxph(Surv(time, event) ~ arm)``
    (Efron ties) of the simulated population (arm 1) against the comparator (arm 0). Percentile bootstrap: the IPD
    and the comparator's rows resampled, the model refitted, the same simulated covariates and ``u``. Events per
    parameter (IPD events over covariates) below 10 is flagged.

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        IPD with the covariates named in ``targets``.
    time, event : array_like
        IPD follow-up (> 0) and 0/1 events.
    targets : mapping
        IPD column → the comparator's ``{mean, sd}``, ``{median}`` or ``{proportion}``.
    ref_time, ref_event : array_like
        The comparator's (pseudo-)IPD.
    n_sim, n_boot, seed : int
        Simulated patients (default 2000), bootstrap resamples (default 200) and the seed.
    level : float
        Confidence level.
    simulated, uniforms : array_like, optional
        The simulated covariates (m, k) and the uniforms (m,) to use instead of drawing them.

    Returns
    -------
    MarginalStcResult
        ``measure = "HR"``, ``model = "exponential"``; ``p_ipd`` and ``p_comparator`` are NaN.

    Examples
    --------
    Without covariate effects (every rate equal) the simulated arm is the IPD's exponential: a hazard of 10 events
    in 100 months (0.1) against a comparator with a hazard of about 0.2 gives a marginal HR near 0.5.

    >>> rng = np.random.default_rng(0)
    >>> t = np.full(20, 5.0); d = np.r_[np.ones(10), np.zeros(10)]
    >>> ipd = {"A": np.r_[np.zeros(10), np.ones(10)][[*range(0, 20, 2), *range(1, 20, 2)]]}
    >>> ref_t = rng.exponential(5.0, 300)
    >>> r = stc_marginal_survival(ipd, t, d, {"A": {"proportion": 0.5}}, ref_t, np.ones(300), n_boot=20)
    >>> r.measure, r.model, round(float(np.exp(r.coefficients[0])), 6), 0.35 < r.estimate < 0.7
    ('HR', 'exponential', 0.1, True)
    """
    t, d = np.asarray(time, dtype=float), np.asarray(event, dtype=float)
    t0, d0 = np.asarray(ref_time, dtype=float), np.asarray(ref_event, dtype=float)
    for name, v in (("time", t), ("ref_time", t0)):
        if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)) or np.any(v <= 0):
            raise ValueError(f"{name} must be a non-empty sequence of finite times > 0")
    if d.shape != t.shape or d0.shape != t0.shape or not np.all(np.isin(np.r_[d, d0], (0.0, 1.0))):
        raise ValueError("event and ref_event must be 0/1 and match their times")
    if d.sum() == 0 or d0.sum() == 0:
        raise ValueError("the STC needs events in the IPD and in the comparator")
    names = tuple(targets)
    design = np.column_stack([np.ones(t.size), *[_column(ipd, k) for k in names]])
    beta = _exponential(design, t, d, np.ones((1, t.size)))[0]
    if not np.all(np.isfinite(beta)):
        raise ValueError("the STC outcome model did not converge (too few events)")
    rng = np.random.default_rng([seed, 2])
    if simulated is None:
        sim, assumed = simulate_covariates(ipd, targets, n_sim, seed)
    else:
        sim, assumed = np.asarray(simulated, dtype=float), ()
    u = np.asarray(rng.uniform(size=sim.shape[0]) if uniforms is None else uniforms, dtype=np.float64)
    sim = np.column_stack([np.ones(sim.shape[0]), sim])
    log_hr = _marginal_log_hr(beta, sim, u, (t0, d0), np.ones(t0.size))
    betas = _exponential(design, t, d, rng.multinomial(t.size, np.full(t.size, 1 / t.size), n_boot).astype(float))
    ref_counts = rng.multinomial(t0.size, np.full(t0.size, 1 / t0.size), n_boot).astype(float)
    reps = np.array([_marginal_log_hr(b, sim, u, (t0, d0), c) for b, c in zip(betas, ref_counts, strict=True)])
    ok = np.isfinite(reps)
    failed = int((~ok).sum())
    valid = bool(ok.any()) and failed <= 0.10 * n_boot
    alpha = (1 - level) / 2
    lo, hi = np.exp(np.quantile(reps[ok], [alpha, 1 - alpha])) if valid else (math.nan, math.nan)
    epp = float(d.sum()) / len(names)
    flags = ((StcFlag("low_events_per_parameter", epp, MIN_EPP, int(d.sum()), len(names)),) if epp < MIN_EPP
             else ())
    return MarginalStcResult("HR", math.exp(log_hr), float(lo), float(hi), level, math.nan, math.nan,
                             tuple(float(b) for b in beta), names, assumed, sim.shape[0], n_boot, failed, seed, valid,
                             epp, flags, n_ipd=int(t.size), model="exponential")
