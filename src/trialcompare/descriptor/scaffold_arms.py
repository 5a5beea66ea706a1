"""``trialcompare new ID --arms N``: the arms of a randomised study, one descriptor per arm.

The arms share ``design.arm_of.study`` (the study ``ID``); the first arm carries the between-arm effects
(``effects:``, ``versus`` the second arm) and the study-level facts (``study:``, written once, never copied into the
other arms). Every value to be read from the source is a ``TODO`` placeholder: the files load, but an untouched
scaffold does not validate clean (``PLACEHOLDER`` findings, exit 1) until the curator has replaced them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from .scaffold import _DEFINITION, _ELIGIBILITY, _SOURCE_IDS, SCHEMA_FILE, schema_line, schema_reference

__all__ = ["arm_ids", "scaffold_arms", "write_arms"]

_ARM = """\
{schema_line}# Arm {k} of {n} of the randomised study {study}. Copy every number EXACTLY as printed and say where it was
# read (`at`). Replace every TODO: `trialcompare validate` reports each one left (PLACEHOLDER) and fails until none is.
# The arms of one study share design.arm_of.study; effects between arms are written as published (effects:).

id: {id}
label: "TODO: {arm} arm ({study})"
regimen:
  text: "TODO: the {arm} arm's regimen as printed"
  agents:
    - {{name: TODO-agent}}

sources:
  - key: primary
    citation: "TODO: Author A et al. Journal Year;Vol:pages ({study})"
{source_ids}
design:
  type: prospective
  phase: "TODO"
  description: "TODO: randomised 1:1, double-blind, ..."
  arm_of: {{study: {study}, arm: {arm}, randomised: true}}
  at: "TODO: Methods"
  registrations:
    - {{id: TODO-NCT, at: "Abstract"}}
  follow_up: []               # this arm's median follow-up; one printed for all arms together goes under study:
{eligibility}
population:
  n: 1                        # TODO: the N of this arm
  n_refers_to: itt            # enrolled | treated | efficacy | evaluable | itt | safety | unclear
  at: "TODO: Table 1"
{study_block}
baseline: []                  # this arm's own baseline (Table 1 by arm), one entry per variable per location, e.g.
  # - {{variable: age, kind: median_range, value: "37 (18-76)", at: "Table 1"}}
  #   continuous (age, prior_lines_number): kind = mean_sd | mean_sd_ci | mean_ci | mean | mean_range |
  #   median | median_iqr | median_range | median_ci | median_iqr_range
  # - {{variable: sex, at: "Table 1", label: "Sex, n (%)", levels: {{male: "12 (54.5)", female: "10 (45.5)"}}}}
  # a fact printed for all arms together goes under study: (in one arm's file), never here

outcomes:
  - variable: best_response
    at: "TODO: Table 2"
    levels: {{CR: "0", PR: "0", SD: "0", PD: "1"}}     # TODO: counts as printed
    # time: 8                 # assessment time point if printed, with its unit
    # unit: weeks
    # level_notes: {{CR: "all responses were partial"}}   # a quote per level

rates:                        # a printed rate is usable without level counts: "3/22", or "6.7%" + denominator
  - {{name: ORR, value: "0/1", at: "TODO: Table 2"}}                 # best overall response (no time point)
  # - {{name: ORR, time: 12, unit: weeks, value: "0/1", at: "Results"}}   # response at a stated time, kept apart
  # - {{name: CBR, time: 18, unit: weeks, value: "0/1", primary: true, at: "Methods"}}   # the primary endpoint

endpoints:
  - name: PFS
    primary: true
{definition}    reports:
      - {{statistic: rate, time: 8, unit: weeks, value: "0/1", estimator: binomial, at: "TODO: Abstract"}}
      - {{statistic: median, value: "1.0 (0.5-NE)", interval: 95% CI, unit: months, at: "TODO: Abstract"}}
{effects_block}
# adverse_events:             # harms as printed (docs/harms.md): the safety population of this arm, then events
#   population: {{n: 22, refers_to: safety, at: "Table 3"}}
#   events:                   # grade: any | >=3 | 3-4 | 3 | 4 | 5 | not_stated (printed without a grade)
#     - {{term: "hand-foot skin reaction", grade: "3-4", value: "3 (13.6)", at: "Table 3"}}

errata: []
acknowledged: []
notes: []
"""

_STUDY = """
study:                        # facts printed for the whole study (all arms together), written in ONE arm only
  id: {study}
  n: 2                        # TODO: patients of the whole study the facts describe
  n_refers_to: itt
  at: "TODO: Table 1"
  baseline:                   # the shape of an arm's baseline
    - {{variable: age, kind: median_range, value: "1 (1-1)", at: "TODO: Table 1", label: "TODO: median age (range)"}}
  # follow_up:                # a median follow-up printed for all arms together (shown for each arm, marked so)
  #   - {{value: "7.4", unit: months, at: "Results"}}
"""

_EFFECTS = """
effects:                      # between-arm effects as published; versus = the other arm's id
  - {{endpoint: PFS, measure: HR, value: "1.00 (95% CI 0.50-2.00)", p: "P = 1", versus: {versus},
     at: "TODO: Abstract", note: "TODO: HR of this arm against {versus}"}}
"""


def arm_ids(study_id: str, arms: int, names: Sequence[str] | None = None) -> list[str]:
    """The cohort ids of the arms.

    ``ID-<name>`` for each of ``names``; by default ``ID-experimental`` and ``ID-control`` for two arms,
    ``ID-arm1`` ... otherwise.

    Parameters
    ----------
    study_id : str
        Kebab-case id of the study.
    arms : int
        Number of arms (2 to 6).
    names : sequence of str, optional
        The arms' names (kebab-case), as many as ``arms``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> arm_ids("sarc024", 2)
    ['sarc024-experimental', 'sarc024-control']
    >>> arm_ids("tx", 2, ["low-dose", "high-dose"])
    ['tx-low-dose', 'tx-high-dose']
    """
    if not 2 <= arms <= 6:
        raise ValueError(f"a study scaffolded with --arms or --arm-names has 2 to 6 arms, got {arms}")
    if names is not None and len(names) != arms:
        raise ValueError(f"{len(names)} arm names for {arms} arms")
    if names is None:
        names = ["experimental", "control"] if arms == 2 else [f"arm{k}" for k in range(1, arms + 1)]
    return [f"{study_id}-{name}" for name in names]


def scaffold_arms(study_id: str, arms: int = 2, names: Sequence[str] | None = None,
                  schema: str | None = SCHEMA_FILE) -> dict[str, str]:
    """The descriptor texts of the arms of a randomised study.

    Parameters
    ----------
    study_id : str
        Kebab-case id of the study; the arms are :func:`arm_ids`.
    arms : int
        Number of arms.
    names : sequence of str, optional
        The arms' names (see :func:`arm_ids`).
    schema : str or None, default "descriptor.schema.json"
        The ``$schema`` path of the editor comment, relative to the files
        (:func:`~trialcompare.descriptor.scaffold.schema_reference`); None leaves the comment out.

    Returns
    -------
    dict
        Cohort id → YAML text. The first arm holds ``study:`` and ``effects:`` (versus the second arm).

    Examples
    --------
    >>> sorted(scaffold_arms("tx", names=["a", "b"]))
    ['tx-a', 'tx-b']
    """
    ids = arm_ids(study_id, arms, names)
    study = study_id.upper()
    out = {}
    for k, cid in enumerate(ids, start=1):
        arm = cid.removeprefix(f"{study_id}-")
        first = k == 1
        out[cid] = _ARM.format(
            id=cid, k=k, n=arms, arm=arm, study=study, schema_line=schema_line(schema), source_ids=_SOURCE_IDS,
            eligibility=_ELIGIBILITY, definition=_DEFINITION,
            study_block=_STUDY.format(study=study) if first else "",
            effects_block=_EFFECTS.format(versus=ids[1]) if first else "",
        )
    return out


def write_arms(study_id: str, arms: int, output: str | None, names: Sequence[str] | None = None) -> int:
    """Write the arms' files into the folder ``output``.

    The folder defaults to ``trials`` (``-`` prints them to stdout) and is created when missing (never through a
    symbolic link).

    Parameters
    ----------
    study_id : str
        Kebab-case id of the study.
    arms : int
        Number of arms.
    output : str or None
        A folder, or ``-``.
    names : sequence of str, optional
        The arms' names (see :func:`arm_ids`).

    Returns
    -------
    int
        0; raises ``ValueError`` when a file exists or a file is in the folder's way (nothing is written then).
    """
    folder = Path(output or "trials")
    schema = None if output == "-" else schema_reference(folder / "arm.yaml")
    texts = scaffold_arms(study_id, arms, names, schema)
    if output == "-":
        for cid, text in texts.items():
            sys.stdout.write(f"# ---- {cid}.yaml ----\n{text}")
        return 0
    from .._io import OutputError, atomic_write_text, make_folders, missing_folders, remove_folders

    paths = [folder / f"{cid}.yaml" for cid in texts]
    existing = [str(p) for p in paths if p.exists() or p.is_symlink()]
    if existing:
        raise ValueError(f"{', '.join(existing)}: already exists; nothing written")
    try:
        missing_folders(folder)
        created = make_folders(folder)
    except OutputError as exc:
        raise ValueError(f"{exc.strerror} (with --arms, -o names a folder)") from None
    written: list[Path] = []
    try:
        for path, text in zip(paths, texts.values(), strict=True):
            written.append(atomic_write_text(path, text))
    except BaseException:  # all arms or none
        for path in written:
            path.unlink(missing_ok=True)
        remove_folders(created)
        raise
    for folder_made in created:
        print(f"created {folder_made}/", file=sys.stderr)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0
