"""Family 3: interval order, estimate inside, mean ± SD t-interval, proportion CI method.

The numbers behind the CI-method cases are derived in the docstrings; the interval functions themselves are tested
against R in tests/stats/test_proportions.py.
"""

from __future__ import annotations

import pytest


def _age(value: str) -> dict:
    return {"variable": "age", "kind": "mean_sd_ci", "value": value, "at": "Table IV"}


def test_consistent_mean_sd_ci_is_not_flagged(cohort, run):
    """IE: 17.7 ± 9.3, n=46: t(45)=2.0141, half-width 2.0141·9.3/√46 = 2.762 -> (14.94, 20.46) -> (14.9, 20.5)."""
    path = cohort(n=46, baseline=[_age("17.7±9.3 (14.9, 20.5)")])
    assert run(path, prefix="INT") == []


def test_inconsistent_mean_sd_ci_is_warning(cohort, run):
    """Apatinib + IE: 19.1 ± 8.5, n=33: t(32)=2.0369, half-width 3.014 -> (16.09, 22.11) -> (16.1, 22.1), not
    (16.0, 22.2); no mean/SD within rounding rescues it (mean_ci_consistent is exact)."""
    path = cohort(baseline=[_age("19.1±8.5 (16.0, 22.2)")])
    (f,) = run(path, prefix="INT")
    assert (f.code, f.severity, f.field) == ("INT-MEAN-CI", "warning", "baseline.age.mean")
    assert f.message.startswith('printed "19.1±8.5 (16.0, 22.2)": with n=33 the t-based 95% CI is (16.086, 22.114)')
    assert "rounds to (16.1, 22.1)" in f.message


def test_mean_ci_uses_the_entry_n(cohort, run):
    """The same print with n=46 on the entry (not N=33) is consistent."""
    entry = {**_age("17.7±9.3 (14.9, 20.5)"), "n": 46}
    path = cohort(n=33, baseline=[entry])
    assert run(path, prefix="INT") == []


def _endpoint(*reports: dict) -> list[dict]:
    return [{"name": "PFS", "reports": list(reports)}]


def test_estimate_outside_and_reversed_interval(cohort, run):
    path = cohort(
        endpoints=_endpoint(
            {"statistic": "median", "value": "4.5 (5.0, 8.0)", "interval": "95% CI", "at": "Table IV"},
            {"statistic": "median", "value": "6.0 (8.0, 5.0)", "interval": "95% CI", "at": "Table V"},
        )
    )
    found = {(f.code, f.location) for f in run(path, prefix="INT")}
    assert found == {("INT-OUTSIDE", "Table IV"), ("INT-ORDER", "Table V")}


def test_not_reached_upper_bound_is_not_outside(cohort, run):
    """IE OS "30.4 (26.9, NR)": the open bound is not a number to compare against."""
    path = cohort(
        endpoints=_endpoint({"statistic": "median", "value": "30.4 (26.9, NR)", "interval": "IQR", "at": "T"})
    )
    assert run(path, prefix="INT") == []


def test_wald_interval_is_identified(cohort, run):
    """CBR 81.8% (68.7, 95.0) of 33: 27/33 = 0.8182; Wald half-width 1.96·√(0.8182·0.1818/33) = 0.1316 ->
    (68.66, 94.98) -> (68.7, 95.0). Clopper-Pearson would be (64.5, 93.0)."""
    path = cohort(
        rates=[{"name": "CBR", "months": 6, "value": "81.8% (68.7%, 95.0%)", "interval": "95% CI", "at": "T"}]
    )
    (f,) = run(path, prefix="INT")
    assert (f.code, f.severity, f.field) == ("INT-CI-METHOD", "info", "rate.CBR.6m")
    assert "(27/33)" in f.message and "reproduced by Wald" in f.message


def test_clopper_pearson_interval_is_identified(cohort, run):
    """ORR 39.4% (22.9, 57.9) of 33: 13/33, Clopper-Pearson (22.91, 57.86) (R binom.test)."""
    path = cohort(rates=[{"name": "ORR", "value": "39.4% (22.9, 57.9)", "interval": "95% CI", "at": "T"}])
    (f,) = run(path, prefix="INT")
    assert f.code == "INT-CI-METHOD" and "Clopper-Pearson" in f.message


def test_unmatched_binomial_interval_is_warning(cohort, run):
    """13/43 = 30.23% with "17.2-40.1": Clopper-Pearson (17.2, 46.1), Wilson (18.6, 45.1): none reproduces."""
    report = {
        "statistic": "rate",
        "months": 6,
        "value": "30.23% (17.2, 40.1)",
        "interval": "95% CI",
        "estimator": "binomial",
        "denominator": 43,
        "at": "Abstract",
    }
    path = cohort(n=41, endpoints=_endpoint(report))
    (f,) = run(path, prefix="INT")
    assert (f.code, f.severity) == ("INT-CI-UNMATCHED", "warning")
    assert "Clopper-Pearson (17.2, 46.1)" in f.message


def test_kaplan_meier_rate_is_not_checked_as_binomial(cohort, run):
    report = {
        "statistic": "rate",
        "months": 6,
        "value": "78.5 (60.0, 89.1)",
        "interval": "95% CI",
        "estimator": "kaplan-meier",
        "at": "Table III",
    }
    assert run(cohort(endpoints=_endpoint(report)), prefix="INT") == []


def test_rate_without_derivable_count_is_skipped(cohort, run):
    """78.5% is no k/33 (26/33 = 78.79): the count is unknown, so no method is tried."""
    path = cohort(rates=[{"name": "ORR", "value": "78.5% (60.0, 89.1)", "interval": "95% CI", "at": "T"}])
    assert run(path, prefix="INT") == []


def test_consistent_sample_sizes_are_found_without_a_loop_over_n():
    """19.1 ± 8.5 (16.0, 22.2): the bounded search gives the same n as trying every n up to 10·N + 20 (here with
    N = 33), and a declared N of 2^32 does not make it search 4·10^10 values."""
    from trialcompare.checks.intervals import _consistent_ns, _fits

    mean = {"value": 19.1, "lower": 16.0, "upper": 22.2, "decimals": 1}
    sd = {"value": 8.5, "decimals": 1}
    brute = [k for k in range(2, 10 * 33 + 20) if _fits(mean, sd, k, 1)]
    assert brute and _consistent_ns(mean, sd, 1, 33) == brute
    assert _consistent_ns(mean, sd, 1, 2**32) == brute


@pytest.mark.parametrize(("printed", "n"), [
    ((19.7, 9.0, 17.1, 22.4, 1), 41),   # apatinib-camrelizumab: n from 45 to 48
    ((10.0, 5.0, 2.1, 17.9, 1), 3),     # a tiny sample: t(first − 1) is far above z
    ((50, 20, 40, 60, 0), 30),          # whole numbers
    ((3.25, 1.10, 2.71, 3.79, 2), 12),
])
def test_bounded_search_matches_every_n(printed, n):
    """The upper end of the search uses t(first − 1), not t(1): it still finds every n that trying them all finds."""
    from trialcompare.checks.intervals import _consistent_ns, _fits

    value, sd_value, lower, upper, dec = printed
    mean = {"value": value, "lower": lower, "upper": upper, "decimals": dec}
    sd = {"value": sd_value, "decimals": dec}
    brute = [k for k in range(2, 10 * n + 21) if _fits(mean, sd, k, dec)]
    assert _consistent_ns(mean, sd, dec, n) == brute
