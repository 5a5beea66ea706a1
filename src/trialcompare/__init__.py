"""trialcompare: compare published clinical-trial cohorts that were never randomised against each other.

>>> import trialcompare as tc
>>> from trialcompare.resources import data_dir
>>> trials = data_dir("trials")     # the bundled descriptors (in a checkout, the trials/ folder: tc.load("trials"))
>>> cs = tc.load(*sorted(trials.glob("*.yaml")))  # the four Table IV cohorts; tc.load(trials) adds library/
>>> cs.ids
['apatinib-camrelizumab', 'apatinib-ie', 'apatinib', 'ie']
>>> findings = tc.check(cs)
>>> sorted(f.field for f in findings if f.cohort == "ie" and f.code == "PCT-MISMATCH")
['endpoint.EFS.censored', 'outcome.best_response.PR']
>>> cmp = tc.compare(cs, reference="apatinib-ie")
>>> cmp.table().columns[2]
'Apatinib + IE [reference] (N=33)'

Heavy parts (statistics, rendering) are imported on first use, so ``trialcompare validate`` starts fast.
Pooling, survival and MAIC live in their packages: :mod:`trialcompare.meta`, :mod:`trialcompare.survival`,
:mod:`trialcompare.maic`.
"""

from __future__ import annotations

from typing import Any

from .load import Cohort, CohortSet, DescriptorError, Problem, load

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "AnalysisError",
    "Cohort",
    "CohortSet",
    "Comparison",
    "DescriptorError",
    "Finding",
    "Problem",
    "analyse",
    "check",
    "compare",
    "load",
]

_LAZY = {
    "analyse": ("trialcompare.analysis", "analyse"),
    "Analysis": ("trialcompare.analysis", "Analysis"),
    "AnalysisError": ("trialcompare.analysis", "AnalysisError"),
    "check": ("trialcompare.checks", "check"),
    "Finding": ("trialcompare.checks", "Finding"),
    "compare": ("trialcompare.comparison", "compare"),
    "Comparison": ("trialcompare.comparison", "Comparison"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'trialcompare' has no attribute {name!r}")
