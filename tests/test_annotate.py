"""The annotated copy (check --annotate) is the returned package patched: marked cells, notes and
the 审核结果 sheet added, everything else byte for byte; it opens in LibreOffice and reads back
with openpyxl and calamine (issue 11, items 3, 7 and 9)."""

import os
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from budgetxl import lo
from budgetxl.check.report import annotate
from budgetxl.check.runner import check_file
from budgetxl.errors import BudgetxlError
from budgetxl.findings import Finding

from .conftest import REPO

ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"
BASIC = "一般公共预算财政拨款基本支出表"
TOTAL = "支出总表"
needs_lo = pytest.mark.skipif(lo.find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")


def _findings() -> list[Finding]:
    """The sample's own findings, and a cause (an amount typed in 元) with two totals it broke
    folded under it, one at a cell the template leaves empty (no <c> element to patch), and a
    message that a spreadsheet would take for a formula."""
    [r] = check_file(ENTRY)
    cause = Finding("X100", "error", "=HYPERLINK(\"http://x\") 疑似以元填报", sheet=TOTAL, cell="E10",
                    expected=Decimal("735.75"), actual=Decimal("7357500"))
    cause.fold([Finding("H101", "error", "合计不等", sheet=TOTAL, cell="E7", expected=Decimal("1.00"),
                        actual=Decimal("2.50")),
                Finding("H104", "warning", "别处", sheet=TOTAL, cell="K60")])
    return [cause, *r.findings]


def _members(path: Path) -> dict[str, tuple[int, int, bytes]]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: (i.CRC, i.compress_size, z.read(i)) for i in z.infolist()}


def _sheet_part(path: Path, name: str) -> str:
    from budgetxl.xlsxpatch import Workbook

    with Workbook(path) as wb:
        return wb.worksheets[name]


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> tuple[Path, list[Finding]]:
    out = tmp_path_factory.mktemp("annotate") / "marked.xlsx"
    before = ENTRY.read_bytes()
    findings = _findings()
    annotate(ENTRY, findings, out)
    assert ENTRY.read_bytes() == before
    return out, findings


def _check_marked(wb, findings, *, lo_saved: bool = False):
    """What every reader must find in the annotated copy."""
    assert wb.sheetnames[0] == "审核结果"
    ws = wb[TOTAL]
    assert ws["E10"].fill.fgColor.rgb.endswith("FFC7CE")  # the cause itself, not only the totals
    assert ws["E7"].fill.fgColor.rgb.endswith("FFC7CE") and ws["K60"].fill.fgColor.rgb.endswith("FFEB9C")
    assert "X100" in ws["E10"].comment.text and "=HYPERLINK" in ws["E10"].comment.text
    assert "H101" in ws["E7"].comment.text and "由 支出总表!E10 的 X100 引起" in ws["E7"].comment.text
    x301 = wb[BASIC]["D15"]
    assert "X301" in x301.comment.text and x301.fill.fgColor.rgb.endswith("FFEB9C")
    rows = list(wb["审核结果"].iter_rows(values_only=True))
    assert rows[0] == ("规则", "级别", "问题", "工作表", "单元格", "应为", "实为", "差额", "容差")
    flat = [g for f in findings for g in f.flatten()]
    assert [r[0] for r in rows[1:]] == [f.code for f in flat]  # each cause, then what it caused
    assert rows[1][:2] == ("X100", "错误") and rows[1][2].startswith("=HYPERLINK")
    assert "由 支出总表!E10 的 X100 引起" in rows[2][2]
    assert rows[1][5:8] == (735.75, 7357500, 7356764.25) and all(
        isinstance(v, (int, float)) for v in rows[1][5:8])  # figures are numbers, not text
    cached = wb[TOTAL]["E7"].value if lo_saved else None
    return cached


def test_annotated_copy_is_the_input_patched(marked):
    out, findings = marked
    before, after = _members(ENTRY), _members(out)
    changed = {n for n in before if before[n] != after.get(n)}
    assert set(before) <= set(after)
    marked_sheets = {_sheet_part(ENTRY, s) for s in (TOTAL, BASIC, "情况说明", "单位信息", "项目")}  # 项目: P107
    first_tab = _sheet_part(ENTRY, "填报说明")  # its tab was selected: one selected tab, the new one
    assert changed == {"xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                       "docProps/app.xml", first_tab} | marked_sheets
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]  # compressed size and CRC kept too
    new = set(after) - set(before)
    assert len([n for n in new if n.startswith("xl/comments")]) == 5
    assert len([n for n in new if n.endswith(".vml")]) == 5
    # cached formula values of every sheet survive (openpyxl's load and save dropped them)
    src = openpyxl.load_workbook(ENTRY, data_only=True)
    dst = openpyxl.load_workbook(out, data_only=True)
    for name in src.sheetnames:
        a, b = src[name], dst[name]
        assert list(a.values) == list(b.iter_rows(max_row=a.max_row, max_col=a.max_column, values_only=True)), name
    _check_marked(openpyxl.load_workbook(out), findings)


def test_annotated_sheet_text_is_never_a_formula(marked):
    out, _ = marked
    ws = openpyxl.load_workbook(out)["审核结果"]
    message = ws["C2"]
    assert message.data_type == "s" and message.value.startswith("=HYPERLINK")
    assert message.quotePrefix  # shown as typed, stays text when edited; no visible apostrophe
    assert not ws["A2"].quotePrefix
    assert ws["E2"].hyperlink.location == "'支出总表'!E10"
    assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
    with zipfile.ZipFile(out) as z:
        book = z.read("xl/workbook.xml").decode()
    assert book.count('tabSelected') == 0 and 'activeTab="0"' in book
    # the sample's print titles keep their sheets (sheet-scoped names count sheets by position)
    wb = openpyxl.load_workbook(out)
    assert wb[BASIC].print_title_rows == "$3:$5"


def test_a_cells_own_note_is_kept(tmp_path):
    from openpyxl.comments import Comment

    wb = openpyxl.load_workbook(ENTRY)
    wb[TOTAL]["E10"].comment = Comment("单位的说明", "会计")
    wb[TOTAL]["B9"].comment = Comment("另一条", "会计")
    src = tmp_path / "noted.xlsx"
    wb.save(src)
    annotate(src, [Finding("X100", "error", "疑似以元填报", sheet=TOTAL, cell="E10")], tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")[TOTAL]
    assert ws["B9"].comment.text == "另一条"
    assert "X100" in ws["E10"].comment.text and "单位的说明" in ws["E10"].comment.text


def test_a_part_with_a_dtd_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&b;</styleSheet>')
    src = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(ENTRY) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for i in zin.infolist():
            zout.writestr(i.filename, bomb if i.filename == "xl/styles.xml" else zin.read(i))
    with pytest.raises(BudgetxlError, match="DTD"):
        annotate(src, _findings(), tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


@needs_lo
def test_annotated_copy_opens_in_libreoffice(marked, tmp_path):
    """LibreOffice opens the patched package (it refuses or repairs a malformed one) and saves it
    again with the marks, the notes and the 审核结果 rows; openpyxl and calamine read them back."""
    from python_calamine import CalamineWorkbook

    out, findings = marked
    saved = lo.convert(out, tmp_path / "lo.xlsx", "xlsx")
    _check_marked(openpyxl.load_workbook(saved), findings, lo_saved=True)
    for path in (out, saved):
        cal = CalamineWorkbook.from_path(str(path))
        assert cal.sheet_names[0] == "审核结果"
        rows = cal.get_sheet_by_name("审核结果").to_python()
        flat = [g for f in findings for g in f.flatten()]
        assert [r[0] for r in rows[1:]] == [f.code for f in flat]
        assert rows[1][5:8] == [735.75, 7357500, 7356764.25]
        # the unit's own figures are as it returned them
        assert cal.get_sheet_by_name(TOTAL).to_python()[9][4] == \
            CalamineWorkbook.from_path(str(ENTRY)).get_sheet_by_name(TOTAL).to_python()[9][4]
    pdf = lo.convert(out, tmp_path / "marked.pdf", "pdf")
    assert pdf.stat().st_size > 0
