"""The harms table as text cells (a terminal, a spreadsheet, the report): formatting of
:func:`trialcompare.harms.harms_table`, which computes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from ..harms import NothingAtGrade

__all__ = ["harms_cells", "nothing_at_grade_words"]

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
        printed = "not stated" if r["grade_printed"] == "not_stated" else f"{r['grade_printed']} printed"
        text += f" [grade {printed}]"
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


def nothing_at_grade_words(gap: NothingAtGrade, hint: str) -> str:
    """The sentence that says no adverse event is compared at a grade, and which grades do have data.

    Parameters
    ----------
    gap : NothingAtGrade
        :func:`trialcompare.harms.nothing_at_grade`.
    hint : str
        How to ask for another band, with ``{band}`` in it (``"use --grade {band}"``).

    Returns
    -------
    str

    Examples
    --------
    >>> from trialcompare.harms import NothingAtGrade
    >>> gap = NothingAtGrade(">=3", 2, {"any": [("hypertension", 3), ("proteinuria", 1)]}, ("any",))
    >>> print(nothing_at_grade_words(gap, "use --grade {band}"))
    no adverse event is reported at grade ≥3 by 2 or more cohorts; reported at any grade: hypertension (3 cohorts), \
proteinuria (1 cohort); use --grade any
    """
    parts = []
    for b, terms in gap.others.items():
        named = [f"{t} ({n} cohort{'' if n == 1 else 's'})" for t, n in terms[:_SHOWN_TERMS]]
        more = f" and {len(terms) - _SHOWN_TERMS} more" if len(terms) > _SHOWN_TERMS else ""
        parts.append(f"reported {_at(b)}: {', '.join(named)}{more}")
    text = f"no adverse event is reported {_at(gap.grade)} by {gap.minimum} or more cohorts"
    if parts:
        text += "; " + "; ".join(parts)
    if gap.comparable:
        text += "; " + " or ".join(hint.format(band=b) for b in gap.comparable)
    return text
