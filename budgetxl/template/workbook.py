"""The entry workbook itself: the xlsxwriter workbook with its structure locked, the cell formats
every sheet uses (inputs yellow and unlocked, the 校验 area green), and sheet protection."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

INPUT_FILL = "#FFF2CC"
CHECK_FILL = "#E2EFDA"


class ProtectedWorkbook(Workbook):
    """xlsxwriter cannot lock a workbook's structure; add <workbookProtection lockStructure="1">."""

    structure_password_hash: str | None = None

    def _write_book_views(self) -> None:
        attrs = [("lockStructure", "1")]
        if self.structure_password_hash:
            attrs.insert(0, ("workbookPassword", self.structure_password_hash))
        self._xml_empty_tag("workbookProtection", attrs)
        super()._write_book_views()


def hash_password(password: str) -> str:
    """The legacy 16-bit Excel password hash (the same one sheet protection uses)."""
    h = 0
    for i, ch in enumerate(password, start=1):
        v = ord(ch) << i
        h ^= (v & 0x7FFF) | (v >> 15)
    h ^= len(password)
    h ^= 0xCE4B
    return f"{h:X}"


def protect(ws, password: str) -> None:
    """Protect a sheet of inputs: locked cells stay locked, columns and rows may be resized."""
    ws.protect(password, {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                          "select_unlocked_cells": True})


class Formats:
    """The cell formats of the entry workbook, added to ``wb`` once."""

    def __init__(self, wb):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        box = {**base, "border": 1}
        self.title = wb.add_format({**base, "font_size": 16, "bold": True, "align": "center"})
        self.left = wb.add_format({**base, "align": "left"})
        self.center = wb.add_format({**base, "align": "center"})
        self.right = wb.add_format({**base, "align": "right"})
        self.header = wb.add_format({**box, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9E1F2"})
        self.lanci = wb.add_format({**box, "align": "center"})
        self.text = wb.add_format({**box, "align": "left", "text_wrap": True})
        self.indent = [wb.add_format({**box, "align": "left", "indent": n}) for n in range(4)]
        self.code = wb.add_format({**box, "num_format": "@"})
        self.money = wb.add_format({**box, "num_format": "#,##0.00"})
        self.money_bold = wb.add_format({**box, "num_format": "#,##0.00", "bold": True})
        in_ = {**box, "locked": False, "bg_color": INPUT_FILL}
        self.in_money = wb.add_format({**in_, "num_format": "#,##0.00"})
        self.in_number = wb.add_format({**in_, "num_format": "General"})
        self.in_code = wb.add_format({**in_, "num_format": "@"})
        self.in_text = wb.add_format({**in_, "num_format": "@", "text_wrap": True, "valign": "top"})
        self.in_name = wb.add_format({**in_, "align": "left", "text_wrap": True})
        # the open rows of a list (see layout.PART_SHOWN): unlocked, no border or fill of their own
        open_ = {**base, "locked": False}
        self.open = {"money": wb.add_format({**open_, "num_format": "#,##0.00"}),
                     "number": wb.add_format({**open_, "num_format": "General"}),
                     "code": wb.add_format({**open_, "num_format": "@"}),
                     "text": wb.add_format({**open_, "num_format": "@", "text_wrap": True, "valign": "top"})}
        self.open_calc = wb.add_format({**base, "num_format": "#,##0.00;-#,##0.00;;@"})  # 0 shows nothing
        self.typed_grid = wb.add_format({"border": 1})  # conditional: an open row once typed in
        self.typed_input = wb.add_format({"border": 1, "bg_color": INPUT_FILL})
        self.check_label = wb.add_format({**box, "bg_color": CHECK_FILL, "text_wrap": True})
        self.check_value = wb.add_format({**box, "bg_color": CHECK_FILL, "num_format": "#,##0.00;[Red]-#,##0.00"})
        self.check_head = wb.add_format({**box, "bold": True, "bg_color": CHECK_FILL})
        self.bad = wb.add_format({"font_color": "#C00000", "bold": True})
        self.guide = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.guide_title = wb.add_format({**base, "bold": True, "font_size": 14, "text_wrap": True})
        self.legend_in = wb.add_format({**box, "bg_color": INPUT_FILL})
        self.legend_check = wb.add_format({**box, "bg_color": CHECK_FILL})


def title_row(ws, f: Formats, title: str, ncol: int) -> None:
    """A sheet's title, merged across its columns."""
    ws.merge_range(0, 0, 0, max(ncol - 1, 1), title, f.title)
    ws.set_row(0, 30)
