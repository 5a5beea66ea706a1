"""The comparison report: Analysis → context → HTML (jinja2, autoescaped) → PDF (WeasyPrint).

Computation happens in :func:`trialcompare.analyse`; this module only arranges a finished
:class:`~trialcompare.analysis.Analysis` for the template ``report.html.j2``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from ..descriptor.models import follow_up_of
from ..options import CI_METHOD_NAMES, RD_METHOD_NAMES, interval_label
from .sections import (
    _UNREPORTED,
    COLUMNS_PER_TABLE,
    _column_blocks,
    _exclusions,
    _factor_table,
    _full_sources,
    _grouped_findings,
    _harms_panels,
    _limitations,
    _maic_context,
    _provenance,
    _rob_table,
    _sensitivity,
)

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..descriptor.models import Descriptor
    from ..load import CohortSet
    from .pdf_process import PdfRenderer

__all__ = ["BODY_MAX_COHORTS", "build_context", "render_html", "render_pdf", "render_supplement", "short_citation",
           "supplement_path",
           "write_report"]


def _in_months(value: object, unit: str) -> str:
    """ " (≈ 11.1 months)" beside a follow-up printed in weeks, days or years (for comparison only)."""
    import re

    from ..options import to_months

    m = re.match(r"\s*(\d+(?:\.\d+)?)", str(value))
    if unit == "months" or m is None:
        return ""
    return f" (≈ {to_months(float(m.group(1)), unit):.1f} months)"


def _follow_up_cell(d: Descriptor, cohorts: CohortSet) -> str:
    """The first median follow-up of a cohort as printed (its own, else its study's, marked "whole study")."""
    reports = follow_up_of(d, (c.descriptor for c in cohorts))
    if not reports:
        return "not reported"
    fu, scope = reports[0]
    cell = f"{fu.value} {fu.unit}{_in_months(fu.value, fu.unit)}"
    cell += f" ({fu.interval})" if fu.interval and fu.interval not in str(fu.value) else ""
    return cell + (" (whole study, all arms together)" if scope == "study" else "")


def _glance(cohorts: CohortSet, tte: Mapping[str, str | None]) -> list[dict[str, str]]:
    rows = []
    for c in cohorts:
        d = c.descriptor
        rows.append({
            "label": d.label, "id": d.id,
            "design": d.design.type + (f", phase {d.design.phase}" if d.design.phase else ""),
            "registration": ", ".join(dict.fromkeys(r.id for r in d.design.registrations)) or "not reported",
            "source": "; ".join(dict.fromkeys(short_citation(s.citation) for s in d.sources)),
            "n": f"{d.population.n} ({_SET_WORDS.get(d.population.n_refers_to, d.population.n_refers_to)})",
            "endpoint": tte.get(d.id) or "none",
            "follow_up": _follow_up_cell(d, cohorts),
        })
    return rows


BODY_MAX_COHORTS = 14
"""Above this many cohorts the per-cohort tables (at a glance, Table IV, differences, time-to-event, risk of bias,
harms, TSD 18 factors) move from the PDF's body to the supplement: the body stays a reading length (and a 66-cohort
library report lays out in a fraction of the pages)."""

_SET_WORDS = {"itt": "labelled ITT", "efficacy": "efficacy set", "safety": "safety set", "evaluable": "evaluable",
              "treated": "treated", "enrolled": "enrolled"}



def _table_blocks(table: pl.DataFrame, sections: Iterable[str]) -> list[dict[str, Any]]:
    """Rows of the layout for some sections, split into blocks of at most :data:`COLUMNS_PER_TABLE` cohort
    columns (the reference repeated in each) so that wide comparisons fit the page."""
    wanted = set(sections)
    headers = table.columns[2:]
    others = list(range(1, len(headers)))
    chunks = [others[i:i + COLUMNS_PER_TABLE - 1] for i in range(0, len(others), COLUMNS_PER_TABLE - 1)] or [[]]
    blocks: list[dict[str, Any]] = []
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


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def short_citation(citation: str) -> str:
    """A citation's short form for the body: first author, "et al.", journal and year.

    The full one is in the supplement; a text that is not a journal citation is returned as it is.

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


def _meta_sections(a: Analysis) -> list[dict[str, Any]]:
    from .meta import suite_forest_svg

    sections: list[dict[str, Any]] = []
    for m in a.meta:
        if m.suite is None:
            sections.append({"outcome": m.outcome, "error": m.error})
            continue
        shown = m.observed  # the figure's rows: its caption explains the marks they carry
        assert shown is not None, "a MetaCheck with a suite has its observed rows"
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
    from .tables import differences_table, table_iv
    from .verdict import verdict_context

    spec, cmp, cohorts = a.spec, a.comparison, a.cohorts
    marks, error_notes = _error_marks(a)
    table = table_iv(cmp, marks=marks, decimals=spec.display.decimals, factors=a.factors)
    baseline = _table_blocks(table, ["Baseline"])
    outcome = _table_blocks(table, ["Outcomes"])
    survival = _table_blocks(table, [s for s in dict.fromkeys(table["section"].to_list())
                                     if s not in ("Design", "Baseline", "Outcomes")])
    notes_baseline, notes_outcomes, notes_survival = _numbered_notes([baseline, outcome, survival], error_notes)
    tte = {r[0]: r[1] for r in _tte_by_cohort(table, cmp)}
    factors = _factor_table(a)
    harms = _harms_panels(a)
    return {
        "spec": spec, "title": spec.title, "reference": cmp.labels[a.reference], "cmp": cmp,
        "headers": table.columns[2:], "labels": cmp.labels, "ci_label": interval_label(cmp.options.level),
        "ci_method_name": CI_METHOD_NAMES[cmp.options.ci_method],
        "rd_method_name": RD_METHOD_NAMES[cmp.options.rd_method],
        "verdict": verdict_context(a), "limitations": _limitations(a), "sensitivity": _sensitivity(a),
        "supplement_name": supplement_path(output or a.spec.output(".pdf")).name,
        "supplement_in_pdf": spec.supplement in ("pdf", "both"),
        "condensed": len(cohorts) > BODY_MAX_COHORTS,
        "rob": _rob_table(a), "harms": harms,
        "factors": factors, "factor_blocks": _column_blocks(factors),
        "benchmarks": _benchmark_rows(a), "any_pooled": any(b.estimable for b in a.benchmarks),
        "notes_baseline": notes_baseline, "notes_outcomes": notes_outcomes,
        "notes_survival": notes_survival,
        "randomised": _randomised(a), "maic": _maic_context(a),
        "glance": _glance(cohorts, tte),
        "baseline_blocks": baseline, "outcome_blocks": outcome, "survival_blocks": survival,
        "differences": differences_table(cmp),
        "denominators": spec.denominators,
        "findings": _grouped_findings(cohorts, list(a.findings)),
        "provenance": _provenance(a.frame, cohorts),
        "km": _km_figures(a), "curve_table": _curve_table(a.curve_summary, dict(cmp.labels)),
        "versions": list(a.versions), "hashes": a.inputs.to_dicts(),
    }


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
    """The effect as printed, without its P value (the template keeps "P = .017" on one line)."""
    return f"{r['measure']} {r['printed']}"


def _randomised(a: Analysis) -> dict[str, Any]:
    """Published effects of randomised studies, randomised count contrasts and anchored comparisons, apart from
    the unanchored differences."""
    eff = a.effects.filter(pl.col("evidence") == "randomised")
    effects = [{"study": r["study"] or "–", "what": r["what"], "arms": f"{a.labels.get(r['cohort'], r['cohort'])} vs "
                f"{a.labels.get(r['versus'], r['versus'])}", "effect": _effect_cell(r),
                "p": r["p_printed"] or None, "where": f"{r['location']} ({r['source']})"}
               for r in eff.iter_rows(named=True)]
    diffs = a.comparison.differences.filter(pl.col("evidence") == "randomised")
    from .differences import difference_label

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


def _benchmark_rows(a: Analysis) -> list[dict[str, Any]]:
    """Per benchmark: its label, its sentences from the facts (one when nothing is pooled), and whether it pooled."""
    from .meta import benchmark_sentences
    from .phrasebook import Words, outcome_name

    names = {f"scenario-{i}": s.name for i, s in enumerate(a.spec.meta.scenarios)}
    words = Words(dict(a.labels), names)
    figures = {m["outcome"]: m for m in _meta_sections(a) if "error" not in m}
    return [{"outcome": b.outcome, "label": outcome_name(b.outcome, words), "estimable": b.estimable,
             "sentences": benchmark_sentences(facts, words), "figure": figures.get(b.outcome)}
            for b, facts in zip(a.benchmarks, a.benchmark_facts, strict=True)]


def _tte_by_cohort(table: pl.DataFrame, cmp: Any) -> list[tuple[str, str]]:
    row = table.filter(pl.col("section") == "Event-/progression-free survival", pl.col("row") == "Endpoint")
    if row.is_empty():
        return []
    return list(zip(cmp.cohorts, row.row(0)[2:], strict=True))


def render_html(a: Analysis, output: Path | None = None) -> str:
    """The report as an HTML document (autoescaped).

    Parameters
    ----------
    a : Analysis
    output : Path, optional
        The report file, after which its supplement is named.

    Returns
    -------
    str
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
        curator_notes=[{"cohort": c.descriptor.label, "note": n} for c in a.cohorts for n in c.descriptor.notes],
        ci_method_name=CI_METHOD_NAMES[cmp.options.ci_method], rd_method_name=RD_METHOD_NAMES[cmp.options.rd_method],
        versions=list(a.versions), hashes=a.inputs.to_dicts(), condensed=bool(tables))
    # the body's context (the per-cohort tables) fills in what the supplement does not set itself
    return render_template("supplement.html.j2", **({k: v for k, v in tables.items() if k not in own} | own))


def render_pdf(a: Analysis, to_pdf: PdfRenderer | None = None, output: Path | None = None) -> bytes:
    """The report as PDF bytes; identical bytes for identical inputs (``spec.date`` is the PDF date).

    ``to_pdf`` lays out the HTML and draws its figures (default :func:`~trialcompare.render.pdf.html_to_pdf`, in
    process; the command line passes a :class:`~trialcompare.render.pdf_process.PdfProcess` started before the
    analysis, so that neither WeasyPrint nor matplotlib is imported here).

    Parameters
    ----------
    a : Analysis
    to_pdf : callable, optional
    output : Path, optional
        The report file, after which its supplement is named.

    Returns
    -------
    bytes
    """
    from .plots import deferred_figures

    if to_pdf is None:
        from .pdf import html_to_pdf

        to_pdf = html_to_pdf
    with deferred_figures() as figures:
        html = render_html(a, output)
    return to_pdf(html, created=a.spec.date, title=a.spec.title, figures=figures)


def write_report(a: Analysis, output: Path | None = None, *, html: bool = False,
                 to_pdf: PdfRenderer | None = None) -> Path:
    """Render and write the report atomically (nothing is written when anything fails).

    Its audit supplement is written beside it (``X.supplement.html``) unless the spec puts it in the PDF.

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
    from .._io import atomic_write_bytes, atomic_write_text

    out = output or a.spec.output(".html" if html else ".pdf")
    body = render_html(a, out) if html else render_pdf(a, to_pdf, out)
    supplement = render_supplement(a, out.name) if a.spec.supplement in ("html", "both") else None
    if supplement is not None:
        atomic_write_text(supplement_path(out), supplement)
    if isinstance(body, str):
        atomic_write_text(out, body)
    else:
        atomic_write_bytes(out, body)
    return out
