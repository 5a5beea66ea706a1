"""The comparison report: Analysis → context → HTML (jinja2, autoescaped) → PDF (WeasyPrint).

Computation happens in :func:`trialcompare.analyse`; this module only arranges a finished
:class:`~trialcompare.analysis.Analysis` for the template ``report.html.j2``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from ..options import CI_METHOD_NAMES, RD_METHOD_NAMES, interval_label
from .tables import INFERRED, MISSING, NOT_COMPUTED

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..load import CohortSet
    from .pdf_process import PdfRenderer

__all__ = ["BODY_MAX_COHORTS", "build_context", "render_html", "render_pdf", "render_supplement", "short_citation",
           "supplement_path",
           "variant_sentences", "write_report"]


@dataclass(frozen=True)
class _Caveat:
    """A caveat numbered for cross-references (C1, C2, ...)."""

    ref: str
    code: str
    severity: str
    cohorts: tuple[str, ...]
    targets: tuple[str, ...]
    text: str

    @property
    def short(self) -> str:
        """The text beside the numbers: long caveats (curator notes) are cut, the full text is in Caveats."""
        if len(self.text) <= 480:
            return self.text
        cut = self.text.find(" — ")
        head = self.text[:cut] if 0 < cut <= 480 else self.text[:460].rsplit(" ", 1)[0]
        return f"{head} … (full text: {self.ref} in the Caveats section)"


def _in_months(value: object, unit: str) -> str:
    """ " (≈ 11.1 months)" beside a follow-up printed in weeks, days or years (for comparison only)."""
    import re

    from ..options import to_months

    m = re.match(r"\s*(\d+(?:\.\d+)?)", str(value))
    if unit == "months" or m is None:
        return ""
    return f" (≈ {to_months(float(m.group(1)), unit):.1f} months)"


def _glance(cohorts: CohortSet, tte: dict[str, str | None]) -> list[dict[str, str]]:
    rows = []
    for c in cohorts:
        d = c.descriptor
        fu = d.design.follow_up[0] if d.design.follow_up else None
        rows.append({
            "label": d.label, "id": d.id,
            "design": d.design.type + (f", phase {d.design.phase}" if d.design.phase else ""),
            "registration": ", ".join(dict.fromkeys(r.id for r in d.design.registrations)) or "not reported",
            "source": "; ".join(dict.fromkeys(short_citation(s.citation) for s in d.sources)),
            "n": f"{d.population.n} ({_SET_WORDS.get(d.population.n_refers_to, d.population.n_refers_to)})",
            "endpoint": tte.get(d.id) or "none",
            "follow_up": f"{fu.value} {fu.unit}{_in_months(fu.value, fu.unit)}"
                         + (f" ({fu.interval})" if fu.interval and fu.interval not in str(fu.value) else "")
            if fu else "not reported",
        })
    return rows


BODY_MAX_COHORTS = 14
"""Above this many cohorts the per-cohort tables (at a glance, Table IV, differences, time-to-event, risk of bias,
harms, TSD 18 factors) move from the PDF's body to the supplement: the body stays a reading length (and a 66-cohort
library report lays out in a fraction of the pages)."""

_SET_WORDS = {"itt": "labelled ITT", "efficacy": "efficacy set", "safety": "safety set", "evaluable": "evaluable",
              "treated": "treated", "enrolled": "enrolled"}

COLUMNS_PER_TABLE = 4


def _table_blocks(table: pl.DataFrame, sections: Iterable[str]) -> list[dict[str, Any]]:
    """Rows of the layout for some sections, split into blocks of at most :data:`COLUMNS_PER_TABLE` cohort
    columns (the reference repeated in each) so that wide comparisons fit the page."""
    wanted = set(sections)
    headers = table.columns[2:]
    others = list(range(1, len(headers)))
    chunks = [others[i:i + COLUMNS_PER_TABLE - 1] for i in range(0, len(others), COLUMNS_PER_TABLE - 1)] or [[]]
    blocks = []
    for chunk in chunks:
        cols = [0, *chunk]
        rows, last = [], None
        for r in table.iter_rows():
            if r[0] not in wanted:
                continue
            cells = [r[2 + i] for i in cols]
            rows.append({"group": r[0] if r[0] != last else None, "label": r[1], "cells": cells})
            last = r[0]
        kept, dropped = _reported_variables(rows) if blocks else (rows, [])
        blocks.append({"headers": [headers[i] for i in cols], "rows": kept, "unreported": dropped})
    return blocks


_UNREPORTED = re.compile(rf"^(?:{re.escape(MISSING)}|{re.escape(NOT_COMPUTED)}|[;,\s])*$")


def _reported_variables(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """In a continuation block, the variables (a row and its indented levels) that some cohort of the block
    reports, and the labels of those none reports (the reference's values stand in the first block)."""
    groups: list[list[dict[str, Any]]] = []
    for r in rows:
        if r["label"].startswith("  ") and groups:
            groups[-1].append(r)
        else:
            groups.append([r])
    kept, dropped, heading = [], [], None
    for g in groups:
        heading = g[0]["group"] or heading  # a section heading rides on the first row shown after it
        if all(_UNREPORTED.match(c) for r in g for c in r["cells"][1:]):
            dropped.append(g[0]["label"].strip())
            continue
        kept += [g[0] | {"group": heading}, *g[1:]]
        heading = None
    return kept, dropped


def _numbered(caveats: list[Any], words: Any = None) -> list[_Caveat]:
    from .phrasebook import say

    return [_Caveat(f"C{i}", c.code, c.severity, tuple(c.cohorts), tuple(c.targets), say(c.fact, words))
            for i, c in enumerate(caveats, start=1)]


def _refs(caveats: list[_Caveat], prefixes: tuple[str, ...]) -> list[_Caveat]:
    """Caveats shown next to a section: those aimed at it, and those aimed at everything (except the
    non-randomised caveat, which the summary states once for the whole report)."""
    return [c for c in caveats if c.code != "NON-RANDOMISED"
            and any(t == "all" or t.startswith(prefixes) for t in c.targets)]


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def short_citation(citation: str) -> str:
    """A citation's short form for the body: first author, "et al.", journal and year (the full one is in the
    supplement); a text that is not a journal citation is returned as it is.

    Parameters
    ----------
    citation : str

    Returns
    -------
    str

    Examples
    --------
    >>> short_citation("Xie L, Xu J, Sun X. Apatinib plus IE for relapsed osteosarcoma. Oncol Lett 2021;22(1):552")
    'Xie L et al., Oncol Lett 2021'
    >>> short_citation("Xie L et al. Oncologist 2019;24(7):e542-e550 (apatinib phase II)")
    'Xie L et al., Oncologist 2019'
    >>> short_citation("a review's table of published cohorts")
    "a review's table of published cohorts"
    """
    year = _YEAR.search(citation)
    first = re.split(r",| et al", citation, maxsplit=1)[0].strip()
    if year is None or not first or len(first) > 40:
        return citation
    journal = citation[:year.start()].rstrip().rsplit(". ", 1)[-1].strip(" .")
    if not journal or journal.startswith(first) or len(journal) > 50:
        return f"{first} et al., {year.group(0)}"
    return f"{first} et al., {journal} {year.group(0)}"


def _exclusions(a: Analysis) -> list[dict[str, str]]:
    """Per benchmark, who was left out and by which rule (the body says only the result when nothing is pooled)."""
    from .caveat_words import analysis_words
    from .phrasebook import say

    words = analysis_words(a)
    return [{"outcome": f0["outcome"], "text": say(f, words)}
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


def _sources(cohorts: CohortSet) -> list[dict[str, str]]:
    """One row per publication (by DOI, else PMID, else citation), naming every cohort that uses it."""
    rows: dict[str, dict[str, Any]] = {}
    for c in cohorts:
        for s in c.descriptor.sources:
            ids = ", ".join(x for x in (s.pmid and f"PMID {s.pmid}", s.pmcid, s.doi and f"doi:{s.doi}") if x)
            key = (s.doi or s.pmid or s.citation).strip().lower()
            row = rows.setdefault(key, {"cohorts": [], "key": s.key, "roles": [], "citation": s.citation, "ids": ids})
            row["cohorts"].append(c.descriptor.label)
            row["roles"].append(s.role)
    return [{"cohort": ", ".join(dict.fromkeys(r["cohorts"])), "key": r["key"],
             "role": ", ".join(dict.fromkeys(r["roles"])), "citation": short_citation(r["citation"]),
             "ids": r["ids"]} for r in rows.values()]


def _meta_sections(a: Analysis) -> list[dict[str, Any]]:
    from .meta import suite_forest_svg

    sections = []
    for m in a.meta:
        if m.suite is None:
            sections.append({"outcome": m.outcome, "error": m.error})
            continue
        shown = m.observed  # the figure's rows: its caption explains the marks they carry
        sections.append({"outcome": m.outcome, "suite": m.suite,
                         "forest_plain": suite_forest_svg(m.suite, pooled=False, observed=shown),
                         "approximate": bool(shown["approximate"].any()), "inferred": bool(shown["inferred"].any())})
    return sections


def _km_figures(a: Analysis) -> list[dict[str, str]]:
    """One Kaplan-Meier figure per endpoint with every digitised curve."""
    from .plots import km_plot_svg

    figures = []
    for endpoint in dict.fromkeys(c.endpoint for c in a.curves):
        mine = [c for c in a.curves if c.endpoint == endpoint]
        risk_times = mine[0].risk_times if all(c.risk_times == mine[0].risk_times for c in mine) else None
        risk = (risk_times, {c.label: c.n_at_risk for c in mine}) if risk_times and len(risk_times) > 1 else None
        svg = km_plot_svg([(c.label, c.times, c.survival) for c in mine], ylabel=f"{endpoint} probability",
                          risk_table=risk)
        where = "; ".join(f"{c.label}: {c.location}" for c in mine)
        figures.append({"svg": svg, "caption": f"{endpoint}: digitised Kaplan-Meier curves ({where})."})
    return figures


def _curve_table(summary: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    def num(x: float | None, d: int = 1) -> str:
        return "NR" if x is None else f"{x:.{d}f}"

    return pl.DataFrame([{
        "cohort": labels.get(r["cohort"], r["cohort"]), "endpoint": r["endpoint"],
        "events / N": f"{r['events']}/{r['n']}",
        "median (95% CI), months": f"{num(r['median'])} ({num(r['median_low'])}, {num(r['median_high'])})",
        "RMST to τ (SE)": f"{r['rmst']:.2f} ({r['rmst_se']:.2f}), τ = {r['tau']:.1f}",
        "HR vs reference (95% CI)": "reference" if r["hr_vs_reference"] is None else
        f"{r['hr_vs_reference']:.2f} ({r['hr_low']:.2f}, {r['hr_high']:.2f}); log-rank p = {r['logrank_p']:.3g}",
    } for r in summary.iter_rows(named=True)]) if summary.height else pl.DataFrame()


def build_context(a: Analysis, output: Path | None = None) -> dict[str, Any]:
    """Everything the report template shows, formatted from a finished analysis.

    Parameters
    ----------
    a : Analysis
        Result of :func:`trialcompare.analyse`.
    output : Path, optional
        The report's file (its supplement is named after it); default the spec's output.

    Returns
    -------
    dict
    """
    from .caveat_words import analysis_words
    from .tables import differences_table, table_iv
    from .verdict import verdict_context

    spec, cmp, cohorts = a.spec, a.comparison, a.cohorts
    caveats = _numbered(list(a.caveats), analysis_words(a))
    marks, error_notes = _error_marks(a)
    table = table_iv(cmp, marks=marks, decimals=spec.display.decimals, factors=a.factors)
    baseline = _table_blocks(table, ["Baseline"])
    outcome = _table_blocks(table, ["Outcomes"])
    survival = _table_blocks(table, [s for s in dict.fromkeys(table["section"].to_list())
                                     if s not in ("Design", "Baseline", "Outcomes")])
    notes_baseline, notes_outcomes, notes_survival = _numbered_notes([baseline, outcome, survival], error_notes)
    tte = {r[0]: r[1] for r in _tte_by_cohort(table, cmp)}
    factors = _factor_table(a)
    return {
        "spec": spec, "title": spec.title, "reference": cmp.labels[a.reference], "cmp": cmp,
        "headers": table.columns[2:], "labels": cmp.labels, "ci_label": interval_label(cmp.options.level),
        "ci_method_name": CI_METHOD_NAMES[cmp.options.ci_method],
        "rd_method_name": RD_METHOD_NAMES[cmp.options.rd_method],
        "verdict": verdict_context(a), "limitations": _limitations(a), "sensitivity": _sensitivity(a),
        "supplement_name": supplement_path(output or a.spec.output(".pdf")).name,
        "supplement_in_pdf": spec.supplement in ("pdf", "both"),
        "condensed": len(cohorts) > BODY_MAX_COHORTS,
        "rob": _rob_table(a), "harms": _harms(a),
        "factors": factors, "factor_blocks": _column_blocks(factors),
        "benchmarks": _benchmark_rows(a), "any_pooled": any(b.estimable for b in a.benchmarks),
        "notes_baseline": notes_baseline, "notes_outcomes": notes_outcomes,
        "notes_survival": notes_survival,
        "randomised": _randomised(a), "maic": _maic_context(a),
        "glance": _glance(cohorts, tte),
        "sources": _sources(cohorts),
        "baseline_blocks": baseline, "outcome_blocks": outcome, "survival_blocks": survival,
        "differences": differences_table(cmp),
        "denominators": spec.denominators,
        "caveats": caveats,
        "caveats_baseline": _refs(caveats, ("baseline", "population")),
        "caveats_outcomes": _refs(caveats, ("outcome",)),
        "caveats_survival": _refs(caveats, ("endpoint", "median")),
        "caveats_design": _refs(caveats, ("design",)),
        "caveats_meta": [c for c in caveats if "meta" in c.targets],
        "findings": _grouped_findings(cohorts, list(a.findings)),
        "provenance": _provenance(a.frame, cohorts),
        "km": _km_figures(a), "curve_table": _curve_table(a.curve_summary, dict(cmp.labels)),
        "meta": _meta_sections(a),
        "versions": list(a.versions), "hashes": a.inputs.to_dicts(),
    }


_DIRECTION = {"reference-worse": "reference worse", "comparator-worse": "comparator worse",
              "similar": "similar", "within-noise": "within noise", "imbalanced": "imbalanced",
              "not-reported": "not reported"}
_BIAS = {"against-reference": "against it", "favours-reference": "favours it",
         "none": "–", "unknown": "unknown direction"}
_ELIGIBILITY = {"included": "included", "excluded": "excluded"}


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


_ROB_SHORT = {"confounding": "Confounding", "selection": "Selection", "classification": "Classification",
              "deviations": "Deviations", "missing-data": "Missing data", "measurement": "Measurement",
              "reported-result": "Reported result", "overall": "Overall"}


_HARM_ITEMS = {"modification: dose_reduction": "Dose reduced", "modification: interruption": "Treatment interrupted",
               "modification: reduction_or_interruption": "Dose reduced or interrupted",
               "modification: discontinuation": "Discontinued for adverse events",
               "death: death:treatment-related": "Treatment-related death"}


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
    return cells.rename({c: label(c) for c in cells.columns})


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


BODY_ITEMS_PER_LIMITATION = 1
_EVIDENCE_FIRST = ("selection", "overlap")
_HEADLINE_ONLY = ("non-randomised",)
"""Themes whose headline says everything its one caveat says (the caveat is in the supplement)."""
"""Themes whose specific, printed evidence (exclusions after the start, 0 progressions, a printed overlap) says more
than the general caveat, and comes first."""
"""The body states at most this many items of a limitation (major ones first); the supplement states all."""


def _error_marks(a: Analysis) -> tuple[dict[tuple[str, str], str], dict[str, dict[str, str]]]:
    """Provisional marks (``⟦k⟧``) for table cells whose quantity has an error finding (kept as printed), and the
    note of each mark; :func:`_numbered_notes` turns the marks that reach a table into numbered notes."""
    from .caveat_words import error_text

    marks: dict[tuple[str, str], str] = {}
    notes: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    for r in a.errors.iter_rows(named=True):
        text = error_text(r)
        if text not in texts:
            texts[text] = f"⟦{len(texts)}⟧"
            notes[texts[text]] = {"cohort": a.labels[r["cohort"]], "text": text}
        marks.setdefault((r["cohort"], r["field"]), texts[text])
    return marks, notes


_MARK = re.compile(r"⟦\d+⟧")


def _numbered_notes(groups: list[list[dict[str, Any]]], notes: dict[str, dict[str, str]]) -> list[list[dict]]:
    """Number the provisional marks of the tables' cells by first appearance ([1], [2], ...) and give each table
    group the notes of the marks it shows first; a note whose quantity no table shows is left to the supplement.
    The blocks are changed in place; returns the notes per group."""
    numbers: dict[str, str] = {}
    per_group: list[list[dict]] = []
    for blocks in groups:
        mine: list[dict] = []
        for block in blocks:
            for row in block["rows"]:
                for m in _MARK.findall(" ".join(row["cells"])):
                    if m not in numbers:
                        numbers[m] = f"[{len(numbers) + 1}]"
                        mine.append({"mark": numbers[m]} | notes[m])
                row["cells"] = [_MARK.sub(lambda x: numbers[x.group(0)], c) for c in row["cells"]]
        per_group.append(mine)
    return per_group


def _effect_cell(r: dict[str, Any]) -> str:
    p = f", {r['p_printed']}" if r["p_printed"] else ""
    return f"{r['measure']} {r['printed']}{p}"


def _randomised(a: Analysis) -> dict[str, Any]:
    """Published effects of randomised studies, randomised count contrasts and anchored comparisons, apart from
    the unanchored differences."""
    eff = a.effects.filter(pl.col("evidence") == "randomised")
    effects = [{"study": r["study"] or "–", "what": r["what"], "arms": f"{a.labels.get(r['cohort'], r['cohort'])} vs "
                f"{a.labels.get(r['versus'], r['versus'])}", "effect": _effect_cell(r),
                "where": f"{r['location']} ({r['source']})"} for r in eff.iter_rows(named=True)]
    diffs = a.comparison.differences.filter(pl.col("evidence") == "randomised")
    from .tables import difference_label

    counts = [{"what": difference_label(r),
        "arms": f"{a.labels[r['cohort']]} vs {a.labels[r['reference']]}",
        "counts": f"{r['n']}/{r['denominator']} vs {r['ref_n']}/{r['ref_denominator']}",
        "rd": "not estimable" if not r["estimable"] else
        f"{100 * r['risk_difference']:+.1f} ({100 * r['rd_low']:+.1f}, {100 * r['rd_high']:+.1f})"}
        for r in diffs.iter_rows(named=True)]
    anchored = [{"what": r["what"], "contrast": f"{r['treatment']} vs {r['versus']} (through {r['common']})",
                 "effect": f"{r['measure']} {r['estimate']:.2f} ({r['lower']:.2f}, {r['upper']:.2f})",
                 "studies": r["studies"]} for r in a.anchored.iter_rows(named=True)]
    return {"effects": effects, "counts": counts, "anchored": anchored, "network": _network_svg(a),
            "any": bool(effects or counts or anchored)}


def _network_svg(a: Analysis) -> str | None:
    """The treatment network of the randomised effects (nodes: treatments, edges: studies), when it has one."""
    from .plots import network_plot_svg

    eff = a.effects.filter(pl.col("evidence") == "randomised")
    if eff.is_empty() or a.network is None:
        return None
    return network_plot_svg(a.network["nodes"], a.network["edges"])


_UNMATCHED = {"comparator": "not reported by the comparator", "ipd": "not in the patient data",
              "mapping": "not mapped to a column of the patient data"}


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


_BALANCE_STATUS = {"matched": "matched", "unmatched": "not matched", "excluded": "patients removed (0% in target)",
                   "not_in_ipd": "not in the patient data", "not_reported": "not reported by the comparator"}


def _maic_balance(m: Any) -> pl.DataFrame:
    def pct(r: dict[str, Any], key: str) -> str:
        v = r[key]
        if v is None or v != v:
            return "–"
        return f"{100 * v:.0f}%" if r["statistic"] == "proportion" else f"{v:.3g}"

    return pl.DataFrame([{"variable": f"{r['variable']}" + (f": {r['level']}" if r["level"] else ""),
                          "statistic": r["statistic"], "target": pct(r, "target"), "all IPD": pct(r, "ipd_all"),
                          "eligible, unweighted": pct(r, "before"), "weighted": pct(r, "after"),
                          "status": _BALANCE_STATUS.get(r["status"], r["status"])}
                         for r in m.balance.iter_rows(named=True)])


def _maic_eligibility(m: Any) -> pl.DataFrame | None:
    e = m.eligibility
    if e is None or e.criteria.is_empty():
        return None
    return pl.DataFrame([{"criterion": r["criterion"], "applied": "yes" if r["applied"] else "no (no column)",
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


_SURVIVAL_SOURCES = {"IPD": "patient data, unweighted", "IPD, MAIC-weighted": "patient data, MAIC-weighted",
                     "comparator (published)": "comparator, as printed",
                     "comparator (reconstructed)": "comparator, reconstructed from its digitised curve"}


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


_SHORT_REASON = {"k<3": "nothing is pooled from fewer than three comparators"}
_POSITION = {"below": "below", "within": "within", "above": "above"}


def _benchmark_rows(a: Analysis) -> list[dict[str, Any]]:
    """Per benchmark: its label, its sentences from the facts (one when nothing is pooled), and whether it pooled."""
    from .meta import benchmark_sentences
    from .phrasebook import Words

    words = Words(dict(a.labels))
    out = []
    for b, facts in zip(a.benchmarks, a.benchmark_facts, strict=True):
        label = next((m.suite.label for m in a.meta if m.outcome == b.outcome and m.suite is not None),
                     b.outcome.upper())
        line = {"outcome": b.outcome, "label": label, "estimable": b.estimable,
                "sentences": benchmark_sentences(facts, words),
                "variants": variant_sentences(a.benchmark_variants, b.outcome, b.level) if b.estimable else ""}
        out.append(line)
    return out


def _inferred_mark(a: Analysis, outcome: str, cohort: str) -> str:
    """" (count inferred)" when the pooled count was not printed but is the single count that reproduces a printed
    percentage and its interval (``derived_from`` "percentage+interval" in the comparison)."""
    rows = a.comparison.outcomes.filter(pl.col("cohort") == cohort, pl.col("outcome") == outcome.upper(),
                                        pl.col("derived_from") == "percentage+interval")  # fmt: skip
    return f" ({INFERRED})" if rows.height else ""


def _approximate(a: Analysis, outcome: str, cohort: str) -> bool:
    """Whether a cohort's count of a pooled outcome is a printed rate times N (the suite's ``approximate``): shown
    "≈", never as if it were an observed count."""
    for m in a.meta:
        if m.outcome == outcome and m.suite is not None:
            rows = m.suite.data.filter(pl.col("cohort") == cohort)
            return bool(rows["approximate"].any()) if rows.height else False
    return False


def _said_once(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scenario and subgroup lines that read the same for every outcome are said once, under the last one."""
    texts = {r["variants"] for r in rows}
    if len(rows) < 2 or len(texts) != 1 or not rows[0]["variants"]:
        return rows
    last = len(rows) - 1
    return [r | {"variants": r["variants"] if i == last else "", "variants_all": i == last}
            for i, r in enumerate(rows)]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _scenario_sentences(rows: list[dict[str, Any]], level: float) -> list[str]:
    """One line per kind: scenarios that change nothing together, then each other scenario."""
    same = [f"‘{r['name']}’" for r in rows if r["reason"] == "no-change"]
    out = [f"Scenario{'s' if len(same) > 1 else ''} {_and(same)} change{'' if len(same) > 1 else 's'} nothing: "
           "the same comparators as the primary."] if same else []
    for r in rows:
        name = f"Scenario ‘{r['name']}’"
        if r["reason"] == "same-as-scenario":
            out.append(f"{name} gives the same comparators as ‘{r['same_as']}’.")
        elif r["reason"] == "k<3":
            out.append(f"{name} leaves k = {r['k']}: nothing pooled.")
        elif r["worth_showing"] and r["pooled"] is not None:
            out.append(f"{name} (k = {r['k']}): pooled comparators {100 * r['pooled']:.1f}% "
                       f"({100 * r['pooled_low']:.1f}–{100 * r['pooled_high']:.1f}), {level:.0%} prediction interval "
                       f"{100 * r['pi_low']:.1f}–{100 * r['pi_high']:.1f}%; the reference lies "
                       f"{_POSITION.get(r['position'], r['position'])} it.")
        elif r["worth_showing"]:
            out.append(f"{name} (k = {r['k']}): not estimable.")
    return out


def _subgroup_sentences(rows: list[dict[str, Any]]) -> list[str]:
    single = [f"by {r['name']}" for r in rows if r["reason"] == "single-group"]
    out = [f"Subgroups {_and(single)}: the comparators form one group (nothing to split)."] if single else []
    for r in rows:
        if r["reason"] == "same-partition":
            out.append(f"Subgroups by {r['name']} are identical to subgroups by {r['same_as']}.")
        elif r["reason"] == "subgroup-k<3":
            out.append(f"Subgroups by {r['name']}: a group has k = {r['k']} (fewer than three): nothing pooled.")
        elif r["worth_showing"]:
            out.append(f"Subgroups by {r['name']}: {r['groups']} groups of k ≥ 3 (not pooled apart in this report).")
    return out


def variant_sentences(variants: pl.DataFrame, outcome: str, level: float = 0.95) -> str:
    """The benchmark's scenarios and subgroups in plain words: one line for what changes nothing or cannot be
    pooled, the result of a scenario worth showing (from :func:`trialcompare.meta.benchmark_variants`).

    Parameters
    ----------
    variants : polars.DataFrame
        :attr:`Analysis.benchmark_variants`.
    outcome : str
        The benchmark's outcome.
    level : float
        Level of the prediction interval.

    Returns
    -------
    str
        Sentences, or "" when the spec declares no scenario and there are no comparators.

    Examples
    --------
    >>> v = pl.DataFrame({"outcome": ["orr"] * 3, "kind": ["scenario", "subgroup", "subgroup"],
    ...                   "name": ["without-ie", "design", "endpoint"], "k": [2, 2, 2],
    ...                   "worth_showing": [False] * 3, "reason": ["no-change", "single-group", "single-group"],
    ...                   "same_as": [None] * 3})
    >>> variant_sentences(v, "orr")
    'Scenario ‘without-ie’ changes nothing: the same comparators as the primary. Subgroups by design and by \
endpoint: the comparators form one group (nothing to split).'
    """
    if variants.is_empty():
        return ""
    mine = variants.filter(pl.col("outcome") == outcome)
    scen = [r for r in mine.iter_rows(named=True) if r["kind"] == "scenario"]
    subs = [r for r in mine.iter_rows(named=True) if r["kind"] == "subgroup"]
    return " ".join(_scenario_sentences(scen, level) + _subgroup_sentences(subs))


def _tte_by_cohort(table: pl.DataFrame, cmp: Any) -> list[tuple[str, str]]:
    row = table.filter(pl.col("section") == "Event-/progression-free survival", pl.col("row") == "Endpoint")
    if row.is_empty():
        return []
    return list(zip(cmp.cohorts, row.row(0)[2:], strict=True))


def _grouped_findings(cohorts: CohortSet, findings: list[Any]) -> list[dict[str, Any]]:
    return [{"cohort": c.descriptor.label, "id": c.id, "items": [f for f in findings if f.cohort == c.id]}
            for c in cohorts]


def _provenance(frame: pl.DataFrame, cohorts: CohortSet) -> list[dict[str, Any]]:
    cite = {c.id: {s.key: s.citation for s in c.descriptor.sources} for c in cohorts}
    rows = []
    for r in frame.iter_rows(named=True):
        what = ".".join(x for x in (r["section"], r["variable"], r["level"], r["statistic"]) if x)
        if r["time_months"] is not None:
            what += f" @{r['time_months']:g}m"
        rows.append({"cohort": r["cohort"], "what": what, "label": r["label"], "printed": r["printed"],
                     "location": r["location"],
                     "source": r["source"], "citation": cite[r["cohort"]].get(r["source"], r["source"]),
                     "where": f"{Path(r['file']).name}:{r['line']}", "erratum": r["erratum"],
                     "anchor": f"{r['cohort']}-{r['line']}"})
    return rows


def render_html(a: Analysis, output: Path | None = None) -> str:
    """The report as an HTML document (autoescaped); ``output`` names the report file its supplement is named after.
    """
    from .templating import render_template

    return render_template("report.html.j2", **build_context(a, output))


def supplement_path(report: Path) -> Path:
    """The supplement's path beside a report: ``X.pdf`` → ``X.supplement.html``.

    Parameters
    ----------
    report : Path

    Returns
    -------
    Path

    Examples
    --------
    >>> supplement_path(Path("reports/table-iv.pdf")).as_posix()
    'reports/table-iv.supplement.html'
    """
    return report.with_name(f"{report.stem}.supplement.html")


def render_supplement(a: Analysis, report_name: str | None = None) -> str:
    """The audit supplement as one self-contained HTML document (autoescaped; no external resource or script).

    Parameters
    ----------
    a : Analysis
    report_name : str, optional
        The file name of the report it accompanies.

    Returns
    -------
    str
    """
    from .templating import render_template

    cmp = a.comparison
    rob = a.risk_of_bias
    tables = build_context(a) if len(a.cohorts) > BODY_MAX_COHORTS else {}
    rob_rows = [{**r, "cohort": a.labels.get(r["cohort"], r["cohort"])} for r in rob.iter_rows(named=True)]
    own = dict(
        title=a.spec.title, spec=a.spec, report_name=report_name or a.spec.output(".pdf").name,
        cohorts=[{"id": c.id, "label": c.descriptor.label} for c in a.cohorts],
        findings=_grouped_findings(a.cohorts, list(a.findings)), exploratory=a.exploratory,
        rob_rows=rob_rows, sensitivity=a.sensitivity, provenance=_provenance(a.frame, a.cohorts),
        limitations=_limitations(a), sources=_full_sources(a.cohorts), benchmark_exclusions=_exclusions(a),
        ci_method_name=CI_METHOD_NAMES[cmp.options.ci_method], rd_method_name=RD_METHOD_NAMES[cmp.options.rd_method],
        versions=list(a.versions), hashes=a.inputs.to_dicts(), condensed=bool(tables))
    # the body's context (the per-cohort tables) fills in what the supplement does not set itself
    return render_template("supplement.html.j2", **({k: v for k, v in tables.items() if k not in own} | own))


def render_pdf(a: Analysis, to_pdf: PdfRenderer | None = None, output: Path | None = None) -> bytes:
    """The report as PDF bytes; identical bytes for identical inputs (``spec.date`` is the PDF date).

    ``to_pdf`` lays out the HTML and draws its figures (default :func:`~trialcompare.render.pdf.html_to_pdf`, in
    process; the command line passes a :class:`~trialcompare.render.pdf_process.PdfProcess` started before the
    analysis, so that neither WeasyPrint nor matplotlib is imported here).
    """
    from .plots import deferred_figures

    if to_pdf is None:
        from .pdf import html_to_pdf as to_pdf
    with deferred_figures() as figures:
        html = render_html(a, output)
    return to_pdf(html, created=a.spec.date, title=a.spec.title, figures=figures)


def write_report(a: Analysis, output: Path | None = None, *, html: bool = False,
                 to_pdf: PdfRenderer | None = None) -> Path:
    """Render and write the report atomically (nothing is written when anything fails), with its audit supplement
    beside it (``X.supplement.html``) unless the spec puts the supplement in the PDF.

    Parameters
    ----------
    a : Analysis
    output : Path, optional
        Default ``<spec folder>/<name>.pdf`` (``.html`` with ``html=True``).
    html : bool
        Write HTML instead of PDF.
    to_pdf : callable, optional
        How the PDF is laid out, as for :func:`render_pdf`.

    Returns
    -------
    Path
        The file written.
    """
    from .atomic import atomic_write_bytes, atomic_write_text

    out = output or a.spec.output(".html" if html else ".pdf")
    body = render_html(a, out) if html else render_pdf(a, to_pdf, out)
    supplement = render_supplement(a, out.name) if a.spec.supplement in ("html", "both") else None
    if supplement is not None:
        atomic_write_text(supplement_path(out), supplement)
    if html:
        atomic_write_text(out, body)  # type: ignore[arg-type]
    else:
        atomic_write_bytes(out, body)  # type: ignore[arg-type]
    return out
