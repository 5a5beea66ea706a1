"""The harms table as text cells (a terminal, a spreadsheet, the report): formatting of
:func:`trialcompare.harms.harms_table`, which computes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from ..load import CohortSet

__all__ = ["harms_cells", "nothing_at_grade"]

_SHOWN_TERMS = 6
"""How many terms of a band the "nothing at this grade" sentence names before "and k more"."""


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _text(r: dict[str, Any]) -> str:
    """One cell as text: n/N (x%; CI lo-hi), k episodes, reported without a count, or not reported."""
    if not r["reported"]:
        return "not reported"
    if r["episodes"] is not None:
        return f"{r['episodes']} episodes (printed {r['printed']})"
    if r["patients"] is None:
        return "reported, no count" + (f" (printed {r['printed']})" if r["printed"] else "")
    text = f"{r['patients']}/{r['denominator']}"
    if r["proportion"] is not None:
        text += f" ({_pct(r['proportion'])}%; {r['ci_level'] * 100:g}% CI {_pct(r['lower'])}-{_pct(r['upper'])})"
    if r["count_basis"] == "implied-by-percentage":
        text += f" [count implied by printed {r['printed']}]"
    if r["grade"] and r["grade_printed"] != r["grade"]:
        text += f" [grade {r['grade_printed']} printed]"
    return text


def harms_cells(table: pl.DataFrame) -> pl.DataFrame:
    """:func:`trialcompare.harms.harms_table` as text cells for a terminal or a spreadsheet.

    One row per item, one column per cohort (and a ``RD <cohort> − <reference>, %`` column per other cohort).

    Parameters
    ----------
    table : polars.DataFrame
        The result of :func:`trialcompare.harms.harms_table`.

    Returns
    -------
    polars.DataFrame
        String columns ``item``, ``grade``, then the cohorts.
    """
    cohorts = list(dict.fromkeys(table["cohort"].to_list()))
    out: list[dict[str, str]] = []
    for (section, term, grade), rows in table.group_by(["section", "term", "grade"], maintain_order=True):
        by = {r["cohort"]: r for r in rows.iter_rows(named=True)}
        row = {"item": f"{section}: {term}", "grade": grade or ""}
        for cid in cohorts:
            row[cid] = _text(by[cid])
        reference = next(c for c in cohorts if by[c]["is_reference"])
        for cid in cohorts:
            r = by[cid]
            if not r["is_reference"]:
                row[f"RD {cid} − {reference}, %"] = "" if r["rd"] is None else \
                    f"{_pct(r['rd'])} ({_pct(r['rd_lower'])} to {_pct(r['rd_upper'])})"
        out.append(row)
    return pl.DataFrame(out, schema=dict.fromkeys(out[0] if out else ["item", "grade"], pl.String))



def _at(band: str) -> str:
    return "at any grade" if band == "any" else f"at grade {band.replace('>=', '≥')}"


def nothing_at_grade(cohorts: CohortSet, grade: str, hint: str, minimum: int = 2) -> str | None:
    """The sentence that says no adverse event is compared at ``grade``, and which grades do have data.

    None when some term is reported at ``grade`` by ``minimum`` cohorts (the harms table has event rows).

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    grade : str
        The grade band asked for (``>=3`` is also answered by a printed 3-4, 3, 4 or 5).
    hint : str
        How to ask for another band, with ``{band}`` in it (``"use --grade {band}"``).
    minimum : int
        How many cohorts must report a term for it to be compared.

    Returns
    -------
    str or None

    Examples
    --------
    >>> import trialcompare as tc
    >>> print(nothing_at_grade(tc.load("tests/fixtures/newcomer"), ">=3", "use --grade {band}"))
    no adverse event is reported at grade ≥3 by 2 or more cohorts; reported at any grade: hypertension (3 cohorts), \
palmar-plantar erythrodysesthesia syndrome (3 cohorts), proteinuria (1 cohort); use --grade any
    >>> nothing_at_grade(tc.load("tests/fixtures/newcomer"), "any", "use --grade {band}") is None
    True
    """
    from ..descriptor.harms import normalise_grade
    from ..harms import _bands, harms_terms, terms_by_grade

    band = normalise_grade(grade)
    if harms_terms(cohorts, band, minimum):
        return None
    others = {b: terms for b, terms in terms_by_grade(cohorts).items() if b not in _bands(band)}
    parts = []
    for b, terms in others.items():
        named = [f"{t} ({n} cohort{'' if n == 1 else 's'})" for t, n in terms[:_SHOWN_TERMS]]
        more = f" and {len(terms) - _SHOWN_TERMS} more" if len(terms) > _SHOWN_TERMS else ""
        parts.append(f"reported {_at(b)}: {', '.join(named)}{more}")
    comparable = [b for b, terms in others.items() if terms[0][1] >= minimum]
    text = f"no adverse event is reported {_at(band)} by {minimum} or more cohorts"
    if parts:
        text += "; " + "; ".join(parts)
    if comparable:
        text += "; " + " or ".join(hint.format(band=b) for b in comparable)
    return text
