"""Family 1: printed percentages against n/denominator.

Expected values are derived by hand in each docstring (n/d × 100, then rounding at the printed decimals).
"""

from __future__ import annotations

import pytest

from trialcompare.checks.percentages import fitting_counts, fitting_denominators


@pytest.mark.parametrize(
    "printed",
    [
        "13 (39)",  # 13/33 = 39.39 -> 39 at 0 decimals
        "13 (39.4)",  # -> 39.4
        "13 (39.39)",  # -> 39.39
        "13 (39.394)",  # -> 39.394
        "0 (0.0)",  # honest 0%
        "33 (100.0)",  # honest 100%
        "33 (100)",
        "13/33 (39.4%)",
    ],
)
def test_correct_rounding_at_every_number_of_decimals_is_not_flagged(cohort, run, entry, printed):
    """13/33 = 39.3939...%: every correctly rounded print passes; 0% and 100% pass."""
    path = cohort(baseline=[entry("sex", {"male": printed})])
    assert run(path, prefix="PCT") == []


def test_half_way_value_rounded_either_way_is_accepted(cohort, run, entry):
    """1/8 = 12.5% exactly: "12" (half-even) and "13" (half-up) are both honest at 0 decimals."""
    for printed in ("1 (12)", "1 (13)"):
        path = cohort(n=8, baseline=[entry("sex", {"male": printed})])
        assert run(path, prefix="PCT") == []


@pytest.mark.parametrize(
    ("printed", "n", "expected"),
    [
        ("20 (60.60)", 33, "60.61"),  # 20/33 = 60.606: truncated
        ("15 (45.4)", 33, "45.5"),  # 15/33 = 45.4545: truncated
        ("5 (13.52)", 37, "13.51"),  # 5/37 = 13.5135: one unit up
        ("18 (54.6)", 33, "54.5"),  # 18/33 = 54.545 -> 54.55 -> 54.6: double rounding
    ],
)
def test_last_digit_slip_is_info(cohort, run, entry, printed, n, expected):
    """A print one unit off in its last digit is a rounding slip (info), and the message says the right value."""
    path = cohort(n=n, baseline=[entry("sex", {"male": printed})])
    (f,) = run(path, prefix="PCT")
    assert (f.code, f.severity, f.field) == ("PCT-ROUNDING", "info", "baseline.sex.male")
    assert f'"{printed}"' in f.message and f"rounds to {expected}" in f.message


def test_wrong_count_is_error_naming_the_count_that_fits(cohort, run, entry):
    """IE column: PR "13 (26.1)" of 46: 13/46 = 28.26% -> 28.3; 26.1% is 12/46 = 26.09%."""
    path = cohort(n=46, outcomes=[entry("best_response", {"PR": "13 (26.1)"})])
    (f,) = run(path, prefix="PCT")
    assert (f.code, f.severity, f.field, f.location) == (
        "PCT-MISMATCH",
        "error",
        "outcome.best_response.PR",
        "Table IV",
    )
    assert f.message == 'printed "13 (26.1)": 13/46 = 28.26%, which rounds to 28.3 (26.1% would be 12/46)'
    assert f.file.endswith("demo.yaml") and f.line is not None


def test_wrong_denominator_is_error_naming_the_denominator_that_fits(cohort, run, entry):
    """IE censored "12 (42.9)" of 46: 12/46 = 26.09%; 42.9% is 12/28 = 42.857%."""
    path = cohort(n=46, baseline=[entry("sex", {"male": "12 (42.9)"})])
    (f,) = run(path, prefix="PCT")
    assert f.code == "PCT-MISMATCH" and "12/28" in f.message


def test_several_rows_fitting_one_other_denominator_give_one_finding(cohort, run, entry):
    """Apatinib-camrelizumab: header N=41 but 18 (41.86), 3 (6.98), 22 (51.16), 34 (79.07) all fit 43."""
    path = cohort(
        n=41,
        population={"reports": [{"set": "enrolled", "n": 43, "at": "Results"}]},
        baseline=[
            entry(
                "lesion_site",
                {"lung": "18 (41.86)", "musculoskeletal": "3 (6.98)", "lung+musculoskeletal": "22 (51.16)"},
            ),
            entry("ecog", {"0": "34 (79.07)"}),
        ],
    )
    (f,) = run(path, prefix="PCT")
    assert (f.code, f.severity, f.field) == ("PCT-DENOMINATOR", "error", "population.n")
    assert "4 percentages fit the denominator 43, not 41" in f.message
    assert "43 is the enrolled set" in f.message
    assert '"18 (41.86)"' in f.message and '"34 (79.07)"' in f.message


def test_single_row_with_other_denominator_is_not_grouped(cohort, run, entry):
    """One row fitting 43 is a plain mismatch, not a cohort-level denominator finding."""
    path = cohort(n=41, baseline=[entry("ecog", {"0": "34 (79.07)", "1": "7 (17.07)"})])
    assert [f.code for f in run(path, prefix="PCT")] == ["PCT-MISMATCH"]


def test_printed_denominator_is_used(cohort, run, entry):
    """ "13/43 (30.23%)" is read against 43 (printed), not the declared N: 13/43 = 30.233%."""
    path = cohort(n=41, baseline=[entry("sex", {"male": "13/43 (30.23%)"})])
    assert run(path, prefix="PCT") == []


def test_fitting_helpers():
    """12/46 = 26.09 is the only count out of 46 printing as 26.1; 18/43 = 41.860 the only denominator for 41.86."""
    assert fitting_counts(46, 26.1, 1) == [12]
    assert fitting_denominators(18, 41.86, 2, 200) == [43]
    assert fitting_counts(10, 0.0, 1) == [0]
