"""The PDF report: its text (through a PDF text extractor), determinism, safety against injected markup, CLI."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest

from trialcompare.analysis import analyse
from trialcompare.cli import main
from trialcompare.render.report import build_context, render_html, render_pdf
from trialcompare.spec import load_spec

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "reports" / "table-iv.yaml"
SEEDS = ("apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie")


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def default_pdf() -> bytes:
    return render_pdf(analyse(load_spec(SPEC)))


@pytest.fixture(scope="module")
def default_text(default_pdf) -> str:
    return " ".join(_text(default_pdf).split())


def test_report_names_cohorts_registrations_endpoints(default_text):
    for label in ("Apatinib + IE", "Apatinib + camrelizumab", "IE (N=46)", "Apatinib (N=37)"):
        assert label in default_text
    for reg in ("NCT04690231", "NCT02711007", "NCT03359018"):
        assert reg in default_text
    for endpoint in ("Event-free survival (EFS)", "Progression-free survival (PFS)", "Overall survival (OS)"):
        assert endpoint in default_text


def test_report_states_caveats_where_the_numbers_stand(default_text):
    assert "unanchored" in default_text and "No randomisation or common comparator links the cohorts" in default_text
    assert "event-free survival" in default_text.lower() and "progression-free survival" in default_text.lower()
    assert "prospective" in default_text and "retrospective" in default_text
    assert "NCT04690231" in default_text and "not independent" in default_text
    outcomes = default_text.split("Response and surgical outcomes")[1].split("Time-to-event endpoints")[0]
    assert "ORR (CR + PR)" in outcomes and "[95% CI" in outcomes and "21/33" in outcomes


@pytest.fixture(scope="module")
def supplement():
    from trialcompare.render.report import render_supplement

    return render_supplement(analyse(load_spec(SPEC)))


def test_supplement_shows_integrity_findings_and_provenance(default_text, supplement):
    assert "The audit trail is in table-iv.supplement.html" in default_text
    assert "integrity of the published numbers" in supplement
    assert "PCT-MISMATCH" in supplement and "13 (26.1)" in supplement
    assert "Annex C: provenance of every transcribed number" in supplement
    assert "Table IV" in supplement and "apatinib-ie.yaml:" in supplement
    assert "integrity of the published numbers" not in default_text  # the body stays short


def test_supplement_shows_methods_versions_and_input_hashes(supplement):
    assert "Clopper-Pearson" in supplement and "Yang &amp; Dalton" in supplement
    assert "weasyprint" in supplement and "polars" in supplement
    assert "SHA-256" in supplement and "trials/apatinib-ie.yaml" in supplement


def test_report_has_the_benchmark_check_not_a_pooled_effect(default_text):
    """One comparator remains once the reference, IE (same registration) and apatinib + camrelizumab (same centre,
    overlapping accrual) are left out: k = 1, nothing pooled (issue 19, item 8)."""
    assert "a benchmark, not an effect" in default_text
    assert "1 comparable cohort left" in default_text and "nothing is pooled from fewer than 3" in default_text
    assert "k − 2 degrees of freedom" not in default_text  # no method paragraph for what was not run (T15)


def test_report_is_byte_identical_on_rerun(default_pdf):
    assert render_pdf(analyse(load_spec(SPEC))) == default_pdf
    meta = pypdf.PdfReader(io.BytesIO(default_pdf)).metadata
    assert meta["/CreationDate"].startswith("D:" + load_spec(SPEC).date.replace("-", ""))


@pytest.fixture
def hostile_trials(tmp_path) -> Path:
    """A copy of trials/ whose apatinib label carries markup that would fetch local files if not escaped."""
    trials = tmp_path / "trials"
    trials.mkdir()
    for cid in SEEDS:
        shutil.copy(REPO / "trials" / f"{cid}.yaml", trials)
    path = trials / "apatinib.yaml"
    text = path.read_text()
    evil = '<img src=\\"file:///etc/passwd\\"><style>body{background:url(file:///etc/hostname)}</style>'
    path.write_text(text.replace('label: "Apatinib"', f'label: "Apatinib {evil}"', 1))
    assert evil.replace("\\", "") not in text
    return trials


def test_injected_markup_is_shown_as_text_never_fetched(hostile_trials, monkeypatch):
    from trialcompare.render import pdf as pdfmod

    fetched: list[str] = []
    original = pdfmod.safe_url_fetcher

    def spy(url, *args, **kwargs):
        fetched.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(pdfmod, "safe_url_fetcher", spy)
    spec = load_spec(SPEC).model_copy(update={"trials": [str(hostile_trials)], "meta": load_spec(SPEC).meta})
    html = render_html(analyse(spec, with_meta=False))
    assert "<img src=\"file:" not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    text = " ".join(_text(render_pdf(analyse(spec, with_meta=False))).split())
    assert '<img src="file:///etc/passwd">' in text
    assert not [u for u in fetched if u.startswith("file:")]


def test_context_uses_the_chosen_denominator(tmp_path):
    ctx = build_context(analyse(load_spec(SPEC), with_meta=False))
    assert ctx["cmp"].n["apatinib-camrelizumab"] == 43
    assert "43" in ctx["denominators"]["apatinib-camrelizumab"].why


def test_captions_name_the_interval_methods_the_spec_chose(tmp_path):
    """A spec asking for Wilson intervals and Miettinen-Nurminen differences gets them named, not "exact"."""
    shutil.copytree(REPO / "trials", tmp_path / "trials")
    (tmp_path / "reports").mkdir()
    spec = tmp_path / "reports" / "wilson.yaml"
    text = SPEC.read_text(encoding="utf-8").replace("ci_method: exact", "ci_method: wilson")
    spec.write_text(text.replace("rd_method: newcombe", "rd_method: miettinen-nurminen"), encoding="utf-8")
    html = render_html(analyse(load_spec(spec), with_meta=False))
    assert "with Wilson score 95% CIs" in html and "Miettinen-Nurminen score 95% CI" in html
    assert "Clopper-Pearson" not in html.split('class="appendix"')[0]  # the body; the annex lists every method


# -------------------------------------------------------------------------------------------------------------
# command line
# -------------------------------------------------------------------------------------------------------------


def test_report_command_writes_pdf_and_html(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    out = tmp_path / "r.html"
    assert main(["report", "-o", str(out), "--html"]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_report_on_a_folder_uses_sensible_defaults(tmp_path, capsys):
    folder = tmp_path / "cohorts"
    folder.mkdir()
    for cid in SEEDS:
        shutil.copy(REPO / "trials" / f"{cid}.yaml", folder)
    out = tmp_path / "folder.pdf"
    assert main(["report", str(folder), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("spec_text", "fragment"),
    [
        ("name: x\ntitle: t\ntrials: ../trials\ncohorts: [nope]\n", "nope"),
        ("name: x\ntitle: t\ntitel: typo\n", "did you mean 'title'?"),
        ("name: Bad Name\ntitle: t\n", "name"),
        ("name: x\n", "title"),
    ],
)
def test_bad_spec_exits_2_and_writes_nothing(tmp_path, capsys, spec_text, fragment):
    reports = tmp_path / "reports"
    reports.mkdir()
    (tmp_path / "trials").mkdir()
    for cid in SEEDS:
        shutil.copy(REPO / "trials" / f"{cid}.yaml", tmp_path / "trials")
    spec = reports / "x.yaml"
    spec.write_text(spec_text)
    assert main(["report", str(spec)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert sorted(p.name for p in reports.iterdir()) == ["x.yaml"]


def test_report_outside_a_checkout_uses_the_bundled_spec(tmp_path, monkeypatch):
    """No ./reports/table-iv.yaml: the bundled spec, its bundled descriptors, output in the working folder.

    (tests/test_wheel.py renders it from an installed wheel.)"""
    from trialcompare.resources import data_dir
    from trialcompare.spec import default_spec

    monkeypatch.chdir(tmp_path)
    spec = default_spec()
    assert spec.path == data_dir("reports") / "table-iv.yaml"
    assert [p.resolve().parent for p in spec.trial_paths()] == [data_dir("trials")] * 4
    assert spec.output() == Path("table-iv.pdf")
    assert spec.output(".html") == Path("table-iv.html")


def test_report_prefers_the_working_folders_spec(tmp_path, monkeypatch):
    (tmp_path / "reports").mkdir()
    shutil.copy(SPEC, tmp_path / "reports")
    shutil.copytree(REPO / "trials", tmp_path / "trials")  # the spec's trials: must exist beside it
    monkeypatch.chdir(tmp_path)
    from trialcompare.spec import default_spec

    spec = default_spec()
    assert spec.path == Path("reports") / "table-iv.yaml"
    assert spec.output() == Path("reports") / "table-iv.pdf"


def test_report_on_paths_outside_a_checkout_writes_to_the_working_folder(tmp_path, monkeypatch):
    from trialcompare.spec import default_spec_for

    monkeypatch.chdir(tmp_path)
    assert default_spec_for([REPO / "trials" / "ie.yaml"]).output() == Path("ie.pdf")
    (tmp_path / "reports").mkdir()
    assert default_spec_for([REPO / "trials" / "ie.yaml"]).output() == Path("reports") / "ie.pdf"


def test_report_without_any_default_spec_is_a_usage_error(tmp_path, monkeypatch, capsys):
    from trialcompare import resources

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(resources, "_candidates", lambda kind: [tmp_path / "nowhere" / kind])
    assert main(["report"]) == 2
    err = capsys.readouterr().err
    assert "bundled reports/ folder" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_failed_render_leaves_no_file(tmp_path, monkeypatch, capsys):
    from trialcompare.render import report as reportmod

    def boom(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(reportmod, "render_pdf", boom)
    out = tmp_path / "never.pdf"
    with pytest.raises(RuntimeError):
        main(["report", str(SPEC), "-o", str(out)])
    assert list(tmp_path.iterdir()) == []


def test_digitised_curve_is_drawn(tmp_path):
    """A cohort with a digitised KM curve gets a Kaplan-Meier figure (SVG through a data: URI)."""
    trials = tmp_path / "trials"
    trials.mkdir()
    for cid in SEEDS:
        shutil.copy(REPO / "trials" / f"{cid}.yaml", trials)
    (trials / "efs.csv").write_text("time,survival\n0,1\n4,0.909\n6,0.785\n12,0.395\n18,0.2\n")
    path = trials / "apatinib-ie.yaml"
    text = path.read_text()
    marker = "  - name: EFS\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + "    curve: {file: efs.csv, at: Figure 2, risk_times: [0, 6, 12],"
                                 " n_at_risk: [33, 26, 13]}\n", 1))
    spec = load_spec(SPEC).model_copy(update={"trials": [str(trials)]})
    html = render_html(analyse(spec, with_meta=False))
    assert "EFS: digitised Kaplan-Meier curves (Apatinib + IE: Figure 2)." in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "RMST to τ (SE)" in html and "reconstructed" in html


def test_report_output_needs_the_suffix_of_what_is_written(tmp_path, capsys):
    """-o without .pdf (or .html with --html) is refused before anything is computed or written."""
    for argv in (["-o", str(tmp_path / "report")], ["-o", str(tmp_path / "r.pdf"), "--html"]):
        assert main(["report", str(SPEC), *argv]) == 2
        assert "give a file name ending" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_report_tables_follow_the_specs_display_rounding():
    """Table IV prints "20 (60.60)" (ECOG 0, apatinib + IE) and "19.1±8.5 (16.0, 22.2)": as printed by default; with
    display: {decimals: 1} the first is "20 (60.6)" and the second unchanged (it has one decimal already)."""
    spec = load_spec(SPEC)

    def cells(s):
        blocks = build_context(analyse(s, with_meta=False))["baseline_blocks"]
        return "\n".join(c for b in blocks for r in b["rows"] for c in r["cells"])

    plain = cells(spec)
    assert "20 (60.60)" in plain
    rounded = cells(spec.model_copy(update={"display": spec.display.model_copy(update={"decimals": 1})}))
    assert "20 (60.6)" in rounded and "20 (60.60)" not in rounded and "19.1±8.5 (16.0, 22.2)" in rounded


def test_a_report_of_one_cohort(tmp_path):
    """One descriptor and no comparator: a report with no comparison tables, not a traceback."""
    out = tmp_path / "one.pdf"
    assert main(["report", str(SPEC.parents[1] / "trials" / "apatinib.yaml"), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_a_column_whose_counts_rest_on_another_denominator_says_so():
    """N4: apatinib + camrelizumab's column reads against 43 (the spec's denominator), but its age groups and sex are
    counted in the 41 of the efficacy set (xie2020 Table 1): the rows say "counts of 41"."""
    from trialcompare.render.tables import table_iv

    a = analyse(load_spec(SPEC), with_meta=False)
    t = table_iv(a.comparison, factors=a.factors)
    col = next(c for c in t.columns if c.startswith("Apatinib + camrelizumab"))
    sex = t.filter(t["row"].str.starts_with("Sex"))[col][0]
    assert sex.endswith("counts of 41") and "(N=43)" in col
    ecog = t.filter(t["row"].str.starts_with("ECOG"))[col][0]
    assert "counts of" not in ecog
