"""Family 5: one quantity reported differently at two locations or sources."""

from __future__ import annotations


def _pfs(*reports: dict) -> list[dict]:
    return [{"name": "PFS", "reports": list(reports)}]


def _median(value: str, interval: str, at: str, source: str | None = None) -> dict:
    return {
        "statistic": "median",
        "value": value,
        "interval": interval,
        "at": at,
        **({"source": source} if source else {}),
    }


def test_equal_after_rounding_agrees(cohort, run):
    """4.5 (3.5, 6.3) and 4.50 (3.47, 6.27), both 95% CI: the finer rounds to the coarser."""
    path = cohort(
        endpoints=_pfs(
            _median("4.5 (3.5, 6.3)", "95% CI", "Table IV"),
            _median("4.50 (3.47-6.27)", "95% CI", "Abstract", "primary"),
        )
    )
    assert run(path, prefix="CONFLICT") == []


def test_same_numbers_with_different_interval_types(cohort, run):
    """Table IV labels the primary publication's 95% CI as IQR (Q1, Q3)."""
    path = cohort(
        endpoints=_pfs(
            _median("4.5 (3.5, 6.3)", "IQR", "Table IV"), _median("4.50 (3.47-6.27)", "95% CI", "Abstract", "primary")
        )
    )
    (f,) = run(path, prefix="CONFLICT")
    assert (f.code, f.severity, f.field) == ("CONFLICT-INTERVAL-TYPE", "error", "endpoint.PFS.median")
    assert f.location == "Table IV; Abstract [primary]"
    assert f.message == (
        "the same numbers are labelled IQR (3.5, 6.3) in Table IV and 95% CI (3.47, 6.27) in Abstract [primary]"
    )


def test_near_same_numbers_with_different_types(cohort, run):
    """OS 9.9 (8.0, 19.0) IQR against 9.87 (7.97, 18.93) 95% CI: 18.93 rounds to 18.9, one unit from 19.0."""
    path = cohort(
        endpoints=_pfs(
            _median("9.9 (8.0, 19.0)", "IQR", "Table IV"), _median("9.87 (7.97-18.93)", "95% CI", "Abstract", "primary")
        )
    )
    (f,) = run(path, prefix="CONFLICT")
    assert f.code == "CONFLICT-INTERVAL-TYPE" and "up to a last-digit slip" in f.message


def test_different_types_with_different_numbers_are_not_a_conflict(cohort, run):
    """A median's 95% CI and its IQR are different intervals: both may be right."""
    path = cohort(
        endpoints=_pfs(
            _median("11.4 (9.0, 13.1)", "95% CI", "Table III"), _median("11.4 (6.7, 18.4)", "IQR", "Abstract")
        )
    )
    assert run(path, prefix="CONFLICT") == []


def test_value_and_interval_conflicts_list_every_version(cohort, run):
    """OS 19.8 with IQR (13.1-30.6), (10.1-29.4) twice, (9.4-51.8): one finding naming three versions."""
    path = cohort(
        endpoints=[
            {
                "name": "OS",
                "reports": [
                    _median("19.8 (9.4,51.8)", "IQR", "Table IV"),
                    _median("19.8 (10.1, 29.4)", "IQR", "Table III"),
                    _median("19.8 (IQR, 13.1-30.6)", "IQR", "Abstract"),
                    _median("19.8 (IQR, 10.1-29.4)", "IQR", "Results"),
                ],
            }
        ]
    )
    (f,) = run(path, prefix="CONFLICT")
    assert (f.code, f.field) == ("CONFLICT-INTERVAL", "endpoint.OS.median")
    assert '"19.8 (10.1, 29.4)" (Table III; Results)' in f.message
    assert f.message.count('"19.8') == 3


def test_value_conflict(cohort, run):
    path = cohort(
        design={
            "follow_up": [
                {"value": "28.4 (16.1, 38.3)", "interval": "IQR", "at": "Abstract"},
                {"value": "19.8 (9.4, 51.8)", "interval": "IQR", "at": "Methods"},
            ]
        }
    )
    (f,) = run(path, prefix="CONFLICT")
    assert (f.code, f.field, f.location) == ("CONFLICT-VALUE", "design.follow_up.median", "Abstract; Methods")


def test_count_conflicts_of_one_variable_are_merged(cohort, run, entry):
    path = cohort(
        outcomes=[
            entry("status_last_follow_up", {"NED": 4, "AWD": 13, "DOD": 16}, at="Table III"),
            entry("status_last_follow_up", {"NED": 20, "AWD": 13, "DOD": 32}, at="Results"),
        ]
    )
    (f,) = run(path, prefix="CONFLICT")
    assert (f.code, f.field) == ("CONFLICT-VALUE", "outcome.status_last_follow_up")
    assert f.message.startswith("2 levels reported differently: NED:")


def test_same_count_at_two_locations_agrees(cohort, run, entry):
    """16 (48.48) in Table IV and 16 (48.5) in Table I: the same count."""
    path = cohort(
        baseline=[
            entry("lesion_site", {"lung+musculoskeletal": "16 (48.48)"}),
            entry("lesion_site", {"lung+musculoskeletal": "16 (48.5)"}, at="Table I"),
        ]
    )
    assert run(path, prefix="CONFLICT") == []


def test_rate_as_count_and_as_percentage_agree(cohort, run):
    path = cohort(
        rates=[
            {"name": "ORR", "value": "21/33 (63.6%)", "at": "Abstract"},
            {"name": "ORR", "value": "63.6%", "at": "Table III"},
        ]
    )
    assert run(path, prefix="CONFLICT") == []


def test_rates_of_different_estimators_are_different_quantities(cohort, run):
    """13/43 progression-free (binomial 30.23%) and KM 50.9% at 6 months; Table IV's unspecified 50.9% joins KM."""
    path = cohort(
        n=43,
        endpoints=_pfs(
            {"statistic": "rate", "months": 6, "value": "30.23%", "estimator": "binomial", "at": "Abstract"},
            {"statistic": "rate", "months": 6, "value": "50.9%", "estimator": "kaplan-meier", "at": "Abstract"},
            {"statistic": "rate", "months": 6, "value": "50.9%", "at": "Table IV"},
        ),
    )
    assert run(path, prefix="CONFLICT") == []
