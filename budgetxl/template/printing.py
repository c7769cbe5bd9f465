"""Print setup of an entry sheet: A4, orientation and scale by its width, so that it prints
legibly (the planning is :mod:`budgetxl.render.page`, shared with the published workbook)."""

from __future__ import annotations

from ..render import page as print_page


def print_setup(ws, widths: list[float], floors: list[float] | None = None,
                repeat: tuple[int, int] | None = None, label_cols: int = 0) -> None:
    """Plan the sheet's page and apply it; the columns take the planned widths."""
    page = print_page.plan(widths, floors, label_cols=label_cols)
    for i, (old, new) in enumerate(zip(widths, page.widths)):
        if new != old:
            ws.set_column(i, i, new)
    print_page.apply(ws, page, repeat)
