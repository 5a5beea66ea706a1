"""Printed values as they are shown: exactly as printed, or rounded on their decimal digits (issue 10, item 7).

Part of :mod:`trialcompare.descriptor.printed`, which re-exports :func:`display`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["display"]

_DISPLAY_NUM = re.compile(r"(?<![\w.])(?P<int>\d+)\.(?P<frac>\d+)(?![\d.])(?!\s*%\s*CI)", re.IGNORECASE)


def display(printed: str | int | float, decimals: int | None = None) -> str:
    """A printed value as it is to be shown: exactly as printed, or rounded on its decimal digits.

    Without ``decimals`` the printed text is returned unchanged (its decimals kept: ``"60.60"`` stays
    ``"60.60"``). With ``decimals`` every number printed with more decimals is rounded half away from zero on its
    decimal string (:class:`decimal.Decimal`, never a float: ``"10.85"`` → ``"10.9"``, where float rounding gives
    10.8); numbers with fewer decimals are left as printed (no digits are invented), interval labels
    (``"95% CI"``) and words (``"NE"``, ``"not estimable"``, ``"NR"``) are kept.

    Parameters
    ----------
    printed : str, int or float
        The value as printed.
    decimals : int, optional
        Round to this many decimals.

    Returns
    -------
    str

    Examples
    --------
    >>> display("17.61 (95% CI 10.85-24.37)", 1)
    '17.6 (95% CI 10.9-24.4)'
    >>> display("10.1-not estimable", 0)
    '10-not estimable'
    >>> display("60.60")
    '60.60'
    """
    text = str(printed)
    if decimals is None:
        return text
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    quantum = Decimal(1).scaleb(-decimals)

    def rounded(m: re.Match[str]) -> str:
        if len(m["frac"]) <= decimals:
            return m.group()
        return str(Decimal(m.group()).quantize(quantum, rounding=ROUND_HALF_UP))

    return _DISPLAY_NUM.sub(rounded, text)
