"""Reports of a check run: human (grouped, coloured on a terminal), JSON, CSV, and an annotated
copy of a workbook with every finding's cell highlighted and commented."""

from __future__ import annotations

import json
from pathlib import Path

from ..findings import SEVERITY_CN, Finding
from .runner import CheckResult

FIELDS = ["code", "severity", "message", "file", "unit", "table", "sheet", "cell", "row", "column", "expected",
          "actual", "difference", "tolerance"]
COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def summary(results: list[CheckResult]) -> dict:
    counts = {s: sum(r.count(s) for r in results) for s in ("error", "warning", "info")}
    return {"files": len({r.file for r in results}), "units": sum(1 for r in results if r.budget is not None),
            "unreadable": sum(1 for r in results if r.unreadable), **counts}


def summary_line(results: list[CheckResult]) -> str:
    s = summary(results)
    line = f"共检查 {s['files']} 个文件、{s['units']} 个单位：错误 {s['error']} 个，警告 {s['warning']} 个，提示 {s['info']} 个"
    if s["unreadable"]:
        line += f"；{s['unreadable']} 个文件无法读取"
    return line + "。"


def human(results: list[CheckResult], colour: bool = False) -> str:
    import click

    out = []
    for r in results:
        head = r.file if r.budget is None else f"{r.file}（{r.budget.label}，{r.budget.year}年）"
        out.append(click.style(head, bold=True) if colour else head)
        if r.unreadable:
            out.append(f"  无法读取：{r.unreadable}")
            continue
        if r.not_applicable:
            out.append(f"  不适用于表样 {r.profile} 的规则（未检查）：" +
                       "；".join(f"{c} {why}" for c, why in sorted(r.not_applicable.items())))
        if not r.findings and not r.not_checked:
            out.append("  未发现问题。")
            continue
        by_table: dict[str, list[Finding]] = {}
        for f in r.findings:
            by_table.setdefault(f.table or f.sheet or "整体", []).append(f)
        for table, items in by_table.items():
            out.append(f"  {table}")
            for f in items:
                sev = SEVERITY_CN[f.severity]
                if colour:
                    sev = click.style(sev, fg=COLOURS[f.severity], bold=f.severity == "error")
                where = f" {f.sheet}!{f.cell}" if f.sheet and f.cell else ""
                if not where and f.extra.get("origin"):
                    where = f"（{f.extra['origin']}）"
                out.append(f"    {f.code} {sev}{where}：{f.message}")
        if r.not_checked:
            out.append(f"  无法审核（缺少{r.not_checked[0]['missing']}）：" + "、".join(
                f"{n['rule']} {n['title']}" for n in r.not_checked))
    out.append(summary_line(results))
    return "\n".join(out)


def as_json(results: list[CheckResult]) -> str:
    data = {
        "summary": summary(results),
        "files": [{"file": r.file, "unit": r.budget.unit_code if r.budget else None,
                   "unit_name": r.budget.unit_name if r.budget else None,
                   "year": r.budget.year if r.budget else None, "unreadable": r.unreadable,
                   "errors": r.count("error"), "warnings": r.count("warning"), "infos": r.count("info"),
                   "profile": r.profile, "not_applicable": r.not_applicable,
                   "not_checked": r.not_checked}
                  for r in results],
        "findings": [f.to_dict() for r in results for f in r.findings],
        "not_checked": [{"file": r.file, **n} for r in results for n in r.not_checked],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


FIELDS_CN = {"code": "规则", "severity": "级别", "message": "问题", "file": "文件", "unit": "单位编码", "table": "表",
             "sheet": "工作表", "cell": "单元格", "row": "行", "column": "栏目", "expected": "应为", "actual": "实际",
             "difference": "差额", "tolerance": "容差"}


def as_csv(results: list[CheckResult], lang: str = "zh", *, bom: bool = False) -> str:
    """The findings as CSV, one per line: headers and severities in Chinese (``lang="en"``: the
    field names and severities as in the JSON report). No cell can run as a formula (see
    budgetxl.csvout); ``bom`` for a file."""
    from ..csvout import to_text

    zh = lang == "zh"
    sev = SEVERITY_CN if zh else {s: s for s in SEVERITY_CN}

    def rows():
        for r in results:
            if r.unreadable:
                yield ["READ", sev["error"], r.unreadable, r.file] + [""] * (len(FIELDS) - 4)
            for f in r.findings:
                d = f.to_dict()
                d["severity"] = sev[d["severity"]]
                yield ["" if d.get(k) is None else d[k] for k in FIELDS]

    return to_text([FIELDS_CN[k] for k in FIELDS] if zh else FIELDS, rows(), kind="report", bom=bom)


def _safe(v):
    """Text written into a workbook is never a formula (formula injection)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


# The 审核结果 sheet: column headers and widths (Excel character units). Figures are written as
# numbers; 问题 wraps; the sheet prints landscape, fit to one page wide, its header repeated.
FINDINGS_COLUMNS = (("规则", 8), ("级别", 6), ("问题", 56), ("工作表", 18), ("单元格", 8),
                    ("应为", 11), ("实为", 11), ("差额", 11), ("容差", 8))
FIGURE_FORMAT = "#,##0.00##"


def _findings_sheet(ws, findings: list[Finding], sheets: set[str]) -> None:
    from decimal import Decimal

    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ..render.official import LINE_PT, text_lines

    ws.append([h for h, _ in FINDINGS_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    message_width = FINDINGS_COLUMNS[2][1]
    for f in findings:
        figures = [f.expected, f.actual, f.difference, f.tolerance]
        ws.append([_safe(x) for x in (f.code, SEVERITY_CN[f.severity], f.message, f.sheet or "", f.cell or "")]
                  + [x if isinstance(x, Decimal) else ("" if x is None else _safe(str(x))) for x in figures])
        r = ws.max_row
        for c in range(1, len(FINDINGS_COLUMNS) + 1):
            cell = ws.cell(r, c)
            cell.alignment = wrap if c == 3 else top
            if isinstance(cell.value, Decimal):
                cell.number_format = FIGURE_FORMAT
        ws.row_dimensions[r].height = LINE_PT * text_lines(f.message, message_width) + 4
        if f.sheet in sheets and f.cell:
            link = ws.cell(r, 5)
            link.hyperlink = f"#'{f.sheet}'!{f.cell}"
            link.font = Font(color="0563C1", underline="single")
    for i, (_h, w) in enumerate(FINDINGS_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    ps.orientation = ws.ORIENTATION_LANDSCAPE
    ps.fitToWidth, ps.fitToHeight = 1, 0
    if ws.sheet_properties.pageSetUpPr is None:
        from openpyxl.worksheet.properties import PageSetupProperties

        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def annotate(workbook: str | Path, findings: list[Finding], out: str | Path) -> int:
    """Copy ``workbook`` to ``out`` with every finding's cell highlighted and commented, plus a
    审核结果 sheet linking to the cells. Returns the number of cells marked."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from ..fileio import atomic_path
    from ..safety import open_workbook_checked

    wb = open_workbook_checked(workbook)
    fills = {"error": PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C"),
             "info": PatternFill("solid", fgColor="DDEBF7")}
    notes: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet in wb.sheetnames and f.cell:
            notes.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), fs in notes.items():
        c = wb[sheet][cell]
        worst = min(fs, key=lambda f: ("error", "warning", "info").index(f.severity))
        c.fill = fills[worst.severity]
        text = "\n".join(f"{f.code} {SEVERITY_CN[f.severity]}：{f.message}" for f in fs)
        c.comment = Comment(text[:30000], "budgetxl")
    name = "审核结果"
    while name in wb.sheetnames:
        name += "_"
    ws = wb.create_sheet(name, 0)
    _findings_sheet(ws, findings, set(wb.sheetnames))
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True  # openpyxl keeps no cached values: let the viewer recompute
    with atomic_path(out, inputs=(workbook,)) as tmp:
        wb.save(tmp)
    return len(notes)
