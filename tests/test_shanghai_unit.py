"""The 单位预算 variant (shanghai-2025-unit, a profile made of its base and what differs): its
template recalculated by LibreOffice equals budgetxl, reads back to the sample's inputs, and the
table-name detection tells it from the 部门预算 profile."""

from __future__ import annotations

import os

import pytest

from budgetxl.lo import find_soffice, recalculate
from budgetxl.reader.entry import read_entry
from budgetxl.sample import load_sample, sample_path
from budgetxl.spec import load_profile
from budgetxl.template.writer import TemplateWriter

from .test_template import _differences

needs_lo = pytest.mark.skipif(find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")
SAMPLE = "putuo_zfb_unit_2025"


def test_variant_is_its_base_and_what_differs():
    base, unit = load_profile("shanghai-2025"), load_profile("shanghai-2025-unit")
    assert [t.id for t in unit.ordered] == [t.id for t in base.ordered]
    assert {c.code for c in base.checks} < {c.code for c in unit.checks}
    assert [c.header for c in unit.tables["t1"].side("out").columns] != [c.header for c in base.tables["t1"].side("out").columns]
    assert unit.tables["t2"].columns == base.tables["t2"].columns and unit.tables["t2"].title != base.tables["t2"].title
    assert unit.roles is not None and unit.parts["guide"] == base.parts["guide"]
    assert unit.budget_kind == "单位预算" and base.budget_kind == "部门预算"
    # the 单位 wording of the parts: every section the base calls 部门… is 单位… here
    assert [s["section"].replace("部门", "单位") for s in base.parts["narrative"] if s["key"] != "projects"] == \
        [s["section"] for s in unit.parts["narrative"]]


def test_facts_detected_by_table_names():
    from budgetxl.detect import by_table_names

    for sample, profile in (("putuo_zfb_2025", "shanghai-2025"), (SAMPLE, "shanghai-2025-unit")):
        lines = sample_path("facts.csv", sample).read_text("utf-8").splitlines()[1:]
        assert by_table_names([ln.split(",")[3] for ln in lines], sample).id == profile


@needs_lo
def test_unit_template_recalculated_and_read_back(tmp_path):
    b = load_sample(SAMPLE)
    w = TemplateWriter(b)
    w.write(tmp_path / "unit.xlsx")
    out = recalculate(tmp_path / "unit.xlsx", tmp_path / "recalc.xlsx")
    assert len(w.formula_values) > 300
    assert _differences(w, out) == []
    res = read_entry(out)
    assert [str(f) for f in res.findings if f.severity != "info"] == []
    assert res.budget.profile.id == "shanghai-2025-unit" and res.budget.inputs == b.inputs


def _unit_document(tmp_path):
    import docx

    from budgetxl.render.document import render_document

    budget = load_sample(SAMPLE)
    path = render_document(budget, tmp_path / "单位.docx")
    return budget, path, docx.Document(str(path))


def test_unit_document_is_titled_a_unit_budget(tmp_path):
    """A 单位预算 renders as one: its title, 目录, headings, every table title and its properties say
    单位, as documents 06 and 13 print them, never 部门 (the 部门 profile's words)."""
    budget, _, doc = _unit_document(tmp_path)
    texts = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    assert texts[0] == f"{budget.unit_name}2025年单位预算"
    assert doc.core_properties.title == texts[0] and doc.core_properties.subject == "单位预算公开"
    for heading in ("一、单位主要职能", "二、单位机构设置", "四、单位预算编制说明", "五、单位预算表", "六、其他相关情况说明"):
        assert heading in texts
    titles = [budget.profile.printed_title(t, budget.year) for t in budget.profile.ordered]
    assert titles[0] == "2025年预算单位财务收支预算总表" and titles[-1] == "2025年单位“三公”经费和机关运行经费预算表"
    for title in titles:
        assert sum(title in x for x in texts) >= 2, title  # in the 目录 and above its table
    # the 部门 profile's words are nowhere in the document's own wording (the unit's texts aside,
    # and the classification's name 部门预算经济分类, part of table ⑧'s title)
    own = set(budget.supplement["narrative"].values())
    wording = [x.replace("部门预算经济分类", "") for x in texts if x not in own and not any(x in t for t in own)]
    assert not [x for x in wording if "部门" in x], [x for x in wording if "部门" in x]


@needs_lo
def test_unit_document_pdf_is_titled_a_unit_budget(tmp_path):
    from pdfminer.high_level import extract_text

    from budgetxl.lo import convert

    budget, path, _ = _unit_document(tmp_path)
    pdf = convert(path, tmp_path / "单位.pdf")
    lines = ["".join(line.split()) for line in extract_text(str(pdf)).splitlines()]  # the PDF's text spaces digits out
    lines = [line for line in lines if line]
    assert lines[0] == f"{budget.unit_name}2025年单位预算"
    text = "\n".join(lines)
    assert "年部门预算" not in text.replace("部门预算经济分类", "") and "五、单位预算表" in text
