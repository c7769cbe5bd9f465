"""Finance-bureau consolidation: many unit workbooks into department and county totals.

Every input file is read and checked (in parallel), and accounted for in a manifest: included,
or excluded with the reason (unreadable, errors, the same unit and year in two files). Nothing is
counted twice or chosen silently. Totals are sums of the included units' *inputs*; every derived
cell of the consolidated tables is recomputed, so the consolidated workbook checks like any unit.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BudgetxlError
from .fileio import atomic_path
from .inputs import expand_inputs  # noqa: F401  (consolidate's inputs: files, directories, globs)
from .model import UnitBudget
from .money import fmt, from_fen, to_fen
from .spec import DEFAULT_PROFILE, load_profile

def key_totals(profile) -> list[tuple[str, object]]:
    """The overview columns: the profile's headline figures marked overview, (header, expression)."""
    roles = profile.roles
    return [(h.name, roles.figure(h.figure).node) for h in roles.headline if h.overview]


STATUS_CN = {"included": "已汇总", "errors": "未汇总：有错误", "unreadable": "未汇总：无法读取",
             "unsupported": "未汇总：格式不支持", "conflict": "未汇总：单位重复",
             "included_with_errors": "已汇总（含错误）"}
ACTION_CN = {  # what to do about a file, by its status (the manifest's 处理办法)
    "included": "",
    "included_with_errors": "用 budgetxl check 查看错误，请单位改正后重新提交",
    "errors": "用 budgetxl check 查看错误，请单位改正后重新提交；确需先汇总时加 --include-errors",
    "unreadable": "请单位按原因改正后重新提交（用 budgetxl check 可看到具体单元格）",
    "unsupported": "请单位在 Excel/WPS/LibreOffice 中另存为 .xlsx 后重新提交；不是填报文件的请移出输入目录",
    "conflict": "确认哪个文件是该单位的正确版本，移走其余文件后重新汇总",
}
EXCLUDED = ("unreadable", "unsupported")  # no unit was read from the file


@dataclass
class UnitOutcome:
    """What a worker reports about one unit of one file (small and picklable)."""

    file: str
    sha256: str
    status: str = "included"
    reason: str = ""
    unit_code: str = ""
    unit_name: str = ""
    year: int = 0
    profile: str = ""
    fingerprint: str = ""
    keys: tuple = ()       # input cells (table, row, col), in order …
    fen: tuple = ()        # … and their amounts in integer fen: compact for 100,000 units
    names: dict = field(default_factory=dict)   # (table, code) -> name
    totals: dict = field(default_factory=dict)  # header -> Decimal
    errors: int = 0
    blocking: int = 0  # errors about the figures (budgetxl.check.registry.affects_numbers)
    warnings: int = 0
    findings: list = field(default_factory=list)  # compact dicts


_KEYS: dict = {}  # one shared tuple per input cell key across all units (parent process)


def _inputs(o: "UnitOutcome") -> dict:
    """The unit's input cells as exact amounts."""
    return {k: from_fen(v) for k, v in zip(o.keys, o.fen)}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_file(path: str, profile: str | None = None) -> list[UnitOutcome]:
    """Read and check one input file (runs in a worker process); ``profile``: a shipped profile's
    id or a folder, None to find it from the file."""
    from .check.registry import affects_numbers
    from .check.runner import check_budget, load_for_check
    from .codes import code_list

    from .inputs import unsupported_reason

    p = Path(path)
    try:
        sha = _sha256(p)
    except OSError as e:
        return [UnitOutcome(path, "", "unreadable", f"无法打开文件（{e.strerror}）")]
    refused = unsupported_reason(p)
    if refused:
        return [UnitOutcome(path, sha, "unsupported", refused)]
    try:
        contexts = load_for_check(p, profile, verify_lists="auto")
    except BudgetxlError as e:  # the message and its first problem (which line, which cell)
        lines = str(e).splitlines()
        first = lines[1].strip().lstrip("- ").strip() if len(lines) > 1 else ""
        return [UnitOutcome(path, sha, "unreadable", lines[0] + (f"（{first}）" if first else ""))]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # a hostile file must not stop a county run (a Rust panic included)
        return [UnitOutcome(path, sha, "unreadable", f"无法读取（{type(e).__name__}）")]
    out = []
    for ctx in contexts:
        b = ctx.budget
        findings = check_budget(ctx)
        meta = getattr(ctx, "meta", {}) or {}
        o = UnitOutcome(path, sha, unit_code=b.unit_code, unit_name=b.unit_name, year=b.year, profile=b.profile.ref,
                        fingerprint=meta.get("formula_hash", ""))
        items = sorted(b.inputs.items())
        o.keys = tuple(k for k, _ in items)
        o.fen = tuple(to_fen(v) for _, v in items)
        lists = {t.id: code_list(b.profile, t.classification) for t in b.profile.ordered if t.coded}
        o.names = {k: v for k, v in b.names.items() if lists[k[0]].name(k[1]) != v}  # only names that differ
        o.totals = {h: b.evaluate(node) for h, node in key_totals(b.profile)}
        o.errors = sum(1 for f in findings if f.severity == "error")
        o.blocking = sum(1 for f in findings if affects_numbers(f))
        o.warnings = sum(1 for f in findings if f.severity == "warning")
        o.findings = [{"code": f.code, "severity": f.severity, "message": f.message, "sheet": f.sheet or "",
                       "cell": f.cell or ""} for f in findings]
        out.append(o)
    return out


def read_groups(path: Path) -> dict[str, str]:
    """单位编码 -> 部门 from a CSV (header 单位编码,部门; UTF-8 or GB18030)."""
    from .fileio import decode_bureau_text

    rows = list(csv.reader(io.StringIO(decode_bureau_text(path.read_bytes(), f"{path}："))))
    if not rows or [h.strip() for h in rows[0][:2]] != ["单位编码", "部门"]:
        raise BudgetxlError(f"{path}：分组文件第1行表头应为“单位编码,部门”")
    groups = {}
    for i, row in enumerate(rows[1:], start=2):
        if not row or not row[0].strip():
            continue
        if len(row) < 2 or not row[1].strip():
            raise BudgetxlError(f"{path} 第{i}行：缺少部门名称")
        code = row[0].strip()
        if code in groups and groups[code] != row[1].strip():
            raise BudgetxlError(f"{path} 第{i}行：单位 {code} 被分到两个部门")
        groups[code] = row[1].strip()
    return groups


@dataclass
class Consolidation:
    outcomes: list[UnitOutcome]
    year: int
    profile: str
    groups: dict[str, str]
    totals: dict[str, UnitBudget]  # group name -> consolidated budget ("全部单位" first)
    elapsed: float = 0.0

    @property
    def conflicts(self) -> list[UnitOutcome]:
        return [o for o in self.outcomes if o.status == "conflict"]


ALL = "全部单位"


def consolidate(files: list[Path], *, groups: dict[str, str] | None = None, jobs: int = 0,
                include_errors: bool = False, strict: bool = False, progress=None,
                profile: str | None = None) -> Consolidation:
    """Read, check and add up. ``progress(n_done, n_total)`` is called as files finish.

    A unit is excluded when it has errors about its figures (``strict``: any error at all, the
    unit's wording included), unless ``include_errors``.
    """
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    paths = [str(p) for p in files]
    outcomes: list[UnitOutcome] = []
    from .workers import map_files

    # every file read and checked, on every core when there are many
    for res in map_files(functools.partial(process_file, profile=profile), paths, jobs, progress):
        for o in res:
            o.keys = tuple(_KEYS.setdefault(k, k) for k in o.keys)
        outcomes += res
    readable = [o for o in outcomes if o.status not in EXCLUDED]
    years = sorted({o.year for o in readable})
    if len(years) > 1:
        counts = "、".join(f"{y}年 {sum(1 for o in readable if o.year == y)} 个" for y in years)
        raise BudgetxlError(f"输入中混有不同的预算年度（{counts}），请按年度分别汇总")
    profiles = sorted({o.profile for o in readable})
    if len(profiles) > 1:
        raise BudgetxlError(f"输入中混有不同的表样（{'、'.join(profiles)}），不能一起汇总")
    by_unit: dict[tuple, list[UnitOutcome]] = {}
    for o in readable:
        by_unit.setdefault((o.unit_code, o.year), []).append(o)
    for (code, year), same in by_unit.items():
        if len(same) > 1:
            for o in same:
                others = "、".join(x.file for x in same if x is not o)
                o.status, o.reason = "conflict", f"单位 {code}（{year}年）同时出现在 {others}，均未汇总"
    for o in readable:
        bad = o.errors if strict else o.blocking
        if o.status == "included" and bad:
            if include_errors:
                o.status, o.reason = "included_with_errors", f"有 {bad} 个错误，按 --include-errors 仍汇总"
            else:
                o.status, o.reason = "errors", f"有 {bad} 个{'' if strict else '涉及数字的'}错误"
        elif o.status == "included" and o.errors:
            o.reason = f"有 {o.errors} 个文字错误（不影响汇总数，见审核问题）"
    profile = load_profile(profiles[0] if profiles else DEFAULT_PROFILE)
    year = years[0] if years else 0
    groups = groups or {}
    totals: dict[str, UnitBudget] = {}
    included = [o for o in outcomes if o.status in ("included", "included_with_errors")]

    def total_for(name: str, units: list[UnitOutcome]) -> UnitBudget:
        b = UnitBudget(profile, "", f"{name}（{len(units)}个单位汇总）", year)
        acc: dict = {}
        for o in units:
            for key, v in zip(o.keys, o.fen):
                acc[key] = acc.get(key, 0) + v
            for (tid, code), nm in o.names.items():
                b.names.setdefault((tid, code), nm)
        for key, v in acc.items():
            t = profile.tables[key[0]]
            if t.coded:
                b.add_code(t.id, key[1])
            if v:
                b.set_input(key, from_fen(v))
        for o in units:  # codes present with zero amounts still appear in the totals' rows
            for key in o.keys:
                if profile.tables[key[0]].coded:
                    b.add_code(key[0], key[1])
        return b

    totals[ALL] = total_for(ALL, included)
    if groups:
        for name in sorted(set(groups.values()) | ({"未分组"} if any(o.unit_code not in groups for o in included)
                                                   else set())):
            members = [o for o in included if groups.get(o.unit_code, "未分组") == name]
            totals[name] = total_for(name, members)
    return Consolidation(outcomes, year, profile.ref, groups, totals, time.perf_counter() - started)


MANIFEST_HEADER = ["文件", "sha256", "状态", "原因", "单位编码", "单位名称", "年度", "部门", "模板指纹", "错误数", "警告数",
                   "处理办法"]


def manifest_rows(c: Consolidation) -> list[list]:
    rows = []
    for o in sorted(c.outcomes, key=lambda o: (o.file, o.unit_code)):
        rows.append([o.file, o.sha256, STATUS_CN[o.status], o.reason, o.unit_code, o.unit_name, o.year or "",
                     c.groups.get(o.unit_code, "") if c.groups else "", o.fingerprint, o.errors, o.warnings,
                     ACTION_CN[o.status]])
    return rows


def included(c: Consolidation) -> list[UnitOutcome]:
    return [o for o in c.outcomes if o.status in ("included", "included_with_errors")]


def _fact_rows(c: Consolidation):
    """Input facts of every included unit, straight from the outcomes (no recomputation)."""
    from .codes import code_list

    profile = load_profile(c.profile)
    for o in c.outcomes:
        if o.status not in ("included", "included_with_errors"):
            continue
        inputs = _inputs(o)
        for key in sorted(inputs):
            t = profile.tables[key[0]]
            if t.coded:
                code = "" if key[1] == "total" else key[1]
                label = o.names.get((t.id, key[1])) or code_list(profile, t.classification).name(key[1]) or ""
                header = t.column(key[2]).header
            else:
                item = t.items[key[1]]
                code, label, header = "", t.fact_label(item), t.column(key[2], item.side).header
            yield [o.unit_code, o.unit_name, o.year, t.name, code, label, header, inputs[key]]


def write_facts_file(c: Consolidation, out: Path) -> int:
    from .facts import FACT_COLUMNS

    if out.suffix.lower() == ".parquet":
        rows = list(_fact_rows(c))
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise BudgetxlError("写 parquet 需要 pyarrow：pip install pyarrow（或改用 .csv）") from None
        import pandas as pd

        df = pd.DataFrame(rows, columns=FACT_COLUMNS)
        with atomic_path(out) as tmp:
            df.to_parquet(tmp, index=False)
        return len(rows)
    from . import csvout

    return csvout.write(out, FACT_COLUMNS, (r[:7] + [fmt(r[7])] for r in _fact_rows(c)), kind="data")  # streamed


def write_manifest_csv(c: Consolidation, out: Path) -> None:
    """The manifest CSV: its text comes from the inputs, so no cell can run as a formula."""
    from . import csvout

    csvout.write(out, MANIFEST_HEADER, manifest_rows(c), kind="report")


MAX_FACT_ROWS_IN_WORKBOOK = 100_000


def facts_overflow(c: Consolidation) -> bool:
    """Whether the facts are too many for the workbook's 数据 sheet (they then go to a CSV)."""
    n = sum(len(o.keys) for o in c.outcomes if o.status in ("included", "included_with_errors"))
    return n > MAX_FACT_ROWS_IN_WORKBOOK


CHART_PX = (480, 288)  # xlsxwriter's default chart size
# every text of a chart in the tables' font (a chart names Calibri otherwise, printed with a Latin
# fallback font for its digits)
CHART_FONT = {"name": "宋体"}
ROW_PX = 20  # a default row


def _place_charts(ws, charts: list, first_row: int) -> None:
    """Print the summary sheet whole: its data, then each chart below it in column A, starting a
    page of its own (a page break before it), so that a chart is never cut across pages; the
    sheet prints landscape, fit to one page wide."""
    from .render import page

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
    import xlsxwriter

    from .render.official import SAFE_OPTIONS, Styles, write_table_sheet, write_tables_stacked

    with atomic_path(out) as tmp:
        # in memory: xlsxwriter's own temporary files would outlive a killed run
        wb = xlsxwriter.Workbook(str(tmp), {**SAFE_OPTIONS, "in_memory": True})
        wb.set_properties({"title": f"{c.year}年部门预算汇总", "author": "budgetxl"})
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
        summary.write_string(0, 0, f"{c.year}年部门预算汇总（表样 {c.profile}）", wb.add_format({"bold": True, "font_size": 14}))
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
        from .facts import FACT_COLUMNS

        for j, h in enumerate(FACT_COLUMNS):
            data.write_string(0, j, h, head)
        if facts_overflow(c):
            data.write_string(1, 0, f"数据超过 {MAX_FACT_ROWS_IN_WORKBOOK} 行，不列在工作簿中：完整数据见 --facts 文件"
                                    f"（{facts_name or out.stem + '_数据.csv'}）", bold)
        else:
            for n, row in enumerate(_fact_rows(c), start=1):
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
    from .render import page

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
