"""The extra analyses of ``trialcompare meta``: ``--method bayes``, ``--subgroup FIELD``, ``--small-study``.

Each is computed from the suite's data (the counts of the primary analysis) and returned as JSON-ready data; a
part that is not estimable carries null numbers and a reason code, never a sentence:

* fewer than 3 cohorts: ``{"code": "too-few-studies", "k": k, "min_k": 3}`` (as the primary analysis);
* a subgroup with fewer than 3 cohorts: ``{"code": "subgroup-too-small", "min_k": 3, "k": {group: k}}``;
* small-study tests with fewer than 10 cohorts (Cochrane Handbook 13.3.5.4):
  ``{"code": "too-few-studies", "k": k, "min_k": 10}``.
"""

from __future__ import annotations

import math
from typing import Any

from ._bayes import TAU_PRIORS, BayesResult, PosteriorSummary
from ._grid import _counts, _jsonable
from ._pool import pool_proportions, transform_proportions
from ._smallstudy import MIN_K_SMALL_STUDY, egger_test, rank_test, trim_and_fill
from ._subgroup import subgroup_analysis

__all__ = ["SUBGROUP_FIELDS", "extras", "extras_text", "parse_tau_prior"]

SUBGROUP_FIELDS: tuple[str, ...] = ("design", "endpoint")
"""Columns of :func:`~trialcompare.meta.suite.outcome_data` that ``--subgroup`` accepts."""
MIN_K = 3


def parse_tau_prior(spec: str) -> tuple[Any, ...]:
    """``"halfnormal:0.5"``, ``"halfcauchy:1"``, ``"halft:0.5:3"`` → the ``tau_prior`` tuple of bayes_pool.

    Examples
    --------
    >>> parse_tau_prior("halft:0.5:3")
    ('halft', 0.5, 3.0)
    """
    name, *params = spec.strip().split(":")
    need = 2 if name == "halft" else 1
    if name not in TAU_PRIORS or len(params) != need:
        raise ValueError(f"--tau-prior {spec!r}: expected halfnormal:SCALE, halfcauchy:SCALE or halft:SCALE:DF")
    try:
        values = [float(p) for p in params]
    except ValueError:
        raise ValueError(f"--tau-prior {spec!r}: the scale (and df) must be numbers") from None
    if not all(math.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"--tau-prior {spec!r}: the scale (and df) must be positive")
    return (name, *values)


def _too_few(k: int, min_k: int) -> dict[str, Any]:
    return {"code": "too-few-studies", "k": k, "min_k": min_k}


def _post(s: PosteriorSummary) -> dict[str, float]:
    return {"median": s.median, "mean": s.mean, "sd": s.sd, "lower": s.lower, "upper": s.upper}


def _bayes(c: Any, transform: str, level: float, tau_prior: tuple[Any, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"tau_prior": list(tau_prior), "mu_prior": None, "transform": transform, "k": c.k,
                           "level": level}  # fmt: skip
    if c.k < MIN_K:
        return out | {"mu": None, "tau": None, "predictive": None, "proportion": None, "reason": _too_few(c.k, MIN_K)}
    r: BayesResult = pool_proportions(c.events, c.totals, transform=transform, method="bayes", level=level,
                                      tau_prior=tau_prior)  # fmt: skip
    keys = ("median", "ci_low", "ci_high", "pi_low", "pi_high")
    prop = dict(zip(keys, r.proportion or (), strict=True))
    return out | {"mu": _post(r.mu), "tau": _post(r.tau), "predictive": _post(r.predictive), "proportion": prop,
                  "reason": None}  # fmt: skip


def _subgroup(suite: Any, c: Any, by: str) -> dict[str, Any]:
    transform, method, test = suite.options
    used = suite.data.filter(suite.data["events"].is_not_null())
    groups = [str(g) for g in used[by].to_list()]
    sizes = {g: groups.count(g) for g in dict.fromkeys(groups)}
    out: dict[str, Any] = {"by": by, "method": method, "test": test, "k": sizes}
    if len(sizes) < 2:
        return out | {"groups": None, "separate_tau2": None, "common_tau2": None,
                      "reason": {"code": "one-subgroup", "by": by}}  # fmt: skip
    small = {g: k for g, k in sizes.items() if k < MIN_K}
    if small:
        return out | {"groups": None, "separate_tau2": None, "common_tau2": None,
                      "reason": {"code": "subgroup-too-small", "min_k": MIN_K, "k": small}}  # fmt: skip
    r = subgroup_analysis(c.events, c.totals, groups, transform=transform, method=method, test=test,
                          level=suite.level)  # fmt: skip
    common = None
    if r.mixed is not None:
        common = {"qm": r.mixed.qm, "df": list(r.mixed.qm_df), "p": r.mixed.qm_p, "tau2": r.mixed.tau2}
    return out | {"groups": r.table.to_dicts(), "separate_tau2": {"q": r.q_between, "df": r.df, "p": r.p},
                  "common_tau2": common, "reason": None}  # fmt: skip


def _small_study(suite: Any, c: Any) -> dict[str, Any]:
    transform, method, test = suite.options
    if c.k < MIN_K_SMALL_STUDY:
        return {"k": c.k, "egger": None, "rank": None, "trim_and_fill": None,
                "reason": _too_few(c.k, MIN_K_SMALL_STUDY)}  # fmt: skip
    y, v = transform_proportions(c.events, c.totals, transform)
    m = "REML" if method == "GLMM" else method
    eg = egger_test(y, v, method=m, test=test, level=suite.level)
    rk = rank_test(y, v)
    tf = trim_and_fill(y, v, method=m, test=test, level=suite.level)
    return {
        "k": c.k, "method": m,
        "egger": {"statistic": eg.statistic, "p": eg.p, "df": eg.df, "limit_estimate": eg.limit_estimate},
        "rank": {"tau": rk.tau, "p": rk.p, "exact": rk.exact},
        "trim_and_fill": {"k0": tf.k0, "se_k0": tf.se_k0, "side": tf.side, "estimate": tf.adjusted.estimate,
                          "ci": list(tf.adjusted.ci)},
        "reason": None,
    }  # fmt: skip


def extras(
    suite: Any,
    *,
    bayes: bool = False,
    tau_prior: tuple[Any, ...] = ("halfnormal", 0.5),
    subgroup: str | None = None,
    small_study: bool = False,
) -> dict[str, Any]:
    """The requested extra analyses of a :class:`~trialcompare.meta.suite.SuiteResult`, JSON-ready.

    Parameters
    ----------
    suite : SuiteResult
        The suite (its data, options and level are used).
    bayes : bool
        Bayesian random effects on the primary transform (key ``"bayes"``).
    tau_prior : tuple
        Its τ prior.
    subgroup : str, optional
        One of :data:`SUBGROUP_FIELDS` (key ``"subgroup_analysis"``).
    small_study : bool
        Egger, rank and trim-and-fill (key ``"small_study"``).

    Returns
    -------
    dict

    Examples
    --------
    >>> import trialcompare as tc
    >>> from trialcompare.meta.suite import sensitivity_suite
    >>> sorted(extras(sensitivity_suite(tc.load("trials"), "orr"), bayes=True)["bayes"]["proportion"])
    ['ci_high', 'ci_low', 'median', 'pi_high', 'pi_low']
    """
    if subgroup is not None and subgroup not in SUBGROUP_FIELDS:
        raise ValueError(f"--subgroup {subgroup!r}: choose one of {', '.join(SUBGROUP_FIELDS)}")
    c = _counts(suite.data)
    out: dict[str, Any] = {}
    if bayes:
        out["bayes"] = _bayes(c, suite.options[0], suite.level, tau_prior)
    if subgroup is not None:
        out["subgroup_analysis"] = _subgroup(suite, c, subgroup)
    if small_study:
        out["small_study"] = _small_study(suite, c)
    return _jsonable(out)


def _reason_text(reason: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in reason.items())


def extras_text(data: dict[str, Any]) -> str:
    """Plain-text lines for :func:`extras` output (numbers rounded to 4 decimals; reasons as their codes).

    Examples
    --------
    >>> print(extras_text({"small_study": {"reason": {"code": "too-few-studies", "k": 4, "min_k": 10}}}), end="")
    Small-study effects: not assessed (code too-few-studies, k 4, min_k 10)
    """
    lines: list[str] = []
    b = data.get("bayes")
    if b is not None:
        prior = f"{b['tau_prior'][0]}({', '.join(f'{p:g}' for p in b['tau_prior'][1:])})"
        if b["reason"]:
            lines.append(f"Bayesian random effects (tau ~ {prior}): not estimable ({_reason_text(b['reason'])})")
        else:
            p = b["proportion"]
            lines.append(f"Bayesian random effects (tau ~ {prior}, flat mu, {b['transform']} scale): proportion "
                         f"{p['median']:.4f}, {100 * b['level']:g}% CrI [{p['ci_low']:.4f}, {p['ci_high']:.4f}], "
                         f"prediction interval [{p['pi_low']:.4f}, {p['pi_high']:.4f}]; "
                         f"tau median {b['tau']['median']:.4f}")  # fmt: skip
    s = data.get("subgroup_analysis")
    if s is not None:
        if s["reason"]:
            lines.append(f"Subgroups by {s['by']}: not estimable ({_reason_text(s['reason'])})")
        else:
            sep, com = s["separate_tau2"], s["common_tau2"]
            line = (f"Subgroups by {s['by']}: Q between (separate tau2) {sep['q']:.4f} on {sep['df']} df, "
                    f"p {sep['p']:.4g}")
            if com is not None:
                line += f"; QM (common tau2) {com['qm']:.4f}, p {com['p']:.4g}"
            lines.append(line)
    m = data.get("small_study")
    if m is not None:
        if m["reason"]:
            lines.append(f"Small-study effects: not assessed ({_reason_text(m['reason'])})")
        else:
            lines.append(f"Small-study effects: Egger p {m['egger']['p']:.4g}, rank p {m['rank']['p']:.4g}, "
                         f"trim and fill k0 {m['trim_and_fill']['k0']} ({m['trim_and_fill']['side']})")  # fmt: skip
    return "".join(f"{line}\n" for line in lines)
