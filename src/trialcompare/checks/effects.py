"""Family 8: between-arm effects of randomised studies, study-level facts and scaffold placeholders.

An effect (``effects:`` of a descriptor, frame section ``effect``) is checked on its own — a ratio and its bounds
positive, its interval symmetric on the log scale, its P value consistent with the estimate and interval — and
against the other arm: ``versus`` must be a loaded cohort that is an arm of the same study, and an effect printed in
both arms' files must agree (the inverse for a ratio, the negation for a difference). The estimate inside its
interval and the order of the bounds are checked for every row, effects included, by ``INT-OUTSIDE`` and
``INT-ORDER`` (:mod:`.intervals`).

Rounding. Every printed number stands for the interval of values that round to it: ``0.42`` for 0.415-0.425
(half a unit of its last digit, the bounds with the decimals of the bounds). The checks below flag only what no
values inside those intervals can explain.

Symmetry (``EFF-ASYMMETRIC``). A Wald interval of a ratio is symmetric on the log scale:
``ln(est) = (ln(lower) + ln(upper)) / 2``. The asymmetry ``ln(est) - (ln(lower) + ln(upper)) / 2`` increases with the
estimate and decreases with the bounds, so its range under rounding runs from (largest bounds, smallest estimate) to
(smallest bounds, largest estimate); a range that excludes 0 is a finding. It catches typos (``0.42 (0.21-8.5)``).
Exact (Fisher) or profile-likelihood intervals are legitimately asymmetric: acknowledge the finding then.

P value (``EFF-P-INCONSISTENT``), after Altman & Bland, "How to obtain the P value from a confidence interval",
BMJ 2011;343:d2304. For a ratio, work on the log scale: ``E = ln(est)``, ``SE = (ln(upper) - ln(lower)) / (2 z)`` with
``z`` = 1.96 for a 95% CI (1.645 for 90%, 1.282 for 80%); for a difference (RD, MD, SMD) the same on the natural
scale. Then ``z = E / SE`` and the two-sided ``P = erfc(|z| / √2)`` (exact normal tail rather than the paper's
approximation ``exp(-0.717 z - 0.416 z²)``). ``|z|`` is smallest with the smallest ``|E|`` and the widest interval the
rounding allows, largest with the largest ``|E|`` and the narrowest: that gives the range of P the printed numbers
support. The printed P stands for its own rounding interval (``P = .017``: 0.0165-0.0175; ``p<0.001``: 0-0.001).
A one-sided printed P is compared with half the two-sided one. The finding is raised when the two ranges do not
overlap.

Worked example: HR 0.42 (95% CI 0.21-0.85), P = .017. ``SE = (ln 0.85 - ln 0.21) / 3.92 = 0.357``,
``z = ln 0.42 / 0.357 = -2.43``, ``P = 0.015``. With the rounding of the three numbers (0.415-0.425, 0.205-0.215,
0.845-0.855) ``|z|`` lies in 2.35-2.52 and P in 0.0118-0.0188, which contains 0.0165-0.0175: consistent. Printed as
``P = .17`` (0.165-0.175) it is not: ``EFF-P-INCONSISTENT``. The recomputation assumes a Wald-type interval and test;
a log-rank or exact P can differ slightly, hence a warning, not an error.

==========================  ========  ==========================================================================
code                        severity  meaning
==========================  ========  ==========================================================================
EFF-RATIO-NONPOSITIVE       error     a ratio (HR, OR, RR) or one of its bounds is at or below 0
EFF-ASYMMETRIC              warning   a ratio's interval is not symmetric on the log scale around the estimate,
                                      beyond the rounding of the printed numbers
EFF-P-INCONSISTENT          warning   the printed P value disagrees with the P recomputed from the estimate and
                                      its confidence interval (Altman & Bland 2011) beyond rounding
EFF-VERSUS-SELF             error     ``versus`` names the cohort itself
EFF-VERSUS-UNKNOWN          warning   ``versus`` names no loaded cohort
EFF-VERSUS-OTHER-STUDY      error     the two cohorts are not arms of one study (``design.arm_of.study``)
EFF-NOT-RANDOMISED          info      the two arms' study is not marked randomised (``arm_of.randomised``)
EFF-ARMS-DISAGREE           error     one effect printed in both arms' files disagrees (inverse for ratios,
                                      negation for differences) beyond rounding
STUDY-RECORDED-TWICE        warning   two arms of one study both carry a ``study:`` block (a study-level fact is
                                      written once)
PLACEHOLDER                 error     a scaffold placeholder (``TODO``) left in a descriptor
==========================  ========  ==========================================================================
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..descriptor.printed import parse_p
from ..options import RATIO_MEASURES
from ._common import Row, bound_decimals, half_unit, join_locations, make, rows_of
from .finding import Finding

if TYPE_CHECKING:
    import polars as pl

    from ..load import Cohort, CohortSet

__all__ = ["CODES", "check_effects", "p_from_ci", "p_range"]

CODES = {
    "EFF-RATIO-NONPOSITIVE": "a ratio (HR, OR, RR) or its bound at or below 0",
    "EFF-ASYMMETRIC": "a ratio's interval not symmetric on the log scale around the estimate (beyond rounding)",
    "EFF-P-INCONSISTENT": "a printed P value inconsistent with the estimate and its confidence interval",
    "EFF-VERSUS-SELF": "an effect compared with its own cohort",
    "EFF-VERSUS-UNKNOWN": "an effect's comparator arm is not among the loaded cohorts",
    "EFF-VERSUS-OTHER-STUDY": "an effect between cohorts that are not arms of one study",
    "EFF-NOT-RANDOMISED": "an effect between arms of a study not marked randomised",
    "EFF-ARMS-DISAGREE": "one between-arm effect printed differently in the two arms' files",
    "STUDY-RECORDED-TWICE": "study-level facts written in more than one arm's file",
    "PLACEHOLDER": "a scaffold placeholder (TODO) left in a descriptor",
}

_Z = {"95% CI": 1.959963984540054, "90% CI": 1.6448536269514722, "80% CI": 1.2815515655446004}


def _box(value: float, decimals: int | None) -> tuple[float, float]:
    h = half_unit(decimals)
    return value - h, value + h


def _scale(measure: str) -> Any:
    if measure in RATIO_MEASURES:
        return lambda x: math.log(x) if x > 0 else -math.inf
    return lambda x: x


def p_from_ci(estimate: float, lower: float, upper: float, measure: str, interval_type: str = "95% CI") -> float:
    """Two-sided P value recomputed from an estimate and its confidence interval (Altman & Bland 2011).

    Parameters
    ----------
    estimate, lower, upper : float
        The effect and its interval.
    measure : str
        One of :data:`trialcompare.options.MEASURES` (ratios on the log scale).
    interval_type : str
        ``"95% CI"``, ``"90% CI"`` or ``"80% CI"``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(p_from_ci(0.42, 0.21, 0.85, "HR"), 4)
    0.015
    """
    f, z = _scale(measure), _Z[interval_type]
    se = (f(upper) - f(lower)) / (2 * z)
    return math.erfc(abs(f(estimate) / se) / math.sqrt(2))


def p_range(row: Row) -> tuple[float, float] | None:
    """The two-sided P values an effect row's printed estimate and interval allow, given their rounding.

    Parameters
    ----------
    row : dict
        A frame row of section ``effect``.

    Returns
    -------
    (float, float) or None
        None when the interval is not a confidence interval or a bound is missing.
    """
    z = _Z.get(row["interval_type"] or "")
    v, lo, hi = row["value"], row["lower"], row["upper"]
    if z is None or None in (v, lo, hi) or row["bound"] is not None:
        return None
    f = _scale(row["statistic"])
    null = 0.0
    e_lo, e_hi = (f(x) for x in _box(v, row["decimals"]))
    b_dec = bound_decimals(row["printed"])
    l_lo, l_hi = (f(x) for x in _box(lo, b_dec))
    u_lo, u_hi = (f(x) for x in _box(hi, b_dec))
    abs_min = 0.0 if e_lo <= null <= e_hi else min(abs(e_lo), abs(e_hi))
    abs_max = max(abs(e_lo), abs(e_hi))
    widest, narrowest = u_hi - l_lo, u_lo - l_hi
    z_min = abs_min * 2 * z / widest if math.isfinite(widest) and widest > 0 else 0.0
    z_max = abs_max * 2 * z / narrowest if narrowest > 0 else math.inf
    return math.erfc(z_max / math.sqrt(2)), math.erfc(z_min / math.sqrt(2))


def _ratio_positive(row: Row, cohorts: CohortSet) -> Iterator[Finding]:
    bad = [x for x in (row["value"], row["lower"], row["upper"]) if x is not None and x <= 0]
    if row["statistic"] in RATIO_MEASURES and bad:
        yield make("EFF-RATIO-NONPOSITIVE", "error", row,
                   f'printed "{row["printed"]}": a {row["statistic"]} and its bounds must be above 0', cohorts)


def _asymmetric(row: Row, cohorts: CohortSet) -> Iterator[Finding]:
    v, lo, hi = row["value"], row["lower"], row["upper"]
    if row["statistic"] not in RATIO_MEASURES or None in (v, lo, hi) or min(v, lo, hi) <= 0:
        return
    dec = bound_decimals(row["printed"])
    (e_lo, e_hi), (l_lo, l_hi), (u_lo, u_hi) = _box(v, row["decimals"]), _box(lo, dec), _box(hi, dec)
    if min(e_lo, l_lo, u_lo) <= 0:
        return
    smallest = math.log(e_lo) - (math.log(l_hi) + math.log(u_hi)) / 2
    largest = math.log(e_hi) - (math.log(l_lo) + math.log(u_lo)) / 2
    if smallest <= 0 <= largest:
        return
    centre = math.exp((math.log(lo) + math.log(hi)) / 2)
    yield make("EFF-ASYMMETRIC", "warning", row,
               f'printed "{row["printed"]}": a Wald interval ({lo:g}, {hi:g}) of a {row["statistic"]} is centred '
               f"on {centre:.3g} on the log scale, not on {v:g}, beyond rounding (a typo, or an exact or profile "
               "interval)", cohorts)


def _p_consistent(row: Row, cohorts: CohortSet) -> Iterator[Finding]:
    if row["p_printed"] is None:
        return
    allowed = p_range(row)
    if allowed is None:
        return
    printed = parse_p(row["p_printed"])
    lo, hi = printed.range()
    one_sided = row["sided"] == "one-sided"
    a_lo, a_hi = (x / 2 for x in allowed) if one_sided else allowed
    if lo <= a_hi * (1 + 1e-9) and a_lo <= hi * (1 + 1e-9):
        return
    p = p_from_ci(row["value"], row["lower"], row["upper"], row["statistic"], row["interval_type"])
    p = p / 2 if one_sided else p
    side = "one-sided " if one_sided else ""
    yield make("EFF-P-INCONSISTENT", "warning", row,
               f'printed "{row["printed"]}" with "{row["p_printed"]}": the {side}P recomputed from the estimate '
               f"and its {row['interval_type']} (Altman & Bland 2011) is {p:.2g} ({a_lo:.2g} to {a_hi:.2g} allowing "
               "for rounding); a different test (log-rank, exact) may explain a small gap", cohorts)


def _versus(row: Row, cohorts: CohortSet) -> Iterator[Finding]:
    other = row["versus"]
    if other == row["cohort"]:
        yield make("EFF-VERSUS-SELF", "error", row, f"versus: {other!r} is this cohort itself", cohorts)
        return
    if other not in cohorts:
        yield make("EFF-VERSUS-UNKNOWN", "warning", row,
                   f"versus: {other!r} is not among the loaded cohorts ({', '.join(cohorts.ids)})", cohorts)
        return
    mine, theirs = (cohorts[c].descriptor.design.arm_of for c in (row["cohort"], other))
    if mine is None or theirs is None or mine.study != theirs.study:
        said = {c: (a.study if a is not None else "no design.arm_of") for c, a in ((row["cohort"], mine),
                                                                                  (other, theirs))}
        yield make("EFF-VERSUS-OTHER-STUDY", "error", row,
                   f"a between-arm effect needs two arms of one study: {row['cohort']}: {said[row['cohort']]}; "
                   f"{other}: {said[other]}", cohorts)
    elif not (mine.randomised and theirs.randomised):
        yield make("EFF-NOT-RANDOMISED", "info", row,
                   f"{mine.study} is not marked randomised in both arms (arm_of.randomised): the effect is not "
                   "randomised evidence", cohorts)


def _mirror(row: Row) -> tuple[tuple[float, float] | None, ...]:
    """The other arm's view of an effect (1/x for ratios, -x for differences), as rounding boxes."""
    dec = bound_decimals(row["printed"])
    boxes = (_box(row["value"], row["decimals"]) if row["value"] is not None else None,
             _box(row["upper"], dec) if row["upper"] is not None else None,
             _box(row["lower"], dec) if row["lower"] is not None else None)
    if row["statistic"] in RATIO_MEASURES:
        return tuple(None if b is None or b[0] <= 0 else (1 / b[1], 1 / b[0]) for b in boxes)
    return tuple(None if b is None else (-b[1], -b[0]) for b in boxes)


def _disagree(a: Row, b: Row) -> list[str]:
    dec = bound_decimals(a["printed"])
    mine = (_box(a["value"], a["decimals"]) if a["value"] is not None else None,
            _box(a["lower"], dec) if a["lower"] is not None else None,
            _box(a["upper"], dec) if a["upper"] is not None else None)
    out = []
    names = ("estimate", "lower bound (against the other's upper)", "upper bound (against the other's lower)")
    for what, x, y in zip(names, mine, _mirror(b), strict=True):
        if x is not None and y is not None and (x[1] < y[0] or y[1] < x[0]):
            out.append(what)
    if a["p_value"] is not None and b["p_value"] is not None:
        pa, pb = parse_p(a["p_printed"]).range(), parse_p(b["p_printed"]).range()
        if pa[1] < pb[0] or pb[1] < pa[0]:
            out.append("P value")
    return out


def _arms_agree(rows: list[Row], cohorts: CohortSet) -> Iterator[Finding]:
    by_key: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        by_key[(r["cohort"], r["versus"], r["variable"], r["statistic"], r["time"], r["unit"])].append(r)
    for (cohort, other, *rest), mine in by_key.items():
        if cohort > other:
            continue
        theirs = by_key.get((other, cohort, *rest), [])
        for a in mine:
            for b in theirs:
                wrong = _disagree(a, b)
                how = "inverse" if a["statistic"] in RATIO_MEASURES else "negation"
                if wrong:
                    yield make("EFF-ARMS-DISAGREE", "error", a,
                               f'{cohort} prints "{a["printed"]}" {a["p_printed"] or ""} against {other}, {other} '
                               f'prints "{b["printed"]}" {b["p_printed"] or ""} against {cohort}: the {how} does not '
                               f"match in {', '.join(wrong)}", cohorts, location=join_locations([a, b], cohorts))


def _study_twice(cohorts: CohortSet) -> Iterator[Finding]:
    holders: dict[str, list[tuple[Cohort, str]]] = defaultdict(list)  # study id: (arm, where its study facts stand)
    for c in cohorts:
        if c.descriptor.study is not None:
            holders[c.descriptor.study.id].append((c, c.descriptor.study.at))
    for study, arms in holders.items():
        for c, at in arms[1:]:
            line, column = c.position(("study",))
            yield Finding("STUDY-RECORDED-TWICE", "warning", c.id, "study", (
                f"study-level facts of {study} are written in {', '.join(a.id for a, _ in arms)}: write them once, "
                "in one arm's file"), at, file=str(c.path), line=line, column=column)


_TODO = re.compile(r"\bTODO\b")


def _strings(obj: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _strings(v, (*path, i))
    elif isinstance(obj, str):
        yield path, obj


def _placeholders(cohorts: CohortSet) -> Iterator[Finding]:
    for c in cohorts:
        found = [p for p, s in _strings(c.descriptor.model_dump(exclude_defaults=True)) if _TODO.search(s)]
        if not found:
            continue
        line, column = c.position(found[0])
        fields = ", ".join(".".join(map(str, p)) for p in found[:8]) + (" ..." if len(found) > 8 else "")
        yield Finding("PLACEHOLDER", "error", c.id, ".".join(map(str, found[0])),
                      f"{len(found)} placeholder(s) (TODO) left from the scaffold: {fields}", "descriptor",
                      file=str(c.path), line=line, column=column)


def check_effects(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Check the between-arm effects, study-level facts and scaffold placeholders.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``EFF-*``, ``STUDY-*`` and ``PLACEHOLDER`` findings (see the module table).
    """
    rows = rows_of(frame, section="effect")
    for row in rows:
        yield from _ratio_positive(row, cohorts)
        yield from _asymmetric(row, cohorts)
        yield from _p_consistent(row, cohorts)
        yield from _versus(row, cohorts)
    yield from _arms_agree(rows, cohorts)
    yield from _study_twice(cohorts)
    yield from _placeholders(cohorts)
