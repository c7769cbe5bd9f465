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


def read_docx(path: str | Path) -> Document:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    name = str(path)
    p = Path(path)
    if p.stat().st_size > MAX_BYTES:
        raise BudgetxlError(f"{name}：文件超过 {MAX_BYTES // 1024 // 1024} MB，不像一份预算公开文件")
    _check_zip(p, name)  # a zip bomb or a disguised file is refused before python-docx parses it
    try:
        d = docx.Document(str(p))
    except Exception as e:
        raise BudgetxlError(f"{name}：无法读取 Word 文件（{type(e).__name__}），文件可能已损坏或不是 .docx") from None
    doc = Document(name, "docx")
    pending: list[tuple[str, int]] = []
    narrative: list[tuple[str, int]] = []
    n_par = 0
    after_table = False  # paragraphs printed right after the last table (its notes)
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            n_par += 1
            text = DocxParagraph(child, d).text.strip()
            if text and after_table and is_table_note(text):
                doc.tables[-1].notes.append(text)
                doc.tables[-1].printed.append((text, Place(paragraph=n_par)))
                continue
            if text:
                after_table = False
                pending.append((text, n_par))
        elif tag == "tbl":
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
    narrative += pending
    doc.front = [text for text, _ in narrative[:3]]
    for text, k in narrative:
        heading = None
        if HEADING.match(text) and len(text) <= 40 and not text.endswith("。"):
            heading = 2 if re.match(r"^(?:第|[一二三四五六七八九十]+[、.．])", text) else 3
        doc.paragraphs.append(Paragraph(text, Place(paragraph=k), heading, [(text, Place(paragraph=k))]))
    return doc


def _check_zip(p: Path, name: str) -> None:
    import zipfile

    from ..safety import MAX_ENTRIES, MAX_RATIO, MAX_TOTAL_UNCOMPRESSED

    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise BudgetxlError(f"{name}：不是 Word 文档（.docx 应是 zip 压缩包），文件可能已损坏或改了扩展名") from None
    if len(infos) > MAX_ENTRIES:
        raise BudgetxlError(f"{name}：压缩包内文件数 {len(infos)} 过多，疑似恶意文件，拒绝读取")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BudgetxlError(f"{name}：内部文件 {info.filename} 压缩比异常，疑似压缩炸弹，拒绝读取")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise BudgetxlError(f"{name}：解压后总大小过大，疑似压缩炸弹，拒绝读取")
    if not any(i.filename == "word/document.xml" for i in infos):
        raise BudgetxlError(f"{name}：不是 Word 文档（缺少 word/document.xml）")


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
