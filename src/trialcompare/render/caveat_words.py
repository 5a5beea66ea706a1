"""What the caveats' phrases look up beyond their facts, and the curator notes shown beside marked numbers.

A caveat's fact (:mod:`trialcompare.appraise.caveats`) holds tokens only. Where its words are the descriptor's own —
a time origin, the events of an endpoint, a centre, a registration as printed, a study's name, a level's row label
as a table prints it — or the meaning of a finding code, the phrase (:mod:`trialcompare.render.phrasebook`, section
"caveats") looks them up in :attr:`Words.names <trialcompare.render.phrasebook.Words>`; :func:`caveat_words` builds
that mapping from the cohorts, the harmonized frame and the finding codes' meanings.

Examples
--------
>>> plain_note("Printed 26.1% for 13/46 (see the PCT-MISMATCH finding).")
'Printed 26.1% for 13/46'
>>> error_text({"note": None, "message": "13/46 is 28.3%, printed 26.1%"})
'13/46 is 28.3%, printed 26.1%'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .phrasebook import Words, join
from .tables import printed_label

if TYPE_CHECKING:
    import polars as pl

    from ..analysis import Analysis
    from ..load import CohortSet

__all__ = ["analysis_words", "caveat_words", "error_text", "plain_note"]

_CROSS_REFERENCE = re.compile(
    r"\s*\((?:[Ss]ee )[^()]*[A-Z]{2,}-[A-Z-]+[^()]*\)|(?:[Ss]ee the )[A-Z]{2,}-[A-Z-]+[^.;]*[.;]?")


def plain_note(note: str) -> str:
    """A curator's note without its cross-references to finding codes (those stay in the annex).

    Parameters
    ----------
    note : str

    Returns
    -------
    str

    Examples
    --------
    >>> plain_note("Kept as printed; see the PCT-MISMATCH finding of Table 2.")
    'Kept as printed'
    """
    return _CROSS_REFERENCE.sub("", note).strip().rstrip(". ;")


def error_text(row: Mapping[str, Any]) -> str:
    """The words beside a number with an error finding.

    The curator's note without cross-references, else the finding's message.

    Parameters
    ----------
    row : mapping
        A row of :attr:`trialcompare.analysis.Analysis.errors` (``note``, ``message``).

    Returns
    -------
    str

    Examples
    --------
    >>> error_text({"note": "Printed 26.1% (see XC-ABC-DEF).", "message": "m"})
    'Printed 26.1%'
    """
    return plain_note(row["note"]) if row.get("note") else str(row["message"])


def _descriptor_names(cohorts: CohortSet) -> dict[str, str]:
    names: dict[str, str] = {}
    for c in cohorts:
        design = c.descriptor.design
        names |= {f"registration:{c.id}:{i}": r.id.strip().upper() for i, r in enumerate(design.registrations)}
        names |= {f"centre:{c.id}:{i}": x for i, x in enumerate(design.centres)}
        if design.arm_of is not None:
            names[f"study:{c.id}"] = design.arm_of.study
        for ep in reversed(c.descriptor.endpoints):  # the first endpoint of a name wins, as in the rule
            if ep.definition is not None:
                names[f"origin:{c.id}:{ep.name}"] = ep.definition.origin
                names[f"events:{c.id}:{ep.name}"] = join(list(ep.definition.events))
            else:
                names.pop(f"origin:{c.id}:{ep.name}", None)
                names.pop(f"events:{c.id}:{ep.name}", None)
    return names


def _level_names(frame: pl.DataFrame, prefer: Sequence[str], order: Sequence[str]) -> dict[str, str]:
    if frame.is_empty() or "level_label" not in frame.columns:
        return {}
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in frame.filter(frame["section"] == "baseline").iter_rows(named=True):
        if r["level"] is not None:
            rows.setdefault((r["variable"], r["level"]), []).append(r)
    names = {}
    for (variable, level), found in rows.items():
        label = printed_label(found, "level_label", prefer, order)
        if label:
            names[f"level:{variable}:{level}"] = label
    return names


def caveat_words(cohorts: CohortSet, frame: pl.DataFrame | None = None,
                 meanings: Mapping[str, str] | Iterable[tuple[str, str]] = (),
                 prefer: Sequence[str] = ()) -> Words:
    """The words the caveats' phrases need: cohort labels, and the names they look up.

    Parameters
    ----------
    cohorts : CohortSet
        The cohorts compared (labels; registrations, centres, study names, endpoint definitions as printed).
    frame : polars.DataFrame, optional
        The harmonized frame (row labels of baseline levels as a table prints them).
    meanings : mapping or iterable of (str, str)
        The meaning of each finding code (``finding:<code>``).
    prefer : sequence of str
        Preferred locations, best first (the label printed at the best one is used).

    Returns
    -------
    Words
    """
    names = _descriptor_names(cohorts)
    if frame is not None:
        names |= _level_names(frame, prefer, list(cohorts.ids))
    names |= {f"finding:{code}": meaning for code, meaning in dict(meanings).items() if meaning}
    return Words({c.id: c.descriptor.label for c in cohorts}, names)


def analysis_words(a: Analysis) -> Words:
    """:func:`caveat_words` for a finished analysis.

    From its cohorts, frame, error findings' meanings and preferred locations.

    Parameters
    ----------
    a : Analysis

    Returns
    -------
    Words
    """
    meanings = {r["code"]: r["meaning"] for r in a.errors.iter_rows(named=True)} if "meaning" in a.errors.columns \
        else {}
    return caveat_words(a.cohorts, a.frame, meanings, tuple(a.spec.prefer_locations))
