"""Reports of a check run: human (grouped, coloured on a terminal), JSON, CSV, and an annotated
copy of a workbook with every finding's cell highlighted and commented."""

from __future__ import annotations

import json
from pathlib import Path

from ..findings import SEVERITY_CN, Finding, cause_note, note_text, worst
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
        by_missing: dict[str, list[dict]] = {}
        for n in r.not_checked:  # one line for each thing missing, with the checks it stops
            by_missing.setdefault(n["missing"], []).append(n)
        for missing, ns in by_missing.items():
            out.append(f"  无法审核（缺少{missing}）：" + "、".join(f"{n['rule']} {n['title']}" for n in ns))
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


def _formula_like(v: str) -> bool:
    """Text that a spreadsheet would take for a formula if it were typed in (formula injection):
    written as text with Excel's quote prefix, never as a formula, and without a visible '."""
    from ..csvout import neutralise

    return neutralise(v) != v


# The 审核结果 sheet: column headers and widths (Excel character units). Figures are written as
# numbers; 问题 wraps; the sheet prints landscape, fit to one page wide, its header repeated.
FINDINGS_COLUMNS = (("规则", 8), ("级别", 6), ("问题", 56), ("工作表", 18), ("单元格", 8),
                    ("应为", 11), ("实为", 11), ("差额", 11), ("容差", 8))
FIGURE_FORMAT = "#,##0.00##"
LINK_COLOUR = "FF0563C1"


def _findings_sheet(wb, findings: list[Finding], caused: dict | None = None):
    """The 审核结果 worksheet part (lxml): a header row, then one row per finding with its cause
    named, the cell a link to the marked cell; text cells inline strings, figures numbers."""
    from decimal import Decimal

    from lxml import etree

    from ..render.official import LINE_PT, text_lines
    from ..xlsxpatch import MAIN, q, col_letters

    st = wb.styles
    header = st.xf(font=st.font(bold=True), vertical="center")
    text_xf = {(w, quoted): st.xf(vertical="top", wrap=w, quote=quoted) for w in (False, True) for quoted in
               (False, True)}
    link = st.xf(font=st.font(colour=LINK_COLOUR, underline=True), vertical="top")
    figure = st.xf(number_format=st.number_format(FIGURE_FORMAT), vertical="top")
    root = etree.Element(q("worksheet"), nsmap={None: MAIN})
    pr = etree.SubElement(root, q("sheetPr"))
    etree.SubElement(pr, q("pageSetUpPr"), fitToPage="1")
    views = etree.SubElement(root, q("sheetViews"))
    view = etree.SubElement(views, q("sheetView"), tabSelected="1", workbookViewId="0")
    etree.SubElement(view, q("pane"), ySplit="1", topLeftCell="A2", activePane="bottomLeft", state="frozen")
    etree.SubElement(view, q("selection"), pane="bottomLeft", activeCell="A2", sqref="A2")
    etree.SubElement(root, q("sheetFormatPr"), defaultRowHeight="15")
    cols = etree.SubElement(root, q("cols"))
    for i, (_h, w) in enumerate(FINDINGS_COLUMNS, start=1):
        etree.SubElement(cols, q("col"), min=str(i), max=str(i), width=str(w), customWidth="1")
    data = etree.SubElement(root, q("sheetData"))
    links = []

    def text(row, ref, value, style):
        c = etree.SubElement(row, q("c"), r=ref, s=str(style), t="inlineStr")
        t = etree.SubElement(etree.SubElement(c, q("is")), q("t"))
        t.text = value
        if value != value.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    row = etree.SubElement(data, q("row"), r="1")
    for i, (h, _w) in enumerate(FINDINGS_COLUMNS, start=1):
        text(row, f"{col_letters(i)}1", h, header)
    message_width = FINDINGS_COLUMNS[2][1]
    for n, f in enumerate(findings, start=2):
        message = f.message + cause_note((caused or {}).get(id(f)))
        row = etree.SubElement(data, q("row"), r=str(n), ht=f"{LINE_PT * text_lines(message, message_width) + 4:g}",
                               customHeight="1")
        values = [f.code, SEVERITY_CN[f.severity], message, f.sheet or "", f.cell or "",
                  f.expected, f.actual, f.difference, f.tolerance]
        for i, v in enumerate(values, start=1):
            ref = f"{col_letters(i)}{n}"
            if isinstance(v, Decimal) and v.is_finite():
                c = etree.SubElement(row, q("c"), r=ref, s=str(figure))
                etree.SubElement(c, q("v")).text = f"{v:f}"
            elif i == 5 and v and f.sheet in wb.worksheets:
                text(row, ref, str(v), link)
                links.append((ref, f"'{f.sheet.replace(chr(39), chr(39) * 2)}'!{v}", f"{f.sheet}!{v}"))
            elif v is not None and str(v) != "":
                v = str(v)
                text(row, ref, v, text_xf[(i == 3, _formula_like(v))])
    if links:
        hl = etree.SubElement(root, q("hyperlinks"))
        for ref, location, display in links:
            etree.SubElement(hl, q("hyperlink"), ref=ref, location=location, display=display)
    etree.SubElement(root, q("printOptions"), horizontalCentered="1")
    etree.SubElement(root, q("pageMargins"), left="0.4", right="0.4", top="0.6", bottom="0.6", header="0.3",
                     footer="0.3")
    etree.SubElement(root, q("pageSetup"), paperSize="9", orientation="landscape", fitToWidth="1",
                     fitToHeight="0")
    return root


NOTE_AUTHOR = "budgetxl"
FILLS = {"error": "FFFFC7CE", "warning": "FFFFEB9C", "info": "FFDDEBF7"}


def annotate_copy(file: str | Path, findings: list[Finding], out: str | Path, profile: str | None = None) -> int:
    """A marked copy of a checked file: a workbook (:func:`annotate`) or a published PDF
    (:func:`budgetxl.check.annotate_pdf.annotate_pdf`, read again with ``profile``)."""
    if str(file).lower().endswith(".pdf"):
        from .annotate_pdf import annotate_pdf

        return annotate_pdf(file, findings, out, profile)
    return annotate(file, findings, out)


def annotate(workbook: str | Path, findings: list[Finding], out: str | Path) -> int:
    """Copy ``workbook`` to ``out`` with every finding's cell highlighted and given a note (the
    cells of findings folded under a cause too, each naming its cause), plus a first sheet
    审核结果 listing each cause then what it caused, linking to the cells. Returns the number of
    cells marked.

    The copy is the input package patched (see :mod:`budgetxl.xlsxpatch`): only the marked
    worksheets, the styles, the workbook's sheet list and the parts the notes and the new sheet
    need are written again; every other part, cached formula values included, is copied byte
    for byte. The input is never modified, the output written atomically."""
    from ..fileio import atomic_path
    from ..xlsxpatch import Workbook

    with Workbook(workbook) as wb:
        notes: dict[tuple[str, str], list[Finding]] = {}
        caused: dict[int, Finding] = {}  # a folded finding -> its cause (its cell is marked too, naming the cause)
        flat = []
        for head in findings:
            for f in head.flatten():
                flat.append(f)
                if f is not head:
                    caused[id(f)] = head
                if f.sheet in wb.worksheets and f.cell:
                    notes.setdefault((f.sheet, f.cell.replace("$", "")), []).append(f)
        marked: dict[str, dict[str, str]] = {}
        for (sheet, cell), fs in notes.items():
            if wb.highlight(sheet, cell, FILLS[worst(fs).severity]):
                text = note_text(fs, caused)
                marked.setdefault(sheet, {})[cell] = text[:30000]  # Excel holds 32,767 characters
        for sheet, cell_notes in marked.items():
            wb.notes(sheet, cell_notes, NOTE_AUTHOR)
        wb.add_first_sheet("审核结果", _findings_sheet(wb, flat, caused), print_titles="$1:$1")
        with atomic_path(out, inputs=(workbook,)) as tmp:
            wb.save(tmp)
    return sum(len(c) for c in marked.values())
