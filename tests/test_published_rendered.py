"""budgetxl's own rendered documents read back.

Every shipped sample's .docx (and the Shanghai sample's PDF) checks with no V05: an empty table
printed with its header, its 合计 row and its note is a table without rows, not a table whose
columns cannot be found; its figures are the sample's facts."""

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
    return ctx, empty


@pytest.mark.parametrize("name", samples())
def test_a_rendered_sample_document_reads_back_as_its_facts(name, tmp_path):
    from budgetxl.render.document import render_document

    budget = load_sample(name)
    _reads_back(render_document(budget, tmp_path / "公开.docx"), budget)


@needs_lo
def test_the_rendered_shanghai_pdf_reads_its_empty_tables(tmp_path):
    from budgetxl.lo import convert
    from budgetxl.render.document import render_document

    budget = load_sample("putuo_zfb_2025")
    pdf = convert(render_document(budget, tmp_path / "公开.docx"), tmp_path / "公开.pdf")
    _, empty = _reads_back(pdf, budget)
    assert empty  # the sample prints tables without rows: the case this test is about
