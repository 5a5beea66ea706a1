"""Family 9 (``HARM-*``): the adverse_events block against its counts, grade bands and units, on bad inputs.

Each expected number is derived by hand in the test's docstring.
"""

from __future__ import annotations

from typing import Any

import pytest

import trialcompare as tc


def block(n: int = 33, **parts: Any) -> dict[str, Any]:
    """An adverse_events block with a safety population of ``n``."""
    return {"population": {"n": n, "refers_to": "treated", "at": "Table I"}, **parts}


def ev(term: str, grade: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"term": term, "grade": grade, "value": value, "at": "Table II", **extra}


def test_clean_block_gives_only_the_episode_note(cohort, run):
    """25 severe AEs counted as episodes among 33 patients: no error, one HARM-EPISODES note. 3/33 = 9.09% → 9.1."""
    path = cohort("a", adverse_events=block(events=[ev("severe AEs", ">=3", 25, unit="episodes"),
                                                    ev("pneumothorax", ">=3", "3 (9.1)")]))
    assert [f.code for f in run(path, prefix="HARM")] == ["HARM-EPISODES"]


def test_patients_above_n_is_an_error_read_as_episodes(cohort, run):
    """25 "patients" with a severe AE among 20: impossible as patients (25 > 20); the message reads it as episodes."""
    path = cohort("a", adverse_events=block(20, events=[ev("severe AEs", ">=3", 25)]))
    [f] = run(path, prefix="HARM")
    assert f.code == "HARM-EXCEEDS-N" and f.severity == "error"
    assert "episodes" in f.message and "unit: episodes" in f.message
    assert f.field == "adverse_events.severe aes.>=3" and f.location == "Table II"
    assert f.file.endswith("a.yaml") and f.line is not None


def test_episodes_above_n_are_fine(cohort, run):
    """The same 25 recorded as episodes: an episode count may exceed the patients (no error)."""
    path = cohort("a", adverse_events=block(20, events=[ev("severe AEs", ">=3", 25, unit="episodes")]))
    assert [f.code for f in run(path, prefix="HARM")] == ["HARM-EPISODES"]


def test_count_above_its_own_denominator(cohort, run):
    """12 patients of an entry denominator 10 (the safety N 33 does not save it)."""
    path = cohort("a", adverse_events=block(events=[ev("rash", "any", 12, denominator=10)]))
    assert [f.code for f in run(path, prefix="HARM")] == ["HARM-EXCEEDS-N"]


def test_grade_3_or_more_above_any_grade(cohort, run):
    """Neutropenia grade ≥ 3 in 9 patients but any grade in 7: 9 > 7 is impossible."""
    path = cohort("a", adverse_events=block(events=[ev("Neutropenia", "any", 7, ctcae="Neutrophil count decreased"),
                                                    ev("neutropenia", ">=3", 9, ctcae="Neutrophil count decreased")]))
    [f] = run(path, prefix="HARM")
    assert f.code == "HARM-GRADE-ORDER" and f.field == "adverse_events.neutrophil count decreased.>=3"
    assert '"9"' in f.message and '"7"' in f.message


@pytest.mark.parametrize(("inner", "outer"), [("3", ">=3"), ("4", "3-4"), ("3-4", "any"), ("5", ">=3")])
def test_every_contained_band(cohort, run, inner, outer):
    """A band contained in another (grade 3 in ≥ 3, 4 in 3-4, 3-4 in any, 5 in ≥ 3) cannot count more: 5 > 4."""
    path = cohort("a", adverse_events=block(events=[ev("anemia", outer, 4), ev("anemia", inner, 5)]))
    assert [f.code for f in run(path, prefix="HARM")] == ["HARM-GRADE-ORDER"]


def test_grade_bands_in_order_pass(cohort, run):
    """Any grade 10 ⊇ grade ≥ 3 4 ⊇ grade 3 3 and grade 4 1: in order."""
    path = cohort("a", adverse_events=block(events=[ev("anemia", "any", 10), ev("anemia", ">=3", 4),
                                                    ev("anemia", "3", 3), ev("anemia", "4", 1)]))
    assert run(path, prefix="HARM") == []


def test_percentage_against_count(cohort, run):
    """"13 (30.2)" of 33: 13/33 = 39.39%, not 30.2 (a wrong count or denominator); "13 (39.3)": one digit off
    (39.39 rounds to 39.4), a rounding slip."""
    wrong = cohort("a", adverse_events=block(events=[ev("fatigue", "any", "13 (30.2)")]))
    slip = cohort("b", adverse_events=block(events=[ev("fatigue", "any", "13 (39.3)")]))
    [f] = run(wrong, prefix="HARM")
    assert f.code == "HARM-PCT-MISMATCH" and f.severity == "error"
    assert "13/33 = 39.394%, which rounds to 39.4" in f.message
    [g] = run(slip, prefix="HARM")
    assert g.code == "HARM-PCT-ROUNDING" and g.severity == "info"


def test_percentage_of_printed_denominator(cohort, run):
    """"24 (55.8%) of 43": 24/43 = 55.81% fits, whatever the safety N (33) is."""
    path = cohort("a", adverse_events=block(modifications=[{"kind": "reduction_or_interruption",
                                                            "value": "24 (55.8%) of 43", "at": "Abstract"}]))
    assert run(path, prefix="HARM") == []


def test_bare_percentage_no_count_gives(cohort, run):
    """"50%" of 33: 16/33 = 48.5%, 17/33 = 51.5%; no whole count gives 50% (0 decimals: 49.5-50.5)."""
    path = cohort("a", adverse_events=block(events=[ev("fatigue", "any", "50%")]))
    [f] = run(path, prefix="HARM")
    assert f.code == "HARM-NOT-A-COUNT" and f.severity == "warning"


def test_episodes_fewer_than_patients(cohort, run):
    """Pneumothorax: 4 patients but 3 episodes; each patient has at least one episode."""
    path = cohort("a", adverse_events=block(events=[ev("pneumothorax", ">=3", 4),
                                                    ev("pneumothorax", ">=3", 3, unit="episodes")]))
    codes = sorted(f.code for f in run(path, prefix="HARM"))
    assert codes == ["HARM-EPISODES", "HARM-EPISODES-BELOW-PATIENTS"]


def test_reduction_alone_above_reduction_or_interruption(cohort, run):
    """Dose reduced in 20 but "reduced or interrupted" in 16: 20 > 16."""
    mods = [{"kind": "reduction_or_interruption", "value": "16 (48.5)", "at": "Abstract"},
            {"kind": "dose_reduction", "value": 20, "at": "Results"}]
    path = cohort("a", adverse_events=block(modifications=mods))
    assert [f.code for f in run(path, prefix="HARM")] == ["HARM-MODIFICATION-ORDER"]


def test_named_term_without_count_is_not_checked(cohort, run):
    """A term named in words only ("the majority of grade 3 and 4 toxicities were ...") has no number to check."""
    path = cohort("a", adverse_events=block(events=[{"term": "anorexia", "grade": "3-4", "at": "Results",
                                                     "quote": "grade 3 and 4 toxicities were ... anorexia"}]))
    assert run(path, prefix="HARM") == []


def test_acknowledged_harm_finding_stays_listed(cohort):
    """A curator's acknowledgement marks the finding but keeps it."""
    path = cohort("a", adverse_events=block(20, events=[ev("severe AEs", ">=3", 25)]),
                  acknowledged=[{"code": "HARM-EXCEEDS-N", "note": "printed so"}])
    [f] = [f for f in tc.check(tc.load(path)) if f.code.startswith("HARM")]
    assert f.acknowledged and f.note == "printed so"


def test_shipped_descriptors_have_no_harm_error():
    """The seed and library blocks as transcribed: no HARM error (the 25 severe AEs are episodes)."""
    found = [f for f in tc.check(tc.load("trials")) if f.code.startswith("HARM")]
    assert [f.code for f in found if f.severity == "error"] == []
    assert {(f.cohort, f.code) for f in found} == {("apatinib-ie", "HARM-EPISODES")}
