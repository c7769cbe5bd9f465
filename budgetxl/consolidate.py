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

from . import csvout
from .check import runner
from .check.registry import affects_numbers
from .codes import code_list
from .errors import BudgetxlError
from .facts import FACT_COLUMNS
from .fileio import atomic_path, decode_bureau_text
from .inputs import expand_inputs  # noqa: F401  (consolidate's inputs: files, directories, globs)
from .inputs import unsupported_reason
from .model import UnitBudget
from .money import fmt, from_fen, to_fen
from .spec import DEFAULT_PROFILE, load_profile
from .workers import map_files


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
    p = Path(path)
    try:
        sha = _sha256(p)
    except OSError as e:
        return [UnitOutcome(path, "", "unreadable", f"无法打开文件（{e.strerror}）")]
    refused = unsupported_reason(p)
    if refused:
        return [UnitOutcome(path, sha, "unsupported", refused)]
    try:
        contexts = runner.load_for_check(p, profile, verify_lists="auto")
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
        findings = runner.check_budget(ctx)
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


def fact_rows(c: Consolidation):
    """Input facts of every included unit, straight from the outcomes (no recomputation)."""
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
    if out.suffix.lower() == ".parquet":
        rows = list(fact_rows(c))
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise BudgetxlError("写 parquet 需要 pyarrow：pip install pyarrow（或改用 .csv）") from None
        import pandas as pd

        df = pd.DataFrame(rows, columns=FACT_COLUMNS)
        with atomic_path(out) as tmp:
            df.to_parquet(tmp, index=False)
        return len(rows)
    return csvout.write(out, FACT_COLUMNS, (r[:7] + [fmt(r[7])] for r in fact_rows(c)), kind="data")  # streamed


def write_manifest_csv(c: Consolidation, out: Path) -> None:
    """The manifest CSV: its text comes from the inputs, so no cell can run as a formula."""
    csvout.write(out, MANIFEST_HEADER, manifest_rows(c), kind="report")


MAX_FACT_ROWS_IN_WORKBOOK = 100_000


def facts_overflow(c: Consolidation) -> bool:
    """Whether the facts are too many for the workbook's 数据 sheet (they then go to a CSV)."""
    n = sum(len(o.keys) for o in c.outcomes if o.status in ("included", "included_with_errors"))
    return n > MAX_FACT_ROWS_IN_WORKBOOK
