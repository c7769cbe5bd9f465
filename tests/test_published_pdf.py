"""The PDF reader proved against an independent second reading of the same pages.

``pdftotext -layout`` (poppler, not pdfminer) prints each page as laid out. For every page of every
document in ../shared/realdocs/ (and of a PDF made here with LibreOffice, for fresh clones):

* the numbers budgetxl reads on the page (table cells, the lines around tables, the narrative and
  the margins it leaves out) are, as a multiset, exactly the numbers pdftotext prints there;
* each table row's numbers, left to right, are printed in that order on one line of the page (or, where
  pdftotext sets a row's cells at different heights, all of them within five consecutive lines);
* each figure's exact value equals pdftotext's token read independently with Decimal.

No expected number is typed by hand: both sides are readings of the same file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from budgetxl.published.pdf import read_pdf

REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"
PDFS = sorted(REALDOCS.glob("*.pdf")) if REALDOCS.is_dir() else []
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

# numbers as printed: with thousands separators, decimals or neither
_TOKEN = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])\d+(?:\.\d+)?(?![\d])")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def pdftotext_pages(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True, timeout=120).stdout.decode("utf-8")
    return [page.splitlines() for page in out.split("\f")]


def _prove(path: Path) -> dict:
    doc = read_pdf(path)
    pages = pdftotext_pages(path)
    # 1. the numbers of each page, as multisets
    mine: dict[int, Counter] = {}
    for text, place in doc.printed_texts():
        mine.setdefault(place.page, Counter()).update(tokens(text))
    problems = []
    for pg in range(1, doc.pages + 1):
        theirs = Counter(t for line in pages[pg - 1] for t in tokens(line))
        ours = mine.get(pg, Counter())
        if ours != theirs:
            problems.append(f"page {pg}: only budgetxl {dict(ours - theirs)}, only pdftotext {dict(theirs - ours)}")
    # 2. + 3. each row's numbers in order on one printed line, values exact
    rows = figures = split_rows = 0
    for t in doc.tables:
        for i in range(t.header_rows, len(t.rows)):
            cells, seen = [], set()
            for c in t.rows[i]:  # the cells that begin on this row (a cell spanning rows is printed once)
                if c is not None and id(c) not in seen and c.row == i:
                    seen.add(id(c))
                    cells.append(c)
            seq = [tok for c in cells if c.rowspan == 1 for tok in tokens(c.text)]
            if not seq:
                continue
            rows += 1
            page = cells[0].place.page
            lines = [tokens(line) for line in pages[page - 1]]
            hit = next((ln for ln in lines if any(ln[i:i + len(seq)] == seq for i in range(len(ln) - len(seq) + 1))), None)
            if hit is None:
                # a row whose cells are set at different heights is printed over a few lines (up to five)
                want = Counter(seq)
                near = any(not (want - Counter(t for ln in lines[k:k + 5] for t in ln)) for k in range(len(lines)))  # noqa: E501
                if not near:
                    problems.append(f"table {t.index} page {page}: row {seq} not printed within five lines")
                    continue
                split_rows += 1
            for c in cells:
                f = c.figure
                if f is not None and not f.blank and not f.zero_mark:
                    assert f.value == Decimal(tokens(c.text)[0].replace(",", "")), (c.text, f)
                    assert f.places == (len(f.text.split(".")[1]) if "." in f.text else 0)
                    figures += 1
    assert not problems, f"{path.name}:\n" + "\n".join(problems[:40])
    return {"pages": doc.pages, "tables": len(doc.tables), "rows": rows, "split_rows": split_rows, "figures": figures}


@needs_pdftotext
@pytest.mark.skipif(not PDFS, reason="../shared/realdocs not present")
@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_every_figure_against_pdftotext(path):
    got = _prove(path)
    assert got["tables"] > 0 and got["figures"] > 0


# ---------------------------------------------------------------- a PDF made here (fresh clones)
def _make_workbook(path: Path, seed: int = 7):
    """An official-layout table as a spreadsheet program prints it: title, the lines under it, a
    three-row header with merged cells, 类|款|项 code columns, amounts with thousands separators,
    a wrapped name, a 合计 row whose label spans the code columns, long enough for two pages with
    the header repeated. Returns the body as written: [(codes, name, [Decimal …])]."""
    import random

    import xlsxwriter

    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("表")
    b = {"border": 1, "valign": "vcenter", "font_name": "Noto Sans CJK SC", "font_size": 10}
    cell = wb.add_format(b)
    wrap = wb.add_format({**b, "text_wrap": True})
    head = wb.add_format({**b, "align": "center", "text_wrap": True})
    money = wb.add_format({**b, "num_format": "#,##0.00"})
    plain = wb.add_format({"font_name": "Noto Sans CJK SC", "font_size": 10})
    title = wb.add_format({"font_name": "Noto Sans CJK SC", "font_size": 16, "align": "center"})
    ws.set_column(0, 2, 5)
    ws.set_column(3, 3, 16)
    ws.set_column(4, 6, 14)
    ws.merge_range(0, 0, 0, 6, "2031年部门测试支出预算表", title)
    ws.write_string(1, 0, "编制部门：测试市测试局", plain)
    ws.write_string(1, 6, "单位：元", plain)
    ws.merge_range(2, 0, 2, 3, "项目", head)
    ws.merge_range(2, 4, 2, 6, "支出预算", head)
    ws.merge_range(3, 0, 3, 2, "功能分类科目编码", head)
    ws.merge_range(3, 3, 4, 3, "功能分类科目名称", head)
    for j, h in enumerate(["合计", "基本支出", "项目支出"]):
        ws.merge_range(3, 4 + j, 4, 4 + j, h, head)
    for j, h in enumerate(["类", "款", "项"]):
        ws.write_string(4, j, h, head)
    body = []
    r = 5
    for k in range(70):
        codes = (str(201 + k // 10), f"{k % 10 + 1:02d}", f"{k % 7 + 1:02d}")
        basic = Decimal(rnd.randrange(0, 10**9)) / 100
        project = Decimal(rnd.randrange(0, 10**8)) / 100
        name = "测试科目" + "很长的名称需要换行显示" * (k % 9 == 0) + str(k)
        if k % 9 == 0:
            ws.set_row(r, 40)  # room for the wrapped name (xlsxwriter does not fit row heights)
        vals = [basic + project, basic, project]
        for j, c in enumerate(codes):
            ws.write_string(r, j, c, cell)
        ws.write_string(r, 3, name, wrap)
        for j, v in enumerate(vals):
            ws.write_number(r, 4 + j, float(v), money)  # 2 decimals, exact in binary up to 10**9
        body.append((codes, name, vals))
        r += 1
    ws.merge_range(r, 0, r, 3, "合计", head)
    totals = [sum((row[2][j] for row in body), Decimal(0)) for j in range(3)]
    for j, v in enumerate(totals):
        ws.write_number(r, 4 + j, float(v), money)
    body.append((None, "合计", totals))
    ws.repeat_rows(2, 4)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    wb.close()
    return body


@pytest.fixture(scope="module")
def made_pdf(tmp_path_factory):
    from budgetxl import lo

    if lo.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    d = tmp_path_factory.mktemp("madepdf")
    body = _make_workbook(d / "t.xlsx")
    lo.convert(d / "t.xlsx", d / "t.pdf", "pdf")
    return d / "t.pdf", body


@needs_pdftotext
def test_made_pdf_against_pdftotext(made_pdf):
    path, _ = made_pdf
    got = _prove(path)
    assert got["tables"] == 1 and got["pages"] >= 2


def test_made_pdf_read_exactly(made_pdf):
    path, body = made_pdf
    doc = read_pdf(path)
    assert len(doc.tables) == 1, [t.title for t in doc.tables]
    t = doc.tables[0]
    assert len(t.pages) >= 2  # continued over pages, joined, the repeated header dropped
    assert t.title == "2031年部门测试支出预算表" and t.unit == "元" and t.org == "测试市测试局" and t.year == 2031
    assert t.column_paths() == [("项目", "功能分类科目编码", "类"), ("项目", "功能分类科目编码", "款"),
                                ("项目", "功能分类科目编码", "项"), ("项目", "功能分类科目名称"),
                                ("支出预算", "合计"), ("支出预算", "基本支出"), ("支出预算", "项目支出")]
    rows = [r for r in t.body() if any(c is not None and c.text for c in r)]
    assert len(rows) == len(body)
    for r, (codes, name, vals) in zip(rows, body):
        if codes is None:  # the 合计 label spans the code and name columns: one cell
            assert r[0] is r[3] and r[0].text == name and r[0].colspan == 4
        else:
            assert tuple(c.text for c in r[:3]) == codes
            assert r[3].text == name  # wrapped over lines, joined
        got = [r[4 + j].figure for j in range(3)]
        assert [f.value for f in got] == vals and all(f.places == 2 for f in got)


def _blank_pdf(path: Path) -> None:
    """A one-page PDF with nothing drawn on it (what a scan is to a text reader)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def test_no_text_layer_is_refused(tmp_path):
    from budgetxl.errors import BudgetxlError

    p = tmp_path / "scan.pdf"
    _blank_pdf(p)
    with pytest.raises(BudgetxlError, match="没有文字层"):
        read_pdf(p)


def test_broken_pdf_is_refused(tmp_path):
    from budgetxl.errors import BudgetxlError

    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(BudgetxlError):
        read_pdf(p)
