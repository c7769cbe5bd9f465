"""Read a Word document (.docx, python-docx): its tables and paragraphs in document order. A table's
title and the lines under it are the paragraphs printed just before it; merged cells (a 合计
spanning the code columns, a header spanning columns) are one cell over the grid positions they
cover. Places are paragraph numbers (1-based, counting every paragraph of the body) and table
numbers."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BudgetxlError
from .document import Cell, Document, Paragraph, Place, Table
from .lines import is_caption, is_table_note, join_wrapped
from .document import header_count
from .lines import HEADING

MAX_BYTES = 50 * 1024 * 1024
MAX_CELLS = 200_000  # table cells in the body (a whole disclosure document: a few thousand)
MAX_PARAGRAPHS = 200_000
MAX_COLUMNS = 1_000  # grid columns of one table row (merged cells included)
MAX_DEPTH = 64  # tables inside table cells, and element nesting beyond what a document has
DOC_PART = "word/document.xml"
_FIX = "请在 Word/WPS 中打开后另存为 .docx 再提交，或提供 PDF"


def read_docx(path: str | Path) -> Document:
    """The document, read in a child process with limits on CPU time and memory
    (:func:`budgetxl.safety.run_limited`), after the container's checks."""
    from ..safety import run_limited

    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise BudgetxlError(f"{name}：无法打开文件（{e.strerror}）") from None
    if size > MAX_BYTES:
        raise BudgetxlError(f"{name}：文件超过 {MAX_BYTES // 1024 // 1024} MB，不像一份预算公开文件")
    _check_zip(p, name)  # a zip bomb or a disguised file is refused before python-docx parses it
    return run_limited(_read_docx, p, name, name=name, what="Word 文档")


def _damage(e: BaseException) -> str:
    """What is wrong with a .docx, in Chinese, from what python-docx, lxml or zipfile raised."""
    from ..safety import damage

    text = f"{type(e).__name__} {e}"
    low = text.lower()
    part = re.search(r"(?:named|item|part)\s+'([^']+)'", text)
    if isinstance(e, KeyError) or "no item named" in low or "no relationship" in low:
        return f"缺少必要的内部部件{'（' + part.group(1) + '）' if part else ''}"
    if "content type" in low or "not a word file" in low:
        return "主文档的内容类型不是 Word 文档（可能是其他类型的文件改了扩展名）"
    if "xml" in low or "syntax" in low or type(e).__name__.startswith("XML"):
        return "内部 XML 数据损坏或格式不正确"
    return damage(e)


def _read_docx(p: Path, name: str, progress) -> Document:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    progress(f"部件 {DOC_PART}")
    try:
        d = docx.Document(str(p))
    except Exception as e:
        raise BudgetxlError(f"{name}：无法读取 Word 文件（{_damage(e)}）。{_FIX}") from None
    body = getattr(d.element, "body", None)
    if body is None:  # the main part parsed, but its root is not a w:document (a worksheet, another XML)
        raise BudgetxlError(f"{name}：{DOC_PART} 不是 Word 文档的正文（根元素不是 w:document），"
                            f"文件可能已损坏或被篡改。{_FIX}")
    _check_body(body, name)
    doc = Document(name, "docx")
    pending: list[tuple[str, int]] = []
    narrative: list[tuple[str, int]] = []
    n_par = 0
    after_table = False  # paragraphs printed right after the last table (its notes)
    try:
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                n_par += 1
                progress(f"第{n_par}段")
                text = DocxParagraph(child, d).text.strip()
                if text and after_table and is_table_note(text):
                    doc.tables[-1].notes.append(text)
                    doc.tables[-1].printed.append((text, Place(paragraph=n_par)))
                    continue
                if text:
                    after_table = False
                    pending.append((text, n_par))
            elif tag == "tbl":
                progress(f"第{n_par}段后的表{len(doc.tables) + 1}")
                t = _table(DocxTable(child, d), len(doc.tables) + 1)
                i = len(pending)
                captions = []
                while i > 0 and is_caption(pending[i - 1][0]):
                    i -= 1
                    captions.insert(0, pending[i])
                title = []
                if i > 0 and len(pending[i - 1][0]) <= 60 and not pending[i - 1][0].endswith("。"):
                    i -= 1
                    title = [pending[i]]
                narrative += pending[:i]
                pending = []
                t.title = title[0][0] if title else ""
                t.title_place = Place(paragraph=title[0][1]) if title else Place()
                t.printed = [(text, Place(paragraph=k)) for text, k in (*title, *captions)]
                for text, _ in captions:
                    t.add_caption(text)
                t.find_year()
                doc.tables.append(t)
                after_table = True
    except (BudgetxlError, MemoryError, RecursionError):
        raise
    except Exception as e:  # python-docx on cells and spans that do not fit the grid
        raise BudgetxlError(f"{name}：{DOC_PART} 的{progress}无法读取（{_damage(e)}）。{_FIX}") from None
    narrative += pending
    doc.front = [text for text, _ in narrative[:3]]
    for text, k in narrative:
        heading = None
        if HEADING.match(text) and len(text) <= 40 and not text.endswith("。"):
            heading = 2 if re.match(r"^(?:第|[一二三四五六七八九十]+[、.．])", text) else 3
        doc.paragraphs.append(Paragraph(text, Place(paragraph=k), heading, [(text, Place(paragraph=k))]))
    return doc


def _check_body(body, name: str) -> None:
    """Limits on the body before any table or paragraph is read: the number of cells and
    paragraphs, and how deep tables nest (python-docx reads merged cells recursively)."""
    from docx.oxml.ns import qn

    cells = sum(1 for _ in body.iter(qn("w:tc")))
    if cells > MAX_CELLS:
        raise BudgetxlError(f"{name}：{DOC_PART} 中有 {cells} 个表格单元格，超过 {MAX_CELLS} 个的上限，"
                            "不像一份预算公开文件，拒绝读取")
    paras = sum(1 for _ in body.iter(qn("w:p")))
    if paras > MAX_PARAGRAPHS:
        raise BudgetxlError(f"{name}：{DOC_PART} 中有 {paras} 个段落，超过 {MAX_PARAGRAPHS} 个的上限，"
                            "不像一份预算公开文件，拒绝读取")
    # the grid python-docx builds: every grid column a cell spans is one entry of its row
    span, before, after, val = qn("w:gridSpan"), qn("w:gridBefore"), qn("w:gridAfter"), qn("w:val")
    grid = 0
    for tr in body.iter(qn("w:tr")):
        width = sum(_number(e.get(val)) for tag in (before, after) for e in tr.iter(tag))
        width += sum(_number(s.get(val)) if (s := tc.find(f"{qn('w:tcPr')}/{span}")) is not None else 1
                     for tc in tr.iterchildren(qn("w:tc")))
        if width > MAX_COLUMNS:
            raise BudgetxlError(f"{name}：{DOC_PART} 中有一行表格占 {width} 列，超过 {MAX_COLUMNS} 列的上限"
                                "（合并单元格的跨列数异常），文件可能已损坏或被篡改，拒绝读取")
        grid += width
        if grid > MAX_CELLS:
            raise BudgetxlError(f"{name}：{DOC_PART} 中的表格共占 {grid} 个格子，超过 {MAX_CELLS} 个的上限，"
                                "不像一份预算公开文件，拒绝读取")
    tbl = qn("w:tbl")
    for t in body.iter(tbl):
        depth = sum(1 for a in t.iterancestors(tbl))
        if depth > MAX_DEPTH:
            raise BudgetxlError(f"{name}：{DOC_PART} 中的表格嵌套了 {depth} 层，超过 {MAX_DEPTH} 层的上限，"
                                "文件可能已损坏或被篡改，拒绝读取")


def _number(v) -> int:
    """A grid count as written (python-docx refuses what is not a number, with its own message)."""
    try:
        return max(int(v), 0)
    except (TypeError, ValueError):
        return 1


def _check_zip(p: Path, name: str) -> None:
    import zipfile

    from ..safety import check_members

    try:
        with zipfile.ZipFile(p) as zf:
            names = check_members(zf, name, _FIX, "Word/WPS", ".docx")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise BudgetxlError(f"{name}：不是 Word 文档（.docx 应是 zip 压缩包），文件可能已损坏或改了扩展名") from None
    if DOC_PART not in names:
        raise BudgetxlError(f"{name}：不是 Word 文档（缺少 {DOC_PART}）")


def _table(tbl, index: int) -> Table:
    rows: list[list[Cell | None]] = []
    by_tc: dict = {}
    for r, row in enumerate(tbl.rows):
        out: list[Cell | None] = []
        for c, cell in enumerate(row.cells):  # a merged cell is returned at every position it covers
            key = cell._tc  # the element itself: ids of lxml proxies are reused
            got = by_tc.get(key)
            if got is None:
                lines = [p.text for p in cell.paragraphs]
                got = Cell(join_wrapped(lines), r, c, place=Place(), raw="\n".join(lines))
                by_tc[key] = got
            else:
                got.rowspan = max(got.rowspan, r - got.row + 1)
                got.colspan = max(got.colspan, c - got.col + 1)
            out.append(got)
        rows.append(out)
    t = Table(index, rows=rows)
    t.header_rows = header_count(rows)
    return t
