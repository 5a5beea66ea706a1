"""Population-adjusted comparison when one cohort has individual patient data: MAIC and STC, pinned to R.

Matching-adjusted indirect comparison (MAIC; Signorovitch et al. 2010, NICE DSU TSD 18) reweights the IPD so
that its covariate moments equal the comparator's published aggregates (:func:`maic_weights`), then compares
outcomes with the weights (:func:`weighted_odds_ratio`, :func:`weighted_hazard_ratio`, ...), with sandwich or
bootstrap intervals. Simulated treatment comparison (STC) predicts the IPD's outcome at the comparator's
covariate means by outcome regression (:func:`stc_binary`, :func:`stc_survival`). Targets are read from a
comparator's descriptor through a small mapping file (:func:`targets_from_cohort`).

Every such comparison of cohorts from different studies is unanchored: it assumes that all prognostic factors
and effect modifiers are matched, which cannot be checked from the data.

Names are imported lazily, so that ``trialcompare`` commands which do not use MAIC do not load its stack.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "AnchoredError",
    "AnchoredResult",
    "BootstrapResult",
    "CohortTargets",
    "Criterion",
    "EligibilityResult",
    "Estimate",
    "MaicAnalysis",
    "MaicError",
    "MaicInputError",
    "MaicWeights",
    "MappingEntries",
    "MappingEntry",
    "MarginalStcResult",
    "StcFailure",
    "StcFlag",
    "StcResult",
    "Unmatched",
    "Verdict",
    "WeightDiagnostics",
    "apply_eligibility",
    "bootstrap_hazard_ratio",
    "bootstrap_odds_ratio",
    "comparator_criteria",
    "full_balance",
    "load_mapping",
    "maic_analysis",
    "maic_weights",
    "read_ipd_csv",
    "simulate_covariates",
    "stc_binary",
    "stc_marginal_binary",
    "stc_marginal_survival",
    "stc_survival",
    "targets_from_cohort",
    "weight_diagnostics",
    "weighted_hazard_ratio",
    "weighted_odds_ratio",
    "weighted_risk_difference",
    "weighted_risk_ratio",
]

_WHERE = {
    "AnchoredError": "_errors",
    "AnchoredResult": "_anchored",
    "MaicError": "_errors",
    "MaicInputError": "_errors",
    "MaicWeights": "_weights",
    "maic_weights": "_weights",
    "Estimate": "_effects",
    "weighted_hazard_ratio": "_effects",
    "weighted_odds_ratio": "_effects",
    "weighted_risk_difference": "_effects",
    "weighted_risk_ratio": "_effects",
    "BootstrapResult": "_bootstrap",
    "bootstrap_hazard_ratio": "_bootstrap",
    "bootstrap_odds_ratio": "_bootstrap",
    "StcResult": "_stc",
    "stc_binary": "_stc",
    "stc_survival": "_stc",
    "CohortTargets": "_targets",
    "Unmatched": "_targets",
    "load_mapping": "_targets",
    "targets_from_cohort": "_targets",
    "read_ipd_csv": "_ipd",
    "MaicAnalysis": "_analysis",
    "maic_analysis": "_analysis",
    "Criterion": "_eligibility",
    "EligibilityResult": "_eligibility",
    "apply_eligibility": "_eligibility",
    "comparator_criteria": "_eligibility",
    "Verdict": "_diagnostics",
    "WeightDiagnostics": "_diagnostics",
    "weight_diagnostics": "_diagnostics",
    "MappingEntries": "_targets",
    "MappingEntry": "_targets",
    "full_balance": "_balance",
    "MarginalStcResult": "_gcomp",
    "StcFailure": "_gcomp",
    "StcFlag": "_gcomp",
    "stc_marginal_binary": "_gcomp",
    "stc_marginal_survival": "_gcomp",
    "simulate_covariates": "_gcomp",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
