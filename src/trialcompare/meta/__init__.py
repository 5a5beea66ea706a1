"""Meta-analysis: random- and equal-effects pooling pinned to R metafor, Bayesian random effects (R bayesmeta),
small-study effects, subgroups, meta-regression, and the cohort-level sensitivity suite.

Examples
--------
>>> from trialcompare.meta import pool_proportions
>>> r = pool_proportions([4, 6, 9], [20, 22, 25], transform="logit", method="REML")
>>> r.k
3
"""

from ._bayes import TAU_PRIORS, BayesResult, PosteriorSummary, bayes_pool
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
    transform_proportions,
)
from ._regression import MetaRegression, PermutationTest, meta_regression
from ._smallstudy import (
    EggerResult,
    RankResult,
    TrimFillResult,
    egger_test,
    funnel_plot,
    rank_test,
    trim_and_fill,
)
from ._subgroup import SubgroupResult, subgroup_analysis
from ._variants import benchmark_variants, variant_facts

__all__ = [
    "METHODS",
    "TAU_PRIORS",
    "TESTS",
    "TRANSFORMS",
    "BayesResult",
    "Benchmark",
    "EggerResult",
    "MetaConvergenceWarning",
    "MetaError",
    "MetaRegression",
    "MetaResult",
    "PermutationTest",
    "PosteriorSummary",
    "RankResult",
    "SubgroupResult",
    "TrimFillResult",
    "back_transform",
    "bayes_pool",
    "benchmark",
    "benchmark_variants",
    "egger_test",
    "funnel_plot",
    "meta_regression",
    "pool_effects",
    "pool_proportions",
    "rank_test",
    "subgroup_analysis",
    "transform_proportions",
    "trim_and_fill",
    "variant_facts",
]
