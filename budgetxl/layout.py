"""Printed layout of a table, derived from its definition: header rows with merged cells, the
栏次 row, and the data rows with what each cell holds. The official renderer and the entry
template both draw from here, so a table looks the same wherever it appears."""

from __future__ import annotations

from dataclasses import dataclass

from .spec import LANCI, TOTAL, Table


@dataclass(frozen=True)
class HeaderCell:
    row: int  # 0-based within the header block
    col: int
    last_row: int
    last_col: int
    text: str


@dataclass(frozen=True)
class Slot:
    """What one printed cell of a data row holds.

    kind: ``seq`` (序号), ``code``, ``name``, ``label`` (fixed-table row label) — with ``text`` —,
    or ``value`` with the cell ``key`` (table id, row, column) it shows; ``empty`` for a blank cell.
    """

    kind: str
    text: str = ""
    key: tuple[str, str, str] | None = None
    indent: int = 0
    span: int = 1  # printed cells this one covers to its right (the 合计 label over the code cells)


def header_cells(table: Table) -> list[HeaderCell]:
    """Header rows as merged blocks: equal adjacent path prefixes merge across, short paths merge down."""
    grid = table.grid
    depth = table.header_depth
    out: list[HeaderCell] = []
    for level in range(depth):
        c = 0
        while c < len(grid):
            path = grid[c].path
            if level >= len(path):
                c += 1
                continue
            last = level == len(path) - 1
            e = c
            if not last:
                while (e + 1 < len(grid) and len(grid[e + 1].path) > level + 1
                       and grid[e + 1].path[: level + 1] == path[: level + 1]):
                    e += 1
            out.append(HeaderCell(level, c, depth - 1 if last else level, e, path[level]))
            c = e + 1
    return out


def lanci_row(table: Table) -> list[str]:
    """The 栏次 row: 栏次 under 序号 (or in the first column), then 1, 2, 3 … for every other
    column; empty when the profile prints no 栏次 row."""
    if not table.column_numbers:
        return []
    return [LANCI] + [str(i) for i in range(1, len(table.grid))]


CHINESE_NUMERALS = "一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """一 … 九十九: the ordinal a printed list is numbered with (一、二、… 十一、…)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十")
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


def code_slots(table: Table, row: str) -> list[Slot]:
    """The code cell(s) of a coded table's row: one cell, or 类 | 款 | 项 (blank on 合计)."""
    if row == TOTAL:
        return [Slot("code", "") for _ in table.code_parts]
    return [Slot("code", part) for part in table.split_code(row)]


def side_items(table: Table, side, budget) -> list:
    """The body items of one side of a fixed table as printed for a budget: a side that prints
    only the lines holding money drops the others (Shanghai's 类 lines)."""
    if not side.only_nonzero:
        return list(side.body)
    return [it for it in side.body
            if any(budget._value((table.id, it.key, c.key)) != 0 for c in side.columns)]


def printed_label(side, item, index: int) -> str:
    """An item's label as printed: numbered 一、二、… by its printed position when the side says so."""
    if side.numbering == "chinese" and item.in_body:
        return f"{chinese_ordinal(index + 1)}、{item.label}"
    return item.label


def fixed_printed_rows(table: Table, budget) -> list[dict]:
    """Fixed tables: the printed rows for a budget, each mapping side key to (item, label) or None."""
    bodies = {s.key: side_items(table, s, budget) for s in table.sides}
    n = max((len(b) for b in bodies.values()), default=0)
    rows: list[dict] = []
    for i in range(n):
        row = {}
        for s in table.sides:
            b = bodies[s.key]
            row[s.key] = (b[i], printed_label(s, b[i], i)) if i < len(b) else None
        rows.append(row)
    for frow in table.footer:
        rows.append({s.key: ((frow[s.key], frow[s.key].label) if s.key in frow else None) for s in table.sides})
    return rows


def data_rows(table: Table, budget) -> list[list[Slot]]:
    """The printed data rows of a table for a budget (an empty coded table gets one blank row)."""
    rows: list[list[Slot]] = []
    if table.coded:
        codes = budget.codes(table)
        if budget.is_empty(table) and not codes and not table.total_last:
            return [[Slot("empty") for _ in table.grid]]  # a blank row (the 合计 line only below codes)
        for i, row in enumerate(table.printed_rows(codes), start=1):
            slots = [Slot("seq", str(i))] if table.serial_column else []
            if row == TOTAL and table.total_spans_code:
                n = len(table.code_parts)
                slots.append(Slot("name", budget.row_name(table.id, row), span=n + 1))
                slots += [Slot("covered") for _ in range(n)]
            else:
                slots += code_slots(table, row)
                slots.append(Slot("name", budget.row_name(table.id, row)))
            slots += [Slot("value", key=(table.id, row, c.key)) for c in table.columns]
            rows.append(slots)
        return rows
    for i, fixed in enumerate(fixed_printed_rows(table, budget), start=1):
        slots = [Slot("seq", str(i))] if table.serial_column else []
        for side in table.sides:
            entry = fixed[side.key]
            if entry is None:
                if side.label_header:
                    slots.append(Slot("label"))
                slots += [Slot("empty") for _ in side.columns]
            else:
                item, label = entry
                if side.label_header:
                    slots.append(Slot("label", label, indent=item.indent))
                slots += [Slot("value", key=(table.id, item.key, c.key)) for c in side.columns]
        rows.append(slots)
    return rows
