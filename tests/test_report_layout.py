"""Layout budget of issue 11: no page of the report's body is more than about 40% empty.

Measured through the PDF text extractor the other report tests use (pypdf): for each page, the lowest text baseline
inside the page's content area (between the @page margins of ``templates/report.css``; the running header and footer
lie outside it) against the height of that area. A page is as empty as the share of its content area below its
lowest line. The body is every page before "Annex A"; its last page is exempt (Annex A starts on a new page on
purpose), and so are the annexes (they are as long as they need).

Run as a script to print the fill of every page of a PDF: ``python tests/test_report_layout.py report.pdf``.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import trialcompare as tc
from trialcompare.spec import load_spec

REPO = Path(__file__).resolve().parents[1]
#: The @page margins of templates/report.css (top 20 mm, bottom 18 mm), in PDF points.
TOP_MARGIN, BOTTOM_MARGIN = 20 / 25.4 * 72, 18 / 25.4 * 72
#: The budget: at most this share of a body page's content area may be left empty.
MAX_EMPTY = 0.40


def page_emptiness(pdf: bytes) -> list[tuple[float, str]]:
    """Per page: the empty share of the content area below the lowest text baseline, and the page's text."""
    out = []
    for page in PdfReader(BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        low, high = BOTTOM_MARGIN, height - TOP_MARGIN
        ys: list[float] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object,
                  ys: list[float] = ys, low: float = low, high: float = high) -> None:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and low < y < high:
                ys.append(y)

        text = page.extract_text(visitor_text=visit) or ""
        empty = (min(ys) - low) / (high - low) if ys else 1.0
        out.append((empty, " ".join(text.split())))
    return out


def body_pages(pages: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """The pages of the body: up to the page that names the supplement (the last page when the audit trail is in
    the HTML supplement), else before the one on which Annex A starts."""
    for i, (_, text) in enumerate(pages):
        if "Annex A:" in text:
            return pages[:i]
        if "The audit trail is in" in text:
            return pages[:i + 1]
    return pages


@pytest.fixture(scope="module", params=["table-iv", "tki-library"])
def report_pages(request: pytest.FixtureRequest) -> tuple[str, list[tuple[float, str]]]:
    spec = REPO / "reports" / f"{request.param}.yaml"
    return request.param, page_emptiness(tc.analyse(load_spec(spec)).to_pdf())


def test_no_body_page_is_more_than_40_percent_empty(report_pages: tuple[str, list[tuple[float, str]]]) -> None:
    name, pages = report_pages
    body = body_pages(pages)
    assert any("The audit trail is in" in text for _, text in body), f"{name}: the body does not name its supplement"
    too_empty = [(i, f"{empty:.0%}", text[:60]) for i, (empty, text) in enumerate(body[:-1], start=1)
                 if empty > MAX_EMPTY]
    assert too_empty == [], f"{name}: body pages more than {MAX_EMPTY:.0%} empty (page, empty, start): {too_empty}"


def main(argv: list[str]) -> None:
    """Print the empty share of every page of the PDFs named on the command line."""
    for path in argv:
        pages = page_emptiness(Path(path).read_bytes())
        n_body = len(body_pages(pages))
        for i, (empty, text) in enumerate(pages, start=1):
            part = "body" if i <= n_body else "annex"
            print(f"{path} p{i:>2} {part:5} {empty:4.0%} empty  {text[:70]}")


if __name__ == "__main__":
    main(sys.argv[1:])
