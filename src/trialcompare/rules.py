"""Domain rules, each written once and used by checks, compare, meta and caveats alike.

- which time-to-event endpoint a cohort is compared on (:func:`compared_endpoint`);
- the accrual period of a cohort, from dates as printed (:func:`accrual_period`);
- the identity of a centre across spellings (:func:`centre_key`);
- whether two cohorts are arms of one study (:func:`arms_of_one_study`);
- whether two cohorts may share patients (:func:`patient_overlap`);
- whether a cohort is a control arm, and of which kind (:func:`control_arm`);
- why two cohorts may not be pooled or tested as independent cohorts (:func:`pooling_exclusion`);
- whether an outcome is structurally incomparable between two cohorts because of their eligibility
  (:func:`incomparable_by_eligibility`);
- how a landmark rate was estimated: an observed count or a Kaplan-Meier rate (:func:`rate_basis`);

Examples
--------
>>> accrual_month("2017-06") == accrual_month("June 3 2017")
True
>>> centre_key("Peking University People's Hospital") == centre_key("peking university peoples hospital")
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .descriptor.models import ArmOf, Descriptor, Endpoint

__all__ = [
    "AGENT_CLASSES",
    "CONTROL_KINDS",
    "EXCLUSION_RULES",
    "PatientOverlap",
    "accrual_month",
    "accrual_period",
    "arms_of_one_study",
    "centre_key",
    "compared_endpoint",
    "control_arm",
    "evidence_between",
    "incomparable_by_eligibility",
    "is_control_arm",
    "patient_overlap",
    "pooling_exclusion",
    "rate_basis",
    "regimen_overlap",
]

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def compared_endpoint(desc: Descriptor) -> Endpoint | None:
    """The time-to-event endpoint a cohort is compared on: its primary endpoint other than OS, else its first.

    Parameters
    ----------
    desc : Descriptor

    Returns
    -------
    Endpoint or None
        None when the cohort reports no endpoint other than OS.
    """
    candidates = [e for e in desc.endpoints if e.name != "OS"]
    primary = [e for e in candidates if e.primary]
    chosen = primary or candidates
    return chosen[0] if chosen else None


def accrual_month(text: str | None, end: bool = False) -> int | None:
    """A date as printed ("2017-06", "June 3 2017", "2016") as a month index (year*12 + month), or None.

    Parameters
    ----------
    text : str or None
        The printed date.
    end : bool
        For a bare year, take December (the end of a period) instead of January.

    Returns
    -------
    int or None

    Examples
    --------
    >>> accrual_month("2016", end=True) - accrual_month("2016")
    11
    """
    if not text:
        return None
    s = str(text).lower()
    year = re.search(r"(19|20)\d\d", s)
    if not year:
        return None
    y = int(year.group())
    numeric = re.search(rf"{y}[-/.](\d{{1,2}})", s)
    named = next((i for m, i in _MONTHS.items() if m in s), None)
    month = int(numeric.group(1)) if numeric else named or (12 if end else 1)
    return y * 12 + month


def accrual_period(desc: Descriptor) -> tuple[int | None, int | None]:
    """Start and end of a cohort's accrual as month indices (:func:`accrual_month`); None where not reported.

    Parameters
    ----------
    desc : Descriptor

    Returns
    -------
    tuple of (int or None, int or None)
    """
    return accrual_month(desc.design.accrual_start), accrual_month(desc.design.accrual_end, end=True)


def centre_key(name: str) -> str:
    """A centre's identity across spellings: lower-case words, apostrophes and punctuation dropped.

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    return re.sub(r"[^a-z0-9]+", " ", re.sub(r"['\u2019]", "", name.lower())).strip()


def arms_of_one_study(a: Descriptor, b: Descriptor) -> bool:
    """Whether two descriptors are different arms of one (multi-arm) study (``design.arm_of``).

    Parameters
    ----------
    a, b : Descriptor

    Returns
    -------
    bool
    """
    return _arms(a, b) is not None


def _arms(a: Descriptor, b: Descriptor) -> tuple[ArmOf, ArmOf] | None:
    """The ``design.arm_of`` of both when they are different arms of one study, else None."""
    arm_a, arm_b = a.design.arm_of, b.design.arm_of
    if arm_a is not None and arm_b is not None and arm_a.study == arm_b.study and arm_a.arm != arm_b.arm:
        return arm_a, arm_b
    return None


@dataclass(frozen=True)
class PatientOverlap:
    """Why two cohorts may share patients.

    Attributes
    ----------
    registrations : tuple of str
        Registration ids both give (upper-case).
    centres : tuple of str
        Centres both name (as the first cohort spells them).
    accrual_overlaps : bool or None
        Whether the accrual periods overlap; None when either is not reported.
    """

    registrations: tuple[str, ...]
    centres: tuple[str, ...]
    accrual_overlaps: bool | None

    @property
    def possible(self) -> bool:
        """Shared registration, or a shared centre whose accrual overlaps or is not reported."""
        return bool(self.registrations) or (bool(self.centres) and self.accrual_overlaps is not False)


def _overlaps(a: Descriptor, b: Descriptor) -> bool | None:
    (sa, ea), (sb, eb) = accrual_period(a), accrual_period(b)
    if sa is None or ea is None or sb is None or eb is None:
        return None
    return sa <= eb and sb <= ea


def patient_overlap(a: Descriptor, b: Descriptor) -> PatientOverlap | None:
    """Whether two cohorts may include the same patients.

    None for arms of one study: they share registration and centres by design, not patients.

    Parameters
    ----------
    a, b : Descriptor

    Returns
    -------
    PatientOverlap or None
    """
    if arms_of_one_study(a, b):
        return None
    regs_b = {r.id.strip().upper() for r in b.design.registrations}
    registrations = tuple(dict.fromkeys(r.id.strip().upper() for r in a.design.registrations
                                        if r.id.strip().upper() in regs_b))
    keys_b = {centre_key(x) for x in b.design.centres}
    centres = tuple(dict.fromkeys(x for x in a.design.centres if centre_key(x) in keys_b))
    return PatientOverlap(registrations, centres, _overlaps(a, b) if centres else None)


_CONTROL_RE = (("placebo", re.compile(r"\bplacebo\b", re.IGNORECASE)),
               ("best_supportive_care", re.compile(r"best supportive care", re.IGNORECASE)))


def control_arm(desc: Descriptor) -> str | None:
    """The kind of control arm a cohort is (``"placebo"``, ``"best_supportive_care"``, ``"active"``), or None.

    The descriptor's ``design.arm_of.control`` decides. A randomised arm whose descriptor predates that field is
    still recognised when its arm name, label, regimen text or an agent says placebo or best supportive care (an
    active control can only be declared: nothing in its words says "control").

    Parameters
    ----------
    desc : Descriptor

    Returns
    -------
    str or None
        A code of :data:`CONTROL_KINDS`.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> def arm(control=None, randomised=True, name="x"):
    ...     return NS(design=NS(arm_of=NS(study="s", arm=name, randomised=randomised, control=control)),
    ...               label="x", regimen=NS(text="", agents=[]))
    >>> control_arm(arm("active")), control_arm(arm(name="Placebo")), control_arm(arm(name="Placebo", randomised=False))
    ('active', 'placebo', None)
    """
    arm = desc.design.arm_of
    if arm is None:
        return None
    declared = getattr(arm, "control", None)
    if declared is not None:
        return str(declared)
    if not arm.randomised:
        return None
    texts = [arm.arm, desc.label, desc.regimen.text, *(a.name for a in desc.regimen.agents)]
    return next((kind for kind, rx in _CONTROL_RE if any(rx.search(t or "") for t in texts)), None)


CONTROL_KINDS: tuple[str, ...] = ("placebo", "best_supportive_care", "active")
"""Kinds of control arm (``design.arm_of.control``)."""


def is_control_arm(desc: Descriptor) -> bool:
    """Whether a cohort is a control arm (:func:`control_arm` is not None).

    Parameters
    ----------
    desc : Descriptor

    Returns
    -------
    bool
    """
    return control_arm(desc) is not None


EXCLUSION_RULES: tuple[str, ...] = ("same-study", "shares-registration", "shares-centre")
"""Codes of :func:`pooling_exclusion`, in the order they are tested."""


def pooling_exclusion(a: Descriptor, b: Descriptor) -> tuple[str, str | None] | None:
    """Why two cohorts may not be pooled (or tested) as independent cohorts.

    The one rule of the benchmark, the pairwise contrasts and the overlap caveats:

    - ``"same-study"``: arms of one study (detail: the study) — never independent cohorts;
    - ``"shares-registration"``: both give a registration (detail: the first shared id) — they may share patients;
    - ``"shares-centre"``: both name a centre and their accrual periods overlap or are not reported (detail: the
      centre as ``a`` spells it) — they may share patients (:func:`patient_overlap`).

    Parameters
    ----------
    a, b : Descriptor

    Returns
    -------
    tuple of (str, str or None) or None
        ``(code, detail)`` of the first rule that applies, or None when they may be pooled.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> def cohort(reg, centre, start, end, arm=None):
    ...     return NS(design=NS(arm_of=arm, registrations=[NS(id=reg)], centres=[centre], accrual_start=start,
    ...                         accrual_end=end))
    >>> a = cohort("NCT1", "Peking University People's Hospital", "2017-01", "2019-06")
    >>> pooling_exclusion(a, cohort("NCT2", "peking university peoples hospital", "2018-03", "2020-01"))
    ('shares-centre', "Peking University People's Hospital")
    >>> pooling_exclusion(a, cohort("nct1", "Elsewhere", None, None))
    ('shares-registration', 'NCT1')
    >>> pooling_exclusion(a, cohort("NCT3", "Peking University People's Hospital", "2020-01", "2021-01")) is None
    True
    """
    arms = _arms(a, b)
    if arms is not None:
        return "same-study", arms[0].study
    overlap = patient_overlap(a, b)
    if overlap is None or not overlap.possible:
        return None
    if overlap.registrations:
        return "shares-registration", overlap.registrations[0]
    return "shares-centre", overlap.centres[0]


def evidence_between(a: Descriptor, b: Descriptor) -> str:
    """The evidence type of a comparison of two cohorts from their own descriptors (DESIGN.md, "Evidence types").

    ``"randomised"`` for two arms of one randomised study; ``"unanchored"`` otherwise (an anchored comparison
    needs published effects linked through a common comparator, which is decided from the effects, not here).

    Parameters
    ----------
    a, b : Descriptor

    Returns
    -------
    str
        A code of :data:`trialcompare.options.EVIDENCE`.
    """
    arms = _arms(a, b)
    if arms is not None and arms[0].randomised and arms[1].randomised:
        return "randomised"
    return "unanchored"


AGENT_CLASSES: dict[str, str] = {
    "apatinib": "vegfr-tki", "lenvatinib": "vegfr-tki", "cabozantinib": "vegfr-tki", "sorafenib": "vegfr-tki",
    "regorafenib": "vegfr-tki", "pazopanib": "vegfr-tki", "anlotinib": "vegfr-tki",
    "camrelizumab": "pd-1-inhibitor", "everolimus": "mtor-inhibitor",
    "ifosfamide": "alkylating", "etoposide": "topoisomerase-ii-inhibitor", "gemcitabine": "antimetabolite",
    "docetaxel": "taxane",
}
"""The drug class of an agent (lower-case name), for regimen similarity; an agent not listed has no class."""


def regimen_overlap(a: Descriptor, b: Descriptor) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What two regimens share: the agents by name, and the classes of the agents they do not share by name.

    Parameters
    ----------
    a, b : Descriptor

    Returns
    -------
    (tuple of str, tuple of str)
        Shared agents and further shared drug classes (:data:`AGENT_CLASSES`).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> def d(*names):
    ...     return NS(regimen=NS(agents=[NS(name=n) for n in names]))
    >>> regimen_overlap(d("apatinib", "ifosfamide", "etoposide"), d("lenvatinib", "ifosfamide", "etoposide"))
    (('etoposide', 'ifosfamide'), ('vegfr-tki',))
    """
    names_a = {x.name.strip().lower() for x in a.regimen.agents}
    names_b = {x.name.strip().lower() for x in b.regimen.agents}
    shared = names_a & names_b
    classes_a = {AGENT_CLASSES[n] for n in names_a - shared if n in AGENT_CLASSES}
    classes_b = {AGENT_CLASSES[n] for n in names_b - shared if n in AGENT_CLASSES}
    return tuple(sorted(shared)), tuple(sorted(classes_a & classes_b))


RESECTION_OUTCOMES = ("surgical_remission",)
"""Outcome variables that depend on whether resection was possible (complete surgical remission)."""


def resectability(desc: Descriptor) -> str:
    """Whether a cohort enrolled resectable disease, as its descriptor records the source: ``"included"``,
    ``"excluded"`` or ``"not_stated"`` (also when no eligibility is recorded)."""
    elig = desc.design.eligibility
    return elig.resectable if elig is not None else "not_stated"


def incomparable_by_eligibility(outcome: str, a: Descriptor, b: Descriptor) -> str | None:
    """Why ``outcome`` cannot be compared between two cohorts because of who could enrol, or None.

    An outcome that depends on resection (complete surgical remission, :data:`RESECTION_OUTCOMES`) is
    structurally incomparable between a cohort that enrolled patients with resectable disease and one whose
    eligibility excluded them: the second cannot have it by design, so a difference measures eligibility, not
    treatment. Where either source does not state resectability, nothing is assumed (None).

    Parameters
    ----------
    outcome : str
        An outcome name of the comparison ("surgical_remission:yes", "best_response:PR", "ORR").
    a, b : Descriptor

    Returns
    -------
    str or None
        The code ``"eligibility"`` (the differences' ``not_comparable_reason``), or None.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> def cohort(resectable):
    ...     return NS(design=NS(eligibility=NS(resectable=resectable)))
    >>> incomparable_by_eligibility("surgical_remission:yes", cohort("included"), cohort("excluded"))
    'eligibility'
    >>> incomparable_by_eligibility("best_response:PR", cohort("included"), cohort("excluded")) is None
    True
    >>> incomparable_by_eligibility("surgical_remission:yes", cohort("included"), cohort("not_stated")) is None
    True
    """
    if outcome.partition(":")[0] not in RESECTION_OUTCOMES:
        return None
    return "eligibility" if {resectability(a), resectability(b)} == {"included", "excluded"} else None


def rate_basis(row: Mapping[str, Any]) -> str:
    """How a landmark rate was estimated.

    ``observed`` (a count n/N, or the binomial estimator), ``kaplan-meier``, or ``unspecified``.

    Parameters
    ----------
    row : mapping
        A row of the frame (``estimator``, ``n``).

    Returns
    -------
    str

    Examples
    --------
    >>> rate_basis({"estimator": "binomial", "n": 13}), rate_basis({"estimator": "kaplan-meier", "n": None})
    ('observed', 'kaplan-meier')
    >>> rate_basis({"estimator": "unspecified", "n": None})
    'unspecified'
    """
    if row.get("estimator") == "binomial" or row.get("n") is not None:
        return "observed"
    return "kaplan-meier" if row.get("estimator") == "kaplan-meier" else "unspecified"




def median_months(row: Mapping[str, Any]) -> float | None:
    """A median of the comparison's outcomes in months, whatever unit it was printed in (16.4 weeks = 3.8 months),
    so that medians of different cohorts are set side by side on one scale.

    Parameters
    ----------
    row : mapping
        An outcome row with ``estimate`` and ``unit`` (null or ``"months"`` for months).

    Returns
    -------
    float or None

    Examples
    --------
    >>> round(median_months({"estimate": 16.4, "unit": "weeks"}), 2), median_months({"estimate": 4.5, "unit": None})
    (3.77, 4.5)
    """
    from .options import to_months

    value, unit = row["estimate"], row.get("unit")
    if value is None or unit in (None, "months"):
        return value
    return to_months(value, unit)
