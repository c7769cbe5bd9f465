"""Where every cell of the entry workbook is.

The layout is a pure function of the profile and a few numbers stored in the workbook itself
(which codes were preset on each coded sheet, how many spare rows follow, how many rows each
supplementary list has). The writer places cells with it, and the reader finds them with it:
layout knowledge is not repeated anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..spec import TOTAL, Profile, Table

SHEET_GUIDE = "填报说明"
SHEET_UNIT = "单位信息"
SHEET_PROJECTS = "项目"
SHEET_PROCUREMENT = "政府采购"
SHEET_ASSETS = "固定资产"
SHEET_TEXT = "情况说明"
SHEET_LISTS = "代码表"
SHEET_META = "_budgetxl"

HEADER_TOP = 2  # 0-based row of the first header row (row 0 title, row 1 unit line)
SPARE_PREFILLED = 10
SPARE_BLANK = 40
PART_SPARE = 10


def col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def a1(r: int, c: int, absolute: bool = False) -> str:
    if absolute:
        return f"${col_letter(c)}${r + 1}"
    return f"{col_letter(c)}{r + 1}"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


@dataclass
class SheetLayout:
    """Cell positions of one table sheet (0-based row/col)."""

    table: Table
    data_start: int  # first data row (the 合计 row of a coded table)
    cells: dict[tuple[str, str, str], tuple[int, int]] = field(default_factory=dict)
    preset: list[str] = field(default_factory=list)
    spare_rows: list[int] = field(default_factory=list)
    first_code_row: int = 0
    last_row: int = 0  # last data row
    value_col: dict[str, int] = field(default_factory=dict)  # column key -> col (coded)
    code_rows: dict[str, int] = field(default_factory=dict)  # preset code -> row (coded)
    check_start: int = 0

    @property
    def lanci_row(self) -> int:
        return self.data_start - 1

    def code_range(self) -> tuple[int, int]:
        return self.first_code_row, self.last_row


class EntryLayout:
    """Positions of every cell of an entry workbook for a profile and preset rows."""

    CODE_COL, NAME_COL = 1, 2

    def __init__(self, profile: Profile, preset: dict[str, list[str]], spare: dict[str, int],
                 parts: dict[str, int] | None = None):
        self.profile = profile
        self.preset = preset
        self.spare = spare
        self.parts = dict(parts or {})
        self.sheets: dict[str, SheetLayout] = {}
        for t in profile.ordered:
            self.sheets[t.id] = self._table_layout(t)

    # ------------------------------------------------------------------ tables
    def _table_layout(self, t: Table) -> SheetLayout:
        start = HEADER_TOP + t.header_depth + 1
        sl = SheetLayout(t, start)
        if t.coded:
            for i, c in enumerate(t.columns):
                sl.value_col[c.key] = 3 + i
            codes = list(self.preset.get(t.id, []))
            sl.preset = codes
            for c in t.columns:
                sl.cells[(t.id, TOTAL, c.key)] = (start, sl.value_col[c.key])
            r = start + 1
            sl.first_code_row = r
            for code in codes:
                sl.code_rows[code] = r
                for c in t.columns:
                    sl.cells[(t.id, code, c.key)] = (r, sl.value_col[c.key])
                r += 1
            n_spare = self.spare.get(t.id, 0)
            sl.spare_rows = list(range(r, r + n_spare))
            sl.last_row = r + n_spare - 1
        else:
            r = start
            for fixed in t.fixed_rows:
                col = 1
                for side in t.sides:
                    item = fixed[side.key]
                    col += 1  # label column
                    for c in side.columns:
                        if item is not None:
                            sl.cells[(t.id, item.key, c.key)] = (r, col)
                        col += 1
                r += 1
            sl.first_code_row = start
            sl.last_row = r - 1
        sl.check_start = sl.last_row + 2
        return sl

    def sheet_name(self, table_id: str) -> str:
        return self.profile.tables[table_id].name

    def address(self, key: tuple[str, str, str], from_table: str | None = None, absolute: bool = False) -> str:
        """A1 address of a cell; a row key ``@N`` means sheet row N (a spare row of a coded table)."""
        sl = self.sheets[key[0]]
        if key[1].startswith("@"):
            r, c = int(key[1][1:]), sl.value_col[key[2]]
        else:
            r, c = sl.cells[key]
        ref = a1(r, c, absolute)
        if from_table == key[0]:
            return ref
        return f"{quote_sheet(self.sheet_name(key[0]))}!{ref}"

    def column_range(self, table_id: str, col: int, from_table: str | None,
                     rows: tuple[int, int] | None = None) -> str:
        sl = self.sheets[table_id]
        first, last = rows or sl.code_range()
        rng = f"{a1(first, col, True)}:{a1(last, col, True)}"
        if from_table == table_id:
            return rng
        return f"{quote_sheet(self.sheet_name(table_id))}!{rng}"

    def input_cells(self):
        """Every (sheet name, row, col) that holds an input amount (preset and spare rows)."""
        for t in self.profile.ordered:
            sl = self.sheets[t.id]
            for key, (r, c) in sl.cells.items():
                if t.is_input(key[1], key[2]):
                    yield t.name, r, c, key
            if t.coded:
                for r in sl.spare_rows:
                    for col in t.columns:
                        if not col.formula:
                            yield t.name, r, sl.value_col[col.key], None

    # ------------------------------------------------------------------ meta
    def meta(self) -> dict[str, str]:
        out = {}
        for tid, sl in self.sheets.items():
            if sl.table.coded:
                out[f"{tid}.preset"] = ",".join(sl.preset)
                out[f"{tid}.spare"] = str(len(sl.spare_rows))
        for k, v in sorted(self.parts.items()):
            out[f"part.{k}"] = str(v)
        return out

    @classmethod
    def from_meta(cls, profile: Profile, meta: dict[str, str]) -> "EntryLayout":
        preset, spare, parts = {}, {}, {}
        for k, v in meta.items():
            if k.endswith(".preset"):
                preset[k[: -len(".preset")]] = [c for c in v.split(",") if c]
            elif k.endswith(".spare"):
                spare[k[: -len(".spare")]] = int(v)
            elif k.startswith("part."):
                parts[k[5:]] = int(v)
        return cls(profile, preset, spare, parts)


# ---------------------------------------------------------------------- supplementary sheets
UNIT_FIELDS = [  # (key, label, kind) rows of the 单位信息 sheet, from row 2
    ("unit_code", "单位编码", "fixed"),
    ("unit_name", "单位名称", "fixed"),
    ("year", "预算年度", "fixed"),
    ("duties", "部门职责", "text"),
    ("prev_total", "上年预算收支总额（万元）", "money"),
    ("prev_basic", "上年基本支出（万元）", "money"),
    ("prev_project", "上年项目支出（万元）", "money"),
    ("prev_sangong", "上年财政拨款“三公”经费（万元）", "money"),
    ("prev_operating", "上年机关运行经费（万元）", "money"),
]
UNIT_FIRST_ROW = 2
PREVIOUS_KEYS = {"prev_total": "total", "prev_basic": "basic", "prev_project": "project",
                 "prev_sangong": "sangong", "prev_operating": "operating"}


def unit_rows() -> dict[str, int]:
    return {key: UNIT_FIRST_ROW + i for i, (key, _, _) in enumerate(UNIT_FIELDS)}


def institutions_header_row() -> int:
    return UNIT_FIRST_ROW + len(UNIT_FIELDS) + 1


def project_rows(parts: dict[str, int]) -> tuple[int, int, int, int]:
    """(first project row, project count, first indicator row, indicator count) of the 项目 sheet."""
    n = parts.get("projects", 0)
    first = 3
    ind_header = first + n + 2
    return first, n, ind_header + 1, parts.get("indicators", 0)


def procurement_rows(parts: dict[str, int]) -> tuple[int, int, int]:
    """(合计 row, first line row, line count) of the 政府采购 sheet."""
    return 4, 5, parts.get("procurement", 0)


def asset_rows(profile: Profile) -> dict[str, int]:
    return {row["key"]: 4 + i for i, row in enumerate(profile.parts["assets"]["rows"])}


ASSET_ASOF_ROW = 2
TEXT_FIRST_ROW = 3
UNIT_TEXT = {"duties"}  # narrative sections entered on the 单位信息 sheet, not on 情况说明


def grid_hash(rows) -> str:
    """sha256 of a sheet's cells (as calamine returns them: a dense grid from A1): to notice edits."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()
