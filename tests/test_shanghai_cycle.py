"""The whole cycle on the second profile (shanghai-2025): template, LibreOffice recalculation equal
to budgetxl, fill a blank template, read back, tamper detection, check, render, consolidate."""

from __future__ import annotations

import os
from decimal import Decimal

import openpyxl
import pytest

from budgetxl import UnitBudget
from budgetxl.facts import read_facts
from budgetxl.lo import find_soffice, recalculate
from budgetxl.reader.entry import read_entry
from budgetxl.supplement import load_supplement
from budgetxl.template.writer import TemplateWriter

from .conftest import REPO
from .test_template import _differences

needs_lo = pytest.mark.skipif(find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")
SAMPLE = REPO / "samples" / "putuo_zfb_2025"
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def budget():
    b = read_facts(SAMPLE / "facts.csv", "shanghai-2025")[0]
    b.supplement = load_supplement(SAMPLE / "supplement.toml", b.profile)
    return b


@pytest.fixture(scope="module")
def entry(tmp_path_factory, budget):
    p = tmp_path_factory.mktemp("sh") / "entry.xlsx"
    w = TemplateWriter(budget)
    w.write(p)
    return w, p


def test_template_has_split_codes_and_no_serial_column(entry, budget):
    w, p = entry
    sl = w.layout.sheets["t2"]
    assert len(sl.code_cols) == 3 and sl.seq_col is None
    ws = openpyxl.load_workbook(p)[budget.profile.tables["t2"].name]
    r = sl.code_rows["2010301"]
    assert [ws.cell(r + 1, c + 1).value for c in sl.code_cols] == ["201", "03", "01"]
    assert ws.cell(2, ws.max_column).value == "单位：元"
    assert openpyxl.load_workbook(p)[budget.profile.tables["t9"].name].cell(2, 7).value == "单位：万元"


def test_read_back_equals_the_inputs(entry, budget):
    res = read_entry(entry[1])
    assert [str(f) for f in res.findings if f.severity != "info"] == []
    assert res.budget.profile.id == "shanghai-2025"
    assert res.budget.inputs == budget.inputs
    assert res.budget.supplement["narrative"] == budget.supplement["narrative"]


@needs_lo
def test_prefilled_template_recalculated_by_libreoffice_matches(tmp_path, entry):
    w, p = entry
    out = recalculate(p, tmp_path / "recalc.xlsx")
    assert len(w.formula_values) > 300
    assert _differences(w, out) == []


@needs_lo
def test_blank_template_filled_and_recalculated_matches(tmp_path, budget):
    """A blank template's 类 | 款 | 项 and amount cells filled with the sample's inputs, recalculated."""
    flat = TemplateWriter(budget, flat=True)
    flat.write(tmp_path / "flat.xlsx")
    spare = len(flat.layout.sheets["t2"].spare_rows)
    blank = TemplateWriter(UnitBudget.empty(budget.unit_code, budget.unit_name, budget.year, budget.profile),
                           spare=spare)
    blank.write(tmp_path / "blank.xlsx")
    assert blank.formula_map == flat.formula_map
    src, dst = openpyxl.load_workbook(tmp_path / "flat.xlsx"), openpyxl.load_workbook(tmp_path / "blank.xlsx")
    filled = 0
    for ws in src.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.protection.locked is False and c.value not in (None, ""):
                    dst[ws.title][c.coordinate].value = c.value
                    filled += 1
    assert filled > 150
    dst.save(tmp_path / "filled.xlsx")
    out = recalculate(tmp_path / "filled.xlsx", tmp_path / "recalc.xlsx")
    assert _differences(flat, out) == []
    assert read_entry(out).budget.inputs == budget.inputs


def _edit(path, out, sheet, r, c, value):
    wb = openpyxl.load_workbook(path)
    wb[sheet].cell(r + 1, c + 1).value = value
    wb.save(out)
    return out


def test_wan_yuan_typed_into_a_yuan_cell_is_converted(tmp_path, entry, budget):
    w, p = entry
    t = budget.profile.tables["t3"]
    r, c = w.layout.sheets["t3"].cells[("t3", "2010302", "project")]
    res = read_entry(_edit(p, tmp_path / "wan.xlsx", t.name, r, c, "4614万元"))
    assert res.budget.value("t3", "2010302", "project") == Decimal("46140000.00")
    assert any(f.code == "V01" and "10000元" in f.message for f in res.findings)


def test_code_level_without_its_leading_zero_is_an_error(tmp_path, entry, budget):
    w, p = entry
    sl = w.layout.sheets["t3"]
    t = budget.profile.tables["t3"]
    r = sl.spare_rows[0]
    wb = openpyxl.load_workbook(p)
    ws = wb[t.name]
    for c, v in zip(sl.code_cols, ["213", "1", "01"]):
        ws.cell(r + 1, c + 1).value = v
    ws.cell(r + 1, sl.value_col["basic"] + 1).value = 5
    wb.save(tmp_path / "zero.xlsx")
    res = read_entry(tmp_path / "zero.xlsx")
    assert any(f.code == "V02" and "开头的0" in f.message for f in res.findings)


def test_tampered_formula_is_found(tmp_path, entry, budget):
    w, p = entry
    t = budget.profile.tables["t1"]
    r, c = w.layout.sheets["t1"].cells[("t1", "grand_in", "amount")]
    res = read_entry(_edit(p, tmp_path / "tamper.xlsx", t.name, r, c, 1))
    assert any(f.code.startswith("I") and f.severity == "error" for f in res.findings)


def test_render_docx(tmp_path, budget):
    import docx

    from budgetxl.render.document import render_document

    doc = render_document(budget, tmp_path / "doc.docx")
    text = "\n".join(p.text for p in docx.Document(str(doc)).paragraphs)
    for part in ("五、部门预算表", "2025年部门财务收支预算总表", "主要职能", "项目经费情况说明"):
        assert part in text


def test_consolidate_shanghai_workbooks(tmp_path, entry, budget):
    """Two Shanghai units' returned workbooks (the profile from their fingerprints) add up exactly."""
    from budgetxl.consolidate import consolidate
    from budgetxl.consolidate_workbook import write_workbook

    other = UnitBudget(budget.profile, "310107-XYZ", "另一单位", budget.year, dict(budget.inputs))
    for t in budget.profile.ordered:
        for code in budget.codes(t):
            other.add_code(t.id, code)
    TemplateWriter(other).write(tmp_path / "b.xlsx")
    c = consolidate([entry[1], tmp_path / "b.xlsx"], jobs=1)
    assert [o.status for o in c.outcomes] == ["included", "included"]
    (total,) = c.totals.values()
    assert total.value("t1", "grand_in", "amount") == 2 * budget.value("t1", "grand_in", "amount")
    assert total.value("t9", "amount", "total") == 2 * budget.value("t9", "amount", "total")
    write_workbook(c, tmp_path / "all.xlsx")
    assert (tmp_path / "all.xlsx").is_file()
