"""The official, print-ready disclosure workbook: one sheet per table, in the official layout.

Everything about the layout comes from the profile through :mod:`budgetxl.layout` (the nine
tables) and :mod:`budgetxl.render.parts` (机构设置, 项目绩效目标表, 政府采购, 固定资产, declared in
``parts.toml``); this module only decides how it looks (fonts, borders, widths, print setup).
Every value is computed from the inputs; zero is printed as a blank cell, amounts as
``#,##0.00``; text is always written as text (never a formula).
"""

from __future__ import annotations

from pathlib import Path

from ..fileio import atomic_path
from ..layout import data_rows, header_cells, lanci_row
from ..model import UnitBudget
from ..spec import Table

from .page import (FONT, FONT_SIZE, WIDTH, WORKBOOK_OPTIONS, PagePlan, amount_width, column_width,  # noqa: F401
                   display_width, plan, text_lines)
from . import page as _page

SAFE_OPTIONS = WORKBOOK_OPTIONS
TEXT_FLOOR = 14  # how narrow a wrapping text column may become to fit the page
LINE_PT = 13.5  # height of one wrapped line of 10-pt text


def table_values(table: Table, budget: UnitBudget) -> list[list]:
    """The amounts each printed column of ``table`` shows for ``budget``."""
    out: list[list] = [[] for _ in table.grid]
    for slots in data_rows(table, budget):
        for c, slot in enumerate(slots):
            if slot.kind == "value":
                out[c].append(budget.cell_value(slot.key))
    return out


def table_page(table: Table, budget: UnitBudget) -> PagePlan:
    """Column widths and print setup of one of the tables: text columns may wrap down to
    :data:`TEXT_FLOOR`, amount columns never narrower than their widest amount."""
    values = table_values(table, budget)
    widths = [column_width(g, v) for g, v in zip(table.grid, values)]
    floors = [TEXT_FLOOR if g.kind in ("name", "label") else amount_width(v) if g.kind == "value" else w
              for g, v, w in zip(table.grid, values, widths)]
    labels = next((i for i, g in enumerate(table.grid) if g.kind == "value"), 0)
    return plan(widths, floors, label_cols=labels)


class Styles:
    def __init__(self, wb):
        base = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}
        box = {**base, "border": 1}
        self.title = wb.add_format({**base, "font_size": 16, "bold": True, "align": "center"})
        self.unit = wb.add_format({**base, "align": "left"})
        self.year = wb.add_format({**base, "align": "center"})
        self.money_unit = wb.add_format({**base, "align": "right"})
        self.header = wb.add_format({**box, "bold": True, "align": "center", "text_wrap": True})
        self.lanci = wb.add_format({**box, "align": "center"})
        self.seq = wb.add_format({**box, "align": "center"})
        self.code = wb.add_format({**box, "align": "left", "num_format": "@"})
        self.text = wb.add_format({**box, "align": "left", "text_wrap": True})
        self.indent = [wb.add_format({**box, "align": "left", "indent": n, "text_wrap": True}) for n in range(4)]
        self.money = wb.add_format({**box, "align": "right", "num_format": "#,##0.00"})
        self.money_bold = wb.add_format({**box, "align": "right", "num_format": "#,##0.00", "bold": True})
        self.blank = wb.add_format(box)
        self.note = wb.add_format({**base, "align": "left"})
        self.label = wb.add_format({**box, "align": "center", "text_wrap": True})
        self.label_bold = wb.add_format({**box, "align": "center", "text_wrap": True, "bold": True})
        self.label_left = [wb.add_format({**box, "align": "left", "indent": n, "text_wrap": True}) for n in range(4)]
        self.label_left_bold = wb.add_format({**box, "align": "left", "text_wrap": True, "bold": True})
        self.number = wb.add_format({**box, "align": "right"})
        self.number_bold = wb.add_format({**box, "align": "right", "bold": True})


def write_table_block(ws, styles: Styles, table: Table, budget: UnitBudget, top: int,
                      widths: list[float] | None = None) -> tuple[int, int]:
    """Write one official table on ``ws`` starting at row ``top`` (title, unit line, header rows,
    栏次 if the profile prints one, data rows, the note of an empty table), its columns ``widths``
    wide (for the row heights of wrapped text). Returns (next free row, last header row: the 栏次
    row, or the last header row when there is none)."""
    grid = table.grid
    ncol = len(grid)
    if widths is None:
        widths = table_page(table, budget).widths
    profile = budget.profile
    ws.merge_range(top, 0, top, ncol - 1, profile.printed_title(table, budget.year), styles.title)
    ws.set_row(top, 30)
    year_line = profile.year_line.format(year=budget.year)
    left_end = max(0, (ncol // 2 - 1) if year_line else ncol - 2)
    if left_end > 0:
        ws.merge_range(top + 1, 0, top + 1, left_end, budget.label, styles.unit)
    else:
        ws.write_string(top + 1, 0, budget.label, styles.unit)
    if year_line:
        year_first, year_last = ncol // 2, max(ncol // 2, ncol - 2)  # merged, so it is never clipped
        if year_last > year_first and year_first > left_end:
            ws.merge_range(top + 1, year_first, top + 1, year_last, year_line, styles.year)
        else:
            ws.write_string(top + 1, year_first, year_line, styles.year)
    ws.write_string(top + 1, ncol - 1, f"单位：{table.money_unit}", styles.money_unit)

    head = top + 2
    heights: dict[int, float] = {}
    for h in header_cells(table):
        if h.row == h.last_row:
            lines = text_lines(h.text, sum(widths[h.col: h.last_col + 1]))
            heights[h.row] = max(heights.get(h.row, 15.0), LINE_PT * lines + 4)
    for level, height in heights.items():
        ws.set_row(head + level, height)
    for h in header_cells(table):
        r0, c0, r1, c1 = head + h.row, h.col, head + h.last_row, h.last_col
        if (r0, c0) == (r1, c1):
            ws.write_string(r0, c0, h.text, styles.header)
        else:
            ws.merge_range(r0, c0, r1, c1, h.text, styles.header)
    lanci_at = head + table.header_depth
    lanci = lanci_row(table)
    for c, text in enumerate(lanci):
        ws.write_string(lanci_at, c, text, styles.lanci)

    r = lanci_at + 1 if lanci else lanci_at
    rows = data_rows(table, budget)
    for i, slots in enumerate(rows):
        total_row = table.coded and i == (len(rows) - 1 if table.total_last else 0)
        lines = max((text_lines(slot.text, widths[c]) for c, slot in enumerate(slots)
                     if slot.kind in ("name", "label") and slot.text), default=1)
        if lines > 1:  # a wrapped name: the row as high as its lines (Excel does not grow it on open)
            ws.set_row(r, LINE_PT * lines + 4)
        for c, slot in enumerate(slots):
            if slot.kind == "value":
                v = budget.cell_value(slot.key)
                if v == 0:
                    ws.write_blank(r, c, None, styles.blank)
                else:
                    ws.write_number(r, c, float(v), styles.money_bold if total_row else styles.money)
            elif slot.kind == "seq":
                ws.write_string(r, c, slot.text, styles.seq)
            elif slot.kind == "code":
                ws.write_string(r, c, slot.text, styles.code)
            elif slot.kind in ("name", "label"):
                style = styles.indent[min(slot.indent, 3)]
                if slot.span > 1:
                    ws.merge_range(r, c, r, c + slot.span - 1, slot.text, styles.label_bold)
                else:
                    ws.write_string(r, c, slot.text, style)
            elif slot.kind == "covered":
                continue
            else:
                ws.write_blank(r, c, None, styles.blank)
        r += 1
    if table.empty_note and budget.is_empty(table):
        ws.write_string(r + 1, 0, empty_note(table, budget), styles.note)
        r += 2
    return r, (lanci_at if lanci else lanci_at - 1)


def empty_note(table: Table, budget: UnitBudget) -> str:
    """The note printed under an empty table (``{year}`` filled in)."""
    return (table.empty_note or "").format(year=budget.year)


def write_tables_stacked(wb, styles: Styles, budget: UnitBudget, sheet_name: str):
    """All nine tables of a budget on one sheet, one below the other, a page each when printed."""
    ws = wb.add_worksheet(sheet_name)
    tables = budget.profile.ordered
    pages = [table_page(t, budget) for t in tables]
    width = max(len(t.grid) for t in tables)
    widths = [max(p.widths[i] for p in pages if i < len(p.widths)) for i in range(width)]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    r, breaks = 0, []
    for t in tables:
        if r:
            breaks.append(r)
        r = write_table_block(ws, styles, t, budget, r, widths[: len(t.grid)])[0] + 2
    ws.set_h_pagebreaks(breaks)
    _page.apply(ws, plan(widths, [min(p.widths[i] for p in pages if i < len(p.widths)) for i in range(width)],
                         landscape=True))
    return ws


def write_table_sheet(wb, styles: Styles, table: Table, budget: UnitBudget, *, sheet_name: str | None = None):
    """Write one official table onto a new sheet; returns the worksheet."""
    ws = wb.add_worksheet(sheet_name or table.name)
    page = table_page(table, budget)
    for i, w in enumerate(page.widths):
        ws.set_column(i, i, w)
    lanci_at = write_table_block(ws, styles, table, budget, 0, page.widths)[1]
    _print_setup(ws, page, (2, lanci_at))  # also freezes the panes below the 栏次 row
    return ws


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped text (possibly with line breaks) needs in a cell ``width`` characters wide."""
    return sum(text_lines(part, width) for part in text.split("\n")) if text else 1


def _print_setup(ws, page: PagePlan, repeat: tuple[int, int] | None) -> None:
    _page.apply(ws, page, repeat)
    if repeat is not None:
        ws.freeze_panes(repeat[1] + 1, 0)


def part_page(part) -> PagePlan:
    """Print plan of a supplementary table: a column holding only amounts or only codes keeps room
    for its widest entry (neither wraps), any other column may wrap down to half its width."""
    from .parts import CODE, HEADER, MONEY, NUMBER, show

    floors = []
    for c, w in enumerate(part.widths):
        body = [cell for cell in part.cells
                if cell.col == c and cell.kind != HEADER and cell.right == c and show(cell)]
        if body and all(cell.kind in (MONEY, NUMBER) for cell in body):
            floors.append(min(w, amount_width(cell.value for cell in body)))
        elif body and all(cell.kind == CODE for cell in body):
            floors.append(min(w, max(display_width(show(cell)) for cell in body) + 2.0))
        else:
            floors.append(max(6.0, w / 2))
    return plan(part.widths, floors)


def write_part_sheet(wb, styles: Styles, part, budget: UnitBudget):
    """Write one supplementary table (:class:`budgetxl.render.parts.PartTable`) onto a new sheet."""
    from .parts import CODE, HEADER, LABEL, MONEY, NUMBER, show

    ws = wb.add_worksheet(part.sheet)
    ncol = part.ncols
    page = part_page(part)
    widths = page.widths
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.merge_range(0, 0, 0, ncol - 1, part.title, styles.title)
    ws.set_row(0, 30)
    split = max(1, ncol - 2) if ncol > 2 else 1
    if split > 1:
        ws.merge_range(1, 0, 1, split - 1, part.left, styles.unit)
    else:
        ws.write_string(1, 0, part.left, styles.unit)
    if part.right:
        if ncol - 1 > split:
            ws.merge_range(1, split, 1, ncol - 1, part.right, styles.money_unit)
        else:
            ws.write_string(1, ncol - 1, part.right, styles.money_unit)

    top = 2
    heights: dict[int, float] = {}
    for cell in part.cells:
        text = show(cell)
        if not text:
            continue
        width = sum(widths[cell.col: cell.right + 1])
        span = cell.bottom - cell.row + 1
        need = (LINE_PT * wrapped_lines(text, width) + 4) / span
        for r in range(cell.row, cell.bottom + 1):
            heights[r] = max(heights.get(r, 15.0), need)
    for r, h in heights.items():
        ws.set_row(top + r, min(409.0, h))

    def style(cell):
        if cell.kind == HEADER:
            return styles.header
        if cell.kind == MONEY:
            return styles.money_bold if cell.bold else styles.money
        if cell.kind == NUMBER:
            return styles.number_bold if cell.bold else styles.number
        if cell.kind == CODE:
            return styles.code
        if cell.kind == LABEL:
            if part.key in ("projects",):
                return styles.label_bold if cell.bold else styles.label
            return styles.label_left_bold if cell.bold else styles.label_left[min(cell.indent, 3)]
        return styles.text

    covered = set()
    for cell in part.cells:
        r0, c0, r1, c1 = top + cell.row, cell.col, top + cell.bottom, cell.right
        fmt = style(cell)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        if (r0, c0) != (r1, c1):
            ws.merge_range(r0, c0, r1, c1, "", fmt)
        value = cell.value
        if cell.kind in (MONEY, NUMBER):
            if value is None or value == 0:
                ws.write_blank(r0, c0, None, fmt)
            else:
                ws.write_number(r0, c0, float(value), fmt)
        else:
            text = show(cell)
            if text:
                ws.write_string(r0, c0, text, fmt)
            else:
                ws.write_blank(r0, c0, None, fmt)
    nrows = part.nrows
    for r in range(top, top + nrows):  # a border on every cell of the grid, even where nothing is
        for c in range(ncol):
            if (r, c) not in covered:
                ws.write_blank(r, c, None, styles.blank)
    if part.note:
        ws.write_string(top + nrows + 1, 0, part.note, styles.note)
    _print_setup(ws, page, (top, top + part.header_rows - 1) if part.header_rows else None)
    return ws


def render_official(budget: UnitBudget, out: str | Path, *, inputs=(), parts: bool = False) -> Path:
    """Write the official workbook for one unit (atomically).

    The nine tables, one sheet each; with ``parts=True`` and a budget that has a supplement, also
    部门机构设置情况, one 项目绩效目标表 per project, 部门政府采购预算 and 部门固定资产占用情况表
    (the complete publication's tables), after the nine.
    """
    import xlsxwriter

    out = Path(out)
    with atomic_path(out, inputs=inputs) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), SAFE_OPTIONS)
        wb.set_properties({"title": f"{budget.unit_name}{budget.year}年{budget.profile.budget_kind}公开表",
                           "subject": f"{budget.profile.budget_kind}公开", "author": "budgetxl", "company": budget.unit_name})
        styles = Styles(wb)
        for table in budget.profile.ordered:
            write_table_sheet(wb, styles, table, budget)
        if parts and budget.supplement:
            from .parts import all_part_tables

            for part in all_part_tables(budget):
                write_part_sheet(wb, styles, part, budget)
        wb.close()
    return out
