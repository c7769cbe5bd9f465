"""Print geometry: how wide a table may be on A4 and still print at a legible size.

A spreadsheet printed "fit to width" shrinks the whole sheet until its columns fit the paper, so a
wide table of 10-pt text printed at 57 % comes out in 5.7-pt type.  Here the columns are sized
first and the orientation chosen so that the printed scale stays at or above :data:`MIN_SCALE`;
text columns wrap narrower before that happens, and a table that is still too wide at that scale
is printed at :data:`MIN_SCALE` over several pages across, its label columns repeated.

Column widths are in Excel character units (the width of a digit of the workbook's default font,
宋体 10 here: see :data:`WORKBOOK_OPTIONS`).  :data:`UNIT_PT` is the printed width of one unit at
100 %: LibreOffice prints one unit of a 宋体-10 workbook as about 5.9 pt (Noto Serif CJK SC digits),
Excel as 5.25 pt plus 3.75 pt of padding per column; a little more than the larger figure is
taken so that both applications print at least as large as planned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FONT = "宋体"
FONT_SIZE = 10  # body text of every printed table
MIN_SCALE = 0.9  # so body text never prints under 9 pt
UNIT_PT = 6.2
MARGIN_IN = 0.4  # left and right page margins, inches
A4_PT = (595.3, 841.9)  # short and long side

# xlsxwriter options of every workbook budgetxl prints: user text never becomes a formula, a URL
# or a number, and the default font (which defines the column-width unit and is used wherever a
# cell names no font of its own) is the tables' 宋体 at the body size.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
}
# The page footer in the tables' font (a footer names no font of its own otherwise and prints in
# the application's default Latin font).
FOOTER = f'&C&"{FONT},Regular"&{FONT_SIZE}第 &P 页，共 &N 页'


def usable_units(landscape: bool, scale: float = MIN_SCALE) -> float:
    """Character units that fit across an A4 page between the margins at ``scale``."""
    width = A4_PT[1] if landscape else A4_PT[0]
    return (width - 2 * 72 * MARGIN_IN) / (UNIT_PT * scale)


@dataclass
class PagePlan:
    landscape: bool
    widths: list[float]
    scale: int | None  # None: fit to one page width (at or above MIN_SCALE); else this percentage
    repeat_cols: int = 0  # with a fixed scale: label columns repeated on every page across


def shrink(widths: list[float], floors: list[float], limit: float) -> list[float]:
    """Narrow the columns towards their floors, each in proportion to its slack, until the total
    is ``limit`` (or every column is at its floor)."""
    total = sum(widths)
    slack = sum(w - f for w, f in zip(widths, floors))
    if total <= limit or slack <= 0:
        return list(widths)
    cut = min(1.0, (total - limit) / slack)
    return [math.floor((w - (w - f) * cut) * 100) / 100 for w, f in zip(widths, floors)]


def plan(widths: list[float], floors: list[float] | None = None, *, label_cols: int = 0,
         landscape: bool | None = None) -> PagePlan:
    """Orientation, column widths and scale for a table whose natural widths are ``widths``.

    Portrait when the table fits a portrait page at :data:`MIN_SCALE` as it is (or when
    ``landscape`` is False), else landscape, with columns narrowed towards ``floors`` as needed.
    """
    widths = [float(w) for w in widths]
    floors = list(widths) if floors is None else [min(f, w) for f, w in zip(floors, widths)]
    if landscape is None:
        landscape = sum(widths) > usable_units(False)
    limit = usable_units(landscape)
    widths = shrink(widths, floors, limit)
    if sum(widths) <= limit:
        return PagePlan(landscape, widths, None)
    return PagePlan(landscape, widths, round(MIN_SCALE * 100), label_cols)


def apply(ws, page: PagePlan, repeat_rows: tuple[int, int] | None = None) -> None:
    """A4, the plan's orientation and scale, centred, footer with page numbers, rows repeated."""
    ws.set_paper(9)
    if page.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if page.scale is None:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(page.scale)
        if page.repeat_cols:
            ws.repeat_columns(0, page.repeat_cols - 1)
    ws.center_horizontally()
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.6, bottom=0.6)
    ws.set_footer(FOOTER)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)


def display_width(text: str) -> int:
    """Width in half-width character cells (a CJK character counts two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text.replace(" ", ""))


def amount_width(values) -> float:
    """Units an amount column needs for its widest value as printed (``#,##0.00``) plus padding."""
    longest = max((len(f"{v:,.2f}") for v in values if v), default=4)
    return longest + 2.0


# Natural widths of printed columns by kind (Excel character units).
WIDTH = {"seq": 5, "code": 9, "name": 28, "label": 30, "value": 11}


def column_width(g, values=()) -> float:
    """Column width in Excel character units: text columns by kind, amount columns by header and
    by the widest amount they print."""
    if g.kind != "value":
        return WIDTH[g.kind]
    return max(WIDTH["value"], min(16, display_width(g.path[-1]) / 2 + 2), amount_width(values))


def text_lines(text: str, width: float) -> int:
    """How many lines a wrapped text needs in a cell ``width`` characters wide."""
    usable = max(width - 1, 1)
    return max(1, -(-display_width(text) // int(usable)))
