"""Survival analysis pinned to R survival 3.5: Kaplan-Meier, median and its interval, RMST, log-rank, Cox.

Also the reconstruction of individual patient data from a digitised Kaplan-Meier curve (Guyot et al. 2012) and the
cohort-level survival of descriptors with digitised curves (:mod:`trialcompare.survival.cohorts`).
Functions take plain sequences (lists, numpy arrays, polars Series) and return numbers, frozen dataclasses
or polars DataFrames. Invalid input raises ``ValueError``.
"""

from ._cox import CoxResult, cox_ph
from ._guyot import reconstruct_ipd
from ._km import KaplanMeier, kaplan_meier, rmst
from ._logrank import LogRankResult, logrank_test

__all__ = [
    "CoxResult",
    "KaplanMeier",
    "LogRankResult",
    "cox_ph",
    "kaplan_meier",
    "logrank_test",
    "reconstruct_ipd",
    "rmst",
]
