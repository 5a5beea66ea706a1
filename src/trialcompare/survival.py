"""Survival analysis: Kaplan-Meier, median and its interval, RMST, log-rank, Cox, IPD reconstruction.

Public facade of :mod:`trialcompare.stats.survival`; see there for the details.
"""

from __future__ import annotations

from trialcompare.stats.survival import (
    CoxResult,
    KaplanMeier,
    LogRankResult,
    cox_ph,
    kaplan_meier,
    logrank_test,
    reconstruct_ipd,
    rmst,
)

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
