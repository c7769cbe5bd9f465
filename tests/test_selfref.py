"""The document against itself (issue 15, item 4), on the real published documents: a table the text
refers to but the document does not print (W310), 所属单位 in the text while the 机构设置 says
下属0家 (W311), 单位 wording in a 部门 document (W312), a plan dated in a past year (W313), a table
title without the year the others carry (W314), money attributed to a kind of unit the document's own
名词解释 leaves out (W315). Each fires where the auditor's review found the
problem and nowhere else in the corpus."""

from pathlib import Path

import pytest

from budgetxl.check.runner import check_file

REALDOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs"
CODES = ("W310", "W311", "W312", "W313", "W314", "W315")
# document → (code, page of the finding, a quoted text the message must carry), from the review
EXPECTED = {
    "01_hebei_pingshan_xiakou_czs_2025.txt": [],
    "02_sh_putuo_wanli_dept_2023.pdf": [],  # prints its project forms: no W310
    "03_sh_putuo_wanli_dept_2024.pdf": [("W314", "第31页", "部门“三公”经费和机关运行经费预算表")],
    "04_sh_putuo_wanli_dept_2025.pdf": [],
    "05_sh_putuo_zfb_dept_2025.pdf": [("W310", "第22页", "详见单位的项目绩效目标表"),
                                      ("W315", "第21页", "1家机关和1家事业单位财政拨款的机关运行经费")],
    # a 单位 document saying 本单位: no W312
    "06_sh_putuo_zfb_unit_2025.pdf": [("W315", "第21页", "1家机关和1家事业单位财政拨款的机关运行经费")],
    "09_sh_putuo_czj_dept_2025.pdf": [("W310", "第24页", "详见单位的项目绩效目标表"),
                                      ("W311", "第7页", "下属0家预算单位"),
                                      ("W312", "第22页", "本单位政府采购预算"),
                                      ("W313", "第23页", "拟从2020年起")],
    "13_sh_city_czj_unit_2025.pdf": [],
}


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs not present")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_documents(name):
    [r] = check_file(REALDOCS / name, select=list(CODES))
    assert r.unreadable is None, r.unreadable
    got = sorted((f.code, f.message) for f in r.findings)
    assert [c for c, _ in got] == sorted(c for c, _, _ in EXPECTED[name]), got
    for code, page, quoted in EXPECTED[name]:
        [msg] = [m for c, m in got if c == code]
        assert msg.startswith(page) and quoted in msg, msg


def test_a_form_titled_inside_its_first_row_counts_as_printed():
    """A published document's project form whose title is its first row's cell (the reader gives it
    no title) is what "详见项目绩效目标表" refers to: from_document keeps the first row's texts."""
    from types import SimpleNamespace

    import budgetxl
    from budgetxl.check import all_rules
    from budgetxl.check.context import CheckContext
    from budgetxl.check.narrative_items import from_document
    from budgetxl.check.runner import check_budget

    def table(title, first_row):
        cells = [SimpleNamespace(text=t) for t in first_row]
        return SimpleNamespace(title=title, title_place="第31页", notes=[], figures=lambda: [], rows=[cells])

    para = SimpleNamespace(text="详见项目绩效目标表", place="第30页", heading=None)
    w310 = [r for r in all_rules() if r.code == "W310"]
    for first_row, found in ((["财政项目支出绩效目标填报表", "项目名称"], []), (["项目名称", "项目性质"], ["W310"])):
        doc = SimpleNamespace(front=["上海市普陀区2023年区级部门预算"], paragraphs=[para],
                              tables=[table("2023年部门收入预算总表", ["项目", "合计"]), table("", first_row)])
        b = budgetxl.load_sample()
        b.supplement = {**b.supplement, **from_document(doc)}
        assert [f.code for f in check_budget(CheckContext(b, "x.pdf", {}, []), w310)] == found
