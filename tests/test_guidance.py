"""Guidance where a warning fires (issue 11, item 6): the name of a code the list lacks can be typed
in the entry workbook; C101 says which code list it used; a template says when its list is for
another year."""

import openpyxl

import budgetxl
from budgetxl.check.runner import check_file
from budgetxl.codes import code_list
from budgetxl.reader.entry import read_entry
from budgetxl.template import write_template

from .conftest import REPO

ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"


def test_a_code_the_list_lacks_takes_a_typed_name(tmp_path):
    wb = openpyxl.load_workbook(ENTRY)
    for sheet in ("支出总表", "收入总表"):
        ws = wb[sheet]
        assert ws["C28"].protection.locked is False  # the name cell of a spare row is the unit's to type
        ws["B28"].value = "2040298"
        ws["C28"].value = "其他执法事务"
    wb["支出总表"]["E28"].value = 1  # 基本支出
    wb["收入总表"]["F28"].value = 1  # 财政拨款收入
    path = tmp_path / "named.xlsx"
    wb.save(path)
    r = read_entry(path)
    t3 = r.budget.profile.table("支出总表")
    assert r.budget.row_name(t3.id, "2040298") == "其他执法事务"
    assert not [f for f in r.findings if f.code == "I05"]  # typing the name over its formula is allowed
    [res] = check_file(path)
    c101 = [f for f in res.all_findings if f.code == "C101"]
    assert c101 and all(f.severity == "warning" and "其他执法事务" in f.message for f in c101)
    assert all("不是官方代码表" in f.message for f in c101)


def _unnamed_code_workbook(tmp_path):
    """The sample entry workbook with amounts on 2040298, a code the list lacks, and no name typed."""
    wb = openpyxl.load_workbook(ENTRY)
    for sheet, col in (("支出总表", "E"), ("收入总表", "F")):
        wb[sheet]["B28"].value = "2040298"
        wb[sheet][f"{col}28"].value = 1
    path = tmp_path / "unnamed.xlsx"
    wb.save(path)
    return path


def test_a_code_without_a_name_is_an_error_naming_the_name_cell(tmp_path):
    path = _unnamed_code_workbook(tmp_path)
    [res] = check_file(path)
    c101 = [f for f in res.all_findings if f.code == "C101" and f.sheet == "支出总表"]
    assert c101 and c101[0].severity == "error" and "支出总表!C28" in c101[0].message


def test_template_for_a_year_without_its_own_code_list_says_so(tmp_path):
    b = budgetxl.UnitBudget.empty("999", "测试单位", 2026)
    path = tmp_path / "t.xlsx"
    write_template(b, path)
    guide = openpyxl.load_workbook(path).worksheets[0]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    year = code_list(b.profile, "function").year
    assert f"这是 {year} 年的代码表，2026 年没有对应的代码表" in text
    assert "不是官方代码表" in text


def test_render_refuses_to_print_a_blank_name(tmp_path):
    from click.testing import CliRunner

    from budgetxl.cli import main

    path = _unnamed_code_workbook(tmp_path)
    res = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 1 and "C101" in res.output and not (tmp_path / "o.xlsx").exists()
