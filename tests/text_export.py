"""An official workbook (``budgetxl render``) as a disclosure text, the way a Word document's tables
come out as text (the seed's form): the title on its own line, then every row as one tab-indented
line per cell and a blank line after it; a cell merged across prints once (its text in its first
column), a cell merged down prints an empty cell in the rows below; amounts as the sheet shows them
(``#,##0.00``, blank for zero); the note under an empty table on its own line. This is what
``budgetxl import`` reads as a published text, so a profile's layout can be proved to read back
(tests/test_text_roundtrip.py) without a document of that province in text form.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl


def _shown(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        d = Decimal(repr(v)).quantize(Decimal("0.01"))
        return "" if d == 0 else f"{d:,.2f}"
    return str(v).strip()


def sheet_text(ws) -> str:
    """One sheet of an official workbook as disclosure text."""
    across: set[tuple[int, int]] = set()  # cells covered by a merge from their left: not printed
    down: set[tuple[int, int]] = set()  # first-column cells of a merge below its top: printed empty
    for m in ws.merged_cells.ranges:
        for r in range(m.min_row, m.max_row + 1):
            for c in range(m.min_col, m.max_col + 1):
                if c > m.min_col:
                    across.add((r, c))
                elif r > m.min_row:
                    down.add((r, c))
    rows = list(ws.iter_rows(values_only=True))
    width = max((len(r) for r in rows), default=0)
    out: list[str] = []
    title = _shown(rows[0][0]) if rows else ""
    out.append(title)
    for i, row in enumerate(rows[1:], start=2):
        cells = [_shown(row[c - 1]) if c - 1 < len(row) else "" for c in range(1, width + 1)]
        if not any(cells):
            continue
        first = next(k for k, v in enumerate(cells) if v)
        if first == 0 and i > 2 and cells[0].startswith("注") and not any(cells[1:]):
            out += [cells[0], ""]  # the note under an empty table
            continue
        printed = [cells[c - 1] if (i, c) not in down else "" for c in range(1, width + 1)
                   if (i, c) not in across]
        # trailing cells a sheet leaves blank outside the table (the info line) are not cells
        out += ["\t" + c for c in printed] + [""]
    return "\n".join(out) + "\n"


def workbook_text(path: Path, sheets: list[str]) -> str:
    """The named sheets of an official workbook as one disclosure text, in that order."""
    wb = openpyxl.load_workbook(path)
    return "\n".join(sheet_text(wb[name]) for name in sheets)
