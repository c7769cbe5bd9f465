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


# ------------------------------------------- tables found by their header row, continued over pages
# (sample, the sheet broken over two pages with its header printed again, the sheet broken with its
# header printed once, the sheet whose title and caption line print at the foot of the page before,
# the sheet printed without its title and caption line)
RESHAPED = [("451_2024", 0, 3, 2, 5), ("putuo_zfb_2025", 7, 1, 4, 2)]


def _first_body_row(ws) -> int:
    return int(str(ws.print_title_rows).split(":")[-1].strip("$")) + 1


def _move_title(ws, to=None) -> None:
    """The title and caption rows of a sheet cleared, their texts written under ``to``'s table."""
    at = to.max_row + 2 if to is not None else 0
    for r in (1, 2):
        for c in range(1, ws.max_column + 1):
            cell = ws.cell(r, c)
            if type(cell).__name__ == "MergedCell" or cell.value is None:
                continue
            if to is not None:
                to.cell(at + r - 1, c).value = cell.value
            cell.value = None


@pytest.fixture(scope="module", params=RESHAPED, ids=[r[0] for r in RESHAPED])
def reshaped(request, tmp_path_factory):
    """The borderless official tables with four shapes a real text-only PDF has: a table broken
    over two pages with its header printed again (the sheet's print titles), one broken with its
    header printed once, one whose title and caption line are printed at the foot of the page
    before (the table's own page begins with its header row), one printed with no title at all."""
    import openpyxl
    from openpyxl.styles import Border
    from openpyxl.worksheet.pagebreak import Break

    from budgetxl import lo
    from budgetxl.render.official import render_official
    from budgetxl.sample import load_sample

    if lo.find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or poppler-utils not installed")
    sample_id, again, once, moved, untitled = request.param
    d = tmp_path_factory.mktemp(sample_id + "_reshaped")
    sample = load_sample(sample_id)
    render_official(sample, d / "公开表.xlsx")
    wb = openpyxl.load_workbook(d / "公开表.xlsx")
    ws = wb.worksheets
    titles = [w.cell(1, 1).value for w in ws]
    for w in ws:
        for row in w.iter_rows():
            for c in row:
                c.border = Border()
    for k in (again, once):
        body = _first_body_row(ws[k])
        assert ws[k].max_row - body > 10  # long enough to be broken in two
        ws[k].row_breaks.append(Break(id=(body + ws[k].max_row) // 2))
    ws[once].print_title_rows = None
    _move_title(ws[moved], ws[moved - 1])
    ws[moved - 1].print_title_rows = None
    _move_title(ws[untitled])
    wb.save(d / "改版式.xlsx")
    lo.convert(d / "改版式.xlsx", d / "改版式.pdf", "pdf")
    return sample, d / "改版式.pdf", titles, request.param[1:]


def test_reshaped_has_no_ruling_lines_and_the_shapes_asked_for(reshaped):
    import pdfplumber

    _, pdf, titles, (again, once, moved, untitled) = reshaped
    with pdfplumber.open(pdf) as doc:
        assert all(not p.lines and not p.rects and not p.curves for p in doc.pages)
        text = [p.extract_text() or "" for p in doc.pages]
    assert not any(titles[untitled] in t for t in text)
    page = next(i for i, t in enumerate(text) if titles[moved] in t)
    assert titles[moved] not in text[page + 1]  # its table begins on the next page, its header first


def test_tables_continued_and_titled_from_the_page_before(reshaped):
    from budgetxl.published.mapping import match_table
    from budgetxl.published.pdf import read_pdf

    sample, pdf, titles, (again, once, moved, untitled) = reshaped
    doc = read_pdf(pdf)
    by_title = {t.title: t for t in doc.tables if t.title}
    for k in (again, once):  # one table over two pages, its header read once
        t = by_title[titles[k]]
        assert t.pages == [t.pages[0], t.pages[0] + 1], (titles[k], t.pages)
    assert titles[moved] in by_title  # the title on the page before names the table below
    assert by_title[titles[moved]].pages[0] == by_title[titles[moved]].title_place.page + 1
    assert sum(1 for t in doc.tables if not t.title) == 1  # the untitled table: found, not named
    assert len(doc.tables) == 9
    assert all(match_table(t.title, sample.profile) is not None for t in doc.tables if t.title)


def test_untitled_table_is_one_v05_never_a_guess(reshaped):
    from budgetxl.published.mapping import read_published

    sample, pdf, titles, (again, once, moved, untitled) = reshaped
    r = read_published(pdf)
    b = r.budget
    gone = sample.profile.ordered[untitled].id
    assert [f.code for f in r.findings] == ["V05"], [f.message for f in r.findings]
    msg = r.findings[0].message
    assert sample.profile.ordered[untitled].title in msg and "没有印标题" in msg and "未读取" in msg
    assert b.absent == {gone}
    assert not any(k[0] == gone for k in b.inputs)  # nothing of it read into another table either
    assert b.inputs == {k: v for k, v in sample.inputs.items() if k[0] != gone}  # every other figure, exact
    assert [m for m in b.mismatches() if not m[2].is_nan()] == []  # printed totals agree where computable


def test_reshaped_every_figure_against_pdftotext(reshaped):
    _, pdf, _, _ = reshaped
    got = _prove(pdf)
    assert got["tables"] == 9 and got["figures"] > 50
