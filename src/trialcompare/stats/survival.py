"""Survival analysis pinned to R survival 3.5: Kaplan-Meier, median and its interval, RMST, log-rank, Cox.

Also the reconstruction of individual patient data from a digitised Kaplan-Meier curve (Guyot et al. 2012).
Functions take plain sequences (lists, numpy arrays, polars Series) and return numbers, frozen dataclasses
or polars DataFrames. Invalid input raises ``ValueError``.
"""

from __future__ import annotations

from trialcompare.stats._cox import CoxResult, cox_ph
from trialcompare.stats._guyot import reconstruct_ipd
from trialcompare.stats._km import KaplanMeier, kaplan_meier, rmst
from trialcompare.stats._logrank import LogRankResult, logrank_test

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
