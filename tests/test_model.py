"""The exact model: hierarchy sums, row identities, cross-table derivations, carry-over."""

from decimal import Decimal

import pytest

from budgetxl import UnitBudget
from budgetxl.errors import BudgetxlError

D = Decimal


@pytest.fixture()
def b():
    return UnitBudget.empty("900", "测试单位", 2025)


def test_hierarchy_sums_every_level(b):
    b.set("收入总表", "2080505", "财政拨款收入", "82.34")
    b.set("收入总表", "2080506", "财政拨款收入", "41.17")
    b.set("收入总表", "2082701", "财政拨款收入", "3.22")
    b.set("收入总表", "2101102", "事业收入", "0.10")
    b.set("收入总表", "2101103", "事业收入", "0.20")
    assert b.codes("收入总表") == ["208", "20805", "2080505", "2080506", "20827", "2082701", "210", "21011",
                                  "2101102", "2101103"]
    assert b.value("收入总表", "20805", "财政拨款收入") == D("123.51")
    assert b.value("收入总表", "208", "合计") == D("126.73")
    assert b.value("收入总表", "21011", "小计") == D("0.30")  # exact: no binary float residue
    assert b.value("收入总表", "total", "合计") == D("127.03")


def test_row_identities(b):
    b.set("收入总表", "2040220", "财政拨款收入", "10.00")
    b.set("收入总表", "2040220", "其他收入", "1.50")
    b.set("收入总表", "2040220", "上年结转", "2.25")
    assert b.value("收入总表", "2040220", "小计") == D("11.50")
    assert b.value("收入总表", "2040220", "合计") == D("13.75")
    b.set("一般公共预算财政拨款基本支出表", "30101", "人员经费", "5.00")
    b.set("一般公共预算财政拨款基本支出表", "30201", "公用经费", "2.00")
    assert b.value("一般公共预算财政拨款基本支出表", "301", "合计") == D("5.00")
    assert b.value("一般公共预算财政拨款基本支出表", "total", "合计") == D("7.00")


def test_sangong_tree(b):
    t9 = "三公经费支出表"
    b.set(t9, "其他因公出国（境）费", "一般公共预算财政拨款", "1.00")
    b.set(t9, "公务用车购置费", "政府性基金预算拨款", "20.00")
    b.set(t9, "公务用车运行维护费", "一般公共预算财政拨款", "3.00")
    b.set(t9, "三、公务接待费", "一般公共预算财政拨款", "0.50")
    assert b.value(t9, "二、公务用车购置及运维费", "合计") == D("23.00")
    assert b.value(t9, "“三公”经费小计", "一般公共预算财政拨款") == D("4.50")
    assert b.value(t9, "合计", "合计") == D("24.50")


def test_cross_table_derivations(b):
    b.set("支出总表", "2040220", "项目支出", "532.10")
    b.set("支出总表", "2101102", "基本支出", "39.87")
    b.set("一般公共预算财政拨款支出表", "2101102", "基本支出", "39.87")
    b.set("政府性基金预算财政拨款支出表", "2120803", "项目支出", "100.00")
    b.set("财政拨款收支总表", "本年收入/一般公共预算拨款", "金额", "39.87")
    b.set("财政拨款收支总表", "本年收入/二、政府性基金预算拨款", "金额", "100.00")
    t1, t4 = "收支总表", "财政拨款收支总表"
    assert b.value(t1, "四、公共安全支出", "预算数") == D("532.10")
    assert b.value(t1, "十、卫生健康支出", "预算数") == D("39.87")
    assert b.value(t1, "本年支出合计", "预算数") == D("571.97")
    assert b.value(t1, "一、一般公共预算拨款收入", "预算数") == D("39.87")
    assert b.value(t1, "二、政府性基金预算拨款收入", "预算数") == D("100.00")
    assert b.value(t4, "十、卫生健康支出", "一般公共预算财政拨款") == D("39.87")
    assert b.value(t4, "十二、城乡社区支出", "政府性基金预算财政拨款") == D("100.00")
    assert b.value(t4, "十二、城乡社区支出", "合计") == D("100.00")
    assert b.value(t4, "本年支出合计", "合计") == D("139.87")
    assert b.value(t1, "三十一、人行科目", "预算数") == 0


def test_carry_over_unit_balances(b):
    """上年结转 is revenue of the budget but not 本年收入; appropriations carried over fund T5 spending."""
    b.set("收入总表", "2040220", "财政拨款收入", "100.00")
    b.set("收入总表", "2040220", "上年结转", "20.00")
    b.set("支出总表", "2040220", "项目支出", "120.00")
    b.set("一般公共预算财政拨款支出表", "2040220", "项目支出", "110.00")
    b.set("财政拨款收支总表", "本年收入/一般公共预算拨款", "金额", "100.00")
    b.set("财政拨款收支总表", "年初财政拨款结转和结余/一般公共预算拨款", "金额", "10.00")
    t1, t4 = "收支总表", "财政拨款收支总表"
    assert b.value(t1, "本年收入合计", "预算数") == D("100.00")
    assert b.value(t1, "上年结转结余", "预算数") == D("20.00")
    assert b.value(t1, "收入总计", "预算数") == D("120.00")
    assert b.value(t1, "本年支出合计", "预算数") == D("120.00")  # exceeds 本年收入合计
    assert b.value(t4, "年初财政拨款结转和结余", "金额") == D("10.00")
    assert b.value(t4, "收入总计", "金额") == D("110.00")
    assert b.value(t4, "支出总计", "合计") == D("110.00")
    assert all(left == right for _, _, left, right in b.balances())


def test_unbalanced_budget_shows_in_balances(b):
    b.set("支出总表", "2040220", "项目支出", "5.00")
    bal = {title: (l, r) for tid, title, l, r in b.balances() if tid == "t1"}
    assert bal["收入总计应等于支出总计"] == (D("0.00"), D("5.00"))


def test_derived_cell_cannot_be_set(b):
    with pytest.raises(BudgetxlError, match="派生数"):
        b.set("支出总表", "2040220", "合计", "1.00")
    with pytest.raises(BudgetxlError, match="派生数"):
        b.set("收支总表", "本年收入合计", "预算数", "1.00")


def test_amounts_are_exact_two_decimals(b):
    with pytest.raises(ValueError):
        b.set("支出总表", "2040220", "项目支出", "1.005")
    with pytest.raises(TypeError):
        b.set("支出总表", "2040220", "项目支出", 0.1)  # binary floats are refused


def test_frames(sample):
    df = sample.frame("支出总表")
    assert list(df.columns) == ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "经营支出", "上解上级支出",
                                "对附属单位补助支出"]
    assert df.iloc[0]["科目名称"] == "合计"
    assert df["合计"].iloc[0] == df["合计"][df["科目编码"].str.len() == 3].sum()
    f = sample.frame("收支总表", numeric="float")
    assert f.set_index("项目").loc["收入总计", "预算数"] == pytest.approx(1573.23)
    facts = sample.facts()
    assert list(facts.columns) == ["单位编码", "单位名称", "年度", "表", "科目编码", "科目名称", "栏目", "金额"]
    assert len(facts) == sum(1 for k in sample.all_cells() if sample.value(*k) != 0)


def test_year_is_data_not_layout(tmp_path):
    import openpyxl

    from budgetxl.render.official import render_official

    b = UnitBudget.empty("451", "曲阳县公安局交通管理大队", 2025)
    b.set("支出总表", "2040250", "基本支出", "1.00")
    out = tmp_path / "o.xlsx"
    render_official(b, out)
    ws = openpyxl.load_workbook(out)["支出总表"]
    assert "预算年度：2025" in [c.value for c in ws[2]]


def test_inputs_are_changed_only_through_the_model():
    """Writing the public dicts would leave computed totals stale: they are read-only views, and
    the model's methods keep the totals right."""
    import pytest

    import budgetxl

    b = budgetxl.load_sample()
    key = ("t3", "2040250", "basic")
    before = b.value("t3", "total", "basic")
    with pytest.raises(TypeError):
        b.inputs[key] = b.inputs[key] + 1  # type: ignore[index]
    with pytest.raises(TypeError):
        b.given[key] = 1  # type: ignore[index]
    old = b.inputs[key]
    b.set_input(key, old + Decimal("10.00"))
    assert b.value("t3", "total", "basic") == before + Decimal("10.00")
    b.remove_input(key)
    assert b.value("t3", "2040250", "basic") == 0
    assert b.value("t3", "total", "basic") == before - old
    with pytest.raises(budgetxl.BudgetxlError):
        b.set_input(("t3", "total", "basic"), Decimal("1.00"))  # a derived cell
