"""The meta-analytic sensitivity suite of each outcome a spec names.

The ``meta`` of an :class:`~trialcompare.analysis.Analysis` (:func:`trialcompare.analyse` builds it with
:func:`meta_checks`; its own module since analysis.py reached the 600-line limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from .load import CohortSet
    from .meta.suite import SuiteResult
    from .spec import Spec

__all__ = ["MetaCheck", "meta_checks"]


@dataclass(frozen=True)
class MetaCheck:
    """The meta-analytic sensitivity suite of one outcome (or why it could not be computed).

    Attributes
    ----------
    outcome : str
        Outcome name as the spec gives it (``"orr"``, ``"tte_6m"``).
    suite : SuiteResult or None
        The computed suite; None when ``error`` is set.
    reference : str or None
        The reference cohort of :attr:`pairwise`.
    error : str or None
        Why the suite could not be computed.
    observed : polars.DataFrame or None
        Each pooled cohort's observed proportion with the comparison's interval (:meth:`SuiteResult.observed`):
        what a forest plot without a pooled estimate shows.
    """

    outcome: str
    suite: SuiteResult | None
    reference: str | None = None
    error: str | None = None
    observed: pl.DataFrame | None = None

    @property
    def pairwise(self) -> pl.DataFrame | None:
        """Each pooled cohort against the reference (None when the reference has no usable count).

        Computed on access: the report does not show it (fragility indices and E-values are not printed, see
        its Methods), so :func:`analyse` does not pay for it.
        """
        if self.suite is None or self.reference is None:
            return None
        used = self.suite.data.filter(pl.col("events").is_not_null())["cohort"].to_list()
        return self.suite.pairwise(self.reference) if self.reference in used else None


def meta_checks(cohorts: CohortSet, spec: Spec, reference: str) -> tuple[MetaCheck, ...]:
    """Run the meta-analytic sensitivity suite of each outcome the spec names (``meta.outcomes``).

    Parameters
    ----------
    cohorts : CohortSet
        The cohorts compared.
    spec : Spec
        The spec: outcomes, primary transform and method, scenarios, denominators, interval method.
    reference : str
        The reference cohort's id.

    Returns
    -------
    tuple of MetaCheck
        One per outcome, in the spec's order; a suite that cannot be computed says why.
    """
    from .meta import MetaError
    from .meta.suite import sensitivity_suite

    kw: dict[str, Any] = {"denominators": {k: v.n for k, v in spec.denominators.items()},
                          "use_errata": spec.use_errata, "prefer_locations": tuple(spec.prefer_locations)}
    scenarios = [s.model_dump() for s in spec.meta.scenarios]
    out = []
    for outcome in spec.meta.outcomes:
        try:
            suite = sensitivity_suite(cohorts, outcome, scenarios=scenarios, primary_transform=spec.meta.transform,
                                      primary_method=spec.meta.method, **kw)
        except (ValueError, MetaError) as exc:
            out.append(MetaCheck(outcome, None, error=str(exc)))
            continue
        out.append(MetaCheck(outcome, suite, reference, observed=suite.observed(spec.ci_method)))
    return tuple(out)
