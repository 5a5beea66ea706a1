"""The phrasebook: the one place a judgement fact becomes words.

A phrase is a function ``(fact, words) -> str`` registered for one fact code with :func:`phrase`. It builds its
sentence from the fact's parameters only — a count, a threshold, whether the rule tested every cohort or some — so
that the words follow what the rule found. Each phrase registers an example fact; the tests vary every parameter of
that example and check that the sentence changes (:data:`EXAMPLES`), and that "every" appears only where the fact
says ``all=True``. One phrasebook, kept in a few modules by topic (the core and the verdict, risk of bias, caveats,
the benchmark, the population adjustment); importing it registers every phrase.

Examples
--------
>>> from trialcompare.appraise.facts import fact
>>> w = Words({"a": "Apatinib", "b": "IE alone"})
>>> say(fact("small-cohorts", below=("a",), limit=50, all=False), w)
'Apatinib has fewer than 50 patients.'
"""

from __future__ import annotations

from . import _benchmark, _caveats, _maic, _rob  # noqa: F401  (importing them registers their phrases)
from ._benchmark import outcome_name
from ._core import *  # noqa: F403
from ._core import __all__ as _core_all
from ._rob import ROB_DESIGNS, ROB_DOMAINS, ROB_REASONS

__all__ = [*_core_all, "ROB_DESIGNS", "ROB_DOMAINS", "ROB_REASONS", "outcome_name"]
