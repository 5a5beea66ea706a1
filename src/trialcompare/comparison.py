"""Table IV-style comparison of published cohorts against a reference cohort.

>>> import trialcompare as tc
>>> cmp = tc.compare(tc.load("trials"), reference="apatinib-ie")  # doctest: +SKIP
>>> cmp.baseline, cmp.outcomes, cmp.smd, cmp.differences          # doctest: +SKIP
>>> cmp.table()        # Table IV layout: rows = variables/levels, columns = cohorts  # doctest: +SKIP

Which printed report is used when a quantity was printed in several places is decided by
``prefer_locations`` (default: the comparison table, "Table IV", then the order of the descriptor).
Which denominator is used is explicit in every row (``denominator_basis``) and choosable: the printed or
declared one by default, an erratum's correction with ``use_errata=True``, or any number per cohort with
``denominators={"cohort-id": 43}``.

Every difference against the reference carries its evidence type (``evidence``): "randomised" for two arms of
one randomised study, "unanchored" otherwise. Differences are descriptive by default (risk differences for ORR and
DCR; :mod:`trialcompare.contrasts`); ``exploratory=True`` adds odds ratios and Fisher p values.

This module holds the options, the result and :func:`compare`; the rows are built in
:mod:`~trialcompare.comparison_reports` (which report, which denominator), :mod:`~trialcompare.comparison_baseline`
(baseline rows and SMDs) and :mod:`~trialcompare.comparison_outcomes` (outcome rows, :func:`inferred_count`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import polars as pl

from . import options
from .comparison_baseline import _baseline, _smd, hidden_baseline, shown
from .comparison_outcomes import _outcomes
from .comparison_outcomes import inferred_count as inferred_count
from .comparison_outcomes import rate_outcome_key as rate_outcome_key
from .contrasts import differences
from .load import CohortSet
from .rules import compared_endpoint

__all__ = ["CompareOptions", "Comparison", "compare"]


@dataclass(frozen=True)
class CompareOptions:
    """Choices a comparison depends on (all shown in reports).

    Attributes
    ----------
    reference : str
        Id of the reference cohort.
    prefer_locations : tuple of str
        Where a quantity was printed several times, the report at the first of these locations that has one is
        used, else the first in the descriptor.
    ci_method : str
        Interval for proportions, a code of :data:`trialcompare.options.CI_METHODS` (default Clopper-Pearson
        exact).
    rd_method : str
        Interval for the risk difference against the reference, a code of
        :data:`trialcompare.options.RD_METHODS`.
    or_method : {"woolf", "exact"}
        Interval for the odds ratio against the reference (exploratory rows only).
    level : float
        Confidence level of the computed intervals.
    smd_threshold : float
        |SMD| above which a baseline variable is flagged as imbalanced.
    use_errata : bool
        Use the counts and denominators corrected by declared errata instead of the printed ones.
    denominators : mapping of str to int
        Denominator to use for a cohort's counts in place of its declared N, by cohort id; printed denominators
        ("13/33") are never replaced.
    min_cohorts : int
        Baseline variables reported by fewer of the compared cohorts are left out.
    exploratory : bool
        Also compute odds ratios and Fisher p values (never between cohorts that may share patients) and contrast
        outcomes beyond ORR and DCR, every such row flagged ``exploratory`` (:mod:`trialcompare.contrasts`).
    reference_rows : bool
        Also keep the rows the reference alone reports (``table`` does; a report leaves them out: they compare
        nothing).
    """

    reference: str
    prefer_locations: tuple[str, ...] = ("Table IV",)
    ci_method: options.CIMethod = "exact"
    rd_method: options.RDMethod = "newcombe"
    or_method: Literal["woolf", "exact"] = "woolf"
    level: float = 0.95
    smd_threshold: float = 0.1
    use_errata: bool = False
    denominators: Mapping[str, int] = field(default_factory=dict)
    min_cohorts: int = 2
    exploratory: bool = False
    reference_rows: bool = False


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare`: tidy polars frames plus the options that produced them.

    Attributes
    ----------
    options : CompareOptions
        The options that produced it.
    cohorts : tuple of str
        The cohort ids in column order: the reference first, the arms of one study next to each other.
    labels : mapping of str to str
        Each cohort's display label, by id.
    baseline : polars.DataFrame
        Baseline characteristics at the preferred location, one row per cohort, variable and level: a count with
        its denominator and where that comes from (``denominator_basis``), or a continuous summary, with the
        printed value and its location.
    outcomes : polars.DataFrame
        Outcomes, one row per cohort, outcome and time point: the estimate with its interval (computed, or the
        published one), its denominator and the printed value.
    smd : polars.DataFrame
        Each cohort's standardized mean difference from the reference for each baseline variable, ``imbalanced``
        when its magnitude is above ``options.smd_threshold``.
    differences : polars.DataFrame
        Contrasts of each cohort's counts with the reference's (columns of
        :data:`trialcompare.contrasts.DIFF_SCHEMA`), each with its evidence type.
    descriptors : mapping of str to Descriptor
        Each cohort's descriptor, by id.
    n : mapping of str to int
        Each cohort's N: its declared population N, or the denominator ``options.denominators`` gives it.
    compared_endpoints : mapping of str to str or None
        The time-to-event endpoint each cohort is compared on (:func:`trialcompare.rules.compared_endpoint`).
    study_baseline : polars.DataFrame
        Facts printed for a whole randomised study (both arms together): ``study, variable, level, statistic,
        printed, location, arms`` — shown once for the study, never compared between its arms (no SMD).
    hidden_baseline : mapping of str to tuple of str
        Baseline variables left out (too few cohorts report them), each with the cohorts that report it
        (:func:`trialcompare.comparison_baseline.shown`).
    """

    options: CompareOptions
    cohorts: tuple[str, ...]
    labels: Mapping[str, str]
    baseline: pl.DataFrame
    outcomes: pl.DataFrame
    smd: pl.DataFrame
    differences: pl.DataFrame
    descriptors: Mapping[str, Any] = field(default_factory=dict, repr=False)
    n: Mapping[str, int] = field(default_factory=dict)
    compared_endpoints: Mapping[str, str | None] = field(default_factory=dict)
    study_baseline: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    hidden_baseline: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """Id of the reference cohort."""
        return self.options.reference

    def shows(self, reporters: Iterable[str]) -> bool:
        """Whether a row these cohorts report is shown (:func:`trialcompare.comparison_baseline.shown`).

        Parameters
        ----------
        reporters : iterable of str
            The cohorts that report the row.

        Returns
        -------
        bool
        """
        return shown(list(reporters), self.cohorts, self.options)

    def table(self) -> pl.DataFrame:
        """Lay the comparison out as Table IV: one row per variable/level, one column per cohort.

        Returns
        -------
        polars.DataFrame
            String cells formatted as published: columns ``section``, ``row`` and one per cohort, the reference
            first (:func:`trialcompare.render.tables.table_iv`).
        """
        from .render.tables import table_iv

        return table_iv(self)

    def __repr__(self) -> str:
        flagged = self.smd.filter(pl.col("imbalanced").fill_null(False))["variable"].unique().sort().to_list()
        return (f"Comparison(reference={self.reference!r}, cohorts={list(self.cohorts)!r}, "
                f"baseline={self.baseline.height} rows, outcomes={self.outcomes.height} rows, "
                f"imbalanced (|SMD| > {self.options.smd_threshold:g}): {flagged}; evidence: {self._evidence()})")

    def _evidence(self) -> str:
        kinds = sorted(set(self.differences["evidence"].to_list())) if self.differences.height else []
        return ", ".join(kinds) or "none"

    def _repr_html_(self) -> str:
        import html

        from .render.tables import export

        label = html.escape(self.labels[self.reference])
        note = f"<p><i>Reference: {label}. Evidence of the differences: {html.escape(self._evidence())}.</i></p>"
        return note + str(export(self.table(), "html"))


def _study_baseline(frame: pl.DataFrame, cohorts: CohortSet) -> pl.DataFrame:
    schema = {"study": pl.String, "variable": pl.String, "level": pl.String, "statistic": pl.String,
              "printed": pl.String, "location": pl.String, "arms": pl.String}
    if "study" not in frame.columns:
        return pl.DataFrame(schema=schema)
    rows = frame.filter(pl.col("section") == "study_baseline").to_dicts()
    out = []
    for r in rows:
        arms = [c.id for c in cohorts if c.descriptor.design.arm_of and c.descriptor.design.arm_of.study == r["study"]]
        out.append({"study": r["study"], "variable": r["variable"], "level": r["level"], "statistic": r["statistic"],
                    "printed": r["printed"], "location": r["location"], "arms": ", ".join(arms)})
    return pl.DataFrame(out, schema=schema, orient="row").unique(maintain_order=True)


def _column_order(cohorts: CohortSet, reference: str) -> list[str]:
    """Reference first, then the cohorts in load order with the arms of one study kept adjacent (the reference's
    other arms right after it)."""
    def study(cid: str) -> str | None:
        arm = cohorts[cid].descriptor.design.arm_of
        return arm.study if arm is not None else None

    order: list[str] = [reference]
    for cid in [c for c in cohorts.ids if c != reference and study(c) is not None and study(c) == study(reference)]:
        order.append(cid)
    for cid in cohorts.ids:
        if cid in order:
            continue
        order.append(cid)
        order += [c for c in cohorts.ids if c not in order and study(c) is not None and study(c) == study(cid)]
    return order


def compare(
    cohorts: CohortSet,
    reference: str | None = None,
    *,
    prefer_locations: Sequence[str] = ("Table IV",),
    ci_method: str = "exact",
    rd_method: str = "newcombe",
    or_method: str = "woolf",
    level: float = 0.95,
    smd_threshold: float = 0.1,
    use_errata: bool = False,
    denominators: Mapping[str, int] | None = None,
    min_cohorts: int = 2,
    exploratory: bool = False,
    reference_rows: bool = False,
) -> Comparison:
    """Compare cohorts against a reference cohort, as the paper's Table IV does by hand.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    reference : str, optional
        Id of the reference cohort (default: the first cohort).
    prefer_locations : sequence of str
        Where a quantity was printed several times, use the report at the first of these locations that
        has one, else the first report in the descriptor.
    ci_method : {"exact", "wilson", "wald", "agresti-coull", "jeffreys"}
        Interval for proportions (default Clopper-Pearson exact).
    rd_method : {"newcombe", "miettinen-nurminen", "wald"}
        Interval for the risk difference against the reference.
    or_method : {"woolf", "exact"}
        Interval for the odds ratio against the reference.
    level : float
        Confidence level.
    smd_threshold : float
        |SMD| above which a baseline variable is flagged as imbalanced (0.1 is the usual convention).
    use_errata : bool
        Use counts/denominators corrected by declared errata instead of the printed ones.
    denominators : mapping of str to int, optional
        Denominator to use for a cohort's counts in place of its declared N (e.g. enrolled instead of
        analysed). Printed denominators ("13/33") are never replaced.
    min_cohorts : int
        Baseline variables reported by fewer of the compared cohorts are left out of the comparison
        (default 2: a variable only the reference reports cannot be compared; but see ``reference_rows``).
    exploratory : bool
        Contrasts are descriptive by default: risk differences with intervals for ORR and DCR
        (:mod:`trialcompare.contrasts`). ``True`` adds the other count outcomes, odds ratios and Fisher p values
        (never between cohorts that may share patients), each such row flagged ``exploratory`` — for a
        supplement, not the body.
    reference_rows : bool
        Also keep the baseline variables and response rows the reference alone reports (default False: they
        compare nothing); what is left out is :attr:`Comparison.hidden_baseline` and
        :func:`trialcompare.render.tables.hidden_rows`.

    Returns
    -------
    Comparison

    Raises
    ------
    KeyError
        Unknown reference or cohort id in ``denominators``.
    ValueError
        An invalid method name.
    """
    ids = cohorts.ids
    reference = reference or ids[0]
    if reference not in cohorts:
        raise KeyError(f"reference {reference!r} is not among the cohorts: {', '.join(ids)}")
    for cid in denominators or {}:
        cohorts[cid]
    _check_choice("ci_method", ci_method, options.CI_METHODS)
    _check_choice("rd_method", rd_method, options.RD_METHODS)
    _check_choice("or_method", or_method, options.OR_METHODS)
    opts = CompareOptions(reference, tuple(prefer_locations), cast("options.CIMethod", ci_method),  # checked above
                          cast("options.RDMethod", rd_method), cast('Literal["woolf", "exact"]', or_method), level,
                          smd_threshold, use_errata, dict(denominators or {}), min_cohorts, bool(exploratory),
                          bool(reference_rows))
    order = _column_order(cohorts, reference)
    frame = cohorts.to_frame()
    ns = {c.id: opts.denominators.get(c.id, c.descriptor.population.n) for c in cohorts}
    baseline = _baseline(frame, order, opts)
    outcomes = _outcomes(frame, order, opts, ns)
    return Comparison(opts, tuple(order), {c.id: c.descriptor.label for c in cohorts}, baseline, outcomes,
                      _smd(baseline, order, ns, opts), differences(outcomes, opts, cohorts),
                      {c.id: c.descriptor for c in cohorts}, ns,
                      {c.id: (ep.name if (ep := compared_endpoint(c.descriptor)) else None) for c in cohorts},
                      _study_baseline(frame, cohorts), hidden_baseline(frame, order, opts))


def _check_choice(name: str, value: str, allowed: Iterable[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
