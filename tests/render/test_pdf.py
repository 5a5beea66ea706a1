"""Tests of the PDF rendering infrastructure: atomic writes, the URL fetcher, autoescaping, determinism.

The guarantees come from DESIGN.md "Quality bar": report HTML is autoescaped; WeasyPrint gets a URL
fetcher that serves only bundled assets and ``data:`` URIs; PDFs are byte-identical on rerun; output is
written atomically.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pypdf
import pytest
import weasyprint.urls

import trialcompare
from trialcompare.render import atomic, pdf
from trialcompare.render.atomic import atomic_write_bytes, atomic_write_text
from trialcompare.render.pdf import (
    SafeURLFetcher,
    TemplatesNotFoundError,
    html_to_pdf,
    make_environment,
    pdf_date,
    render_template,
    safe_url_fetcher,
    templates_dir,
)

REPO = Path(__file__).resolve().parents[2]
CREATED = "2024-05-01T09:30:00Z"


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _page(body: str, title: str = "Test page") -> str:
    return render_template("base.html.j2", title=title).replace("</main>", body + "</main>")


# --------------------------------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------------------------------


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write_text(target, "first\n")
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_atomic_write_leaves_nothing_when_writer_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, failing, boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(tmp_path / "new.pdf", b"%PDF-partial")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_old_content_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_atomic_write_rejects_wrong_type_without_creating(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        atomic_write_bytes(tmp_path / "x.bin", "not bytes")  # type: ignore[arg-type]
    with pytest.raises(OSError):
        atomic_write_bytes(tmp_path / "missing-folder" / "x.bin", b"x")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------------
# templates folder and environment
# --------------------------------------------------------------------------------------------------


def test_templates_dir_is_repository_templates() -> None:
    assert templates_dir() == (REPO / "templates").resolve()
    assert (templates_dir() / "report.css").is_file()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "LICENSE"):
        assert (templates_dir() / "fonts" / name).is_file()


def test_templates_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.TEMPLATES_ENV_VAR, str(tmp_path))
    with pytest.raises(TemplatesNotFoundError, match=r"base\.html\.j2"):
        templates_dir()
    (tmp_path / "base.html.j2").write_text("{{ title }}", encoding="utf-8")
    assert templates_dir() == tmp_path.resolve()


def test_templates_dir_located_from_installed_package() -> None:
    """The package the interpreter imports (editable install) finds templates/ beside src/."""
    package_root = Path(trialcompare.__file__).resolve().parents[2]
    assert templates_dir() == (package_root / "templates").resolve()


def test_autoescape_turns_script_into_text() -> None:
    evil = "<script>alert('x')</script> & <img src=x onerror=1>"
    html = render_template("base.html.j2", title=evil, subtitle=evil)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img" in html
    text = _pdf_text(html_to_pdf(html, created=CREATED, title="escape"))
    assert "<script>alert('x')</script>" in text


def test_autoescape_applies_to_j2_and_html_templates(tmp_path: Path) -> None:
    (tmp_path / "a.html.j2").write_text("{{ v }}", encoding="utf-8")
    (tmp_path / "b.html").write_text("{{ v }}", encoding="utf-8")
    env = make_environment(tmp_path)
    for name in ("a.html.j2", "b.html"):
        assert env.get_template(name).render(v="<b>") == "&lt;b&gt;"
    assert env.from_string("{{ v }}").render(v="<b>") == "&lt;b&gt;"


def test_strict_undefined() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_template("base.html.j2")


def test_base_template_links_css_through_asset_scheme() -> None:
    html = render_template("base.html.j2", title="T")
    assert 'href="asset:report.css"' in html
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    assert 'url("asset:fonts/DejaVuSans.ttf")' in css
    assert "counter(pages)" in css


# --------------------------------------------------------------------------------------------------
# URL fetcher
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/x.css",
        "https://example.com/font.ttf",
        "ftp://example.com/x",
        "report.css",
        "fonts/DejaVuSans.ttf",
        "/etc/hostname",
        "asset:../pyproject.toml",
        "asset:fonts/../../pyproject.toml",
        "asset:%2e%2e/pyproject.toml",
        "asset:/etc/passwd",
        "asset:",
        "asset:fonts",
        "asset:fonts//DejaVuSans.ttf",
        "asset:./report.css",
        "asset:nonexistent.css",
        "asset:report.css?x=1",
        "data:no-comma",
        "data:text/plain;base64,!!!",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    with pytest.raises(ValueError):
        safe_url_fetcher(url)
    fetcher = SafeURLFetcher()
    with pytest.raises(ValueError):
        fetcher(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_symlink_escape(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    root.mkdir()
    (root / "base.html.j2").write_text("x", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (root / "inside.css").write_text("p {}", encoding="utf-8")
    (root / "escape.css").symlink_to(secret)
    (root / "alias.css").symlink_to(root / "inside.css")
    with pytest.raises(ValueError, match="escapes"):
        safe_url_fetcher("asset:escape.css", root=root)
    assert safe_url_fetcher("asset:alias.css", root=root).read() == b"p {}"


def test_fetcher_serves_assets() -> None:
    response = safe_url_fetcher("asset:report.css")
    assert response.content_type == "text/css"
    assert response.read() == (templates_dir() / "report.css").read_bytes()
    font = safe_url_fetcher("asset:fonts/DejaVuSans.ttf")
    assert font.read() == (templates_dir() / "fonts" / "DejaVuSans.ttf").read_bytes()
    assert font.url == "asset:fonts/DejaVuSans.ttf"


def test_fetcher_serves_data_uris() -> None:
    payload = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    b64 = "data:image/svg+xml;base64," + base64.b64encode(payload).decode()
    response = safe_url_fetcher(b64)
    assert response.read() == payload
    assert response.content_type == "image/svg+xml"
    plain = safe_url_fetcher("data:,hello%20world")
    assert plain.read() == b"hello world"
    assert plain.content_type == "text/plain"


def test_fetcher_is_a_weasyprint_fetcher() -> None:
    """WeasyPrint v70 calls ``url_fetcher(url)`` and reads ``_fail_on_errors``; the subclass has both."""
    fetcher = SafeURLFetcher()
    assert isinstance(fetcher, weasyprint.urls.URLFetcher)
    assert fetcher._fail_on_errors is False
    with pytest.raises(TypeError):
        html_to_pdf("<p>x</p>", created=CREATED, title="x", url_fetcher=weasyprint.urls.URLFetcher())  # type: ignore[arg-type]


def test_render_never_fetches_outside_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("network or file access attempted")

    monkeypatch.setattr(weasyprint.urls.URLFetcher, "fetch", forbidden)
    monkeypatch.setattr("urllib.request.urlopen", forbidden)
    body = """
      <style>
        @import url(file:///etc/hostname);
        p.bg { background: url(file:///etc/hostname); }
        @font-face { font-family: X; src: url(https://example.com/x.ttf), local(DejaVu Sans); }
      </style>
      <link rel="stylesheet" href="http://example.com/evil.css">
      <p class="bg">Visible paragraph</p>
      <img src="file:///etc/passwd" alt="">
      <img src="relative.png" alt="">
    """
    fetcher = SafeURLFetcher()
    data = html_to_pdf(_page(body), created=CREATED, title="no fetch", url_fetcher=fetcher)
    assert "Visible paragraph" in _pdf_text(data)
    for url in (
        "file:///etc/passwd",
        "file:///etc/hostname",
        "http://example.com/evil.css",
        "https://example.com/x.ttf",
        "relative.png",
    ):
        assert url in fetcher.refused
    served = [u for u in fetcher.requested if u not in fetcher.refused]
    assert served and all(u.startswith(("asset:", "data:")) for u in served)
    assert b"root:x:0:0" not in data


def test_base_element_cannot_redirect_to_files() -> None:
    fetcher = SafeURLFetcher()
    html = _page('<img src="passwd" alt="">').replace("<head>", '<head><base href="file:///etc/">')
    html_to_pdf(html, created=CREATED, title="base", url_fetcher=fetcher)
    assert "file:///etc/passwd" in fetcher.refused


# --------------------------------------------------------------------------------------------------
# determinism and metadata
# --------------------------------------------------------------------------------------------------


def test_pdf_date_normalises_to_utc() -> None:
    from datetime import date, datetime, timedelta, timezone

    assert pdf_date("2024-05-01T12:30:00+02:00") == "2024-05-01T10:30:00Z"
    assert pdf_date(date(2024, 5, 1)) == "2024-05-01T00:00:00Z"
    assert pdf_date(datetime(2024, 5, 1, 8, tzinfo=timezone(timedelta(hours=-1)))) == "2024-05-01T09:00:00Z"
    with pytest.raises(ValueError):
        pdf_date("yesterday")
    with pytest.raises(TypeError):
        pdf_date(1714550400)  # type: ignore[arg-type]


def test_metadata_dates_and_title_come_from_arguments() -> None:
    data = html_to_pdf(_page("<p>x</p>"), created=CREATED, title="Report & title")
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "Report & title"
    assert meta["/CreationDate"].startswith("D:20240501093000")
    assert meta["/ModDate"].startswith("D:20240501093000")


def test_same_input_same_bytes_in_process() -> None:
    html = _page("<p>Same bytes</p><table class='table'><tr><td class='num'>1.0</td></tr></table>")
    first = html_to_pdf(html, created=CREATED, title="t")
    second = html_to_pdf(html, created=CREATED, title="t")
    assert first == second
    assert html_to_pdf(html, created="2024-05-02", title="t") != first


def test_bundled_fonts_are_used_and_embedded() -> None:
    fetcher = SafeURLFetcher()
    data = html_to_pdf(
        _page("<p>Text <b>bold</b> <code>mono</code></p>"), created=CREATED, title="t", url_fetcher=fetcher
    )
    for font in (
        "asset:fonts/DejaVuSans.ttf",
        "asset:fonts/DejaVuSans-Bold.ttf",
        "asset:fonts/DejaVuSansMono.ttf",
    ):
        assert font in fetcher.requested
    assert fetcher.refused == []
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu-Sans" in f for f in fonts)


_SUBPROCESS_SCRIPT = r"""
import hashlib, json, sys
from trialcompare.render import pdf, plots
svg = plots.forest_plot_svg(["Alpha", "Beta"], [0.3, 0.5], [0.2, 0.35], [0.42, 0.65],
                            pooled=(0.4, 0.3, 0.5), prediction=(0.1, 0.8), weights=[1, 2])
km = plots.km_plot_svg([("Arm", [1, 2, 3], [0.9, 0.7, 0.5])], risk_table=([0, 2], {"Arm": [10, 7]}))
html = pdf.render_template("base.html.j2", title="Determinism").replace(
    "</main>", '<img src="%s"><img src="%s"></main>' % (plots.svg_data_uri(svg), plots.svg_data_uri(km)))
data = pdf.html_to_pdf(html, created="2024-05-01", title="Determinism")
print(json.dumps({"svg": hashlib.sha256((svg + km).encode()).hexdigest(),
                  "pdf": hashlib.sha256(data).hexdigest()}))
"""


def _run_subprocess(seed: str, cwd: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    src = str(Path(trialcompare.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    """Two interpreters with different hash seeds and working folders produce identical SVG and PDF."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _run_subprocess("1", tmp_path / "a")
    second = _run_subprocess("2", tmp_path / "b")
    assert first == second
    namespace: dict[str, object] = {}
    buffer = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(buffer):
        exec(_SUBPROCESS_SCRIPT, namespace)
    assert json.loads(buffer.getvalue()) == first
    assert len(first["pdf"]) == len(hashlib.sha256().hexdigest())


def test_source_date_epoch_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "123")
    html_to_pdf("<p>x</p>", created=CREATED, title="x")
    assert os.environ["SOURCE_DATE_EPOCH"] == "123"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    html_to_pdf("<p>x</p>", created=CREATED, title="x")
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_atomic_write_gives_the_usual_file_mode(tmp_path):
    """mkstemp makes 0600 files; a written report must get 0666 minus the umask, like any other file."""
    import os

    from trialcompare.render.atomic import atomic_write_bytes

    mask = os.umask(0o022)
    try:
        out = atomic_write_bytes(tmp_path / "r.pdf", b"%PDF-")
    finally:
        os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o644
