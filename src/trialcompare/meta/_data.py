"""Per-cohort outcome data for pooling: outcome names, counts, landmark rates (part of the meta suite)."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from .. import options
from ..comparison import Comparison, compare
from ..descriptor.harms import is_named_proportion
from ..load import CohortSet
from ..options import DENOMINATOR_BASES, POOLING_METHODS
from ..outcomes import outcome_name, parse_outcome_name
from ..rules import compared_endpoint, is_control_arm

DATA_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "label": pl.String, "design": pl.String, "endpoint": pl.String, "events": pl.Int64,
    "total": pl.Int64, "estimate": pl.Float64, "approximate": pl.Boolean, "note": pl.String, "inferred": pl.Boolean,
    "estimator": pl.String, "ci_low": pl.Float64, "ci_high": pl.Float64, "ci_level": pl.Float64,
    "logit_se": pl.Float64, "reason": pl.String, "time_months": pl.Float64, "time": pl.Float64, "unit": pl.String,
}  # fmt: skip
"""``estimator``: ``"binomial"`` (a count n/N), ``"kaplan-meier"`` or ``"unspecified"`` (a landmark rate printed
without saying how it was estimated). A landmark rate is never turned into a count: ``events``/``total`` are set only
for a count (binomial); a Kaplan-Meier rate keeps its printed estimate and interval (``ci_low``, ``ci_high``,
``ci_level``) and ``logit_se``, the standard error on the logit scale recovered from that interval,
``(logit(hi) − logit(lo)) / (2 z)``. ``reason`` is the code of why a row cannot be pooled (null when it can):
``"excluded"``, ``"control-arm"``, ``"not-reported"``, ``"no-denominator"``, ``"other-time-point"`` (an ORR or DCR
read at a stated time, not as best overall response), ``"no-count"`` (a binomial rate printed
without its count), ``"bound"``, ``"no-interval"``, ``"estimator-unspecified"``, ``"no-endpoint"``.
``time_months``: the landmark's time, or for a response rate the time point it was assessed at when printed at one
(null for best overall response: a response at 6 months is not best response); ``time``, ``unit``: that time point as
printed (12, weeks). ``approximate`` is always False (no
count is ever made from a rate; the column stays for readers of older frames); ``inferred``: the only count that
reproduces a percentage printed without one (:func:`trialcompare.comparison.inferred_count`). A landmark outcome has
one row per cohort and estimator (a cohort that prints both a binomial proportion and a Kaplan-Meier rate has two
rows)."""

#: Keys a scenario declaration may have (``name`` is required).
SCENARIO_KEYS = ("name", "description", "exclude", "denominators", "use_errata", "substitute_endpoint")
"""The keys of :class:`trialcompare.spec.Scenario` (a test keeps them equal)."""

_COUNT_OUTCOMES = {"orr": "ORR", "dcr": "DCR", "csr": "surgical_remission:yes"}
_COUNT_LABELS = {"orr": "Objective response rate", "dcr": "Disease control rate", "csr": "Complete surgical remission"}
_ALL_METHODS = POOLING_METHODS
_FT_NOTE = "sensitivity analysis (harmonic-mean back-transformation can mislead)"
_DATA_KEYS = ("denominators", "use_errata", "reference", "exclude", "substitute_endpoint", "prefer_locations",
              "include_controls")


# --------------------------------------------------------------------------------------------------
# outcome names
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    name: str
    count_key: str | None = None
    endpoint: str | None = None  # None with months set: "tte", the disease-control endpoint
    months: float | None = None
    time: float | None = None
    unit: str | None = None

    @property
    def label(self) -> str:
        if self.count_key is not None:
            return _COUNT_LABELS.get(self.name, self.name)  # a named proportion is its own label
        what = self.endpoint or "event-/progression-free"
        return f"{what} rate at {self.when}"

    @property
    def when(self) -> str:
        from ..outcomes import time_words

        return time_words(self.months or 0.0, self.time, self.unit)


def is_count_outcome(name: str) -> bool:
    """Whether an outcome is a count (ORR, DCR, CSR, a named proportion) rather than a landmark rate.

    Examples
    --------
    >>> is_count_outcome("orr"), is_count_outcome("custom:infection"), is_count_outcome("tte_6m")
    (True, True, False)
    """
    parsed = _parse_outcome(name)
    return parsed is not None and parsed.count_key is not None


def _parse_outcome(name: str) -> _Outcome | None:
    """One grammar for outcome names (:func:`trialcompare.outcomes.parse_outcome_name`): ``orr``, ``pfs_8w``."""
    key = name.strip().lower()
    if key in _COUNT_OUTCOMES:
        return _Outcome(key, count_key=_COUNT_OUTCOMES[key])
    if is_named_proportion(key):  # custom:infection, ae:...: a descriptor's named proportion (issue 22)
        return _Outcome(key, count_key=key)
    try:
        parsed = parse_outcome_name(key)
    except ValueError:
        return None
    if parsed.rate is not None or parsed.time is None:
        return None
    return _Outcome(parsed.name, endpoint=parsed.endpoint, months=parsed.months, time=parsed.time, unit=parsed.unit)


def _disease_control_endpoint(cohorts: CohortSet, cid: str) -> str | None:
    """The endpoint a cohort is compared on (:func:`trialcompare.rules.compared_endpoint`)."""
    ep = compared_endpoint(cohorts[cid].descriptor)
    return ep.name if ep is not None else None


def _names_from_outcomes(outcomes: pl.DataFrame) -> list[str]:
    names = [k for k, v in _COUNT_OUTCOMES.items() if v in set(outcomes["outcome"].to_list())]
    rates = outcomes.filter(pl.col("statistic") == "rate", pl.col("time_months").is_not_null())
    points = sorted({(r["endpoint"], r["time_months"], r["time"], r["unit"] or "months")
                     for r in rates.iter_rows(named=True)}, key=lambda x: (x[0], x[1]))
    names = [*names, *(outcome_name(ep.lower(), t if t is not None else m, u) for ep, m, t, u in points)]
    tte = sorted({(m, t if t is not None else m, u) for ep, m, t, u in points if ep != "OS"})
    return [*names, *dict.fromkeys(outcome_name("tte", t, u) for _, t, u in tte)]


def available_outcomes(cohorts: CohortSet, **data_kw: Any) -> list[str]:
    """Outcome names that at least one of these cohorts reports.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    **data_kw
        ``prefer_locations``, ``use_errata``, ``denominators``, ``reference`` as for :func:`outcome_data`.

    Returns
    -------
    list of str
        E.g. ``["orr", "dcr", "csr", "efs_6m", ..., "tte_6m"]``.
    """
    return _names_from_outcomes(_compare(cohorts, **data_kw).outcomes) + named_proportions(cohorts.to_frame())


def named_proportions(frame: pl.DataFrame) -> list[str]:
    """The named proportions (``custom:...``, ``ae:...``) of a long frame (section ``proportion``), in order."""
    rows = frame.filter(pl.col("section") == "proportion")
    return list(dict.fromkeys(rows["variable"].to_list()))


def _named_row(cid: str, ctx: _DataContext, outcome: _Outcome) -> dict[str, Any]:
    """The count of a named proportion, as printed (``"12/40"``) or implied by a percentage of its stated
    denominator; never a denominator the descriptor does not give."""
    name = outcome.name
    rows = ctx.frame.filter(pl.col("cohort") == cid, pl.col("section") == "proportion", pl.col("variable") == name)
    counts = rows.filter(pl.col("statistic") == "count", pl.col("denominator_origin") != "declared_n")
    if counts.is_empty():
        why = "not reported" if rows.is_empty() else "no count with a printed or stated denominator"
        reason = "not-reported" if rows.is_empty() else "no-denominator"
        return _row(cid, ctx.cohorts, name, reason=reason, note=f"{name}: {why}")
    r = counts.sort("as_printed", descending=True).row(0, named=True)
    n, den = r["n"], r["denominator"]
    implied = r["count_basis"] == "implied-by-percentage"
    note = f"{n}/{den}" + (f" (count implied by the printed {r['printed']!r})" if implied else "")
    return _row(cid, ctx.cohorts, name, events=n, total=den, estimate=n / den, inferred=implied, note=note,
                estimator="binomial")  # fmt: skip


# --------------------------------------------------------------------------------------------------
# outcome data
# --------------------------------------------------------------------------------------------------


def _compare(
    cohorts: CohortSet,
    *,
    denominators: Mapping[str, int] | None = None,
    use_errata: bool = False,
    reference: str | None = None,
    prefer_locations: Sequence[str] = ("Table IV",),
    exclude: Iterable[str] = (),
    substitute_endpoint: Mapping[str, str] | None = None,
) -> Comparison:
    _check_ids(cohorts, denominators or {}, "denominators")
    if reference is not None:
        _check_ids(cohorts, [reference], "reference")
    for cid, n in (denominators or {}).items():
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise ValueError(f"denominator of {cid!r} must be a positive whole number, got {n!r}")
    # the counts read from a comparison do not depend on its reference: one comparison serves every reference
    key = (tuple(sorted((denominators or {}).items())), bool(use_errata), tuple(prefer_locations))
    cache = _COMPARISONS.setdefault(cohorts, {})
    if key not in cache:
        cache[key] = compare(cohorts, reference, prefer_locations=tuple(prefer_locations),
                             use_errata=bool(use_errata), denominators=dict(denominators or {}))  # fmt: skip
    return cache[key]


# One comparison per cohort set and options: a suite asks for the same one for every outcome and scenario.
# Keyed weakly on the (immutable) CohortSet, so nothing outlives the cohorts it was computed from.
_COMPARISONS: weakref.WeakKeyDictionary[CohortSet, dict[tuple, Comparison]] = weakref.WeakKeyDictionary()


def _check_ids(cohorts: CohortSet, ids: Iterable[str], what: str) -> None:
    unknown = [i for i in ids if i not in cohorts]
    if unknown:
        raise ValueError(
            f"{what} names {', '.join(map(repr, unknown))}, not a cohort; cohorts: {', '.join(cohorts.ids)}"
        )


def _row(cid: str, cohorts: CohortSet, endpoint: str | None, **values: Any) -> dict[str, Any]:
    desc = cohorts[cid].descriptor
    base = dict.fromkeys(DATA_SCHEMA) | {"cohort": cid, "label": desc.label, "design": desc.design.type,
                                         "endpoint": endpoint, "approximate": False, "inferred": False}  # fmt: skip
    return base | values


def _count_row(cid: str, cohorts: CohortSet, cmp: Comparison, outcome: _Outcome) -> dict[str, Any]:
    label = outcome.name.upper()
    match = cmp.outcomes.filter(pl.col("cohort") == cid, pl.col("outcome") == outcome.count_key)
    if match.is_empty():
        return _row(cid, cohorts, label, reason="not-reported", note=f"{label} not reported")
    r = match.row(0, named=True)
    if not r["denominator"]:
        return _row(cid, cohorts, label, reason="no-denominator", note=f"{label}: no denominator")
    note = f"{r['n']}/{r['denominator']} (denominator: {DENOMINATOR_BASES.get(r['denominator_basis'], '?')})"
    if r["time_months"] is not None and outcome.name in ("orr", "dcr"):  # a response at 12 weeks is not best response
        from ..outcomes import time_words

        when = time_words(r["time_months"], r["time"], r["unit"])
        return _row(cid, cohorts, label, reason="other-time-point", time_months=r["time_months"], time=r["time"],
                    unit=r["unit"], note=f"{label} read at {when}, not as best overall response; {note}")
    return _row(cid, cohorts, label, events=r["n"], total=r["denominator"], estimate=r["n"] / r["denominator"],
                inferred=r["denominator_basis"] == "inferred", estimator="binomial", time_months=r["time_months"],
                time=r["time"], unit=r["unit"],
                note=note)  # fmt: skip


def _rate_denominator(frame: pl.DataFrame, r: dict[str, Any], use_errata: bool) -> tuple[int, int] | None:
    """(n, denominator) of a landmark rate printed as a count ("13/43"), errata honoured."""
    match = frame.filter(
        pl.col("cohort") == r["cohort"], pl.col("section") == "endpoint", pl.col("variable") == r["endpoint"],
        pl.col("time_months") == r["time_months"], pl.col("printed") == r["printed"],
    )  # fmt: skip
    if match.is_empty():
        return None
    row = match.row(0, named=True)
    n, den = row["n"], row["denominator"]
    if use_errata:
        n = row["corrected_n"] if row["corrected_n"] is not None else n
        den = row["corrected_denominator"] if row["corrected_denominator"] is not None else den
    return (n, den) if den else None


def logit_se(low: float, high: float, level: float = 0.95) -> float | None:
    """Standard error of logit(p) recovered from a printed confidence interval of p.

    ``(logit(high) − logit(low)) / (2 z)``, z the normal quantile of the level (1.959964 for 95%): exact for an
    interval symmetric on the logit scale, an approximation for one that is not (e.g. Greenwood's on the plain scale).

    Parameters
    ----------
    low, high : float
        The interval's bounds as proportions.
    level : float
        Its confidence level.

    Returns
    -------
    float or None
        None when a bound is 0 or 1 (no finite logit) or the bounds are not increasing.

    Examples
    --------
    >>> round(logit_se(0.744, 0.970), 4)   # (ln(0.97/0.03) − ln(0.744/0.256)) / 3.919928 = 2.409229 / 3.919928
    0.6146
    >>> logit_se(0.0, 0.26) is None
    True
    """
    from scipy.stats import norm

    if not 0.0 < low < high < 1.0:
        return None
    return (math.log(high / (1 - high)) - math.log(low / (1 - low))) / (2 * float(norm.isf((1 - level) / 2)))


_ESTIMATORS = ("kaplan-meier", "binomial", "unspecified")


def _estimator(r: dict[str, Any]) -> str:
    if r["n"] is not None:
        return "binomial"
    return r["estimator"] if r.get("estimator") in _ESTIMATORS else "unspecified"


def _rate_values(r: dict[str, Any], counted: tuple[int, int] | None) -> dict[str, Any]:
    """The values of one printed landmark rate, as printed (never a count made from a rate)."""
    estimator = _estimator(r)
    level = options.interval_level(r.get("interval_type")) or (r.get("ci_level") if r["n"] is not None else None)
    base = {"estimator": estimator, "estimate": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
            "ci_level": level if r["ci_low"] is not None else None}
    if r["bound"]:
        return base | {"estimate": None, "reason": "bound", "note": f"printed as a bound ({r['printed']!r})"}
    if counted is not None:
        n, den = counted
        return base | {"events": n, "total": den, "estimate": n / den, "note": f"{n}/{den} printed as a count"}
    if r["estimate"] is None:
        return base | {"reason": "not-reported", "note": "no value"}
    if estimator == "binomial":
        return base | {"reason": "no-count", "note": f"binomial rate {r['printed']!r} printed without its count"}
    if estimator == "unspecified":
        return base | {"reason": "estimator-unspecified",
                       "note": f"rate {r['printed']!r}: the source does not say how it was estimated"}
    se = logit_se(r["ci_low"], r["ci_high"], level) if r["ci_low"] is not None and level else None
    if se is None:
        return base | {"reason": "no-interval", "note": f"Kaplan-Meier rate {r['printed']!r} without a usable interval"}
    return base | {"logit_se": se, "note": f"Kaplan-Meier rate {r['printed']!r}"}


def _tte_rows(cid: str, ctx: _DataContext, outcome: _Outcome) -> list[dict[str, Any]]:
    ep = ctx.substitute.get(cid) or outcome.endpoint or _disease_control_endpoint(ctx.cohorts, cid)
    rows = _tte_lookup(cid, ep, ctx, outcome)
    if cid in ctx.substitute:
        for row in rows:
            row["note"] = f"{ep} substituted for the disease-control endpoint; {row['note']}"
    return rows


def _tte_lookup(cid: str, ep: str | None, ctx: _DataContext, outcome: _Outcome) -> list[dict[str, Any]]:
    if ep is None:
        return [_row(cid, ctx.cohorts, None, reason="no-endpoint", note="no event-/progression-free endpoint")]
    match = ctx.cmp.outcomes.filter(pl.col("cohort") == cid, pl.col("endpoint") == ep,
                                    pl.col("statistic") == "rate", pl.col("time_months") == outcome.months)  # fmt: skip
    if match.is_empty():
        return [_row(cid, ctx.cohorts, ep, reason="not-reported", note=f"no rate at {outcome.when}")]
    out: dict[str, dict[str, Any]] = {}
    for r in match.iter_rows(named=True):  # the chosen report first, then one per other estimator
        counted = _rate_denominator(ctx.frame, r, ctx.use_errata) if r["n"] is not None else None
        values = _rate_values(r, counted)
        out.setdefault(values["estimator"], _row(cid, ctx.cohorts, ep, time_months=outcome.months, time=outcome.time,
                                                 unit=outcome.unit, **values))
    return list(out.values())


@dataclass
class _DataContext:
    cohorts: CohortSet
    cmp: Comparison
    frame: pl.DataFrame
    use_errata: bool
    substitute: dict[str, str]


def _check_substitutes(cohorts: CohortSet, substitute: Mapping[str, str]) -> dict[str, str]:
    _check_ids(cohorts, substitute, "substitute_endpoint")
    for cid, ep in substitute.items():
        names = [e.name for e in cohorts[cid].descriptor.endpoints]
        if ep not in names:
            raise ValueError(f"substitute_endpoint: cohort {cid!r} has no endpoint {ep!r}; it has {', '.join(names)}")
    return dict(substitute)


def outcome_data(
    cohorts: CohortSet,
    outcome: str,
    *,
    denominators: Mapping[str, int] | None = None,
    use_errata: bool = False,
    reference: str | None = None,
    exclude: Iterable[str] = (),
    substitute_endpoint: Mapping[str, str] | None = None,
    prefer_locations: Sequence[str] = ("Table IV",),
    include_controls: bool = False,
) -> pl.DataFrame:
    """Per-cohort counts of one outcome, ready for pooling.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    outcome : str
        ``"orr"``, ``"dcr"``, ``"csr"``, ``"<endpoint>_<months>m"`` (``"efs_6m"``, ``"os_12m"``) or
        ``"tte_<months>m"`` (each cohort's disease-control endpoint, EFS or PFS).
    denominators : mapping of str to int, optional
        Denominator per cohort in place of its declared N (as :func:`trialcompare.compare`).
    use_errata : bool
        Use counts/denominators corrected by declared errata.
    reference : str, optional
        Reference cohort of the underlying comparison (does not change the counts).
    exclude : iterable of str
        Cohorts to leave out; they stay in the frame with ``events`` null and a note.
    substitute_endpoint : mapping of str to str, optional
        For time-to-event outcomes, use this endpoint of the cohort (e.g. ``{"apatinib-ie": "PFS"}``).
    prefer_locations : sequence of str
        Which printed report to use when a value was printed in several places.
    include_controls : bool
        Keep the rows of control arms (:func:`trialcompare.rules.control_arm`); by default they are left out with
        reason ``"control-arm"``. The benchmark never pools a control arm whatever this says.

    Returns
    -------
    polars.DataFrame
        One row per cohort (per cohort and estimator for a landmark rate), in load order, with the columns of
        :data:`DATA_SCHEMA`. ``events`` is null for a row that is not a count; ``reason`` says why a row cannot be
        pooled.

    Raises
    ------
    ValueError
        Unknown outcome (the message lists the valid ones), unknown cohort ids, bad denominators.
    """
    parsed = _parse_outcome(outcome)
    exclude = list(exclude)
    _check_ids(cohorts, exclude, "exclude")
    substitute = _check_substitutes(cohorts, substitute_endpoint or {})
    cmp = _compare(cohorts, denominators=denominators, use_errata=use_errata, reference=reference,
                   prefer_locations=prefer_locations)  # fmt: skip
    frame = cohorts.to_frame()
    valid = _names_from_outcomes(cmp.outcomes) + named_proportions(frame)
    if parsed is None or parsed.name not in valid:
        from ..descriptor.vocabulary import suggest

        raise ValueError(f"unknown outcome {outcome!r} for these cohorts{suggest(outcome.strip().lower(), valid)}; "
                         f"valid: {', '.join(valid)}")
    ctx = _DataContext(cohorts, cmp, frame, bool(use_errata), substitute)
    rows: list[dict[str, Any]] = []
    for cid in cohorts.ids:
        if cid in exclude:
            rows.append(_row(cid, cohorts, None, reason="excluded", note="excluded by request"))
        elif not include_controls and is_control_arm(cohorts[cid].descriptor):
            arm = cohorts[cid].descriptor.design.arm_of  # a control arm is an arm of a study
            study = arm.study if arm is not None else None
            rows.append(_row(cid, cohorts, None, reason="control-arm", note=f"control arm of {study}"))
        elif is_named_proportion(parsed.name):
            rows.append(_named_row(cid, ctx, parsed))
        elif parsed.count_key is not None:
            rows.append(_count_row(cid, cohorts, cmp, parsed))
        else:
            rows.extend(_tte_rows(cid, ctx, parsed))
    return pl.DataFrame(rows, schema=DATA_SCHEMA, orient="row")
