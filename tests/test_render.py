"""The official workbook is print-ready: A4, fit to width, header rows repeated, formats right."""

import openpyxl
import pytest

from budgetxl.render.official import render_official


@pytest.fixture(scope="module")
def wb(tmp_path_factory):
    import budgetxl

    out = tmp_path_factory.mktemp("r") / "o.xlsx"
    render_official(budgetxl.load_sample(), out)
    return openpyxl.load_workbook(out)


def test_one_sheet_per_table_in_order(wb, profile):
    assert wb.sheetnames == [t.name for t in profile.ordered]


@pytest.mark.parametrize("tid", [f"t{i}" for i in range(1, 10)])
def test_print_setup(wb, profile, tid):
    t = profile.tables[tid]
    ws = wb[t.name]
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # absent means 1 in OOXML
    assert ws.page_setup.fitToHeight == 0
    last_header = 2 + t.header_depth + 1
    assert ws.print_title_rows == f"$3:${last_header}"
    # portrait where the table fits a portrait page at a legible scale, landscape otherwise
    assert ws.page_setup.orientation == ("landscape" if len(t.grid) > 6 else "portrait")


def test_amounts_formatted_and_zero_blank(wb):
    ws = wb["支出总表"]
    row = next(r for r in ws.iter_rows(min_row=6) if r[1].value == "2040220")
    total, basic, project = row[3], row[4], row[5]
    assert project.value == pytest.approx(532.10) and project.number_format == "#,##0.00"
    assert basic.value is None and basic.border.left.style == "thin"
    assert row[1].number_format == "@"


def test_empty_table_note(wb, profile):
    ws = wb["政府性基金预算财政拨款支出表"]
    values = [c.value for r in ws.iter_rows() for c in r if c.value]
    assert profile.table("t7").empty_note in values
    data = [c.value for r in ws.iter_rows(min_row=6) for c in r if c.value]
    assert data == [profile.table("t7").empty_note]  # one blank row, then the note


def test_text_written_as_text_not_formula(tmp_path):
    from budgetxl import UnitBudget

    b = UnitBudget.empty("1", '=HYPERLINK("http://x","y")', 2024)
    b.set("支出总表", "2040220", "项目支出", "1.00")
    b.names[("t3", "2040220")] = "=1+1"
    out = tmp_path / "o.xlsx"
    render_official(b, out)
    ws = openpyxl.load_workbook(out)["支出总表"]
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
