"""Meta-analytic sensitivity suite over published cohorts: does a pooled rate survive other analyses?

>>> import trialcompare as tc
>>> from trialcompare.meta.suite import outcome_data, sensitivity_suite
>>> cs = tc.load("trials")                                  # doctest: +SKIP
>>> outcome_data(cs, "tte_6m")                              # doctest: +SKIP
>>> suite = sensitivity_suite(cs, "orr")                    # doctest: +SKIP
>>> suite.primary.proportion, suite.grid, suite.leave_one_out, suite.subgroups  # doctest: +SKIP
>>> suite.pairwise("apatinib-ie")                           # doctest: +SKIP

Outcome names
-------------
``orr``, ``dcr`` (derived from best-response counts), ``csr`` (complete surgical remission, level "yes"),
``<endpoint>_<months>m`` for a landmark rate of a named endpoint (``efs_6m``, ``pfs_4m``, ``os_12m``) and
``tte_<months>m`` for the disease-control endpoint of each cohort, whatever it is called (its primary
non-OS endpoint, else its first non-OS endpoint: EFS in one cohort, PFS in another).

Counts, denominators and the printed report used are those of :func:`trialcompare.compare` (its
``outcomes`` frame), so the denominator choice and errata behave exactly as in the comparison table.
A landmark rate is never turned into a count: the suite pools counts (binomial proportions n/N) only; a
Kaplan-Meier rate keeps its printed estimate and interval (:func:`outcome_data` gives both, labelled by
estimator, and :meth:`SuiteResult.observed` shows them side by side). A rate printed only as a bound ("<10%") is not
a number. Every difference between cohorts is an unanchored, non-randomised comparison.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from ..load import CohortSet
from ..options import POOLING_METHODS, CIMethod
from ..rules import evidence_between, patient_overlap, pooling_exclusion
from ._data import (
    _ALL_METHODS,
    _DATA_KEYS,
    DATA_SCHEMA,
    SCENARIO_KEYS,
    _parse_outcome,
    available_outcomes,
    outcome_data,
)
from ._grid import (
    _GRID_SCHEMA,
    _SUB_SCHEMA,
    _counts,
    _fit,
    _grid_cells,
    _grid_row,
    _jsonable,
    _leave_one_out,
    _primary_dict,
    _subgroup_rows,
)
from ._pairwise import _PAIR_SCHEMA, _pair_row, risk_ratio
from ._pool import TESTS, TRANSFORMS, MetaError, MetaResult, back_transform
from ._scenarios import _SCEN_SCHEMA, _scenario_row, validate_scenario

__all__ = [
    "DATA_SCHEMA",
    "SCENARIO_KEYS",
    "SuiteResult",
    "available_outcomes",
    "observed_rates",
    "outcome_data",
    "risk_ratio",
    "sensitivity_suite",
    "validate_scenario",
]

# --------------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------------


@dataclass
class SuiteResult:
    """Sensitivity suite of one outcome over a set of cohorts (parts are computed on first access).

    Attributes
    ----------
    cohorts : CohortSet
        The cohorts.
    outcome : str
        Outcome name (``"orr"``, ``"tte_6m"``, ...).
    data : polars.DataFrame
        :func:`outcome_data` of the primary analysis.
    primary : MetaResult
        The primary analysis (default logit-REML, z-test).
    options : tuple of str
        ``(transform, method, test)`` of the primary analysis.
    level : float
        Confidence level.
    data_kw : dict
        Data choices of the primary analysis (denominators, errata, exclusions...).
    declared : tuple of dict
        The declared scenarios (:meth:`scenarios`).
    grid_spec : tuple of (tuple of str, tuple of str, tuple of str)
        Transforms, methods and tests of the grid.
    """

    cohorts: CohortSet
    outcome: str
    data: pl.DataFrame
    primary: MetaResult
    options: tuple[str, str, str]
    level: float
    data_kw: dict[str, Any] = field(default_factory=dict)
    declared: tuple[dict[str, Any], ...] = ()
    grid_spec: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (tuple(TRANSFORMS), _ALL_METHODS, TESTS)

    @property
    def label(self) -> str:
        """Readable name of the outcome."""
        parsed = _parse_outcome(self.outcome)
        return parsed.label if parsed else self.outcome

    @property
    def notes(self) -> list[str]:
        """Why cohorts were left out, which counts are approximate, caveats of small k."""
        rows = self.data.iter_rows(named=True)
        out = [f"{r['cohort']}: {r['note']}; not pooled ({r['reason'] or r['estimator'] or 'no count'})"
               for r in rows if r["events"] is None]
        if self.primary.k < 3:
            out.append(f"only k = {self.primary.k} cohort(s) pooled: τ², I² and the prediction interval are "
                       "unreliable or undefined")  # fmt: skip
        return out + self._overlap_notes()

    def _overlap_notes(self) -> list[str]:
        """Pooled cohorts that may share patients (:func:`trialcompare.rules.patient_overlap`): said, not left out
        (the report's benchmark leaves them out; a sensitivity scenario can, with ``exclude``)."""
        pooled = [c for c in self.data.filter(pl.col("events").is_not_null())["cohort"].to_list() if c in self.cohorts]
        out = []
        for i, a in enumerate(pooled):
            for b in pooled[i + 1:]:
                overlap = patient_overlap(self.cohorts[a].descriptor, self.cohorts[b].descriptor)
                if overlap is not None and overlap.possible:
                    why = "shared registration" if overlap.registrations else "shared centre, " + (
                        "overlapping accrual" if overlap.accrual_overlaps else "accrual not reported")
                    out.append(f"{a} and {b} may share patients ({why}): both are pooled; a scenario with "
                               f"'exclude: [{b}]' shows the pool without one of them")
        return out

    @cached_property
    def grid(self) -> pl.DataFrame:
        """One row per transform × τ² method × test (GLMM: logit only); failed fits carry ``error``."""
        c = _counts(self.data)
        rows = [_grid_row(c, cell, self.level, self.options) for cell in _grid_cells(*self.grid_spec)]
        return pl.DataFrame(rows, schema=_GRID_SCHEMA, orient="row")

    @cached_property
    def leave_one_out(self) -> pl.DataFrame:
        """Primary analysis refitted without each cohort (empty for k = 1); ``change`` vs the primary."""
        return _leave_one_out(self.primary)

    @cached_property
    def subgroups(self) -> pl.DataFrame:
        """Subgroups by design and by endpoint (where both groups exist) with the test of differences."""
        transform, method, test = self.options
        opts = {"transform": transform, "method": method, "test": test, "level": self.level}
        rows = [r for by in ("design", "endpoint") for r in _subgroup_rows(self.data, by, opts)]
        return pl.DataFrame(rows, schema=_SUB_SCHEMA, orient="row")

    @cached_property
    def scenarios(self) -> pl.DataFrame:
        """One row per declared scenario: pooled proportion, CI, τ², I² and change vs the primary."""
        rows = [_scenario_row(self, s) for s in self.declared]
        return pl.DataFrame(rows, schema=_SCEN_SCHEMA, orient="row")

    def pairwise(self, reference: str | None = None) -> pl.DataFrame:
        """Each pooled cohort against a reference cohort: RD, RR, Fisher p, fragility, E-value.

        Parameters
        ----------
        reference : str, optional
            Reference cohort (default: the ``reference`` data choice, else the first pooled cohort).

        Returns
        -------
        polars.DataFrame
            One row per other cohort, every row flagged ``exploratory`` (a supplement's table, never the body's);
            ``evidence`` says the comparison is unanchored. The E-value is that of the risk ratio and of its
            confidence limit nearer 1. Between cohorts that may share patients (``overlap``: the code of
            :func:`trialcompare.rules.pooling_exclusion`) no test, fragility index or E-value is given.

        Raises
        ------
        ValueError
            If the reference is not a cohort with a usable count for this outcome.
        """
        used = {r["cohort"]: r for r in self.data.iter_rows(named=True) if r["events"] is not None}
        reference = reference or self.data_kw.get("reference") or next(iter(used), None)
        if reference is None or reference not in used:
            raise ValueError(f"reference {reference!r} has no usable count for {self.outcome}; "
                             f"usable: {', '.join(used) or 'none'}")  # fmt: skip
        ref_desc = self.cohorts[reference].descriptor
        rows, overlap = [], []
        for c, r in used.items():
            if c == reference:
                continue
            rows.append(_pair_row(r, used[reference], self.outcome, self.level,
                                  evidence_between(self.cohorts[c].descriptor, ref_desc)))
            rule = pooling_exclusion(ref_desc, self.cohorts[c].descriptor)
            overlap.append(rule[0] if rule is not None and rule[0] != "same-study" else None)
        frame = pl.DataFrame(rows, schema=_PAIR_SCHEMA, orient="row").with_columns(
            overlap=pl.Series(overlap, dtype=pl.String), exploratory=pl.lit(True))
        tests = ("fisher_p", "fragility_index", "reverse_fragility_index", "e_value", "e_value_ci")
        return frame.with_columns(pl.when(pl.col("overlap").is_null()).then(pl.col(t)).otherwise(None).alias(t)
                                  for t in tests)

    def forest_data(self) -> tuple[pl.DataFrame, tuple[float, float, float], tuple[float, float]]:
        """The numbers of a forest plot of the primary analysis, back-transformed to proportions.

        Returns
        -------
        studies : polars.DataFrame
            ``cohort, label, events, total, approximate, inferred, estimate, ci_low, ci_high, weight``.
        pooled : (float, float, float)
            Pooled proportion and its confidence limits.
        prediction : (float, float)
            Prediction interval.
        """
        res, transform = self.primary, self.primary.transform or "logit"
        st = res.studies
        totals = st["totals"].to_numpy()

        def back(col: str) -> list[float]:
            if transform != "freeman-tukey":
                return back_transform(st[col].to_numpy(), transform).tolist()
            return [float(back_transform([v], transform, [n])[0]) for v, n in zip(st[col], totals, strict=True)]

        rows = {r["cohort"]: r for r in self.data.filter(pl.col("events").is_not_null()).iter_rows(named=True)}
        ids = st["label"].to_list()
        studies = pl.DataFrame({
            "cohort": ids, "label": [rows[c]["label"] for c in ids], "events": [rows[c]["events"] for c in ids],
            "total": [rows[c]["total"] for c in ids], "approximate": [bool(rows[c]["approximate"]) for c in ids],
            "inferred": [bool(rows[c]["inferred"]) for c in ids],
            "estimate": back("yi"), "ci_low": back("ci_low"), "ci_high": back("ci_high"),
            "weight": st["weight"].to_list(),
        })
        p = res.proportion
        if p is None:
            raise ValueError("the primary analysis has no pooled proportion")
        return studies, (p[0], p[1], p[2]), (p[3], p[4])

    def observed(self, ci_method: CIMethod = "exact") -> pl.DataFrame:
        """Each cohort's rate as observed or printed, labelled by estimator.

        :func:`observed_rates` of the suite's data: what a forest plot without a pooled estimate shows.

        Parameters
        ----------
        ci_method : str
            Interval for one proportion (:data:`trialcompare.options.CI_METHODS`), at the suite's level.

        Returns
        -------
        polars.DataFrame
        """
        return observed_rates(self.data, ci_method, self.level)

    def tables(self) -> list[tuple[str, pl.DataFrame]]:
        """The suite's tables with their titles (grid, leave-one-out, subgroups, scenarios, pairwise), rounded.

        Returns
        -------
        list of (str, polars.DataFrame)
        """
        grid = self.grid.with_columns(pl.col(pl.Float64).round(4))
        tables = [
            ("Transform × method grid", grid),
            ("Leave-one-out", self.leave_one_out.with_columns(pl.col(pl.Float64).round(4))),
            ("Subgroups", self.subgroups.with_columns(pl.col(pl.Float64).round(4))),
        ]
        if self.declared:
            tables.append(("Scenarios", self.scenarios.with_columns(pl.col(pl.Float64).round(4))))
        if self.primary.k >= 2:
            tables.append(("Pairwise (unanchored)", self.pairwise().with_columns(pl.col(pl.Float64).round(4))))
        return tables

    def to_dict(self, full: bool = True) -> dict[str, Any]:
        """JSON-ready dictionary (non-finite numbers become None).

        Parameters
        ----------
        full : bool
            Include grid, leave-one-out, subgroups, scenarios and pairwise tables.

        Returns
        -------
        dict
        """
        t, m, s = self.options
        estimable = self.primary.k >= MIN_K_POOLED
        reason: dict[str, Any] | None = (
            None if estimable else {"code": "too-few-studies", "k": self.primary.k, "min_k": MIN_K_POOLED})
        primary = _primary_dict(self.primary) if estimable else _not_estimable_dict(self.primary, reason)
        out: dict[str, Any] = {"outcome": self.outcome, "label": self.label, "level": self.level,
                               "primary_analysis": {"transform": t, "method": m, "test": s},
                               "data": self.data.to_dicts(), "primary": primary,
                               "estimable": estimable, "not_estimable_reason": reason,
                               "notes": self.notes}  # fmt: skip
        if full:
            names = ("grid", "leave_one_out", "subgroups", "scenarios")
            out |= {name: getattr(self, name).to_dicts() if estimable else [] for name in names}
            out["pairwise"] = self.pairwise().to_dicts() if self.primary.k >= 2 else []
        return _jsonable(out)


PRIMARY_METHODS: tuple[str, ...] = (*_ALL_METHODS, "EE")
"""Methods of the primary analysis: the grid's, and the equal-effects model."""

MIN_K_POOLED = 3
"""Fewer cohorts than this are not pooled in output (DESIGN.md "Numbers must be right": k < 3 is not estimable)."""

_POOLED_KEYS = ("estimate", "se", "ci", "pi", "tau2", "tau2_ci", "i2", "i2_ci", "h2", "q", "q_p", "proportion")


def _not_estimable_dict(res: MetaResult, reason: dict[str, Any] | None) -> dict[str, Any]:
    """The primary analysis of too few cohorts for JSON: its options and k, every pooled number null, the reason."""
    out: dict[str, Any] = {key: None for key in _POOLED_KEYS}
    out |= {"transform": res.transform, "method": res.method, "test": res.test, "level": res.level, "k": res.k,
            "df": res.df, "tau2_upper_bounded": None, "converged": res.converged, "note": res.back_transform_note,
            "reason": reason}  # fmt: skip
    return out


def observed_rates(data: pl.DataFrame, ci_method: CIMethod = "exact", level: float = 0.95) -> pl.DataFrame:
    """Each cohort's rate as observed or printed, labelled by estimator, as the comparison tables give it.

    A count (binomial proportion n/N) gets its interval by ``ci_method``; a Kaplan-Meier (or unspecified) rate keeps
    its printed estimate and interval — never a count made from it, never a binomial interval. A cohort that prints
    both has both rows. Needs no pooled fit: a landmark outcome whose cohorts print no count still has its figure.
    33/33 is 1.00 (Clopper-Pearson 0.89 to 1), not the 0.99 (0.80, 1.00) of a continuity-corrected logit.

    Parameters
    ----------
    data : polars.DataFrame
        :func:`outcome_data`.
    ci_method : str
        Interval for one proportion (:data:`trialcompare.options.CI_METHODS`).
    level : float
        Its level.

    Returns
    -------
    polars.DataFrame
        ``cohort, label, estimator, events, total, approximate, inferred, estimate, ci_low, ci_high, ci_source``
        (``ci_source``: ``ci_method`` for a count, ``"published"`` for a printed interval, null when none was
        printed), for the rows with an estimate.

    Examples
    --------
    >>> d = pl.DataFrame({"cohort": ["a", "b"], "label": ["A", "B"], "estimator": ["binomial", "kaplan-meier"],
    ...                   "events": [33, None], "total": [33, None], "approximate": [False, False],
    ...                   "inferred": [False, False], "estimate": [1.0, 0.8], "ci_low": [None, 0.6],
    ...                   "ci_high": [None, 0.9]})
    >>> observed_rates(d).select("estimator", "ci_low", "ci_source").rows()   # 0.025^(1/33) = 0.894
    [('binomial', 0.8942..., 'exact'), ('kaplan-meier', 0.6, 'published')]
    """
    from ..stats.proportions import proportion_ci

    rows = data.filter(pl.col("estimate").is_not_null())
    counted = rows["events"].is_not_null().to_numpy()
    lo = rows["ci_low"].cast(pl.Float64).to_numpy().copy()
    hi = rows["ci_high"].cast(pl.Float64).to_numpy().copy()
    if counted.any():
        clo, chi = proportion_ci(rows["events"].to_numpy()[counted].astype(int),
                                 rows["total"].to_numpy()[counted].astype(int), ci_method, level)
        lo[counted], hi[counted] = clo, chi
    source = [ci_method if c else ("published" if r["ci_low"] is not None else None)
              for c, r in zip(counted, rows.iter_rows(named=True), strict=True)]
    return rows.select("cohort", "label", "estimator", "events", "total", "approximate", "inferred").with_columns(
        estimate=rows["estimate"], ci_low=pl.Series(lo, dtype=pl.Float64).fill_nan(None),
        ci_high=pl.Series(hi, dtype=pl.Float64).fill_nan(None), ci_source=pl.Series(source, dtype=pl.String))


# --------------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------------


def _check_suite_options(transforms: Sequence[str], methods: Sequence[str], tests: Sequence[str], level: float) -> None:
    for values, allowed, what in ((transforms, TRANSFORMS, "transform"), (methods, _ALL_METHODS, "method"),
                                  (tests, TESTS, "test")):  # fmt: skip
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ValueError(f"unknown {what} {', '.join(map(repr, bad))}; choose from {', '.join(allowed)}")
    if not 0 < float(level) < 1:
        raise ValueError(f"level must lie strictly between 0 and 1 (e.g. 0.95); got {level!r}")


def _primary_fit(data: pl.DataFrame, outcome: str, options: tuple[str, str, str], level: float) -> MetaResult:
    c = _counts(data)
    if c.k == 0:
        why = "; ".join(f"{r['cohort']}: {r['note']}" for r in data.iter_rows(named=True))
        raise ValueError(f"no cohort has a usable count for {outcome!r} ({why})")
    transform, method, test = options
    if method == "GLMM" and test == "knha":
        raise ValueError("test 'knha' is not defined for the GLMM; use test 'z'")
    res, error, _ = _fit(c, transform, method, test, level)
    if res is None:
        raise MetaError(f"the primary analysis ({transform}, {method}, k = {c.k}) cannot be fitted: {error}")
    return res


def sensitivity_suite(
    cohorts: CohortSet,
    outcome: str,
    *,
    scenarios: Sequence[Mapping[str, Any]] = (),
    transforms: Collection[str] = TRANSFORMS,
    methods: Sequence[str] = POOLING_METHODS,
    tests: Sequence[str] = TESTS,
    level: float = 0.95,
    primary_transform: str = "logit",
    primary_method: str = "REML",
    primary_test: str = "z",
    **data_kw: Any,
) -> SuiteResult:
    """Pool one outcome over cohorts and re-run it under every reasonable alternative analysis.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    outcome : str
        Outcome name, see :func:`outcome_data`.
    scenarios : sequence of mapping
        Scenario declarations (see :func:`validate_scenario`), e.g. from a comparison spec.
    transforms, methods, tests : sequence of str
        The grid of alternative analyses.
    level : float
        Confidence level.
    primary_transform, primary_method, primary_test : str
        The primary analysis (default logit, REML, z-test; ``primary_method="GLMM"`` for the
        binomial-normal model, ``"EE"`` for the equal-effects model).
    **data_kw
        ``denominators``, ``use_errata``, ``reference``, ``exclude``, ``substitute_endpoint``,
        ``prefer_locations``, as for :func:`outcome_data`.

    Returns
    -------
    SuiteResult

    Raises
    ------
    ValueError
        Unknown outcome, cohort id, option, bad scenario, or no cohort with a usable count.
    MetaError
        The primary model cannot be fitted (e.g. a GLMM with k = 1).
    """
    unknown = [k for k in data_kw if k not in _DATA_KEYS]
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) {', '.join(unknown)}; data options: {', '.join(_DATA_KEYS)}")
    options = (primary_transform, primary_method, primary_test)
    _check_suite_options([*transforms, options[0]], list(methods), [*tests, options[2]], level)
    if primary_method not in PRIMARY_METHODS:
        raise ValueError(f"unknown method {primary_method!r}; choose from {', '.join(PRIMARY_METHODS)}")
    declared = tuple(validate_scenario(s, cohorts) for s in scenarios)
    names = [s["name"] for s in declared]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must be unique; got {', '.join(names)}")
    data = outcome_data(cohorts, outcome, **data_kw)
    primary = _primary_fit(data, outcome, options, float(level))
    return SuiteResult(cohorts, outcome.strip().lower(), data, primary, options, float(level), dict(data_kw),
                       declared, (tuple(transforms), tuple(methods), tuple(tests)))  # fmt: skip
