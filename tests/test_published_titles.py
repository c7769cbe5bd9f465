"""Tables recognised by their role whatever the wording around the printed title, and rows by any
wording their profile declares (a label printed differently in another year)."""

from __future__ import annotations

import pytest

from budgetxl.published.mapping import match_table
from budgetxl.spec import load_profile

SH = load_profile("shanghai-2025")
HB = load_profile("hebei-2024")


@pytest.mark.parametrize("printed", [
    "2025年部门收入预算总表",
    "2025年度部门收入预算总表",
    "2025 年部门收入预算总表",
    "4．2025年部门收入预算总表",
    "4. 2025年部门收入预算总表",
    "二、2025年部门收入预算总表",
    "（二）2025年部门收入预算总表",
    "表二 2025年部门收入预算总表",
    "附表2：2025年部门收入预算总表",
    "上海市普陀区财政局2025年部门收入预算总表",
    "2025年上海市普陀区财政局部门收入预算总表",
    "上海市普陀区财政局部门收入预算总表（2025年）",
    "2025年部门收入预算总表（续）",
    "2025年单位收入预算总表",
    "2025年预算单位收入预算总表",
])
def test_a_title_with_numbering_year_and_unit_is_recognised(printed):
    assert match_table(printed, SH).id == "t2"


@pytest.mark.parametrize("quotes", ["“三公”", '"三公"', "‘三公’", "「三公」", "『三公』", "＂三公＂", "三公"])
def test_quote_variants(quotes):
    assert match_table(f"2025年部门{quotes}经费和机关运行经费预算表", SH).id == "t9"


@pytest.mark.parametrize("printed", ["政府采购支出总表", "项目支出总表", "2025年部门收入预算总表的说明"])
def test_other_tables_are_not_taken_for_a_profile_table(printed):
    """A name before a title form only where it ends as a government body's name does: "政府采购"
    is no unit, so 政府采购支出总表 is not Hebei's 支出总表."""
    assert match_table(printed, HB) is None and match_table(printed, SH) is None


def test_a_title_of_the_other_profile_keeps_its_own_table():
    assert match_table("平山县财政局部门预算支出总表", HB).id == "t3"
    assert match_table("2025年部门一般公共预算基本支出部门预算经济分类预算表", SH).id == "t8"
    assert match_table("2025年部门一般公共预算支出功能分类预算表", SH).id == "t5"


def test_a_row_printed_under_another_wording_of_its_profile():
    """The 2023 documents print ①'s "1. 一般公共预算" where 2024–2025 print "1. 一般公共预算资金":
    the profile lists the other wording (printed = [...]), the reader and find_item accept both."""
    from budgetxl.published.mapping import _locate

    t1 = SH.tables["t1"]
    side = t1.side("in")
    for label in ("1. 一般公共预算资金", "1. 一般公共预算", "1、一般公共预算", "一般公共预算资金"):
        assert _locate(t1, side, label, set()).key == "gpb", label
        item, err = t1.find_item(label)
        assert err is None and item.key == "gpb"
    assert _locate(t1, side, "1. 一般公共预算拨款", set()) is None  # not any wording: only those declared
    unit = load_profile("shanghai-2025-unit").tables["t1"]
    assert _locate(unit, unit.side("in"), "1、一般公共预算", set()).key == "gpb"
