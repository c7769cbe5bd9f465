"""Tables printed without ruling lines (text only) are read from their words' positions, columns
identified by header text. The sample units' official workbooks, rendered by budgetxl with every
border removed and printed by LibreOffice, are PDFs without a single line or rectangle; each is
read onto its profile with every table found, every input equal to the sample's and every printed
total agreeing, and every figure proven against ``pdftotext -layout`` as the ruled PDFs are
(tests/test_published_pdf.py). No expected number is typed by hand."""

from __future__ import annotations

import shutil

import pytest

from .test_published_pdf import _prove

SAMPLES = ["451_2024", "putuo_zfb_2025", "putuo_zfb_unit_2025"]


@pytest.fixture(scope="module", params=SAMPLES)
def borderless(request, tmp_path_factory):
    import openpyxl
    from openpyxl.styles import Border

    from budgetxl import lo
    from budgetxl.render.official import render_official
    from budgetxl.sample import load_sample

    if lo.find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or poppler-utils not installed")
    d = tmp_path_factory.mktemp(request.param)
    sample = load_sample(request.param)
    render_official(sample, d / "公开表.xlsx")
    wb = openpyxl.load_workbook(d / "公开表.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                c.border = Border()
    wb.save(d / "无框线.xlsx")
    lo.convert(d / "无框线.xlsx", d / "无框线.pdf", "pdf")
    return sample, d / "无框线.pdf"


def test_no_ruling_lines_at_all(borderless):
    import pdfplumber

    _, pdf = borderless
    with pdfplumber.open(pdf) as doc:
        assert all(not p.lines and not p.rects and not p.curves for p in doc.pages)


def test_text_tables_read_onto_the_profile_exactly(borderless):
    from budgetxl.published.mapping import read_published

    sample, pdf = borderless
    r = read_published(pdf)
    assert r.findings == [], [f.message for f in r.findings]
    b = r.budget
    assert b.profile.id == sample.profile.id and b.year == sample.year
    assert b.absent == set()
    assert b.inputs == sample.inputs  # every input figure, exact
    assert len(b.given) > 20 and b.mismatches() == []  # every printed total read, and each agrees


def test_every_figure_against_pdftotext(borderless):
    _, pdf = borderless
    got = _prove(pdf)
    assert got["tables"] == 9 and got["figures"] > 50
