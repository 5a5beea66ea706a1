"""``trialcompare new ID``: a descriptor skeleton with every field explained."""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["SCHEMA_FILE", "check_id", "example", "scaffold", "schema_line", "schema_reference"]

SCHEMA_FILE = "descriptor.schema.json"
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_SOURCE_IDS = """\
    role: primary             # primary | comparator-table | secondary (a news report, a presentation) | review |
                              # registry; numbers read in a secondary report or a review are flagged in the report
    pmid: null                # as printed, e.g. "31013172" (quoted); null when none
    doi: null                 # e.g. 10.1200/JCO.18.02374
"""

_ELIGIBILITY = """\
  eligibility:                # optional; a stated value needs the source's words (`quote`) and `at`
    resectable: not_stated    # excluded | included | not_stated (leave it so unless the source says it)
    # quote: "patients with relapsed, unresectable high-grade osteosarcoma"
    # at: "Methods"
    # age: {min: 16, quote: "aged 16 years or older", at: "Methods"}   # also ecog_max, prior_lines, refractory
  # Risk of bias (ROBINS-I) reads these facts; each left out is judged "no information" (docs/risk-of-bias.md):
  # selection:
  #   method: {value: consecutive, quote: "all consecutive patients", at: "Methods"}   # all_eligible | not_stated
  #   exclusions_after_start: {value: "no", quote: "...", at: "Methods"}
  # assessment:
  #   criteria: {value: RECIST 1.1, quote: "according to RECIST 1.1", at: "Methods"}
  #   independent_review: {value: "no", quote: "...", at: "Methods"}
  #   time_point: {value: best_overall, quote: "best overall response", at: "Results"}
  #   prospective: {value: "yes", quote: "...", at: "Methods"}
  # intervention: {classified: at_start, quote: "...", at: "Methods"}
  # missing_data:
  #   - {enrolled: 32, analysed: 30, set: efficacy, reason: not-evaluable, handling: excluded, quote: "...",
  #      at: "Results"}
"""

_BASELINE = """\
baseline:                     # one entry per variable per location (variables: trialcompare schema --vocabulary)
  - variable: age             # continuous (age, prior_lines_number): kind = mean_sd | mean_sd_ci | mean_ci |
                              #             mean | mean_range | median | median_iqr | median_iqr_range |
    kind: median_range        #             median_range | median_ci
    value: "TODO: 16.0 (3.0, 48.0)" # as printed
    at: "TODO: Table 1"
  - variable: sex             # categorical: one printed count per level: 13, "13 (43.3)", "13/30 (43.3%)"
    at: "TODO: Table 1"
    label: "TODO: Sex, n (%)" # the row label as printed (optional)
    levels:
      male: "TODO: 13 (43.3)"
      female: "TODO: 17 (56.7)"
    # denominator: 30         # only when it is not population.n
    # A union of levels is written with '|': ecog "1|2" = "ECOG 1 or 2".
"""

_RATES = """\
rates:                        # derived rates as published: ORR | DCR | CBR; without a time point: best overall response
  - {name: ORR, value: "TODO: 6/30 (20.0%)", at: "TODO: Abstract"}
  - {name: ORR, time: 12, unit: weeks, value: "TODO: 4/30 (13.3%)", at: "TODO: Results"}   # response at 12 weeks,
                              # kept apart from best overall response everywhere (docs/descriptors.md)
  # - {name: CBR, time: 18, unit: weeks, value: "12/37", primary: true, at: "Methods"}
  #   primary: true = the study's primary endpoint: it always reaches the comparison table
  # a value printed with an interval needs `interval` (95% CI, IQR, range); `unit` needs `time`
  # a count printed in words ("three of the 22 patients"): value: "3/22" with the words kept in `note:`
"""

_DEFINITION = """\
    definition:               # optional; once given it needs `origin` and `events`
      origin: "TODO: start of treatment"
      events: [progression, death]  # required with a definition: what counts as an event
      censoring: "TODO: alive without progression at last assessment"
      resection: not-applicable     # censored | event | not-counted | not-applicable | unspecified
      assessment_interval: "TODO: every 8 weeks"
      at: "TODO: Methods"
"""

_ADVERSE_EVENTS = """\
# adverse_events:             # harms as printed (docs/harms.md), when the source reports them, e.g.
#   population: {n: 30, refers_to: safety, at: "Table 3"}   # the safety population
#   events:                   # grade: any | >=3 | 3-4 | 3 | 4 | 5 | not_stated (printed without a grade)
#     - {term: "hand-foot syndrome", ctcae: "Palmar-plantar erythrodysesthesia syndrome", grade: "3-4",
#        value: "5 (16.7)", at: "Table 3"}
#   modifications: [{kind: dose_reduction, value: "12 (40.0)", at: "Results"}]
#   deaths: [{related: treatment-related, value: 0, at: "Results", quote: "no treatment-related deaths"}]
"""

_TEMPLATE = """\
{schema_line}# Cohort descriptor. Copy every number EXACTLY as printed and say where it was read (`at`).
# Every value to read from the source starts with the placeholder TODO: and an example: replace the whole
# string (the example too) by what the source prints. `trialcompare validate` reports each placeholder left
# (PLACEHOLDER) and fails until none is; numbers without quotes (n, events) are examples to overwrite too.
# The same quantity printed in two places is written twice, once per location. Never "fix" a published
# number: declare a correction under `errata` and explain doubts under `acknowledged` or `notes`.
# Harmonized names only (an unknown name is an error that suggests the nearest): `trialcompare schema --vocabulary`.
# Accepted printed forms, field by field: docs/descriptors.md. Fields marked "needs" below become required as
# soon as the field they depend on is given; a field left out (or null) needs nothing.

id: {id}                      # kebab-case, unique across trials/
label: "TODO: {label}"   # short display name used in tables
regimen:
  text: "TODO: Drug A 500 mg orally once daily"   # as described in the source
  agents:                                   # structured agents (name, dose, route, schedule)
    - {{name: "TODO: drug-a", dose: "TODO: 500 mg", route: oral, schedule: once daily}}

sources:                      # the first source is the default for every value that names none
  - key: primary              # short key that `source:` fields refer to
    citation: "TODO: Author A et al. Journal 2024;1(1):1-10"
{source_ids}
design:
  type: prospective           # prospective | retrospective
  phase: "TODO: II"           # as printed; null for a retrospective series
  description: "TODO: single-arm, single-centre"
  arm_of: null                # for one arm of a multi-arm study: {{study: NAME, arm: ARM, randomised: true}}
                              # needs: the other arms loaded too (validate warns of a missing partner); a
                              # `study:` block (facts of both arms together) needs arm_of, with study.id = arm_of.study
                              # (`trialcompare new ID --arms 2` scaffolds the arms of a randomised study)
  centres: []
  n_centres: null
  country: null
  accrual_start: null         # as printed, e.g. "2018-01"
  accrual_end: null
  at: "TODO: Methods"         # where the design facts were read
  registrations:              # none printed: registrations: []
    - {{id: "TODO: NCT00000000", at: "TODO: Abstract"}}
  follow_up:                  # median follow-up: value as printed, interval type and unit
    - {{value: "TODO: 12.0 (8.0, 16.0)", interval: IQR, unit: months, at: "TODO: Results"}}
{eligibility}
population:
  n: 30                       # the N the comparison table prints for this cohort (an example: overwrite it)
  n_refers_to: efficacy       # enrolled | treated | efficacy | evaluable | itt | safety | unclear
  at: "TODO: Abstract"
  printed: "TODO: n=30"
  reports:                    # every reported size of an analysis set
    - {{set: enrolled, n: 32, at: "TODO: Results"}}
    - {{set: efficacy, n: 30, at: "TODO: Results"}}

{baseline}
outcomes:                     # best_response (CR PR SD PD NE), status_last_follow_up, surgical_remission
  - variable: best_response
    label: "TODO: Best overall response (RECIST 1.1)"
    at: "TODO: Table 2"
    levels: {{CR: "TODO: 0 (0.0)", PR: "TODO: 6 (20.0)", SD: "TODO: 15 (50.0)", PD: "TODO: 9 (30.0)"}}
    # time: 12 / unit: weeks  # a response assessed at a stated time point: `time` needs `unit` and vice versa

{rates}
endpoints:                    # EFS | PFS | OS | TTP | DOR
  - name: PFS
    primary: true
{definition}    reports:                  # statistic: median | rate | events | censored | n_analysed
                              # a rate needs its time point (`months: 6`, or `time: 8, unit: weeks`);
                              # a median or rate printed with an interval needs `interval`
      - {{statistic: median, value: "TODO: 4.5 (3.5, 6.3)", interval: 95% CI, at: "TODO: Abstract"}}
      - {{statistic: rate, months: 6, value: "TODO: 36.8% (20.1, 53.6)", interval: 95% CI,
         estimator: kaplan-meier, at: "TODO: Results"}}
      - {{statistic: events, value: 25, at: "TODO: Results"}}
    curve: null               # digitised KM: {{file: pfs.csv, at: "Figure 2", risk_times: [0, 3, 6],
                              #                n_at_risk: [30, 20, 9], total_events: 25}}
                              # the CSV (columns time,survival) must sit beside this file;
                              # risk_times needs n_at_risk of the same length

# effects:                    # between-arm effects of a randomised study (arms: `trialcompare new ID --arms 2`), e.g.
#   - {{endpoint: PFS, measure: HR, value: "0.42 (95% CI 0.21-0.85)", p: "P = .017", versus: other-arm-id,
#      at: "Abstract"}}

{adverse_events}
errata: []                    # declared corrections, e.g.
  # - target: {{variable: best_response, level: PR, at: "Table 2"}}
  #   corrected: {{n: 5}}       # any of n, denominator, value
  #   why: "erratum published 2025"
  #   source: "Journal 2025;2:3"

acknowledged: []              # reviewed findings of `trialcompare validate`, e.g.
  # - {{code: PCT-MISMATCH, field: outcome.best_response.PR, note: "printed 26.1% for 13/46"}}

notes: []
"""


def check_id(cohort_id: str) -> str:
    """Return ``cohort_id`` unchanged if it is kebab-case, else raise ``ValueError`` saying what is allowed.

    Parameters
    ----------
    cohort_id : str
        The id asked for.

    Returns
    -------
    str

    Examples
    --------
    >>> check_id("regobone-placebo")
    'regobone-placebo'
    >>> check_id("My_Cohort")
    Traceback (most recent call last):
    ...
    ValueError: id 'My_Cohort' must be kebab-case (lower-case letters, digits and single '-'), e.g. 'my-cohort'
    """
    if not _KEBAB.match(cohort_id):
        hint = "-".join(re.findall(r"[a-z0-9]+", cohort_id.lower())) or "my-cohort"
        raise ValueError(
            f"id {cohort_id!r} must be kebab-case (lower-case letters, digits and single '-'), e.g. {hint!r}"
        )
    return cohort_id


def schema_reference(out: str | Path) -> str | None:
    """The ``$schema`` path to write in a descriptor at ``out``, relative to it (None when there is none).

    The path has POSIX separators; with None the scaffold has no ``$schema`` line. The schema is the nearest
    ``descriptor.schema.json`` at or above the descriptor's folder (a checkout's ``trials/``), else the package's
    bundled copy (:func:`trialcompare.resources.data_dir`): a path to a file that exists, never to one that does
    not.

    Parameters
    ----------
    out : str or Path
        Where the descriptor will be written (``trials/library/x.yaml``).

    Returns
    -------
    str or None
        For example ``"descriptor.schema.json"`` for ``trials/x.yaml``, ``"../descriptor.schema.json"`` for
        ``trials/library/x.yaml``.

    Examples
    --------
    >>> from trialcompare.resources import data_dir
    >>> schema_reference(data_dir("trials") / "library" / "x.yaml")
    '../descriptor.schema.json'
    """
    folder = Path(os.path.abspath(Path(out).parent))
    home = next((d for d in (folder, *folder.parents) if (d / SCHEMA_FILE).is_file()), None)
    if home is None:
        from ..resources import data_dir

        try:
            bundled = data_dir("trials")
        except FileNotFoundError:
            return None
        if not (bundled / SCHEMA_FILE).is_file():
            return None
        home = bundled
    try:
        return Path(os.path.relpath(home / SCHEMA_FILE, folder)).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        return None


def schema_line(schema: str | None) -> str:
    """The editor's ``$schema`` comment line of a scaffold, or ``""`` when no schema file can be named.

    Parameters
    ----------
    schema : str or None
        The path (:func:`schema_reference`).

    Returns
    -------
    str

    Examples
    --------
    >>> schema_line("../descriptor.schema.json")
    '# yaml-language-server: $schema=../descriptor.schema.json\\n'
    >>> schema_line(None)
    ''
    """
    return f"# yaml-language-server: $schema={schema}\n" if schema else ""


def scaffold(cohort_id: str, schema: str | None = SCHEMA_FILE) -> str:
    """Return the text of a new descriptor for ``cohort_id`` with every field explained.

    Every value to be read from the source is a placeholder: ``"TODO: "`` followed by an example. The text loads
    (the parsers read past the marker), but ``trialcompare validate`` fails with a ``PLACEHOLDER`` finding until
    the curator has replaced each one.

    Parameters
    ----------
    cohort_id : str
        Kebab-case id (see :func:`check_id`).
    schema : str or None, default "descriptor.schema.json"
        The ``$schema`` path of the editor comment, relative to the descriptor (see :func:`schema_reference`);
        None leaves the comment out.

    Returns
    -------
    str
        YAML text that loads as a descriptor whose values are placeholders to be replaced by the curator.

    Examples
    --------
    >>> text = scaffold("demo")
    >>> 'citation: "TODO: Author A et al.' in text, 'value: "TODO: 6/30 (20.0%)"' in text
    (True, True)
    """
    label = cohort_id.replace("-", " ").capitalize()
    return _TEMPLATE.format(id=cohort_id, label=label, schema_line=schema_line(schema), source_ids=_SOURCE_IDS,
                            eligibility=_ELIGIBILITY, baseline=_BASELINE, rates=_RATES, definition=_DEFINITION,
                            adverse_events=_ADVERSE_EVENTS)


def example(cohort_id: str, schema: str | None = SCHEMA_FILE) -> str:
    """The scaffold of ``cohort_id`` with its placeholders filled by their examples: a complete, valid descriptor.

    For tests and demonstrations only; the examples are no published numbers.

    Parameters
    ----------
    cohort_id : str
        Kebab-case id (see :func:`check_id`).
    schema : str or None, default "descriptor.schema.json"
        The ``$schema`` path of the editor comment (None: none).

    Returns
    -------
    str
        :func:`scaffold` without its ``"TODO: "`` markers.

    Examples
    --------
    >>> '"TODO' in example("demo"), 'citation: "Author A et al.' in example("demo")
    (False, True)
    """
    return scaffold(cohort_id, schema).replace('"TODO: ', '"')
