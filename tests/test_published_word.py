"""Word documents: tables and paragraphs in document order, merged cells, the lines under a title."""

from __future__ import annotations

import random
from decimal import Decimal

from budgetxl.published.word import read_docx


def _make(path, seed=3):
    import docx

    rnd = random.Random(seed)
    d = docx.Document()
    d.add_paragraph("一、部门主要职能")
    d.add_paragraph("某局负责测试工作。")
    d.add_paragraph("2031年部门测试支出预算表")
    d.add_paragraph("编制部门：测试市测试局    单位：元")
    rows = []
    t = d.add_table(rows=9, cols=6)
    t.cell(1, 3).text = "功能分类科目名称"
    t.cell(1, 4).text = "基本支出"
    t.cell(1, 5).text = "项目支出"
    for j, h in enumerate(["类", "款", "项"]):
        t.cell(2, j).text = h
    for k in range(5):
        r = t.rows[3 + k].cells
        vals = [Decimal(rnd.randrange(0, 10**9)) / 100 for _ in range(2)]
        for j, c in enumerate((str(201 + k), "01", "02")):
            r[j].text = c
        r[3].text = f"科目{k}"
        for j, v in enumerate(vals):
            r[4 + j].text = f"{v:,.2f}"
        rows.append(vals)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "项目"
    t.cell(0, 4).merge(t.cell(0, 5)).text = "支出预算"
    t.cell(1, 0).merge(t.cell(1, 2)).text = "功能分类科目编码"
    t.cell(8, 0).merge(t.cell(8, 3)).text = "合计"
    d.add_paragraph("二、其他说明")
    d.save(str(path))
    return rows


def test_docx_tables_and_paragraphs(tmp_path):
    rows = _make(tmp_path / "x.docx")
    doc = read_docx(tmp_path / "x.docx")
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert t.title == "2031年部门测试支出预算表" and t.unit == "元" and t.org == "测试市测试局" and t.year == 2031
    assert t.column_paths()[0] == ("项目", "功能分类科目编码", "类")
    assert t.column_paths()[5] == ("支出预算", "项目支出")
    body = t.body()
    assert [[c.figure.value for c in r[4:6]] for r in body[:5]] == rows
    assert body[5][0] is body[5][3] and body[5][0].text == "合计"
    assert [p.text for p in doc.paragraphs] == ["一、部门主要职能", "某局负责测试工作。", "二、其他说明"]
    assert doc.paragraphs[0].heading and doc.paragraphs[1].heading is None
    assert t.title_place.paragraph == 3
