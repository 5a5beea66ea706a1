"""Who is a comparator of the benchmark: one set of exclusion rules, applied to every cohort (issue 19, item 8).

Each cohort other than the reference is tested in load order, and the first rule that applies leaves it out with a
code (:data:`trialcompare.options.BENCHMARK_REASONS`) and, where the rule names one, the other cohort:

1. ``user``: left out by request;
2. ``control-arm``: a control arm (placebo, best supportive care or an active control;
   :func:`trialcompare.rules.control_arm`) — never pooled with single-arm cohorts;
3. ``same-study``, ``shares-registration``, ``shares-centre``: :func:`trialcompare.rules.pooling_exclusion`
   against the reference (arms of its study; a cohort that may share its patients);
4. like with like: the row of the cohort by the reference's estimator (a Kaplan-Meier rate against Kaplan-Meier
   rates, a count against counts) and endpoint family; ``other-estimator`` when the cohort prints the outcome
   only by another estimator, ``other-endpoint-family`` for OS against event-/progression-free survival,
   ``other-time-point`` for a response rate assessed at a time point against best overall response, and the
   data's own reason (``not-reported``, ``no-count``, ``bound``, ``no-interval``, ``estimator-unspecified``...)
   when it has no usable value — given before ``reference-estimator-unspecified`` or ``no-reference-value``
   (nothing is pooled when the reference has no usable value, but a cohort without a value at all says so);
5. ``same-study``, ``shares-registration``, ``shares-centre`` against a comparator kept before it: two cohorts
   that may share patients, or two arms of one study, are never pooled as independent cohorts (the first in load
   order is kept).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ..load import CohortSet
from ..rules import control_arm, pooling_exclusion

__all__ = ["EXCLUDED_SCHEMA", "POOLABLE", "Selection", "select"]

EXCLUDED_SCHEMA: dict[str, Any] = {"cohort": pl.String, "reason": pl.String, "other": pl.String,
                                   "detail": pl.String}  # fmt: skip
"""``reason``: the rule's code; ``other``: the cohort the rule names (the reference or a kept comparator), or null;
``detail``: a token the rule tested (a registration id, a study name, an estimator), or null."""

POOLABLE = ("binomial", "kaplan-meier")
"""Estimators that can be pooled: counts (binomial) and Kaplan-Meier rates with a printed interval."""


@dataclass
class Selection:
    """The outcome of :func:`select`.

    Attributes
    ----------
    rows : list of dict
        The comparators' data rows (:func:`~trialcompare.meta.suite.outcome_data`), in load order.
    excluded : list of dict
        Rows of :data:`EXCLUDED_SCHEMA`.
    reference : dict or None
        The reference's data row (None when it has no value for the outcome).
    estimator : str or None
        The estimator pooled (the reference's when it can be pooled).
    reason : str or None
        Why nothing can be pooled whatever k is (``"reference-estimator-unspecified"``, ``"no-reference-value"``).
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    reference: dict[str, Any] | None = None
    estimator: str | None = None
    reason: str | None = None


def _family(endpoint: str | None) -> str | None:
    """OS, or event-/progression-free survival (EFS, PFS, TTP...), or a count outcome (its own name)."""
    if endpoint is None:
        return None
    return "overall" if endpoint.upper() == "OS" else "disease-control"


def _reference_row(rows: list[dict[str, Any]], counts: bool) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(reference row, estimator pooled, reason nothing is pooled)."""
    usable = [r for r in rows if r["reason"] is None and r["estimator"] in POOLABLE]
    if usable:
        return usable[0], usable[0]["estimator"], None
    valued = next((r for r in rows if r["estimate"] is not None), None)
    if counts:
        return valued, "binomial", None  # a count outcome pools counts whether or not the reference has one
    if valued is not None and valued["estimator"] == "unspecified":
        return valued, None, "reference-estimator-unspecified"
    return valued, None, "no-reference-value"


def _structural(cohorts: CohortSet, cid: str, reference: str, user: set[str]) -> dict[str, Any] | None:
    if cid in user:
        return {"reason": "user"}
    kind = control_arm(cohorts[cid].descriptor)
    if kind is not None:
        return {"reason": "control-arm", "detail": kind}
    rule = pooling_exclusion(cohorts[reference].descriptor, cohorts[cid].descriptor)
    if rule is not None:
        return {"reason": rule[0], "other": reference, "detail": rule[1]}
    return None


def _suffix(r: dict[str, Any]) -> str:
    """A row's time point in its printed unit ("12w"), or "best-response"."""
    from ..outcomes import row_time_suffix

    return row_time_suffix(r) or "best-response"


def _like_with_like(rows: list[dict[str, Any]], sel: Selection) -> tuple[dict[str, Any] | None, dict | None]:
    """(the cohort's row to pool, or the exclusion when it has none)."""
    ref_family = _family(sel.reference["endpoint"]) if sel.reference is not None else None
    ref_time = sel.reference["time_months"] if sel.reference is not None else None
    for r in rows:
        if r["reason"] is None and r["estimator"] == sel.estimator:
            if ref_family is not None and _family(r["endpoint"]) != ref_family:
                return None, {"reason": "other-endpoint-family", "detail": r["endpoint"]}
            if r["time_months"] != ref_time:  # a response at 6 months is not best overall response (K5)
                return None, {"reason": "other-time-point", "detail": _suffix(r)}
            return r, None
    other = next((r for r in rows if r["reason"] is None and r["estimator"] in POOLABLE), None)
    if other is not None:
        return None, {"reason": "other-estimator", "detail": other["estimator"]}
    return None, _own_reason(rows)


def _own_reason(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The exclusion a cohort's data give (``not-reported``, ``no-count``...): the first of its rows' reasons."""
    first = rows[0]
    if first["reason"] == "other-time-point":  # a response read at a stated time (the data's own rule)
        return {"reason": "other-time-point", "detail": _suffix(first)}
    return {"reason": first["reason"] or "no-value", "detail": first["estimator"]}


def select(cohorts: CohortSet, data: pl.DataFrame, reference: str, user: Iterable[str] = (),
           counts: bool = True) -> Selection:  # fmt: skip
    """Apply the exclusion rules of the module to every cohort.

    Parameters
    ----------
    cohorts : CohortSet
    data : polars.DataFrame
        :func:`~trialcompare.meta.suite.outcome_data` with ``include_controls=True`` (the rules decide here).
    reference : str
    user : iterable of str
        Cohorts left out by request.
    counts : bool
        Whether the outcome is a count outcome (ORR, DCR, CSR) rather than a landmark rate.

    Returns
    -------
    Selection
    """
    by_cohort: dict[str, list[dict[str, Any]]] = {}
    for r in data.iter_rows(named=True):
        by_cohort.setdefault(r["cohort"], []).append(r)
    sel = Selection()
    sel.reference, sel.estimator, sel.reason = _reference_row(by_cohort.get(reference, []), counts)
    user = set(user)
    for cid, rows in by_cohort.items():
        if cid == reference:
            sel.excluded.append({"cohort": cid, "reason": "reference"})
            continue
        why = _structural(cohorts, cid, reference, user)
        row = None
        if why is None and sel.estimator is None:  # the cohort's own reason first: it has no value to pool at all
            why = _own_reason(rows) if all(r["reason"] is not None for r in rows) else {"reason": sel.reason}
        if why is None:
            row, why = _like_with_like(rows, sel)
        if why is None and row is not None:
            kept = next(((k["cohort"], rule) for k in sel.rows if (rule := pooling_exclusion(
                cohorts[k["cohort"]].descriptor, cohorts[cid].descriptor)) is not None), None)  # fmt: skip
            if kept is not None:
                why = {"reason": kept[1][0], "other": kept[0], "detail": kept[1][1]}
        if why is not None:
            sel.excluded.append({"cohort": cid} | why)
        elif row is not None:  # _like_with_like gives a row whenever it gives no exclusion
            sel.rows.append(row)
    sel.excluded = [dict.fromkeys(EXCLUDED_SCHEMA) | e for e in sel.excluded]
    return sel
