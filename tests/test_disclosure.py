"""What a published document must disclose, on the real documents of ../shared/realdocs/ where
each rule fires (W309 empty tables without a note, W501 “三公” details, W502 vehicles, W503 names
one character off, P105 a project's 其中 line above its whole, P106 the text's project money against
the printed forms, P107 targets that cannot be measured, W505 团组数/批次/车辆数 not stated beside the “三公” amounts, W506 a 年度预算安排
without money, W507 a 实施主体 naming no one), and on the others where
it must not.
Skipped where the documents are not present (a fresh clone)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetxl.check.rules.disclosure import near_names, one_edit
from budgetxl.check.runner import check_file
from budgetxl.published.lines import is_table_note

REALDOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs"
DOCS = {p.name[:2]: p for p in sorted(REALDOCS.glob("*.pdf"))} if REALDOCS.is_dir() else {}
CODES = ("W309", "W501", "W502", "W503", "W505", "W506", "W507", "W508", "P105", "P106", "P107")


def _doc(n: str) -> Path:
    if n not in DOCS:
        pytest.skip("../shared/realdocs not present")
    return DOCS[n]


_RESULTS: dict = {}


def _findings(n: str):
    if n not in _RESULTS:
        [r] = check_file(_doc(n))
        _RESULTS[n] = [f for f in r.findings if f.code in CODES]
    return _RESULTS[n]


def test_doc13_empty_tables_without_a_note_are_named():
    """Doc 13 prints tables 6 and 7 (政府性基金, 国有资本经营) with a header and a blank 合计 only."""
    w = [f for f in _findings("13") if f.code == "W309"]
    assert len(w) == 2
    assert {f.table for f in w} == {"2025年预算单位政府性基金预算支出功能分类预算表", "2025年预算单位国有资本经营预算支出功能分类预算表"}
    assert all(f.severity == "warning" and "故本表为空表" in str(f.expected) for f in w)
    assert {f.extra.get("place") for f in w} == {"第15页", "第16页"}


def test_doc13_vehicles_and_running_cost():
    """Doc 13: 共有车辆0辆, while table 9 budgets 公务用车运行费 32.20 万元."""
    [w] = [f for f in _findings("13") if f.code == "W502"]
    assert "共有车辆0辆" in w.message and "32.20" in w.message and w.actual == "32.20 万元"
    assert w.extra.get("place") == "第21页"


def test_doc02_a_project_part_above_its_whole():
    """Doc 02 page 35, 公共服务设施运行经费: 其中：当年财政拨款 11,419,043.00 > 年度资金申请总额 10,903,043.00."""
    [p] = [f for f in _findings("02") if f.code == "P105"]
    assert p.severity == "error" and p.actual == "11,419,043.00" and "10,903,043.00" in p.message
    assert "多 516,000.00" in p.message and p.extra.get("place") == "第35页" and p.row == "公共服务设施运行经费"


def test_doc02_the_text_projects_money_against_the_printed_forms():
    """Doc 02 page 29: 项目5个，涉及项目预算资金3328.13万元; the five forms (pages 31–35, two of them
    printed as one table over a page break) add up to 33,513,343.00 元 = 3351.33 万元."""
    [p] = [f for f in _findings("02") if f.code == "P106"]
    assert p.severity == "error" and p.actual == Decimal("3328.13") and p.expected == Decimal("3351.33")
    assert "5 张项目表" in p.message and "33,513,343.00 元" in p.message and p.extra.get("place") == "第29页"


def test_doc02_targets_that_cannot_be_measured():
    """Doc 02 pages 31–35: ratios whose targets have no figure (完工及时率 “及时率”, 居民满意度 “满意度”,
    维修处理及时率 “维修响应速度快”) and targets copying their indicator; one finding per project."""
    p = [f for f in _findings("02") if f.code == "P107"]
    assert [(f.extra.get("place"), f.row) for f in p] == [
        ("第31页", "新建万里街道社区公共服务中心"), ("第34页", "各类工作经费"), ("第35页", "公共服务设施运行经费")]
    assert all(f.severity == "warning" for f in p)
    assert "有 3 条" in p[0].message and "“完工及时率”指标值“及时率”" in p[0].message
    assert "“预算内经费”" not in p[0].message  # 合规: a qualitative target
    assert p[1].message.count("指标值照抄指标名称") == 2 and "“提升经济服务满意度”指标值“提升”" in p[1].message
    assert "“维修处理及时率”指标值“维修响应速度快”" in p[2].message


@pytest.mark.parametrize("n, slips", [("02", {"公务车购置及运行费", "公务车用车运行费"}), ("03", {"公务车用车运行费"}),
                                      ("04", {"公务车用车运行费"}), ("09", {"公务车购置及运行费", "公务车用车运行费"})])
def test_names_one_character_off(n, slips):
    w = [f for f in _findings(n) if f.code == "W503"]
    assert {f.actual for f in w} == slips
    assert all(f.expected in ("公务用车运行费", "公务用车购置及运行费") for f in w)


@pytest.mark.parametrize("n", ["02", "03", "04", "05", "06", "09", "13"])
def test_no_finding_where_the_document_is_right(n):
    """Where the document prints its notes, its details, its vehicles and its names right, nothing."""
    # every one of them leaves some “三公” count unstated (W505, see W505_EXPECTED below)
    wanted = {"02": {"P105", "P106", "P107", "W503", "W505"}, "03": {"W503", "W505"}, "04": {"W503", "W505"},
              "05": {"W505", "W506", "W507", "W508"}, "06": {"W505"}, "09": {"W503", "W505", "W508"}, "13": {"W309", "W502", "W505"}}
    assert {f.code for f in _findings(n)} == wanted.get(n, set()), [str(f) for f in _findings(n)]


def test_a_wrapped_line_on_a_page_with_its_own_margin_stays_in_its_paragraph():
    """Doc 13 page 21 sets its text further right than the pages before; “公务用车运行\\n费32.20万元”
    is one paragraph (it was cut in two, and W501 took 公务用车运行费 for unstated)."""
    from budgetxl.published import read_document

    d = read_document(_doc("13"))
    assert any("公务用车运行费32.20万元" in p.text for p in d.paragraphs)
    assert not [f for f in _findings("13") if f.code == "W501"]


def test_one_edit():
    assert one_edit("公务车用车运行费", "公务用车运行费")  # one inserted
    assert one_edit("公务车购置及运行费", "公务用车购置及运行费")  # one left out
    assert one_edit("公务招待费", "公务接待费")  # one replaced
    assert not one_edit("公务用车运行费", "公务用车运行费")
    assert not one_edit("公务用车运行维护费", "公务用车运行费")


def test_near_names_leave_the_wording_around_a_name_alone():
    right = {"因公出国（境）费", "公务接待费"}
    assert near_names("30212因公出国（境）费用10万元", "因公出国（境）费", right) == []
    assert near_names("公务接待等支出", "公务接待费", right) == []  # an edit at the end is the sentence
    assert near_names("公务招待费1万元", "公务接待费", right) == [(0, 5)]


def test_table_notes_are_told_from_narrative():
    assert is_table_note("注:本单位2025年无政府性基金预算财政拨款安排的预算，故本表为空表。")
    assert is_table_note("本单位无此项预算。")
    assert not is_table_note("2025年部门国有资本经营预算支出功能分类预算表")
    assert not is_table_note("一、2025年“三公”经费预算情况说明")


# W505, from the review: the numbers each document leaves out beside a non-zero “三公” amount
# (document → {(item, missing counts)}). None of them states 团组数/人次 or 接待批次/人次; 03–13 state
# their vehicles (共有车辆N辆, 安排购置车辆N辆) under 国有资产, 02 among its fixed assets (“固定资产3149.52万元，
# 其中：房屋14609.83平方米；车辆7辆（一般公务用车3辆，执法执勤用车4辆…）”, p29: a clause of its own).
W505_EXPECTED = {
    "02": {("公务接待费", "批次、人次")},
    "03": {("公务接待费", "批次、人次")},
    "04": {("公务接待费", "批次、人次")},
    "05": {("因公出国（境）费", "团组数、人次"), ("公务接待费", "批次、人次")},
    "06": {("因公出国（境）费", "团组数、人次"), ("公务接待费", "批次、人次")},
    "09": {("公务接待费", "批次、人次")},
    "13": {("因公出国（境）费", "团组数、人次"), ("公务接待费", "批次、人次")},
}


@pytest.mark.parametrize("n", sorted(W505_EXPECTED))
def test_counts_beside_the_sangong_amounts(n):
    found = [f for f in _findings(n) if f.code == "W505"]
    got = {(name, f.expected) for f in found for name, _ in W505_EXPECTED[n] if f"”，{name}（" in f.message}
    assert got == W505_EXPECTED[n] and len(found) == len(got), [str(f) for f in found]
    assert all(f.severity == "warning" and f.extra.get("place") for f in found)


def test_doc05_a_project_budget_part_without_money():
    """Doc 05 page 22, 区政府督查及建议提案工作业务经费: “六、年度预算安排 结合区政府重点工作推进情况，根据合同
    条款，按时拨付资金。” — the other documents state quarterly plans or each cost's amount there."""
    [w] = [f for f in _findings("05") if f.code == "W506"]
    assert w.severity == "warning" and w.extra.get("place") == "第22页" and "按时拨付资金" in w.message


def test_doc05_a_project_whose_implementer_is_not_named():
    """Doc 05 page 22: 三、实施主体 “主要完成区委、区政府年度重点工作任务书印制工作……” describes the task;
    02–04 (由建设单位万里街道办事处建设) and 09 (办公室、预算科、国库科…) name theirs."""
    [w] = [f for f in _findings("05") if f.code == "W507"]
    assert w.severity == "info" and "“三、实施主体”" in w.message and w.extra.get("place") == "第22页"
    for n in ("02", "03", "04", "09"):
        assert not [f for f in _findings(n) if f.code == "W507"]


@pytest.mark.parametrize("n, page, words", [("05", "第22页", "定期开展"), ("09", "第24页", "有序推进")])
def test_a_plan_of_one_stock_sentence(n, page, words):
    """Docs 05 and 09: 四、实施方案 is one sentence (“结合区政府重点工作推进情况，定期开展。”, “根据与中介机构的
    相关合同有序推进。”); 02–04's numbered plan (1、建筑形体方正……) is not reported."""
    [w] = [f for f in _findings(n) if f.code == "W508"]
    assert w.severity == "info" and w.extra.get("place") == page and words in w.message
    for other in ("02", "03", "04", "06", "13"):
        assert not [f for f in _findings(other) if f.code == "W508"]
