"""Limitations merged by theme and ranked by how much each could change the conclusion.

Rules
-----
Every caveat (:mod:`trialcompare.appraise.caveats`) belongs to one theme (:data:`THEMES`); a theme is one limitation,
and the limitations are ranked by the theme's rank (what could overturn a cross-study conclusion first: no
randomisation, then selection, overlap, eligibility, how outcomes were assessed and defined, imbalance, data errors,
numbers read in secondary sources, follow-up, sample size), major before minor within a theme. At most
:data:`MAX_LIMITATIONS` are listed.

Examples
--------
>>> from trialcompare.appraise.caveats import Caveat
>>> from trialcompare.appraise.facts import fact
>>> c = [Caveat("IMBALANCE", "minor", ("a",), (), fact("imbalance")),
...      Caveat("POSSIBLE-OVERLAP", "major", ("a", "b"), (), fact("possible-overlap"))]
>>> [(lim.theme, lim.rank) for lim in limitations(c)]
[('overlap', 2), ('imbalance', 6)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .caveats import Caveat
    from .facts import Fact

__all__ = ["FACT_THEMES", "MAX_LIMITATIONS", "THEMES", "THEME_RANK", "Limitation", "limitations"]

MAX_LIMITATIONS = 12
"""At most this many limitations are listed: one per theme of :data:`THEME_RANK`, so that adding the theme
``sources`` pushes no other theme (small cohorts, follow-up) off the list."""

THEME_RANK = ("non-randomised", "selection", "overlap", "eligibility", "assessment", "endpoints", "imbalance",
              "population-adjustment", "data-errors", "sources", "follow-up", "sample-size")
"""Themes, most consequential first."""

THEMES: dict[str, str] = {
    "NON-RANDOMISED": "non-randomised",
    "DESIGN-DIFFERS": "selection",
    "POSSIBLE-OVERLAP": "overlap",
    "ELIGIBILITY-DIFFERS": "eligibility",
    "ENDPOINT-DIFFERS": "endpoints",
    "DEFINITION-DIFFERS": "endpoints",
    "RESECTION": "endpoints",
    "INTERVAL-TYPES": "endpoints",
    "IMBALANCE": "imbalance",
    "DATA-ERRORS": "data-errors",
    "DENOMINATOR": "data-errors",
    "FOLLOW-UP": "follow-up",
    "SMALL-SAMPLE": "sample-size",
}
"""The theme of each caveat code."""


@dataclass(frozen=True)
class Limitation:
    """One limitation: a theme and the caveats it merges.

    Attributes
    ----------
    theme : str
        One of :data:`THEME_RANK`.
    rank : int
        Its position in :data:`THEME_RANK` (0 most consequential).
    severity : str
        ``major`` when any of its caveats is major.
    caveats : tuple of Caveat
    facts : tuple of Fact
        Other rules' facts under the theme (e.g. a MAIC's diagnostics).
    """

    theme: str
    rank: int
    severity: str
    caveats: tuple[Caveat, ...]
    facts: tuple[Fact, ...] = ()


FACT_THEMES: dict[str, str] = {
    "maic-diagnostics": "population-adjustment", "maic-unmatched": "population-adjustment",
    "maic-endpoint-mismatch": "population-adjustment", "maic-assessment": "population-adjustment",
    "maic-overlap": "population-adjustment",
    "selection-signal": "selection", "selection-exclusions": "selection", "itt-label-contradicted": "selection",
    "assessment-retrospective": "assessment", "harms-ascertainment": "assessment",
    "age-eligibility": "eligibility", "overlap-printed": "overlap", "report-date-before-cited": "data-errors",
    "secondary-source-numbers": "sources", "mixed-histology": "eligibility",
}
"""The theme of facts from other rules that are limitations too."""


def limitations(caveats: Iterable[Caveat], facts: Iterable[Fact] = ()) -> tuple[Limitation, ...]:
    """Merge caveats (and other rules' facts) by theme and rank the themes.

    Parameters
    ----------
    caveats : iterable of Caveat
    facts : iterable of Fact
        Facts of other rules whose code has a theme in :data:`FACT_THEMES` (others are ignored).

    Returns
    -------
    tuple of Limitation
        At most :data:`MAX_LIMITATIONS`, most consequential first.
    """
    by_theme: dict[str, list[Caveat]] = {}
    for c in caveats:
        by_theme.setdefault(THEMES.get(c.code, "data-errors"), []).append(c)
    extra: dict[str, list[Fact]] = {}
    for f in facts:
        if f.code in FACT_THEMES:
            extra.setdefault(FACT_THEMES[f.code], []).append(f)
    out = []
    for theme in dict.fromkeys([*by_theme, *extra]):
        items = sorted(by_theme.get(theme, []), key=lambda c: c.severity != "major")
        severity = "major" if any(c.severity == "major" for c in items) or theme in extra else "minor"
        out.append(Limitation(theme, THEME_RANK.index(theme), severity, tuple(items), tuple(extra.get(theme, []))))
    out.sort(key=lambda lim: lim.rank)
    return tuple(out[:MAX_LIMITATIONS])
