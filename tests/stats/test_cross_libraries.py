"""Cross-checks against statsmodels and scikit-survival, where those libraries are sound.

trialcompare's own implementations are pinned to R (tests/fixtures/*.R). These tests add a second, independent
reference where the well-known Python libraries have no documented hole (DESIGN.md lists the holes:
statsmodels' DerSimonian-Laird τ² is not truncated at 0 and its Paule-Mandel tolerance is loose;
``proportion_confint`` defaults to Wald). The libraries are test-time dependencies only: at run time trialcompare
does not import them (start-up budget of ``validate``; the holes above).
"""

from __future__ import annotations

import numpy as np
import pytest

from trialcompare.meta import pool_effects
from trialcompare.stats.proportions import proportion_ci

proportion = pytest.importorskip("statsmodels.stats.proportion")
meta_analysis = pytest.importorskip("statsmodels.stats.meta_analysis")

GRID = [(0, 10), (1, 10), (5, 10), (9, 10), (10, 10), (3, 37), (21, 33), (13, 46), (0, 1), (250, 1000)]
METHODS = {"exact": "beta", "wilson": "wilson", "jeffreys": "jeffreys", "agresti-coull": "agresti_coull",
           "wald": "normal"}


@pytest.mark.parametrize(("ours", "theirs"), METHODS.items())
@pytest.mark.parametrize(("x", "n"), GRID)
def test_proportion_intervals_agree_with_statsmodels(ours, theirs, x, n):
    lo, hi = proportion.proportion_confint(x, n, alpha=0.05, method=theirs)
    if ours in ("wald", "agresti-coull"):  # statsmodels does not clip these to [0, 1]; trialcompare does
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    if ours == "jeffreys" and x in (0, n):  # trialcompare sets the bound on the boundary side exactly (0 or 1)
        lo, hi = (0.0 if x == 0 else lo), (1.0 if x == n else hi)
    assert proportion_ci(x, n, method=ours) == pytest.approx((lo, hi), abs=1e-10)


# Log risk ratios of metafor's dat.bcg (Colditz et al. 1994), computed as escalc(measure="RR"): 13 trials.
BCG_TPOS = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
BCG_TNEG = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886])
BCG_CPOS = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
BCG_CNEG = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])


def _bcg() -> tuple[np.ndarray, np.ndarray]:
    n1, n2 = BCG_TPOS + BCG_TNEG, BCG_CPOS + BCG_CNEG
    yi = np.log(BCG_TPOS / n1) - np.log(BCG_CPOS / n2)
    vi = 1 / BCG_TPOS - 1 / n1 + 1 / BCG_CPOS - 1 / n2
    return yi, vi


def test_dersimonian_laird_agrees_with_statsmodels_when_tau2_is_positive():
    """statsmodels' DL is correct when τ² > 0 (its hole is only the missing truncation at 0)."""
    yi, vi = _bcg()
    theirs = meta_analysis.combine_effects(yi, vi, method_re="chi2")
    ours = pool_effects(yi, vi, method="DL")
    assert theirs.tau2 > 0
    assert ours.tau2 == pytest.approx(theirs.tau2, rel=1e-10)
    assert ours.estimate == pytest.approx(theirs.mean_effect_re, rel=1e-10)
    assert ours.se == pytest.approx(theirs.sd_eff_w_re, rel=1e-10)


def test_paule_mandel_agrees_with_statsmodels_within_its_loose_tolerance():
    yi, vi = _bcg()
    theirs = meta_analysis.combine_effects(yi, vi, method_re="iterated")
    ours = pool_effects(yi, vi, method="PM")
    assert ours.tau2 == pytest.approx(theirs.tau2, rel=1e-3)
    assert ours.estimate == pytest.approx(theirs.mean_effect_re, rel=1e-3)


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
def test_statsmodels_dl_is_not_truncated_but_ours_is():
    """Homogeneous studies: Q < k − 1, so the DL moment estimate is negative; trialcompare reports τ² = 0."""
    yi = np.array([0.10, 0.12, 0.11, 0.09])
    vi = np.array([0.04, 0.05, 0.03, 0.06])
    theirs = meta_analysis.combine_effects(yi, vi, method_re="chi2")
    assert pool_effects(yi, vi, method="DL").tau2 == 0.0
    assert theirs.tau2 < 0.0
