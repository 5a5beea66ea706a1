"""Caveat rules: each rule fires on a synthetic cohort set built from the scaffold, and stays silent where it must.

The synthetic cohorts start from :func:`trialcompare.descriptor.scaffold.example` made neutral: unique registrations,
N=60 with no other analysis-set size, the same PFS definition, median PFS with a 95% CI and the same follow-up. On
such a set only NON-RANDOMISED (which always fires) is derived; every test changes one thing.

Each test checks the fact a rule returns (its parameters: tokens, numbers, flags) and the sentence the phrasebook
makes of it with the words render looks up (:func:`trialcompare.render.caveat_words.caveat_words`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

import trialcompare as tc
from trialcompare.appraise.facts import fact
from trialcompare.caveats import CAVEAT_RULES, SMD_MAJOR, Caveat, caveats_for, derive_caveats
from trialcompare.checks.families import CODES
from trialcompare.checks.finding import Finding
from trialcompare.descriptor.scaffold import example
from trialcompare.render.caveat_words import caveat_words
from trialcompare.render.phrasebook import say

TRIALS = Path(__file__).resolve().parents[1] / "trials"

Edit = Callable[[dict[str, Any]], None]


def _neutral(cid: str, label: str) -> dict[str, Any]:
    data = yaml.safe_load(example(cid))
    data["label"] = label
    data["design"]["registrations"] = [{"id": f"REG-{cid}", "at": "Abstract"}]
    data["population"]["n"] = 60
    data["population"]["reports"] = [{"set": "efficacy", "n": 60, "at": "Results"}]
    return data


def _cohorts(tmp_path: Path, **edits: Edit | None) -> tc.CohortSet:
    """Cohorts ``ref`` (label "Ref"), ``other`` ("Other") and any further id given, each edited by its function."""
    edits = {"ref": None, "other": None, **edits}
    for cid, edit in edits.items():
        data = _neutral(cid, cid.capitalize())
        if edit is not None:
            edit(data)
        (tmp_path / f"{cid}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return tc.load(tmp_path)


def _codes(caveats: list[Caveat], code: str) -> list[Caveat]:
    return [c for c in caveats if c.code == code]


def _derive(cohorts: tc.CohortSet, **kw: Any) -> list[Caveat]:
    return derive_caveats(cohorts, reference="ref", **kw)


def _say(caveat: Caveat, cohorts: tc.CohortSet) -> str:
    """The caveat in words, as the report says it."""
    return say(caveat.fact, caveat_words(cohorts, cohorts.to_frame(), CODES))


# edits ----------------------------------------------------------------------------------------------------------


def _endpoint(name: str, resection: str = "not-applicable", **definition: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        ep = d["endpoints"][0]
        ep["name"] = name
        ep["definition"]["resection"] = resection
        ep["definition"].update(definition)

    return edit


def _no_definition(d: dict[str, Any]) -> None:
    d["endpoints"][0]["definition"] = None


def _median(value: str, interval: str | None) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        rep = d["endpoints"][0]["reports"][0]
        rep["value"], rep["interval"] = value, interval

    return edit


def _design(**fields: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d["design"].update(fields)

    return edit


def _follow_up(*values: tuple[str, str]) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d["design"]["follow_up"] = [{"value": v, "unit": u, "at": "Results"} for v, u in values]

    return edit


def _remission(count: str) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d["outcomes"].append({"variable": "surgical_remission", "at": "Table 2", "levels": {"yes": count}})

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        for e in edits:
            e(d)

    return edit


# the neutral set and the public helpers --------------------------------------------------------------------------


def test_neutral_set_gives_only_non_randomised(tmp_path: Path) -> None:
    caveats = _derive(_cohorts(tmp_path))
    assert [c.code for c in caveats] == ["NON-RANDOMISED"]


def test_non_randomised_always_targets_all(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path)
    (caveat,) = _derive(cohorts)
    assert caveat == Caveat("NON-RANDOMISED", "major", ("ref", "other"), ("all",),
                            fact("non-randomised", ["ref/design.arm_of", "other/design.arm_of"], arms=(), all=True))
    assert _say(caveat, cohorts) == (
        "The cohorts were not randomised against each other: every difference between them is unanchored and "
        "non-randomised, and may reflect differences in patients, centres, eras and assessment rather than treatment."
    )
    assert caveats_for([caveat], "endpoint:PFS") == [caveat]
    assert caveats_for([caveat], "baseline:ecog") == [caveat]


def test_no_non_randomised_caveat_when_every_cohort_is_an_arm_of_one_randomised_study(tmp_path: Path) -> None:
    """Two randomised arms of STUDY-1 and nothing else: nothing is unanchored, so the caveat would be false."""
    arm = _design(arm_of={"study": "STUDY-1", "arm": "A", "randomised": True})
    assert _codes(_derive(_cohorts(tmp_path, ref=arm, other=arm)), "NON-RANDOMISED") == []


def test_non_randomised_names_randomised_arms_and_does_not_say_every(tmp_path: Path) -> None:
    """Two randomised arms beside a third cohort: not every difference is unanchored, so the words say which are
    not (the study's name is the descriptor's, looked up by render)."""
    arm = _design(arm_of={"study": "The STUDY-1 trial", "arm": "A", "randomised": True})
    cohorts = _cohorts(tmp_path, ref=arm, other=arm, third=None)
    (caveat,) = _codes(_derive(cohorts), "NON-RANDOMISED")
    assert caveat.fact == fact("non-randomised", caveat.fact.evidence, arms=(("ref", "other"),), all=False)
    assert caveat.fact.evidence == ("ref/design.arm_of", "other/design.arm_of", "third/design.arm_of")
    text = _say(caveat, cohorts)
    assert "every" not in text
    assert text.endswith("(except within one study: Ref and Other are randomised arms of The STUDY-1 trial).")


def test_unknown_reference_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="no cohort 'nope'"):
        derive_caveats(_cohorts(tmp_path), reference="nope")


def test_caveats_for_selects_target_or_all() -> None:
    a = Caveat("SMALL-SAMPLE", "minor", ("x",), ("population",), fact("a"))
    b = Caveat("INTERVAL-TYPES", "minor", ("x", "y"), ("median:PFS",), fact("b"))
    c = Caveat("NON-RANDOMISED", "major", ("x", "y"), ("all",), fact("c"))
    assert caveats_for([a, b, c], "median:PFS") == [b, c]
    assert caveats_for([a, b, c], "population") == [a, c]
    assert caveats_for([a, b], "endpoint:PFS") == []


def test_every_rule_is_described() -> None:
    assert set(CAVEAT_RULES) == {
        "ENDPOINT-DIFFERS",
        "DEFINITION-DIFFERS",
        "RESECTION",
        "INTERVAL-TYPES",
        "DESIGN-DIFFERS",
        "ELIGIBILITY-DIFFERS",
        "POSSIBLE-OVERLAP",
        "FOLLOW-UP",
        "IMBALANCE",
        "DATA-ERRORS",
        "SMALL-SAMPLE",
        "NON-RANDOMISED",
        "DENOMINATOR",
    }
    assert all(isinstance(v, str) and v.endswith(".") for v in CAVEAT_RULES.values())


def test_order_is_severity_code_cohorts_and_deterministic(tmp_path: Path) -> None:
    cohorts = _cohorts(
        tmp_path,
        ref=_both(_design(type="retrospective"), _endpoint("EFS", "not-counted")),
        other=lambda d: d["population"].update(n=20, reports=[{"set": "enrolled", "n": 25, "at": "Results"}]),
    )
    first = _derive(cohorts)
    assert first == _derive(cohorts)
    key = [({"major": 0, "minor": 1}[c.severity], c.code, c.cohorts) for c in first]
    assert key == sorted(key)
    assert [c.code for c in first] == [
        "DESIGN-DIFFERS",
        "ENDPOINT-DIFFERS",
        "NON-RANDOMISED",
        "DENOMINATOR",
        "SMALL-SAMPLE",
    ]
    assert all(c.code in CAVEAT_RULES and c.severity in ("major", "minor") for c in first)


# 1. ENDPOINT-DIFFERS ---------------------------------------------------------------------------------------------


def test_endpoint_differs_efs_vs_pfs(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, ref=_endpoint("EFS", "not-counted"), third=None)
    (caveat,) = _codes(_derive(cohorts), "ENDPOINT-DIFFERS")
    assert caveat.severity == "major"
    assert caveat.cohorts == ("ref", "other", "third")
    assert caveat.targets == ("endpoint:EFS", "endpoint:PFS")
    assert caveat.fact["compared"] == (("ref", "EFS", "not-counted"), ("other", "PFS", "not-applicable"),
                                       ("third", "PFS", "not-applicable"))
    assert caveat.fact["also"] == ()
    assert _say(caveat, cohorts) == (
        "Ref reports event-free survival (resection not counted as an event), while Other and Third report "
        "progression-free survival: their medians and landmark rates measure different things."
    )


def test_endpoint_differs_says_when_reference_also_reports_the_others_endpoint(tmp_path: Path) -> None:
    def efs_and_pfs(d: dict[str, Any]) -> None:
        pfs = copy.deepcopy(d["endpoints"][0])
        pfs.update(primary=False)
        pfs["definition"]["resection"] = "censored"
        _endpoint("EFS", "not-counted")(d)
        d["endpoints"].append(pfs)

    cohorts = _cohorts(tmp_path, ref=efs_and_pfs)
    (caveat,) = _codes(_derive(cohorts), "ENDPOINT-DIFFERS")
    assert caveat.fact["also"] == (("ref", "PFS", "censored"),)
    assert _say(caveat, cohorts).endswith(" Ref also reports progression-free survival (resection censored).")


def test_endpoint_differs_not_for_os_or_a_secondary_endpoint(tmp_path: Path) -> None:
    def plus(name: str) -> Edit:
        def edit(d: dict[str, Any]) -> None:
            extra = copy.deepcopy(d["endpoints"][0])
            extra.update(name=name, primary=False)
            d["endpoints"].append(extra)

        return edit

    # the reference also reports OS and a secondary EFS: the compared (primary, non-OS) endpoint is PFS for both
    caveats = _derive(_cohorts(tmp_path, ref=_both(plus("OS"), plus("EFS"))))
    assert _codes(caveats, "ENDPOINT-DIFFERS") == []


def test_endpoint_differs_uses_first_non_os_endpoint_without_primary(tmp_path: Path) -> None:
    def os_first_then_ttp(d: dict[str, Any]) -> None:
        ttp = copy.deepcopy(d["endpoints"][0])
        ttp.update(name="TTP", primary=False)
        os_ = copy.deepcopy(ttp)
        os_.update(name="OS")
        d["endpoints"] = [os_, ttp]

    cohorts = _cohorts(tmp_path, other=os_first_then_ttp)
    (caveat,) = _codes(_derive(cohorts), "ENDPOINT-DIFFERS")
    assert caveat.targets == ("endpoint:PFS", "endpoint:TTP")
    assert [row[:2] for row in caveat.fact["compared"]] == [("ref", "PFS"), ("other", "TTP")]
    assert "Other reports time to progression" in _say(caveat, cohorts)


# 2. DEFINITION-DIFFERS and RESECTION ------------------------------------------------------------------------------


def test_definition_differs_on_resection_handling(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, ref=_endpoint("PFS", "censored"), other=_endpoint("PFS", "event"))
    (caveat,) = _codes(_derive(cohorts), "DEFINITION-DIFFERS")
    assert (caveat.severity, caveat.cohorts, caveat.targets) == ("major", ("ref", "other"), ("endpoint:PFS",))
    assert caveat.fact == fact("definition-differs", caveat.fact.evidence, endpoint="PFS",
                               cohorts=(("ref", "censored"), ("other", "event")), differing=("resection",))
    assert _say(caveat, cohorts) == (
        "Progression-free survival is defined differently across cohorts (Ref: resection censored; Other: "
        "resection counted as an event), so its medians and landmark rates are not directly comparable."
    )


def test_definition_differs_on_origin_and_events(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, other=_endpoint("PFS", origin="registration", events=["progression"]))
    (caveat,) = _codes(_derive(cohorts), "DEFINITION-DIFFERS")
    assert caveat.fact["differing"] == ("origin", "events")
    text = _say(caveat, cohorts)
    assert "Ref: from start of treatment, events progression and death" in text
    assert "Other: from registration, events progression)" in text


def test_definition_missing_in_one_cohort(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, other=_no_definition)
    (caveat,) = _codes(_derive(cohorts), "DEFINITION-DIFFERS")
    assert caveat.fact["cohorts"] == (("ref", "not-applicable"), ("other", "none"))
    assert caveat.fact["differing"] == ()
    assert _say(caveat, cohorts) == (
        "Progression-free survival is defined in some cohorts but not in others (Ref: from start of treatment, "
        "events progression and death, resection not applicable; Other: no definition reported), so it cannot be "
        "checked that its medians and landmark rates measure the same thing."
    )


def test_definition_same_meaning_in_other_words_does_not_fire(tmp_path: Path) -> None:
    reworded = _endpoint("PFS", origin="date of treatment initiation", events=["Progression", "death from any cause"])
    assert _codes(_derive(_cohorts(tmp_path, other=reworded)), "DEFINITION-DIFFERS") == []


def test_definition_missing_everywhere_does_not_fire(tmp_path: Path) -> None:
    caveats = _derive(_cohorts(tmp_path, ref=_no_definition, other=_no_definition))
    assert _codes(caveats, "DEFINITION-DIFFERS") == []


def test_resection_with_surgical_remission(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, ref=_both(_endpoint("EFS", "not-counted"), _remission("16 (26.7)")))
    (caveat,) = _codes(_derive(cohorts), "RESECTION")
    assert (caveat.severity, caveat.cohorts, caveat.targets) == ("major", ("ref",), ("endpoint:EFS",))
    assert (caveat.fact["n"], caveat.fact["denominator"]) == (16, 60)
    assert caveat.fact["endpoints"] == (("EFS", "not-counted"),)
    assert _say(caveat, cohorts) == (
        "In Ref, 16 of 60 patients had complete surgical remission; event-free survival does not count resection "
        "as an event: this endpoint depends on local therapy as well as on the systemic treatment."
    )


def test_resection_unspecified_when_definition_missing(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, other=_both(_no_definition, _remission("3/60")))
    (caveat,) = _codes(_derive(cohorts), "RESECTION")
    assert caveat.cohorts == ("other",)
    assert caveat.fact["endpoints"] == (("PFS", "unspecified"),)
    text = _say(caveat, cohorts)
    assert "3 of 60 patients" in text and "progression-free survival does not say how resection" in text


def test_resection_not_without_remission_or_when_not_applicable(tmp_path: Path) -> None:
    cohorts = _cohorts(
        tmp_path,
        ref=_both(_endpoint("PFS", "censored"), _remission("0 (0.0)")),  # no patient resected
        other=_remission("16 (26.7)"),  # resection not applicable to its PFS
    )
    assert _codes(_derive(cohorts), "RESECTION") == []


# 3. INTERVAL-TYPES -----------------------------------------------------------------------------------------------


def test_interval_types_iqr_vs_ci(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, ref=_median("4.5 (3.5, 6.3)", "IQR"))
    (caveat,) = _codes(_derive(cohorts), "INTERVAL-TYPES")
    assert (caveat.severity, caveat.cohorts, caveat.targets) == ("minor", ("ref", "other"), ("median:PFS",))
    assert caveat.fact["cohorts"] == (("ref", "IQR"), ("other", "95%_CI"))
    assert _say(caveat, cohorts) == (
        "Median progression-free survival is printed with an IQR in Ref and with a 95% CI in Other: a confidence "
        "interval measures the uncertainty of the median, an IQR or range the spread of survival times, so these "
        "intervals are not comparable."
    )
    assert caveats_for([caveat], "median:PFS") == [caveat]


def test_interval_types_missing_interval(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, other=_median("4.5", None))
    (caveat,) = _codes(_derive(cohorts), "INTERVAL-TYPES")
    assert caveat.fact["cohorts"] == (("ref", "95%_CI"), ("other", "none"))
    assert "with no interval in Other" in _say(caveat, cohorts)


def test_interval_types_shared_type_does_not_fire(tmp_path: Path) -> None:
    def also_iqr(d: dict[str, Any]) -> None:
        d["endpoints"][0]["reports"].append(
            {"statistic": "median", "value": "4.5 (3.0, 7.0)", "interval": "IQR", "at": "Table 3"}
        )

    # Ref prints a 95% CI and an IQR; Other a 95% CI: both share the 95% CI
    assert _codes(_derive(_cohorts(tmp_path, ref=also_iqr)), "INTERVAL-TYPES") == []


# 4. DESIGN-DIFFERS -----------------------------------------------------------------------------------------------


def test_design_differs(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, ref=_design(type="retrospective", phase=None), third=None)
    (caveat,) = _codes(_derive(cohorts), "DESIGN-DIFFERS")
    assert (caveat.severity, caveat.cohorts, caveat.targets) == ("major", ("ref", "other", "third"), ("design",))
    assert caveat.fact["cohorts"] == (("ref", "retrospective"), ("other", "prospective"), ("third", "prospective"))
    assert _say(caveat, cohorts).startswith(
        "Ref is a retrospective series, while Other and Third are prospective trials: patients were selected and "
        "followed differently (selection bias)"
    )


def test_design_same_does_not_fire(tmp_path: Path) -> None:
    retro = _design(type="retrospective", phase=None)
    assert _codes(_derive(_cohorts(tmp_path, ref=retro, other=retro)), "DESIGN-DIFFERS") == []


# 5. POSSIBLE-OVERLAP ---------------------------------------------------------------------------------------------


def _registered(*ids: str) -> Edit:
    return _design(registrations=[{"id": i, "at": "Abstract"} for i in ids])


def test_overlap_shared_registration(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, ref=_registered("NCT04690231", "ETH-1"), other=_registered("nct04690231"))
    (caveat,) = _codes(_derive(cohorts), "POSSIBLE-OVERLAP")
    assert (caveat.severity, caveat.cohorts) == ("major", ("ref", "other"))
    assert "meta" in caveat.targets and "population" in caveat.targets
    assert (caveat.fact["registrations"], caveat.fact["centres"]) == ((0,), ())
    assert "ref/design.registrations[0]" in caveat.fact.evidence
    assert _say(caveat, cohorts) == (
        "Ref and Other share the registration NCT04690231: they may include the same patients, so they are not "
        "independent and must not be pooled as independent studies."
    )


def test_overlap_shared_centre_with_overlapping_accrual(tmp_path: Path) -> None:
    cohorts = _cohorts(
        tmp_path,
        ref=_design(centres=["Peking University People's Hospital"], accrual_start="2017-06", accrual_end="2020-07"),
        other=_design(
            centres=["peking university peoples hospital", "Elsewhere"], accrual_start="2019", accrual_end="2021"
        ),
    )
    (caveat,) = _codes(_derive(cohorts), "POSSIBLE-OVERLAP")
    assert (caveat.fact["centres"], caveat.fact["accrual"]) == ((0,), "overlapping")
    assert "share the centre Peking University People's Hospital with overlapping accrual" in _say(caveat, cohorts)


def test_overlap_shared_centre_with_unknown_accrual(tmp_path: Path) -> None:
    centre = _design(centres=["Centre A"])
    cohorts = _cohorts(tmp_path, ref=centre, other=centre)
    (caveat,) = _codes(_derive(cohorts), "POSSIBLE-OVERLAP")
    assert caveat.fact["accrual"] == "not-reported"
    assert "(accrual not reported, so overlap cannot be excluded)" in _say(caveat, cohorts)


def test_overlap_not_for_shared_centre_in_separate_periods(tmp_path: Path) -> None:
    cohorts = _cohorts(
        tmp_path,
        ref=_design(centres=["Centre A"], accrual_start="2015-01", accrual_end="2017-12"),
        other=_design(centres=["Centre A"], accrual_start="2018", accrual_end="2019-06-30"),
    )
    assert _codes(_derive(cohorts), "POSSIBLE-OVERLAP") == []


# 6. FOLLOW-UP ----------------------------------------------------------------------------------------------------


def test_follow_up_differs_with_weeks_converted(tmp_path: Path) -> None:
    """90 weeks = 90 × 12 / 52.1775 = 20.70 months, more than 1.5 × 12.0 = 18.0 months."""
    cohorts = _cohorts(tmp_path, other=_follow_up(("90", "weeks")))
    (caveat,) = _codes(_derive(cohorts), "FOLLOW-UP")
    assert (caveat.severity, caveat.cohorts) == ("minor", ("ref", "other"))
    assert caveat.targets == ("design", "endpoint:PFS")
    assert caveat.fact["ratio"] == 1.5
    assert [(c, round(lo, 2), round(hi, 2)) for c, lo, hi in caveat.fact["cohorts"]] == [
        ("ref", 12.0, 12.0), ("other", 20.7, 20.7)]
    assert _say(caveat, cohorts).startswith(
        "Median follow-up differs by more than a factor 1.5 between cohorts (Ref 12.0 months, Other 20.7 months):"
    )


def test_follow_up_weeks_are_not_months(tmp_path: Path) -> None:
    """60 weeks = 13.80 months against 12.0 months (ratio 1.15); read as months it would be 60/12 = 5."""
    assert _codes(_derive(_cohorts(tmp_path, other=_follow_up(("60", "weeks")))), "FOLLOW-UP") == []


def test_follow_up_closest_printed_values_count(tmp_path: Path) -> None:
    """Ref prints 8 and 20 months, Other 13: 20/8 = 2.5 but the closest values (13 and 13 vs 8..20) agree."""
    cohorts = _cohorts(tmp_path, ref=_follow_up(("8", "months"), ("20", "months")), other=_follow_up(("13", "months")))
    assert _codes(_derive(cohorts), "FOLLOW-UP") == []


def test_follow_up_unknown(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path, other=_follow_up())
    (caveat,) = _codes(_derive(cohorts), "FOLLOW-UP")
    assert caveat.cohorts == ("other",)
    assert caveat.fact == fact("follow-up-missing", caveat.fact.evidence, cohorts=("other",))
    assert _say(caveat, cohorts).startswith("Median follow-up is not reported for Other,")


# 7. IMBALANCE ----------------------------------------------------------------------------------------------------


def _smd(*rows: tuple[str, str, float | None, bool, str | None]) -> pl.DataFrame:
    columns = ("cohort", "variable", "smd", "estimated", "note")
    schema = {"cohort": pl.String, "variable": pl.String, "smd": pl.Float64, "estimated": pl.Boolean}
    frame = pl.DataFrame([dict(zip(columns, r, strict=True)) for r in rows], schema={**schema, "note": pl.String})
    return frame.with_columns(reference=pl.lit("ref"))


def test_imbalance_one_caveat_per_variable(tmp_path: Path) -> None:
    smd = _smd(
        ("ref", "ecog", 0.0, False, None),
        ("other", "ecog", 0.30, False, None),
        ("third", "ecog", -0.12, True, "mean and SD estimated from median (range) by Wan 2014"),
        ("other", "age", 0.05, False, None),
        ("third", "age", None, False, "not reported"),
    )
    cohorts = _cohorts(tmp_path, third=None)
    caveats = _codes(_derive(cohorts, smd=smd), "IMBALANCE")
    assert len(caveats) == 1
    (caveat,) = caveats
    assert (caveat.severity, caveat.cohorts, caveat.targets) == ("major", ("ref", "other", "third"), ("baseline:ecog",))
    assert caveat.fact["rows"] == (("other", 0.30, True, "measured"), ("third", -0.12, True, "median"))
    assert (caveat.fact["threshold"], caveat.fact["implied"]) == (0.1, ())
    assert _say(caveat, cohorts) == (
        "Baseline imbalance against Ref in ECOG performance status (|SMD| above 0.1 and beyond sampling noise): "
        "standardized mean difference "
        "+0.30 for Other and -0.12 for Third (estimated from a median); differences in outcomes may partly reflect it."
    )


def test_imbalance_minor_up_to_major_limit(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path)
    (caveat,) = _codes(_derive(cohorts, smd=_smd(("other", "age", SMD_MAJOR, False, None))), "IMBALANCE")
    assert caveat.severity == "minor"
    assert _say(caveat, cohorts).startswith(
        "Baseline imbalance against Ref in age (|SMD| above 0.1 and beyond sampling noise): standardized mean "
        "difference +0.25 for Other"
    )


def test_imbalance_not_below_threshold(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path)
    smd = _smd(("other", "ecog", 0.30, False, None), ("other", "age", -0.1, False, None))
    assert _codes(_derive(cohorts, smd=smd, smd_threshold=0.35), "IMBALANCE") == []
    assert [c.targets for c in _codes(_derive(cohorts, smd=smd), "IMBALANCE")] == [("baseline:ecog",)]
    assert _codes(_derive(cohorts, smd=None), "IMBALANCE") == []


# 8. DATA-ERRORS --------------------------------------------------------------------------------------------------


def _finding(cohort: str, code: str, field: str, severity: str = "error", note: str | None = None) -> Finding:
    return Finding(code, severity, cohort, field, "message", "Table 2", acknowledged=note is not None, note=note)  # type: ignore[arg-type]


def test_data_errors_unacknowledged_and_acknowledged(tmp_path: Path) -> None:
    findings = [
        _finding("other", "PCT-MISMATCH", "baseline.ecog.0"),
        _finding("other", "PCT-MISMATCH", "outcome.best_response.PR"),
        _finding("other", "TTE-MEDIAN-RATE", "endpoint.PFS.median"),
        _finding("ref", "PCT-MISMATCH", "rate.ORR", note="printed 26.1% for 13/46"),
        _finding("ref", "CAT-UNION", "baseline.sex.male", severity="warning"),
    ]
    cohorts = _cohorts(tmp_path)
    caveats = _codes(_derive(cohorts, findings=findings), "DATA-ERRORS")
    major, minor = caveats
    assert (major.severity, major.cohorts) == ("major", ("other",))
    assert major.targets == ("baseline:ecog", "endpoint:PFS", "median:PFS", "outcome:best_response")
    assert major.fact == fact("data-errors", major.fact.evidence, cohort="other", acknowledged=False,
                              codes=("PCT-MISMATCH", "TTE-MEDIAN-RATE"))
    assert "PCT-MISMATCH@other/baseline.ecog.0" in major.fact.evidence
    assert _say(major, cohorts) == (
        "Other has unresolved errors in its published numbers: printed percentage does not match n/denominator "
        "(wrong count or denominator); the median contradicts a landmark rate; results that use them are uncertain."
    )
    assert (minor.severity, minor.cohorts, minor.targets) == ("minor", ("ref",), ("outcome:ORR",))
    assert minor.fact["acknowledged"] is True
    assert _say(minor, cohorts) == (
        "Ref: numbers reviewed and kept as printed despite errors: printed percentage does not match n/denominator "
        "(wrong count or denominator) (marked in the tables, explained in the notes under them)."
    )


def test_data_errors_not_for_warnings_or_no_findings(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path)
    warnings = [_finding("ref", "X", "population.n", severity="warning"), _finding("other", "Y", "design", "info")]
    assert _codes(_derive(cohorts, findings=warnings), "DATA-ERRORS") == []
    assert _codes(_derive(cohorts, findings=None), "DATA-ERRORS") == []


# 9. SMALL-SAMPLE -------------------------------------------------------------------------------------------------


def test_small_sample(tmp_path: Path) -> None:
    def small(d: dict[str, Any]) -> None:
        d["population"].update(n=33, reports=[])

    cohorts = _cohorts(tmp_path, ref=small, other=small, third=None)
    (caveat,) = _codes(_derive(cohorts), "SMALL-SAMPLE")
    assert (caveat.severity, caveat.cohorts, caveat.targets) == ("minor", ("ref", "other"), ("population",))
    assert caveat.fact == fact("small-sample", caveat.fact.evidence, cohorts=(("ref", 33), ("other", 33)), limit=50,
                               all=False)
    assert _say(caveat, cohorts).startswith("Ref (N=33) and Other (N=33) have fewer than 50 patients:")


def test_small_sample_says_every_only_when_every_cohort_is_small(tmp_path: Path) -> None:
    """The chemotherapy report's false sentence: "every cohort" is said only when the rule found every cohort."""
    def small(d: dict[str, Any]) -> None:
        d["population"].update(n=33, reports=[])

    cohorts = _cohorts(tmp_path, ref=small, other=small)
    (caveat,) = _codes(_derive(cohorts), "SMALL-SAMPLE")
    assert caveat.fact["all"] is True
    assert _say(caveat, cohorts).startswith("Every cohort has fewer than 50 patients: Ref (N=33) and Other (N=33);")


def test_small_sample_limit(tmp_path: Path) -> None:
    cohorts = _cohorts(tmp_path)  # N=60 each
    assert _codes(_derive(cohorts), "SMALL-SAMPLE") == []
    (caveat,) = _codes(_derive(cohorts, small_n=61), "SMALL-SAMPLE")
    assert caveat.cohorts == ("ref", "other")
    assert (caveat.fact["limit"], caveat.fact["all"]) == (61, True)


# 11. DENOMINATOR -------------------------------------------------------------------------------------------------


def test_denominator_differs(tmp_path: Path) -> None:
    def n41(d: dict[str, Any]) -> None:
        d["population"].update(
            n=41,
            reports=[{"set": "enrolled", "n": 43, "at": "Results"}, {"set": "efficacy", "n": 41, "at": "Abstract"}],
        )

    cohorts = _cohorts(tmp_path, other=n41)
    (caveat,) = _codes(_derive(cohorts), "DENOMINATOR")
    assert (caveat.severity, caveat.cohorts) == ("minor", ("other",))
    assert "population" in caveat.targets and "outcome:ORR" in caveat.targets
    assert (caveat.fact["n"], caveat.fact["set"], caveat.fact["other"]) == (41, "efficacy", (("enrolled", 43),))
    assert _say(caveat, cohorts) == (
        "For Other the table's N=41 (efficacy set) differs from other reported analysis sets (enrolled 43): "
        "percentages may rest on another denominator."
    )


def test_denominator_same_does_not_fire(tmp_path: Path) -> None:
    assert _codes(_derive(_cohorts(tmp_path)), "DENOMINATOR") == []


# the seed cohorts ------------------------------------------------------------------------------------------------


@pytest.mark.skipif(
    not all((TRIALS / f"{c}.yaml").is_file() for c in ("apatinib-ie", "apatinib", "apatinib-camrelizumab")),
    reason="seed descriptors not present",
)
def test_seed_cohorts_efs_vs_pfs() -> None:
    """The sentence of the issue: the reference reports EFS, the two trials PFS."""
    cohorts = tc.load(*(TRIALS / f"{c}.yaml" for c in ("apatinib-ie", "apatinib", "apatinib-camrelizumab")))
    (caveat,) = _codes(derive_caveats(cohorts, reference="apatinib-ie"), "ENDPOINT-DIFFERS")
    assert caveat.cohorts == ("apatinib-ie", "apatinib", "apatinib-camrelizumab")
    assert _say(caveat, cohorts).startswith(
        "Apatinib + IE reports event-free survival (resection not counted as an event), while Apatinib and "
        "Apatinib + camrelizumab report progression-free survival: their medians and landmark rates measure "
        "different things."
    )


def test_imbalance_notes_name_levels_by_their_printed_labels() -> None:
    """Apatinib + camrelizumab prints no "Lung+bone+other lesions^a" row in Table IV (its SMD implies 0 since the
    other counts sum to 43): the limitation names the level as Table IV prints it, not by its harmonized name."""
    from trialcompare.comparison import compare

    repo = Path(__file__).resolve().parents[1]
    cs = tc.load(*(repo / "trials" / f"{c}.yaml" for c in ("apatinib-ie", "apatinib", "apatinib-camrelizumab")))
    cmp = compare(cs, "apatinib-ie", denominators={"apatinib-camrelizumab": 43})
    found = [c for c in derive_caveats(cs, reference="apatinib-ie", smd=cmp.smd) if c.code == "IMBALANCE"]
    (lesions,) = [c for c in found if c.fact["variable"] == "lesion_site"]
    assert ("apatinib-camrelizumab", "lung+bone+other", 43) in lesions.fact["implied"]
    text = _say(lesions, cs)
    assert "level “Lung+bone+other lesions” not reported; implied 0 since the other counts sum to 43" in text
    assert "lung+bone+other" not in text
