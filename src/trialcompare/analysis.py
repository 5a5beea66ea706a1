"""The one place that orchestrates: a spec (or descriptor paths) → a frozen :class:`Analysis`.

``analyse`` runs load → check → compare → survival → meta → caveats and returns numbers, polars frames and
structured facts — no HTML and no formatted cells. :mod:`trialcompare.render` formats a finished Analysis and
computes nothing.

Examples
--------
>>> import trialcompare as tc
>>> a = tc.analyse(with_meta=False)          # the packaged or local Table IV spec
>>> a.reference, len(a.cohorts.ids)
('apatinib-ie', 4)
>>> round(a.comparison.smd.filter(cohort="ie", variable="age")["smd"][0], 2)
-0.16
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from .load import CohortSet, load
from .meta_checks import MetaCheck, meta_checks
from .spec import Spec, default_spec_for, load_spec

if TYPE_CHECKING:
    from .appraise.caveats import Caveat
    from .appraise.facts import Fact
    from .appraise.limitations import Limitation
    from .appraise.verdict import Verdict
    from .checks.finding import Finding
    from .comparison import Comparison
    from .harms import NothingAtGrade
    from .maic import MaicAnalysis
    from .meta import Benchmark
    from .survival.cohorts import CurveData

__all__ = ["Analysis", "AnalysisError", "MetaCheck", "analyse", "check_counts"]

_VERSIONED = ("trialcompare", "polars", "numpy", "scipy", "pydantic", "jinja2", "weasyprint", "matplotlib")


class AnalysisError(ValueError):
    """A spec that cannot be analysed (a cohort it names is not loaded, ...)."""


@dataclass(frozen=True)
class Analysis:
    """Everything a report shows, as data.

    Attributes
    ----------
    spec : Spec
        The comparison spec (with the meta-analytic options actually used).
    cohorts : CohortSet
        The cohorts compared (the spec's subset, in its order).
    reference : str
        Id of the reference cohort.
    comparison : Comparison
        Baseline, outcomes, SMDs and differences (:func:`trialcompare.compare`).
    frame : polars.DataFrame
        The harmonized long frame of the cohorts (provenance of every number).
    findings : tuple of Finding
        Integrity findings (:func:`trialcompare.check`).
    caveats : tuple of Caveat
        Limitations derived by rules from the descriptors, findings and SMDs.
    curves : tuple of CurveData
        Digitised Kaplan-Meier curves with their reconstructed IPD.
    curve_summary : polars.DataFrame
        Median, RMST and HR against the reference from the reconstructed IPD (empty without curves).
    meta : tuple of MetaCheck
        One sensitivity suite per outcome of the spec.
    benchmarks : tuple of Benchmark
        Per meta outcome: the comparators pooled without the reference, and where the reference falls.
    benchmark_variants : polars.DataFrame
        The spec's scenarios and the subgroups of each benchmark, flagged when they add nothing
        (:func:`trialcompare.meta.benchmark_variants`).
    verdict : Verdict
        The appraisal of the spec's claim by rules (:mod:`trialcompare.appraise.verdict`).
    factors : polars.DataFrame
        TSD 18 prognostic factors per comparator (:func:`trialcompare.appraise.factors.tsd18_factors`).
    effects : polars.DataFrame
        Between-arm effects as published (:func:`trialcompare.effects.published_effects`), with evidence types.
    anchored : polars.DataFrame
        Anchored indirect comparisons through a common comparator (Bucher 1997).
    network : dict or None
        The treatment network of the randomised effects (nodes, edges).
    maic : MaicAnalysis or None
        The population-adjusted comparison the spec asks for (:func:`trialcompare.maic.maic_analysis`).
    errors : polars.DataFrame
        Error findings of the compared cohorts, for marks in the tables: ``cohort, field, code, acknowledged,
        note, message, meaning`` (the curator's note as written, the check's message, what the code means); render
        words them (:func:`trialcompare.render.caveat_words.error_text`).
    limitations : tuple of Limitation
        The caveats merged by theme and ranked (:func:`trialcompare.appraise.limitations.limitations`).
    sensitivity : polars.DataFrame
        Whether each page-1 statement holds under the declared alternatives
        (:func:`trialcompare.appraise.sensitivity.sensitivity`).
    risk_of_bias : polars.DataFrame
        ROBINS-I domains per cohort from descriptor facts (:func:`trialcompare.appraise.risk_of_bias.risk_of_bias`).
    benchmark_facts : tuple of tuple of Fact
        Per benchmark, its result and exclusions as facts (:func:`trialcompare.meta._bench_result.benchmark_facts`).
    maic_facts : tuple of Fact
        What a reviewer must be told about the MAIC (:func:`trialcompare.appraise.maic_facts.maic_facts`).
    exploratory : polars.DataFrame
        Odds ratios and Fisher's p between cohorts, only when the spec asks (``exploratory_contrasts``); for the
        supplement.
    harms : polars.DataFrame
        Adverse events, dose modifications and deaths per cohort (:func:`trialcompare.harms.harms_table`).
    harms_gap : NothingAtGrade or None
        Why no adverse event is compared at the spec's grade, and what other grades hold; None when some is.
    inputs : polars.DataFrame
        ``file`` (relative to the spec's folder) and ``sha256`` of every input.
    versions : tuple of (str, str)
        Python and package versions.
    """

    spec: Spec
    cohorts: CohortSet
    reference: str
    comparison: Comparison
    frame: pl.DataFrame
    findings: tuple[Finding, ...]
    caveats: tuple[Caveat, ...]
    curves: tuple[CurveData, ...]
    curve_summary: pl.DataFrame
    meta: tuple[MetaCheck, ...]
    benchmarks: tuple[Benchmark, ...]
    verdict: Verdict
    factors: pl.DataFrame
    effects: pl.DataFrame
    anchored: pl.DataFrame
    network: dict[str, list] | None
    errors: pl.DataFrame
    maic: MaicAnalysis | None
    inputs: pl.DataFrame
    versions: tuple[tuple[str, str], ...]
    benchmark_variants: pl.DataFrame = field(default_factory=pl.DataFrame)
    limitations: tuple[Limitation, ...] = ()
    sensitivity: pl.DataFrame = field(default_factory=pl.DataFrame)
    risk_of_bias: pl.DataFrame = field(default_factory=pl.DataFrame)
    benchmark_facts: tuple[tuple[Fact, ...], ...] = ()
    exploratory: pl.DataFrame = field(default_factory=pl.DataFrame)
    maic_facts: tuple[Fact, ...] = ()
    harms: pl.DataFrame = field(default_factory=pl.DataFrame)
    harms_gap: NothingAtGrade | None = None

    @property
    def certainty(self) -> tuple:
        """Certainty per outcome by GRADE domains (:func:`trialcompare.appraise.certainty.certainty`)."""
        return self.verdict.outcomes

    @property
    def labels(self) -> dict[str, str]:
        """Cohort labels by id."""
        return dict(self.comparison.labels)

    def summary(self) -> str:
        """A few plain lines: what is compared, against what, and the counts of findings and caveats.

        Returns
        -------
        str
        """
        errors = [f for f in self.findings if f.severity == "error"]
        major = [c for c in self.caveats if c.severity == "major"]
        others = [self.labels[c] for c in self.comparison.cohorts if c != self.reference]
        return "\n".join([
            f"{self.spec.title}",
            f"Reference: {self.labels[self.reference]}; compared: {', '.join(others)}.",
            f"Integrity findings: {len(errors)} error(s) ({sum(f.acknowledged for f in errors)} acknowledged), "
            f"{sum(f.severity == 'warning' for f in self.findings)} warning(s). Caveats: {len(self.caveats)} "
            f"({len(major)} major).",
            f"Meta-analytic checks: {', '.join(m.outcome for m in self.meta) or 'none'}.",
        ])

    def __repr__(self) -> str:
        return (f"Analysis(spec={self.spec.name!r}, reference={self.reference!r}, cohorts={list(self.cohorts.ids)!r}, "
                f"findings={len(self.findings)}, caveats={len(self.caveats)}, meta={[m.outcome for m in self.meta]!r})")

    def _repr_html_(self) -> str:
        import html

        lines = "".join(f"<p>{html.escape(line)}</p>" for line in self.summary().splitlines())
        return lines + str(self.comparison._repr_html_())

    def to_html(self) -> str:
        """The report as an HTML document (:func:`trialcompare.render.report.render_html`).

        Returns
        -------
        str
        """
        from .render.report import render_html

        return render_html(self)

    def to_pdf(self) -> bytes:
        """The report as PDF bytes (byte-identical for identical inputs).

        Returns
        -------
        bytes
        """
        from .render.report import render_pdf

        return render_pdf(self)

    def write_pdf(self, path: str | Path) -> Path:
        """Write the PDF report atomically to ``path``.

        Parameters
        ----------
        path : str or Path

        Returns
        -------
        Path
            The path written.
        """
        from .render.report import write_report

        return write_report(self, Path(path))

    def write_html(self, path: str | Path) -> Path:
        """Write the HTML report atomically to ``path``.

        Parameters
        ----------
        path : str or Path

        Returns
        -------
        Path
            The path written.
        """
        from .render.report import write_report

        return write_report(self, Path(path), html=True)


def _spec_of(target: str | Path | Spec | Sequence[str | Path] | None) -> Spec:
    if isinstance(target, Spec):
        return target
    if target is None:
        from .spec import default_spec

        return default_spec()
    if isinstance(target, str | Path):
        path = Path(target)
        return load_spec(path) if path.is_file() and is_spec_file(path) else default_spec_for([path])
    paths = list(target)
    if len(paths) == 1:
        return _spec_of(paths[0])
    return default_spec_for(paths)


def is_spec_file(path: Path) -> bool:
    """A comparison spec sits in a reports/ folder or has no descriptor ``id`` field at the top level.

    Parameters
    ----------
    path : Path
        A YAML file.

    Returns
    -------
    bool
    """
    if path.parent.name == "reports":
        return True
    from .yamlsafe import MAX_BYTES, YamlProblem, read_regular

    try:
        text = read_regular(path, MAX_BYTES).decode("utf-8", errors="replace")
    except YamlProblem:
        return True  # load_spec reports the problem with its position
    return not any(line.startswith("id:") for line in text.splitlines())


def _cohorts(spec: Spec) -> CohortSet:
    """The spec's cohorts; a cohort it names that was not loaded, or a count above its denominator, is refused with
    its ``file:line:column``."""
    from .spec import check_spec_cohorts

    cohorts = load(*spec.trial_paths())
    check_spec_cohorts(spec, cohorts.ids)
    flag = "--denominator" if any(d.why == "--denominator" for d in spec.denominators.values()) else "denominator"
    check_counts(cohorts, {cid: choice.n for cid, choice in spec.denominators.items()}, flag)
    return cohorts.subset(spec.cohorts) if spec.cohorts else cohorts


def check_counts(cohorts: CohortSet, denominators: dict[str, int], flag: str = "denominator") -> None:
    """Refuse the counts that exceed the denominator the comparison divides them by.

    Counts turned into proportions (response levels, the ORR/DCR derived from them, endpoint counts) are refused
    with the descriptor's file:line:column (validate reports them as findings; baseline rows are printed as
    published); an overriding denominator (``flag``) smaller than such a count is refused as an argument.

    Parameters
    ----------
    cohorts : CohortSet
    denominators : dict of str to int
        Overriding denominators by cohort id.
    flag : str
    """
    from .load import DescriptorError, Problem

    frame = cohorts.to_frame().filter(pl.col("section").is_in(["outcome", "endpoint"]) & pl.col("n").is_not_null()
                                      & pl.col("denominator").is_not_null())
    problems, arguments = [], []
    for r, n, what in _counted(frame):
        override = denominators.get(r["cohort"]) if r["denominator_origin"] == "declared_n" else None
        d = override if override is not None else r["denominator"]
        if n <= d:
            continue
        where = f"{r['file']}:{r['line']}:{r['column']}"
        if override is not None:
            arguments.append(f"{flag} {r['cohort']}={override} is smaller than {what} {n} ({where})")
        else:
            problems.append(Problem(r["file"], r["line"], r["column"], f"{what} {n} exceeds the denominator {d}; "
                                                                       "fix the descriptor (validate explains)"))
    if problems:
        raise DescriptorError(problems)
    if arguments:
        raise AnalysisError("; ".join(arguments))


def _counted(frame: pl.DataFrame) -> Any:
    """(row, count, description) of every count and of the ORR/DCR sums the comparison derives."""
    from .descriptor.vocabulary import RATES

    groups: dict[tuple, dict[str, dict]] = {}
    for r in frame.iter_rows(named=True):
        what = ".".join(str(x) for x in (r["section"], r["variable"], r["level"] or r["statistic"]) if x)
        yield r, r["n"], f"the count of {what}"
        if r["variable"] == "best_response":
            groups.setdefault((r["cohort"], r["file"], r["location"], r["source"]), {})[r["level"]] = r
    for levels in groups.values():
        for rate, parts in RATES.items():
            if all(p in levels for p in parts):
                yield levels[parts[0]], sum(levels[p]["n"] for p in parts), f"{rate} ({' + '.join(parts)})"



def _benchmarks(cohorts: CohortSet, spec: Spec, reference: str) -> tuple[Benchmark, ...]:
    from .meta import MetaError, benchmark

    kw: dict[str, Any] = {"denominators": {k: v.n for k, v in spec.denominators.items()},
                          "use_errata": spec.use_errata, "prefer_locations": tuple(spec.prefer_locations)}
    out = []
    for outcome in spec.meta.outcomes:
        try:
            out.append(benchmark(cohorts, outcome, reference, transform=spec.meta.transform,
                                 method=spec.meta.method if spec.meta.method != "GLMM" else "REML", **kw))
        except (ValueError, MetaError):
            continue  # the outcome is not reported by the reference: the suite says why
    return tuple(out)


def _errors(findings: tuple[Finding, ...], ids: tuple[str, ...]) -> pl.DataFrame:
    from .checks.families import CODES

    rows = [{"cohort": f.cohort, "field": f.field, "code": f.code, "acknowledged": f.acknowledged,
             "note": f.note, "message": f.message, "meaning": CODES.get(f.code)}
            for f in findings if f.severity == "error" and f.cohort in ids]
    return pl.DataFrame(rows, schema={"cohort": pl.String, "field": pl.String, "code": pl.String,
                                      "acknowledged": pl.Boolean, "note": pl.String, "message": pl.String,
                                      "meaning": pl.String}, orient="row")


def _maic(spec: Spec, cohorts: CohortSet) -> tuple[MaicAnalysis | None, bool]:
    """The spec's MAIC: IPD and mapping paths relative to the spec's folder; bad input → AnalysisError."""
    if spec.maic is None:
        return None, False
    from .maic import MaicError, MaicInputError, load_mapping, maic_analysis, read_ipd_csv

    m = spec.maic
    base = spec.path.parent if spec.path else Path.cwd()
    ipd_path = base / m.ipd
    mapping_path = base / m.mapping if m.mapping else ipd_path.parent / "mapping.yaml"
    if m.target not in cohorts.ids:
        raise AnalysisError(f"{spec.path or 'spec'}: maic.target {m.target!r} is not among the cohorts compared")
    try:
        ipd = read_ipd_csv(ipd_path)
        return maic_analysis(ipd.frame, cohorts, m.target, load_mapping(mapping_path), m.outcome,
                             n_boot=m.bootstrap, seed=m.seed, ipd_endpoint=m.endpoint), ipd.simulated
    except MaicInputError as exc:
        raise AnalysisError(str(exc)) from None
    except (MaicError, ValueError, OSError) as exc:  # ValueError: the spec's outcome or target does not fit the data
        raise AnalysisError(f"{spec.path or 'spec'}: maic: {exc}") from None


def _unmeasured(cohorts: CohortSet, reference: str) -> tuple[str, ...]:
    """Factors that favour a retrospective reference series and that no table measures: how it was selected and
    how its responses were read."""
    if cohorts[reference].descriptor.design.type != "retrospective":
        return ()
    return ("selection-of-series", "retrospective-response-assessment")


def _maic_fact(maic: MaicAnalysis | None, simulated: bool) -> Fact:
    """The population adjustment the spec asks for, as a fact: simulated when its IPD file says so (a ``# SIMULATED``
    comment), informative by the MAIC's own rule (:class:`trialcompare.maic.WeightDiagnostics`, NICE DSU TSD 18)."""
    from .appraise.facts import fact

    if maic is None:
        return fact("population-adjustment", available=False, simulated=False, informative=False)
    d = maic.diagnostics
    informative = d is None or d.verdict.code == "informative"
    ess, n = (d.ess, d.n) if d is not None else (maic.weights.ess, maic.weights.n)
    return fact("population-adjustment", available=True, simulated=simulated, informative=informative,
                ess=round(float(ess), 1), n=int(n))


def _relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` (POSIX separators), so that the report does not depend on the working folder."""
    path, base = path.resolve(), base.resolve()
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        parts_p, parts_b = path.parts, base.parts
        common = 0
        while common < min(len(parts_p), len(parts_b)) and parts_p[common] == parts_b[common]:
            common += 1
        return "/".join([".."] * (len(parts_b) - common) + list(parts_p[common:]))


def _inputs(cohorts: CohortSet, spec: Spec) -> pl.DataFrame:
    files = [c.path for c in cohorts]
    files += [c.path.parent / e.curve.file for c in cohorts for e in c.descriptor.endpoints if e.curve]
    base = spec.path.parent if spec.path else Path.cwd()
    if spec.path and spec.path.is_file():
        files.append(spec.path)
    if spec.maic is not None:
        ipd = base / spec.maic.ipd
        files += [ipd, base / spec.maic.mapping if spec.maic.mapping else ipd.parent / "mapping.yaml"]
    return pl.DataFrame({"file": [_relative(f, base) for f in files],
                         "sha256": [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]},
                        schema={"file": pl.String, "sha256": pl.String})


def _versions() -> tuple[tuple[str, str], ...]:
    out = [("python", platform.python_version())]
    for name in _VERSIONED:
        try:
            out.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            out.append((name, "not installed"))
    return tuple(out)


def analyse(target: str | Path | Spec | Sequence[str | Path] | None = None, *, with_meta: bool = True,
            reference_rows: bool = False) -> Analysis:
    """Run the whole comparison of a spec: load, check, compare, survival, meta-analytic checks, caveats.

    Parameters
    ----------
    target : str, Path, Spec or sequence of paths, optional
        A comparison spec (file or :class:`~trialcompare.spec.Spec`), or descriptor files/folders (compared with
        default options, the first cohort as reference). Default: the Table IV spec.
    with_meta : bool
        Run the meta-analytic sensitivity suites of the spec's outcomes.
    reference_rows : bool
        Also keep the rows the reference alone reports (``trialcompare table`` does; the report does not: they
        compare nothing). See :func:`trialcompare.compare`.

    Returns
    -------
    Analysis

    Raises
    ------
    DescriptorError
        A descriptor or the spec is invalid (``file:line:column`` of every problem).
    AnalysisError
        The spec names a cohort that is not loaded.

    Examples
    --------
    >>> import trialcompare as tc
    >>> a = tc.analyse(with_meta=False)
    >>> a.comparison.reference
    'apatinib-ie'
    """
    from .appraise.caveats import derive_caveats
    from .appraise.certainty import certainty, harms_certainty
    from .appraise.factors import bias_direction, factor_smds, tsd18_factors
    from .appraise.limitations import limitations
    from .appraise.maic_facts import maic_facts
    from .appraise.provenance import secondary_source_facts
    from .appraise.risk_of_bias import itt_label_facts, risk_of_bias
    from .appraise.sensitivity import sensitivity
    from .appraise.themes import date_facts, harms_ascertainment, limitation_facts
    from .appraise.verdict import verdict
    from .checks import check
    from .comparison import compare
    from .effects import anchored_comparisons, published_effects, treatment_network
    from .harms import harms_table, nothing_at_grade
    from .meta._variants import benchmark_variants, variant_facts
    from .survival.cohorts import curve_data, curve_summary

    spec = _spec_of(target)
    cohorts = _cohorts(spec)
    reference = spec.reference or cohorts.ids[0]
    if reference not in cohorts.ids:
        raise AnalysisError(f"{spec.path or 'spec'}: the reference {reference!r} is not among the cohorts compared")
    cmp = compare(cohorts, reference, prefer_locations=spec.prefer_locations, ci_method=spec.ci_method,
                  rd_method=spec.rd_method, smd_threshold=spec.smd_threshold, use_errata=spec.use_errata,
                  denominators={k: v.n for k, v in spec.denominators.items()}, reference_rows=reference_rows)
    frame = cohorts.to_frame()
    findings = tuple(check(cohorts))
    factors = tsd18_factors(cmp, spec.smd_threshold)
    caveats = tuple(derive_caveats(cohorts, reference=reference, frame=frame, findings=list(findings),
                                   smd=factor_smds(cmp.smd, factors), smd_threshold=spec.smd_threshold))
    curves = tuple(curve_data(cohorts))
    effects = published_effects(frame, cohorts)
    bias = bias_direction(factors, _unmeasured(cohorts, reference))
    claimed = tuple(spec.claim.outcomes) if spec.claim is not None and spec.claim.outcomes else ("ORR", "DCR")
    thresholds: dict[str, float] = {outcome: t for outcome, t in spec.decision_thresholds.items()}
    rated = certainty(cmp, cohorts, findings, bias, claimed, thresholds, spec.comparators_selected,
                      {c.code for c in caveats})
    maic, simulated = _maic(spec, cohorts)
    judged = verdict(cmp, cohorts, spec.claim, bias, rated, _maic_fact(maic, simulated), spec.comparators_selected)
    adjusted = maic_facts(maic, cohorts, factors, (spec.maic.cohort or reference) if spec.maic else reference)

    def recompare(subset: CohortSet, use_errata: bool, denominators: dict[str, int]) -> Comparison:
        return compare(subset, reference, prefer_locations=spec.prefer_locations, ci_method=spec.ci_method,
                       rd_method=spec.rd_method, smd_threshold=spec.smd_threshold, use_errata=use_errata,
                       denominators={k: v for k, v in denominators.items() if k in subset.ids})

    robustness = sensitivity(spec, cohorts, cmp, recompare)
    exploratory = (compare(cohorts, reference, prefer_locations=spec.prefer_locations, ci_method=spec.ci_method,
                           rd_method=spec.rd_method, smd_threshold=spec.smd_threshold, use_errata=spec.use_errata,
                           denominators={k: v.n for k, v in spec.denominators.items()}, exploratory=True).differences
                   if spec.exploratory_contrasts else pl.DataFrame())
    benchmarks = _benchmarks(cohorts, spec, reference) if with_meta else ()
    from .meta._bench_result import benchmark_facts

    variants = benchmark_variants(cohorts, benchmarks, [s.model_dump() for s in spec.meta.scenarios],
                                  denominators={k: v.n for k, v in spec.denominators.items()},
                                  use_errata=spec.use_errata, prefer_locations=tuple(spec.prefer_locations))
    bench_facts = tuple((*benchmark_facts(b), *variant_facts(variants, b.outcome)) for b in benchmarks)
    # page 1 carries the benchmark result when there is one (placed, or why not placed)
    heads = tuple(f[0] for f in bench_facts if f[0].code in ("benchmark-placed", "benchmark-not-placed"))
    judged = dataclasses.replace(judged, context=judged.context + heads)
    signals = tuple(f for f in judged.context if f.code == "selection-signal")
    harms = harms_table(cohorts, reference, spec.harms.terms, spec.harms.grade, ci_method=spec.ci_method,
                        level=cmp.options.level)
    ascertained = harms_ascertainment(harms)
    if ascertained is not None:
        judged = dataclasses.replace(judged, outcomes=(*judged.outcomes, harms_certainty(judged.start, ascertained)))
    dated = date_facts(spec.date, ((c.path.name, c.path.read_text(encoding="utf-8")) for c in cohorts)) \
        if spec.dated else ()  # an undated report is not "dated before" what it cites
    ranked = limitations(caveats, (*limitation_facts(cohorts, reference), *signals, *itt_label_facts(cohorts),
                                   *adjusted, *dated, *secondary_source_facts(cohorts),
                                   *((ascertained,) if ascertained is not None else ())))
    return Analysis(
        spec=spec, cohorts=cohorts, reference=reference, comparison=cmp, frame=frame, findings=findings,
        caveats=caveats, curves=curves, curve_summary=curve_summary(list(curves), reference),
        meta=meta_checks(cohorts, spec, reference) if with_meta else (),
        benchmarks=benchmarks, benchmark_variants=variants, verdict=judged, factors=factors,
        errors=_errors(findings, cmp.cohorts), effects=effects, maic=maic, limitations=ranked, maic_facts=adjusted,
        sensitivity=robustness, risk_of_bias=risk_of_bias(cohorts),
        benchmark_facts=bench_facts, exploratory=exploratory,
        harms=harms, harms_gap=nothing_at_grade(cohorts, spec.harms.grade, spec.harms.terms),
        anchored=anchored_comparisons(effects, cohorts, cmp.options.level),
        network=treatment_network(effects, cohorts),
        inputs=_inputs(cohorts, spec),
        versions=_versions(),
    )
