"""The facts CSV: the interchange format of budgetxl.

One line per cell::

    单位编码,单位名称,年度,表,科目编码,科目名称,栏目,金额
    451,曲阳县公安局交通管理大队,2024,支出总表,2040250,事业运行,基本支出,735.75

- 表: a table name of the profile (收支总表 … 三公经费支出表).
- 科目编码: the function code (tables 2, 3, 5, 7, 8) or economic code (table 6); empty for the
  合计 row and for tables 1, 4 and 9, where 科目名称 is the printed row label.
- 栏目: the printed column header. Labels and headers match ignoring white space and an ordinal
  prefix; a label printed twice in one table takes the form ``限定词/标签``.
- 金额: in the table's money unit (the profile's: 万元 for hebei-2024; 元 for shanghai-2025, whose
  table ⑨ is in 万元), non-negative, at most two decimals.

Only input cells are required; a derived cell that is present is compared with the value
computed from the inputs. Every problem is reported with its line number, all at once.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable

from .errors import BudgetxlError, ProblemList
from .money import AmountError, fmt, parse_amount
from .detect import by_table_names, resolve
from .factrows import FACT_COLUMNS, fact_rows  # noqa: F401  (the facts format, also the model's)
from .model import UnitBudget
from .spec import DEFAULT_PROFILE, LEVEL_LENGTHS, LEVEL_NAMES, TOTAL, TOTAL_LABEL, Profile
from .labels import ascii_digits

MAX_FACTS_BYTES = 512 * 1024 * 1024  # a facts file (a county's units: tens of MB)
MAX_LINES = 500_000  # lines in one file, counted before reading (5,000 units of 100 facts)
MAX_LINES_PER_UNIT = 20_000  # a unit has a few hundred facts at most; more is a broken file
MAX_UNITS = 5_000  # units in one file (each about 80 KB in memory once read)
MAX_PROBLEMS = 1_000  # reading stops here: the file is not what it should be
MAX_TABLE_NAMES = 1_000  # distinct 表 values looked at to find the profile


class _Stop(Exception):
    """Reading stops early (a limit reached, too many problems); the problems so far are reported."""


def describe_cell(profile: Profile, key, budget: UnitBudget | None = None) -> str:
    """Chinese description of a cell: 表名·行·栏目."""
    t = profile.tables[key[0]]
    if t.coded:
        row = TOTAL_LABEL if key[1] == TOTAL else key[1]
        return f"{t.name}·{row}·{t.column(key[2]).header}"
    item = t.items[key[1]]
    return f"{t.name}·{t.fact_label(item)}·{t.column(key[2], item.side).header}"


def describe_formula(profile: Profile, node) -> str:
    """A derived cell's formula in Chinese, e.g. ``支出总表·204(类)·合计之和``."""
    from . import expr

    if isinstance(node, expr.Const):
        return str(node.value)
    if isinstance(node, expr.Ref):
        return describe_cell(profile, (node.table, node.row, node.col))
    if isinstance(node, expr.Leaves):
        t = profile.tables[node.table]
        what = f"科目{node.prefix}下" if node.prefix else "全部"
        return f"{t.name}{what}末级科目的“{t.column(node.col).header}”之和"
    if isinstance(node, expr.SideSum):
        t = profile.tables[node.table]
        return f"{t.name}各支出功能分类科目（类）的“{t.column(node.col, node.side).header}”之和"
    parts = []
    for i, (sign, n) in enumerate(node.terms):
        s = describe_formula(profile, n)
        parts.append(("" if i == 0 else " + ") + s if sign > 0 else " − " + s)
    return "".join(parts)


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise BudgetxlError(f"{name}：第{line}行不是 UTF-8 编码。请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”") from None


def read_facts(path: str | Path, profile: Profile | str | None = None, *,
               derived_agree: bool = True) -> list[UnitBudget]:
    """Read a facts CSV into one :class:`UnitBudget` per (单位编码, 年度), streaming: the file is
    never held in memory whole, and the limits (file size, lines, lines per unit, units) are
    checked before or while reading, never after.

    Raises :class:`BudgetxlError` listing every bad line (unknown table or column, bad amount,
    duplicate fact, derived value that disagrees with the inputs …). With ``derived_agree=False``
    (check) a derived value that disagrees is kept as printed data, for the rules to report at its
    line; only what cannot be read is refused.
    """
    p = Path(path)
    if not p.is_file():
        raise BudgetxlError(f"找不到文件：{p}")
    size = p.stat().st_size
    if size > MAX_FACTS_BYTES:
        raise BudgetxlError(f"{p}：文件大小 {size / 1048576:.0f} MB 超过上限 {MAX_FACTS_BYTES // 1048576} MB，"
                            "拒绝读取。请按部门或单位拆分成几个文件")
    lines = _count_lines(p)
    if lines > MAX_LINES:
        raise BudgetxlError(f"{p}：文件有 {lines} 行，超过上限 {MAX_LINES} 行，拒绝读取。请按部门或单位拆分成几个文件")

    def rows():
        raw = open(p, "rb")
        return raw, csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline=""))

    return _parse(rows, str(p), profile, derived_agree)


def _count_lines(p: Path) -> int:
    """Lines of a file, counted in 1 MB chunks (LF or, for old Mac files, CR)."""
    lf = cr = 0
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            lf += chunk.count(b"\n")
            cr += chunk.count(b"\r")
    return max(lf, cr)


def _table_names(reader) -> set[str]:
    """The 表 column of a facts CSV (to find its profile), streamed; the first distinct names."""
    names = set()
    try:
        for i, fields in enumerate(reader):
            if i and len(fields) > 3:
                names.add(fields[3])
                if len(names) >= MAX_TABLE_NAMES:
                    break
    except (csv.Error, UnicodeDecodeError):
        pass  # the reading itself reports the malformed line
    return names


def parse_facts(text: str, name: str = "<facts>", profile: Profile | str | None = None, *,
                derived_agree: bool = True) -> list[UnitBudget]:
    """Facts CSV text into budgets; the profile is found from the table names when not given."""
    def rows():
        return None, csv.reader(io.StringIO(text, newline=""))

    return _parse(rows, name, profile, derived_agree)


_ascii_digits = ascii_digits  # 0-9 only: str.isdigit() also accepts ², ① (see labels.ascii_digits)


def _parse(rows, name: str, profile: Profile | str | None, derived_agree: bool = True) -> list[UnitBudget]:
    """``rows()`` opens the CSV afresh: (a file to close or None, a csv reader)."""
    names: set[str] = set()
    if profile is None:
        fh, reader = rows()
        try:
            names = _table_names(reader)
        finally:
            if fh is not None:
                fh.close()
    fh, reader = rows()
    try:
        return _parse_rows(reader, name, profile, names, derived_agree)
    finally:
        if fh is not None:
            fh.close()


def _parse_rows(reader, name: str, profile: Profile | str | None, names: set[str],
                derived_agree: bool = True) -> list[UnitBudget]:
    problems = ProblemList()
    try:
        header = next(reader)
    except StopIteration:
        raise BudgetxlError(f"{name}：文件为空，缺少表头 {','.join(FACT_COLUMNS)}") from None
    except csv.Error as e:
        raise BudgetxlError(f"{name}：CSV 格式错误（{e}）") from None
    except UnicodeDecodeError:
        raise BudgetxlError(f"{name}：第1行不是 UTF-8 编码。请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”") from None
    if [h.strip() for h in header] != FACT_COLUMNS:
        shown = ",".join(header)
        shown = shown if len(shown) <= 200 else shown[:200] + "……"
        raise BudgetxlError(f"{name}：第1行表头应为“{','.join(FACT_COLUMNS)}”，实为“{shown}”")
    # no table named at all: nothing to tell profiles apart by, and nothing to read either
    prof = resolve(profile if profile is not None or names else DEFAULT_PROFILE, lambda: by_table_names(names, name))

    budgets: dict[tuple[str, int], UnitBudget] = {}
    seen: dict[tuple, int] = {}
    code_names: dict[tuple, tuple[str, int]] = {}
    given_lines: dict[tuple, dict] = {}  # unit key -> {cell key: line}
    lines_per_unit: dict[tuple[str, int], int] = {}

    def add(message: str, **where) -> None:
        problems.add(message, **where)
        if len(problems.items) >= MAX_PROBLEMS:
            raise _Stop(f"问题超过 {MAX_PROBLEMS} 处，已停止读取（文件可能不是 facts CSV，或已损坏）")

    stopped = ""
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(FACT_COLUMNS):
                add(f"应有{len(FACT_COLUMNS)}列，实有{len(fields)}列", file=name, line=line)
                continue
            unit_code, unit_name, year_s, table_s, code, label, header, amount_s = (f.strip() for f in fields)
            where = {"file": name, "line": line}
            if not unit_code:
                add("单位编码为空", **where)
                continue
            if not (_ascii_digits(year_s) and len(year_s) == 4):
                add(f"年度“{year_s[:20]}”应为四位数字年份（0-9）", **where)
                continue
            year = int(year_s)
            unit_key = (unit_code, year)
            n = lines_per_unit.get(unit_key, 0) + 1
            lines_per_unit[unit_key] = n
            if n > MAX_LINES_PER_UNIT:
                raise _Stop(f"单位 {unit_code}（{year}年）的数据超过上限 {MAX_LINES_PER_UNIT} 行（第{line}行），"
                            "已停止读取：一个单位只有几百个数据，文件可能重复或已损坏")
            if n == 1 and len(lines_per_unit) > MAX_UNITS:
                raise _Stop(f"文件中的单位超过上限 {MAX_UNITS} 个（第{line}行），已停止读取。请按部门拆分成几个文件")
            table = prof.find_table(table_s)
            if table is None:
                names = "、".join(t.name for t in prof.ordered)
                add(f"未知的表“{table_s}”（应为：{names}）", **where)
                continue
            try:
                amount = parse_amount(amount_s, unit=table.money_unit)
            except AmountError as e:
                add(str(e), **where)
                continue
            # row
            if table.coded:
                if not code:
                    if label.strip() != TOTAL_LABEL:
                        add(f"{table.name}的科目编码为空（只有“合计”行可以不填编码）", **where)
                        continue
                    row = TOTAL
                elif not _ascii_digits(code) or len(code) not in LEVEL_LENGTHS[table.classification]:
                    lengths = "/".join(str(n) for n in LEVEL_LENGTHS[table.classification])
                    add(f"科目编码“{code}”应为 {lengths} 位数字", **where)
                    continue
                else:
                    row = code
                column = table.find_column(header)
                side = None
            else:
                if code:
                    add(f"{table.name}按行标签填写，科目编码应为空（实为“{code}”）", **where)
                    continue
                item, err = table.find_item(label)
                if item is None:
                    add(err or f"未知的行“{label}”", **where)
                    continue
                row, side = item.key, item.side
                column = table.find_column(header, side)
            if column is None:
                valid = "、".join(c.header for c in table.side_columns(side))
                add(f"{table.name}没有栏目“{header}”（应为：{valid}）", **where)
                continue
            key = (table.id, row, column.key)
            unit_key = (unit_code, year)
            budget = budgets.get(unit_key)
            if budget is None:
                budget = UnitBudget(prof, unit_code, unit_name, year)
                budgets[unit_key] = budget
            elif unit_name and budget.unit_name != unit_name:
                add(f"单位编码 {unit_code} 的单位名称“{unit_name}”与前面的“{budget.unit_name}”不一致", **where)
                continue
            fact_id = (unit_code, year, *key)
            if fact_id in seen:
                add(f"重复的数据：与第{seen[fact_id]}行是同一单元格（{table.name}·{label or code}·{header}）", **where)
                continue
            seen[fact_id] = line
            if table.coded and row != TOTAL:
                prev = code_names.get((unit_code, year, table.id, row))
                if prev and label and prev[0] != label:
                    add(f"科目 {row} 的名称“{label}”与第{prev[1]}行的“{prev[0]}”不一致", **where)
                    continue
                if label and not prev:
                    code_names[(unit_code, year, table.id, row)] = (label, line)
                budget.add_code(table.id, row, label or None)
            if not table.is_input(row, column.key):
                given_lines.setdefault(unit_key, {})[key] = line
            budget.put(key, amount, origin=f"{name} 第{line}行")
    except csv.Error as e:
        problems.add(f"CSV 格式错误（{e}）", file=name, line=reader.line_num)
    except UnicodeDecodeError:
        problems.add("不是 UTF-8 编码。请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”", file=name,
                     line=reader.line_num + 1)
    except _Stop as e:
        stopped = str(e)
    if stopped:
        raise BudgetxlError(f"{name}：{stopped}", problems.items)

    for unit_key, budget in budgets.items():
        lines = given_lines.get(unit_key, {})
        _check_levels(budget, name, problems, lines)
        for key, given, computed in (sorted(budget.mismatches()) if derived_agree else ()):
            node = budget.formula(key)
            problems.add(
                f"{describe_cell(prof, key)} 是派生数（= {describe_formula(prof, node)}），"
                f"按输入数计算应为 {fmt(computed)}，文件中为 {fmt(given)}，相差 {fmt(given - computed)}",
                file=name, line=lines[key])
    problems.raise_if_any(f"{name}：数据有误，未写出任何结果")
    if not budgets:
        raise BudgetxlError(f"{name}：没有任何数据行")
    return list(budgets.values())


def _check_levels(budget: UnitBudget, name: str, problems: ProblemList, given_lines: dict) -> None:
    """A value on a 类/款 code with no finer codes below it cannot be summed: say so plainly."""
    for (tid, row, col), line in given_lines.items():
        t = budget.profile.tables[tid]
        if not t.coded or row == TOTAL or len(row) == t.leaf_length:
            continue
        if not any(c.startswith(row) and len(c) == t.leaf_length for c in budget.codes(t)):
            level = LEVEL_NAMES[len(row)]
            leaf = LEVEL_NAMES[t.leaf_length]
            problems.add(f"{t.name}的科目 {row} 是{level}级科目，下面没有{leaf}级科目；金额应填在{leaf}级（{t.leaf_length}位）科目上",
                         file=name, line=line)


def write_facts(budgets: Iterable[UnitBudget], path: str | Path, *, derived: bool = False,
                bom: bool = True, inputs=()) -> int:
    """Write budgets as a facts CSV atomically (UTF-8 with BOM; values as data, see
    :mod:`budgetxl.csvout`). Returns the number of fact lines. ``bom`` is kept for callers: every
    CSV budgetxl writes has a BOM."""
    from . import csvout

    return csvout.write(path, FACT_COLUMNS, fact_rows(budgets, derived=derived), kind="data", inputs=inputs)
