"""Print quality of every PDF budgetxl makes: Simplified-Chinese fonts, legible type, tables that
keep their headers.

What the PDFs are checked against:

* ``pdffonts`` (poppler) lists the embedded fonts. The Noto CJK collections share one set of
  outlines between their regional faces, so LibreOffice embeds every face under the outline
  set's name (``NotoSerifCJKjp-…``) whichever face it used; the name tells the family (serif or
  sans, Noto CJK or DejaVu), not the region.
* The region is told by the glyphs: each embedded glyph is named by its CID (``cid9968``), the
  PDF's ToUnicode map says which character it draws, and the SC and JP faces' own cmaps (read
  with fontTools from the installed collection) say which CID each region draws for that
  character. Where the two regions differ, the PDF must hold the SC glyph.
* pdfplumber gives every character's printed size.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

import budgetxl
from budgetxl import lo
from budgetxl.render.document import render_document, writer_available
from budgetxl.render.official import render_official

CI = bool(os.environ.get("CI"))
needs_tools = pytest.mark.skipif(
    (lo.find_soffice() is None or shutil.which("pdffonts") is None or shutil.which("fc-match") is None) and not CI,
    reason="LibreOffice, poppler-utils and fontconfig needed (CI installs them and never skips)")
MIN_PT = 9.0


def pdffonts(pdf: Path) -> list[str]:
    """Names of the fonts embedded in ``pdf`` (subset prefix dropped), as pdffonts lists them."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
    rows = out.splitlines()[2:]
    return [row.split()[0].split("+", 1)[-1] for row in rows if row.strip()]


def face_cmap(family: str, style: str = "Regular") -> dict[int, int]:
    """Character → CID of an installed face (as fontconfig finds it), from its own cmap."""
    from fontTools.ttLib import TTFont

    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", f"{family}:style={style}"],
                           capture_output=True, text=True, check=True).stdout.split("\n")
    assert family in found[2].split(","), f"{family} not installed (fonts-noto-cjk)"
    font = TTFont(found[0], fontNumber=int(found[1]), lazy=True)
    return {u: int(name[3:]) for u, name in font.getBestCmap().items() if name.startswith("cid")}


def embedded_glyphs(pdf: Path) -> dict[str, dict[str, int]]:
    """For each embedded CJK font: character → CID of the glyph the PDF draws for it."""
    from pdfminer.cmapdb import CMapParser, FileUnicodeMap
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    out: dict[str, dict[str, int]] = {}
    with open(pdf, "rb") as f:
        doc = PDFDocument(PDFParser(f))
        for xref in doc.xrefs:
            for objid in xref.get_objids():
                try:
                    obj = resolve1(doc.getobj(objid))
                except Exception:  # free or broken entries: not fonts
                    continue
                if not isinstance(obj, dict) or "ToUnicode" not in obj or "FontDescriptor" not in obj:
                    continue
                program = resolve1(resolve1(obj["FontDescriptor"]).get("FontFile"))
                if program is None:
                    continue
                # The clear-text header of an embedded Type 1 font: its encoding, code -> glyph.
                header = program.get_data().split(b"eexec")[0].decode("latin-1")
                encoding = {int(code): int(cid) for code, cid in re.findall(r"dup (\d+) /cid(\d+) put", header)}
                cmap = FileUnicodeMap()
                CMapParser(cmap, BytesIO(resolve1(obj["ToUnicode"]).get_data())).run()
                chars = out.setdefault(str(obj["BaseFont"]).strip("/'").split("+", 1)[-1], {})
                for code, cid in encoding.items():
                    try:
                        chars[cmap.get_unichr(code)] = cid
                    except KeyError:
                        pass
    return out


def char_sizes(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, size, text of the line) of every character printed smaller than MIN_PT."""
    import pdfplumber

    small = []
    with pdfplumber.open(pdf) as doc:
        for n, page in enumerate(doc.pages, start=1):
            for ch in page.chars:
                if ch["size"] < MIN_PT - 0.05 and ch["text"].strip():
                    small.append((n, round(ch["size"], 1), ch["text"]))
    return small


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The sample's complete set of tables and its document, printed by LibreOffice."""
    d = tmp_path_factory.mktemp("print")
    b = budgetxl.load_sample()
    render_official(b, d / "表.xlsx", parts=True)
    out = {"tables": lo.convert(d / "表.xlsx", d / "表.pdf")}
    if writer_available() or CI:
        render_document(b, d / "文档.docx")
        out["document"] = lo.convert(d / "文档.docx", d / "文档.pdf")
    return out


def _pdf(pdfs, which):
    if which not in pdfs:
        pytest.skip("LibreOffice Writer not installed")
    return pdfs[which]


@needs_tools
@pytest.mark.parametrize("which", ["tables", "document"])
def test_fonts_are_noto_cjk_and_never_dejavu(pdfs, which):
    """宋体 prints as Noto Serif CJK, 黑体 as Noto Sans CJK; no Latin fallback font for digits."""
    names = pdffonts(_pdf(pdfs, which))
    assert names
    assert all(re.match(r"Noto(Serif|Sans)CJK", n) for n in names), names
    assert any(n.startswith("NotoSerifCJK") for n in names), names  # the 宋体 text
    if which == "document":
        assert any(n.startswith("NotoSansCJK") and "Bold" in n for n in names), names  # 黑体 headings


@needs_tools
@pytest.mark.parametrize("which", ["tables", "document"])
def test_glyphs_are_simplified_chinese(pdfs, which):
    glyphs = embedded_glyphs(_pdf(pdfs, which))
    assert glyphs
    checked = 0
    for font, chars in glyphs.items():
        family = "Noto Serif CJK" if font.startswith("NotoSerif") else "Noto Sans CJK"
        style = "Bold" if "Bold" in font else "Regular"
        sc, jp = face_cmap(f"{family} SC", style), face_cmap(f"{family} JP", style)
        for ch, cid in chars.items():
            if len(ch) != 1 or ord(ch) < 0x2E80:
                continue
            assert cid == sc.get(ord(ch)), f"{font}: {ch} drawn as CID {cid}, the SC face has {sc.get(ord(ch))}"
            checked += sc.get(ord(ch)) != jp.get(ord(ch))
    assert checked >= 20  # enough characters whose SC and JP forms differ to tell the two apart


@needs_tools
@pytest.mark.parametrize("which", ["tables", "document"])
def test_no_text_under_9_pt(pdfs, which):
    small = char_sizes(_pdf(pdfs, which))
    assert not small, f"{len(small)} characters under {MIN_PT} pt, e.g. {small[:5]}"


def test_font_replacement_table():
    families = {"Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"}
    table = lo.font_replacements(families)
    assert table["宋体"] == table["SimSun"] == "Noto Serif CJK SC"
    assert table["黑体"] == table["SimHei"] == "Noto Sans CJK SC"
    assert "宋体" not in lo.font_replacements(families | {"宋体", "SimSun"})  # the real one is used
    assert lo.font_replacements({"DejaVu Sans"}) == {}  # no stand-in installed: nothing replaced
    assert lo.font_replacements(None) == {}
    xcu = lo._xcu(table)
    assert "<value>宋体</value>" in xcu and "<value>Noto Serif CJK SC</value>" in xcu
    assert "DefaultLocale_CJK" in xcu and "zh-CN" in xcu
    import xml.dom.minidom

    xml.dom.minidom.parseString(xcu.encode("utf-8"))  # well-formed


# ---------------------------------------------------------------------- the Word document
def page_texts(pdf: Path) -> list[str]:
    """Each page's text (pdftotext -layout), white space runs kept as single spaces."""
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8")
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_tools
def test_toc_page_numbers_are_where_the_headings_are(pdfs):
    """Every 目录 line ends in a page number, and that page is the first after the 目录 where
    the heading (or table title) is printed."""
    pages = page_texts(_pdf(pdfs, "document"))
    toc_at = next(i for i, p in enumerate(pages) if "目录" in _squash(p))
    entries = re.findall(r"^\s*(\S.*?)\s*\.{4,}\s*(\d+)\s*$", pages[toc_at], re.M)
    spec = budgetxl.load_sample().profile.parts["document"]
    assert len(entries) == 2 + len(spec["sections"]) + 9, pages[toc_at]
    for title, number in entries:
        title = re.sub(r"^\d+、", "", _squash(title))  # the nine tables are listed numbered, printed without
        found = next((i for i in range(toc_at + 1, len(pages)) if title in _squash(pages[i])), None)
        assert found is not None, title
        assert int(number) == found + 1, f"目录 says {title} is on page {number}, it is on page {found + 1}"


def test_docx_tables_repeat_headers_and_rows_do_not_split(tmp_path):
    import docx
    from docx.oxml.ns import qn

    b = budgetxl.load_sample()
    render_document(b, tmp_path / "d.docx")
    doc = docx.Document(tmp_path / "d.docx")
    tables = doc.tables
    assert len(tables) == 1 + len(b.supplement["projects"]) + 1 + 1 + 9
    for t in tables:
        rows = [r._tr.trPr for r in t.rows]
        assert all(pr is not None and pr.find(qn("w:cantSplit")) is not None for pr in rows)
        assert rows[0].find(qn("w:tblHeader")) is not None  # every table repeats its first row(s)
        flags = [pr.find(qn("w:tblHeader")) is not None for pr in rows]
        assert flags == sorted(flags, reverse=True)  # header rows only at the top
    # a 项目绩效目标表 is kept on one page where it fits: every row but the last keeps with the next
    for t in tables[1:1 + len(b.supplement["projects"])]:
        kept = [all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs) for r in t.rows]
        assert all(kept[:-1]) and not kept[-1]
    # and the Word user gets the 目录's page numbers computed on opening
    assert doc.settings.element.find(qn("w:updateFields")) is not None


@needs_tools
def test_project_tables_do_not_break_from_their_title(pdfs):
    """In the document's PDF each 项目绩效目标表 is printed whole on the page of its title."""
    b = budgetxl.load_sample()
    pages = [_squash(p) for p in page_texts(_pdf(pdfs, "document"))]
    item = b.profile.parts["projects"]["print"]["item_title"]
    from budgetxl.render.parts import fill

    for i, rec in enumerate(b.supplement["projects"], start=1):
        title = _squash(fill(item, b, index=i, name=rec["name"]))
        at = [n for n, p in enumerate(pages) if title in p and "目录" not in p]
        assert at, title
        last = _squash(rec["indicators"][-1]["level3"])
        assert last in pages[at[0]], f"{title}: its last indicator is not on its page"


# ---------------------------------------------------------------------- the entry template
@pytest.fixture(scope="module")
def template_pdf(tmp_path_factory):
    from budgetxl.template import write_template

    d = tmp_path_factory.mktemp("entry")
    write_template(budgetxl.load_sample(), d / "e.xlsx")
    return d / "e.xlsx", lo.convert(d / "e.xlsx", d / "e.pdf")


@needs_tools
def test_template_prints_legibly_and_its_guide_whole(template_pdf):
    from budgetxl.template.guide import guide_lines

    xlsx, pdf = template_pdf
    small = char_sizes(pdf)
    assert not small, f"{len(small)} characters under {MIN_PT} pt, e.g. {small[:5]}"
    pages = [_squash(p) for p in page_texts(pdf)]
    b = budgetxl.load_sample()
    for line in guide_lines(b):
        assert _squash(line) in pages[0], f"填报说明 cut off: {line[:30]}…"


def test_template_procurement_header_merged_and_high_enough(tmp_path):
    import openpyxl

    from budgetxl.render.official import text_lines
    from budgetxl.template import write_template
    from budgetxl.template import layout as L

    b = budgetxl.load_sample()
    write_template(b, tmp_path / "e.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx")[L.part_sheet(b.profile, "procurement")]
    fields = b.profile.parts["procurement"]["fields"]
    merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    c = 1
    while c <= len(fields):
        group = fields[c - 1].get("group")
        span = 1
        while group and c + span <= len(fields) and fields[c + span - 1].get("group") == group:
            span += 1
        if group:  # the group's name once, across its columns, over the headers of row 4
            assert ws.cell(3, c).value == group
            if span > 1:
                assert (merged[(3, c)].max_row, merged[(3, c)].max_col) == (3, c + span - 1)
            assert all(ws.cell(3, k).value is None for k in range(c + 1, c + span))
        else:  # an ungrouped header over both header rows
            assert (merged[(3, c)].max_row, merged[(3, c)].max_col) == (4, c)
        c += span
    for r in (3, 4):  # every wrapped header has the lines it needs
        height = ws.row_dimensions[r].height
        for k in range(1, len(fields) + 1):
            text = ws.cell(r, k).value
            rng = merged.get((r, k))
            if not text or (rng is not None and rng.max_row > r):
                continue
            width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
                        for j in range(k, (rng.max_col if rng else k) + 1))
            assert height >= 13.5 * text_lines(text, width - 0.7), (r, text)


# ---------------------------------------------------------------------- the consolidation charts
@pytest.fixture(scope="module")
def consolidated(tmp_path_factory):
    import shutil as sh

    from click.testing import CliRunner

    from budgetxl.cli import main

    from .conftest import REPO

    d = tmp_path_factory.mktemp("cons")
    (d / "in").mkdir()
    sh.copy(REPO / "samples" / "451_2024" / "entry.xlsx", d / "in" / "451.xlsx")
    res = CliRunner().invoke(main, ["consolidate", str(d / "in"), "-o", str(d / "汇总.xlsx"), "--quiet"])
    assert res.exit_code == 0, res.output
    return d / "汇总.xlsx"


def test_summary_charts_inside_the_print_area_and_between_page_breaks(consolidated):
    """Each chart on the summary sheet is anchored inside the print area, in the printed columns,
    starting right after a page break and ending before the next one; the sheet fits one page
    wide."""
    import openpyxl

    ws = openpyxl.load_workbook(consolidated)["汇总说明"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    area = ws.print_area
    assert area, "no print area"
    last_col = openpyxl.utils.column_index_from_string(re.findall(r"\$([A-Z]+)\$\d+", area)[-1])
    last_row = int(re.findall(r"\$(\d+)", area)[-1])
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # a break after row id (1-based)
    assert ws._charts
    for chart in ws._charts:
        start, end = chart.anchor._from, chart.anchor.to  # 0-based rows and columns of its corners
        assert start.row in breaks, "a chart must start a page"  # break id n: a page starts at row n+1
        nxt = [b for b in breaks if b > start.row]
        assert end.row < (nxt[0] if nxt else last_row), "a chart runs into the next page"
        assert start.col >= 0 and end.col < last_col, "a chart outside the printed columns"


@needs_tools
def test_summary_charts_print_whole(consolidated, tmp_path):
    """In the PDF of the consolidation, a chart's title and all its category labels are on one
    page, and the pages of the summary sheet are as wide as the paper allows (fit to width)."""
    pdf = lo.convert(consolidated, tmp_path / "汇总.pdf")
    pages = [_squash(p) for p in page_texts(pdf)]
    b = budgetxl.load_sample()
    roles = b.profile.roles
    t1 = b.profile.tables[roles.table_id("summary")]
    classes = [it.label for it in t1.items.values()
               if it.class_code and b.value(t1, it.key, t1.item_columns(it)[0].key)]
    for title, labels in (("支出按功能分类（类）", classes),
                          ("基本支出与项目支出", [roles.headline_entry(k).name for k in ("basic", "project")])):
        at = [i for i, p in enumerate(pages) if _squash(title) in p]
        assert at, title
        page = pages[at[-1]]
        missing = [lab for lab in labels if _squash(lab) not in page]
        assert not missing, f"{title}: {missing} not on the chart's page"


@needs_tools
def test_consolidation_list_sheets_print_landscape_one_page_wide_headers_repeated(consolidated, tmp_path):
    """单位明细, 清单, 审核问题 and 数据 print on A4 landscape at a legible size, every column on the
    page (fit to width) and the header row at the top of every page."""
    import openpyxl

    from budgetxl.consolidate import MANIFEST_HEADER
    from budgetxl.factrows import FACT_COLUMNS

    wb = openpyxl.load_workbook(consolidated)
    heads = {name: [c.value for c in wb[name][1]] for name in ("单位明细", "清单", "审核问题", "数据")}
    assert heads["清单"] == MANIFEST_HEADER and heads["数据"] == FACT_COLUMNS
    for name in heads:
        ws = wb[name]
        assert ws.print_title_rows == "$1:$1" and ws.page_setup.paperSize in (9, "9"), name
    pdf = lo.convert(consolidated, tmp_path / "汇总.pdf")
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        pages = [(p.width > p.height, _squash(p.extract_text() or ""), p.chars) for p in doc.pages]
    facts = sum(1 for _ in wb["数据"].iter_rows(min_row=2))
    for name, labels in heads.items():
        first = _squash("".join(labels))  # the header row printed whole, in order, heads the page
        mine = [(landscape, chars) for landscape, text, chars in pages if text.startswith(first)]
        assert mine, f"{name}: no page starts with its whole header row"
        for landscape, chars in mine:
            assert landscape, name
            small = [c["text"] for c in chars if c["size"] < MIN_PT - 0.05 and c["text"].strip()]
            assert not small, f"{name}: {len(small)} characters under {MIN_PT} pt"
        if name == "数据":
            assert facts > 40 and len(mine) >= 2, "the facts run over pages, each under the header"


# ---------------------------------------------------------------------- the annotated workbook
def test_annotated_findings_sheet_numbers_and_one_page_wide(tmp_path):
    from decimal import Decimal

    import openpyxl

    from budgetxl.check import all_rules
    from budgetxl.check.report import annotate
    from budgetxl.check.runner import check_file
    from budgetxl.render.page import usable_units

    from .conftest import REPO

    entry = REPO / "samples" / "451_2024" / "entry.xlsx"
    (result,) = check_file(entry, all_rules())
    numeric = [f for f in result.findings if isinstance(f.difference, Decimal)]
    assert numeric, "the sample has findings with figures"
    annotate(entry, result.findings, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["审核结果"]
    heads = [c.value for c in ws[1]]
    cols = [heads.index(h) for h in ("应为", "实为", "差额", "容差")]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(result.findings)
    for f, row in zip(result.findings, rows):
        for k, value in zip(cols, (f.expected, f.actual, f.difference, f.tolerance)):
            cell = row[k]
            if isinstance(value, Decimal):
                assert cell.data_type == "n" and Decimal(str(cell.value)) == value, (f.code, cell.value)
            assert not (isinstance(cell.value, str) and cell.value.startswith("'")), cell.value
    ps = ws.page_setup
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth in (None, 1) and ps.fitToHeight == 0
    assert ps.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, len(heads) + 1)]
    assert sum(widths) <= usable_units(True)  # fit to width at a legible scale
    assert all(r[2].alignment.wrap_text for r in rows)


@needs_tools
def test_consolidation_pdf_fonts(consolidated, tmp_path):
    """The consolidation printed (its charts included) uses the Noto CJK faces only."""
    names = pdffonts(lo.convert(consolidated, tmp_path / "汇总.pdf"))
    assert names and all(re.match(r"Noto(Serif|Sans)CJK", n) for n in names), names


@needs_tools
def test_document_codes_and_amounts_never_wrap(pdfs):
    """Each 款 and 项 code of the nine tables prints as one word in the document's PDF (a too
    narrow column breaks 2069999 into 206999 / 9)."""
    import pdfplumber

    b = budgetxl.load_sample()
    wanted = set()
    for t in b.profile.ordered:
        if t.coded:
            wanted |= {code for code in b.codes(t) if len(code) > 3}
    with pdfplumber.open(_pdf(pdfs, "document")) as doc:
        words = {w["text"] for page in doc.pages for w in page.extract_words()}
    missing = sorted(w for w in wanted if w not in words)
    assert not missing, f"printed broken over lines: {missing[:10]}"
