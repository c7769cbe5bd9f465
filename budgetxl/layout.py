"""Printed layout of a table, derived from its definition: header rows with merged cells, the
栏次 row, and the data rows with what each cell holds. The official renderer and the entry
template both draw from here, so a table looks the same wherever it appears."""

from __future__ import annotations

from dataclasses import dataclass

from .spec import TOTAL, Table


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
    """The 栏次 row: 栏次 under 序号, then 1, 2, 3 … for every other column."""
    return ["栏次"] + [str(i) for i in range(1, len(table.grid))]


def data_rows(table: Table, budget) -> list[list[Slot]]:
    """The printed data rows of a table for a budget (an empty coded table gets one blank row)."""
    rows: list[list[Slot]] = []
    if table.coded:
        codes = budget.codes(table)
        if budget.is_empty(table) and not codes:
            return [[Slot("empty") for _ in table.grid]]
        for i, row in enumerate([TOTAL, *codes], start=1):
            slots = [Slot("seq", str(i)), Slot("code", "" if row == TOTAL else row),
                     Slot("name", budget.row_name(table.id, row))]
            slots += [Slot("value", key=(table.id, row, c.key)) for c in table.columns]
            rows.append(slots)
        return rows
    for i, fixed in enumerate(table.fixed_rows, start=1):
        slots = [Slot("seq", str(i))]
        for side in table.sides:
            item = fixed[side.key]
            if item is None:
                slots.append(Slot("label"))
                slots += [Slot("empty") for _ in side.columns]
            else:
                slots.append(Slot("label", item.label, indent=item.indent))
                slots += [Slot("value", key=(table.id, item.key, c.key)) for c in side.columns]
        rows.append(slots)
    return rows
