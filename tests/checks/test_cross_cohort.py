"""Family 6: possible overlap between cohorts; interval labels along one table row."""

from __future__ import annotations

from trialcompare.checks.cross_cohort import accrual_months


def _design(reg: str | None = None, centres: list[str] | None = None, start=None, end=None) -> dict:
    return {
        "registrations": [{"id": reg, "at": "Table IV"}] if reg else [],
        "centres": centres or [],
        "accrual_start": start,
        "accrual_end": end,
    }


def test_shared_registration_is_one_finding_naming_both(cohort, run):
    a = cohort("a", design=_design("NCT04690231"))
    b = cohort("b", design=_design("nct04690231"))
    c = cohort("c", design=_design("NCT02711007"))
    (f,) = run(a, b, c, prefix="XC")
    assert (f.code, f.severity, f.cohort, f.field) == ("XC-SHARED-REGISTRATION", "warning", "a", "design.registrations")
    assert "a and b both give registration NCT04690231" in f.message


def test_shared_centre_with_overlapping_accrual(cohort, run):
    a = cohort(
        "a", design=_design(centres=["Peking University People's Hospital"], start="2017-06-03", end="2020-07-17")
    )
    b = cohort("b", design=_design(centres=["peking university peoples hospital"], start="2016", end="2019"))
    (f,) = run(a, b, prefix="XC")
    assert (f.code, f.severity) == ("XC-SHARED-CENTRE", "warning")


def test_shared_centre_with_disjoint_accrual_is_not_flagged(cohort, run):
    a = cohort("a", design=_design(centres=["Centre X"], start="2010", end="2012"))
    b = cohort("b", design=_design(centres=["Centre X"], start="2016", end="2019"))
    assert run(a, b, prefix="XC") == []


def test_shared_centre_with_unknown_accrual_is_info(cohort, run):
    a = cohort("a", design=_design(centres=["Centre X"]))
    b = cohort("b", design=_design(centres=["Centre X"], start="2016", end="2019"))
    assert [(f.code, f.severity) for f in run(a, b, prefix="XC")] == [("XC-SHARED-CENTRE", "info")]


def _median_row(value: str, interval: str) -> list[dict]:
    return [
        {"name": "EFS", "reports": [{"statistic": "median", "value": value, "interval": interval, "at": "Table IV"}]}
    ]


def test_interval_types_differing_along_a_table_row(cohort, run):
    a = cohort("a", endpoints=_median_row("11.4 (7.5, 17.1)", "IQR"))
    b = cohort("b", endpoints=_median_row("4.5 (3.5, 6.3)", "95% CI"))
    (f,) = run(a, b, prefix="XC")
    assert (f.code, f.location) == ("XC-INTERVAL-TYPE", "Table IV")
    assert "IQR: a; 95% CI: b" in f.message


def test_same_interval_type_along_a_row_is_not_flagged(cohort, run):
    a = cohort("a", endpoints=_median_row("11.4 (7.5, 17.1)", "IQR"))
    b = cohort("b", endpoints=_median_row("4.5 (3.5, 6.3)", "IQR"))
    assert run(a, b, prefix="XC") == []


def test_accrual_months():
    assert accrual_months("2017-06-03") == accrual_months("June 3 2017") == 2017 * 12 + 6
    assert accrual_months("2019", end=True) == 2019 * 12 + 12
    assert accrual_months(None) is None


def test_unlabelled_interval_along_a_row_is_flagged(cohort, run):
    """Follow-up "28.4 (16.1, 38.3)" printed without a type for one cohort, as IQR for the other."""
    a = cohort("a", design={"follow_up": [{"value": "28.4 (16.1, 38.3)", "at": "Table IV"}]})
    b = cohort("b", design={"follow_up": [{"value": "12.0 (8.0, 16.0)", "interval": "IQR", "at": "Table IV"}]})
    (f,) = run(a, b, prefix="XC")
    assert "unlabelled: a; IQR: b" in f.message
