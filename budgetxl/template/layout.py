"""Where every cell of the entry workbook is.

The layout is a pure function of the profile and a few numbers stored in the workbook itself
(which codes were preset on each coded sheet, how many spare rows follow, how many rows each
supplementary list has). The writer places cells with it, and the reader finds them with it:
layout knowledge is not repeated anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import SpecError
from ..spec import TOTAL, Profile, Table

SHEET_GUIDE = "填报说明"
SHEET_UNIT = "单位信息"
SHEET_TEXT = "情况说明"
SHEET_LISTS = "代码表"
SHEET_META = "_budgetxl"

HEADER_TOP = 2  # 0-based row of the first header row (row 0 title, row 1 unit line)
SPARE_PREFILLED = 10
SPARE_BLANK = 40
PART_SPARE = 10
# empty rows of a list (projects, indicators, procurement lines, institutions) printed as a grid
# after its filled rows; the list's further rows are open and validated as well but carry no
# border or fill until something is typed in them (a conditional format draws their grid then),
# so that the empty ones are not printed (Excel prints every formatted row)
PART_SHOWN = 5


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


def runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row (or column) numbers as (first, last) runs of consecutive ones."""
    out: list[tuple[int, int]] = []
    for r in sorted(set(rows)):
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


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
    seq_col: int | None = None  # the 序号 column, when the table prints one
    code_cols: tuple[int, ...] = ()  # coded: the code cell(s): one, or 类 | 款 | 项
    name_col: int = 0  # coded: the name column
    label_cols: dict[str, int | None] = field(default_factory=dict)  # fixed: side -> label column (None: none)

    @property
    def lanci_row(self) -> int:
        return self.data_start - 1

    def lanci(self) -> list[str]:
        """The entry sheet's 栏次 row: 栏次, then 1, 2, 3 … for every other column."""
        return ["栏次"] + [str(i) for i in range(1, len(self.table.grid))]

    def code_range(self) -> tuple[int, int]:
        return self.first_code_row, self.last_row


class EntryLayout:
    """Positions of every cell of an entry workbook for a profile and preset rows. The columns are
    the table's printed columns (its grid: 序号 if printed, the code cell or 类 | 款 | 项 cells, the
    name, the amounts); the row under the headers is always a 栏次 row (the reader checks it)."""

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
        kinds = [g.kind for g in t.grid]
        sl.seq_col = kinds.index("seq") if "seq" in kinds else None
        if t.coded:
            sl.code_cols = tuple(i for i, k in enumerate(kinds) if k == "code")
            sl.name_col = kinds.index("name")
            for i, g in enumerate(t.grid):
                if g.kind == "value":
                    sl.value_col[g.column.key] = i
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
            col = 0 if sl.seq_col is None else 1
            side_cols: dict[str, list[int]] = {}
            for side in t.sides:
                sl.label_cols[side.key] = col if side.label_header else None
                col += 1 if side.label_header else 0
                side_cols[side.key] = list(range(col, col + len(side.columns)))
                col += len(side.columns)
            r = start
            for fixed in t.fixed_rows:
                for side in t.sides:
                    item = fixed[side.key]
                    if item is not None:
                        for c, cc in zip(side.columns, side_cols[side.key]):
                            sl.cells[(t.id, item.key, c.key)] = (r, cc)
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

    def code_range(self, table_id: str, from_table: str | None, rows: tuple[int, int] | None = None) -> str:
        """The code of each row of a coded table's range, as one Excel array: the code column, or
        its 类 | 款 | 项 columns joined (``A5:A50&B5:B50&C5:C50``)."""
        cols = self.sheets[table_id].code_cols
        ranges = [self.column_range(table_id, c, from_table, rows) for c in cols]
        return ranges[0] if len(ranges) == 1 else "(" + "&".join(ranges) + ")"

    def code_cell(self, table_id: str, r: int) -> str:
        """A row's code as an Excel expression (one cell, or its code cells joined)."""
        cols = self.sheets[table_id].code_cols
        return "&".join(a1(r, c) for c in cols) if len(cols) > 1 else a1(r, cols[0])

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
UNIT_FIXED = [  # (key, label, kind) first rows of the 单位信息 sheet, from row 2
    ("unit_code", "单位编码", "fixed"),
    ("unit_name", "单位名称", "fixed"),
    ("year", "预算年度", "fixed"),
    ("duties", "部门职责", "text"),
]
UNIT_FIRST_ROW = 2
PREVIOUS_PREFIX = "prev_"


def unit_fields(profile: Profile) -> list[tuple[str, str, str]]:
    """(key, label, kind) rows of the 单位信息 sheet: the unit, then last year's headline figures the
    profile asks for ([[roles.headline]] with `previous`), kept in the supplement's [previous]."""
    prev = [(PREVIOUS_PREFIX + h.key, f"{h.previous}（{profile.text_unit}）", "money")
            for h in profile.roles.headline if h.previous]
    return UNIT_FIXED + prev


def previous_key(field_key: str) -> str:
    """The supplement [previous] key of a 单位信息 money row."""
    return field_key[len(PREVIOUS_PREFIX):]


def unit_rows(profile: Profile) -> dict[str, int]:
    return {key: UNIT_FIRST_ROW + i for i, (key, _, _) in enumerate(unit_fields(profile))}


def institutions_header_row(profile: Profile) -> int:
    return UNIT_FIRST_ROW + len(unit_fields(profile)) + 1


PART_SHEETS = ("projects", "procurement", "assets")  # the parts entered on a sheet of their own, in order


def part_entry(profile: Profile, part: str) -> dict:
    """How a supplementary part is entered (parts.toml ``[<part>.entry]``): its sheet and words."""
    entry = profile.parts.get(part, {}).get("entry")
    if not entry or "sheet" not in entry:
        raise SpecError(f"表样“{profile.id}”的 parts.toml 没有写明“{profile.parts[part].get('title', part)}”的填报页"
                        f"（[{part}.entry] 的 sheet）")
    return entry


def part_sheet(profile: Profile, part: str) -> str:
    return part_entry(profile, part)["sheet"]


def project_columns(profile: Profile) -> tuple[list[dict], list[dict]]:
    """The 项目 sheet's columns (one project a row, in the declared order; a money4 field one
    column per period, ``of`` naming the field and ``period`` its index) and the indicator rows'
    (the project's field they belong to first, then the indicator fields)."""
    part = profile.parts["projects"]
    entry = part_entry(profile, "projects")
    fields = {fd["key"]: fd for fd in part["fields"]}
    cols: list[dict] = []
    for key in entry["columns"]:
        fd = fields[key]
        if fd["type"] == "money4":
            cols += [{"key": f"{key}{i}", "header": entry["period_header"].format(header=fd["header"], period=p),
                      "type": "money", "of": key, "period": i} for i, p in enumerate(fd["periods"])]
        else:
            cols.append(fd)
    link = fields[entry["indicator_project"]]
    indicators = [{"key": "project", "header": link["header"], "type": link["type"]}] + part["indicator_fields"]
    return cols, indicators


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
