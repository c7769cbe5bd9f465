"""Published documents read onto a profile, end to end: the sample unit's official tables printed
to PDF by LibreOffice are read back cell for cell (every input equal to the sample's, every printed
total agreeing with the recomputed one); check and import take PDFs; 部门决算 documents are
recognised and refused with one message; every real document is checked without a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetxl.cli import main

REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"
DOCS = sorted(p for p in REALDOCS.glob("*") if p.suffix in (".pdf", ".txt")) if REALDOCS.is_dir() else []


def test_official_pdf_read_back_exactly(official_pdf):
    import budgetxl
    from budgetxl.published.mapping import read_published

    sample = budgetxl.load_sample()
    r = read_published(official_pdf)
    b = r.budget
    assert r.findings == []
    assert (b.unit_code, b.unit_name, b.year) == (sample.unit_code, sample.unit_name, sample.year)
    assert b.inputs == sample.inputs
    assert len(b.given) > 100 and b.mismatches() == []  # every printed total read, and each agrees
    assert all(b.value(*k) == sample.value(*k) for k in sample.all_cells())
    # each figure keeps its place: page, table, row, column and the printed text
    key = next(iter(sample.inputs))
    page, where = r.positions[key]
    assert page.startswith("第") and "「" in where and r.cells[key].place.bbox is not None


def test_check_and_import_pdf(official_pdf, tmp_path):
    import budgetxl
    from budgetxl.facts import write_facts

    res = CliRunner().invoke(main, ["check", str(official_pdf), "--format", "json"])
    assert res.exit_code == 0, res.output
    import json

    [x301] = [f for f in json.loads(res.output)["findings"] if f["code"] == "X301"]  # the seed's own transposition
    assert re.fullmatch(r"第\d+页", x301["sheet"]) and "「12.64」" in x301["cell"]  # found on its page, quoted
    out = tmp_path / "facts.csv"
    res = CliRunner().invoke(main, ["import", str(official_pdf), "-o", str(out)])
    assert res.exit_code == 0, res.output
    write_facts([budgetxl.load_sample()], tmp_path / "ref.csv")
    assert out.read_text("utf-8-sig") == (tmp_path / "ref.csv").read_text("utf-8-sig")


@pytest.mark.skipif(not DOCS, reason="../shared/realdocs not present")
@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_every_real_document_is_checked_without_a_traceback(path):
    res = CliRunner().invoke(main, ["check", str(path)])
    assert res.exit_code in (0, 1, 2), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "内部错误" not in res.output and "Traceback" not in res.output
    if "final" in path.name:  # 部门决算: recognised, refused in one message, nothing read
        assert res.exit_code == 2 and "部门决算" in res.output and "决算表" in res.output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The sample unit's official workbook and whole disclosure document, as budgetxl renders them."""
    import budgetxl
    from budgetxl.render.document import render_document
    from budgetxl.render.official import render_official

    d = tmp_path_factory.mktemp("rendered")
    sample = budgetxl.load_sample()
    render_official(sample, d / "公开表.xlsx")
    render_document(sample, d / "公开.docx")
    return sample, d / "公开表.xlsx", d / "公开.docx"


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_workbook_and_word_read_back_exactly(rendered, kind):
    from budgetxl.published.mapping import read_onto
    from budgetxl.published.sheet import read_sheets
    from budgetxl.published.word import read_docx

    sample, xlsx, docx = rendered
    doc = read_sheets(xlsx) if kind == "xlsx" else read_docx(docx)
    r = read_onto(doc)
    assert r.findings == []
    b = r.budget
    assert (b.unit_code, b.unit_name, b.year) == (sample.unit_code, sample.unit_name, sample.year)
    assert b.inputs == sample.inputs and len(b.given) > 100 and b.mismatches() == []
    if kind == "xlsx":  # workbook places are cells, so --annotate can mark them
        sheet, cell = r.positions[next(iter(sample.inputs))]
        assert sheet in {t.name for t in sample.profile.ordered} and cell[0].isalpha()
    else:
        assert any(p.heading for p in doc.paragraphs) and len(doc.paragraphs) > 20


BUDGET_PDFS = [p for p in DOCS if p.suffix == ".pdf" and "final" not in p.name]


@pytest.mark.skipif(not BUDGET_PDFS, reason="../shared/realdocs not present")
@pytest.mark.parametrize("path", BUDGET_PDFS, ids=[p.name for p in BUDGET_PDFS])
def test_real_budget_documents_read_onto_their_profile(path):
    """Every table of the profile found; unit and year as the cover states them (a second place in the
    same document); every figure put somewhere: no table or row left unread."""
    from budgetxl.errors import BudgetxlError
    from budgetxl.published.lines import org_of, year_of
    from budgetxl.published.mapping import read_onto
    from budgetxl.published.pdf import read_pdf

    doc = read_pdf(path)
    try:
        r = read_onto(doc)
    except BudgetxlError as e:
        if "没有认出" in str(e):
            pytest.skip("no shipped profile for this layout yet")
        raise
    b = r.budget
    assert not b.absent, [f.message for f in r.findings]
    # every row and column recognised (a code printed irregularly is a V01 warning, read all the same)
    assert not [f.message for f in r.findings if f.code == "V05"]
    # each table's money unit as printed under its title is the one the profile declares for it
    assert {tid: pt.unit for tid, pt in r.tables.items()} == {tid: b.profile.tables[tid].money_unit for tid in r.tables}
    cover_year = next(year_of(line) for line in doc.front if year_of(line))
    cover_unit = next(org_of(line) for line in doc.front if org_of(line))
    assert (b.year, b.unit_name) == (cover_year, cover_unit)
    # nothing silently lost: every printed figure went to a cell of the budget, or a finding about its
    # table says why not (a row or column the profile does not have)
    reported = {f.table for f in r.findings}
    name_of = {id(pt): b.profile.tables[tid].name for tid, pt in r.tables.items()}
    left = [(pt.index, c.text) for pt, c in r.unread if name_of[id(pt)] not in reported]
    assert not left, left[:20]
    assert len(r.cells) > 50 and not [f for f in r.findings if "不是金额" in f.message]


@pytest.mark.skipif(not BUDGET_PDFS, reason="../shared/realdocs not present")
@pytest.mark.parametrize("path", BUDGET_PDFS[:3], ids=[p.name for p in BUDGET_PDFS[:3]])
def test_a_published_narrative_reaches_the_text_rules(path):
    """Every paragraph the PDF reader found is a passage the text rules read, in the same order and
    with its page (before, a PDF's narrative was read but never checked)."""
    from budgetxl.check.narrative_items import passages
    from budgetxl.check.runner import load_for_check
    from budgetxl.published.pdf import read_pdf

    doc = read_pdf(path)
    (ctx,) = load_for_check(path)
    got = passages(ctx)
    assert doc.paragraphs and len(got) == len(doc.paragraphs)
    assert [p.place for p in got] == [str(p.place) for p in doc.paragraphs]
