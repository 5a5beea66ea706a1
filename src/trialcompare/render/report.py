"""The comparison report: spec → context → HTML (jinja2, autoescaped) → PDF (WeasyPrint).

Computation happens in the API (load, check, compare, caveats, meta); this module only arranges the results
for the template ``templates/report.html.j2``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ..load import CohortSet, load
from ..spec import Spec, spec_cohort_problems

__all__ = ["ReportError", "build_context", "render_html", "render_pdf", "write_report"]


class ReportError(ValueError):
    """A spec that cannot be rendered (unknown cohort id, ...)."""


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


def _cohorts(spec: Spec) -> CohortSet:
    cohorts = load(*spec.trial_paths())
    missing = spec_cohort_problems(spec, cohorts.ids)
    if missing:
        where = spec.path or "spec"
        raise ReportError(f"{where}: cohort(s) {', '.join(missing)} not found; loaded: {', '.join(cohorts.ids)}")
    return cohorts.subset(spec.cohorts) if spec.cohorts else cohorts


def _glance(cohorts: CohortSet, tte: dict[str, str | None]) -> list[dict[str, str]]:
    rows = []
    for c in cohorts:
        d = c.descriptor
        fu = d.design.follow_up[0] if d.design.follow_up else None
        rows.append({
            "label": d.label, "id": d.id,
            "design": d.design.type + (f", phase {d.design.phase}" if d.design.phase else ""),
            "description": d.design.description or "",
            "registration": ", ".join(dict.fromkeys(r.id for r in d.design.registrations)) or "not reported",
            "source": "; ".join(f"{s.key} ({s.role})" for s in d.sources),
            "n": f"{d.population.n} ({d.population.n_refers_to})",
            "endpoint": tte.get(d.id) or "none",
            "follow_up": f"{fu.value} {fu.unit} ({fu.interval or 'interval type not stated'}; {fu.at})" if fu else
            "not reported",
        })
    return rows


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
        blocks.append({"headers": [headers[i] for i in cols], "rows": rows})
    return blocks


def _numbered(caveats: list[Any]) -> list[_Caveat]:
    return [_Caveat(f"C{i}", c.code, c.severity, tuple(c.cohorts), tuple(c.targets), c.text)
            for i, c in enumerate(caveats, start=1)]


def _refs(caveats: list[_Caveat], prefixes: tuple[str, ...]) -> list[_Caveat]:
    """Caveats shown next to a section: those aimed at it, and those aimed at everything (except the
    non-randomised caveat, which the summary states once for the whole report)."""
    return [c for c in caveats if c.code != "NON-RANDOMISED"
            and any(t == "all" or t.startswith(prefixes) for t in c.targets)]


def _sources(cohorts: CohortSet) -> list[dict[str, str]]:
    out = []
    for c in cohorts:
        for s in c.descriptor.sources:
            ids = ", ".join(x for x in (s.pmid and f"PMID {s.pmid}", s.pmcid, s.doi and f"doi:{s.doi}") if x)
            out.append({"cohort": c.descriptor.label, "key": s.key, "role": s.role, "citation": s.citation,
                        "ids": ids})
    return out


def _meta_sections(cohorts: CohortSet, spec: Spec) -> list[dict[str, Any]]:
    sections = []
    kw = {"denominators": {k: v.n for k, v in spec.denominators.items()}, "use_errata": spec.use_errata}
    scenarios = [s.model_dump() for s in spec.meta.scenarios]
    for outcome in spec.meta.outcomes:
        try:
            sections.append(_meta_section(cohorts, spec, outcome, scenarios, kw))
        except ValueError as exc:
            sections.append({"outcome": outcome, "error": str(exc)})
    return sections


def _meta_section(cohorts: CohortSet, spec: Spec, outcome: str, scenarios: list[dict], kw: dict) -> dict[str, Any]:
    from ..meta.suite import sensitivity_suite

    suite = sensitivity_suite(cohorts, outcome, scenarios=scenarios, **kw)
    labels = {c.id: c.descriptor.label for c in cohorts}
    reference = spec.reference or cohorts.ids[0]
    pairwise = suite.pairwise(reference) if reference in suite.data["cohort"].to_list() else None
    return {"outcome": outcome, "suite": suite, "forest": suite.forest_svg(),
            "grid": _grid_table(suite.grid), "knha": _knha_line(suite.grid),
            "scenarios": _scenario_table(suite.scenarios),
            "pairwise": _pairwise_table(pairwise, labels) if pairwise is not None else pl.DataFrame(),
            "subgroups": _subgroup_table(suite.subgroups),
            "notes": [f"{r['label']}: {r['note']}" for r in suite.data.iter_rows(named=True) if r["note"]]}


def _ci(p: float | None, lo: float | None, hi: float | None, scale: float = 1.0, digits: int = 2) -> str:
    if p is None:
        return "–"
    if lo is None or hi is None:
        return f"{p * scale:.{digits}f}"
    return f"{p * scale:.{digits}f} ({lo * scale:.{digits}f}, {hi * scale:.{digits}f})"


def _grid_table(grid: pl.DataFrame) -> pl.DataFrame:
    """Method × transform pivot of the z-test grid: pooled proportion (95% CI), or why the fit failed."""
    z = grid.filter(pl.col("test") == "z")
    transforms = list(dict.fromkeys(z["transform"].to_list()))
    rows = []
    for method in dict.fromkeys(z["method"].to_list()):
        row = {"τ² estimator": method}
        for t in transforms:
            cell = z.filter(pl.col("method") == method, pl.col("transform") == t)
            r = cell.row(0, named=True) if cell.height else None
            row[t] = "–" if r is None else (f"failed: {r['error']}" if r["error"] else
                                             _ci(r["proportion"], r["ci_low"], r["ci_high"])
                                             + ("" if r["converged"] else " (not converged)"))
        rows.append(row)
    return pl.DataFrame(rows)


def _knha_line(grid: pl.DataFrame) -> str:
    primary = grid.filter(pl.col("primary"))
    if primary.is_empty():
        return ""
    p = primary.row(0, named=True)
    knha = grid.filter(pl.col("transform") == p["transform"], pl.col("method") == p["method"],
                       pl.col("test") == "knha")
    k = knha.row(0, named=True) if knha.height else None
    text = (f"Primary ({p['transform']}, {p['method']}): {_ci(p['proportion'], p['ci_low'], p['ci_high'])}, "
            f"95% prediction interval {_ci(p['proportion'], p['pi_low'], p['pi_high'])[5:]}, "
            f"τ² = {p['tau2']:.3g}, I² = {p['i2']:.0f}%, Q = {p['q']:.2f} (p = {p['q_p']:.3g}).")
    if k and not k["error"]:
        text += f" With the Knapp-Hartung adjustment: {_ci(k['proportion'], k['ci_low'], k['ci_high'])}."
    return text


def _scenario_table(sc: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame([{
        "scenario": r["name"], "what": r["description"], "k": r["k"],
        "pooled (95% CI)": r["error"] or _ci(r["proportion"], r["ci_low"], r["ci_high"]),
        "I²": "–" if r["i2"] is None else f"{r['i2']:.0f}%",
        "change vs primary": "–" if r["change"] is None else f"{100 * r['change']:+.1f} pp",
    } for r in sc.iter_rows(named=True)])


def _pairwise_table(pw: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    def e_value(r: dict) -> str:
        return "–" if r["e_value"] is None else f"{r['e_value']:.2f} (CI {r['e_value_ci']:.2f})"

    return pl.DataFrame([{
        "cohort": labels.get(r["cohort"], r["cohort"]),
        "counts": f"{r['events']}/{r['total']} vs {r['ref_events']}/{r['ref_total']}"
                  + (" (approx.)" if r["approximate"] else ""),
        "risk difference, pp (95% CI)": _ci(r["risk_difference"], r["rd_low"], r["rd_high"], 100, 1),
        "risk ratio (95% CI)": _ci(r["risk_ratio"], r["rr_low"], r["rr_high"]),
        "Fisher p": f"{r['fisher_p']:.3g}",
        "fragility index": "n.s. (p ≥ 0.05)" if r["fisher_p"] >= 0.05 else str(r["fragility_index"]),
        "E-value (CI)": e_value(r),
    } for r in pw.iter_rows(named=True)])


def _subgroup_table(sg: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame([{
        "by": r["by"], "group": r["group"], "k": r["k"],
        "pooled (95% CI)": r["error"] or _ci(r["proportion"], r["ci_low"], r["ci_high"]),
        "test of difference": "–" if r["q_between"] is None else
        f"Q = {r['q_between']:.2f}, df = {r['df']}, p = {r['p']:.3g}",
    } for r in sg.iter_rows(named=True)])


def _hashes(cohorts: CohortSet, spec: Spec) -> list[dict[str, str]]:
    files = [c.path for c in cohorts]
    files += [c.path.parent / e.curve.file for c in cohorts for e in c.descriptor.endpoints if e.curve]
    if spec.path and spec.path.exists():
        files.append(spec.path)
    return [{"file": _display_path(f), "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files]


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return path.name


def _versions() -> list[tuple[str, str]]:
    names = ("trialcompare", "polars", "numpy", "scipy", "pydantic", "jinja2",
             "weasyprint", "matplotlib")
    out = [("python", platform.python_version())]
    for name in names:
        try:
            out.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            out.append((name, "not installed"))
    return out


def _km_figures(cohorts: CohortSet, reference: str) -> tuple[list[dict[str, str]], pl.DataFrame]:
    """One Kaplan-Meier figure per endpoint with every digitised curve, and the reconstructed-IPD summary."""
    from ..survival.cohorts import curve_data, curve_summary
    from .plots import km_plot_svg

    curves = curve_data(cohorts)
    figures = []
    for endpoint in dict.fromkeys(c.endpoint for c in curves):
        mine = [c for c in curves if c.endpoint == endpoint]
        risk_times = mine[0].risk_times if all(c.risk_times == mine[0].risk_times for c in mine) else None
        risk = (risk_times, {c.label: c.n_at_risk for c in mine}) if risk_times and len(risk_times) > 1 else None
        svg = km_plot_svg([(c.label, c.times, c.survival) for c in mine], ylabel=f"{endpoint} probability",
                          risk_table=risk)
        where = "; ".join(f"{c.label}: {c.location}" for c in mine)
        figures.append({"svg": svg, "caption": f"{endpoint}: digitised Kaplan-Meier curves ({where})."})
    return figures, _curve_table(curve_summary(curves, reference), {c.id: c.descriptor.label for c in cohorts})


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


def build_context(spec: Spec, *, with_meta: bool = True) -> dict[str, Any]:
    """Everything the report template shows, computed through the public API.

    Parameters
    ----------
    spec : Spec
        A comparison spec.
    with_meta : bool
        Include the meta-analytic sensitivity section.

    Returns
    -------
    dict
    """
    from ..caveats import derive_caveats
    from ..checks import check
    from ..comparison import compare
    from .tables import differences_table

    cohorts = _cohorts(spec)
    reference = spec.reference or cohorts.ids[0]
    cmp = compare(cohorts, reference, prefer_locations=spec.prefer_locations, ci_method=spec.ci_method,
                  rd_method=spec.rd_method, smd_threshold=spec.smd_threshold, use_errata=spec.use_errata,
                  denominators={k: v.n for k, v in spec.denominators.items()})
    frame = cohorts.to_frame()
    findings = check(cohorts)
    caveats = _numbered(derive_caveats(cohorts, reference=reference, frame=frame, findings=findings, smd=cmp.smd,
                                       smd_threshold=spec.smd_threshold))
    table = cmp.table()
    tte = {r[0]: r[1] for r in _tte_by_cohort(table, cmp)}
    km_figures, curve_table = _km_figures(cohorts, reference)
    return {
        "spec": spec, "title": spec.title, "reference": cmp.labels[reference], "cmp": cmp,
        "headers": table.columns[2:], "labels": cmp.labels,
        "summary": _summary(cohorts, cmp, findings, caveats, tte),
        "glance": _glance(cohorts, tte),
        "sources": _sources(cohorts),
        "baseline_blocks": _table_blocks(table, ["Baseline"]),
        "outcome_blocks": _table_blocks(table, ["Outcomes"]),
        "survival_blocks": _table_blocks(table, [s for s in dict.fromkeys(table["section"].to_list())
                                                 if s not in ("Design", "Baseline", "Outcomes")]),
        "differences": differences_table(cmp),
        "denominators": spec.denominators,
        "caveats": caveats,
        "caveats_baseline": _refs(caveats, ("baseline", "population")),
        "caveats_outcomes": _refs(caveats, ("outcome",)),
        "caveats_survival": _refs(caveats, ("endpoint", "median")),
        "caveats_design": _refs(caveats, ("design",)),
        "caveats_meta": [c for c in caveats if "meta" in c.targets],
        "findings": _grouped_findings(cohorts, findings),
        "provenance": _provenance(frame, cohorts),
        "km": km_figures, "curve_table": curve_table,
        "meta": _meta_sections(cohorts, spec) if with_meta else [],
        "versions": _versions(), "hashes": _hashes(cohorts, spec),
    }


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
                     "where": f"{Path(r['file']).name}:{r['line']}", "erratum": r["erratum"]})
    return rows


def _summary(cohorts: CohortSet, cmp: Any, findings: list[Any], caveats: list[_Caveat],
             tte: dict[str, str | None]) -> list[str]:
    labels = [cmp.labels[c] for c in cmp.cohorts]
    designs = {c.descriptor.design.type for c in cohorts}
    endpoints = sorted({e for e in tte.values() if e})
    errors = [f for f in findings if f.severity == "error"]
    unack = [f for f in errors if not f.acknowledged]
    major = [c for c in caveats if c.severity == "major"]
    text = [
        f"This report compares {len(labels)} published cohorts — {', '.join(labels)} — against "
        f"{cmp.labels[cmp.reference]} as the reference, using the numbers as printed in their sources.",
        f"The cohorts were never randomised against each other: they mix "
        f"{' and '.join(sorted(designs))} designs" + (f" and different endpoints ({', '.join(endpoints)})"
                                                      if len(endpoints) > 1 else "")
        + ". Every difference shown is unanchored and non-randomised; none is an estimate of a treatment effect.",
        f"The integrity checks found {len(errors)} error(s) in the published numbers "
        f"({len(errors) - len(unack)} reviewed and acknowledged by the curator) and "
        f"{sum(f.severity == 'warning' for f in findings)} warning(s); {len(major)} major caveat(s) apply.",
    ]
    return text


def render_html(spec: Spec, *, with_meta: bool = True) -> str:
    """The report as an HTML document (autoescaped)."""
    from .pdf import render_template

    return render_template("report.html.j2", **build_context(spec, with_meta=with_meta))


def render_pdf(spec: Spec, *, with_meta: bool = True) -> bytes:
    """The report as PDF bytes; identical bytes for identical inputs (``spec.date`` is the PDF date)."""
    from .pdf import html_to_pdf

    return html_to_pdf(render_html(spec, with_meta=with_meta), created=spec.date, title=spec.title)


def write_report(spec: Spec, output: Path | None = None, *, html: bool = False) -> Path:
    """Render and write the report atomically (nothing is written when anything fails).

    Parameters
    ----------
    spec : Spec
    output : Path, optional
        Default ``<spec folder>/<name>.pdf`` (``.html`` with ``html=True``).
    html : bool
        Write HTML instead of PDF.

    Returns
    -------
    Path
        The file written.
    """
    from .atomic import atomic_write_bytes, atomic_write_text

    out = output or spec.output(".html" if html else ".pdf")
    if html:
        atomic_write_text(out, render_html(spec))
    else:
        atomic_write_bytes(out, render_pdf(spec))
    return out
