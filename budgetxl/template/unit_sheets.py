"""The unit's own sheets: 单位信息 (code, name, year, the texts entered there, last year's
figures, and the institutions list where the profile declares it) and 情况说明 (the original
text of each narrative part the profile declares).

Each function takes the :class:`~budgetxl.template.writer.TemplateWriter` that writes the
workbook (``w``).
"""

from __future__ import annotations

from ..render.page import text_lines
from . import layout as L
from .part_sheets import write_institutions
from .printing import print_setup
from .validation import money_validation, text_validation
from .workbook import protect, title_row


def write_unit(w, ws) -> None:
    f = w.f
    title_row(ws, f, "单位信息", 6)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 5, 16)
    rows = L.unit_rows(w.b.profile)
    prev = (w.b.supplement or {}).get("previous", {})
    for key, label, kind in L.unit_fields(w.b.profile):
        r = rows[key]
        ws.write_string(r, 0, label, f.text)
        if kind == "fixed":
            value = {"unit_code": w.b.unit_code, "unit_name": w.b.unit_name, "year": str(w.b.year)}[key]
            ws.write_string(r, 1, value, f.text)
        elif kind == "text":
            content = (w.b.supplement or {}).get("narrative", {}).get(key, "")
            ws.merge_range(r, 1, r, 5, content, f.in_text)
            ws.set_row(r, min(409, max(60, 14 * text_lines(content, 75))))
            text_validation(ws, r, 1, r, 5, label, f"填写{label}（照单位原文）。")
        else:
            v = prev.get(L.previous_key(key))
            if v is None:
                ws.write_blank(r, 1, None, f.in_money)
            else:
                ws.write_number(r, 1, float(v), f.in_money)
            money_validation(ws, r, 1, r, 1, w.p.text_unit, label)
    if "institutions" not in w.p.parts:
        print_setup(ws, [30] + [16] * 5)
        protect(ws, w.password)
        return
    write_institutions(w, ws)
    print_setup(ws, [30] + [16] * 5)
    protect(ws, w.password)


def write_text(w, ws) -> None:
    f = w.f
    title_row(ws, f, "情况说明", 3)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 90)
    ws.write_string(1, 0, "各部分文字照单位原文填写；标“数字自动生成”的部分，数字由 budgetxl 按表格数据生成，"
                          "增减原因（“主要原因是……”）照这里所写的印出，请在这里写明原因。", f.left)
    ws.write_string(2, 0, "部分", f.header)
    ws.write_string(2, 1, "标题", f.header)
    ws.write_string(2, 2, "内容", f.header)
    narrative = (w.b.supplement or {}).get("narrative", {})
    for i, sec in enumerate(w.p.parts["narrative"]):
        r = L.TEXT_FIRST_ROW + i
        ws.write_string(r, 0, sec["section"], f.text)
        ws.write_string(r, 1, sec["title"] + ("（数字自动生成，原因在此填写）" if sec["kind"] == "generated" else ""), f.text)
        if sec["key"] in L.UNIT_TEXT:
            ws.write_string(r, 2, f"（在“{L.SHEET_UNIT}”页填写）", f.text)
            continue
        content = narrative.get(sec["key"], "")
        ws.write_string(r, 2, content, f.in_text)
        ws.set_row(r, min(409, max(30, 14 * text_lines(content, 88))))
        text_validation(ws, r, 2, r, 2, sec["title"], f"填写“{sec['title']}”的原文。")
    print_setup(ws, [26, 18, 90], repeat=(2, 2))
    protect(ws, w.password)
