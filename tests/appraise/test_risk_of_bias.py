"""Risk of bias per cohort (issue 19, item 6): ROBINS-I domains judged from descriptor facts, or no information.

Each judgement path is exercised with a small descriptor written as YAML and read by the project's loader; the
shipped seed cohorts' table is pinned cell by cell with the reason for each cell; every reason code has words.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.appraise.facts import fact
from trialcompare.appraise.risk_of_bias import (
    DOMAINS,
    JUDGEMENTS,
    REASONS,
    itt_label_facts,
    overall_judgement,
    risk_of_bias,
    risk_of_bias_facts,
)
from trialcompare.render import phrasebook as pb

REPO = Path(__file__).resolve().parents[2]
SEEDS = [REPO / "trials" / f"{cid}.yaml" for cid in ("apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie")]

BASE = """\
id: {id}
label: "{id}"
regimen: {{text: "drug"}}
sources: [{{key: s, citation: "c"}}]
design:
  type: {type}
  at: "Methods"
{design}population: {{n: 40, n_refers_to: treated, at: "Table 1"}}
{rest}"""


def _write(tmp_path: Path, cid: str = "x", type_: str = "retrospective", design: str = "", rest: str = "") -> Path:
    path = tmp_path / f"{cid}.yaml"
    block = textwrap.indent(textwrap.dedent(design).strip("\n"), "  ") + "\n" if design.strip() else ""
    path.write_text(BASE.format(id=cid, type=type_, design=block, rest=textwrap.dedent(rest)))
    return path


def _cell(table: pl.DataFrame, domain: str, cohort: str = "x") -> tuple[str, str, str]:
    row = table.filter((pl.col("cohort") == cohort) & (pl.col("domain") == domain))
    assert row.height == 1
    return row.select("judgement", "reason", "evidence").row(0)


def _judge(tmp_path: Path, domain: str, **kw: str) -> tuple[str, str, str]:
    return _cell(risk_of_bias(tc.load(_write(tmp_path, **kw))), domain)


# ---------------------------------------------------------------------------------------------------------------
# the new descriptor fields: optional, quoted, located, from a fixed vocabulary


def test_a_descriptor_without_the_facts_validates_and_says_nothing(tmp_path: Path) -> None:
    desc = tc.load(_write(tmp_path))["x"].descriptor
    d = desc.design
    assert (d.selection, d.assessment, d.intervention, d.missing_data, d.overlap_evidence) == (None, None, None, [], [])


@pytest.mark.parametrize("design", [
    'selection: {exclusions_after_start: {value: "yes", at: "Methods"}}',
    'selection: {method: {value: consecutive, at: "Methods"}}',
    'assessment: {criteria: {value: RECIST 1.1, at: "Methods"}}',
    'assessment: {independent_review: {value: "no", at: "Methods"}}',
    "eligibility: {age: {min: 16, at: Methods}}",
    "eligibility: {ecog_max: {value: 2, at: Methods}}",
    "intervention: {classified: retrospectively, at: Methods}",
])
def test_a_stated_fact_needs_the_sources_words(tmp_path: Path, design: str) -> None:
    with pytest.raises(tc.DescriptorError, match="quote"):
        tc.load(_write(tmp_path, design=design))


@pytest.mark.parametrize(("design", "message"), [
    ('assessment: {criteria: {value: RECIST 2, quote: "q", at: "M"}}', "RECIST 1.1"),
    ('assessment: {time_point: {value: at_time, quote: "q", at: "M"}}', "time"),
    ('assessment: {time_point: {value: best_overall, time: 6, unit: months, quote: "q", at: "M"}}', "time"),
    ('missing_data: [{enrolled: 30, analysed: 31, quote: "q", at: "M"}]', "exceeds"),
    ('missing_data: [{enrolled: 30, quote: "q", at: "M"}]', "analysed"),
    ('selection: {exclusions_after_start: {value: "no", reasons: [incomplete-records], quote: "q", at: "M"}}',
     "reasons"),
    ('selection: {method: {value: "random", quote: "q", at: "M"}}', "consecutive"),
    ("eligibility: {age: {min: 20, max: 10, quote: q, at: M}}", "exceeds"),
    ('overlap_evidence: [{with: y, kind: guess, printed: "p", at: "M"}]', "prior-treatment"),
    ('selection: {method: {value: not_stated}}', "at"),
])
def test_values_come_from_the_vocabulary(tmp_path: Path, design: str, message: str) -> None:
    with pytest.raises(tc.DescriptorError, match=message):
        tc.load(_write(tmp_path, design=design))


def test_unknown_sources_are_refused_in_the_new_fields(tmp_path: Path) -> None:
    with pytest.raises(tc.DescriptorError, match="unknown source"):
        tc.load(_write(tmp_path, design='assessment: {blinded: {value: "yes", quote: "q", at: "M", source: zz}}'))


# ---------------------------------------------------------------------------------------------------------------
# each judgement path


def test_confounding_is_serious_across_studies(tmp_path: Path) -> None:
    assert _judge(tmp_path, "confounding", type_="prospective") == (
        "serious", "cross-study-unadjusted", "design.type (Methods)")


def test_printed_overlap_counts_for_both_cohorts_when_both_are_compared(tmp_path: Path) -> None:
    a = _write(tmp_path, "a", design='overlap_evidence: [{with: b, kind: prior-treatment, '
                                     'printed: "3/20 progressed on B", at: "Results"}]')
    b = _write(tmp_path, "b")
    table = risk_of_bias(tc.load(a, b))
    assert _cell(table, "confounding", "a") == ("serious", "overlap-printed", "design.overlap_evidence[0] (Results)")
    assert _cell(table, "confounding", "b") == ("serious", "overlap-printed",
                                                "a: design.overlap_evidence[0] (Results)")
    alone = risk_of_bias(tc.load(a))
    assert _cell(alone, "confounding", "a")[1] == "cross-study-unadjusted", "overlap with a cohort not compared"


EXCLUDED = ('selection: {exclusions_after_start: {value: "yes", reasons: [%s], quote: "excluded if ...", '
            'at: "Methods"}}')


@pytest.mark.parametrize(("type_", "design", "expected"), [
    ("retrospective", EXCLUDED % "early-discontinuation", ("serious", "exclusions-after-start")),
    ("prospective", EXCLUDED % "early-discontinuation", ("serious", "exclusions-after-start")),
    ("prospective", "", ("low", "prospective-enrolment")),
    ("retrospective", 'selection: {method: {value: consecutive, quote: "consecutive", at: "M"}, '
                      'exclusions_after_start: {value: "no", quote: "none excluded", at: "M"}}',
     ("low", "complete-inclusion")),
    ("retrospective", 'selection: {method: {value: all_eligible, quote: "all patients", at: "M"}}',
     ("moderate", "exclusions-not-reported")),
    ("retrospective", 'selection: {method: {value: not_stated, at: "M"}}',
     ("no-information", "selection-not-reported")),
    ("retrospective", "", ("no-information", "selection-not-reported")),
])
def test_selection_of_participants(tmp_path: Path, type_: str, design: str, expected: tuple[str, str]) -> None:
    assert _judge(tmp_path, "selection", type_=type_, design=design)[:2] == expected


@pytest.mark.parametrize(("type_", "design", "expected"), [
    ("retrospective", 'intervention: {classified: retrospectively, quote: "divided afterwards", at: "M"}',
     ("moderate", "classified-retrospectively")),
    ("retrospective", 'intervention: {classified: at_start, quote: "recorded at start", at: "M"}',
     ("low", "classified-at-start")),
    ("prospective", "", ("low", "protocol-defined")),
    ("retrospective", "", ("no-information", "classification-not-reported")),
])
def test_classification_of_interventions(tmp_path: Path, type_: str, design: str, expected: tuple[str, str]) -> None:
    assert _judge(tmp_path, "classification", type_=type_, design=design)[:2] == expected


def _csr(printed: str) -> str:
    return f'outcomes:\n  - {{variable: surgical_remission, at: "Table 2", levels: {{"yes": "{printed}"}}}}\n'


@pytest.mark.parametrize(("design", "rest", "expected"), [
    ("", _csr("16 (40.0)"), ("serious", "co-intervention-resection", "outcomes[0].surgical_remission (Table 2)")),
    ('eligibility: {resectable: included, quote: "assessed for metastasectomy", at: "Methods"}', "",
     ("serious", "co-intervention-resection", "design.eligibility.resectable (Methods)")),
    ("", _csr("0.0 (0.0)"), ("low", "no-resection-reported", "outcomes[0].surgical_remission (Table 2)")),
    ("", "", ("no-information", "deviations-not-reported", "")),
])
def test_deviations_from_intended_interventions(tmp_path: Path, design: str, rest: str,
                                                expected: tuple[str, str, str]) -> None:
    assert _judge(tmp_path, "deviations", type_="prospective", design=design, rest=rest) == expected


def _missing(entry: str) -> str:
    return f'missing_data: [{{{entry}, quote: "q", at: "Results"}}]'


@pytest.mark.parametrize(("design", "expected"), [
    (EXCLUDED % "incomplete-records, early-discontinuation", ("serious", "excluded-for-missing-data")),
    (EXCLUDED % "early-discontinuation", ("no-information", "missing-not-reported")),
    (_missing("analysed: 35, handling: counted-as-failure"), ("low", "missing-counted-as-failure")),
    (_missing("enrolled: 40, analysed: 40"), ("low", "analysed-all")),
    (_missing("enrolled: 43, analysed: 41"), ("moderate", "few-missing")),
    (_missing("enrolled: 40, analysed: 30"), ("serious", "many-missing")),
    (_missing("analysed: 30, handling: excluded"), ("no-information", "missing-not-reported")),
    ("", ("no-information", "missing-not-reported")),
])
def test_missing_data(tmp_path: Path, design: str, expected: tuple[str, str]) -> None:
    assert _judge(tmp_path, "missing-data", design=design)[:2] == expected


def test_missing_data_takes_the_worst_entry_and_the_limit_is_a_parameter(tmp_path: Path) -> None:
    design = ('missing_data:\n  - {enrolled: 40, analysed: 40, quote: "q", at: "A"}\n'
              '  - {enrolled: 40, analysed: 35, quote: "q", at: "B"}')
    path = _write(tmp_path, design=design)
    assert _cell(risk_of_bias(tc.load(path)), "missing-data") == (
        "serious", "many-missing", "design.missing_data[0] (A); design.missing_data[1] (B)")
    assert _cell(risk_of_bias(tc.load(path), missing_limit=0.2), "missing-data")[:2] == ("moderate", "few-missing")
    with pytest.raises(ValueError, match="missing_limit"):
        risk_of_bias(tc.load(path), missing_limit=1.5)


def _assess(**items: str) -> str:
    return "assessment: {" + ", ".join(f"{k}: {{{v}, at: \"M\"}}" for k, v in items.items()) + "}"


@pytest.mark.parametrize(("type_", "design", "expected"), [
    ("retrospective", "", ("serious", "retrospective-assessment", "design.type (Methods)")),
    ("prospective", _assess(prospective='value: "no", quote: "read back"'),
     ("serious", "retrospective-assessment", "design.assessment.prospective (M)")),
    ("retrospective", _assess(independent_review='value: "yes", quote: "central review"'),
     ("moderate", "retrospective-independent-review",
      "design.type (Methods); design.assessment.independent_review (M)")),
    ("prospective", _assess(blinded='value: "yes", quote: "double-blind"'),
     ("low", "independent-or-blinded", "design.assessment.blinded (M)")),
    ("prospective", _assess(independent_review='value: "no", quote: "investigator"'),
     ("moderate", "investigator-assessed", "design.assessment.independent_review (M)")),
    ("prospective", _assess(criteria='value: RECIST 1.1, quote: "RECIST 1.1"'),
     ("moderate", "review-not-reported", "design.assessment.criteria (M)")),
    ("prospective", "", ("no-information", "assessment-not-reported", "")),
])
def test_measurement_of_outcomes(tmp_path: Path, type_: str, design: str, expected: tuple[str, str, str]) -> None:
    assert _judge(tmp_path, "measurement", type_=type_, design=design) == expected


@pytest.mark.parametrize(("type_", "design", "expected"), [
    ("retrospective", "", ("moderate", "retrospective-no-protocol")),
    ("prospective", 'registrations: [{id: NCT0, at: "Abstract"}]', ("low", "registered-protocol")),
    ("prospective", "", ("no-information", "registration-not-reported")),
])
def test_selection_of_the_reported_result(tmp_path: Path, type_: str, design: str, expected: tuple[str, str]) -> None:
    assert _judge(tmp_path, "reported-result", type_=type_, design=design)[:2] == expected


def test_a_randomised_arm_is_judged_as_one(tmp_path: Path) -> None:
    path = _write(tmp_path, type_="prospective", design="arm_of: {study: S, arm: a, randomised: true}")
    assert risk_of_bias(tc.load(path))["design"].unique().to_list() == ["randomised-arm"]


@pytest.mark.parametrize(("judgements", "expected"), [
    (["low"] * 7, "low"),
    (["low", "moderate"], "moderate"),
    (["moderate", "no-information"], "no-information"),
    (["no-information", "serious"], "serious"),
    (["serious", "critical", "no-information"], "critical"),
])
def test_overall_follows_robins_i(judgements: list[str], expected: str) -> None:
    assert overall_judgement(judgements) == expected


# ---------------------------------------------------------------------------------------------------------------
# the shipped cohorts

# fmt: off
SEED_TABLE = {
    # Apatinib + IE, the paper's retrospective series.
    ("apatinib-ie", "confounding"): ("serious", "overlap-printed"),
    # "12/33 (36.4%) patients progressed on IE chemotherapy, among whom 2/33 (6.1%) had progressed on apatinib alone"
    ("apatinib-ie", "selection"): ("serious", "exclusions-after-start"),
    # excluded: incomplete records or follow-up "after chemotherapy"; not "more than two courses" (Patients)
    ("apatinib-ie", "classification"): ("moderate", "classified-retrospectively"),
    # "patients were retrospectively divided into five groups for IE dosing ... and three groups for apatinib dosing"
    ("apatinib-ie", "deviations"): ("serious", "co-intervention-resection"),
    # complete surgical remission 16 (48.5) (Tables III, IV); patients assessed for metastasectomy were included
    ("apatinib-ie", "missing-data"): ("serious", "excluded-for-missing-data"),
    # the same exclusions remove patients with missing records; the KM figures hold 31 of 33 patients
    ("apatinib-ie", "measurement"): ("serious", "retrospective-assessment"),
    # "The outcome data were then retrospectively combined"; best response "as of the most recent follow-up"
    ("apatinib-ie", "reported-result"): ("moderate", "retrospective-no-protocol"),
    # a retrospective series, registered on December 28 2020 after its accrual ended
    ("apatinib-ie", "overall"): ("serious", "overlap-printed+exclusions-after-start+co-intervention-resection"
                                            "+excluded-for-missing-data+retrospective-assessment"),
    # Apatinib phase II (prospective, single-arm).
    ("apatinib", "confounding"): ("serious", "overlap-printed"),
    # 2/33 of the apatinib + IE series "had progressed on apatinib alone" (evidence in apatinib-ie.yaml)
    ("apatinib", "selection"): ("low", "prospective-enrolment"),
    ("apatinib", "classification"): ("low", "protocol-defined"),
    ("apatinib", "deviations"): ("low", "no-resection-reported"),
    # Table IV: complete surgical remission "0.0 (0.0)"
    ("apatinib", "missing-data"): ("no-information", "missing-not-reported"),
    # 37 analysed; how many enrolled is not in the sources
    ("apatinib", "measurement"): ("moderate", "review-not-reported"),
    # RECIST 1.1, best overall response (Table IV); independent review not recorded
    ("apatinib", "reported-result"): ("low", "registered-protocol"),
    # NCT02711007
    ("apatinib", "overall"): ("serious", "overlap-printed"),
    # Apatinib + camrelizumab, APFAO (prospective, single-arm).
    ("apatinib-camrelizumab", "confounding"): ("serious", "cross-study-unadjusted"),
    # shared centre and accrual with apatinib + IE are another rule's (no printed overlap)
    ("apatinib-camrelizumab", "selection"): ("low", "prospective-enrolment"),
    ("apatinib-camrelizumab", "classification"): ("low", "protocol-defined"),
    ("apatinib-camrelizumab", "deviations"): ("low", "no-resection-reported"),
    ("apatinib-camrelizumab", "missing-data"): ("moderate", "few-missing"),
    # 43 enrolled, 41 in the efficacy analysis (2 excluded, reasons not recorded): 4.7% <= 10%
    ("apatinib-camrelizumab", "measurement"): ("moderate", "review-not-reported"),
    ("apatinib-camrelizumab", "reported-result"): ("low", "registered-protocol"),
    # NCT03359018
    ("apatinib-camrelizumab", "overall"): ("serious", "cross-study-unadjusted"),
    # IE alone, the authors' retrospective series (Table IV and a few sentences only).
    ("ie", "confounding"): ("serious", "overlap-printed"),
    # 12/33 of the apatinib + IE series "progressed on IE chemotherapy"
    ("ie", "selection"): ("no-information", "selection-not-reported"),
    ("ie", "classification"): ("no-information", "classification-not-reported"),
    ("ie", "deviations"): ("serious", "co-intervention-resection"),
    # complete surgical remission 23 (50.0) (Table IV; Discussion 23/46)
    ("ie", "missing-data"): ("no-information", "missing-not-reported"),
    ("ie", "measurement"): ("serious", "retrospective-assessment"),
    # "our retrospective data of single IE chemotherapy delivered from 2016 to 2019"
    ("ie", "reported-result"): ("moderate", "retrospective-no-protocol"),
    ("ie", "overall"): ("serious", "overlap-printed+co-intervention-resection+retrospective-assessment"),
}
# fmt: on


@pytest.fixture(scope="module")
def seed_table() -> pl.DataFrame:
    return risk_of_bias(tc.load(*SEEDS))


def test_seed_table_is_pinned(seed_table: pl.DataFrame) -> None:
    got = {(r["cohort"], r["domain"]): (r["judgement"], r["reason"]) for r in seed_table.iter_rows(named=True)}
    assert got == SEED_TABLE


@pytest.fixture(scope="module")
def shipped_table() -> pl.DataFrame:
    return risk_of_bias(tc.load(REPO / "trials"))


def test_every_cohort_has_every_domain_and_an_overall(shipped_table: pl.DataFrame) -> None:
    assert shipped_table["cohort"].n_unique() == 14
    for cohort, rows in shipped_table.group_by("cohort"):
        assert rows["domain"].to_list() == [*DOMAINS, "overall"], cohort


def test_judgements_rest_on_evidence_or_say_no_information(shipped_table: pl.DataFrame) -> None:
    """Never guessed: a judgement other than no-information names the descriptor locations it rests on."""
    domains = shipped_table.filter(pl.col("domain") != "overall")
    assert set(domains["judgement"]) <= set(JUDGEMENTS)
    for row in domains.iter_rows(named=True):
        assert REASONS[row["reason"]] == row["domain"], row
        assert (row["judgement"] == "no-information") == (row["evidence"] == ""), row


def test_library_cohorts_overall(shipped_table: pl.DataFrame) -> None:
    """Confounding across studies is serious for every cohort, so every overall judgement is serious."""
    overall = shipped_table.filter(pl.col("domain") == "overall")
    assert set(overall["judgement"]) == {"serious"}
    cell = {(r["cohort"], r["domain"]): r["reason"] for r in shipped_table.iter_rows(named=True)}
    assert cell[("cabone-cabozantinib", "missing-data")] == "few-missing"  # 45 enrolled, 42 evaluable
    assert cell[("itcc050-lenvatinib-ie", "missing-data")] == "missing-counted-as-failure"
    assert cell[("regobone-placebo", "measurement")] == "independent-or-blinded"  # double-blind
    assert cell[("palmerini2020-hd-ifosfamide", "deviations")] == "co-intervention-resection"  # 26 (51%)
    assert cell[("isg-sorafenib", "reported-result")] == "registration-not-reported"


# ---------------------------------------------------------------------------------------------------------------
# facts and words


def test_every_reason_domain_and_design_has_words() -> None:
    assert set(REASONS) <= set(pb.ROB_REASONS)
    assert set(DOMAINS) <= set(pb.ROB_DOMAINS)
    assert {"retrospective", "prospective", "randomised-arm"} <= set(pb.ROB_DESIGNS)


def test_page_one_facts_for_the_seed_cohorts(seed_table: pl.DataFrame) -> None:
    facts = {f["cohort"]: f for f in risk_of_bias_facts(seed_table)}
    assert list(facts) == ["apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie"]
    ie = facts["ie"]
    assert (ie["judgement"], ie["domains"]) == ("serious", ("confounding", "deviations", "measurement"))
    assert ie.evidence[0] == "apatinib-ie: design.overlap_evidence[0] (Results: Patient characteristics)"
    words = pb.Words({"ie": "IE alone"})
    assert pb.say(ie, words) == (
        "IE alone (retrospective series): serious risk of bias (ROBINS-I) in confounding (the source prints that "
        "patients may be shared with another cohort), deviations from intended interventions (resection during "
        "or after treatment, a co-intervention the comparators may lack) and measurement of outcomes (response "
        "read back from routine records).")


def test_every_shipped_fact_and_cell_can_be_said(shipped_table: pl.DataFrame) -> None:
    for f in risk_of_bias_facts(shipped_table):
        assert pb.say(f).strip()
    for row in shipped_table.filter(pl.col("domain") != "overall").iter_rows(named=True):
        cell = fact("rob-domain", cohort=row["cohort"], domain=row["domain"], judgement=row["judgement"],
                       reason=row["reason"])
        assert row["reason"] not in pb.say(cell), "a reason code leaked into the words"


def test_no_information_is_said_as_such() -> None:
    f = fact("rob-overall", cohort="a", design="prospective", judgement="no-information",
                domains=("missing-data",), reasons=("missing-not-reported",))
    assert pb.say(f, pb.Words({"a": "A"})) == (
        "A (prospective trial): too little information to judge the risk of bias (ROBINS-I) in missing data "
        "(patients analysed against enrolled is not reported).")


def test_an_itt_label_with_exclusions_after_start_is_contradicted(tmp_path: Path) -> None:
    """Reader T26: the reference's "33 (itt)" is not an ITT population — patients were excluded after treatment
    began (incomplete records or follow-up; not more than two courses)."""
    [f] = itt_label_facts(tc.load(*SEEDS))
    assert (f.code, f["cohort"], f["n"]) == ("itt-label-contradicted", "apatinib-ie", 33)
    assert f.evidence == ("population (Table IV)", "population (Table III)",
                          "design.selection.exclusions_after_start (Patients and methods: Patients)")
    assert pb.say(f, pb.Words({"apatinib-ie": "Apatinib + IE"})) == (
        "Apatinib + IE is labelled intention-to-treat (n = 33), but patients were excluded after treatment "
        "began: it is not an intention-to-treat population.")
    plain = _write(tmp_path, design=EXCLUDED % "other")  # treated, not labelled itt
    assert itt_label_facts(tc.load(plain)) == []


SOURCES = REPO.parent / "shared" / "sources"


def _flat(text: str) -> str:
    """Whitespace collapsed; the supplied text's non-breaking spaces and hyphens (U+2011) made plain; words
    hyphenated at a line end joined."""
    text = re.sub("\u2011 *\n\\s*", "", text.replace("\u00a0", " "))
    return re.sub(r"\s+", " ", text.replace("\u2011", "-")).strip()


def _quoted(obj: object, path: str = "design") -> list[tuple[str, str, str | None]]:
    """(path, words, source) of every quote and printed text under a design block."""
    if isinstance(obj, list):
        return [q for i, item in enumerate(obj) for q in _quoted(item, f"{path}[{i}]")]
    fields = getattr(type(obj), "model_fields", None)
    if fields is None:
        return []
    out = [(path, getattr(obj, k), getattr(obj, "source", None)) for k in ("quote", "printed")
           if isinstance(getattr(obj, k, None), str)]
    return out + [q for k in fields for q in _quoted(getattr(obj, k), f"{path}.{k}")]


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the shared sources are not beside the checkout")
def test_every_quote_is_the_sources_words() -> None:
    """Quotes of the paper are in the supplied paper's text; quotes of the other publications are in
    published-cohorts.md (the only text of them that was read), word for word."""
    paper = _flat((SOURCES / "apatinib-ie-osteosarcoma-paper.txt").read_text(encoding="utf-8"))
    cohorts = _flat((SOURCES / "published-cohorts.md").read_text(encoding="utf-8"))
    checked = 0
    for cohort in tc.load(REPO / "trials"):
        desc = cohort.descriptor
        for path, words, source in _quoted(desc.design):
            text = paper if (source or desc.default_source) == "paper" else cohorts
            assert _flat(words) in text, (cohort.id, path, words)
            checked += 1
    assert checked >= 30
