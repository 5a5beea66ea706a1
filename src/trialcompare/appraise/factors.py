"""Prognostic factors and effect modifiers (NICE DSU TSD 18), judged from baseline characteristics only.

Rules
-----
- **Outcomes are not factors.** Complete surgical remission, resection during treatment and any other
  post-baseline event or co-intervention never enter this table or the direction of bias. What was known at entry
  is: "resectable disease at entry", judged from each cohort's eligibility (``design.eligibility``).
- **One SMD per factor**: for a factor with a known adverse direction (:data:`ADVERSE_LEVELS`) the SMD of the share
  of patients at adverse levels, signed cohort − reference (positive: the comparator is worse off). For age the
  signed SMD of means, for sex and subtype the signed SMD of the binary share. The same number in every table.
- **Imbalance means something**: a factor is *imbalanced* only when ``|SMD| > threshold`` (the spec's
  ``smd_threshold``, one per report) **and** ``|SMD| > SE(SMD)``, the sampling noise given both cohorts' sizes:
  ``|SMD| > z · SE(SMD)``, beyond its sampling noise given both cohorts' sizes (z = 1.96, a 95% band;
  ``SE = sqrt((n1 + n2) / (n1 n2) + SMD² / (2 (n1 + n2)))``, Hedges & Olkin 1985, the large-sample SE of a
  standardised difference). With about 35 patients a cohort the SE is about 0.24, so differences below about 0.47
  are "within sampling noise".
- **Skewed medians are not converted**: an SMD whose mean and SD were estimated from a median and range (Wan 2014
  assumes symmetry) is not judged when the range is skewed about the median (one side more than
  :data:`SKEW_RATIO` times the other); the medians are set side by side instead.
- **Key factors nobody reported** (:data:`UNREPORTED_FACTORS`) are listed as such: they cannot be judged, and an
  unmeasured factor leaves the net direction of bias unknown.

Examples
--------
>>> round(smd_se(0.5, 33, 46), 4)   # sqrt(79 / 1518 + 0.25 / 158)
0.2316
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import polars as pl

from ..comparison_baseline import SKEW_RATIO as SKEW_RATIO  # the skew rule lives with the SMDs
from ..descriptor.models import follow_up_of
from ..rules import resectability
from .facts import Fact, fact

if TYPE_CHECKING:
    from ..comparison import Comparison

__all__ = ["ADVERSE_LEVELS", "FACTOR_ORDER", "NOISE_Z", "SKEW_RATIO", "UNREPORTED_FACTORS", "bias_direction",
           "factor_smds", "smd_se", "tsd18_factors"]

ADVERSE_LEVELS: dict[str, tuple[str, ...]] = {
    "ecog": ("1", "2", "3", "4"),
    "prior_lines": ("2", "3"),
    "lesion_site": ("lung+musculoskeletal", "lung+bone+other"),
    "resistance_ie": ("yes",),
    "resistance_apatinib": ("yes",),
    "resistance_mapi": ("yes",),
}
"""Levels of a prognostic factor that predict a worse outcome (TSD 18 direction of bias): ECOG ≥ 1, two or more
prior lines, disease at more than one site, resistance to a component of the regimen."""

FACTOR_ORDER = ("age", "ecog", "lesion_site", "prior_lines", "resistance_ie", "resistance_apatinib",
                "resistance_mapi", "sex", "subtype")

UNREPORTED_FACTORS = ("refractory", "resistance_ie", "resistance_apatinib", "lesion_number")
"""Factors that matter in relapsed osteosarcoma and that no cohort may report: time from first-line therapy to
relapse or progression (refractory disease), prior exposure to IE or to apatinib (effect modifiers for an
apatinib + IE regimen), number of lung nodules. Listed as "not reported" when absent from every cohort."""

NOISE_Z = 1.959964
"""A difference is beyond sampling noise when ``|SMD| > NOISE_Z · SE(SMD)``."""


_DESIGN_FACTORS = ("accrual", "follow_up")

_SCHEMA = {"factor": pl.String, "cohort": pl.String, "reported": pl.Boolean, "reference_share": pl.Float64,
           "cohort_share": pl.Float64, "smd": pl.Float64, "se": pl.Float64, "direction": pl.String,
           "bias": pl.String, "detail": pl.String}


def smd_se(smd: float, n1: int, n2: int) -> float:
    """Large-sample standard error of a standardised difference between two groups of sizes ``n1`` and ``n2``.

    Parameters
    ----------
    smd : float
    n1, n2 : int

    Returns
    -------
    float
        ``sqrt((n1 + n2) / (n1 n2) + smd² / (2 (n1 + n2)))``.

    Examples
    --------
    >>> round(smd_se(0.0, 35, 35), 4)   # sqrt(70 / 1225)
    0.239
    """
    return math.sqrt((n1 + n2) / (n1 * n2) + smd * smd / (2 * (n1 + n2)))


def _adverse_share(rows: pl.DataFrame, adverse: tuple[str, ...]) -> tuple[float, int] | None:
    """Share of patients at adverse levels and its denominator (a union level "2|3" counts when all its parts are
    adverse)."""
    rows = rows.filter(pl.col("reported"))
    if rows.is_empty() or rows["denominator"].null_count():
        return None
    den = rows["denominator"][0]
    if not den:
        return None
    hit = [n for lv, n in zip(rows["level"], rows["n"], strict=True) if all(p in adverse for p in lv.split("|"))]
    return float(sum(hit)) / den, int(den)


def _judge(smd: float | None, se: float | None, threshold: float, adverse: bool) -> tuple[str, str]:
    """(direction, bias) of one factor for one comparator."""
    if smd is None or se is None:
        return "not-reported", "unknown"
    if abs(smd) <= threshold:
        return "similar", "none"
    if abs(smd) <= NOISE_Z * se:
        return "within-noise", "none"
    if not adverse:
        return "imbalanced", "unknown"
    return ("comparator-worse", "favours-reference") if smd > 0 else ("reference-worse", "against-reference")


def _row(var: str, cid: str, **values: object) -> dict[str, object]:
    return dict.fromkeys(_SCHEMA) | {"factor": var, "cohort": cid} | values


def _categorical(cmp: Comparison, var: str, cid: str, threshold: float) -> dict[str, object]:
    from ..stats.smd import smd_binary

    base = cmp.baseline.filter(pl.col("variable") == var)
    ref = _adverse_share(base.filter(pl.col("cohort") == cmp.reference), ADVERSE_LEVELS[var])
    mine = _adverse_share(base.filter(pl.col("cohort") == cid), ADVERSE_LEVELS[var])
    if ref is None or mine is None:
        return _row(var, cid, reported=mine is not None, reference_share=ref and ref[0],
                    cohort_share=mine and mine[0], direction="not-reported", bias="unknown")
    smd = float(smd_binary(mine[0], ref[0]))
    se = smd_se(smd, mine[1], ref[1])
    direction, bias = _judge(smd, se, threshold, adverse=True)
    return _row(var, cid, reported=True, reference_share=ref[0], cohort_share=mine[0], smd=smd, se=se,
                direction=direction, bias=bias)


def _plain(cmp: Comparison, var: str, cid: str, threshold: float) -> dict[str, object]:
    """Age, sex, subtype: imbalance without a known prognostic direction."""
    row = cmp.smd.filter(pl.col("variable") == var, pl.col("cohort") == cid)
    if row.height and (skew := row["skewed"][0]):  # the comparison's rule: no SMD from a skewed median (range)
        return _row(var, cid, reported=True, direction="skewed-median", bias="unknown", detail=skew)
    smd = row["smd"][0] if row.height else None
    if smd is None:
        return _row(var, cid, reported=False, direction="not-reported", bias="unknown")
    se = smd_se(smd, cmp.n[cid], cmp.n[cmp.reference]) if cid in cmp.n and cmp.reference in cmp.n else None
    direction, bias = _judge(smd, se, threshold, adverse=False)
    return _row(var, cid, reported=True, smd=smd, se=se, direction=direction, bias=bias)


def _resectable(cmp: Comparison, cid: str) -> dict[str, object]:
    """Resectable disease at entry, as the sources' eligibility says (a factor known at baseline)."""
    mine = resectability(cmp.descriptors[cid]) if cid in cmp.descriptors else "not_stated"
    ref = resectability(cmp.descriptors[cmp.reference]) if cmp.reference in cmp.descriptors else "not_stated"
    stated = mine != "not_stated"
    differs = stated and ref != "not_stated" and mine != ref
    # the reference enrolled resectable disease and the comparator excluded it: resection inside the reference's
    # outcomes favours it; the other way round, it favours the comparator
    bias = "unknown"
    if differs:
        bias = "favours-reference" if ref == "included" else "against-reference"
    return _row("resectable_at_entry", cid, reported=stated,
                direction="differs" if differs else ("reported" if stated else "not-reported"), bias=bias,
                detail=mine if stated else None)


def _design(cmp: Comparison, factor: str, cid: str) -> dict[str, object]:
    """Accrual period and median follow-up: reported or not, as printed (no direction can be derived); a follow-up
    printed for the whole randomised study (``study.follow_up``) counts for each arm and says so."""
    design = cmp.descriptors[cid].design if cid in cmp.descriptors else None
    detail = None
    if design is not None and factor == "accrual" and (design.accrual_start or design.accrual_end):
        detail = f"{design.accrual_start or '?'} to {design.accrual_end or '?'}"
    elif design is not None and factor == "follow_up":
        reports = follow_up_of(cmp.descriptors[cid], cmp.descriptors.values())
        if reports:
            fu, scope = reports[0]
            detail = f"{fu.value} {fu.unit}" + (" (whole study, all arms together)" if scope == "study" else "")
    return _row(factor, cid, reported=detail is not None, direction="reported" if detail else "not-reported",
                bias="unknown", detail=detail)


def tsd18_factors(cmp: Comparison, threshold: float = 0.1) -> pl.DataFrame:
    """Prognostic factors and effect modifiers per comparator: reported or not, imbalance and direction of bias.

    Parameters
    ----------
    cmp : Comparison
    threshold : float
        The report's one SMD threshold: |SMD| at or below it is "similar".

    Returns
    -------
    polars.DataFrame
        ``factor, cohort, reported, reference_share, cohort_share, smd, se, direction, bias, detail``;
        ``direction`` one of ``similar, within-noise, imbalanced, reference-worse, comparator-worse,
        skewed-median, differs, reported, not-reported``; ``bias`` one of ``favours-reference,
        against-reference, none, unknown``.

    Examples
    --------
    >>> import trialcompare as tc
    >>> f = tsd18_factors(tc.analyse(with_meta=False).comparison)
    >>> "resection" in f["factor"].to_list(), "surgical_remission" in f["factor"].to_list()
    (False, False)
    """
    present = set(cmp.baseline["variable"].to_list())
    others = [c for c in cmp.cohorts if c != cmp.reference]
    rows = []
    for var in (v for v in FACTOR_ORDER if v in present):
        make = _categorical if var in ADVERSE_LEVELS else _plain
        rows += [make(cmp, var, cid, threshold) for cid in others]
    rows += [_resectable(cmp, cid) for cid in others]
    rows += [_row(var, cid, reported=False, direction="not-reported", bias="unknown")
             for var in UNREPORTED_FACTORS if var not in present for cid in others]
    rows += [_design(cmp, f, cid) for f in ("accrual", "follow_up") for cid in others]
    return pl.DataFrame(rows, schema=_SCHEMA, orient="row")


def bias_direction(factors: pl.DataFrame, unmeasured: tuple[str, ...] = ()) -> Fact:
    """The direction in which the measured baseline factors would bias a naive comparison, and what is unmeasured.

    Parameters
    ----------
    factors : polars.DataFrame
        :func:`tsd18_factors`.
    unmeasured : tuple of str
        Codes of factors known to matter but not measured (selection of a series, unconfirmed assessment, ...),
        added by the caller from other rules.

    Returns
    -------
    Fact
        ``bias-direction`` with ``against`` (factors worse in the reference), ``favours`` (factors worse in the
        comparators), ``unmeasured`` and ``net`` (``against-reference`` or ``favours-reference`` when every
        measured factor points one way and nothing that matters is unmeasured, else ``unknown``).

    Examples
    --------
    >>> import polars as pl
    >>> f = pl.DataFrame({"factor": ["ecog"], "bias": ["against-reference"], "reported": [True]})
    >>> bias_direction(f)["net"], bias_direction(f, ("selection",))["net"]
    ('against-reference', 'unknown')
    """
    against = tuple(dict.fromkeys(factors.filter(pl.col("bias") == "against-reference")["factor"].to_list()))
    favours = tuple(dict.fromkeys(factors.filter(pl.col("bias") == "favours-reference")["factor"].to_list()))
    prognostic = factors.filter(~pl.col("factor").is_in(_DESIGN_FACTORS))
    missing = prognostic.group_by("factor", maintain_order=True).agg(pl.col("reported").any()) \
        .filter(~pl.col("reported"))["factor"].to_list()
    unmeasured = tuple(dict.fromkeys([*unmeasured, *missing]))
    if unmeasured or (against and favours) or not (against or favours):
        net = "unknown"
    else:
        net = "against-reference" if against else "favours-reference"
    return fact("bias-direction", against=against, favours=favours, unmeasured=unmeasured, net=net)


_IMBALANCED = ("imbalanced", "reference-worse", "comparator-worse")


def factor_smds(smd: pl.DataFrame, factors: pl.DataFrame) -> pl.DataFrame:
    """Put each factor's one SMD and its imbalance judgement (this module's rule) into the comparison's SMD frame.

    So every table and every caveat uses the same number and the same rule.

    Parameters
    ----------
    smd : polars.DataFrame
        :attr:`trialcompare.comparison.Comparison.smd`.
    factors : polars.DataFrame
        :func:`tsd18_factors`.

    Returns
    -------
    polars.DataFrame
        ``smd``'s columns; for a variable the factors cover, ``smd`` is the factor's (signed), ``signed`` true and
        ``imbalanced`` true only beyond the threshold and the sampling noise (a skewed median: no SMD).

    Examples
    --------
    >>> s = pl.DataFrame({"cohort": ["b"], "reference": ["a"], "variable": ["ecog"], "smd": [0.4], "signed": [False],
    ...                   "estimated": [False], "imbalanced": [True], "note": [None]})
    >>> f = pl.DataFrame({"factor": ["ecog"], "cohort": ["b"], "smd": [-0.26], "direction": ["within-noise"]})
    >>> factor_smds(s, f).select("smd", "signed", "imbalanced").row(0)
    (-0.26, True, False)
    """
    judged = {(r["factor"], r["cohort"]): r for r in factors.iter_rows(named=True)}
    rows = []
    for r in smd.iter_rows(named=True):
        f = judged.get((r["variable"], r["cohort"]))
        if f is not None:
            skewed = f["direction"] == "skewed-median"
            r = r | {"smd": None if skewed else f["smd"], "signed": True,
                     "imbalanced": None if f["smd"] is None else f["direction"] in _IMBALANCED}
            if "abs_smd" in r:
                r["abs_smd"] = None if r["smd"] is None else abs(r["smd"])
        rows.append(r)
    return pl.DataFrame(rows, schema=smd.schema, orient="row")
