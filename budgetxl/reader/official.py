"""Read an official-layout workbook (budgetxl render / consolidate output, or a bureau's own
xlsx in the same layout): every printed number goes to the model, inputs as inputs and derived
cells as supplied values, so the same rules check a published table as a returned template."""

from __future__ import annotations

from pathlib import Path

from ..cellvalues import parse_amount_cell, parse_text_cell
from ..errors import BudgetxlError, ProblemList
from ..labels import norm
from ..layout import header_cells
from ..spec import DEFAULT_PROFILE, LANCI, load_profile
from ..template.layout import a1
from ..detect import by_table_names, resolve
from ..textimport import PrintedTable, header_words, is_header_row, load_table
from .entry import Positions
from .sheetscan import scan_workbook


class IsTemplate(BudgetxlError):
    """The workbook is an entry template that cannot be read as one (saved as .xls or .ods, or its
    fingerprint removed): never to be read as a published workbook instead."""


def is_official(sheet_names: list[str], profile=DEFAULT_PROFILE) -> bool:
    prof = load_profile(profile)
    return all(t.name in sheet_names for t in prof.ordered)


def _text(v) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        p = parse_amount_cell(v)
        return f"{p.value:f}" if p.value is not None else str(v)
    return parse_text_cell(v)


def _first_header(t) -> set[str]:
    """The texts of a table's first header row (its top-level headers)."""
    return {norm(h.text) for h in header_cells(t) if h.row == 0}


def _data_start(t, texts: list[list[str]]) -> int | None:
    """The index of the first data row of a table's sheet: below the 栏次 row where the profile
    prints one, else below the header rows, found by the header's first row and as deep as the
    table's header (every row of it printing only header texts)."""
    if t.column_numbers:
        at = next((i for i, r in enumerate(texts) if r and norm(r[0]) == LANCI), None)
        return None if at is None else at + 1
    top = _first_header(t)
    words = header_words(t)
    for i, r in enumerate(texts):
        if {norm(c) for c in r if c.strip()} == top:
            block = texts[i: i + t.header_depth]
            if len(block) == t.header_depth and all(is_header_row(b, words) for b in block):
                return i + t.header_depth
    return None


def official_or_published(path, profile, published):
    """A workbook without budgetxl's fingerprint: ``(read_official(...), None)`` when it is
    budgetxl's official layout, else ``(None, published())`` (a published workbook, perhaps). When
    neither reads it, the official reader's error is the one raised: it names what budgetxl's
    layout lacks. A blank template (IsTemplate) is never taken for a published workbook."""
    try:
        return read_official(path, profile), None
    except IsTemplate:
        raise
    except BudgetxlError as e:
        try:
            return None, published()
        except BudgetxlError:
            raise e from None


def read_official(path: str | Path, profile=None):
    """(budget, positions) of an official-layout workbook; the profile is found from its sheet
    names when not given."""
    import python_calamine

    from ..model import UnitBudget

    name = str(path)
    from ..safety import REDO, damage

    scan = scan_workbook(path, name)  # refuse hostile or absurd files before calamine reads them; errors of .xls/.ods
    try:
        cal = python_calamine.CalamineWorkbook.from_path(str(path))
    except MemoryError:
        raise
    except Exception as e:
        raise BudgetxlError(f"{name}：无法读取工作簿（{damage(e)}）。{REDO}") from None
    from ..template.layout import SHEET_GUIDE, SHEET_LISTS

    if SHEET_GUIDE in cal.sheet_names or SHEET_LISTS in cal.sheet_names:
        if Path(name).suffix.lower() not in (".xlsx", ".xlsm"):  # its formulas and fingerprint live in the xlsx
            from ..filekinds import OTHER_SPREADSHEETS, SAVE_AS_XLSX

            kind = OTHER_SPREADSHEETS.get(Path(name).suffix.lower(), Path(name).suffix)
            raise IsTemplate(f"{name}：这是另存为{kind}的填报模板，不能直接读取：{SAVE_AS_XLSX} 后再提交")
        raise IsTemplate(f"{name}：这是填报模板，但模板指纹（隐藏的 _budgetxl 工作表）被删除或损坏，无法可靠定位数据。"
                            "请使用财政局下发的原模板重新填写")
    prof = resolve(profile, lambda: by_table_names(cal.sheet_names, name))
    if not is_official(cal.sheet_names, prof):
        missing = [t.name for t in prof.ordered if t.name not in cal.sheet_names]
        raise BudgetxlError(f"{name}：既不是填报模板，也不是官方格式的公开表（缺少工作表：{'、'.join(missing)}）")
    problems = ProblemList()
    notes = ProblemList()  # read, but printed irregularly (a code level without its leading zero): V01
    budget = None
    positions = Positions()
    for t in prof.ordered:
        try:
            rows = scan.with_errors(t.name, cal.get_sheet_by_name(t.name).to_python(skip_empty_area=False))
        except MemoryError:
            raise
        except Exception as e:  # calamine's errors and panics on a damaged sheet
            raise BudgetxlError(f"{name}：无法读取工作表“{t.name}”（{damage(e)}）。{REDO}") from None
        texts = [[_text(v) for v in r] for r in rows]
        first = _data_start(t, texts)
        if first is None:
            what = f"“{LANCI}”行" if t.column_numbers else "表头（" + "、".join(sorted(_first_header(t))) + "）"
            problems.add(f"工作表“{t.name}”中找不到{what}", file=name, sheet=t.name)
            continue
        pt = PrintedTable(t, 1)
        header_top = first - t.header_depth - (1 if t.column_numbers else 0)
        pt.read_caption([c for r in texts[1:max(1, header_top)] for c in r],
                        texts[0][0] if texts and texts[0] else "")
        width = len(t.grid)
        for i in range(first, len(rows)):
            cells = (texts[i][:width] + [""] * max(0, width - len(texts[i])))
            if cells and cells[0].startswith("注"):
                break
            pt.rows.append(cells)
            pt.row_lines.append(i + 1)
        if budget is None:
            code, unit_name = prof.read_unit_line(pt.unit_line)
            budget = UnitBudget(prof, code, unit_name, pt.year or 0)
        load_table(budget, pt, name, problems, notes)
        for key, (k, col) in pt.cells.items():
            positions[key] = (t.name, pt.row_lines[k] - 1, col)
    problems.raise_if_any(f"{name}：公开表内容无法识别")
    budget.read_notes = list(notes.items)
    for key in list(budget.origin):
        if key in positions:
            sheet, cell = positions[key]
            budget.set_origin(key, f"{sheet}!{cell}")
    return budget, positions


__all__ = ["IsTemplate", "read_official", "is_official", "a1"]
