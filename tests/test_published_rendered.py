"""budgetxl's own rendered documents read back.

Every shipped sample's .docx (and the Shanghai sample's PDF) checks with no V05: an empty table
printed with its header, its 合计 row and its note is a table without rows, not a table whose
columns cannot be found; its figures are the sample's facts. A figure printed unreadably is one
finding, and what depends on it is not checked: absent is not zero (no X100 "可能漏填" at 0.00)."""

from __future__ import annotations

import os

import pytest

from budgetxl.check.runner import check_file
from budgetxl.lo import find_soffice
from budgetxl.sample import load_sample, samples

needs_lo = pytest.mark.skipif(find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")


def _nonzero(budget):
    return {k: v for k, v in budget.inputs.items() if v}


def _reads_back(source, budget):
    [ctx] = check_file(source, profile=budget.profile.ref)
    assert not [f for f in ctx.findings if f.code == "V05"], [str(f) for f in ctx.findings if f.code == "V05"]
    assert _nonzero(ctx.budget) == _nonzero(budget)
    # an empty table is read, not absent, and keeps its note (W309 looks for it)
    empty = [t for t in budget.profile.ordered if not any(v for k, v in budget.inputs.items() if k[0] == t.id)]
    assert not [t.name for t in empty if t.id in ctx.budget.absent]
    assert "W309" not in {f.code for f in ctx.findings}
    assert "W504" not in {f.code for f in ctx.findings}  # budgetxl prints every topic the profile asks for
    return ctx, empty


@pytest.mark.parametrize("name", samples())
def test_a_rendered_sample_document_reads_back_as_its_facts(name, tmp_path):
    from budgetxl.render.document import render_document

    budget = load_sample(name)
    _reads_back(render_document(budget, tmp_path / "公开.docx"), budget)


@pytest.mark.parametrize("name", samples())
def test_a_rendered_sample_document_prints_its_title_once(name, tmp_path):
    """The cover title is not printed again as a heading (a Shanghai document's sections follow the
    cover title; Hebei's part heading 第一部分 … is its own text), so check finds no W302 in it."""
    import docx

    from budgetxl.render.document import render_document
    from budgetxl.render.parts import fill

    budget = load_sample(name)
    out = render_document(budget, tmp_path / "公开.docx")
    title = fill(budget.profile.parts["document"]["title"], budget)
    texts = [p.text.split("\t")[0].strip() for p in docx.Document(str(out)).paragraphs]
    assert texts.count(title) == 1, [t for t in texts if t == title]
    [ctx] = check_file(out, profile=budget.profile.ref)
    assert not [str(f) for f in ctx.findings if f.code == "W302"]


@needs_lo
def test_the_rendered_shanghai_pdf_reads_its_empty_tables(tmp_path):
    from budgetxl.lo import convert
    from budgetxl.render.document import render_document

    budget = load_sample("putuo_zfb_2025")
    pdf = convert(render_document(budget, tmp_path / "公开.docx"), tmp_path / "公开.pdf")
    _, empty = _reads_back(pdf, budget)
    assert empty  # the sample prints tables without rows: the case this test is about


def _damaged(budget, tmp_path):
    """The sample's document, official workbook and text with one input figure (a leaf cell of a
    coded table, printed once in its row) printed as "12,3a4"; the cell's key."""
    import docx
    import openpyxl

    from budgetxl.render.document import render_document
    from budgetxl.render.official import render_official
    from .text_export import workbook_text

    p = budget.profile
    d = docx.Document(str(render_document(budget, tmp_path / "公开.docx")))
    assert len(d.tables) == len(p.ordered)  # the profile's tables in order, each one Word table
    for key, value in budget.inputs.items():
        t = p.tables[key[0]]
        if not value or not t.coded or len(key[1]) != t.leaf_length:
            continue
        row = next((r for r in d.tables[p.ordered.index(t)].rows
                    if "".join(c.text.strip() for c in r.cells[:3]) == key[1]), None)
        texts = [c.text.strip() for c in row.cells] if row is not None else []
        if texts.count(f"{value:.2f}") == 1:
            break
    c = row.cells[texts.index(f"{value:.2f}")]
    c.paragraphs[0].runs[0].text = "12,3a4"
    for r in c.paragraphs[0].runs[1:]:
        r.text = ""
    d.save(str(tmp_path / "坏.docx"))
    xlsx = render_official(budget, tmp_path / "公开表.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    [cell] = [r[texts.index(f"{value:.2f}")] for r in wb[t.name].iter_rows()
              if "".join(str(x.value or "").strip() for x in r[:3]) == key[1]]
    assert cell.value == value or str(cell.value) == f"{value:.2f}", cell.value
    cell.value = "12,3a4"
    wb.save(tmp_path / "坏.xlsx")
    text = workbook_text(tmp_path / "坏.xlsx", [t.name for t in p.ordered])
    assert "12,3a4" in text
    (tmp_path / "坏.txt").write_text(text, "utf-8")
    return key, [tmp_path / "坏.docx", tmp_path / "坏.xlsx", tmp_path / "坏.txt"]


@pytest.mark.parametrize("kind", [".docx", ".xlsx", ".txt"])
def test_an_unreadable_figure_is_one_finding_and_its_dependents_are_not_checked(kind, tmp_path):
    budget = load_sample("putuo_zfb_2025")
    key, sources = _damaged(budget, tmp_path)
    [source] = [s for s in sources if s.suffix == kind]
    t = budget.profile.tables[key[0]]
    [ctx] = check_file(source, profile=budget.profile.ref)
    every = ctx.all_findings
    said = [f for f in every if "3a4" in f.message]  # the text reader quotes it without its comma
    assert len(said) == 1 and said[0].severity == "error", [str(f) for f in every]
    assert not [f for f in every if f.code == "X100"], [str(f) for f in every if f.code == "X100"]
    assert not [f for f in every if f.key == key or (f.actual == 0 and f.table == t.name and f.row == key[1])]
    # what depends on it is listed as not checked, naming the cell; nothing is reported from a zero
    assert ctx.not_checked and all("可读的" in n["missing"] for n in ctx.not_checked), ctx.not_checked
    assert {"H101", "X101"} <= {n["rule"] for n in ctx.not_checked}
    assert not [f for f in every if f.severity == "error" and f is not said[0]], [str(f) for f in every]
    assert ctx.budget.cell_value(key).is_nan()
