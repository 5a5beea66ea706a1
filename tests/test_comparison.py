"""Comparison engine: aligned levels, SMDs from aggregates, exact CIs, denominators, differences, exports."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from statistics import NormalDist

import openpyxl
import polars as pl
import pytest
from scipy.stats import beta

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.render.tables import FORMATS, export

REPO = Path(__file__).resolve().parents[1]

COHORT = """\
id: {id}
label: "{label}"
regimen: {{text: "drug"}}
sources: [{{key: s, citation: "c"}}]
design: {{type: {type}}}
population: {{n: {n}, n_refers_to: efficacy, at: "Table 1"}}
baseline:
  - {{variable: age, kind: {age_kind}, value: "{age}", at: "Table 1"}}
  - variable: sex
    at: "Table 1"
    levels: {{male: {male}, female: {female}}}
  - variable: lesion_site
    at: "Table 1"
    levels: {lesions}
outcomes:
  - variable: best_response
    at: "Table 2"
    levels: {{CR: 0, PR: {pr}, SD: {sd}, PD: {pd}}}
"""


def _cohort(**kw) -> str:
    defaults = {"type": "prospective", "n": 20, "age_kind": "mean_sd", "age": "20.0±10.0", "male": 10,
                "female": 10, "lesions": "{lung: 10, musculoskeletal: 5, lung+musculoskeletal: 5}",
                "pr": 5, "sd": 5, "pd": 10}
    return COHORT.format(**(defaults | kw))


@pytest.fixture
def pair(tmp_path):
    def _pair(a: dict, b: dict) -> tc.CohortSet:
        (tmp_path / "a.yaml").write_text(_cohort(id="a", label="A", **a))
        (tmp_path / "b.yaml").write_text(_cohort(id="b", label="B", **b))
        return tc.load(tmp_path)

    return _pair


def _smd(cmp, variable: str) -> dict:
    return cmp.smd.filter(pl.col("variable") == variable).row(0, named=True)


def test_binary_and_continuous_smd_by_hand(pair):
    """sex (male first): p_A = 10/20 = 0.5 (reference), p_B = 5/20 = 0.25;
    SMD (B − A) = (0.25 - 0.5) / sqrt((0.5·0.5 + 0.25·0.75)/2) = −0.25 / sqrt(0.21875) = −0.534522.
    age: (25 - 20) / sqrt((10² + 10²)/2) = 0.5 (tableone / Austin 2009 average-variance SD)."""
    cmp = tc.compare(pair({}, {"male": 5, "female": 15, "age": "25.0±10.0"}), reference="a")
    assert _smd(cmp, "sex")["smd"] == pytest.approx(-0.25 / math.sqrt(0.21875), abs=1e-12)
    assert _smd(cmp, "sex")["direction_level"] == "male"
    assert _smd(cmp, "sex")["imbalanced"] is True
    age = _smd(cmp, "age")
    assert age["smd"] == pytest.approx(0.5, abs=1e-12) and age["estimated"] is False


def test_smd_from_median_and_range_is_estimated_by_wan(pair):
    """B prints only "24.0 (10.0, 40.0)" (median, range) with n = 20. Wan et al. 2014 S1:
    mean = (10 + 2·24 + 40)/4 = 24.5; SD = (40 − 10)/ξ, ξ = 2Φ⁻¹((20 − 0.375)/(20 + 0.25)).
    SMD = (24.5 − 20)/sqrt((SD² + 10²)/2)."""
    cmp = tc.compare(pair({}, {"age_kind": "median_range", "age": "24.0 (10.0, 40.0)"}), reference="a")
    xi = 2 * NormalDist().inv_cdf((20 - 0.375) / 20.25)
    sd = 30 / xi
    row = _smd(cmp, "age")
    assert row["smd"] == pytest.approx(4.5 / math.sqrt((sd**2 + 100) / 2), rel=1e-9)
    assert (row["estimated"] is True and "Wan" in row["note"]) or "wan2014" in row["note"]


def test_identical_groups_have_zero_smd_and_zero_variance_is_handled(pair):
    cmp = tc.compare(pair({"male": 20, "female": 0}, {"male": 20, "female": 0}), reference="a")
    assert _smd(cmp, "sex")["smd"] == 0.0
    assert _smd(cmp, "sex")["imbalanced"] is False


def test_disjoint_levels_give_infinite_smd(pair):
    cmp = tc.compare(pair({"male": 20, "female": 0}, {"male": 0, "female": 20}), reference="a")
    assert math.isinf(_smd(cmp, "sex")["smd"])


def test_unreported_level_is_missing_not_zero(pair):
    """B does not print lung+musculoskeletal. Its other counts sum to N, so the SMD can be computed with the
    level implied 0 (and says so); the baseline keeps the level as not reported (null), not as 0."""
    cmp = tc.compare(pair({}, {"lesions": "{lung: 15, musculoskeletal: 5}"}), reference="a")
    row = cmp.baseline.filter(pl.col("cohort") == "b", pl.col("level") == "lung+musculoskeletal").row(0, named=True)
    assert row["reported"] is False and row["n"] is None and row["proportion"] is None
    smd = _smd(cmp, "lesion_site")
    assert smd["smd"] is not None and "implied 0" in smd["note"]
    cell = cmp.table().filter(pl.col("row").str.contains("lung\\+musculoskeletal"))["B (N=20)"][0]
    assert cell == "not reported"


def test_unreported_level_with_counts_not_summing_refuses_smd(pair):
    cmp = tc.compare(pair({}, {"lesions": "{lung: 12, musculoskeletal: 5}"}), reference="a")
    smd = _smd(cmp, "lesion_site")
    assert smd["smd"] is None and "counts sum to 17, not the denominator 20" in smd["note"]


def test_exact_ci_and_choosable_denominator(pair):
    """ORR of B = (CR + PR)/N = 7/20 with a Clopper-Pearson interval: Beta(α/2; 7, 14), Beta(1 − α/2; 8, 13)."""
    cs = pair({}, {"pr": 7, "sd": 3})
    cmp = tc.compare(cs, reference="a")
    orr = cmp.outcomes.filter(pl.col("cohort") == "b", pl.col("outcome") == "ORR").row(0, named=True)
    assert (orr["n"], orr["denominator"], orr["denominator_basis"]) == (7, 20, "declared_n")
    assert orr["ci_low"] == pytest.approx(beta.ppf(0.025, 7, 14), abs=1e-10)
    assert orr["ci_high"] == pytest.approx(beta.ppf(0.975, 8, 13), abs=1e-10)
    chosen = tc.compare(cs, reference="a", denominators={"b": 25})
    orr = chosen.outcomes.filter(pl.col("cohort") == "b", pl.col("outcome") == "ORR").row(0, named=True)
    assert (orr["denominator"], orr["denominator_basis"]) == (25, "user")
    wilson = tc.compare(cs, reference="a", ci_method="wilson")
    assert wilson.outcomes["ci_method"][0] == "wilson"


def test_landmark_rate_printed_as_count_gets_an_exact_ci(tmp_path):
    """A rate printed "17/26 (65%)" gets Clopper-Pearson: Beta(0.025; 17, 10), Beta(0.975; 18, 9);
    a Kaplan-Meier rate printed as a percentage keeps its published interval (none here)."""
    for cid, value in (("a", '"17/26 (65%)"'), ("b", '"78.5%"')):
        text = _cohort(id=cid, label=cid.upper()) + (
            "endpoints:\n  - name: PFS\n    reports:\n"
            f"      - {{statistic: rate, months: 2, value: {value}, at: Abstract}}\n")
        (tmp_path / f"{cid}.yaml").write_text(text)
    out = tc.compare(tc.load(tmp_path), reference="a").outcomes.filter(pl.col("statistic") == "rate")
    a = out.filter(pl.col("cohort") == "a").row(0, named=True)
    assert (a["n"], a["denominator"], a["estimate"]) == (17, 26, 17 / 26)
    assert a["ci_low"] == pytest.approx(beta.ppf(0.025, 17, 10), abs=1e-10)
    assert a["ci_high"] == pytest.approx(beta.ppf(0.975, 18, 9), abs=1e-10)
    b = out.filter(pl.col("cohort") == "b").row(0, named=True)
    assert (b["estimate"], b["ci_low"], b["ci_method"]) == (0.785, None, None)


def test_differences_are_labelled_unanchored(pair):
    cmp = tc.compare(pair({}, {"pr": 7, "sd": 3}), reference="a")
    diff = cmp.differences.filter(pl.col("outcome") == "ORR").row(0, named=True)
    assert diff["risk_difference"] == pytest.approx(7 / 20 - 5 / 20)
    assert diff["rd_low"] < diff["risk_difference"] < diff["rd_high"]
    assert diff["evidence"] == "unanchored"
    assert diff["fisher_p"] is None and diff["odds_ratio"] is None and not diff["exploratory"]  # descriptive
    tested = tc.compare(pair({}, {"pr": 7, "sd": 3}), reference="a", exploratory=True)
    row = tested.differences.filter(pl.col("outcome") == "ORR").row(0, named=True)
    assert 0 < row["fisher_p"] <= 1 and row["exploratory"]


def test_repr_and_notebook_html(pair):
    cmp = tc.compare(pair({}, {"male": 5, "female": 15}), reference="a")
    assert "reference='a'" in repr(cmp) and "'sex'" in repr(cmp) and "unanchored" in repr(cmp)
    html = cmp._repr_html_()
    assert html.startswith("<p><i>Reference: A.") and "<table" in html


def test_notebook_html_escapes_labels(tmp_path):
    (tmp_path / "a.yaml").write_text(_cohort(id="a", label="<b>A</b>"))
    (tmp_path / "b.yaml").write_text(_cohort(id="b", label="B"))
    html = tc.compare(tc.load(tmp_path), reference="a")._repr_html_()
    assert "<b>A</b>" not in html and "&lt;b&gt;A&lt;/b&gt;" in html


def test_bad_options_are_refused(pair):
    cs = pair({}, {})
    with pytest.raises(KeyError, match="not among the cohorts"):
        tc.compare(cs, reference="zzz")
    with pytest.raises(ValueError, match="ci_method"):
        tc.compare(cs, ci_method="bogus")


# -------------------------------------------------------------------------------------------------------------
# the shipped cohorts: the layout reproduces Table IV as printed
# -------------------------------------------------------------------------------------------------------------

# Table IV of the paper, column by column, exactly as printed (counts per row, in row order).
TABLE_IV = {
    "apatinib-ie": ["19.1±8.5 (16.0, 22.2) [mean ± SD (95% CI)]", "13 (39.39)", "3 (9.09)", "16 (48.48)", "1 (3.03)",
                    "15 (45.45)", "16 (48.48)", "2 (6.06)", "20 (60.60)", "11 (33.33)", "2 (6.06)", "32 (96.97)",
                    "0 (0.0)", "21 (63.6)", "12 (36.4)", "0 (0.0)", "9 (27.3)", "11.4 (7.5, 17.1) [IQR]", "78.5%",
                    "39.5%", "19.8 (9.4,51.8) [IQR]", "16 (48.5)", "NCT04690231"],
    "apatinib": ["21.7±11.5 (17.9, 25.6) [mean ± SD (95% CI)]", "27 (72.97)", "4 (10.81)", "6 (16.22)", "0 (0.00)",
                 "31 (83.78)", "5 (13.52)", "1 (2.70)", "27 (72.97)", "10 (27.03)", "0 (0.00)", "35 (94.59)",
                 "16 (43.2)", "8 (21.6)", "13 (35.1)", "11 (29.7)", "4.5 (3.5, 6.3) [IQR]", "36.8%", "<10%",
                 "9.9 (8.0, 19.0) [IQR]", "0.0 (0.0)", "NCT02711007"],
    "apatinib-camrelizumab": ["19.7±9.0 (17.1, 22.4) [mean ± SD (95% CI)]", "18 (41.86)", "3 (6.98)", "22 (51.16)",
                              "37 (86.05)", "6 (13.95)", "34 (79.07)", "9 (20.93)", "42 (97.67)", "9 (20.9)",
                              "26 (60.5)", "8 (18.6)", "7 (16.3)", "6.2 (3.6, 8.9) [IQR]", "50.9%",
                              "11.3 (8.1, 14.8) [IQR]", "NCT03359018"],
    "ie": ["17.7±9.3 (14.9, 20.5) [mean ± SD (95% CI)]", "39 (84.78)", "1 (2.17)", "6 (13.04)", "40 (86.96)",
           "5 (10.87)",
           "1 (2.17)", "44 (95.65)", "2 (4.35)", "46 (100.00)", "13 (26.1)", "28 (60.9)", "5 (10.9)",
           "12 (42.9)", "11.7 (7.6, 15.7) [IQR]", "71.7%", "56.8%", "30.4 (26.9, NR) [IQR]", "23 (50.0)",
           "NCT04690231"],
}


SEEDS = [REPO / "trials" / f"{cid}.yaml" for cid in ("apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie")]


@pytest.fixture(scope="module")
def shipped():
    return tc.compare(tc.load(*SEEDS), reference="apatinib-ie")


def test_layout_reproduces_every_table_iv_cell(shipped):
    table = shipped.table()
    for cid, cells in TABLE_IV.items():
        column = next(c for c in table.columns
                      if c.split(" (N=")[0].removesuffix(" [reference]") == shipped.labels[cid])
        text = "\n".join(table[column].to_list())
        for cell in cells:
            assert cell in text, f"{cid}: {cell!r} not in its column"
    assert table.columns[2].startswith("Apatinib + IE [reference]")


def test_layout_adds_cis_and_smds(shipped):
    table = shipped.table()
    pr = table.filter(pl.col("row") == "Partial response, N (%)")
    assert pr.height == 1
    assert all("[95% CI" in v for v in pr.row(0)[2:])
    lesions = table.filter(pl.col("row").str.starts_with("Target lesions")).row(0)
    assert lesions[2] == "reference" and any(v.startswith("SMD ") for v in lesions[3:])


def test_every_export_format(shipped, tmp_path):
    table = shipped.table()
    texts = {fmt: export(table, fmt) for fmt in FORMATS}
    assert texts["md"].startswith("| section | row |")
    assert "&lt;" not in texts["html"] or "<" not in "".join(table.columns)
    assert json.loads(texts["json"])[0]["section"] == "Design"
    rows = list(csv.reader(io.StringIO(texts["csv"])))
    book = openpyxl.load_workbook(io.BytesIO(texts["xlsx"]))
    cells = [[("" if c is None else str(c)) for c in r] for r in book.active.iter_rows(values_only=True)]
    assert cells == rows and len(rows) == table.height + 1


def test_html_export_escapes(tmp_path):
    df = pl.DataFrame({"row": ["<script>alert(1)</script>"]})
    assert "<script>" not in export(df, "html") and "&lt;script&gt;" in export(df, "html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_table_command_writes_each_format(tmp_path, capsys, fmt):
    out = tmp_path / f"t.{fmt}"
    assert main(["table", *map(str, SEEDS), "--reference", "apatinib-ie", "-o", str(out)]) == 0
    assert out.stat().st_size > 0


def test_table_command_refuses_bad_arguments(tmp_path, capsys):
    trials = str(SEEDS[0])
    assert main(["table", trials, "--reference", "nope"]) == 2
    assert "not a cohort" in capsys.readouterr().err
    assert main(["table", trials, "-o", str(tmp_path / "t.txt")]) == 2
    assert main(["table", trials, "--denominator", "ie=x"]) == 2
    assert list(tmp_path.iterdir()) == []
    assert main(["table", trials]) == 0
    assert "Apatinib + IE" in capsys.readouterr().out


def test_smd_is_signed_cohort_minus_reference_for_continuous_and_binary() -> None:
    """Age as printed in Table IV: IE 17.7 ± 9.3 against apatinib + IE 19.1 ± 8.5, average pooling (tableone):
    (17.7 − 19.1) / sqrt((9.3² + 8.5²) / 2) = −1.4 / 8.909 = −0.157 → −0.16 (IE is younger)."""
    cs = tc.load(REPO / "trials")
    cmp = tc.compare(cs, reference="apatinib-ie")
    age = cmp.smd.filter(pl.col("variable") == "age", pl.col("cohort") == "ie").row(0, named=True)
    base = cmp.baseline.filter(pl.col("variable") == "age")
    stats = {(r["cohort"], r["statistic"]): r["value"] for r in base.iter_rows(named=True)}
    m1, s1 = stats[("ie", "mean")], stats[("ie", "sd")]
    m2, s2 = stats[("apatinib-ie", "mean")], stats[("apatinib-ie", "sd")]
    assert m1 < m2  # IE is younger
    assert age["smd"] == pytest.approx((m1 - m2) / math.sqrt((s1**2 + s2**2) / 2), rel=1e-12)
    assert round(age["smd"], 2) == -0.16
    assert age["abs_smd"] == pytest.approx(-age["smd"])
    assert (age["kind"], age["signed"]) == ("continuous", True)
    multi = cmp.smd.filter(pl.col("kind") == "multi-level", pl.col("smd").is_not_null())
    assert multi.height and (multi["smd"] >= 0).all() and not multi["signed"].any()


def test_binary_smd_sign_follows_the_first_level() -> None:
    """Subtype (canonical vs other): p_cohort − p_reference carries the sign, Austin's formula by hand."""
    cs = tc.load(REPO / "trials")
    cmp = tc.compare(cs, reference="apatinib-ie")
    rows = cmp.smd.filter(pl.col("variable") == "subtype", pl.col("smd").is_not_null())
    base = cmp.baseline.filter(pl.col("variable") == "subtype")
    for r in rows.iter_rows(named=True):
        level = r["direction_level"]
        p1 = base.filter(pl.col("cohort") == r["cohort"], pl.col("level") == level)["proportion"][0]
        p2 = base.filter(pl.col("cohort") == "apatinib-ie", pl.col("level") == level)["proportion"][0]
        assert r["smd"] == pytest.approx((p1 - p2) / math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2))


def test_interval_labels_follow_the_level() -> None:
    """compare(level=0.8): every interval computed here is labelled 80% CI (published intervals keep their own
    printed type, "[95% CI]")."""
    cs = tc.load(REPO / "trials")
    cmp = tc.compare(cs, reference="apatinib-ie", level=0.8)
    cells = " ".join(str(v) for row in cmp.table().iter_rows() for v in row)
    assert "80% CI" in cells
    assert not re.search(r"\[95% CI \d", cells)  # computed intervals are bracketed
    from trialcompare.render.tables import differences_table

    diff = differences_table(cmp)
    assert any("80% CI" in c for c in diff.columns) and not any("95% CI" in c for c in diff.columns)


def test_derived_rates_are_flagged_not_phrased() -> None:
    """ORR = CR + PR is computed here: a structured flag, never a 'derived: ...' string in ``printed``."""
    cmp = tc.compare(tc.load(REPO / "trials"), reference="apatinib-ie")
    orr = cmp.outcomes.filter(pl.col("outcome") == "ORR")
    seeds = orr.filter(pl.col("cohort").is_in(["apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie"]))
    assert seeds.height == 4 and seeds["derived"].all() and set(seeds["derived_from"]) == {"CR+PR"}
    assert orr.filter(pl.col("derived_from") == "CR+PR")["printed"].is_null().all()
    # CABONE prints "12% (95% CI 4-26)" of 42 and no response levels: the implied 5/42 is used, marked as implied,
    # with the string as printed (never a made-up one)
    cabone = orr.filter(pl.col("cohort") == "cabone-cabozantinib").row(0, named=True)
    assert (cabone["n"], cabone["denominator"], cabone["derived"], cabone["derived_from"]) == (5, 42, True,
                                                                                                 "percentage")
    assert cabone["printed"] == "12% (95% CI 4-26)"


def test_bare_percentage_used_only_when_one_count_fits_it_and_its_interval() -> None:
    """ITCC-050 prints "ORR 6.7% (95% CI 0.8-22.1)" with no denominator and N = 31 (issue 10, item 10).

    By hand: 2/31 = 6.45% does not round to 6.7; of the denominators 1..31 only 15 (1/15 = 6.67%) and 30
    (2/30 = 6.67%) give 6.7%. Clopper-Pearson of 1/15 is (0.17%, 31.95%), of 2/30 (0.82%, 22.07%), which rounds to
    the printed 0.8-22.1: the count is 2/30, basis "inferred". The descriptor keeps no denominator (the doubt stays).
    """
    cmp = tc.compare(tc.load(REPO / "trials"), reference="apatinib-ie")
    row = cmp.outcomes.filter(pl.col("cohort") == "itcc050-lenvatinib", pl.col("outcome") == "ORR").row(0, named=True)
    assert (row["n"], row["denominator"], row["denominator_basis"], row["derived_from"]) == (2, 30, "inferred",
                                                                                             "percentage+interval")
    assert row["printed"] == "6.7% (95% CI 0.8-22.1)"
    from trialcompare.comparison import inferred_count

    bare = {"value": 6.7, "decimals": 1, "lower": None, "upper": None, "interval_type": None, "printed": "6.7%"}
    assert inferred_count(bare, 31) is None  # 1/15 and 2/30 both fit: unknown, not guessed
    assert inferred_count(bare | {"value": 50.0, "decimals": 0}, 10**12) is None  # bounded: returns, many fit
    from trialcompare.render.tables import table_iv

    cells = " ".join(map(str, table_iv(cmp).to_dicts()))
    assert "6.7% (95% CI 0.8-22.1); count inferred: 2/30" in cells


def test_reference_pfs_beside_its_efs(shipped):
    """Apatinib + IE is compared on EFS but also prints a median PFS (12.6, 95% CI 6.4-18.9): the table sets it
    beside the comparators' PFS instead of hiding it."""
    row = shipped.table().filter(pl.col("row") == "Median of another endpoint also reported").row(0)
    assert row[2] == "PFS 12.6 (95% CI, 6.4-18.9) [95% CI]"
    assert set(row[3:]) == {"not reported"}


def test_rows_carry_table_iv_labels_as_printed(shipped):
    """Table IV's row labels, as the paper prints them (Table IV, column "Items"): "Target lesions before
    treatment, n (%)", "Pulmonary lesions", "Lung+ musculoskeletal lesions", "Lung+bone+other lesions" (footnote
    mark a dropped), "Lines of systemic therapy, n (%)", "1st line MAPI" (mark b dropped), "2nd line IE/GT",
    "3rd line", "ECOG status before treatment, n (%)", "Complete response, N (%)" ... "Progressive disease, N (%)",
    "Complete surgical remission, n (%)". The harmonized level names stay out of the row labels."""
    rows = shipped.table()["row"].to_list()
    printed = ["Target lesions before treatment, n (%)", "  Pulmonary lesions", "  Musculoskeletal lesions",
               "  Lung+ musculoskeletal lesions", "  Lung+bone+other lesions", "Lines of systemic therapy, n (%)",
               "  1st line MAPI", "  2nd line IE/GT", "  3rd line", "ECOG status before treatment, n (%)",
               "Patient age, average years ± standard deviation (95% CI)", "Complete response, N (%)",
               "Partial response, N (%)", "Stable disease, N (%)", "Progressive disease, N (%)",
               "Complete surgical remission, n (%)"]
    assert [r for r in printed if r not in rows] == []
    for internal in ("lung+musculoskeletal", "lung+bone+other", "Best overall response: PR", "^a", "^b"):
        assert not any(internal in r for r in rows), internal
    # order kept: the levels follow their variable's row
    assert rows.index("  Pulmonary lesions") == rows.index("Target lesions before treatment, n (%)") + 1


def test_labels_from_running_text_are_not_row_labels(tmp_path):
    """A label quoted from the Abstract ("patients had objective responses") is a sentence, not a row label: the
    harmonized name stays."""
    from trialcompare.render.tables import printed_label

    rows = [{"cohort": "a", "location": "Abstract", "entry_label": "patients had lung lesions"},
            {"cohort": "b", "location": "Table 2", "entry_label": "Lung lesions, n (%)"},
            {"cohort": "a", "location": "Table 1", "entry_label": "Lung metastases, n (%)"}]
    assert printed_label(rows, "entry_label", ["Table IV"], ["a", "b"]) == "Lung metastases, n (%)"
    assert printed_label(rows, "entry_label", ["Table 2"], ["a", "b"]) == "Lung lesions, n (%)"
    assert printed_label(rows[:1], "entry_label", ["Abstract"], ["a", "b"]) is None


def test_observed_count_is_shown_beside_the_kaplan_meier_rate(shipped):
    """APFAO prints both at 6 months (shared/sources/published-cohorts.md): "13/43 (30.23%, 95% CI 17.2-40.1)
    progression-free at 6 months" (observed, binomial) and the 6-month PFS rate 50.9% (Kaplan-Meier; Table IV
    prints "50.9%" with no estimator). Both stand in the cell, each named by its estimator; the observed count gets
    the exact interval of 13/43 (Clopper-Pearson 17.2-46.1, Beta(0.025; 13, 31) and Beta(0.975; 14, 30)) beside
    the printed one; no pseudo-count is made from the 50.9%."""
    cell = shipped.table().filter(pl.col("row") == "Rate at 6 months")
    column = next(c for c in cell.columns if c.startswith("Apatinib + camrelizumab"))
    text = cell[column][0]
    assert text.index("50.9%") < text.index("13/43 (30.23%, 95% CI 17.2-40.1)")
    assert "binomial (observed n/N)" in text and "estimator not stated" in text
    lo, hi = 100 * beta.ppf(0.025, 13, 31), 100 * beta.ppf(0.975, 14, 30)
    assert f"{lo:.1f}–{hi:.1f}" in text
    assert re.search(r"\b2[12]/43\b", text) is None  # 50.9% of 43 is never shown as a count
    rows = shipped.outcomes.filter(pl.col("cohort") == "apatinib-camrelizumab", pl.col("statistic") == "rate",
                                   pl.col("time_months") == 6)
    assert rows["beside"].to_list() == [False, True]  # the chosen report (Table IV) first
    assert rows.row(1, named=True)["n"] == 13


def test_one_estimator_prints_one_rate(shipped):
    """Apatinib + IE prints its 6-month EFS three times (Table IV "78.5%", Table III and Results 78.5 with a 95% CI,
    Kaplan-Meier) and no observed count: one report, no second one beside it."""
    rows = shipped.outcomes.filter(pl.col("cohort") == "apatinib-ie", pl.col("statistic") == "rate",
                                   pl.col("time_months") == 6)
    assert rows.height == 1 and rows["printed"][0] == "78.5%"
    assert shipped.differences.filter(pl.col("outcome") == "PFS:rate").is_empty()
