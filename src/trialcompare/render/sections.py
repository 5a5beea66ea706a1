"""Sections of the report and its supplement, formatted from a finished Analysis: risk of bias, harms, sensitivity,
limitations, the TSD 18 factor table, the MAIC, the benchmark's exclusions, sources, findings and provenance
(formatting only; the rules are in :mod:`trialcompare.appraise`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from .tables import MISSING, NOT_COMPUTED

COLUMNS_PER_TABLE = 4
"""Cohort columns of a table panel (the reference and three others), so that wide comparisons fit the page."""

_UNREPORTED = re.compile(rf"^(?:{re.escape(MISSING)}|{re.escape(NOT_COMPUTED)}|[;,\s])*$")

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..load import CohortSet

__all__ = ["BODY_ITEMS_PER_LIMITATION", "COLUMNS_PER_TABLE"]


def _exclusions(a: Analysis) -> list[dict[str, str]]:
    """Per benchmark, who was left out and by which rule (the body says only the result when nothing is pooled)."""
    from .caveat_words import analysis_words
    from .phrasebook import say

    words = analysis_words(a)
    return [{"outcome": str(f0["outcome"]), "text": say(f, words)}
            for facts in a.benchmark_facts for f0 in facts[:1] for f in facts[1:] if f.code == "benchmark-excluded"]


def _full_sources(cohorts: CohortSet) -> list[dict[str, str]]:
    """Every publication with its full citation, identifiers, key and the cohorts that use it (the supplement)."""
    out = []
    for c in cohorts:
        for s in c.descriptor.sources:
            ids = ", ".join(x for x in (s.pmid and f"PMID {s.pmid}", s.pmcid, s.doi and f"doi:{s.doi}") if x)
            out.append({"cohort": c.descriptor.label, "key": s.key, "role": s.role, "citation": s.citation,
                        "ids": ids})
    return out


def _rob_table(a: Analysis) -> dict[str, Any] | None:
    """Risk of bias: one row per cohort, one column per ROBINS-I domain; each distinct (domain, reason) is one
    numbered note naming the cohorts it concerns."""
    from .phrasebook import ROB_DESIGNS, ROB_DOMAINS, ROB_REASONS, join

    t = a.risk_of_bias
    if t.is_empty():
        return None
    domains = list(dict.fromkeys(t["domain"].to_list()))
    keys: list[tuple[str, str]] = []
    who: dict[tuple[str, str], list[str]] = {}
    rows = []
    for cid in dict.fromkeys(t["cohort"].to_list()):
        part = {r["domain"]: r for r in t.filter(pl.col("cohort") == cid).iter_rows(named=True)}
        cells = []
        for d in domains:
            r = part[d]
            mark = ""
            if d != "overall" and r["judgement"] != "low":
                key = (d, r["reason"])
                if key not in who:
                    keys.append(key)
                    who[key] = []
                who[key].append(a.labels[cid])
                mark = f" [{keys.index(key) + 1}]"
            cells.append(r["judgement"].replace("-", " ") + mark)
        design = next(iter(part.values()))["design"]
        rows.append({"cohort": a.labels[cid], "design": ROB_DESIGNS.get(design, design), "cells": cells})
    notes = [f"{ROB_DOMAINS.get(d, d)[:1].upper()}{ROB_DOMAINS.get(d, d)[1:]} ({join(who[(d, r)])}): "
             f"{ROB_REASONS.get(r, r)}" for d, r in keys]
    return {"headers": [_ROB_SHORT.get(d, d) for d in domains], "rows": rows, "notes": notes}


def _harms(a: Analysis) -> pl.DataFrame | None:
    """The harms table as text cells, cohorts by their labels, items in words, contrast columns only where some
    difference was computed (None when no cohort records adverse events)."""
    from .harms import harms_cells

    h = a.harms
    if h.is_empty() or not h["reported"].any():
        return None
    cells = harms_cells(h)
    names = dict(a.labels)

    def label(column: str) -> str:
        if column in names:
            return names[column]
        for cid in sorted(names, key=len, reverse=True):
            column = column.replace(cid, names[cid])
        return column

    empty = [c for c in cells.columns if c != "item" and all(not v for v in cells[c].to_list())]
    cells = cells.drop(empty).with_columns(pl.col("item").replace(_HARM_ITEMS))
    if "grade" in cells.columns:  # the grade band beside the item, so that panels of cohorts keep one key column
        cells = cells.with_columns(pl.when(pl.col("grade") != "").then(pl.col("item") + " (grade " + pl.col("grade")
                                   + ")").otherwise(pl.col("item")).alias("item")).drop("grade")
    return cells.rename({c: label(c) for c in cells.columns})


def _harms_panels(a: Analysis) -> dict[str, Any]:
    """The harms section: its table in panels of cohorts (only cohorts that report some item: a panel of "not
    reported" says nothing), the cohorts that report none of its items, and the sentence that says why no adverse
    event is compared at the spec's grade (with the grades that have data)."""
    from .harms import nothing_at_grade_words

    cells = _harms(a)
    note = None if a.harms_gap is None else \
        nothing_at_grade_words(a.harms_gap, "set harms: {{grade: {band}}} in the spec")
    if cells is None:
        return {"table": None, "blocks": [], "silent": [], "note": note}
    labels = set(dict(a.labels).values())
    silent = [c for c in cells.columns[1:] if c in labels and all(_UNREPORTED.match(str(v)) for v in cells[c])]
    cells = cells.drop(silent)
    return {"table": cells, "blocks": _column_blocks(cells), "silent": silent, "note": note}


def _sensitivity(a: Analysis) -> dict[str, Any] | None:
    """The sensitivity table: one row per page-1 statement, one column per alternative that applies."""
    from .phrasebook import ALTERNATIVE_WORDS, Words, result_words, statement_words

    s = a.sensitivity
    if s.is_empty() or not s["applies"].any():
        return None
    s = s.filter(pl.col("applies"))
    alts = list(dict.fromkeys(s["alternative"].to_list()))
    w = Words(dict(a.labels))
    rows = []
    for (statement, outcome), part in s.group_by(["statement", "outcome"], maintain_order=True):
        cells = {r["alternative"]: result_words(r["result"], r["holds"]) for r in part.iter_rows(named=True)}
        rows.append({"statement": statement_words(str(statement), str(outcome), part["primary"][0], w, a.reference),
                     "cells": [cells.get(x, "–") for x in alts]})
    return {"headers": [ALTERNATIVE_WORDS.get(x, x) for x in alts], "rows": rows}


def _limitations(a: Analysis) -> list[dict[str, Any]]:
    """The ranked limitations: one per theme, its caveats' sentences under it (worded from their facts)."""
    from .caveat_words import analysis_words
    from .phrasebook import THEME_WORDS, say

    words = analysis_words(a)
    out = []
    for i, lim in enumerate(a.limitations, start=1):
        caveats, facts = [say(c.fact, words) for c in lim.caveats], [say(f, words) for f in lim.facts]
        texts = facts + caveats if lim.theme in _EVIDENCE_FIRST else caveats + facts
        body = 0 if lim.theme in _HEADLINE_ONLY else BODY_ITEMS_PER_LIMITATION
        out.append({"n": i, "theme": THEME_WORDS[lim.theme], "severity": lim.severity, "texts": texts,
                    "shown": texts[:body], "more": max(0, len(texts) - body) if body else 0})
    return out


def _maic_cell(x: float | None, fmt: str = ".2f") -> str:
    return "not reported" if x is None or x != x else format(x, fmt)


def _maic_effects(m: Any) -> pl.DataFrame:
    rows = []
    for r in m.effects.iter_rows(named=True):
        ci = ("interval not reported" if r["lower"] is None or r["lower"] != r["lower"] else
              f"({_maic_cell(r['lower'])}, {_maic_cell(r['upper'])})")
        rows.append({"method": r["method"] + (" (primary)" if r.get("primary") else ""), "measure": r["measure"],
                     "estimate": _maic_cell(r["estimate"]), "interval": ci, "how": r["interval"],
                     "ESS": "–" if r["ess"] is None else f"{r['ess']:.1f}"})
    return pl.DataFrame(rows)


def _variable_words(name: str) -> str:
    """A variable's label ("Lines of previous systemic therapy"), not its field name; a name outside the
    vocabulary (an IPD column) as it is."""
    from ..descriptor.vocabulary import VARIABLES

    return VARIABLES[name].label if name in VARIABLES else name


def _criterion_words(criterion: str) -> str:
    """An eligibility criterion ("lesion_site = lung+bone+other") with its variable in words."""
    name, sep, rest = criterion.partition(" ")
    return _variable_words(name) + sep + rest


def _maic_balance(m: Any) -> pl.DataFrame:
    def pct(r: dict[str, Any], key: str) -> str:
        v = r[key]
        if v is None or v != v:
            return "–"
        return f"{100 * v:.0f}%" if r["statistic"] == "proportion" else f"{v:.3g}"

    return pl.DataFrame([{"variable": _variable_words(r["variable"]) + (f": {r['level']}" if r["level"] else ""),
                          "statistic": r["statistic"], "target": pct(r, "target"), "all IPD": pct(r, "ipd_all"),
                          "eligible, unweighted": pct(r, "before"), "weighted": pct(r, "after"),
                          "status": _BALANCE_STATUS.get(r["status"], r["status"])}
                         for r in m.balance.iter_rows(named=True)])


def _maic_eligibility(m: Any) -> pl.DataFrame | None:
    e = m.eligibility
    if e is None or e.criteria.is_empty():
        return None
    return pl.DataFrame([{"criterion": _criterion_words(r["criterion"]),
                          "applied": "yes" if r["applied"] else "no (no column)",
                          "patients removed": str(r["removed"]) if r["applied"] else "–"}
                         for r in e.criteria.iter_rows(named=True)])


def _maic_context(a: Analysis) -> dict[str, Any] | None:
    """The population-adjusted comparison, formatted: what a reviewer must be told (from the MAIC's facts),
    eligibility, full balance, effects (SIMULATED when the data are), weights histogram, survival."""
    m = a.maic
    if m is None:
        return None
    from .caveat_words import analysis_words
    from .phrasebook import say
    from .plots import weights_histogram_svg

    w, spec = m.weights, a.spec.maic
    words = analysis_words(a)
    ipd_cohort = (spec.cohort if spec and spec.cohort else a.reference)
    simulated = next((bool(f["simulated"]) for f in (*a.verdict.supports, *a.verdict.cannot)
                      if f.code == "population-adjustment"), False)
    return {"ipd": a.labels.get(ipd_cohort, ipd_cohort), "target": a.labels.get(m.comparator, m.comparator),
            "label": spec.label if spec else None, "simulated": simulated, "n": w.n, "ess": w.ess,
            "facts": [say(f, words) for f in a.maic_facts], "eligibility": _maic_eligibility(m),
            "balance": _maic_balance(m), "effects": _maic_effects(m),
            "stc_assumption": m.stc.assumption if m.stc else None,
            "stc_error": m.stc_error,
            "histogram": weights_histogram_svg(w.rescaled.tolist()), **_maic_survival(m),
            "anchored": _maic_anchored(m)}


def _maic_km_value(r: dict[str, Any]) -> str:
    if r["printed"] is not None:
        return str(r["printed"])
    scale, unit = (1.0, "") if r["statistic"] == "median" else (100.0, "%")

    def fmt(v: float | None) -> str:
        return "NR" if v is None else f"{scale * v:.1f}"

    if r["estimate"] is None:
        return "not reached"
    return f"{fmt(r['estimate'])}{unit} ({fmt(r['lower'])}, {fmt(r['upper'])})"


def _maic_survival(m: Any) -> dict[str, Any]:
    """The weighted KM figure of the IPD and its median/landmark table beside the comparator's (MAIC section)."""
    if m.survival.is_empty():
        return {"km": None, "km_table": None}
    from .plots import km_plot_svg

    curves, marks = [], []
    for name, label in (("unweighted", "patient data, unweighted"),
                        ("MAIC-weighted", f"patient data, weighted to the comparator (ESS {m.weights.ess:.1f})")):
        c = m.curves.filter(pl.col("curve") == name)
        curves.append((label, c["time"].to_list(), c["survival"].to_list()))
        marks.append(c.filter(pl.col("n_censor") > 0)["time"].to_list())
    rows, seen = [], set()
    for r in m.survival.iter_rows(named=True):
        key = (r["source"], r["statistic"], r["time"])
        if r["source"].startswith("comparator") and key in seen:
            continue  # the comparator's figure printed twice (e.g. Table IV and Introduction): shown once
        seen.add(key)
        what = "median (months)" if r["statistic"] == "median" else f"rate at {r['time']:g} months"
        rows.append({"curve": _SURVIVAL_SOURCES.get(r["source"], r["source"]),
                     "endpoint": r["endpoint"] or "time/event of the patient data", "statistic": what,
                     "estimate (95% CI)": _maic_km_value(r), "where printed": r["location"] or "–"})
    return {"km": km_plot_svg(curves, xlabel="Months", censor_marks=marks), "km_table": pl.DataFrame(rows)}


def _maic_anchored(m: Any) -> pl.DataFrame | None:
    """Anchored MAIC rows (adjusted and unadjusted Bucher), formatted; None when the IPD has one arm."""
    anchored = getattr(m, "anchored", None)
    if anchored is None or anchored.is_empty():
        return None
    return pl.DataFrame([{"method": r["method"], "contrast": r["contrast"], "measure": r["measure"],
                          "estimate (CI)": f"{r['estimate']:.2f} ({r['lower']:.2f}, {r['upper']:.2f})",
                          "evidence": r["evidence"], "interval": r["interval"],
                          "ESS": "–" if r["ess"] is None else f"{r['ess']:.1f}"}
                         for r in anchored.iter_rows(named=True)])


def _column_blocks(table: pl.DataFrame, per_block: int = COLUMNS_PER_TABLE - 1) -> list[dict[str, Any]]:
    """A wide table split into tables of its first column and at most ``per_block`` others, so that it fits the
    page (as the baseline and outcome tables are); a block keeps only the rows some of its columns report, and
    names the others (``unreported``). An empty table (one cohort: no comparator) has no
    block."""
    if not table.columns:
        return []
    first, rest = table.columns[0], table.columns[1:]
    blocks = []
    for i in range(0, max(len(rest), 1), per_block):
        block = table.select(first, *rest[i:i + per_block])
        shown = [not all(_UNREPORTED.match(str(c)) for c in row[1:]) for row in block.iter_rows()]
        if block.is_empty():
            blocks.append({"table": block, "unreported": []})
            continue
        dropped = [row[0] for row, keep in zip(block.iter_rows(), shown, strict=True) if not keep]
        blocks.append({"table": block.filter(pl.Series(shown)), "unreported": dropped})
    return blocks


def _factor_cell(a: Analysis, r: dict[str, Any]) -> str:
    if not r["reported"]:
        return "not reported"
    if r["factor"] == "resectable_at_entry":
        # "differs": both stated and not the same, so the reference stated the other one
        other = "excluded" if r["detail"] == "included" else "included"
        return _ELIGIBILITY[r["detail"]] + (f" (reference: {other}): not comparable" if r["direction"] == "differs"
                                            else "")
    if r["direction"] == "skewed-median":
        return f"median (range) {r['detail']}: skewed, not converted to an SMD"
    if r["detail"] is not None:
        return r["detail"]
    if r["smd"] is None:  # the reference does not report the factor (found by a newcomer: a TypeError here)
        mine = "" if r["cohort_share"] is None else f"{100 * r['cohort_share']:.0f}%; "
        why = "not reported by the reference" if r["reference_share"] is None else "no sample size"
        return f"{mine}{why}: no SMD"
    shares = "" if r["cohort_share"] is None else \
        f"{100 * r['cohort_share']:.0f}% vs {100 * r['reference_share']:.0f}%; "
    cell = f"{shares}SMD {r['smd']:+.2f}: {_DIRECTION[r['direction']]}"
    if r["bias"] not in ("none", "unknown"):
        cell += f", bias {_BIAS[r['bias']]}"
    return cell


def _factor_table(a: Analysis) -> pl.DataFrame:
    """TSD 18: one row per factor, one column per comparator (share vs the reference's, SMD, direction of bias)."""
    from .phrasebook import factor_name

    f = a.factors
    if f.is_empty():
        return pl.DataFrame()
    rows = []
    for factor in dict.fromkeys(f["factor"].to_list()):
        row = {"factor": factor_name(factor)[:1].upper() + factor_name(factor)[1:]}
        for r in f.filter(pl.col("factor") == factor).iter_rows(named=True):
            row[a.labels[r["cohort"]]] = _factor_cell(a, r)
        rows.append(row)
    return pl.DataFrame(rows)


def _grouped_findings(cohorts: CohortSet, findings: list[Any]) -> list[dict[str, Any]]:
    return [{"cohort": c.descriptor.label, "id": c.id, "items": [f for f in findings if f.cohort == c.id]}
            for c in cohorts]


def _provenance(frame: pl.DataFrame, cohorts: CohortSet) -> list[dict[str, Any]]:
    cite = {c.id: {s.key: s.citation for s in c.descriptor.sources} for c in cohorts}
    rows = []
    for r in frame.iter_rows(named=True):
        what = ".".join(x for x in (r["section"], r["variable"], r["level"], r["statistic"]) if x)
        if r["time_months"] is not None:
            unit = r.get("unit") or "months"
            what += (f" at {r['time']:g} {unit}" if r.get("time") is not None and unit != "months"
                     else f" at {r['time_months']:g} months")
        rows.append({"cohort": r["cohort"], "what": what, "label": r["label"], "printed": r["printed"],
                     "location": r["location"],
                     "source": r["source"], "citation": cite[r["cohort"]].get(r["source"], r["source"]),
                     "where": f"{Path(r['file']).name}:{r['line']}", "erratum": r["erratum"],
                     "anchor": f"{r['cohort']}-{r['line']}"})
    return rows


_DIRECTION = {"reference-worse": "reference worse", "comparator-worse": "comparator worse",
              "similar": "similar", "within-noise": "within noise", "imbalanced": "imbalanced",
              "not-reported": "not reported"}


_BIAS = {"against-reference": "against it", "favours-reference": "favours it",
         "none": "–", "unknown": "unknown direction"}


_ELIGIBILITY = {"included": "included", "excluded": "excluded"}


_ROB_SHORT = {"confounding": "Confounding", "selection": "Selection", "classification": "Classification",
              "deviations": "Deviations", "missing-data": "Missing data", "measurement": "Measurement",
              "reported-result": "Reported result", "overall": "Overall"}


_HARM_ITEMS = {"modification: dose_reduction": "Dose reduced", "modification: interruption": "Treatment interrupted",
               "modification: reduction_or_interruption": "Dose reduced or interrupted",
               "modification: discontinuation": "Discontinued for adverse events",
               "death: death:treatment-related": "Treatment-related death"}


BODY_ITEMS_PER_LIMITATION = 1
"""The body states at most this many items of a limitation (major ones first); the supplement states all."""

_EVIDENCE_FIRST = ("selection", "overlap")
"""Themes whose specific, printed evidence (exclusions after the start, 0 progressions, a printed overlap) says more
than the general caveat, and comes first."""

_HEADLINE_ONLY = ("non-randomised",)
"""Themes whose headline says everything its one caveat says (the caveat is in the supplement)."""


_BALANCE_STATUS = {"matched": "matched", "unmatched": "not matched", "excluded": "patients removed (0% in target)",
                   "not_in_ipd": "not in the patient data", "not_reported": "not reported by the comparator"}


_SURVIVAL_SOURCES = {"IPD": "patient data, unweighted", "IPD, MAIC-weighted": "patient data, MAIC-weighted",
                     "comparator (published)": "comparator, as printed",
                     "comparator (reconstructed)": "comparator, reconstructed from its digitised curve"}
