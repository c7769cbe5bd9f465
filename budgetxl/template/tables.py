"""The entry sheets of the profile's tables: title, header and 栏次 rows, the preset and spare
rows of a coded table (codes, names from the code list, amounts) or the fixed rows of a table of
items, each total a locked formula with budgetxl's own value cached, and the 校验 area.

Each function takes the :class:`~budgetxl.template.writer.TemplateWriter` that writes the
workbook (``w``): its budget, profile, layout, formats and formula map.
"""

from __future__ import annotations

from decimal import Decimal

from .. import expr
from ..layout import header_cells
from ..render import page as print_page
from ..render.page import column_width, text_lines
from ..spec import LEVEL_NAMES, TOTAL, TOTAL_LABEL, Table
from . import layout as L
from .excel import compile_formula
from .layout import a1, runs
from .validation import code_part_validation, list_validation, money_validation, text_validation
from .workbook import protect, title_row


def write_table(w, t: Table, ws) -> None:
    """The entry sheet of table ``t``."""
    f, lay = w.f, w.layout
    sl = lay.sheets[t.id]
    grid = t.grid
    ncol = len(grid)
    widths = [column_width(g) for g in grid]
    if t.coded and len(sl.code_cols) == 1:
        widths[sl.code_cols[0]] = 12
    # columns planned for print first (names wrap down to 14, amounts keep 10): the header
    # heights below follow the widths the sheet really has
    first_value = min((c for c, g in enumerate(grid) if g.kind == "value"), default=0)
    page = print_page.plan(widths, [14 if g.kind in ("name", "label") else 10 if g.kind == "value" else width
                                    for g, width in zip(grid, widths)], label_cols=first_value)
    widths = page.widths
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    title_row(ws, f, w.p.printed_title(t, w.b.year), ncol)
    left_end = max(1, ncol // 2 - 1)
    ws.merge_range(1, 0, 1, left_end, w.b.label, f.left)
    ws.write_string(1, ncol // 2, f"预算年度：{w.b.year}", f.center)
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
        _coded_rows(w, t, ws, sl)
    else:
        _fixed_rows(w, t, ws, sl)
    _checks(w, t, ws, sl, ncol)
    print_page.apply(ws, page, (L.HEADER_TOP, sl.lanci_row))
    protect(ws, w.password)


def _cell(w, t: Table, ws, key, r: int, c: int, bold: bool = False) -> None:
    node = t.formula(key[1], key[2])
    if node is None:
        v = w.b.inputs.get(key)
        if v is None or v == 0:
            ws.write_blank(r, c, None, w.f.in_money)
        else:
            ws.write_number(r, c, float(v), w.f.in_money)
    else:
        fmt = w.f.money_bold if bold else w.f.money
        w.formula(ws, r, c, compile_formula(node, w.layout, t.id), fmt, float(w.b.cell_value(key)))


def _seq(w, ws, sl, r: int, n: int) -> None:
    if sl.seq_col is not None:
        ws.write_string(r, sl.seq_col, str(n), w.f.lanci)


def _coded_rows(w, t: Table, ws, sl) -> None:
    f = w.f
    r = sl.data_start
    _seq(w, ws, sl, r, 1)
    for c in sl.code_cols:
        ws.write_blank(r, c, None, f.code)
    ws.write_string(r, sl.name_col, TOTAL_LABEL, f.text)
    for c in t.columns:
        _cell(w, t, ws, (t.id, TOTAL, c.key), r, sl.value_col[c.key], bold=True)
    seq = 2
    for code in sl.preset:
        r = sl.cells[(t.id, code, t.columns[0].key)][0]
        _seq(w, ws, sl, r, seq)
        for c, part in zip(sl.code_cols, t.split_code(code)):
            ws.write_string(r, c, part, f.code)
        ws.write_string(r, sl.name_col, w.b.row_name(t.id, code), f.indent[min((len(code) - 3) // 2, 3)])
        for c in t.columns:
            _cell(w, t, ws, (t.id, code, c.key), r, sl.value_col[c.key], bold=len(code) < t.leaf_length)
        seq += 1
    codes_src, lookup = w.list_ranges[t.classification]
    n = t.leaf_length  # 项级（7位）支出功能分类科目, 款级（5位）经济分类科目
    what = f"{LEVEL_NAMES[n]}级（{n}位）" + ("支出功能分类科目" if t.classification == "function" else "经济分类科目")
    filled = w.spare_codes[t.id]
    for i, r in enumerate(sl.spare_rows):
        code = filled[i] if i < len(filled) else None
        _seq(w, ws, sl, r, seq)
        for c, part in zip(sl.code_cols, t.split_code(code) if code else [""] * len(sl.code_cols)):
            ws.write_string(r, c, part, f.in_code)
        code_cell = w.layout.code_cell(t.id, r)
        blank = " ".join(f'{a1(r, c)}=""' for c in sl.code_cols)
        blank = blank if len(sl.code_cols) == 1 else f"AND({blank.replace(' ', ',')})"
        name = (w.fcodes if t.classification == "function" else w.ecodes).name(code) if code else ""
        name = name if name is not None else "（代码表中无此科目）"
        # the name comes from the code list; for a code the list lacks the unit types the name over
        # the formula (the cell is unlocked; the reader takes the typed name, see `typable`)
        w.formula(ws, r, sl.name_col,
                  f'=IF({blank},"",IFERROR(VLOOKUP({code_cell}&"",{lookup},2,FALSE),"（代码表中无此科目）"))',
                  f.in_name, name)
        w.typable.add(f"{ws.name}!{a1(r, sl.name_col)}")
        for c in t.columns:
            col = sl.value_col[c.key]
            v = w.b.cell_value((t.id, code, c.key)) if code else Decimal(0)
            if c.formula:
                node = expr.bind(expr.parse(c.formula), t.id, f"@{r}", c.key)
                w.formula(ws, r, col, compile_formula(node, w.layout, t.id), f.money, float(v))
            elif v:
                ws.write_number(r, col, float(v), f.in_money)
            else:
                ws.write_blank(r, col, None, f.in_money)
        seq += 1
    rows = [sl.cells[(t.id, code, t.columns[0].key)][0] for code in sl.preset if len(code) == t.leaf_length]
    if sl.spare_rows and len(sl.code_cols) == 1:
        first, last = sl.spare_rows[0], sl.spare_rows[-1]
        c = sl.code_cols[0]
        list_validation(ws, first, c, last, c, codes_src, "新增科目编码",
                        f"需要增加科目时，在此选择或输入{what}的编码，名称自动带出；类、款合计自动计算。",
                        strict=False)
    elif sl.spare_rows:  # 类 | 款 | 项 cells: digits of each level's width
        first, last = sl.spare_rows[0], sl.spare_rows[-1]
        for c, (a, b) in zip(sl.code_cols, t.code_parts):
            code_part_validation(ws, first, c, last, b - a, what)
    if sl.spare_rows:
        first, last = sl.spare_rows[0], sl.spare_rows[-1]
        text_validation(ws, first, sl.name_col, last, sl.name_col, "科目名称",
                        "名称按代码表自动带出。代码表中没有的科目（显示“代码表中无此科目”）请在此直接填写科目名称。")
    spans = runs(rows + list(sl.spare_rows))  # the input rows of this table, as runs of rows
    if spans:
        for c in t.columns:  # one rule per input column, over every input row
            if not c.formula:
                col = sl.value_col[c.key]
                ranges = [(r0, col, r1, col) for r0, r1 in spans]
                money_validation(ws, *ranges[0], t.money_unit, c.header, more=ranges[1:])


def _fixed_rows(w, t: Table, ws, sl) -> None:
    f = w.f
    for i, fixed in enumerate(t.fixed_rows):
        r = sl.data_start + i
        _seq(w, ws, sl, r, i + 1)
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
                    _cell(w, t, ws, key, r, vc + j, bold=not item.in_body)
                    if t.is_input(item.key, c.key):
                        money_validation(ws, r, vc + j, r, vc + j, t.money_unit, f"{item.label or c.header}"[:32])
            col = vc + len(side.columns)


def _checks(w, t: Table, ws, sl, ncol: int) -> None:
    """The 校验 area: every balance of this table and every cross-table check shown here."""
    f = w.f
    items = [(f"{t.name}：{bal.title}", bal.left, bal.right, "eq") for bal in t.balances]
    items += [(f"[{c.code}] {c.title}", c.left, c.right, c.relation) for c in w.p.checks if t.id in c.show]
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
        diff = w.b.evaluate(left) - w.b.evaluate(right)
        w.formula(ws, r, span + 1, compile_formula(node, w.layout, t.id), f.check_value, float(diff))
        cell = a1(r, span + 1)
        ok = diff == 0 if rel == "eq" else diff >= 0
        cond = f"ROUND({cell},2)=0" if rel == "eq" else f"ROUND({cell},2)>=0"
        w.formula(ws, r, span + 2, f'=IF({cond},"一致","不一致")', f.check_label, "一致" if ok else "不一致")
    ws.conditional_format(sl.check_start + 1, span + 2, r, span + 2,
                          {"type": "cell", "criteria": "==", "value": '"不一致"', "format": f.bad})
