"""Read an official-layout workbook (budgetxl render / consolidate output, or a bureau's own
xlsx in the same layout): every printed number goes to the model, inputs as inputs and derived
cells as supplied values, so the same rules check a published table as a returned template."""

from __future__ import annotations

import re

from pathlib import Path

from ..cellvalues import parse_amount_cell, parse_text_cell
from ..errors import BudgetxlError, ProblemList
from ..labels import norm
from ..spec import DEFAULT_PROFILE, TOTAL, TOTAL_LABEL, load_profile
from ..template.layout import a1
from ..detect import by_table_names, resolve
from ..textblocks import YEAR
from ..textimport import PrintedTable, load_table, unit_from_line
from .entry import Positions
from .xlsxscan import scan_package


def is_official(sheet_names: list[str], profile=DEFAULT_PROFILE) -> bool:
    prof = load_profile(profile)
    return all(t.name in sheet_names for t in prof.ordered)


def _text(v) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        p = parse_amount_cell(v)
        return f"{p.value:f}" if p.value is not None else str(v)
    return parse_text_cell(v)


def read_official(path: str | Path, profile=None):
    """(budget, positions) of an official-layout workbook; the profile is found from its sheet
    names when not given."""
    import python_calamine

    from ..model import UnitBudget

    name = str(path)
    from ..safety import REDO, damage

    scan = scan_package(path, name)  # refuse hostile or absurd files before calamine reads them
    try:
        cal = python_calamine.CalamineWorkbook.from_path(str(path))
    except MemoryError:
        raise
    except Exception as e:
        raise BudgetxlError(f"{name}：无法读取工作簿（{damage(e)}）。{REDO}") from None
    from ..template.layout import SHEET_GUIDE, SHEET_LISTS

    if SHEET_GUIDE in cal.sheet_names or SHEET_LISTS in cal.sheet_names:
        raise BudgetxlError(f"{name}：这是填报模板，但模板指纹（隐藏的 _budgetxl 工作表）被删除或损坏，无法可靠定位数据。"
                            "请使用财政局下发的原模板重新填写")
    prof = resolve(profile, lambda: by_table_names(cal.sheet_names, name))
    if not is_official(cal.sheet_names, prof):
        missing = [t.name for t in prof.ordered if t.name not in cal.sheet_names]
        raise BudgetxlError(f"{name}：既不是填报模板，也不是官方格式的公开表（缺少工作表：{'、'.join(missing)}）")
    problems = ProblemList()
    budget = None
    positions = Positions()
    for t in prof.ordered:
        try:
            rows = scan.with_errors(t.name, cal.get_sheet_by_name(t.name).to_python(skip_empty_area=False))
        except MemoryError:
            raise
        except Exception as e:  # calamine's errors and panics on a damaged sheet
            raise BudgetxlError(f"{name}：无法读取工作表“{t.name}”（{damage(e)}）。{REDO}") from None
        lanci = next((i for i, r in enumerate(rows) if r and norm(_text(r[0])) == "栏次"), None)
        if lanci is None:
            problems.add(f"工作表“{t.name}”中找不到“栏次”行", file=name, sheet=t.name)
            continue
        pt = PrintedTable(t, 1)
        pt.unit_line = _text(rows[1][0]) if len(rows) > 1 and rows[1] else ""
        for v in (rows[1] if len(rows) > 1 else []):
            m = YEAR.search(_text(v))
            if m:
                pt.year = int(m.group(1))
        width = len(t.grid)
        for i in range(lanci + 1, len(rows)):
            cells = [_text(v) for v in rows[i][:width]] + [""] * max(0, width - len(rows[i]))
            if cells and cells[0].startswith("注"):
                break
            pt.rows.append(cells)
            pt.row_lines.append(i + 1)
        if budget is None:
            code, unit_name = unit_from_line(pt.unit_line)
            budget = UnitBudget(prof, code, unit_name, pt.year or 0)
        load_table(budget, pt, name, problems)
        for cells, line in zip(pt.rows, pt.row_lines):
            r = line - 1
            if t.coded:
                row = cells[1].strip() or (TOTAL if norm(cells[2]) == TOTAL_LABEL else None)
                if row:
                    for j, c in enumerate(t.columns):
                        positions[(t.id, row, c.key)] = (t.name, r, 3 + j)
            elif re.fullmatch(r"[0-9]{1,6}", cells[0].strip()) and 0 < int(cells[0]) <= len(t.fixed_rows):
                fixed = t.fixed_rows[int(cells[0]) - 1]
                col = 1
                for side in t.sides:
                    item = fixed[side.key]
                    for j, c in enumerate(side.columns):
                        if item is not None:
                            positions[(t.id, item.key, c.key)] = (t.name, r, col + 1 + j)
                    col += 1 + len(side.columns)
    problems.raise_if_any(f"{name}：公开表内容无法识别")
    for key in list(budget.origin):
        if key in positions:
            sheet, cell = positions[key]
            budget.set_origin(key, f"{sheet}!{cell}")
    return budget, positions


__all__ = ["read_official", "is_official", "a1"]
