"""The comparator's inclusion criteria applied to the IPD before weighting (private module).

A MAIC reweights the IPD to the comparator's population; patients the comparator could not have enrolled cannot
be reweighted into it and are removed first (NICE DSU TSD 18, section 3.2). Criteria come from three places, applied
in this order and counted one after another:

1. the mapping file's ``eligibility:`` block — IPD column → ``{min, max}`` (inclusive) or ``{equals}``, with the
   reason in ``why`` (e.g. the comparator's "age >= 16 years", which its descriptor records only as text)::

       eligibility:
         age: {min: 16, why: "apatinib phase II: age >= 16 years (xie2019)"}

2. the comparator's descriptor: ``design.eligibility.resectable: excluded`` → IPD column ``resectable`` equal to 0;
3. levels the comparator reports at 0% (``ecog`` 2: "0 (0.00)"): the IPD's patients in that level are removed (not
   matched at weight 0, which no finite weights can do). A patient is in the level when its own 0/1 column is 1, or,
   without such a column, when the patient is in none of the comparator's other levels, each of which has a column.

A criterion whose column the IPD lacks is listed as not applied (``reason = "no_column"``; for a level,
``"level_not_identified"``), never silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

__all__ = ["Criterion", "EligibilityResult", "apply_eligibility", "comparator_criteria"]

#: Why a criterion could not be applied.
NOT_APPLIED = {
    "no_column": "the IPD has no such column",
    "level_not_identified": "no IPD column identifies the level (nor every other level of the variable)",
}

ELIGIBILITY_SCHEMA = {
    "criterion": pl.String, "source": pl.String, "variable": pl.String, "level": pl.String, "column": pl.String,
    "minimum": pl.Float64, "maximum": pl.Float64, "equals": pl.Float64, "applied": pl.Boolean, "reason": pl.String,
    "failing": pl.Int64, "removed": pl.Int64, "why": pl.String,
}


@dataclass(frozen=True)
class Criterion:
    """One inclusion criterion of the comparator, as a rule on the IPD.

    Attributes
    ----------
    name : str
        What it is about (``"age"``, ``"resectable"``, ``"ecog = 2"``).
    column : str or None
        The IPD column tested (None for a level identified through the other levels' columns).
    minimum, maximum : float or None
        Inclusive bounds a patient must satisfy.
    equals : float or None
        The value a patient must have.
    source : str
        ``"mapping"`` (the mapping file's ``eligibility:``), ``"descriptor"`` (the comparator's descriptor) or
        ``"zero_level"`` (a level the comparator reports at 0%).
    why : str or None
        The reason as the mapping or the descriptor words it (quoted data, not generated text).
    variable, level : str or None
        The descriptor variable and level of a ``zero_level`` criterion.
    others : tuple of str
        For a ``zero_level`` criterion without a column of its own: the IPD columns of the comparator's other
        levels (a patient in none of them is in the excluded level).
    where : tuple of (str, int, int) or None
        The file, line and column it was read from.
    """

    name: str
    column: str | None
    minimum: float | None = None
    maximum: float | None = None
    equals: float | None = None
    source: str = "mapping"
    why: str | None = None
    variable: str | None = None
    level: str | None = None
    others: tuple[str, ...] = ()
    where: tuple[str, int, int] | None = field(default=None, compare=False, repr=False)  # file, line, column


@dataclass(frozen=True)
class EligibilityResult:
    """How many IPD patients each criterion removed, and which criteria could not be applied.

    Attributes
    ----------
    n_before, n_after : int
        IPD patients before and after the criteria.
    criteria : polars.DataFrame
        One row per criterion: ``criterion``, ``source``, ``variable``, ``level``, ``column``, ``minimum``,
        ``maximum``, ``equals``, ``applied``, ``reason`` (a key of ``NOT_APPLIED`` when not applied), ``failing``
        (patients failing it, whatever the others), ``removed`` (removed by it, after the criteria above it),
        ``why``.
    zero_levels : str
        What happens to the patients of a level the comparator reports at 0%: always ``"removed"``.
    """

    n_before: int
    n_after: int
    criteria: pl.DataFrame
    zero_levels: str = "removed"

    @property
    def not_applied(self) -> pl.DataFrame:
        """The criteria that could not be applied (no column), with their reason."""
        return self.criteria.filter(~pl.col("applied"))


def _keep(ipd: pl.DataFrame, c: Criterion) -> tuple[np.ndarray | None, str | None]:
    """Boolean mask of the patients satisfying ``c`` (None and a reason when it cannot be tested)."""
    if c.column is None:
        if not c.others or any(o not in ipd.columns for o in c.others):
            return None, "level_not_identified"
        return np.any(np.column_stack([ipd[o].to_numpy() == 1 for o in c.others]), axis=1), None
    if c.column not in ipd.columns:
        return None, "no_column" if c.source != "zero_level" else "level_not_identified"
    x = ipd[c.column].to_numpy().astype(float)
    keep = np.ones(x.size, dtype=bool)
    if c.minimum is not None:
        keep &= x >= c.minimum
    if c.maximum is not None:
        keep &= x <= c.maximum
    if c.equals is not None:
        keep &= x == c.equals
    return keep, None


def apply_eligibility(ipd: pl.DataFrame, criteria: Iterable[Criterion]) -> tuple[pl.DataFrame, EligibilityResult]:
    """Remove the IPD patients who fail the comparator's inclusion criteria, counting each criterion.

    Parameters
    ----------
    ipd : polars.DataFrame
        One row per patient.
    criteria : iterable of Criterion
        In the order they are applied.

    Returns
    -------
    eligible : polars.DataFrame
        The patients satisfying every applicable criterion.
    result : EligibilityResult

    Examples
    --------
    Ages 12, 15, 16, 30 and 41 against "age >= 16": two fail; a criterion on a missing column is listed, not applied.

    >>> ipd = pl.DataFrame({"age": [12.0, 15, 16, 30, 41], "ecog_0": [1.0, 0, 1, 0, 1]})
    >>> kept, res = apply_eligibility(ipd, [Criterion("age", "age", minimum=16),
    ...                                     Criterion("resectable", "resectable", equals=0, source="descriptor")])
    >>> kept["age"].to_list(), res.n_before, res.n_after
    ([16.0, 30.0, 41.0], 5, 3)
    >>> res.criteria.select("criterion", "applied", "reason", "removed").rows()
    [('age', True, None, 2), ('resectable', False, 'no_column', 0)]
    """
    alive = np.ones(ipd.height, dtype=bool)
    rows = []
    for c in criteria:
        keep, reason = _keep(ipd, c)
        failing = 0 if keep is None else int((~keep).sum())
        removed = 0 if keep is None else int((alive & ~keep).sum())
        if keep is not None:
            alive &= keep
        rows.append({"criterion": c.name, "source": c.source, "variable": c.variable, "level": c.level,
                     "column": c.column, "minimum": c.minimum, "maximum": c.maximum, "equals": c.equals,
                     "applied": keep is not None, "reason": reason, "failing": failing, "removed": removed,
                     "why": c.why})
    frame = pl.DataFrame(rows, schema=ELIGIBILITY_SCHEMA)
    return ipd.filter(pl.Series(alive)), EligibilityResult(ipd.height, int(alive.sum()), frame)


def _zero_level(variable: str, level: str, levels: Sequence[str], entries: Sequence[Any], why: str) -> Criterion:
    columns = {(e.variable, e.level): e.column for e in entries}
    own = columns.get((variable, level))
    name = f"{variable} = {level}"
    if own is not None:
        return Criterion(name, own, equals=0.0, source="zero_level", why=why, variable=variable, level=level)
    others = tuple(columns.get((variable, other)) for other in levels if other != level)
    known = tuple(o for o in others if o is not None)
    return Criterion(name, None, source="zero_level", why=why, variable=variable, level=level,
                     others=known if len(known) == len(others) else ())


def comparator_criteria(cohorts: Any, comparator: str, entries: Sequence[Any]) -> list[Criterion]:
    """The criteria the comparator's descriptor records: resectability excluded, and levels reported at 0%.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    comparator : str
        The comparator's id.
    entries : sequence of MappingEntry
        The mapping (which IPD column is which level). A level at 0% that no IPD column identifies is returned too
        (not applicable: ``apply_eligibility`` lists it with reason ``"level_not_identified"``).

    Returns
    -------
    list of Criterion

    Examples
    --------
    The apatinib trial excludes resectable disease and prints ECOG 2 as "0 (0.00)":

    >>> from pathlib import Path
    >>> import trialcompare as tc
    >>> from trialcompare.maic._targets import MappingEntry
    >>> cs = tc.load(Path(tc.__file__).parents[2] / "trials" / "apatinib.yaml")
    >>> found = comparator_criteria(cs, "apatinib", [MappingEntry("ecog_0", "ecog", "0"),
    ...                                              MappingEntry("ecog_1", "ecog", "1", match=False)])
    >>> [(c.name, c.column, c.others) for c in found]  # doctest: +NORMALIZE_WHITESPACE
    [('resectable', 'resectable', ()), ('lesion_site = lung+bone+other', None, ()),
     ('ecog = 2', None, ('ecog_0', 'ecog_1'))]
    """
    out: list[Criterion] = []
    design = getattr(cohorts[comparator].descriptor, "design", None)
    elig = getattr(design, "eligibility", None)
    if elig is not None and elig.resectable == "excluded":
        out.append(Criterion("resectable", "resectable", equals=0.0, source="descriptor",
                             why=elig.quote, variable="resectable"))
    frame = cohorts.to_frame()
    base = frame.filter((pl.col("cohort") == comparator) & (pl.col("section") == "baseline")
                        & (pl.col("statistic") == "count") & pl.col("level").is_not_null()
                        & pl.col("n").is_not_null() & (pl.col("denominator") > 0))
    # every categorical variable the comparator reports (a level at 0% of a variable the mapping does not name is
    # listed as not applied: no IPD column identifies it)
    for variable in base["variable"].unique(maintain_order=True).to_list():
        rows = base.filter(pl.col("variable") == variable).unique(["level"], keep="first", maintain_order=True)
        levels = rows["level"].to_list()
        for r in rows.filter(pl.col("n") == 0).iter_rows(named=True):
            out.append(_zero_level(variable, r["level"], levels, entries,
                                   f"{r['printed']} ({r['location']})" if r["printed"] else r["location"]))
    return out
