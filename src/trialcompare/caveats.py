"""Caveats (kept importable): the rules live in :mod:`trialcompare.appraise.caveats`, their words in
:mod:`trialcompare.render.phrasebook`.

>>> from trialcompare.caveats import derive_caveats
>>> from trialcompare.appraise.caveats import derive_caveats as moved
>>> derive_caveats is moved
True
"""

from __future__ import annotations

from .appraise.caveats import CAVEAT_RULES, SMD_MAJOR, Caveat, caveats_for, derive_caveats

__all__ = ["CAVEAT_RULES", "SMD_MAJOR", "Caveat", "caveats_for", "derive_caveats"]
