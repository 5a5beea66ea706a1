"""Risk of bias per cohort, by the seven ROBINS-I domains, judged from descriptor facts only.

One row per cohort and domain: the judgement (``low``, ``moderate``, ``serious``, ``critical`` or
``no-information``), the reason (a code of :data:`REASONS`) and the evidence (the descriptor locations the
judgement rests on). A judgement comes from a fact of the descriptor (``design.selection``, ``design.assessment``,
``design.intervention``, ``design.missing_data``, ``design.overlap_evidence``, the design type, the registrations,
eligibility and the complete-surgical-remission counts) or is ``no-information``: nothing is guessed.

The domains are ROBINS-I's (Sterne et al., BMJ 2016;355:i4919), applied to retrospective series and, adapted, to
single-arm trials and to arms of randomised studies used as single cohorts (docs/risk-of-bias.md says how):
confounding is judged for the comparison *across* studies, which is what every cohort here enters.

Examples
--------
>>> from trialcompare.descriptor.models import Descriptor
>>> d = Descriptor.model_validate({
...     "id": "x", "label": "X", "regimen": {"text": "drug"}, "sources": [{"key": "s", "citation": "c"}],
...     "design": {"type": "retrospective", "at": "Methods",
...                "selection": {"exclusions_after_start": {"value": "yes", "quote": "excluded if ...",
...                                                         "at": "Methods"}}},
...     "population": {"n": 20, "n_refers_to": "treated", "at": "Table 1"}})
>>> t = risk_of_bias([d])
>>> t.filter(t["domain"] == "selection").select("judgement", "reason", "evidence").row(0)
('serious', 'exclusions-after-start', 'design.selection.exclusions_after_start (Methods)')
>>> t.filter(t["domain"] == "overall")["judgement"].item()
'serious'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import polars as pl

from ..descriptor.models import Descriptor
from ..descriptor.printed import PrintedValueError, parse_count
from .facts import Fact, fact

__all__ = [
    "DOMAINS",
    "JUDGEMENTS",
    "REASONS",
    "design_of",
    "itt_label_facts",
    "overall_judgement",
    "risk_of_bias",
    "risk_of_bias_facts",
]

DOMAINS: tuple[str, ...] = ("confounding", "selection", "classification", "deviations", "missing-data",
                            "measurement", "reported-result")
"""ROBINS-I's seven domains, in its order: bias due to confounding; in selection of participants; in
classification of interventions; due to deviations from intended interventions; due to missing data; in
measurement of outcomes; in selection of the reported result."""

JUDGEMENTS: tuple[str, ...] = ("low", "moderate", "serious", "critical", "no-information")
"""ROBINS-I's judgements."""

REASONS: dict[str, str] = {
    # confounding (judged for the comparison across studies)
    "cross-study-unadjusted": "confounding",
    "overlap-printed": "confounding",
    # selection of participants
    "exclusions-after-start": "selection",
    "prospective-enrolment": "selection",
    "complete-inclusion": "selection",
    "exclusions-not-reported": "selection",
    "selection-not-reported": "selection",
    # classification of interventions
    "classified-retrospectively": "classification",
    "classified-at-start": "classification",
    "protocol-defined": "classification",
    "classification-not-reported": "classification",
    # deviations from intended interventions
    "co-intervention-resection": "deviations",
    "no-resection-reported": "deviations",
    "deviations-not-reported": "deviations",
    # missing data
    "excluded-for-missing-data": "missing-data",
    "missing-counted-as-failure": "missing-data",
    "analysed-all": "missing-data",
    "few-missing": "missing-data",
    "many-missing": "missing-data",
    "missing-not-reported": "missing-data",
    # measurement of outcomes
    "retrospective-assessment": "measurement",
    "retrospective-independent-review": "measurement",
    "independent-or-blinded": "measurement",
    "investigator-assessed": "measurement",
    "review-not-reported": "measurement",
    "assessment-not-reported": "measurement",
    # selection of the reported result
    "retrospective-no-protocol": "reported-result",
    "registered-protocol": "reported-result",
    "registration-not-reported": "reported-result",
}
"""Every reason code a judgement can carry, with its domain (the phrasebook words each one)."""

COLUMNS: dict[str, Any] = {"cohort": pl.String, "design": pl.String, "domain": pl.String, "judgement": pl.String,
                           "reason": pl.String, "evidence": pl.String}

_RANK = {"low": 0, "moderate": 1, "no-information": 2, "serious": 3, "critical": 4}
_MISSING_RECORDS = {"incomplete-records", "incomplete-follow-up"}


class _Judged(NamedTuple):
    judgement: str
    reason: str
    evidence: tuple[str, ...] = ()


def _loc(path: str, at: str | None) -> str:
    return f"{path} ({at})" if at else path


def design_of(desc: Descriptor) -> str:
    """The design a cohort is judged as: ``retrospective``, ``prospective`` or ``randomised-arm``.

    Parameters
    ----------
    desc : Descriptor

    Returns
    -------
    str

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> design_of(NS(design=NS(type="prospective", arm_of=NS(randomised=True))))
    'randomised-arm'
    >>> design_of(NS(design=NS(type="retrospective", arm_of=None)))
    'retrospective'
    """
    arm = desc.design.arm_of
    if arm is not None and arm.randomised:
        return "randomised-arm"
    return "prospective" if desc.design.type == "prospective" else "retrospective"


def _design_loc(desc: Descriptor) -> tuple[str, ...]:
    return (_loc("design.type", desc.design.at),)


# --------------------------------------------------------------------------------------------------------------
# the seven domains


def _confounding(desc: Descriptor, overlaps: Sequence[str]) -> _Judged:
    """Across studies nothing is adjusted: serious; printed evidence of shared patients is named."""
    if overlaps:
        return _Judged("serious", "overlap-printed", tuple(overlaps))
    return _Judged("serious", "cross-study-unadjusted", _design_loc(desc))


def _selection(desc: Descriptor) -> _Judged:
    sel = desc.design.selection
    excl = sel.exclusions_after_start if sel else None
    method = sel.method if sel else None
    if excl is not None and excl.value == "yes":
        return _Judged("serious", "exclusions-after-start",
                       (_loc("design.selection.exclusions_after_start", excl.at),))
    if design_of(desc) != "retrospective":
        return _Judged("low", "prospective-enrolment", _design_loc(desc))
    if method is not None and method.value in ("consecutive", "all_eligible"):
        where = (_loc("design.selection.method", method.at),)
        if excl is not None and excl.value == "no":
            return _Judged("low", "complete-inclusion",
                           (*where, _loc("design.selection.exclusions_after_start", excl.at)))
        return _Judged("moderate", "exclusions-not-reported", where)
    return _Judged("no-information", "selection-not-reported")


def _classification(desc: Descriptor) -> _Judged:
    rec = desc.design.intervention
    if rec is not None and rec.classified == "retrospectively":
        return _Judged("moderate", "classified-retrospectively", (_loc("design.intervention", rec.at),))
    if rec is not None and rec.classified == "at_start":
        return _Judged("low", "classified-at-start", (_loc("design.intervention", rec.at),))
    if design_of(desc) != "retrospective":
        return _Judged("low", "protocol-defined", _design_loc(desc))
    return _Judged("no-information", "classification-not-reported")


def _resections(desc: Descriptor) -> list[tuple[int, str]]:
    """(count, location) of every printed complete-surgical-remission count."""
    out = []
    for i, entry in enumerate(desc.outcomes):
        if entry.variable != "surgical_remission" or "yes" not in entry.levels:
            continue
        try:
            n = parse_count(entry.levels["yes"]).n
        except (PrintedValueError, ValueError):
            continue
        if n is not None:
            out.append((n, _loc(f"outcomes[{i}].surgical_remission", entry.at)))
    return out


def _deviations(desc: Descriptor) -> _Judged:
    """Resection during or after treatment is a co-intervention that the comparators may not share."""
    counts = _resections(desc)
    done = tuple(loc for n, loc in counts if n > 0)
    elig = desc.design.eligibility
    if elig is not None and elig.resectable == "included":
        done = (*done, _loc("design.eligibility.resectable", elig.at))
    if done:
        return _Judged("serious", "co-intervention-resection", done)
    if counts:
        return _Judged("low", "no-resection-reported", tuple(loc for _, loc in counts))
    return _Judged("no-information", "deviations-not-reported")


def _missing_entry(i: int, entry: Any, limit: float) -> _Judged | None:
    where = (_loc(f"design.missing_data[{i}]", entry.at),)
    if entry.handling == "counted-as-failure":
        return _Judged("low", "missing-counted-as-failure", where)
    if entry.enrolled is None or entry.analysed is None or entry.enrolled == 0:
        return None
    share = (entry.enrolled - entry.analysed) / entry.enrolled
    if share == 0:
        return _Judged("low", "analysed-all", where)
    return _Judged("moderate", "few-missing", where) if share <= limit else _Judged("serious", "many-missing", where)


def _missing(desc: Descriptor, limit: float) -> _Judged:
    sel = desc.design.selection
    excl = sel.exclusions_after_start if sel else None
    found: list[_Judged] = []
    if excl is not None and excl.value == "yes" and _MISSING_RECORDS & set(excl.reasons):
        found.append(_Judged("serious", "excluded-for-missing-data",
                             (_loc("design.selection.exclusions_after_start", excl.at),)))
    found += [j for i, e in enumerate(desc.design.missing_data) if (j := _missing_entry(i, e, limit)) is not None]
    if not found:
        return _Judged("no-information", "missing-not-reported")
    worst = max(_RANK[j.judgement] for j in found)
    first = next(j for j in found if _RANK[j.judgement] == worst)
    return first._replace(evidence=tuple(loc for j in found for loc in j.evidence))


def _assessment_locs(desc: Descriptor) -> tuple[str, ...]:
    a = desc.design.assessment
    if a is None:
        return ()
    names = ("criteria", "independent_review", "blinded", "confirmation", "time_point", "prospective")
    return tuple(_loc(f"design.assessment.{n}", item.at) for n in names if (item := getattr(a, n)) is not None)


def _stated(item: Any, value: str) -> bool:
    return item is not None and item.value == value


def _measurement(desc: Descriptor) -> _Judged:
    a = desc.design.assessment
    locs = _assessment_locs(desc)
    reviewed = a is not None and (_stated(a.independent_review, "yes") or _stated(a.blinded, "yes"))
    retrospective = (_stated(a.prospective, "no") if a is not None and a.prospective is not None
                     else design_of(desc) == "retrospective")
    if retrospective:
        evidence = locs if a is not None and a.prospective is not None else (*_design_loc(desc), *locs)
        if reviewed:
            return _Judged("moderate", "retrospective-independent-review", evidence)
        return _Judged("serious", "retrospective-assessment", evidence)
    if reviewed:
        return _Judged("low", "independent-or-blinded", locs)
    if a is not None and _stated(a.independent_review, "no"):
        return _Judged("moderate", "investigator-assessed", locs)
    if locs:
        return _Judged("moderate", "review-not-reported", locs)
    return _Judged("no-information", "assessment-not-reported")


def _reported_result(desc: Descriptor) -> _Judged:
    regs = desc.design.registrations
    if design_of(desc) == "retrospective":
        return _Judged("moderate", "retrospective-no-protocol", _design_loc(desc))
    if regs:
        return _Judged("low", "registered-protocol", (_loc("design.registrations", regs[0].at),))
    return _Judged("no-information", "registration-not-reported")


# --------------------------------------------------------------------------------------------------------------
# the table


def overall_judgement(judgements: Iterable[str]) -> str:
    """Combine the domain judgements into ROBINS-I's overall judgement.

    Critical if any domain is critical; else serious if any is serious; else no information if any domain lacks
    it; else moderate if any is moderate; else low.

    Parameters
    ----------
    judgements : iterable of str

    Returns
    -------
    str

    Examples
    --------
    >>> overall_judgement(["low", "moderate", "low"])
    'moderate'
    >>> overall_judgement(["moderate", "no-information"]), overall_judgement(["no-information", "serious"])
    ('no-information', 'serious')
    """
    return max(judgements, key=lambda j: _RANK[j], default="no-information")


def _descriptors(cohorts: Iterable[Any]) -> list[Descriptor]:
    return [getattr(c, "descriptor", c) for c in cohorts]


def _overlaps(descs: Sequence[Descriptor]) -> dict[str, list[str]]:
    """Per cohort id, the locations of printed overlap evidence naming it (in its own file or another's)."""
    ids = {d.id for d in descs}
    out: dict[str, list[str]] = {d.id: [] for d in descs}
    for d in descs:
        for i, ev in enumerate(d.design.overlap_evidence):
            if ev.with_ not in ids or ev.with_ == d.id:
                continue  # overlap with a cohort outside the comparison does not bias it
            loc = _loc(f"design.overlap_evidence[{i}]", ev.at)
            out[d.id].append(loc)
            out[ev.with_].append(f"{d.id}: {loc}")
    return out


def _judge(desc: Descriptor, overlaps: Sequence[str], missing_limit: float) -> dict[str, _Judged]:
    return {
        "confounding": _confounding(desc, overlaps),
        "selection": _selection(desc),
        "classification": _classification(desc),
        "deviations": _deviations(desc),
        "missing-data": _missing(desc, missing_limit),
        "measurement": _measurement(desc),
        "reported-result": _reported_result(desc),
    }


def risk_of_bias(cohorts: Iterable[Any], missing_limit: float = 0.10) -> pl.DataFrame:
    """The risk-of-bias table: one row per cohort and ROBINS-I domain, and an ``overall`` row per cohort.

    Parameters
    ----------
    cohorts : iterable of Cohort or Descriptor
        A :class:`~trialcompare.load.CohortSet`, cohorts or descriptors. Printed overlap evidence naming another
        cohort of the set counts for both.
    missing_limit : float
        Share of enrolled patients missing from an analysis (reasons not stated) up to which missing data is a
        moderate risk; above it, serious.

    Returns
    -------
    polars.DataFrame
        ``cohort, design, domain, judgement, reason, evidence``: ``design`` is ``retrospective``, ``prospective``
        or ``randomised-arm``; ``domain`` one of :data:`DOMAINS` or ``overall``; ``judgement`` one of
        :data:`JUDGEMENTS`; ``reason`` a code of :data:`REASONS` (for ``overall``: the reasons of the domains
        that set it, joined by ``+``); ``evidence`` descriptor locations joined by ``"; "`` (empty when none).

    Examples
    --------
    >>> import trialcompare as tc
    >>> t = risk_of_bias(tc.load("trials/ie.yaml"))
    >>> t.filter(t["domain"] == "measurement").select("judgement", "reason").row(0)
    ('serious', 'retrospective-assessment')
    """
    if not 0 <= missing_limit < 1:
        raise ValueError(f"missing_limit must be in [0, 1): {missing_limit!r}")
    descs = _descriptors(cohorts)
    overlaps = _overlaps(descs)
    rows = []
    for d in descs:
        design = design_of(d)
        judged = _judge(d, overlaps[d.id], missing_limit)
        for domain in DOMAINS:
            j = judged[domain]
            rows.append((d.id, design, domain, j.judgement, j.reason, "; ".join(j.evidence)))
        overall = overall_judgement(j.judgement for j in judged.values())
        setting = [j for j in judged.values() if j.judgement == overall]
        rows.append((d.id, design, "overall", overall, "+".join(j.reason for j in setting),
                     "; ".join(dict.fromkeys(loc for j in setting for loc in j.evidence))))
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def risk_of_bias_facts(table: pl.DataFrame) -> list[Fact]:
    """Page-1 facts: per cohort, the overall judgement and the domains (with their reasons) that set it.

    Parameters
    ----------
    table : polars.DataFrame
        The frame of :func:`risk_of_bias`.

    Returns
    -------
    list of Fact
        ``rob-overall`` facts with ``cohort``, ``design``, ``judgement``, ``domains`` and ``reasons`` (in domain
        order); the evidence is the descriptor locations behind them.

    Examples
    --------
    >>> import trialcompare as tc
    >>> [f] = risk_of_bias_facts(risk_of_bias(tc.load("trials/ie.yaml")))
    >>> f["judgement"], f["domains"]
    ('serious', ('confounding', 'deviations', 'measurement'))
    """
    out = []
    for cohort in dict.fromkeys(table["cohort"].to_list()):
        rows = table.filter(pl.col("cohort") == cohort)
        overall = rows.filter(pl.col("domain") == "overall").row(0, named=True)
        setting = rows.filter((pl.col("domain") != "overall") & (pl.col("judgement") == overall["judgement"]))
        evidence = [loc for e in setting["evidence"].to_list() for loc in e.split("; ") if e]
        out.append(fact("rob-overall", evidence=evidence, cohort=cohort, design=overall["design"],
                        judgement=overall["judgement"], domains=tuple(setting["domain"].to_list()),
                        reasons=tuple(setting["reason"].to_list())))
    return out


def itt_label_facts(cohorts: Iterable[Any]) -> list[Fact]:
    """Find the cohorts whose intention-to-treat label the exclusions after treatment began contradict.

    Their population is labelled intention-to-treat although patients were excluded after treatment began
    (``design.selection.exclusions_after_start: yes``): the label does not describe the analysis.

    Parameters
    ----------
    cohorts : iterable of Cohort or Descriptor

    Returns
    -------
    list of Fact
        ``itt-label-contradicted`` facts with ``cohort`` and ``n`` (the population N); the evidence is the
        population's and the exclusions' locations.

    Examples
    --------
    >>> import trialcompare as tc
    >>> [f] = itt_label_facts(tc.load("trials/apatinib-ie.yaml"))
    >>> f["cohort"], f["n"]
    ('apatinib-ie', 33)
    """
    out = []
    for d in _descriptors(cohorts):
        sel = d.design.selection
        excl = sel.exclusions_after_start if sel else None
        itt = [r.at for r in d.population.reports if r.set == "itt"]
        if d.population.n_refers_to == "itt":
            itt.insert(0, d.population.at)
        if excl is None or excl.value != "yes" or not itt:
            continue
        evidence = [_loc("population", at) for at in dict.fromkeys(itt)]
        evidence.append(_loc("design.selection.exclusions_after_start", excl.at))
        out.append(fact("itt-label-contradicted", evidence=evidence, cohort=d.id, n=d.population.n))
    return out
