"""Family 7: ORR, DCR and CBR against the best-response counts."""

from __future__ import annotations

RESPONSES = {"CR": "0 (0.0)", "PR": "21 (63.6)", "SD": "12 (36.4)", "PD": "0 (0.0)"}


def _rate(name: str, value: str, at: str = "Abstract", **extra) -> dict:
    return {"name": name, "value": value, "at": at, **extra}


def test_matching_rates_are_not_flagged(cohort, run, entry):
    """ORR (0 + 21)/33 = 63.6%; DCR (0 + 21 + 12)/33 = 100.0%; 6-month CBR 81.8% <= DCR."""
    path = cohort(
        outcomes=[entry("best_response", RESPONSES, at="Table III")],
        rates=[_rate("ORR", "21/33 (63.6%)"), _rate("DCR", "100.0%"), _rate("CBR", "81.8%", months=6, at="Table III")],
    )
    assert run(path, prefix="RATE") == []


def test_orr_count_mismatch(cohort, run, entry):
    path = cohort(outcomes=[entry("best_response", RESPONSES, at="Table III")], rates=[_rate("ORR", "20/33")])
    (f,) = run(path, prefix="RATE")
    assert (f.code, f.severity, f.field) == ("RATE-MISMATCH", "error", "rate.ORR")
    assert f.message == 'printed "20/33": Table III gives CR 0 + PR 21 = 21, not 20'
    assert f.location == "Abstract; Table III"


def test_dcr_percentage_mismatch(cohort, run, entry):
    """DCR printed 90.9% but (0 + 21 + 12)/33 = 100%."""
    path = cohort(outcomes=[entry("best_response", RESPONSES, at="Table III")], rates=[_rate("DCR", "90.9%")])
    (f,) = run(path, prefix="RATE")
    assert f.code == "RATE-MISMATCH" and "33/33 = 100.000%" in f.message


def test_rate_rounding_slip_is_info(cohort, run, entry):
    """ORR 21/33 = 63.636% printed 63.7."""
    path = cohort(outcomes=[entry("best_response", RESPONSES, at="Table III")], rates=[_rate("ORR", "63.7%")])
    assert [(f.code, f.severity) for f in run(path, prefix="RATE")] == [("RATE-ROUNDING", "info")]


def test_rate_denominator_of_its_own(cohort, run, entry):
    """ORR 20.9% on 43 enrolled while the table's N is 41: 9/43 = 20.93%."""
    responses = {"CR": 0, "PR": 9, "SD": 26, "PD": 6}
    path = cohort(
        n=41,
        outcomes=[entry("best_response", responses)],
        rates=[_rate("ORR", "20.9%", denominator=43), _rate("ORR", "9/43 (20.9%)", at="Results")],
    )
    assert run(path, prefix="RATE") == []


def test_time_point_cbr_above_its_ceiling(cohort, run, entry):
    """6-month CBR 90.0% with CR + PR + SD = 0 + 10 + 10 = 20 of 33 (60.6%)."""
    responses = {"CR": 0, "PR": 10, "SD": 10, "PD": 13}
    path = cohort(outcomes=[entry("best_response", responses)], rates=[_rate("CBR", "90.0%", months=6)])
    (f,) = run(path, prefix="RATE")
    assert (f.code, f.severity) == ("RATE-ABOVE-CEILING", "error")


def test_no_counts_no_check(cohort, run, entry):
    """A DCR with SD not reported anywhere cannot be recomputed."""
    path = cohort(outcomes=[entry("best_response", {"CR": 0, "PR": 21})], rates=[_rate("DCR", "50.0%")])
    assert run(path, prefix="RATE") == []
