"""The entry sheets of the supplementary parts the profile declares (parts.toml): the institutions
list on the 单位信息 sheet, the projects with their performance indicators, the procurement lines
and the fixed assets. Their columns and rows are the parts' declared fields.

Each function takes the :class:`~budgetxl.template.writer.TemplateWriter` that writes the
workbook (``w``).
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_range

from .. import expr
from ..render.page import text_lines
from ..spec import TOTAL_LABEL
from ..supplement import procurement_funds
from . import layout as L
from .layout import a1, runs
from .printing import print_setup
from .validation import date_validation, field_validation, list_validation, text_validation
from .workbook import protect, title_row


def header_row(w, ws, r: int, fields: list[dict], first_col: int = 0,
               widths: list[float] | None = None) -> None:
    """One header row; with ``widths``, as high as its longest wrapped header."""
    height = 15.0
    for c, fd in enumerate(fields):
        text = fd["header"].replace("{year}", str(w.b.year))
        ws.write_string(r, first_col + c, text, w.f.header)
        if widths is not None:
            height = max(height, 13.5 * text_lines(text, widths[first_col + c]) + 4)
    if widths is not None:
        ws.set_row(r, height)


def open_from(first: int, n: int, filled: int) -> int:
    """The first open row of a list of ``n`` rows from ``first`` with ``filled`` rows filled."""
    return min(first + n, first + filled + L.PART_SHOWN)


def grid_when_typed(w, ws, r0: int, r1: int, c1: int, inputs: list[int] | None = None) -> None:
    """Open rows ``r0``..``r1`` (columns 0..``c1``) get their grid, and their input columns
    (all unless ``inputs``) the input fill, once anything is typed in the row. One rule per
    cell (LibreOffice applies only the first rule that holds)."""
    if r1 < r0:
        return
    cols = list(range(c1 + 1)) if inputs is None else inputs
    spans = runs(cols)  # a formula column shows 0, which LEN counts: only what can be typed
    typed = "=" + "+".join(f"SUMPRODUCT(LEN(${L.col_letter(a)}{r0 + 1}:${L.col_letter(b)}{r0 + 1}))"
                           for a, b in spans) + ">0"
    for group, fmt in ((spans, w.f.typed_input), (runs(sorted(set(range(c1 + 1)) - set(cols))), w.f.typed_grid)):
        if group:
            ws.conditional_format(r0, group[0][0], r1, group[0][1], {
                "type": "formula", "criteria": typed, "format": fmt,
                "multi_range": " ".join(xl_range(r0, a, r1, b) for a, b in group)})


def part_value(w, ws, r: int, c: int, fd: dict, value, open_row: bool = False) -> None:
    """An input cell of a part's field, with the unit's value if it has one (an open row's
    empty cell: unlocked, with no grid until something is typed in its row)."""
    f = w.f
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


def part_validation(w, ws, r0: int, r1: int, c: int, fd: dict) -> None:
    field_validation(ws, r0, r1, c, fd, year=w.b.year, unit=w.p.money_unit, choice_ranges=w.choice_ranges)


def write_institutions(w, ws) -> None:
    """The institutions list under the unit's fields on the 单位信息 sheet."""
    f = w.f
    hr = L.institutions_header_row(w.b.profile)
    fields = w.p.parts["institutions"]["fields"]
    ws.merge_range(hr - 1, 0, hr - 1, len(fields) - 1, w.p.parts["institutions"]["title"], f.header)
    for c, fd in enumerate(fields):
        ws.write_string(hr, c, fd["header"], f.header)
    insts = (w.b.supplement or {}).get("institutions", [])
    n = w.layout.parts["institutions"]
    start = open_from(hr + 1, n, len(insts))
    for i in range(n):
        r = hr + 1 + i
        rec = insts[i] if i < len(insts) else {}
        for c, fd in enumerate(fields):
            if r >= start:
                ws.write_blank(r, c, None, f.open["text"])
            else:
                ws.write_string(r, c, rec.get(fd["key"], ""), f.in_text)
    grid_when_typed(w, ws, start, hr + n, len(fields) - 1)
    for c, fd in enumerate(fields):
        if fd.get("choices"):
            list_validation(ws, hr + 1, c, hr + n, c, w.choice_ranges[fd["key"]], fd["header"], "请从下拉列表中选择。")
        else:
            text_validation(ws, hr + 1, c, hr + n, c, fd["header"], f"填写{fd['header']}。")


def write_projects(w, ws) -> None:
    f = w.f
    entry = L.part_entry(w.p, "projects")
    first, n, ind_first, n_ind = L.project_rows(w.layout.parts)
    cols, ind_fields = L.project_columns(w.p)
    title_row(ws, f, entry["title"], len(cols))
    # one project a row, on one landscape page: codes whole, long texts wrapped
    wide = set(entry.get("wide", ()))
    widths = [30 if fd["type"] == "text" and fd["key"] in wide else
              22 if fd["type"] == "code" else 16 if fd["type"] == "text" else 10 for fd in cols]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    ws.write_string(1, 0, entry["note"], f.left)
    header_row(w, ws, first - 1, cols, widths=widths)
    projects = (w.b.supplement or {}).get("projects", [])
    start = open_from(first, n, len(projects))
    for i in range(n):
        r = first + i
        rec = projects[i] if i < len(projects) else {}
        for c, fd in enumerate(cols):
            if "of" in fd:  # one period of a money4 field
                vals = rec.get(fd["of"]) or []
                k = fd["period"]
                part_value(w, ws, r, c, fd, vals[k] if k < len(vals) else None, r >= start)
            else:
                part_value(w, ws, r, c, fd, rec.get(fd["key"]), r >= start)
    grid_when_typed(w, ws, start, first + n - 1, len(cols) - 1)
    for c, fd in enumerate(cols):
        part_validation(w, ws, first, first + n - 1, c, fd)
    ws.write_string(ind_first - 2, 0, entry["indicators_note"], f.left)
    header_row(w, ws, ind_first - 1, ind_fields, widths=widths)
    r = ind_first
    for rec in projects:
        for ind in rec.get("indicators", []):
            for c, fd in enumerate(ind_fields):
                part_value(w, ws, r, c, fd, rec.get(entry["indicator_project"]) if c == 0 else ind.get(fd["key"]))
            r += 1
    start = open_from(ind_first, n_ind, r - ind_first)
    while r < ind_first + n_ind:
        for c, fd in enumerate(ind_fields):
            part_value(w, ws, r, c, fd, None, r >= start)
        r += 1
    grid_when_typed(w, ws, start, ind_first + n_ind - 1, len(ind_fields) - 1)
    code_src = f"=$A${first + 1}:$A${first + n}"
    link = ind_fields[0]["header"]
    list_validation(ws, ind_first, 0, ind_first + n_ind - 1, 0, code_src, link, f"选择上表中的{link}。")
    for c, fd in enumerate(ind_fields[1:], start=1):
        part_validation(w, ws, ind_first, ind_first + n_ind - 1, c, fd)
    print_setup(ws, widths, [width if width <= 22 else 16 for width in widths], label_cols=2)
    protect(ws, w.password)


def write_procurement(w, ws) -> None:
    f = w.f
    parts = w.p.parts["procurement"]
    fields = parts["fields"]
    total_row, first, n = L.procurement_rows(w.layout.parts)
    title_row(ws, f, parts["title"], len(fields))
    ws.write_string(1, 0, w.b.label, f.left)
    ws.write_string(1, len(fields) - 1, f"单位：{w.p.money_unit}", f.right)
    wide = set(L.part_entry(w.p, "procurement").get("wide", ()))
    widths = [22 if fd["key"] in wide else 12 for fd in fields]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    # two header rows: a group's name merged across its columns, an ungrouped header merged
    # down over both rows; each row as high as its longest wrapped header
    heights = [15.0, 15.0]
    c = 0
    while c < len(fields):
        group, e = fields[c].get("group"), c
        while group and e + 1 < len(fields) and fields[e + 1].get("group") == group:
            e += 1
        for k in range(c, e + 1):
            header = fields[k]["header"].replace("{year}", str(w.b.year))
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
    lines = (w.b.supplement or {}).get("procurement", [])
    keyidx = {fd["key"]: c for c, fd in enumerate(fields)}
    ws.write_string(total_row, 0, TOTAL_LABEL, f.text)
    summed = set(parts["print"]["sum_fields"])  # the columns the 合计 row sums, as the printed form does
    for c, fd in enumerate(fields):
        if fd["key"] in summed:
            col = L.col_letter(c)
            total = sum((line.get(fd["key"]) or Decimal(0)) for line in lines) if not fd.get("formula") else \
                sum(procurement_funds(w.p, line) for line in lines)
            w.formula(ws, total_row, c, f"=SUM({col}{first + 1}:{col}{first + n})", f.money_bold, float(total))
        elif c:
            ws.write_blank(total_row, c, None, f.text)
    start = open_from(first, n, len(lines))
    for i in range(n):
        r = first + i
        rec = lines[i] if i < len(lines) else {}
        for c, fd in enumerate(fields):
            if fd.get("formula"):
                node = expr.parse(fd["formula"])
                terms = [f"{L.col_letter(keyidx[ref.col])}{r + 1}" for ref in expr.walk(node) if isinstance(ref, expr.Ref)]
                w.formula(ws, r, c, "=" + "+".join(terms), f.open_calc if r >= start else f.money,
                          float(procurement_funds(w.p, rec)) if rec else 0)
            else:
                part_value(w, ws, r, c, fd, rec.get(fd["key"]), r >= start)
    grid_when_typed(w, ws, start, first + n - 1, len(fields) - 1,
                    [c for c, fd in enumerate(fields) if not fd.get("formula")])
    for c, fd in enumerate(fields):
        if not fd.get("formula"):
            part_validation(w, ws, first, first + n - 1, c, fd)
    ws.write_string(first + n + 1, 0, parts.get("note", ""), f.left)
    print_setup(ws, widths, [10 if width > 12 else 9 for width in widths], repeat=(2, 3), label_cols=1)
    protect(ws, w.password)


def write_assets(w, ws) -> None:
    f = w.f
    parts = w.p.parts["assets"]
    entry = L.part_entry(w.p, "assets")
    title_row(ws, f, parts["title"], 3)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2, 18)
    assets = (w.b.supplement or {}).get("assets", {})
    ws.write_string(L.ASSET_ASOF_ROW, 0, entry["as_of_label"], f.text)
    ws.write_string(L.ASSET_ASOF_ROW, 1, assets.get("as_of") or f"{w.b.year - 1}-12-31", f.in_code)
    date_validation(ws, L.ASSET_ASOF_ROW, 1, entry["as_of_title"])
    ws.write_string(3, 0, entry["label_header"], f.header)
    for c, col in enumerate(parts["columns"], start=1):
        ws.write_string(3, c, col["header"], f.header)
    rows = L.asset_rows(w.p)
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
                w.formula(ws, r, c, "=" + "+".join(refs), f.money_bold, float(total))
            elif row.get("formula"):
                ws.write_blank(r, c, None, f.text)
            else:
                part_value(w, ws, r, c, col, rec.get(col["key"]))
                part_validation(w, ws, r, r, c, col)
    print_setup(ws, [34, 18, 18], repeat=(3, 3))
    protect(ws, w.password)
