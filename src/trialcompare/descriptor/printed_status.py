"""What a printed estimate or bound is: a number, or a word for one that is not (NR, NE, NA).

Part of :mod:`trialcompare.descriptor.printed`, which re-exports :func:`bound_status`.
"""

from __future__ import annotations

import re

__all__ = ["bound_status"]

_STATUS = {"nr": "not-reached", "not reached": "not-reached", "ne": "not-estimable",
           "not estimable": "not-estimable", "na": "not-available"}


def bound_status(text: str | None) -> str | None:
    """What a printed estimate or bound is: ``"value"``, ``"not-reached"``, ``"not-estimable"``, ``"not-available"``.

    Parameters
    ----------
    text : str or None
        The printed bound (None when no bound was printed).

    Returns
    -------
    str or None
        One of :data:`trialcompare.options.BOUND_STATUSES`; None for None.

    Examples
    --------
    >>> bound_status("NR"), bound_status("not estimable"), bound_status("NE"), bound_status("12.6")
    ('not-reached', 'not-estimable', 'not-estimable', 'value')
    """
    if text is None:
        return None
    return _STATUS.get(re.sub(r"\s+", " ", text.strip().lower()), "value")
