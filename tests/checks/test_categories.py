"""Family 2: levels summing to their denominator, counts against N, union levels against their parts."""

from __future__ import annotations


def test_complete_levels_summing_to_n_are_not_flagged(cohort, run, entry):
    """ECOG 20 + 11 + 2 + 0 + 0 = 33 = N."""
    path = cohort(baseline=[entry("ecog", {"0": 20, "1": 11, "2": 2, "3": 0, "4": 0})])
    assert run(path, prefix="CAT") == []


def test_missing_level_with_a_full_sum_is_not_flagged(cohort, run, entry):
    """Best response without NE: 0 + 21 + 12 + 0 = 33: the unreported level is simply empty."""
    path = cohort(outcomes=[entry("best_response", {"CR": 0, "PR": 21, "SD": 12, "PD": 0})])
    assert run(path, prefix="CAT") == []


def test_complete_levels_summing_short_of_n_is_error(cohort, run, entry):
    """Sex 14 + 18 = 32 of 33, both levels printed: one patient unaccounted."""
    path = cohort(baseline=[entry("sex", {"male": 14, "female": 18})])
    (f,) = run(path, prefix="CAT")
    assert (f.code, f.severity, f.field) == ("CAT-SUM", "error", "baseline.sex")
    assert "sum to 32, fewer than the denominator 33 (1 unaccounted)" in f.message


def test_levels_missing_with_a_short_sum_is_info(cohort, run, entry):
    """ECOG 0 and 1 only, 20 + 11 = 31 of 33: levels 2, 3, 4 not reported -> info, not error."""
    path = cohort(baseline=[entry("ecog", {"0": 20, "1": 11})])
    (f,) = run(path, prefix="CAT")
    assert (f.code, f.severity) == ("CAT-LEVELS-MISSING", "info")
    assert "levels missing: 2, 3, 4" in f.message


def test_sum_above_denominator_is_error(cohort, run, entry):
    """Counts without percentages summing to 43 with N=41."""
    path = cohort(n=41, baseline=[entry("lesion_site", {"lung": 18, "musculoskeletal": 3, "lung+musculoskeletal": 22})])
    (f,) = run(path, prefix="CAT")
    assert (f.code, f.severity) == ("CAT-SUM", "error")
    assert "sum to 43, more than the denominator 41" in f.message


def test_sum_above_n_explained_by_percentages_is_left_to_the_denominator_finding(cohort, run, entry):
    """18 (41.86) + 3 (6.98) + 22 (51.16) = 43 and every percentage fits 43: PCT-DENOMINATOR says it once."""
    levels = {"lung": "18 (41.86)", "musculoskeletal": "3 (6.98)", "lung+musculoskeletal": "22 (51.16)"}
    path = cohort(n=41, baseline=[entry("lesion_site", levels)])
    assert run(path, prefix="CAT") == []
    assert [f.code for f in run(path, prefix="PCT")] == ["PCT-DENOMINATOR"]


def test_count_above_declared_n(cohort, run, entry):
    """Canonical subtype 42 with N=41."""
    path = cohort(n=41, baseline=[entry("subtype", {"canonical": "42 (97.67)"})])
    found = run(path, prefix="CAT")
    assert [(f.code, f.severity, f.field) for f in found] == [
        ("CAT-COUNT-ABOVE-N", "error", "baseline.subtype.canonical")
    ]
    assert found[0].message == 'printed "42 (97.67)": the count 42 exceeds the declared N=41'


def test_count_above_entry_denominator(cohort, run, entry):
    path = cohort(baseline=[entry("sex", {"male": 22, "female": 0}, denominator=20)])
    assert "CAT-COUNT-ABOVE-DENOM" in [f.code for f in run(path, prefix="CAT")]


def test_printed_denominator_above_n_is_one_warning_per_entry(cohort, run, entry):
    """Status 20/79, 27/79, 32/79 in a cohort of 33: one warning naming the three levels."""
    levels = {"NED": "20/79 (25.3%)", "AWD": "27/79 (34.2%)", "DOD": "32/79 (40.5%)"}
    path = cohort(outcomes=[entry("status_last_follow_up", levels, at="Results")])
    (f,) = run(path, prefix="CAT")
    assert (f.code, f.severity, f.field) == ("CAT-DENOM-ABOVE-N", "warning", "outcome.status_last_follow_up")
    assert "denominator 79 exceeds the declared N=33" in f.message


def test_union_level_agreeing_with_its_parts(cohort, run, entry):
    """ "13/33" ECOG 1|2 in the text against Table I 11 + 2 = 13: fine."""
    path = cohort(
        baseline=[
            entry("ecog", {"0": 20, "1": 11, "2": 2}, at="Table I"),
            entry("ecog", {"1|2": "13/33 (39.4%)"}, at="Results"),
        ]
    )
    assert run(path, prefix="CAT") == []


def test_union_level_disagreeing_with_its_parts(cohort, run, entry):
    """Abstract "31/33" for two or more lines against Table I 16 + 2 = 18."""
    path = cohort(
        baseline=[
            entry("prior_lines", {"1": 15, "2": 16, "3": 2}, at="Table I"),
            entry("prior_lines", {"2|3": "31/33 (93.9%)"}, at="Abstract"),
        ]
    )
    (f,) = run(path, prefix="CAT")
    assert (f.code, f.field, f.location) == ("CAT-UNION", "baseline.prior_lines.2|3", "Abstract; Table I")
    assert "Table I gives 2: 16 + 3: 2 = 18" in f.message


def test_union_level_counts_as_its_parts_in_the_sum(cohort, run, entry):
    """ECOG 0: 20 and 1|2: 13 cover every printed level but 3 and 4; 20 + 13 = 33: no finding."""
    path = cohort(baseline=[entry("ecog", {"0": 20, "1|2": 13})])
    assert run(path, prefix="CAT") == []
