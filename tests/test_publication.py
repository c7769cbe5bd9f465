"""The complete publication: all tables (xlsx and PDF), the generated narrative, the Word document,
and `budgetxl render` checking before it renders.

Tests that need LibreOffice or poppler are skipped only outside CI; with ``CI`` set they run (and
fail when the tool is missing). The sample is converted to PDF once per module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import budgetxl
from budgetxl import lo
from budgetxl.cli import main
from budgetxl.render.document import pdf_path, render_document, writer_available
from budgetxl.render.narrative import generate
from budgetxl.render.official import render_official

from .conftest import REPO

SAMPLE = REPO / "samples" / "451_2024"
ENTRY = SAMPLE / "entry.xlsx"
FACTS = SAMPLE / "facts.csv"
SUPPLEMENT = SAMPLE / "supplement.toml"

CI = bool(os.environ.get("CI"))
needs_lo = pytest.mark.skipif(lo.find_soffice() is None and not CI,
                              reason="LibreOffice not installed (CI installs it and never skips)")
needs_poppler = pytest.mark.skipif((shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None) and not CI,
                                   reason="poppler-utils not installed (CI installs it and never skips)")

NINE = ["部门预算收支总表", "部门预算收入总表", "部门预算支出总表", "部门预算财政拨款收支总表",
        "部门预算一般公共预算财政拨款支出表", "部门预算一般公共预算财政拨款基本支出表",
        "部门预算政府性基金预算财政拨款支出表", "部门预算国有资本经营预算财政拨款支出表",
        "部门预算财政拨款“三公”经费支出表"]
PARTS = ["部门机构设置情况", "项目绩效目标表", "部门政府采购预算", "部门固定资产占用情况表"]
FIGURES = ["1573.23", "978.93", "594.30", "888.90", "90.03", "310.28", "2156.29"]
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def pdf_text(path: Path) -> str:
    """The PDF's text with white space and thousands separators removed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"[\s,]", "", out.decode("utf-8"))


@pytest.fixture(scope="module")
def sample():
    return budgetxl.load_sample()


@pytest.fixture(scope="module")
def publication(tmp_path_factory):
    """The sample's publication made by `budgetxl render` from its entry workbook: xlsx, docx and
    the tables' PDF (one LibreOffice conversion)."""
    d = tmp_path_factory.mktemp("pub")
    # the sample's own text names another county (W103): the document prints it as written, so --force
    res = run("render", ENTRY, "-o", d / "公开表.xlsx", "--docx", d / "预算公开.docx", "--force")
    assert res.exit_code == 0, res.output
    return d


@pytest.fixture(scope="module")
def tables_pdf(publication):
    out = publication / "公开表.pdf"
    lo.convert(publication / "公开表.xlsx", out, "pdf")
    return out


# ---------------------------------------------------------------------- official xlsx
def test_all_tables_after_the_nine(publication, profile):
    wb = openpyxl.load_workbook(publication / "公开表.xlsx")
    nine = [t.name for t in profile.ordered]
    assert wb.sheetnames == nine + ["部门机构设置情况", "项目绩效目标表1", "项目绩效目标表2", "项目绩效目标表3",
                                    "部门政府采购预算", "部门固定资产占用情况表"]
    for name in wb.sheetnames[9:]:
        ws = wb[name]
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert wb["部门政府采购预算"].print_title_rows == "$3:$4"  # both header rows repeat


def test_nine_sheets_unchanged_by_the_parts(tmp_path, sample):
    """The nine sheets are the same cell for cell whether or not the other tables follow."""
    render_official(sample, tmp_path / "nine.xlsx")
    render_official(sample, tmp_path / "all.xlsx", parts=True)
    a, b = openpyxl.load_workbook(tmp_path / "nine.xlsx"), openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert b.sheetnames[:9] == a.sheetnames
    for name in a.sheetnames:
        wa, wb_ = a[name], b[name]
        assert [[c.value for c in r] for r in wa.iter_rows()] == [[c.value for c in r] for r in wb_.iter_rows()]
        assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb_.merged_cells.ranges))


def test_part_sheets_content(publication):
    wb = openpyxl.load_workbook(publication / "公开表.xlsx")
    ws = wb["项目绩效目标表1"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[2][:5] == ["项目编码", "13063424P00A9EA10005M", None, "项目名称", "交警专项公用项目经费"]
    assert values[3][:5] == ["预算规模及资金用途", "预算数", pytest.approx(482.10), "其中：财政资金", pytest.approx(482.10)]
    assert values[3][6] is None  # 其他资金 blank
    assert [v for v in values[5] if v] == ["资金支出计划", "3月底", "6月底", "10月底", "12月底"]
    assert [v for v in values[6] if v] == pytest.approx([144.63, 289.26, 433.89, 482.10])
    assert [v for v in values[8] if v] == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A10:A13" in merged and values[9][0] == "产出指标"  # 一级指标 merged down over its four rows

    ws = wb["部门政府采购预算"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[2][0] == "政府采购项目来源" and rows[2][7] == "政府采购金额（当年部门预算安排资金）"
    assert rows[2][14] == "2024年预留中小微企业份额" and rows[3][:2] == ["项目名称", "预算资金"]
    assert rows[4][0] == "合  计" and rows[5][0] == "曲阳县公安局交通管理大队本级小计"
    for r in (4, 5):
        assert rows[r][7] == rows[r][8] == rows[r][14] == pytest.approx(310.28) and rows[r][9] is None
    assert len([r for r in rows[6:] if r[3]]) == 9
    assert rows[-1][0].startswith("注：同一采购目录序号的物品")

    ws = wb["部门固定资产占用情况表"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[1][1] == "截止时间：2023-12-31"
    assert rows[2] == ["项   目", "数量", "价值（金额单位：万元）"]
    assert rows[3] == ["资产总额", None, pytest.approx(2156.29)]
    assert rows[7] == ["3、单价在20万元以上的设备", None, None]  # zero/blank shown blank


def test_part_text_is_never_a_formula(tmp_path, sample):
    sample = budgetxl.load_sample()
    sample.supplement["institutions"][0]["name"] = "=HYPERLINK(\"http://x\",\"y\")"
    sample.supplement["projects"][0]["goal"] = "+1+1"
    render_official(sample, tmp_path / "o.xlsx", parts=True)
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    cells = [c for n in ("部门机构设置情况", "项目绩效目标表1") for r in wb[n].iter_rows() for c in r
             if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)


def test_no_supplement_no_part_sheets(tmp_path):
    from budgetxl.facts import read_facts

    render_official(read_facts(FACTS)[0], tmp_path / "o.xlsx", parts=True)
    assert len(openpyxl.load_workbook(tmp_path / "o.xlsx").sheetnames) == 9


# ---------------------------------------------------------------------- PDF of the tables
@needs_lo
@needs_poppler
def test_tables_pdf_has_every_table_and_figure(tables_pdf):
    text = pdf_text(tables_pdf)
    for title in NINE + PARTS:
        assert title in text, title
    for figure in FIGURES:
        assert figure in text, figure


def _read_ppm(path: Path) -> tuple[int, int, bytes]:
    """A binary PPM (P6, 8 bit): width, height, RGB bytes."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and int(fields[3]) == 255
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1: pos + 1 + 3 * w * h]


@needs_lo
@needs_poppler
def test_no_table_cut_off_at_the_page_edge(tables_pdf, tmp_path, publication):
    """Every page's rightmost 3 % of pixel columns is white (nothing runs off the page), every
    page has content, and for the sample each sheet fits one page width (nothing split sideways;
    a long table continues on the next page, its header repeated)."""
    subprocess.run(["pdftoppm", "-r", "50", str(tables_pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.ppm"))
    wb = openpyxl.load_workbook(publication / "公开表.xlsx")
    assert len(wb.sheetnames) == 15 and len(pages) >= 15
    assert all(ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
               for ws in wb.worksheets)
    dark_bytes = bytes(range(200))  # a channel below 200 of 255: not white paper
    for page in pages:
        w, h, rgb = _read_ppm(page)
        edge = max(1, round(w * 0.03))
        rows = [rgb[3 * w * y: 3 * w * (y + 1)] for y in range(h)]
        dark_edge = sum(1 for row in rows if min(row[-3 * edge:]) < 200)
        content = len(rgb) - len(rgb.translate(None, dark_bytes))
        assert content > 500, f"{page.name} is blank"
        assert dark_edge == 0, f"{page.name}: {dark_edge} pixel rows reach into the rightmost {edge} columns"


# ---------------------------------------------------------------------- narrative
def test_generated_narrative_mirrors_the_seed(sample):
    g = generate(sample)
    assert "2024年预算收入1573.23万元，其中：一般公共预算收入1573.23万元，" in g["income"]
    assert "基本支出978.93万元，包括人员经费888.90万元和日常公用经费90.03万元；项目支出594.30万元" in g["expenditure"]
    assert "较2023年预算减少14.00万元" in g["change"] and "基本支出增加16.22万元" in g["change"]
    assert "项目支出减少30.22万元" in g["change"]
    assert "“三公”经费预算安排1.20万元" in g["sangong"]
    assert "政府采购预算总额310.28万元" in g["procurement"] and "为中小企业预留采购份额310.28万元" in g["procurement"]


def test_generated_narrative_corrects_the_seed(sample):
    g = generate(sample)
    assert "运行经费" in g["operating"] and "2024年" in g["operating"] and "90.03万元" in g["operating"]
    assert "2023" not in g["operating"]  # the seed states the 2024 figure under 2023
    assert "本年度拟购置固定资产总额为46.78万元" in g["assets"]  # the A02 lines; the seed says 0.00
    assert "上年末固定资产金额为2156.29万元" in g["assets"]
    assert not any("顺平" in text for text in g.values())  # place names are never generated


def test_figures_equal_the_seeds_where_the_seed_is_right(sample):
    """Same figures as the unit's own (seed) paragraphs, except where the seed is wrong."""
    g, seed = generate(sample), sample.supplement["narrative"]
    for key in ("income", "expenditure", "change", "sangong"):
        assert NUMBER.findall(g[key]) == NUMBER.findall(seed[key]), key
    assert NUMBER.findall(seed["operating"]) == ["2023", "90.03"]
    assert NUMBER.findall(g["operating"]) == ["2024", "90.03"]
    assert NUMBER.findall(seed["assets"]) == ["2156.29", "0.00"] and NUMBER.findall(g["assets"]) == ["2156.29", "46.78"]


def _known_values(budget) -> set[str]:
    """Every figure the model and the supplement hold, and the sums a paragraph may state."""
    known = {str(budget.year), str(budget.year - 1)}
    known |= {f"{budget.value(*key):f}" for key in budget.all_cells()}
    sup = budget.supplement

    def walk(x):
        if isinstance(x, Decimal):
            known.add(f"{x:.2f}")
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(sup)
    lines = sup["procurement"]
    for prefix in ("", "A", "B", "C", "A02"):  # all (the 合计 row); goods, works, services; equipment
        known.add(f"{sum((l['total'] for l in lines if l['catalog'].startswith(prefix)), Decimal('0.00')):.2f}")
    known.add(f"{sum((l['sme_reserved'] for l in lines), Decimal('0.00')):.2f}")
    prev = sup["previous"]
    now = {"total": budget.value("t1", "grand_in", "amount"), "basic": budget.value("t3", "total", "basic"),
           "project": budget.value("t3", "total", "project"), "sangong": budget.value("t9", "subtotal", "total")}
    known |= {f"{abs(now[k] - prev[k]):.2f}" for k in now}
    return known


def test_no_free_floating_numbers(sample):
    known = _known_values(sample)
    for key, text in generate(sample).items():
        for number in NUMBER.findall(text):
            assert number in known, f"{key}: {number} is not a figure of the model or the supplement"


def test_previous_year_from_a_budget_and_unknown_parts_omitted(sample):
    from budgetxl.facts import read_facts

    bare = read_facts(FACTS)[0]  # no supplement: no last-year figures, no procurement or assets
    g = generate(bare)
    assert g["change"] == "2024年预算收支安排1573.23万元。"
    assert "与2023年相比" not in g["sangong"] and "procurement" not in g and "assets" not in g
    last = read_facts(FACTS)[0]
    last.year = 2023
    last.set("支出总表", "2040250", "基本支出", "700.00")
    last.set("财政拨款收支总表", "本年收入/一、一般公共预算拨款", "金额", "1537.48")
    g = generate(bare, previous=last)
    assert "较2023年预算增加35.75万元" in g["change"] and "基本支出增加35.75万元" in g["change"]
    assert "项目支出增减0.00万元（与上年持平）" in g["change"]


# ---------------------------------------------------------------------- the Word document
def test_document_layout(publication):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    d = docx.Document(publication / "预算公开.docx")
    paras = [p.text for p in d.paragraphs]
    assert paras[0] == "曲阳县公安局交通管理大队2024年部门预算信息公开"
    assert paras[1].replace(" ", "") == "目录"
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("第一部分") and headings[-1].startswith("第二部分")
    assert [h[:2] for h in headings[1:-1]] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十、"]
    body = "\n".join(paras)
    assert "2024年预算收入1573.23万元" in body and "2024年，我部门机关运行经费共计安排90.03万元" in body
    assert "2023年，我部门运行经费" not in body  # the seed's wrong sentence is replaced
    assert "1、财政拨款收入：指本级财政当年拨付的资金" in body  # 名词解释 as written
    for title in NINE + ["部门机构设置情况", "1、交警专项公用项目经费绩效目标表", "部门政府采购预算", "部门固定资产占用情况表"]:
        assert title in paras, title
    assert len(d.tables) == 1 + 3 + 1 + 1 + 9

    t2 = d.tables[7]  # 收入总表: merged header cells, the 栏次 row, zero blank, amounts right-aligned
    assert [c.text for c in t2.rows[0].cells][:5] == ["序号", "功能分类科目", "功能分类科目", "合计", "本年收入"]
    assert t2.rows[0].cells[4]._tc is t2.rows[0].cells[11]._tc  # 本年收入 spans its eight columns
    assert t2.rows[0].cells[0]._tc.vMerge == "restart"
    assert [c.text for c in t2.rows[2].cells][:4] == ["栏次", "1", "2", "3"]
    total = t2.rows[3].cells
    assert total[3].text == "1573.23" and total[6].text == ""
    assert total[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert t2.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    fonts = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"


def test_document_written_atomically_and_never_over_its_input(tmp_path, sample):
    out = tmp_path / "d.docx"
    render_document(sample, out)
    assert out.read_bytes()[:2] == b"PK" and not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(budgetxl.BudgetxlError):
        render_document(sample, out, inputs=(out,))


def test_document_without_supplement(tmp_path):
    """A facts CSV alone: the generated paragraphs and the nine tables; no unit texts or part tables."""
    import docx

    from budgetxl.facts import read_facts

    render_document(read_facts(FACTS)[0], tmp_path / "d.docx")
    d = docx.Document(tmp_path / "d.docx")
    assert len(d.tables) == 9
    body = "\n".join(p.text for p in d.paragraphs)
    assert "2024年预算收入1573.23万元" in body and "十、其他需要说明的事项" in body


@needs_lo
@needs_poppler
def test_document_pdf(publication, tmp_path):
    """With LibreOffice's Writer: the document's PDF beside the .docx. Without it (Debian's
    libreoffice-calc-nogui alone), render refuses up front with a clear message (exit 2)."""
    res = run("render", ENTRY, "-o", tmp_path / "t.xlsx", "--pdf", tmp_path / "t.pdf", "--docx", tmp_path / "d.docx",
              "--force")
    if not writer_available():
        assert res.exit_code == 2 and "Writer" in res.output and "libreoffice-writer-nogui" in res.output
        assert not list(tmp_path.iterdir())  # nothing written
        return
    assert res.exit_code == 0, res.output
    doc_pdf = pdf_path(tmp_path / "d.docx")
    assert doc_pdf == tmp_path / "d.pdf"
    text = pdf_text(doc_pdf)
    assert "曲阳县公安局交通管理大队2024年部门预算信息公开" in text
    for title in NINE + PARTS[:1] + PARTS[2:]:
        assert title in text, title
    for figure in FIGURES:
        assert figure in text, figure


# ---------------------------------------------------------------------- render checks first
def _unbalanced(tmp_path) -> Path:
    """The sample facts with a 年终结转结余 that nothing funds: 收入总计 ≠ 支出总计."""
    bad = tmp_path / "bad.csv"
    text = FACTS.read_text("utf-8").rstrip("\n") + "\n451,曲阳县公安局交通管理大队,2024,收支总表,,年终结转结余,预算数,10.00\n"
    bad.write_text(text, "utf-8")
    return bad


def test_render_refuses_a_table_error(tmp_path):
    bad = _unbalanced(tmp_path)
    res = run("render", bad, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 1
    assert "H104" in res.output and "budgetxl check" in res.output and "--force" in res.output
    assert not (tmp_path / "o.xlsx").exists()
    res = run("render", bad, "-o", tmp_path / "o.xlsx", "--force")
    assert res.exit_code == 0, res.output
    assert "H104" in res.output and (tmp_path / "o.xlsx").is_file()


def test_render_sample_warnings_do_not_block(tmp_path):
    """The tables alone: warnings and errors in texts the tables do not print do not block."""
    res = run("render", FACTS, "--supplement", SUPPLEMENT, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 0, res.output
    assert len(openpyxl.load_workbook(tmp_path / "o.xlsx").sheetnames) == 15


def test_render_refuses_a_document_printing_wrong_texts(tmp_path):
    """The document prints the unit's own texts as written: an error there (W103, another county's
    name) is listed and stops render like a wrong figure; --force renders and still lists it. An
    error in a generated section (W102 in 机关运行经费) does not block: that text is regenerated."""
    args = ["render", FACTS, "--supplement", SUPPLEMENT, "-o", tmp_path / "o.xlsx", "--docx", tmp_path / "d.docx"]
    res = run(*args)
    assert res.exit_code == 1 and "W103" in res.output and "顺平交警" in res.output
    assert "W102" not in res.output.split("未排版")[0]
    assert not (tmp_path / "d.docx").exists() and not (tmp_path / "o.xlsx").exists()
    res = run(*args, "--force")
    assert res.exit_code == 0 and "W103" in res.output
    assert (tmp_path / "d.docx").is_file()


def test_render_disclosure_text_with_supplement(tmp_path, seed_tables_path):
    res = run("render", seed_tables_path, "--supplement", SUPPLEMENT, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 0, res.output
    assert "部门政府采购预算" in openpyxl.load_workbook(tmp_path / "o.xlsx").sheetnames


def test_render_blocking_selection():
    from budgetxl.check.registry import NUMERIC_GROUPS as RENDER_BLOCKING_GROUPS
    from budgetxl.check.registry import all_rules
    from budgetxl.cli import _render_blocking
    from budgetxl.findings import Finding

    assert _render_blocking(Finding("H104", "error", "x"))
    assert not _render_blocking(Finding("A103", "error", "x"))  # the unit's text, fixed by the narrative
    assert not _render_blocking(Finding("X301", "warning", "x"))
    for rule in all_rules():
        assert _render_blocking(Finding(rule.code, "error", "x")) == (
            rule.group in RENDER_BLOCKING_GROUPS and rule.code != "A103"), rule.code


def test_render_pdf_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(lo, "find_soffice", lambda: None)
    res = run("render", ENTRY, "-o", tmp_path / "o.xlsx", "--pdf", tmp_path / "o.pdf")
    assert res.exit_code == 2
    assert "LibreOffice" in res.output and "libreoffice-calc-nogui" in res.output
    assert not list(tmp_path.iterdir())


def test_supplement_refused_with_a_workbook(tmp_path):
    res = run("render", ENTRY, "--supplement", SUPPLEMENT, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 2 and "--supplement" in res.output


def test_document_pdf_must_not_be_the_tables_pdf(tmp_path):
    res = run("render", ENTRY, "-o", tmp_path / "o.xlsx", "--pdf", tmp_path / "d.pdf", "--docx", tmp_path / "d.docx")
    assert res.exit_code == 2 and "重复" in res.output
