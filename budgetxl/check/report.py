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
            "unreadable": sum(1 for r in results if r.unreadable), **counts,
            "folded": sum(r.folded() for r in results)}


def summary_line(results: list[CheckResult]) -> str:
    s = summary(results)
    line = f"共检查 {s['files']} 个文件、{s['units']} 个单位：错误 {s['error']} 个，警告 {s['warning']} 个，提示 {s['info']} 个"
    if s["folded"]:
        line += f"（另有 {s['folded']} 项由其引起，已折叠）"
    if s["unreadable"]:
        line += f"；{s['unreadable']} 个文件无法读取"
    return line + "。"


def unit_line(r: CheckResult) -> str:
    """One line per unit: its headline findings by severity, and how many are folded under them."""
    if r.unreadable:
        return "  小结：无法读取。"
    e, w, i = r.count("error"), r.count("warning"), r.count("info")
    if not (e or w or i):
        return "  小结：未发现问题（部分校验无法审核，见上）。" if r.not_checked else "  小结：未发现问题。"
    line = f"  小结：错误 {e} 个，警告 {w} 个，提示 {i} 个"
    folded = r.folded()
    if folded:
        line += f"（另有 {folded} 项由这些问题引起，已折叠在其原因之下）"
    return line + "。"


def _where(f: Finding) -> str:
    if f.sheet and f.cell:
        return f" {f.sheet}!{f.cell}"
    if f.extra.get("origin"):
        return f"（{f.extra['origin']}）"
    if f.sheet or f.table:
        return f" {f.sheet or f.table}"
    return ""


def _folded_lines(f: Finding, indent: str, limit: int = 5) -> list[str]:
    out = []
    for c in f.consequences[:limit]:
        out.append(f"{indent}└ {c.code} {SEVERITY_CN[c.severity]}{_where(c)}：{c.message}")
    if len(f.consequences) > limit:
        out.append(f"{indent}└ ……另有 {len(f.consequences) - limit} 项（--format json 列出全部）")
    return out


def human(results: list[CheckResult], colour: bool = False, folded: int = 5) -> str:
    """Per unit: the headline findings cause first, the first ``folded`` consequences of each under it
    with the count of all of them, and a summary line."""
    import click

    out = []
    for r in results:
        head = r.file if r.budget is None else f"{r.file}（{r.budget.label}，{r.budget.year}年）"
        out.append(click.style(head, bold=True) if colour else head)
        if r.unreadable:
            out.append(f"  无法读取：{r.unreadable}")
            out.append(unit_line(r))
            continue
        if r.not_applicable:
            out.append(f"  不适用于表样 {r.profile} 的规则（未检查）：" +
                       "；".join(f"{c} {why}" for c, why in sorted(r.not_applicable.items())))
        for n, f in enumerate(r.findings, 1):
            sev = SEVERITY_CN[f.severity]
            if colour:
                sev = click.style(sev, fg=COLOURS[f.severity], bold=f.severity == "error")
            out.append(f"  {n}. {f.code} {sev}{_where(f)}：{f.message}")
            out.extend(_folded_lines(f, "       ", folded))
        if r.not_checked:
            out.append(f"  无法审核（缺少{r.not_checked[0]['missing']}）：" + "、".join(
                f"{n['rule']} {n['title']}" for n in r.not_checked))
        out.append(unit_line(r))
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
                   "not_checked": r.not_checked, "folded": r.folded()}
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
            for f in r.all_findings:  # one line per finding, those folded under a cause included
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


def _findings_sheet(ws, findings: list[Finding], sheets: set[str], caused: dict | None = None) -> None:
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
        message = f.message + _cause_note((caused or {}).get(id(f)))
        ws.append([_safe(x) for x in (f.code, SEVERITY_CN[f.severity], message, f.sheet or "", f.cell or "")]
                  + [x if isinstance(x, Decimal) else ("" if x is None else _safe(str(x))) for x in figures])
        r = ws.max_row
        for c in range(1, len(FINDINGS_COLUMNS) + 1):
            cell = ws.cell(r, c)
            cell.alignment = wrap if c == 3 else top
            if isinstance(cell.value, Decimal):
                cell.number_format = FIGURE_FORMAT
        ws.row_dimensions[r].height = LINE_PT * text_lines(message, message_width) + 4
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


def _cause_note(cause: Finding | None) -> str:
    if cause is None:
        return ""
    where = f"{cause.sheet}!{cause.cell}" if cause.sheet and cause.cell else (cause.sheet or "")
    return f"（由 {where} 的 {cause.code} 引起，先改那里）"


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
    caused: dict[int, Finding] = {}  # a folded finding -> its cause (its cell is marked too, naming the cause)
    for head in findings:
        for f in head.flatten():
            if f is not head:
                caused[id(f)] = head
            if f.sheet in wb.sheetnames and f.cell:
                notes.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), fs in notes.items():
        c = wb[sheet][cell]
        worst = min(fs, key=lambda f: ("error", "warning", "info").index(f.severity))
        c.fill = fills[worst.severity]
        text = "\n".join(f"{f.code} {SEVERITY_CN[f.severity]}：{f.message}" + _cause_note(caused.get(id(f)))
                         for f in fs)
        c.comment = Comment(text[:30000], "budgetxl")
    name = "审核结果"
    while name in wb.sheetnames:
        name += "_"
    ws = wb.create_sheet(name, 0)
    # each cause, then what it caused (naming its cause)
    _findings_sheet(ws, [g for head in findings for g in head.flatten()], set(wb.sheetnames), caused)
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True  # openpyxl keeps no cached values: let the viewer recompute
    with atomic_path(out, inputs=(workbook,)) as tmp:
        wb.save(tmp)
    return len(notes)
