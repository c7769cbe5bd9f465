"""The consolidated workbook (budgetxl consolidate -o): a summary with charts, the tables for all
units and for each group, a per-unit overview, the manifest, the findings and (if not too large)
the facts, from a :class:`~budgetxl.consolidate.Consolidation`."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from .consolidate import (ALL, EXCLUDED, MANIFEST_HEADER, MAX_FACT_ROWS_IN_WORKBOOK, STATUS_CN, Consolidation,
                          fact_rows, facts_overflow, key_totals, manifest_rows)
from .facts import FACT_COLUMNS
from .fileio import atomic_path
from .render import page
from .render.official import SAFE_OPTIONS, Styles, write_table_sheet, write_tables_stacked

CHART_PX = (480, 288)  # xlsxwriter's default chart size
# every text of a chart in the tables' font (a chart names Calibri otherwise, printed with a Latin
# fallback font for its digits)
CHART_FONT = {"name": "宋体"}
ROW_PX = 20  # a default row


def _place_charts(ws, charts: list, first_row: int) -> None:
    """Print the summary sheet whole: its data, then each chart below it in column A, starting a
    page of its own (a page break before it), so that a chart is never cut across pages; the
    sheet prints landscape, fit to one page wide."""
    r, breaks = first_row, []
    for chart, opts in charts:
        breaks.append(r)
        chart.set_size({"x_scale": opts.get("x_scale", 1), "y_scale": opts.get("y_scale", 1)})
        ws.insert_chart(r, 0, chart, {"x_offset": 10, "y_offset": 10, "object_position": 3})
        r += -(-int(CHART_PX[1] * opts.get("y_scale", 1) + 20) // ROW_PX) + 1
    ws.set_h_pagebreaks(breaks)
    plan = page.plan([28] + [16] * 8, [20] + [12] * 8, landscape=True)
    for i, w in enumerate(plan.widths):
        ws.set_column(i, i, w)
    page.apply(ws, plan)
    ws.print_area(0, 0, r, len(plan.widths) - 1)


def write_workbook(c: Consolidation, out: Path, facts_name: str | None = None) -> None:
    """The consolidated workbook: summary with charts, the nine tables for all units and for each
    group, a per-unit overview, the manifest, the findings and (if not too large) the facts."""
    with atomic_path(out) as tmp:
        # in memory: xlsxwriter's own temporary files would outlive a killed run
        wb = xlsxwriter.Workbook(str(tmp), {**SAFE_OPTIONS, "in_memory": True})
        kind = c.totals[ALL].profile.budget_kind
        wb.set_properties({"title": f"{c.year}年{kind}汇总", "author": "budgetxl"})
        st = Styles(wb)
        bold = wb.add_format({"bold": True, "font_name": "宋体"})
        money = wb.add_format({"num_format": "#,##0.00", "font_name": "宋体"})
        text = wb.add_format({"font_name": "宋体"})
        head = wb.add_format({"bold": True, "font_name": "宋体", "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        cell = wb.add_format({"font_name": "宋体", "text_wrap": True, "valign": "top"})  # the list sheets' text
        summary = wb.add_worksheet("汇总说明")
        overall = c.totals[ALL]
        for t in overall.profile.ordered:
            write_table_sheet(wb, st, t, overall)
        used = set(wb.sheetnames) | {"汇总说明", "单位明细", "清单", "审核问题", "数据"}
        for g in (g for g in c.totals if g != ALL):  # each 部门: its nine tables on one sheet
            write_tables_stacked(wb, st, c.totals[g], _sheet_name(f"部门-{g}", used))
        # summary sheet
        counts: dict[str, int] = {}
        for o in c.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        files = len({o.file for o in c.outcomes})
        summary.set_column(0, 0, 28)
        summary.set_column(1, 8, 16)
        summary.write_string(0, 0, f"{c.year}年{kind}汇总（表样 {c.profile}）", wb.add_format({"bold": True, "font_size": 14}))
        lines = [("输入文件", files), ("单位", len(c.outcomes))] + [(STATUS_CN[k], v) for k, v in sorted(counts.items())]
        for i, (k, v) in enumerate(lines, start=2):
            summary.write_string(i, 0, k, text)
            summary.write_number(i, 1, v, text)
        r = len(lines) + 3
        summary.write_string(r, 0, "汇总范围", head)
        totals = key_totals(overall.profile)
        for j, (h, _node) in enumerate(totals, start=1):
            summary.write_string(r, j, h, head)
        for i, g in enumerate(c.totals, start=1):
            b = c.totals[g]
            summary.write_string(r + i, 0, g, text)
            for j, (_h, node) in enumerate(totals, start=1):
                summary.write_number(r + i, j, float(b.evaluate(node)), money)
        # chart data: expenditure by 类 (non-zero), basic vs project
        charts: list = []
        r2 = r + len(c.totals) + 3
        summary.write_string(r2, 0, "支出功能分类（类）", head)
        roles = overall.profile.roles
        t1 = overall.profile.tables[roles.table_id("summary")]
        summary.write_string(r2, 1, f"金额（{t1.money_unit}）", head)
        classes = [(it.label, overall.value(t1, it.key, t1.item_columns(it)[0].key)) for it in t1.items.values()
                   if it.class_code]
        classes = [(lab, v) for lab, v in classes if v]
        for i, (lab, v) in enumerate(classes, start=1):
            summary.write_string(r2 + i, 0, lab, text)
            summary.write_number(r2 + i, 1, float(v), money)
        if classes:
            ch = wb.add_chart({"type": "bar"})
            ch.add_series({"name": "支出", "categories": ["汇总说明", r2 + 1, 0, r2 + len(classes), 0],
                           "values": ["汇总说明", r2 + 1, 1, r2 + len(classes), 1],
                           "data_labels": {"value": True, "font": CHART_FONT}})
            ch.set_title({"name": "支出按功能分类（类）", "name_font": {**CHART_FONT, "size": 14, "bold": True}})
            ch.set_x_axis({"num_font": CHART_FONT})
            ch.set_y_axis({"num_font": CHART_FONT})
            ch.set_legend({"none": True})
            charts.append((ch, {"x_scale": 1.3, "y_scale": 1.3}))
        r3 = r2 + len(classes) + 3
        summary.write_string(r3, 0, "支出性质", head)
        summary.write_string(r3, 1, f"金额（{overall.profile.figure_unit(roles.figure(roles.headline_entry('basic').figure).node)}）", head)
        split = [(h.name, overall.evaluate(roles.figure(h.figure).node))
                 for h in (roles.headline_entry("basic"), roles.headline_entry("project"))]
        for i, (lab, v) in enumerate(split, start=1):
            summary.write_string(r3 + i, 0, lab, text)
            summary.write_number(r3 + i, 1, float(v), money)
        pie = wb.add_chart({"type": "pie"})
        pie.add_series({"name": "基本支出与项目支出", "categories": ["汇总说明", r3 + 1, 0, r3 + 2, 0],
                        "values": ["汇总说明", r3 + 1, 1, r3 + 2, 1],
                        "data_labels": {"percentage": True, "font": CHART_FONT}})
        pie.set_title({"name": "基本支出与项目支出", "name_font": {**CHART_FONT, "size": 14, "bold": True}})
        pie.set_legend({"font": CHART_FONT})
        charts.append((pie, {}))
        _place_charts(summary, charts, r3 + len(split) + 3)
        # per-unit overview
        ov = wb.add_worksheet("单位明细")
        heads = ["单位编码", "单位名称", "部门", "状态"] + [h for h, _ in totals] + ["错误数", "警告数", "文件"]
        for j, h in enumerate(heads):
            ov.write_string(0, j, h, head)
        ov.freeze_panes(1, 2)
        _print_list(ov, [(10, 8), (30, 12), (12, 8), (14, 10)] + [(14, 11)] * len(totals) + [(7, 6), (7, 6), (30, 12)],
                    label_cols=2)
        for i, o in enumerate(sorted(c.outcomes, key=lambda o: (o.unit_code, o.file)), start=1):
            vals = [o.unit_code, o.unit_name, c.groups.get(o.unit_code, "") if c.groups else "", STATUS_CN[o.status]]
            for j, v in enumerate(vals):
                ov.write_string(i, j, str(v), cell)
            for j, (h, _node) in enumerate(totals, start=4):
                if h in o.totals:
                    ov.write_number(i, j, float(o.totals[h]), money)
            ov.write_number(i, 4 + len(totals), o.errors, cell)
            ov.write_number(i, 5 + len(totals), o.warnings, cell)
            ov.write_string(i, 6 + len(totals), o.file, cell)
        if len(c.outcomes):
            ov.autofilter(0, 0, len(c.outcomes), len(heads) - 1)
        # manifest
        man = wb.add_worksheet("清单")
        for j, h in enumerate(MANIFEST_HEADER):
            man.write_string(0, j, h, head)
        for i, row in enumerate(manifest_rows(c), start=1):
            for j, v in enumerate(row):
                if isinstance(v, int):
                    man.write_number(i, j, v, cell)
                else:
                    man.write_string(i, j, str(v), cell)
        man.freeze_panes(1, 0)
        # 文件 sha256 状态 原因 单位编码 单位名称 年度 部门 模板指纹 错误数 警告数 处理办法
        _print_list(man, [(30, 14), (18, 10), (14, 10), (40, 20), (10, 8), (24, 12), (6, 6), (10, 8), (18, 10),
                          (7, 6), (7, 6), (40, 20)], label_cols=1)
        man.autofilter(0, 0, max(1, len(c.outcomes)), len(MANIFEST_HEADER) - 1)
        # findings
        fs = wb.add_worksheet("审核问题")
        fh = ["文件", "单位编码", "单位名称", "状态", "规则", "级别", "问题", "工作表", "单元格"]
        for j, h in enumerate(fh):
            fs.write_string(0, j, h, head)
        i = 1
        for o in c.outcomes:
            items = o.findings or ([{"code": "READ", "severity": "error", "message": o.reason, "sheet": "", "cell": ""}]
                                   if o.status in EXCLUDED else [])
            for f in items:
                row = [o.file, o.unit_code, o.unit_name, STATUS_CN[o.status], f["code"],
                       {"error": "错误", "warning": "警告", "info": "提示"}[f["severity"]], f["message"], f["sheet"],
                       f["cell"]]
                for j, v in enumerate(row):
                    fs.write_string(i, j, str(v), cell)
                i += 1
        fs.freeze_panes(1, 0)
        _print_list(fs, [(20, 12), (10, 8), (20, 12), (14, 10), (7, 7), (6, 6), (60, 30), (18, 10), (8, 8)],
                    label_cols=1)
        # facts
        data = wb.add_worksheet("数据")
        for j, h in enumerate(FACT_COLUMNS):
            data.write_string(0, j, h, head)
        if facts_overflow(c):
            data.write_string(1, 0, f"数据超过 {MAX_FACT_ROWS_IN_WORKBOOK} 行，不列在工作簿中：完整数据见 --facts 文件"
                                    f"（{facts_name or out.stem + '_数据.csv'}）", bold)
        else:
            for n, row in enumerate(fact_rows(c), start=1):
                for j, v in enumerate(row[:7]):
                    data.write_string(n, j, str(v), cell)
                data.write_number(n, 7, float(row[7]), money)
        _print_list(data, [(10, 8), (24, 12), (6, 6), (24, 14), (10, 10), (24, 14), (16, 10), (14, 14)], label_cols=2)
        summary.activate()
        wb.close()


def _print_list(ws, columns: list[tuple[float, float]], label_cols: int = 0) -> None:
    """A list sheet's columns ((width, narrowest width) each, text wrapping) and print setup: A4,
    the orientation and widths budgetxl.render.page plans so it prints one page wide at a legible
    size, its header row repeated on every page."""
    plan = page.plan([w for w, _ in columns], [f for _, f in columns], label_cols=label_cols)
    for i, w in enumerate(plan.widths):
        ws.set_column(i, i, w)
    page.apply(ws, plan, repeat_rows=(0, 0))


def _sheet_name(name: str, used: set[str]) -> str:
    for ch in '[]:*?/\\':
        name = name.replace(ch, "_")
    base = name[:31]
    cand, i = base, 2
    while cand in used:
        suffix = f"~{i}"
        cand = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(cand)
    return cand
