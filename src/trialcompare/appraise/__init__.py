"""Judgement as facts: every rule a reviewer applies to a cross-study comparison, written once.

The rules here read the comparison, the descriptors and the integrity findings and return typed
:class:`~trialcompare.appraise.facts.Fact` objects or polars frames with structured columns — never sentences.
:mod:`trialcompare.render.phrasebook` is the one place facts become words.
"""

from .facts import Fact, fact, params_of

__all__ = ["Fact", "fact", "params_of"]
