"""Domain rules written once (trialcompare.rules) and used alike by checks, compare, meta and caveats."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import trialcompare as tc
from trialcompare.caveats import derive_caveats
from trialcompare.descriptor.scaffold import example
from trialcompare.meta.suite import outcome_data
from trialcompare.render.caveat_words import caveat_words
from trialcompare.render.phrasebook import say
from trialcompare.rules import accrual_month, centre_key, patient_overlap


def _write(tmp_path: Path, cid: str, **replace: str) -> None:
    text = example(cid)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / f"{cid}.yaml").write_text(text, encoding="utf-8")


def test_accrual_dates_as_printed_in_words_and_iso_agree() -> None:
    assert accrual_month("June 2017") == accrual_month("2017-06") == 2017 * 12 + 6
    assert accrual_month("2016", end=True) == 2016 * 12 + 12
    assert accrual_month("not reported") is None


def test_centre_identity_ignores_case_and_punctuation() -> None:
    assert centre_key("Peking University People's Hospital") == centre_key("PEKING UNIVERSITY PEOPLES HOSPITAL")


def _overlap_pair(tmp_path: Path) -> tc.CohortSet:
    """A reports accrual as ISO dates, B in words; both name one centre with different spellings. The periods
    (2017-06..2018-12 and March 2018..May 2019) overlap."""
    common = {"centres: []": 'centres: ["St. Mary\'s Hospital"]'}
    _write(tmp_path, "a", **common, **{'accrual_start: null ': 'accrual_start: "2017-06"',
                                        "accrual_end: null": 'accrual_end: "2018-12"',
                                        "NCT00000000": "NCT11111111"})
    _write(tmp_path, "b", **{"centres: []": 'centres: ["st marys hospital"]',
                             'accrual_start: null ': 'accrual_start: "March 2018"',
                             "accrual_end: null": 'accrual_end: "May 2019"', "NCT00000000": "NCT22222222"})
    return tc.load(tmp_path)


def test_finding_and_caveat_agree_on_an_overlap_printed_in_words(tmp_path: Path) -> None:
    """The old caveat read only ISO dates and said "accrual not reported" where the check said "overlap"."""
    cs = _overlap_pair(tmp_path)
    overlap = patient_overlap(cs["a"].descriptor, cs["b"].descriptor)
    assert overlap is not None and overlap.accrual_overlaps is True and overlap.possible
    findings = [f for f in tc.check(cs) if f.code == "XC-SHARED-CENTRE"]
    assert findings and findings[0].severity == "warning" and "overlap" in findings[0].message
    caveats = [c for c in derive_caveats(cs, reference="a") if c.code == "POSSIBLE-OVERLAP"]
    assert len(caveats) == 1 and caveats[0].fact["accrual"] == "overlapping"
    text = say(caveats[0].fact, caveat_words(cs))
    assert "with overlapping accrual" in text and "not reported" not in text


def test_table_meta_and_caveats_use_the_same_compared_endpoint(tmp_path: Path) -> None:
    """B's primary endpoint is PFS, but it also prints a non-primary TTP at "Table IV" (the preferred location).
    The compared endpoint is PFS everywhere: in the table, in the pooled data and in the caveats."""
    _write(tmp_path, "a")
    ttp = '''  - name: TTP
    primary: false
    reports:
      - {statistic: median, value: "3.0", at: "Table IV"}
      - {statistic: rate, months: 6, value: "40.0%", at: "Table IV"}
'''
    text = example("b")
    text = text.replace("endpoints:                    # EFS | PFS | OS | TTP | DOR\n",
                        "endpoints:                    # EFS | PFS | OS | TTP | DOR\n" + ttp)
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    cs = tc.load(tmp_path)
    cmp = tc.compare(cs, reference="a")
    assert cmp.compared_endpoints["b"] == "PFS"
    table = cmp.table()
    endpoint_row = table.filter(pl.col("row") == "Endpoint").row(0, named=True)
    b_column = table.columns[3]  # section, row, reference a, then b
    assert "PFS" in endpoint_row[b_column] and "TTP" not in endpoint_row[b_column]
    data = outcome_data(cs, "tte_6m")
    assert data.filter(pl.col("cohort") == "b")["endpoint"].to_list() == ["PFS"]


def test_overlap_caveats_consume_the_cross_cohort_findings(tmp_path: Path) -> None:
    """The caveat says what the check found: with the check's findings it appears; with findings that hold no
    overlap finding (e.g. filtered out by a caller) it does not; with no findings given the check is run."""
    cs = _overlap_pair(tmp_path)
    findings = tc.check(cs)
    assert [c.code for c in derive_caveats(cs, reference="a", findings=findings)].count("POSSIBLE-OVERLAP") == 1
    others = [f for f in findings if not f.code.startswith("XC-SHARED")]
    assert "POSSIBLE-OVERLAP" not in [c.code for c in derive_caveats(cs, reference="a", findings=others)]
    assert "POSSIBLE-OVERLAP" in [c.code for c in derive_caveats(cs, reference="a")]
    xc = next(f for f in findings if f.code == "XC-SHARED-CENTRE")
    assert {xc.cohort, *xc.related} == {"a", "b"}


# ---------------------------------------------------------------------------------------------------------------
# control arms and the one pooling-exclusion rule (issue 19 item 8)


REPO = Path(__file__).resolve().parents[1]


def test_control_arm_is_declared_in_the_descriptor(tmp_path: Path) -> None:
    """An active control (IE alone in a lenvatinib + IE vs IE trial) has no word saying "control": the descriptor
    field marks it; a randomised arm without the field is still recognised by placebo / best supportive care."""
    from trialcompare.rules import control_arm, is_control_arm

    _write(tmp_path, "ie-arm", **{"arm_of: null": "arm_of: {study: OLIE, arm: ie, randomised: true, control: active}"})
    _write(tmp_path, "len-ie-arm", **{"arm_of: null": "arm_of: {study: OLIE, arm: lenvatinib-ie, randomised: true}"})
    cs = tc.load(tmp_path)
    assert control_arm(cs["ie-arm"].descriptor) == "active" and is_control_arm(cs["ie-arm"].descriptor)
    assert control_arm(cs["len-ie-arm"].descriptor) is None
    library = tc.load(REPO / "trials")
    assert control_arm(library["regobone-placebo"].descriptor) == "placebo"
    assert control_arm(library["regobone-regorafenib"].descriptor) is None
    assert control_arm(library["ie"].descriptor) is None  # a single-arm series, not an arm of a randomised study


def test_one_pooling_exclusion_rule_for_every_pair() -> None:
    """The shipped cohorts: IE shares the reference's registration; apatinib + camrelizumab shares its centre with
    overlapping accrual (the pair the benchmark used to keep, T14/K1); the two ITCC-050 cohorts and the two REGOBONE
    arms are arms of one study. No other pair may share patients."""
    from trialcompare.rules import pooling_exclusion

    cs = tc.load(REPO / "trials")
    found = {}
    for i, a in enumerate(cs.ids):
        for b in cs.ids[i + 1:]:
            rule = pooling_exclusion(cs[a].descriptor, cs[b].descriptor)
            if rule is not None:
                found[frozenset((a, b))] = rule[0]
                assert pooling_exclusion(cs[b].descriptor, cs[a].descriptor)[0] == rule[0]  # symmetric
    assert found == {
        frozenset(("apatinib-ie", "ie")): "shares-registration",
        frozenset(("apatinib-ie", "apatinib-camrelizumab")): "shares-centre",
        frozenset(("itcc050-lenvatinib", "itcc050-lenvatinib-ie")): "same-study",
        frozenset(("regobone-placebo", "regobone-regorafenib")): "same-study",
    }
