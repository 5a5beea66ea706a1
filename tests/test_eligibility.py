"""Eligibility that makes outcomes structurally incomparable (DESIGN.md: "eligibility that makes outcomes
structurally incomparable (e.g. resectable disease excluded)"; issue 11, Build 6).

The sources, as printed:

* apatinib + IE (Patients and methods: Patients): "All patients who had been assessed by the joint sarcoma board of
  the aforementioned hospitals, ... for eligibility for metastasectomy were also included." → resectable included;
* the two phase II trials (Introduction): "These findings led to two phase 2 trials to explore the activity of
  apatinib-based treatment in patients with relapsed, unresectable high-grade osteosarcoma after standard
  treatment (11)." → resectable excluded, for apatinib and apatinib + camrelizumab;
* IE alone: the paper states no eligibility for this series → not stated (nothing assumed).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.caveats import derive_caveats
from trialcompare.render.caveat_words import caveat_words
from trialcompare.render.phrasebook import say
from trialcompare.render.tables import differences_table
from trialcompare.rules import incomparable_by_eligibility, resectability

REPO = Path(__file__).resolve().parents[1]
SEEDS = [REPO / "trials" / f"{cid}.yaml" for cid in ("apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie")]

MINIMAL = """\
id: x
label: "X"
regimen: {{text: "drug"}}
sources: [{{key: s, citation: "c"}}]
design:
  type: prospective
{eligibility}population: {{n: 20, n_refers_to: efficacy, at: "Table 1"}}
"""


@pytest.fixture(scope="module")
def seeds() -> tc.CohortSet:
    return tc.load(*SEEDS)


@pytest.fixture(scope="module")
def shipped(seeds: tc.CohortSet):
    """Exploratory: complete surgical remission is contrasted only there (the body shows ORR and DCR only)."""
    return tc.compare(seeds, reference="apatinib-ie", exploratory=True)


def test_eligibility_is_optional_and_additive(tmp_path: Path) -> None:
    """A descriptor without the field validates as before and states nothing."""
    path = tmp_path / "x.yaml"
    path.write_text(MINIMAL.format(eligibility=""))
    desc = tc.load(path)["x"].descriptor
    assert desc.design.eligibility is None and resectability(desc) == "not_stated"


def test_a_stated_eligibility_needs_the_sources_words(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(MINIMAL.format(eligibility="  eligibility: {resectable: excluded}\n"))
    with pytest.raises(tc.DescriptorError, match="quote"):
        tc.load(path)
    path.write_text(MINIMAL.format(eligibility='  eligibility: {resectable: excluded, quote: "unresectable", '
                                              'at: "Title"}\n'))
    assert resectability(tc.load(path)["x"].descriptor) == "excluded"


def test_seed_cohorts_record_what_the_paper_says(seeds: tc.CohortSet) -> None:
    got = {c.id: resectability(c.descriptor) for c in seeds}
    assert got == {"apatinib-ie": "included", "apatinib": "excluded", "apatinib-camrelizumab": "excluded",
                   "ie": "not_stated"}
    intro = seeds["apatinib"].descriptor.design.eligibility
    assert "relapsed, unresectable high-grade osteosarcoma" in " ".join(intro.quote.split())
    assert intro.at == "Introduction"
    methods = seeds["apatinib-ie"].descriptor.design.eligibility
    assert "for eligibility for metastasectomy were also included" in " ".join(methods.quote.split())


def test_surgical_remission_is_not_tested_across_eligibility(shipped) -> None:
    """CSR 16/33 (apatinib + IE) against 0/37 and 0/43 (the trials that excluded resectable disease): marked, no
    numbers; against IE (23/46, eligibility not stated) it is compared (a risk difference), but not tested: IE shares
    the reference's registration (issue 19, item 4)."""
    csr = shipped.differences.filter(pl.col("outcome") == "surgical_remission:yes")
    marked = csr.filter(~pl.col("comparable"))
    assert sorted(marked["cohort"]) == ["apatinib", "apatinib-camrelizumab"]
    assert set(marked["not_comparable_reason"]) == {"eligibility"}
    assert marked["fisher_p"].null_count() == marked.height and marked["odds_ratio"].null_count() == marked.height
    ie = csr.filter(pl.col("cohort") == "ie").row(0, named=True)
    assert ie["comparable"] and ie["risk_difference"] is not None
    assert ie["fisher_p"] is None and ie["overlap"] == "shares-registration"
    # other outcomes are unaffected by the rule
    assert shipped.differences.filter(pl.col("outcome") != "surgical_remission:yes")["comparable"].all()


def test_differences_table_says_not_comparable(shipped) -> None:
    table = differences_table(shipped).filter(pl.col("outcome") == "CSR yes")
    cells = {r["cohort"]: r["risk difference (95% CI)"] for r in table.iter_rows(named=True)}
    assert cells["Apatinib"] == cells["Apatinib + camrelizumab"] == "not comparable (eligibility)"
    assert cells["IE"] != "not comparable (eligibility)"


def test_the_rule_is_symmetric_and_needs_both_sources(seeds: tc.CohortSet) -> None:
    a, b, ie = (seeds[c].descriptor for c in ("apatinib-ie", "apatinib", "ie"))
    assert incomparable_by_eligibility("surgical_remission:yes", b, a) == "eligibility"
    assert incomparable_by_eligibility("surgical_remission:yes", ie, b) is None
    assert incomparable_by_eligibility("ORR", a, b) is None


def test_the_limitation_names_both_sides(seeds: tc.CohortSet) -> None:
    found = [c for c in derive_caveats(seeds, reference="apatinib-ie") if c.code == "ELIGIBILITY-DIFFERS"]
    assert len(found) == 1
    caveat = found[0]
    assert caveat.severity == "major" and caveat.cohorts == ("apatinib-ie", "apatinib", "apatinib-camrelizumab")
    assert (caveat.fact["included"], caveat.fact["excluded"], caveat.fact["silent"]) == (
        ("apatinib-ie",), ("apatinib", "apatinib-camrelizumab"), ("ie",))
    text = say(caveat.fact, caveat_words(seeds))
    assert "The source of IE does not say." in text and "not tested" in text
