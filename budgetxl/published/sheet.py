"""Read a spreadsheet in an official layout (.xlsx, .xls, .ods) as published: each visible sheet's tables
as grids of cells (merged ranges one cell over the positions they cover), the title and the lines
under it, and the notes below. Values are read by python-calamine; a number stored as a binary
float is read as the shortest decimal that gives it back (what the spreadsheet shows), so a printed
amount keeps its digits. Places are sheet and A1 cell."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

from ..errors import BudgetxlError
from .document import Cell, Document, Place, Table
from .lines import is_caption, is_table_note
from .document import header_count

MAX_BYTES = 50 * 1024 * 1024
MAX_CELLS = 2_000_000


def _a1(r: int, c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return f"{s}{r + 1}"


def _text(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        if v.is_integer():
            return str(int(v))
        return format(Decimal(repr(v)), "f")
    if isinstance(v, int):
        return str(v)
    return str(v).strip()


def read_sheets(path: str | Path) -> Document:
    import python_calamine

    p = Path(path)
    name = str(p)
    if p.stat().st_size > MAX_BYTES:
        raise BudgetxlError(f"{name}：文件超过 {MAX_BYTES // 1024 // 1024} MB，不像一份预算公开文件")
    from ..reader.sheetscan import scan_workbook

    scan = scan_workbook(p, name)  # hostile or absurd files are refused before calamine reads them
    try:
        book = python_calamine.CalamineWorkbook.from_path(name)
    except Exception as e:
        raise BudgetxlError(f"{name}：无法读取工作簿（{type(e).__name__}），文件可能已损坏或加密") from None
    doc = Document(name, p.suffix.lower().lstrip("."))
    for sheet_name in book.sheet_names:
        try:
            sh = book.get_sheet_by_name(sheet_name)
            if sh.height * max(sh.width, 1) > MAX_CELLS:
                raise BudgetxlError(f"{name}：工作表“{sheet_name}”过大（{sh.height} 行 × {sh.width} 列）")
            rows = scan.with_errors(sheet_name, sh.to_python(skip_empty_area=False))
            merged = list(sh.merged_cell_ranges or [])
        except BudgetxlError:
            raise
        except Exception as e:
            raise BudgetxlError(f"{name}：工作表“{sheet_name}”无法读取（{type(e).__name__}）") from None
        _sheet(doc, sheet_name, rows, merged)
    doc.pages = len(book.sheet_names)
    return doc


def _sheet(doc: Document, sheet: str, rows: list[list], merged) -> None:
    texts = [[_text(v) for v in r] for r in rows]
    width = max((len(r) for r in texts), default=0)
    texts = [r + [""] * (width - len(r)) for r in texts]
    span: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for (r0, c0), (r1, c1) in merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                span[(r, c)] = (r0, c0, r1, c1)

    def filled(r):
        return [c for c in range(width) if texts[r][c] and span.get((r, c), (r, c))[:2] == (r, c)]

    i, n = 0, len(texts)
    while i < n:
        # lines above a table: rows with one text (a title, 编制部门…, 单位：元)
        above = []
        while i < n and len(filled(i)) <= 1 and not (above and is_caption(above[-1][0]) and filled(i)):
            if filled(i):
                above.append((texts[i][filled(i)[0]], i))
            i += 1
        while i < n and 2 <= len(filled(i)) <= 4 and any(is_caption(texts[i][c]) for c in filled(i)):
            above.append(("  ".join(texts[i][c] for c in filled(i)), i))
            i += 1
        if i >= n:
            break
        start = i

        def next_title(k):  # a row with one text followed by a caption row: another table begins
            return len(filled(k)) == 1 and k + 1 < n and any(is_caption(texts[k + 1][c]) for c in filled(k + 1))

        def note_row(k):  # "注：…", or a row of one short text saying the table is empty
            first = texts[k][filled(k)[0]] if filled(k) else ""
            return bool(first) and is_table_note(first) and (len(filled(k)) == 1 or bool(re.match(r"^\s*(?:注|说明)\s*[:：]", first)))

        while i < n and not next_title(i) and not note_row(i):
            i += 1
        end = i
        while end > start and not filled(end - 1):
            end -= 1  # blank rows after the table
        t = _table(doc, sheet, texts, span, start, end, width)
        notes = []
        while i < n and filled(i) and len(filled(i)) == 1:
            notes.append(texts[i][filled(i)[0]])
            i += 1
        t.notes = notes
        captions = [a for a in above if is_caption(a[0])]
        titles = [a for a in above if not is_caption(a[0])]
        if titles:
            t.title = titles[-1][0]
            t.title_place = Place(sheet=sheet, cell=_a1(titles[-1][1], 0))
        for text, r in captions:
            t.add_caption(text)
        t.find_year()
        t.printed = [(text, Place(sheet=sheet, cell=_a1(r, 0))) for text, r in (*titles[-1:], *captions)]
        doc.tables.append(t)


def _table(doc, sheet, texts, span, r0, r1, width) -> Table:
    grid: list[list[Cell | None]] = []
    made: dict[tuple[int, int], Cell] = {}
    for r in range(r0, r1):
        row: list[Cell | None] = []
        for c in range(width):
            top = span.get((r, c), (r, c, r, c))
            key = top[:2]
            cell = made.get(key)
            if cell is None:
                tr, tc = key
                text = texts[tr][tc] if tr >= r0 else ""
                cell = Cell(text, max(tr, r0) - r0, tc, (top[2] - max(tr, r0) + 1) if len(top) == 4 else 1,
                            (top[3] - tc + 1) if len(top) == 4 else 1,
                            Place(sheet=sheet, cell=_a1(tr, tc)), raw=text)
                made[key] = cell
            row.append(cell)
        grid.append(row)
    # drop columns no row uses
    used = [c for c in range(width) if any(grid[k][c].text for k in range(len(grid)))]
    if used:
        lo, hi = used[0], used[-1] + 1
        grid = [r[lo:hi] for r in grid]
        for r in grid:
            for c in r:
                if c is not None:
                    c.col = max(0, c.col - lo)
    t = Table(len(doc.tables) + 1, rows=grid)
    t.header_rows = header_count(grid)
    return t
