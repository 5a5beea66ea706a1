"""Family 4: landmark rates, median and quartiles, counts of one endpoint."""

from __future__ import annotations


def _efs(*reports: dict) -> list[dict]:
    return [{"name": "EFS", "reports": [{"at": "Table IV", **r} for r in reports]}]


def _rate(months: float, value: str, **extra) -> dict:
    return {"statistic": "rate", "months": months, "value": value, **extra}


def _median(value: str, interval: str | None = None) -> dict:
    return {"statistic": "median", "value": value, **({"interval": interval} if interval else {})}


def test_coherent_endpoint_is_not_flagged(cohort, run):
    """Apatinib + IE EFS: 90.9% at 4, 78.5% at 6, 39.5% at 12; median 11.4 (IQR 7.5-17.1): all coherent
    (78.5 > 75 so Q1 > 6; 39.5 < 50 so median <= 12; 39.5 > 25 so Q3 > 12)."""
    path = cohort(
        endpoints=_efs(
            _rate(4, "90.9%"),
            _rate(6, "78.5%"),
            _rate(12, "39.5%"),
            _median("11.4 (7.5, 17.1)", "IQR"),
            {"statistic": "censored", "value": "9 (27.3)"},
        )
    )
    assert run(path, prefix="TTE") == []


def test_rate_increasing_over_time(cohort, run):
    path = cohort(endpoints=_efs(_rate(6, "40.0%"), _rate(12, "45.0%")))
    (f,) = run(path, prefix="TTE")
    assert (f.code, f.severity, f.field) == ("TTE-RATE-INCREASING", "error", "endpoint.EFS.rate.12m")


def test_equal_rates_after_rounding_do_not_increase(cohort, run):
    """40.0% at 6 and 40.04 printed as 40.0 at 12: equal prints are fine."""
    path = cohort(endpoints=_efs(_rate(6, "40.0%"), _rate(12, "40.0%")))
    assert run(path, prefix="TTE") == []


def test_rate_above_half_with_median_before_it(cohort, run):
    """IE EFS: 56.8% event-free at 12 months but median 11.7 months."""
    path = cohort(n=46, endpoints=_efs(_rate(12, "56.8%"), _median("11.7")))
    (f,) = run(path, prefix="TTE")
    assert (f.code, f.severity, f.field) == ("TTE-MEDIAN-RATE", "error", "endpoint.EFS.median")
    assert f.message == (
        'the rate at 12 months "56.8%" is above 50%, so the median must lie beyond 12 months, but the '
        'median is 11.7 months (printed "11.7")'
    )


def test_rate_below_half_with_median_after_it(cohort, run):
    path = cohort(endpoints=_efs(_rate(6, "36.8%"), _median("7.5")))
    assert [f.code for f in run(path, prefix="TTE")] == ["TTE-MEDIAN-RATE"]


def test_rate_exactly_half_says_nothing(cohort, run):
    """50.0% at 6 months: the median may be on either side."""
    for median in ("4.0", "9.0"):
        path = cohort(endpoints=_efs(_rate(6, "50.0%"), _median(median)))
        assert run(path, prefix="TTE") == []


def test_median_not_reached_is_fine_when_rates_stay_above_half(cohort, run):
    path = cohort(endpoints=_efs(_rate(12, "71.7%"), _median("NR (26.9, NR)", "95% CI")))
    assert run(path, prefix="TTE") == []


def test_median_not_reached_with_a_rate_below_half(cohort, run):
    path = cohort(endpoints=_efs(_rate(12, "31.7%"), _median("NR")))
    assert [f.code for f in run(path, prefix="TTE")] == ["TTE-MEDIAN-RATE"]


def test_bounded_rate_below_half(cohort, run):
    """ "<10%" at 12 months with median 4.5: coherent; with median 14.0: not."""
    assert run(cohort(endpoints=_efs(_rate(12, "<10%"), _median("4.5"))), prefix="TTE") == []
    assert [f.code for f in run(cohort(endpoints=_efs(_rate(12, "<10%"), _median("14.0"))), prefix="TTE")] == [
        "TTE-MEDIAN-RATE"
    ]


def test_binomial_rate_is_not_compared_with_the_median(cohort, run):
    """13/43 progression-free at 6 months (30.2%, binomial) with a KM median of 6.2: not a curve point."""
    path = cohort(endpoints=_efs(_rate(6, "30.23%", estimator="binomial"), _median("6.2")))
    assert run(path, prefix="TTE") == []


def test_quartile_against_landmark(cohort, run):
    """IE: 71.7% at 6 months (< 75%) but Q1 = 7.6 months."""
    path = cohort(n=46, endpoints=_efs(_rate(6, "71.7%"), _median("11.7 (7.6, 15.7)", "IQR")))
    (f,) = run(path, prefix="TTE")
    assert (f.code, f.severity) == ("TTE-QUARTILE-RATE", "warning")
    assert "first quartile is 7.6" in f.message


def test_counts_above_n(cohort, run):
    path = cohort(n=10, endpoints=_efs({"statistic": "events", "value": 12}, {"statistic": "censored", "value": 3}))
    found = sorted(f.code for f in run(path, prefix="TTE"))
    assert found == ["TTE-COUNT-ABOVE-N", "TTE-EVENTS-CENSORED"]


def test_events_plus_censored_within_n(cohort, run):
    path = cohort(
        n=33, endpoints=_efs({"statistic": "events", "value": 11}, {"statistic": "censored", "value": "22/33"})
    )
    assert run(path, prefix="TTE") == []


def test_patients_analysed_other_than_n(cohort, run):
    """Figure 2: "31 patients" in a cohort of 33."""
    path = cohort(endpoints=_efs({"statistic": "n_analysed", "value": 31}))
    (f,) = run(path, prefix="TTE")
    assert (f.code, f.severity) == ("TTE-N-ANALYSED", "warning")
