"""The harmonized vocabulary: variable, level and endpoint names every descriptor must use.

A name outside the vocabulary is an error that suggests the nearest known name. A level may also be a
union of known levels written with ``|`` (``"1|2"`` for "ECOG 1 or 2", ``"2|3"`` for "two or more lines"),
which the integrity checks compare against the sum of its parts.

A quantity printed both as categories and as a summary has one variable of each kind: ``prior_lines``
(categorical, patients by number of lines) and ``prior_lines_number`` (continuous, e.g. "an average of 2.3 prior
therapy regimens", any of :data:`CONTINUOUS_KINDS`); the two are never compared with each other.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

__all__ = [
    "CONTINUOUS_KINDS",
    "ENDPOINTS",
    "INTERVAL_TYPES",
    "RATES",
    "SYNONYMS",
    "VARIABLES",
    "Variable",
    "check_level",
    "check_variable",
    "suggest",
    "suggest_variable",
    "vocabulary_text",
]


@dataclass(frozen=True)
class Variable:
    """A harmonized variable: its kind, display label and allowed levels (categorical only).

    Attributes
    ----------
    name : str
    kind : {"categorical", "continuous"}
    label : str
        The display label.
    levels : tuple of str
        The allowed levels (categorical only).
    unit : str or None
    """

    name: str
    kind: str  # "categorical" | "continuous"
    label: str
    levels: tuple[str, ...] = ()
    unit: str | None = None


def _cat(name: str, label: str, *levels: str) -> Variable:
    return Variable(name, "categorical", label, tuple(levels))


_YES_NO = ("yes", "no")

VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable("age", "continuous", "Age, years", unit="years"),
        _cat("age_group", "Age group (Collins et al.)", "child", "adolescent", "adult"),
        _cat("sex", "Sex", "male", "female"),
        _cat("ecog", "ECOG performance status", "0", "1", "2", "3", "4"),
        _cat("lesion_site", "Target lesions before treatment", "lung", "musculoskeletal",
             "lung+musculoskeletal", "lung+bone+other"),
        _cat("prior_lines", "Lines of previous systemic therapy", "1", "2", "3"),
        Variable("prior_lines_number", "continuous", "Number of previous systemic therapy lines", unit="lines"),
        _cat("subtype", "Osteosarcoma subtype", "canonical", "small_cell", "telangiectatic"),
        _cat("resistance_mapi", "Resistance to MAP/I chemotherapy", *_YES_NO),
        _cat("resistance_ie", "Resistance to IE chemotherapy", *_YES_NO),
        _cat("resistance_apatinib", "Resistance to apatinib", *_YES_NO),
        _cat("best_response", "Best overall response", "CR", "PR", "SD", "PD", "NE"),
        _cat("status_last_follow_up", "Status at last follow-up", "NED", "AWD", "DOD"),
        _cat("surgical_remission", "Complete surgical remission", *_YES_NO),
    )
}

ENDPOINTS: dict[str, str] = {
    "EFS": "Event-free survival",
    "PFS": "Progression-free survival",
    "OS": "Overall survival",
    "TTP": "Time to progression",
    "DOR": "Duration of response",
}

# Derived response rates and which best-response levels their numerator counts.
RATES: dict[str, tuple[str, ...]] = {
    "ORR": ("CR", "PR"),
    "DCR": ("CR", "PR", "SD"),
    "CBR": ("CR", "PR", "SD"),
}

INTERVAL_TYPES = ("95% CI", "IQR", "range", "90% CI", "80% CI")

#: Names a publication or a curator uses for a harmonized variable (lower case, words joined by "_").
SYNONYMS: dict[str, str] = {
    "gender": "sex",
    "performance_status": "ecog", "ps": "ecog", "who": "ecog", "who_ps": "ecog", "ecog_ps": "ecog",
    "who_performance_status": "ecog", "ecog_performance_status": "ecog",
    "lines": "prior_lines", "prior_therapies": "prior_lines", "previous_lines": "prior_lines",
    "lines_of_therapy": "prior_lines", "prior_regimens": "prior_lines",
    "number_of_prior_lines": "prior_lines_number", "mean_prior_lines": "prior_lines_number",
    "median_prior_lines": "prior_lines_number", "prior_regimens_number": "prior_lines_number",
    "age_years": "age", "age_at_enrolment": "age", "age_at_enrollment": "age",
    "response": "best_response", "bor": "best_response", "best_overall_response": "best_response",
    "histology": "subtype", "histological_subtype": "subtype",
    "metastatic_site": "lesion_site", "metastases": "lesion_site", "site_of_disease": "lesion_site",
}

CONTINUOUS_KINDS = ("mean_sd", "mean_sd_ci", "mean_ci", "median", "median_iqr", "median_range", "median_ci",
                    "mean", "mean_range", "median_iqr_range")
"""Summary kinds of a continuous variable. ``mean`` is a mean printed alone (``"35.24"``), ``mean_range`` a mean
with its range (``"mean 35.24 (range 11-73)"``), ``median_iqr_range`` a median with both its IQR and its range
(``"median 42 (IQR 30-55; range 18-76)"``)."""


LEVEL_WORDS: dict[str, str] = {
    "complete": "CR", "complete response": "CR", "partial": "PR", "partial response": "PR", "stable": "SD",
    "stable disease": "SD", "progressive": "PD", "progression": "PD", "progressive disease": "PD",
    "not evaluable": "NE", "not assessable": "NE",
}
"""Words a source prints for a best-response level, and the level's code (a refusal suggests it)."""


def suggest(name: str, known: list[str] | tuple[str, ...]) -> str:
    """Return ``"; did you mean 'x'?"`` for the nearest known name, or ``""`` when none is close.

    Parameters
    ----------
    name : str
        The unknown name.
    known : sequence of str
        The allowed names.

    Returns
    -------
    str

    Examples
    --------
    >>> suggest("ecgo", ["ecog", "sex"])
    "; did you mean 'ecog'?"
    """
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    if not close:
        close = [k for k in known if k.lower() == name.lower()]
    return f"; did you mean {close[0]!r}?" if close else ""


def suggest_variable(name: str) -> str:
    """``"; did you mean 'x'?"`` for an unknown variable: its synonym (:data:`SYNONYMS`) first, else the nearest name.

    Parameters
    ----------
    name : str
        The unknown variable name.

    Returns
    -------
    str

    Examples
    --------
    >>> suggest_variable("gender"), suggest_variable("Performance status"), suggest_variable("ecgo")
    ("; did you mean 'sex'?", "; did you mean 'ecog'?", "; did you mean 'ecog'?")
    """
    key = "_".join(name.strip().lower().replace("-", " ").split())
    if key in SYNONYMS:
        return f"; did you mean {SYNONYMS[key]!r}?"
    return suggest(name, list(VARIABLES))


def check_variable(name: str, kind: str | None = None) -> Variable:
    """Look up a harmonized variable, raising ``ValueError`` with a suggestion when unknown.

    Parameters
    ----------
    name : str
        Variable name as written in the descriptor.
    kind : {"categorical", "continuous"}, optional
        The kind the caller needs.

    Returns
    -------
    Variable
    """
    var = VARIABLES.get(name)
    if var is None:
        raise ValueError(f"unknown variable {name!r}{suggest_variable(name)} (variables: {', '.join(VARIABLES)}; "
                         "trialcompare schema --vocabulary lists them)")
    if kind is not None and var.kind != kind:
        raise ValueError(f"variable {name!r} is {var.kind}, not {kind}")
    return var


def check_level(var: Variable, level: str) -> str:
    """Validate a level (or a ``|``-union of levels) of a categorical variable.

    Parameters
    ----------
    var : Variable
        A categorical variable.
    level : str
        The level as written.

    Returns
    -------
    str
        The level, unchanged.
    """
    for part in level.split("|"):
        if part not in var.levels:
            allowed = ", ".join(var.levels)
            hint = LEVEL_WORDS.get(part.strip().lower()) if var.name == "best_response" else None
            said = f"; did you mean {hint!r}?" if hint in var.levels else suggest(part, var.levels)
            raise ValueError(f"unknown level {part!r} of {var.name}{said} (levels: {allowed})")
    return level


def vocabulary_text() -> str:
    """Format the harmonized vocabulary as a readable list (``trialcompare schema --vocabulary``).

    Returns
    -------
    str
        Lines of text under headings: the variables (kind, levels or unit, label and synonyms), endpoints and
        rates one per line, then the continuous summary kinds, interval types and time units.

    Examples
    --------
    >>> text = vocabulary_text()
    >>> next(line.split() for line in text.splitlines() if line.startswith("  sex "))
    ['sex', 'categorical:', 'male,', 'female', '(Sex;', 'also:', 'gender)']
    """
    from ..options import TIME_UNITS

    also: dict[str, list[str]] = {}
    for synonym, name in SYNONYMS.items():
        also.setdefault(name, []).append(synonym)
    width = max(map(len, VARIABLES))
    lines = ["Variables (baseline: and outcomes: entries; `variable:`)"]
    for v in VARIABLES.values():
        what = f"categorical: {', '.join(v.levels)}" if v.levels else f"continuous ({v.unit or 'no unit'})"
        synonyms = f"; also: {', '.join(also[v.name])}" if v.name in also else ""
        lines.append(f"  {v.name:<{width}}  {what}  ({v.label}{synonyms})")
    lines += ["", "  a level may be a union of levels written with '|': ecog \"1|2\"", "",
              "Endpoints (endpoints[].name, effects[].endpoint)"]
    lines += [f"  {name:<5} {label}" for name, label in ENDPOINTS.items()]
    lines += ["", "Rates (rates[].name), with the best-response levels they count"]
    lines += [f"  {name:<5} {' + '.join(levels)}" for name, levels in RATES.items()]
    lines += ["  or a named proportion: custom:NAME, ae:TERM:grade3", "",
              f"Continuous kinds (baseline[].kind): {', '.join(CONTINUOUS_KINDS)}",
              f"Interval types (interval:): {', '.join(INTERVAL_TYPES)}",
              f"Time units (unit:): {', '.join(TIME_UNITS)}"]
    return "\n".join(lines) + "\n"
