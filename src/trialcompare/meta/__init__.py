"""Meta-analysis: random-effects pooling pinned to R metafor, and the cohort-level sensitivity suite.

Examples
--------
>>> from trialcompare.meta import pool_proportions
>>> r = pool_proportions([4, 6, 9], [20, 22, 25], transform="logit", method="REML")
>>> r.k
3
"""

from ._benchmark import Benchmark, benchmark
from ._pool import (
    METHODS,
    TESTS,
    TRANSFORMS,
    MetaConvergenceWarning,
    MetaError,
    MetaResult,
    back_transform,
    pool_effects,
    pool_proportions,
    subgroup_analysis,
    transform_proportions,
)

__all__ = [
    "METHODS",
    "TESTS",
    "TRANSFORMS",
    "Benchmark",
    "MetaConvergenceWarning",
    "MetaError",
    "MetaResult",
    "back_transform",
    "benchmark",
    "pool_effects",
    "pool_proportions",
    "subgroup_analysis",
    "transform_proportions",
]
