"""Write the entry workbook (填报模板) with xlsxwriter.

Inputs are unlocked, yellow and validated; every subtotal, total and derived table is a locked
formula on a protected sheet, with its cached value set to budgetxl's own computation so that a
viewer that does not recalculate still shows the right numbers. A fingerprint (profile, version,
hash of the formula map) is kept in custom document properties and on a very-hidden sheet.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook

from .. import expr
from ..version import __version__
from ..codes import CodeList, code_list
from ..fileio import atomic_path
from ..layout import header_cells
from ..model import UnitBudget
from ..render import page as print_page
from ..render.page import WORKBOOK_OPTIONS as SAFE_OPTIONS
from ..render.page import column_width, text_lines
from ..spec import LEVEL_NAMES, TOTAL, TOTAL_LABEL, Table
from ..supplement import procurement_funds
from . import layout as L
from .excel import compile_formula
from .guide import LEGEND, guide_lines, guide_title
from .layout import EntryLayout, a1, quote_sheet

INPUT_FILL = "#FFF2CC"
CHECK_FILL = "#E2EFDA"
MAX_TEXT = 10000


class _ProtectedWorkbook(Workbook):
    """xlsxwriter cannot lock a workbook's structure; add <workbookProtection lockStructure="1">."""

    structure_password_hash: str | None = None

    def _write_book_views(self) -> None:
        attrs = [("lockStructure", "1")]
        if self.structure_password_hash:
            attrs.insert(0, ("workbookPassword", self.structure_password_hash))
        self._xml_empty_tag("workbookProtection", attrs)
        super()._write_book_views()


def _hash_password(password: str) -> str:
    """The legacy 16-bit Excel password hash (the same one sheet protection uses)."""
    h = 0
    for i, ch in enumerate(password, start=1):
        v = ord(ch) << i
        h ^= (v & 0x7FFF) | (v >> 15)
    h ^= len(password)
    h ^= 0xCE4B
    return f"{h:X}"


class _Formats:
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


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for r in sorted(set(rows)):
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


class TemplateWriter:
    def __init__(self, budget: UnitBudget, *, function_codes: CodeList | None = None,
                 economic_codes: CodeList | None = None, password: str | None = None,
                 spare: int | None = None, flat: bool = False, layout: EntryLayout | None = None):
        self.b = budget
        self.p = budget.profile
        self.password = password or ""
        self.fcodes = function_codes or code_list(self.p, "function")
        self.ecodes = economic_codes or code_list(self.p, "economic")
        sup = budget.supplement or {}
        prefilled = bool(budget.inputs) or any(budget.codes(t) for t in self.p.ordered if t.coded)
        n_spare = spare if spare is not None else (L.SPARE_PREFILLED if prefilled else L.SPARE_BLANK)
        coded = [t for t in self.p.ordered if t.coded]
        if flat:  # every leaf code in an editable spare row, no preset 类/款 rows
            preset = {t.id: [] for t in coded}
            self.spare_codes = {t.id: budget.leaf_codes(t) for t in coded}
            n_spare = max([n_spare] + [len(v) + L.SPARE_PREFILLED for v in self.spare_codes.values()])
        else:
            preset = {t.id: budget.codes(t) for t in coded}
            self.spare_codes = {t.id: [] for t in coded}
        projects = sup.get("projects", [])
        n_ind = sum(len(p.get("indicators", [])) for p in projects)
        parts = {  # rows of each list: what the unit has plus spare rows, never fewer than a blank has
            "institutions": max(len(sup.get("institutions", [])) + 5, 10),
            "projects": max(len(projects) + L.PART_SPARE, 20),
            "indicators": max(n_ind + 3 * L.PART_SPARE, 100),
            "procurement": max(len(sup.get("procurement", [])) + L.PART_SPARE, 30),
        }
        if layout is not None:  # re-create the cells of an existing workbook (the reader's dry run)
            self.layout = layout
            self.spare_codes = {t.id: [] for t in coded}
        else:
            self.layout = EntryLayout(self.p, preset, {tid: n_spare for tid in preset}, parts)
        self.formula_map: dict[str, str] = {}
        self.typable: set[str] = set()  # formula cells the unit may type over (a name the code list lacks)
        self.formula_values: dict[str, object] = {}  # the cached value written with each formula

    # ------------------------------------------------------------------ helpers
    def _formula(self, ws, r: int, c: int, formula: str, fmt, value) -> None:
        ref = f"{ws.name}!{a1(r, c)}"
        self.formula_map[ref] = formula
        self.formula_values[ref] = value
        ws.write_formula(r, c, formula, fmt, value)

    def _money_validation(self, ws, r0: int, c0: int, r1: int, c1: int, title: str = "填写金额",
                          more: list[tuple[int, int, int, int]] = (), unit: str | None = None) -> None:
        """One amount rule for a range (and ``more`` ranges: one rule written once, not per cell);
        ``unit`` is the money unit of the amounts (the profile's unless a table says otherwise)."""
        unit = unit or self.p.money_unit
        cell = a1(r0, c0)
        extra = {"multi_range": " ".join(xl_range(*rng) for rng in [(r0, c0, r1, c1), *more])} if more else {}
        ws.data_validation(r0, c0, r1, c1, {
            **extra,
            "validate": "custom",
            "value": f"=AND(ISNUMBER({cell}),{cell}>=0,ROUND({cell},2)={cell})",
            "ignore_blank": True,
            "input_title": title[:32],
            "input_message": f"单位：{unit}。填写不小于0的数字，最多两位小数；不填视为0。",
            "error_title": "金额不正确",
            "error_message": f"请填写不小于0的数字（{unit}），最多两位小数，不要带单位或文字。",
        })

    def _text_validation(self, ws, r0: int, c0: int, r1: int, c1: int, title: str, message: str) -> None:
        ws.data_validation(r0, c0, r1, c1, {
            "validate": "length", "criteria": "<=", "value": MAX_TEXT, "ignore_blank": True,
            "input_title": title[:32], "input_message": message[:255],
            "error_title": "内容过长", "error_message": f"内容不能超过{MAX_TEXT}个字。",
        })

    def _list_validation(self, ws, r0: int, c0: int, r1: int, c1: int, source: str, title: str, message: str,
                         strict: bool = True) -> None:
        ws.data_validation(r0, c0, r1, c1, {
            "validate": "list", "source": source, "ignore_blank": True,
            "input_title": title[:32], "input_message": message[:255],
            "error_type": "stop" if strict else "warning",
            "error_title": "不在列表中", "error_message": "请从下拉列表中选择。" if strict else
            "该编码不在代码表中。如确需使用新科目，请联系财政局更新代码表；继续将被审核标记。",
        })

    def _value(self, key) -> float:
        return float(self.b.cell_value(key))

    def _protect(self, ws) -> None:
        ws.protect(self.password, {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                                   "select_unlocked_cells": True})

    # ------------------------------------------------------------------ sheets
    def _print(self, ws, widths: list[float], floors: list[float] | None = None,
               repeat: tuple[int, int] | None = None, label_cols: int = 0) -> None:
        """Print setup of one sheet (A4, orientation and scale by its width, so that it prints
        legibly: :mod:`budgetxl.render.page`); the columns take the planned widths."""
        page = print_page.plan(widths, floors, label_cols=label_cols)
        for i, (old, new) in enumerate(zip(widths, page.widths)):
            if new != old:
                ws.set_column(i, i, new)
        print_page.apply(ws, page, repeat)

    def write(self, path: Path) -> None:
        wb = _ProtectedWorkbook(str(path), {**SAFE_OPTIONS, "constant_memory": False})
        wb.structure_password_hash = _hash_password(self.password) if self.password else None
        self._build(wb)
        wb.close()

    def plan(self) -> "_Recorder":
        """Lay out every cell without writing a file: what the workbook must contain."""
        rec = _Recorder()
        self._build(rec)
        return rec

    def _build(self, wb) -> None:
        wb.set_properties({"title": f"{self.b.unit_name}{self.b.year}年部门预算填报表", "subject": "部门预算公开填报",
                           "author": "budgetxl", "company": self.b.unit_name,
                           "created": __import__("datetime").datetime(2000, 1, 1)})
        self.f = _Formats(wb)
        self.wb = wb
        guide = wb.add_worksheet(L.SHEET_GUIDE)
        unit = wb.add_worksheet(L.SHEET_UNIT)
        table_sheets = [(t, wb.add_worksheet(t.name)) for t in self.p.ordered]
        parts = self.p.parts  # a supplementary part's sheet only where the profile declares the part
        projects = wb.add_worksheet(L.SHEET_PROJECTS) if "projects" in parts else None
        procurement = wb.add_worksheet(L.SHEET_PROCUREMENT) if "procurement" in parts else None
        assets = wb.add_worksheet(L.SHEET_ASSETS) if "assets" in parts else None
        text = wb.add_worksheet(L.SHEET_TEXT)
        lists = wb.add_worksheet(L.SHEET_LISTS)
        meta = wb.add_worksheet(L.SHEET_META)
        self._lists(lists)
        self._unit(unit)
        for t, ws in table_sheets:
            self._table(t, ws)
        for ws, write in ((projects, self._projects), (procurement, self._procurement), (assets, self._assets)):
            if ws is not None:
                write(ws)
        self._text(text)
        self._guide(guide)
        self._meta(meta)
        guide.activate()

    def _lists(self, ws) -> None:
        """Hidden sheet of dropdown sources: leaf codes with names, and choice lists."""
        ws.write_string(0, 0, "支出功能分类科目（项）")
        ws.write_string(0, 3, "部门预算支出经济分类科目（款）")
        fl = [(c, n) for c, n in self.fcodes.entries.items() if len(c) == 7]
        el = [(c, n) for c, n in self.ecodes.entries.items() if len(c) == 5]
        for i, (c, n) in enumerate(fl, start=1):
            ws.write_string(i, 0, c)
            ws.write_string(i, 1, n)
        for i, (c, n) in enumerate(el, start=1):
            ws.write_string(i, 3, c)
            ws.write_string(i, 4, n)
        self.list_ranges = {
            "function": (f"{quote_sheet(L.SHEET_LISTS)}!$A$2:$A${len(fl) + 1}", f"{quote_sheet(L.SHEET_LISTS)}!$A$2:$B${len(fl) + 1}"),
            "economic": (f"{quote_sheet(L.SHEET_LISTS)}!$D$2:$D${len(el) + 1}", f"{quote_sheet(L.SHEET_LISTS)}!$D$2:$E${len(el) + 1}"),
        }
        col = 6
        self.choice_ranges = {}
        parts = self.p.parts
        choice_fields = [f for f in parts.get("institutions", {}).get("fields", []) if f.get("choices")]
        choice_fields += [f for f in parts.get("projects", {}).get("indicator_fields", []) if f.get("choices")]
        for f in choice_fields:
            ws.write_string(0, col, f["header"])
            for i, ch in enumerate(f["choices"], start=1):
                ws.write_string(i, col, ch)
            letter = L.col_letter(col)
            self.choice_ranges[f["key"]] = f"{quote_sheet(L.SHEET_LISTS)}!${letter}$2:${letter}${len(f['choices']) + 1}"
            col += 1
        grid: dict[tuple[int, int], str] = {(0, 0): "支出功能分类科目（项）", (0, 3): "部门预算支出经济分类科目（款）"}
        for i, (c, n) in enumerate(fl, start=1):
            grid[(i, 0)], grid[(i, 1)] = c, n
        for i, (c, n) in enumerate(el, start=1):
            grid[(i, 3)], grid[(i, 4)] = c, n
        col = 6
        for f in choice_fields:
            grid[(0, col)] = f["header"]
            for i, ch in enumerate(f["choices"], start=1):
                grid[(i, col)] = ch
            col += 1
        nrows = max(r for r, _ in grid) + 1
        self.lists_rows = nrows
        ncols = max(c for _, c in grid) + 1
        self.lists_hash = L.grid_hash([[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)])
        ws.hide()
        ws.protect(self.password)

    def _title(self, ws, title: str, ncol: int) -> None:
        ws.merge_range(0, 0, 0, max(ncol - 1, 1), title, self.f.title)
        ws.set_row(0, 30)

    def _unit(self, ws) -> None:
        f = self.f
        self._title(ws, "单位信息", 6)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 5, 16)
        rows = L.unit_rows(self.b.profile)
        prev = (self.b.supplement or {}).get("previous", {})
        for key, label, kind in L.unit_fields(self.b.profile):
            r = rows[key]
            ws.write_string(r, 0, label, f.text)
            if kind == "fixed":
                value = {"unit_code": self.b.unit_code, "unit_name": self.b.unit_name, "year": str(self.b.year)}[key]
                ws.write_string(r, 1, value, f.text)
            elif kind == "text":
                content = (self.b.supplement or {}).get("narrative", {}).get(key, "")
                ws.merge_range(r, 1, r, 5, content, f.in_text)
                ws.set_row(r, min(409, max(60, 14 * text_lines(content, 75))))
                self._text_validation(ws, r, 1, r, 5, label, f"填写{label}（照单位原文）。")
            else:
                v = prev.get(L.previous_key(key))
                if v is None:
                    ws.write_blank(r, 1, None, f.in_money)
                else:
                    ws.write_number(r, 1, float(v), f.in_money)
                self._money_validation(ws, r, 1, r, 1, label, unit=self.p.text_unit)
        if "institutions" not in self.p.parts:
            self._print(ws, [30] + [16] * 5)
            self._protect(ws)
            return
        hr = L.institutions_header_row(self.b.profile)
        fields = self.p.parts["institutions"]["fields"]
        ws.merge_range(hr - 1, 0, hr - 1, len(fields) - 1, self.p.parts["institutions"]["title"], f.header)
        for c, fd in enumerate(fields):
            ws.write_string(hr, c, fd["header"], f.header)
        insts = (self.b.supplement or {}).get("institutions", [])
        n = self.layout.parts["institutions"]
        open_from = self._open_from(hr + 1, n, len(insts))
        for i in range(n):
            r = hr + 1 + i
            rec = insts[i] if i < len(insts) else {}
            for c, fd in enumerate(fields):
                if r >= open_from:
                    ws.write_blank(r, c, None, f.open["text"])
                else:
                    ws.write_string(r, c, rec.get(fd["key"], ""), f.in_text)
        self._grid_when_typed(ws, open_from, hr + n, len(fields) - 1)
        for c, fd in enumerate(fields):
            if fd.get("choices"):
                self._list_validation(ws, hr + 1, c, hr + n, c, self.choice_ranges[fd["key"]], fd["header"], "请从下拉列表中选择。")
            else:
                self._text_validation(ws, hr + 1, c, hr + n, c, fd["header"], f"填写{fd['header']}。")
        self._print(ws, [30] + [16] * 5)
        self._protect(ws)

    def _table(self, t: Table, ws) -> None:
        f, lay = self.f, self.layout
        sl = lay.sheets[t.id]
        grid = t.grid
        ncol = len(grid)
        widths = [column_width(g) for g in grid]
        if t.coded and len(sl.code_cols) == 1:
            widths[sl.code_cols[0]] = 12
        # columns planned for print first (names wrap down to 14, amounts keep 10): the header
        # heights below follow the widths the sheet really has
        first_value = min((c for c, g in enumerate(grid) if g.kind == "value"), default=0)
        page = print_page.plan(widths, [14 if g.kind in ("name", "label") else 10 if g.kind == "value" else w
                                        for g, w in zip(grid, widths)], label_cols=first_value)
        widths = page.widths
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        self._title(ws, self.p.printed_title(t, self.b.year), ncol)
        left_end = max(1, ncol // 2 - 1)
        ws.merge_range(1, 0, 1, left_end, self.b.label, f.left)
        ws.write_string(1, ncol // 2, f"预算年度：{self.b.year}", f.center)
        ws.write_string(1, ncol - 1, f"单位：{t.money_unit}", f.right)
        top = L.HEADER_TOP
        heights: dict[int, float] = {}
        for h in header_cells(t):
            if h.row == h.last_row:
                heights[h.row] = max(heights.get(h.row, 15.0), 13.5 * text_lines(h.text, sum(widths[h.col:h.last_col + 1])) + 4)
            if (h.row, h.col) == (h.last_row, h.last_col):
                ws.write_string(top + h.row, h.col, h.text, f.header)
            else:
                ws.merge_range(top + h.row, h.col, top + h.last_row, h.last_col, h.text, f.header)
        for level, height in heights.items():
            ws.set_row(top + level, height)
        for c, text in enumerate(sl.lanci()):
            ws.write_string(sl.lanci_row, c, text, f.lanci)
        ws.freeze_panes(sl.data_start, first_value)
        if t.coded:
            self._coded_rows(t, ws, sl)
        else:
            self._fixed_rows(t, ws, sl)
        self._checks(t, ws, sl, ncol)
        print_page.apply(ws, page, (L.HEADER_TOP, sl.lanci_row))
        self._protect(ws)

    def _cell(self, t: Table, ws, key, r: int, c: int, bold: bool = False) -> None:
        node = t.formula(key[1], key[2])
        if node is None:
            v = self.b.inputs.get(key)
            if v is None or v == 0:
                ws.write_blank(r, c, None, self.f.in_money)
            else:
                ws.write_number(r, c, float(v), self.f.in_money)
        else:
            fmt = self.f.money_bold if bold else self.f.money
            self._formula(ws, r, c, compile_formula(node, self.layout, t.id), fmt, self._value(key))

    def _seq(self, ws, sl, r: int, n: int) -> None:
        if sl.seq_col is not None:
            ws.write_string(r, sl.seq_col, str(n), self.f.lanci)

    def _coded_rows(self, t: Table, ws, sl) -> None:
        f = self.f
        r = sl.data_start
        self._seq(ws, sl, r, 1)
        for c in sl.code_cols:
            ws.write_blank(r, c, None, f.code)
        ws.write_string(r, sl.name_col, TOTAL_LABEL, f.text)
        for c in t.columns:
            self._cell(t, ws, (t.id, TOTAL, c.key), r, sl.value_col[c.key], bold=True)
        seq = 2
        for code in sl.preset:
            r = sl.cells[(t.id, code, t.columns[0].key)][0]
            self._seq(ws, sl, r, seq)
            for c, part in zip(sl.code_cols, t.split_code(code)):
                ws.write_string(r, c, part, f.code)
            ws.write_string(r, sl.name_col, self.b.row_name(t.id, code), f.indent[min((len(code) - 3) // 2, 3)])
            for c in t.columns:
                self._cell(t, ws, (t.id, code, c.key), r, sl.value_col[c.key], bold=len(code) < t.leaf_length)
            seq += 1
        codes_src, lookup = self.list_ranges[t.classification]
        n = t.leaf_length  # 项级（7位）支出功能分类科目, 款级（5位）经济分类科目
        what = f"{LEVEL_NAMES[n]}级（{n}位）" + ("支出功能分类科目" if t.classification == "function" else "经济分类科目")
        filled = self.spare_codes[t.id]
        for i, r in enumerate(sl.spare_rows):
            code = filled[i] if i < len(filled) else None
            self._seq(ws, sl, r, seq)
            for c, part in zip(sl.code_cols, t.split_code(code) if code else [""] * len(sl.code_cols)):
                ws.write_string(r, c, part, f.in_code)
            code_cell = self.layout.code_cell(t.id, r)
            blank = " ".join(f'{a1(r, c)}=""' for c in sl.code_cols)
            blank = blank if len(sl.code_cols) == 1 else f"AND({blank.replace(' ', ',')})"
            name = (self.fcodes if t.classification == "function" else self.ecodes).name(code) if code else ""
            name = name if name is not None else "（代码表中无此科目）"
            # the name comes from the code list; for a code the list lacks the unit types the name over
            # the formula (the cell is unlocked; the reader takes the typed name, see `typable`)
            self._formula(ws, r, sl.name_col,
                          f'=IF({blank},"",IFERROR(VLOOKUP({code_cell}&"",{lookup},2,FALSE),"（代码表中无此科目）"))',
                          f.in_name, name)
            self.typable.add(f"{ws.name}!{a1(r, sl.name_col)}")
            for c in t.columns:
                col = sl.value_col[c.key]
                v = self.b.cell_value((t.id, code, c.key)) if code else Decimal(0)
                if c.formula:
                    node = expr.bind(expr.parse(c.formula), t.id, f"@{r}", c.key)
                    self._formula(ws, r, col, compile_formula(node, self.layout, t.id), f.money, float(v))
                elif v:
                    ws.write_number(r, col, float(v), f.in_money)
                else:
                    ws.write_blank(r, col, None, f.in_money)
            seq += 1
        rows = [sl.cells[(t.id, code, t.columns[0].key)][0] for code in sl.preset if len(code) == t.leaf_length]
        if sl.spare_rows and len(sl.code_cols) == 1:
            first, last = sl.spare_rows[0], sl.spare_rows[-1]
            c = sl.code_cols[0]
            self._list_validation(ws, first, c, last, c, codes_src, "新增科目编码",
                                  f"需要增加科目时，在此选择或输入{what}的编码，名称自动带出；类、款合计自动计算。",
                                  strict=False)
        elif sl.spare_rows:  # 类 | 款 | 项 cells: digits of each level's width
            first, last = sl.spare_rows[0], sl.spare_rows[-1]
            for c, (a, b) in zip(sl.code_cols, t.code_parts):
                cell = a1(first, c)
                ws.data_validation(first, c, last, c, {
                    "validate": "custom", "value": f'=AND(LEN({cell})={b - a},ISNUMBER(--{cell}))', "ignore_blank": True,
                    "input_title": "新增科目编码",
                    "input_message": f"需要增加科目时，按“类 | 款 | 项”分别填写{what}编码的各段（{b - a}位数字），名称自动带出。",
                    "error_type": "warning", "error_title": "编码位数不对",
                    "error_message": f"这一段编码应为{b - a}位数字（以文本填写，保留开头的0）。"})
        if sl.spare_rows:
            first, last = sl.spare_rows[0], sl.spare_rows[-1]
            self._text_validation(ws, first, sl.name_col, last, sl.name_col, "科目名称",
                                  "名称按代码表自动带出。代码表中没有的科目（显示“代码表中无此科目”）请在此直接填写科目名称。")
        spans = _runs(rows + list(sl.spare_rows))  # the input rows of this table, as runs of rows
        if spans:
            for c in t.columns:  # one rule per input column, over every input row
                if not c.formula:
                    col = sl.value_col[c.key]
                    ranges = [(r0, col, r1, col) for r0, r1 in spans]
                    self._money_validation(ws, *ranges[0], c.header, more=ranges[1:], unit=t.money_unit)

    def _fixed_rows(self, t: Table, ws, sl) -> None:
        f = self.f
        for i, fixed in enumerate(t.fixed_rows):
            r = sl.data_start + i
            self._seq(ws, sl, r, i + 1)
            col = 0 if sl.seq_col is None else 1
            for side in t.sides:
                item = fixed[side.key]
                lc = sl.label_cols[side.key]
                vc = col + (1 if lc is not None else 0)
                if item is None:
                    for c in range(col, vc + len(side.columns)):
                        ws.write_blank(r, c, None, f.text)
                else:
                    if lc is not None:
                        ws.write_string(r, lc, item.label, f.indent[min(item.indent, 3)])
                    for j, c in enumerate(side.columns):
                        key = (t.id, item.key, c.key)
                        self._cell(t, ws, key, r, vc + j, bold=not item.in_body)
                        if t.is_input(item.key, c.key):
                            self._money_validation(ws, r, vc + j, r, vc + j, f"{item.label or c.header}"[:32],
                                                   unit=t.money_unit)
                col = vc + len(side.columns)

    def _checks(self, t: Table, ws, sl, ncol: int) -> None:
        """The 校验 area: every balance of this table and every cross-table check shown here."""
        f = self.f
        items = [(f"{t.name}：{bal.title}", bal.left, bal.right, "eq") for bal in t.balances]
        items += [(f"[{c.code}] {c.title}", c.left, c.right, c.relation) for c in self.p.checks if t.id in c.show]
        if not items:
            return
        r = sl.check_start
        span = max(ncol - 3, 1)
        ws.merge_range(r, 0, r, span, "校验（填报中实时计算；差额应为 0，标“应≥0”的不能为负）", f.check_head)
        ws.write_string(r, span + 1, "差额", f.check_head)
        ws.write_string(r, span + 2, "结果", f.check_head)
        for label, left, right, rel in items:
            r += 1
            text = label + ("（应≥0）" if rel == "ge" else "")
            ws.merge_range(r, 0, r, span, text, f.check_label)
            width = sum(column_width(g) for g in t.grid[: span + 1])
            ws.set_row(r, 13.5 * text_lines(text, width) + 4)
            node = expr.Sum(((1, left), (-1, right)))
            diff = self.b.evaluate(left) - self.b.evaluate(right)
            self._formula(ws, r, span + 1, compile_formula(node, self.layout, t.id), f.check_value, float(diff))
            cell = a1(r, span + 1)
            ok = diff == 0 if rel == "eq" else diff >= 0
            cond = f"ROUND({cell},2)=0" if rel == "eq" else f"ROUND({cell},2)>=0"
            self._formula(ws, r, span + 2, f'=IF({cond},"一致","不一致")', f.check_label, "一致" if ok else "不一致")
        ws.conditional_format(sl.check_start + 1, span + 2, r, span + 2,
                              {"type": "cell", "criteria": "==", "value": '"不一致"', "format": f.bad})

    # ------------------------------------------------------------------ parts
    def _header_row(self, ws, r: int, fields: list[dict], first_col: int = 0,
                    widths: list[float] | None = None) -> None:
        """One header row; with ``widths``, as high as its longest wrapped header."""
        height = 15.0
        for c, fd in enumerate(fields):
            text = fd["header"].replace("{year}", str(self.b.year))
            ws.write_string(r, first_col + c, text, self.f.header)
            if widths is not None:
                height = max(height, 13.5 * text_lines(text, widths[first_col + c]) + 4)
        if widths is not None:
            ws.set_row(r, height)

    def _open_from(self, first: int, n: int, filled: int) -> int:
        """The first open row of a list of ``n`` rows from ``first`` with ``filled`` rows filled."""
        return min(first + n, first + filled + L.PART_SHOWN)

    def _grid_when_typed(self, ws, r0: int, r1: int, c1: int, inputs: list[int] | None = None) -> None:
        """Open rows ``r0``..``r1`` (columns 0..``c1``) get their grid, and their input columns
        (all unless ``inputs``) the input fill, once anything is typed in the row. One rule per
        cell (LibreOffice applies only the first rule that holds)."""
        if r1 < r0:
            return
        cols = list(range(c1 + 1)) if inputs is None else inputs
        runs = _runs(cols)  # a formula column shows 0, which LEN counts: only what can be typed
        typed = "=" + "+".join(f"SUMPRODUCT(LEN(${L.col_letter(a)}{r0 + 1}:${L.col_letter(b)}{r0 + 1}))"
                               for a, b in runs) + ">0"
        for group, fmt in ((runs, self.f.typed_input), (_runs(sorted(set(range(c1 + 1)) - set(cols))),
                                                         self.f.typed_grid)):
            if group:
                ws.conditional_format(r0, group[0][0], r1, group[0][1], {
                    "type": "formula", "criteria": typed, "format": fmt,
                    "multi_range": " ".join(xl_range(r0, a, r1, b) for a, b in group)})

    def _part_value(self, ws, r: int, c: int, fd: dict, value, open_row: bool = False) -> None:
        f = self.f
        typ = fd.get("type", "text")
        if open_row and value in (None, ""):
            kind = typ if typ in ("money", "number", "code") else "number" if typ == "integer" else "text"
            ws.write_blank(r, c, None, f.open[kind])
            return
        if typ in ("money", "number", "integer"):
            fmt = f.in_money if typ == "money" else f.in_number
            if value is None:
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_number(r, c, float(value), fmt)
        else:
            ws.write_string(r, c, value or "", f.in_code if typ == "code" else f.in_text)

    def _part_validation(self, ws, r0: int, r1: int, c: int, fd: dict) -> None:
        typ = fd.get("type", "text")
        header = fd["header"].replace("{year}", str(self.b.year))
        if typ == "money":
            self._money_validation(ws, r0, c, r1, c, header)
        elif typ in ("number", "integer"):
            cell = a1(r0, c)
            ws.data_validation(r0, c, r1, c, {
                "validate": "custom", "value": f"=AND(ISNUMBER({cell}),{cell}>=0)", "ignore_blank": True,
                "input_title": header[:32], "input_message": "填写不小于0的数字。",
                "error_title": "数量不正确", "error_message": "请填写不小于0的数字。"})
        elif fd.get("choices") and fd["key"] in self.choice_ranges:
            self._list_validation(ws, r0, c, r1, c, self.choice_ranges[fd["key"]], header, "请从下拉列表中选择。")
        else:
            self._text_validation(ws, r0, c, r1, c, header, f"填写{header}。")

    def _projects(self, ws) -> None:
        f = self.f
        parts = self.p.parts["projects"]
        first, n, ind_first, n_ind = L.project_rows(self.layout.parts)
        fields = [fd for fd in parts["fields"] if fd["type"] != "money4"]
        plan = next(fd for fd in parts["fields"] if fd["type"] == "money4")
        cols = fields[:5] + [{"key": f"plan{i}", "header": f"资金支出计划·{p}", "type": "money"} for i, p in
                             enumerate(plan["periods"])] + fields[5:]
        self._title(ws, "项目支出及绩效目标", len(cols))
        # one project a row, on one landscape page: codes whole, long texts wrapped
        widths = [30 if fd["type"] == "text" and fd["key"] in ("purpose", "goal") else
                  22 if fd["type"] == "code" else 16 if fd["type"] == "text" else 10 for fd in cols]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.write_string(1, 0, "每行一个项目；资金支出计划填截至各时点的累计数，12月底应等于预算数。"
                              "黄色行填满后接着往下填，填写的行自动加上表格线。", f.left)
        self._header_row(ws, first - 1, cols, widths=widths)
        projects = (self.b.supplement or {}).get("projects", [])
        open_from = self._open_from(first, n, len(projects))
        for i in range(n):
            r = first + i
            rec = projects[i] if i < len(projects) else {}
            for c, fd in enumerate(cols):
                if fd["key"].startswith("plan"):
                    vals = rec.get("plan") or []
                    k = int(fd["key"][4:])
                    self._part_value(ws, r, c, fd, vals[k] if k < len(vals) else None, r >= open_from)
                else:
                    self._part_value(ws, r, c, fd, rec.get(fd["key"]), r >= open_from)
        self._grid_when_typed(ws, open_from, first + n - 1, len(cols) - 1)
        for c, fd in enumerate(cols):
            self._part_validation(ws, first, first + n - 1, c, fd)
        ind_fields = [{"key": "project", "header": "项目编码", "type": "code"}] + parts["indicator_fields"]
        ws.write_string(ind_first - 2, 0, "绩效指标（每行一个指标，第一列填所属项目的项目编码）", f.left)
        self._header_row(ws, ind_first - 1, ind_fields, widths=widths)
        r = ind_first
        for rec in projects:
            for ind in rec.get("indicators", []):
                for c, fd in enumerate(ind_fields):
                    self._part_value(ws, r, c, fd, rec.get("code") if fd["key"] == "project" else ind.get(fd["key"]))
                r += 1
        open_from = self._open_from(ind_first, n_ind, r - ind_first)
        while r < ind_first + n_ind:
            for c, fd in enumerate(ind_fields):
                self._part_value(ws, r, c, fd, None, r >= open_from)
            r += 1
        self._grid_when_typed(ws, open_from, ind_first + n_ind - 1, len(ind_fields) - 1)
        code_src = f"=$A${first + 1}:$A${first + n}"
        self._list_validation(ws, ind_first, 0, ind_first + n_ind - 1, 0, code_src, "项目编码", "选择上表中的项目编码。")
        for c, fd in enumerate(ind_fields[1:], start=1):
            self._part_validation(ws, ind_first, ind_first + n_ind - 1, c, fd)
        self._print(ws, widths, [w if w <= 22 else 16 for w in widths], label_cols=2)
        self._protect(ws)

    def _procurement(self, ws) -> None:
        f = self.f
        parts = self.p.parts["procurement"]
        fields = parts["fields"]
        total_row, first, n = L.procurement_rows(self.layout.parts)
        self._title(ws, parts["title"], len(fields))
        ws.write_string(1, 0, self.b.label, f.left)
        ws.write_string(1, len(fields) - 1, f"单位：{self.p.money_unit}", f.right)
        widths = [22 if fd["key"] in ("project", "item") else 12 for fd in fields]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        # two header rows: a group's name merged across its columns, an ungrouped header merged
        # down over both rows; each row as high as its longest wrapped header
        heights = [15.0, 15.0]
        c = 0
        while c < len(fields):
            group, e = fields[c].get("group"), c
            while group and e + 1 < len(fields) and fields[e + 1].get("group") == group:
                e += 1
            for k in range(c, e + 1):
                header = fields[k]["header"].replace("{year}", str(self.b.year))
                if group:
                    ws.write_string(3, k, header, f.header)
                    heights[1] = max(heights[1], 13.5 * text_lines(header, widths[k]) + 4)
                else:
                    ws.merge_range(2, k, 3, k, header, f.header)
                    heights[1] = max(heights[1], 13.5 * text_lines(header, widths[k]) + 4 - heights[0])
            if group:
                span = sum(widths[c:e + 1])
                if e > c:
                    ws.merge_range(2, c, 2, e, group, f.header)
                else:
                    ws.write_string(2, c, group, f.header)
                heights[0] = max(heights[0], 13.5 * text_lines(group, span) + 4)
            c = e + 1
        ws.set_row(2, heights[0])
        ws.set_row(3, heights[1])
        lines = (self.b.supplement or {}).get("procurement", [])
        keyidx = {fd["key"]: c for c, fd in enumerate(fields)}
        ws.write_string(total_row, 0, TOTAL_LABEL, f.text)
        for c, fd in enumerate(fields):
            if fd["type"] == "money" and fd["key"] not in ("project_budget", "unit_price"):
                col = L.col_letter(c)
                total = sum((l.get(fd["key"]) or Decimal(0)) for l in lines) if fd["key"] != "total" else \
                    sum(procurement_funds(self.p, l) for l in lines)
                self._formula(ws, total_row, c, f"=SUM({col}{first + 1}:{col}{first + n})", f.money_bold, float(total))
            elif c:
                ws.write_blank(total_row, c, None, f.text)
        open_from = self._open_from(first, n, len(lines))
        for i in range(n):
            r = first + i
            rec = lines[i] if i < len(lines) else {}
            for c, fd in enumerate(fields):
                if fd.get("formula"):
                    node = expr.parse(fd["formula"])
                    terms = [f"{L.col_letter(keyidx[ref.col])}{r + 1}" for ref in expr.walk(node) if isinstance(ref, expr.Ref)]
                    self._formula(ws, r, c, "=" + "+".join(terms), f.open_calc if r >= open_from else f.money,
                                  float(procurement_funds(self.p, rec)) if rec else 0)
                else:
                    self._part_value(ws, r, c, fd, rec.get(fd["key"]), r >= open_from)
        self._grid_when_typed(ws, open_from, first + n - 1, len(fields) - 1,
                              [c for c, fd in enumerate(fields) if not fd.get("formula")])
        for c, fd in enumerate(fields):
            if not fd.get("formula"):
                self._part_validation(ws, first, first + n - 1, c, fd)
        ws.write_string(first + n + 1, 0, parts.get("note", ""), f.left)
        self._print(ws, widths, [10 if w > 12 else 9 for w in widths], repeat=(2, 3), label_cols=1)
        self._protect(ws)

    def _assets(self, ws) -> None:
        f = self.f
        parts = self.p.parts["assets"]
        self._title(ws, parts["title"], 3)
        ws.set_column(0, 0, 34)
        ws.set_column(1, 2, 18)
        assets = (self.b.supplement or {}).get("assets", {})
        ws.write_string(L.ASSET_ASOF_ROW, 0, "截止时间（上年末，YYYY-MM-DD）", f.text)
        ws.write_string(L.ASSET_ASOF_ROW, 1, assets.get("as_of") or f"{self.b.year - 1}-12-31", f.in_code)
        ws.data_validation(L.ASSET_ASOF_ROW, 1, L.ASSET_ASOF_ROW, 1, {
            "validate": "length", "criteria": "==", "value": 10, "input_title": "截止时间",
            "input_message": "格式：YYYY-MM-DD，例如 2023-12-31。", "error_title": "日期格式",
            "error_message": "请按 YYYY-MM-DD 填写。"})
        ws.write_string(3, 0, "项目", f.header)
        for c, col in enumerate(parts["columns"], start=1):
            ws.write_string(3, c, col["header"], f.header)
        rows = L.asset_rows(self.p)
        values = assets.get("values", {})
        for row in parts["rows"]:
            r = rows[row["key"]]
            ws.write_string(r, 0, row["label"], f.indent[1 if row.get("parent") else 0])
            rec = values.get(row["key"], {})
            for c, col in enumerate(parts["columns"], start=1):
                if row.get("formula") and col["type"] == "money":
                    node = expr.parse(row["formula"])
                    refs = [a1(rows[n.row], c) for n in expr.walk(node) if isinstance(n, expr.Ref)]
                    total = sum(((values.get(n.row, {}).get(col["key"]) or Decimal(0)) for n in expr.walk(node)
                                 if isinstance(n, expr.Ref)), Decimal(0))
                    self._formula(ws, r, c, "=" + "+".join(refs), f.money_bold, float(total))
                elif row.get("formula"):
                    ws.write_blank(r, c, None, f.text)
                else:
                    self._part_value(ws, r, c, col, rec.get(col["key"]))
                    self._part_validation(ws, r, r, c, col)
        self._print(ws, [34, 18, 18], repeat=(3, 3))
        self._protect(ws)

    def _text(self, ws) -> None:
        f = self.f
        self._title(ws, "情况说明", 3)
        ws.set_column(0, 0, 26)
        ws.set_column(1, 1, 18)
        ws.set_column(2, 2, 90)
        ws.write_string(1, 0, "各部分文字照单位原文填写；标“数字自动生成”的部分，数字由 budgetxl 按表格数据生成，"
                              "增减原因（“主要原因是……”）照这里所写的印出，请在这里写明原因。", f.left)
        ws.write_string(2, 0, "部分", f.header)
        ws.write_string(2, 1, "标题", f.header)
        ws.write_string(2, 2, "内容", f.header)
        narrative = (self.b.supplement or {}).get("narrative", {})
        for i, sec in enumerate(self.p.parts["narrative"]):
            r = L.TEXT_FIRST_ROW + i
            ws.write_string(r, 0, sec["section"], f.text)
            ws.write_string(r, 1, sec["title"] + ("（数字自动生成，原因在此填写）" if sec["kind"] == "generated" else ""), f.text)
            if sec["key"] in L.UNIT_TEXT:
                ws.write_string(r, 2, f"（在“{L.SHEET_UNIT}”页填写）", f.text)
                continue
            content = narrative.get(sec["key"], "")
            ws.write_string(r, 2, content, f.in_text)
            ws.set_row(r, min(409, max(30, 14 * text_lines(content, 88))))
            self._text_validation(ws, r, 2, r, 2, sec["title"], f"填写“{sec['title']}”的原文。")
        self._print(ws, [26, 18, 90], repeat=(2, 2))
        self._protect(ws)

    def _guide(self, ws) -> None:
        f = self.f
        width = GUIDE_WIDTH
        ws.set_column(0, 0, width)
        title = guide_title(self.b)
        ws.write_string(0, 0, title, f.guide_title)
        ws.set_row(0, 19 * text_lines(title, width / 1.4) + 5)  # 14-pt lines
        # which code lists the dropdowns come from: the bureau's, or budgetxl's own (not official),
        # and whether they are for another year than the budget's
        lines = guide_lines(self.b) + [f"科目代码表：{cl.describe(self.b.year)}。" for cl in (self.fcodes, self.ecodes)]
        r = 2
        for line in lines:
            ws.write_string(r, 0, line, f.guide)
            ws.set_row(r, 13.5 * text_lines(line, width) + 4)  # wrapped within the page, every line shown
            r += 1
        for i, (fmt, text) in enumerate(LEGEND, start=1):
            ws.write_string(r + i, 0, text, getattr(f, fmt))
        self._print(ws, [width])
        self._protect(ws)

    def _meta(self, ws) -> None:
        digest = formula_hash(self.formula_map)
        meta = {
            "generator": "budgetxl",
            "version": __version__,
            "profile": self.p.id,
            "unit_code": self.b.unit_code,
            "unit_name": self.b.unit_name,
            "year": str(self.b.year),
            "formula_hash": digest,
            "lists_hash": self.lists_hash,
            "lists_rows": str(self.lists_rows),
            "function_codes": self.fcodes.edition or self.fcodes.path,
            "economic_codes": self.ecodes.edition or self.ecodes.path,
            **self.layout.meta(),
        }
        for i, (k, v) in enumerate(meta.items()):
            ws.write_string(i, 0, k)
            ws.write_string(i, 1, v)
        ws.very_hidden()
        ws.protect(self.password)
        for k in ("profile", "version", "formula_hash", "unit_code", "year"):
            self.wb.set_custom_property(f"budgetxl.{k}", meta[k])
        self.meta_values = meta


class _RecSheet:
    """Stands in for an xlsxwriter worksheet in a dry run: remembers texts and input cells."""

    def __init__(self, name: str):
        self.name = name
        self.labels: dict[tuple[int, int], str] = {}
        self.inputs: set[tuple[int, int]] = set()
        self.state = "visible"

    def _mark(self, r, c, fmt):
        if isinstance(fmt, dict) and fmt.get("locked") is False:
            self.inputs.add((r, c))

    def write_string(self, r, c, text, fmt=None):
        self._mark(r, c, fmt)
        if not (isinstance(fmt, dict) and fmt.get("locked") is False):
            self.labels[(r, c)] = text

    def write_number(self, r, c, v, fmt=None):
        self._mark(r, c, fmt)

    def write_blank(self, r, c, v, fmt=None):
        self._mark(r, c, fmt)

    def write_formula(self, r, c, formula, fmt=None, value=None):
        pass

    def merge_range(self, r0, c0, r1, c1, text, fmt=None):
        self.labels[(r0, c0)] = text

    def hide(self):
        self.state = "hidden"

    def very_hidden(self):
        self.state = "veryHidden"

    def __getattr__(self, name):  # formatting and print setup: nothing to remember
        return lambda *a, **k: None


class _Recorder:
    """Stands in for an xlsxwriter workbook in a dry run."""

    def __init__(self):
        self.sheets: dict[str, _RecSheet] = {}

    def add_worksheet(self, name):
        self.sheets[name] = _RecSheet(name)
        return self.sheets[name]

    def add_format(self, props=None):
        return dict(props or {})

    def __getattr__(self, name):
        return lambda *a, **k: None


def formula_hash(formula_map: dict[str, str]) -> str:
    """sha256 of the sorted formula map (sheet!cell -> formula): the template fingerprint."""
    data = json.dumps(sorted(formula_map.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


GUIDE_WIDTH = 92  # one column of wrapped text that fits a portrait A4 page at full size


def write_template(budget: UnitBudget, out: str | Path, *, function_codes: CodeList | None = None,
                   economic_codes: CodeList | None = None, password: str | None = None,
                   spare: int | None = None, flat: bool = False, inputs=()) -> dict[str, str]:
    """Write an entry workbook for ``budget`` (blank if it has no inputs). Returns the fingerprint.

    ``flat`` puts every leaf code in an editable row (no preset 类/款 rows), the layout of a
    blank template filled in.
    """
    w = TemplateWriter(budget, function_codes=function_codes, economic_codes=economic_codes,
                       password=password, spare=spare, flat=flat)
    with atomic_path(out, inputs=inputs) as tmp:
        w.write(tmp)
    return w.meta_values
