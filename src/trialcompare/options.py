"""Every option the package offers, in one place: argparse ``choices``, the pydantic models and the specs read it.

Each vocabulary is a tuple of the accepted spellings; the first entry is the default where one exists.
Human-readable names for reports live beside the codes (``*_NAMES``), so that computation stores the code and
rendering looks the name up.

Examples
--------
>>> from trialcompare import options
>>> options.TRANSFORMS[0], options.TAU2_METHODS[0]
('logit', 'REML')
>>> "GLMM" in options.POOLING_METHODS
True
>>> options.EVIDENCE
('randomised', 'anchored', 'unanchored')
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "BENCHMARK_POSITIONS",
    "BENCHMARK_REASONS",
    "BOUND_STATUSES",
    "CI_METHODS",
    "CI_METHOD_NAMES",
    "DAYS_PER",
    "DENOMINATOR_BASES",
    "EVIDENCE",
    "EXPORT_FORMATS",
    "INTERVAL_TYPES",
    "MEASURES",
    "METHOD_NAMES",
    "OR_METHODS",
    "POOLING_METHODS",
    "RATIO_MEASURES",
    "RD_METHODS",
    "RD_METHOD_NAMES",
    "SCOPES",
    "SIDEDNESS",
    "TABLE_VIEWS",
    "TAU2_METHODS",
    "TESTS",
    "TEST_NAMES",
    "TIME_UNITS",
    "TRANSFORMS",
    "TRANSFORM_CODES",
    "TRANSFORM_NAMES",
    "CIMethod",
    "Evidence",
    "Measure",
    "ORMethod",
    "PoolingMethod",
    "RDMethod",
    "TestName",
    "TimeUnit",
    "Transform",
    "interval_label",
    "interval_level",
    "to_months",
]

CIMethod = Literal["exact", "wilson", "wald", "agresti-coull", "jeffreys"]
CI_METHODS: tuple[CIMethod, ...] = get_args(CIMethod)
CI_METHOD_NAMES: dict[str, str] = {
    "exact": "Clopper-Pearson exact", "wilson": "Wilson score", "wald": "Wald",
    "agresti-coull": "Agresti-Coull", "jeffreys": "Jeffreys",
}

DENOMINATOR_BASES: dict[str, str] = {
    "printed": "printed with the count", "entry": "stated for the entry", "declared_n": "declared N",
    "erratum": "corrected by erratum", "user": "chosen for this comparison",
    "inferred": "not printed; the only count that reproduces the printed percentage and interval",
}
"""Where a count's denominator comes from (code → words for reports)."""

RDMethod = Literal["newcombe", "miettinen-nurminen", "wald"]
RD_METHODS: tuple[RDMethod, ...] = get_args(RDMethod)
RD_METHOD_NAMES: dict[str, str] = {
    "newcombe": "Newcombe method-10 hybrid score", "miettinen-nurminen": "Miettinen-Nurminen score", "wald": "Wald",
}

ORMethod = Literal["woolf", "exact"]
OR_METHODS: tuple[ORMethod, ...] = get_args(ORMethod)

Transform = Literal["logit", "arcsine", "freeman-tukey", "raw"]
TRANSFORMS: tuple[Transform, ...] = get_args(Transform)
TRANSFORM_CODES: dict[str, str] = {"logit": "PLO", "arcsine": "PAS", "freeman-tukey": "PFT", "raw": "PR"}
TRANSFORM_NAMES: dict[str, str] = {
    "logit": "logit", "arcsine": "arcsine square root", "freeman-tukey": "Freeman-Tukey double arcsine",
    "raw": "untransformed proportion",
}

TAU2_METHODS: tuple[str, ...] = ("REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB")
PoolingMethod = Literal["REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB", "GLMM"]
POOLING_METHODS: tuple[str, ...] = (*TAU2_METHODS, "GLMM")
METHOD_NAMES: dict[str, str] = {
    "REML": "restricted maximum likelihood", "DL": "DerSimonian-Laird", "PM": "Paule-Mandel",
    "ML": "maximum likelihood", "SJ": "Sidik-Jonkman", "HE": "Hedges", "HS": "Hunter-Schmidt",
    "EB": "empirical Bayes", "GLMM": "binomial-normal GLMM",
}

TestName = Literal["z", "knha"]
TESTS: tuple[TestName, ...] = get_args(TestName)
TEST_NAMES: dict[str, str] = {"z": "normal (z)", "knha": "Hartung-Knapp-Sidik-Jonkman (t)"}

Evidence = Literal["randomised", "anchored", "unanchored"]
EVIDENCE: tuple[str, ...] = ("randomised", "anchored", "unanchored")

Measure = Literal["HR", "OR", "RR", "RD", "MD", "SMD"]
MEASURES: tuple[str, ...] = ("HR", "OR", "RR", "RD", "MD", "SMD")

RATIO_MEASURES: tuple[str, ...] = ("HR", "OR", "RR")
"""Measures compared on the log scale (null value 1); the others are differences (null value 0)."""

Sidedness = Literal["two-sided", "one-sided"]
SIDEDNESS: tuple[str, ...] = ("two-sided", "one-sided")

Scope = Literal["arm", "study"]
SCOPES: tuple[str, ...] = ("arm", "study")
"""Whom a frame row describes: one arm (cohort) or a whole randomised study (both arms together)."""

BoundStatus = Literal["value", "not-reached", "not-estimable", "not-available"]
BOUND_STATUSES: tuple[str, ...] = ("value", "not-reached", "not-estimable", "not-available")
"""What a printed estimate or bound is: a number, NR (not reached), NE (not estimable) or NA (not available)."""

TimeUnit = Literal["months", "weeks", "days", "years"]
TIME_UNITS: tuple[TimeUnit, ...] = get_args(TimeUnit)
DAYS_PER: dict[str, float] = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}
"""Days per time unit: 1 week = 7 days, 1 month = 30.4375 days (365.25 / 12), 1 year = 365.25 days."""

INTERVAL_TYPES: tuple[str, ...] = ("95% CI", "90% CI", "80% CI", "IQR", "range")

BENCHMARK_POSITIONS: tuple[str, ...] = ("below", "within", "above")
"""Where the reference cohort's observed proportion falls against the comparators' prediction interval."""

BENCHMARK_NOT_PLACED: tuple[str, ...] = ("not-comparable-estimator", "not-comparable-endpoint",
                                         "uninformative-interval")
"""Position codes of a reference that is not placed against the prediction interval: its estimator or endpoint is
not the comparators', or the interval is wider than :data:`trialcompare.meta._benchmark.UNINFORMATIVE_WIDTH`."""

BENCHMARK_REASONS: dict[str, str] = {
    "reference": "the reference cohort itself: placed against the benchmark, never pooled into it",
    "shares-registration": "shares a trial registration with the reference: the patients may overlap",
    "shares-centre": "shares a centre with overlapping (or unreported) accrual: the patients may overlap",
    "other-estimator": "prints this rate only by another estimator (Kaplan-Meier and binomial are not pooled "
                       "together)",
    "other-endpoint-family": "another endpoint family (overall survival against event-/progression-free)",
    "other-time-point": "a response assessed at another time point (not best overall response)",
    "not-reported": "does not report this outcome",
    "no-denominator": "no denominator for this outcome",
    "bound": "printed only as a bound, not a number",
    "no-interval": "a Kaplan-Meier rate printed without a usable interval",
    "estimator-unspecified": "the source does not say how this rate was estimated",
    "no-endpoint": "no event-/progression-free endpoint",
    "no-value": "no value for this outcome",
    "reference-estimator-unspecified": "the source does not say how the reference's rate was estimated: "
                                       "nothing is pooled",
    "no-reference-value": "the reference has no value for this outcome: nothing is pooled",
    "logit-se-from-printed-ci": "Kaplan-Meier rates pooled on the logit scale, each standard error recovered "
                                "from its printed interval",
    "uninformative-interval": "the prediction interval is too wide to tell anything: the reference is not placed",
    "same-study": "an arm of the same study as the reference or a comparator: arms of one study are not "
                  "independent cohorts",
    "control-arm": "control arm of a randomised study (placebo, best supportive care or an active control)",
    "no-count": "no usable count for this outcome",
    "user": "left out by request",
    "k<3": "fewer than three comparator cohorts: not estimable, no pooled number and no prediction interval",
    "glmm-primary": "a comparator has 0% or 100%: the binomial-normal GLMM is the primary model",
    "glmm-failed": "the GLMM has no finite estimate; the continuity-corrected normal-normal model is used",
    "endpoint-differs": "the reference's endpoint differs from a comparator's (e.g. EFS against PFS)",
    "approximate-counts": "some counts are approximate (a printed rate times N)",
    "comparator-overlap": "two comparators share a trial registration: they may not be independent",
    "single-group": "the partition has a single group: nothing to compare",
    "same-partition": "the partition groups the cohorts exactly as another partition does",
    "subgroup-k<3": "a subgroup has fewer than three cohorts: no pooled number for it",
    "no-change": "the scenario pools exactly the same counts as the primary analysis",
    "same-as-scenario": "the scenario pools exactly the same counts as another scenario",
}
"""Codes of the meta-analytic benchmark (exclusions, estimability, model choice, what is worth showing) → words."""

EXPORT_FORMATS: tuple[str, ...] = ("md", "csv", "xlsx", "html", "json")
TABLE_VIEWS: tuple[str, ...] = ("table", "smd", "differences", "baseline", "outcomes", "harms", "harms-data")
"""``harms``: the adverse events, dose modifications and deaths as text cells; ``harms-data``: the same as
structured columns (:func:`trialcompare.harms.harms_table`)."""


def interval_label(level: float) -> str:
    """The label of a confidence interval at ``level``.

    Parameters
    ----------
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    str
        ``"95% CI"`` for 0.95; non-integer percentages keep their decimals.

    Examples
    --------
    >>> interval_label(0.95), interval_label(0.8), interval_label(0.975)
    ('95% CI', '80% CI', '97.5% CI')
    """
    pct = round(level * 100, 6)
    text = f"{pct:g}"
    return f"{text}% CI"


def to_months(value: float, unit: str) -> float:
    """A duration in ``unit`` (one of :data:`TIME_UNITS`) converted to months, for comparison only.

    One month is 30.4375 days (365.25 / 12) and one week 7 days, so 8 weeks = 56 / 30.4375 = 1.8398 months.
    The printed time and unit are always kept beside the conversion.

    Parameters
    ----------
    value : float
        The duration as printed.
    unit : str
        Its unit.

    Returns
    -------
    float

    Examples
    --------
    >>> round(to_months(8, "weeks"), 4), to_months(6, "months"), to_months(2, "years")
    (1.8398, 6.0, 24.0)
    """
    if unit == "months":
        return float(value)  # exactly the printed number, no round trip through days
    return value * DAYS_PER[unit] / DAYS_PER["months"]


def interval_level(interval_type: str | None) -> float | None:
    """The confidence level of a printed interval type, the inverse of :func:`interval_label`.

    Parameters
    ----------
    interval_type : str or None
        An entry of :data:`INTERVAL_TYPES` (or any ``"<p>% CI"``).

    Returns
    -------
    float or None
        0.95 for ``"95% CI"``; None for an IQR, a range or no interval.

    Examples
    --------
    >>> interval_level("95% CI"), interval_level("80% CI"), interval_level("IQR")
    (0.95, 0.8, None)
    """
    if not interval_type or not interval_type.endswith("% CI"):
        return None
    try:
        return float(interval_type[: -len("% CI")]) / 100
    except ValueError:
        return None
