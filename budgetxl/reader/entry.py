"""Read a returned entry workbook (saved by Excel, WPS or LibreOffice) into the exact model.

Values come from python-calamine; a byte-level scan of the package supplies formulas, sheet
protection and extents (and refuses absurd or hostile files first). Every derived cell is
recomputed from the inputs: cached values are only compared. What does not match the template
(sheets, rows, formulas, protection, the hidden list sheet) becomes an integrity finding that
names the sheet and cell; messy but unambiguous inputs are read with a warning; unreadable
inputs are errors naming the cell. Nothing is rounded or dropped silently.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..version import __version__
from ..cellvalues import parse_amount_cell, parse_code_cell, parse_quantity_cell, parse_text_cell
from ..errors import BudgetxlError
from ..facts import describe_cell
from ..safety import REDO, damage
from ..findings import Finding
from ..labels import ascii_digits, norm
from ..model import UnitBudget
from ..spec import DEFAULT_PROFILE, LEVEL_LENGTHS, TOTAL, TOTAL_LABEL, Profile, Table, load_profile
from ..template import layout as L
from ..template.layout import EntryLayout, a1, col_letter
from ..template.writer import TemplateWriter
from .xlsxscan import PackageScan, col_index, rescan, scan_package

CHECK_MARK = "校验"
_ZERO = Decimal("0.00")


def _supplied(v) -> Decimal | None:
    """The cached value of a derived cell as the workbook supplies it, to be compared with the
    recomputed one: blank is 0.00; a value that is not an amount is left out (None)."""
    if v == "" or v is None:
        return _ZERO
    p = parse_amount_cell(v)
    return p.value if p.error is None else None


_COUNT = re.compile(r"[0-9]{1,9}")  # ASCII digits only: str.isdigit() accepts ² and ①, int() does not
MAX_LAYOUT_ROWS = 20_000  # spare rows of a table, rows of a supplementary part (templates: tens to hundreds)


def _check_layout(name: str, items: tuple) -> None:
    """The fingerprint's row counts are numbers within the limit, before any layout is built on
    them (a huge count would make every later step huge)."""
    for k, v in items:
        if k.endswith(".spare") or k.startswith("part."):
            if not _COUNT.fullmatch(v or ""):
                raise BudgetxlError(f"{name}：隐藏的模板指纹（工作表“{L.SHEET_META}”）被改动：{k} 应为行数，实为“{v[:40]}”，"
                                    "无法定位数据。请使用财政局下发的原模板重新填写")
            if int(v) > MAX_LAYOUT_ROWS:
                raise BudgetxlError(f"{name}：隐藏的模板指纹（工作表“{L.SHEET_META}”）中 {k} = {v}，超过上限 "
                                    f"{MAX_LAYOUT_ROWS} 行，无法读取。请使用财政局下发的原模板重新填写")


class NotATemplate(BudgetxlError):
    """The workbook has no budgetxl fingerprint (it may be an official-layout workbook)."""


class Positions(dict):
    """Cell positions, stored raw as (sheet, row, col) and read as (sheet, "A1"): formatting
    thousands of addresses per workbook is done only for the few that a finding names."""

    def __getitem__(self, key):
        sheet, r, c = dict.__getitem__(self, key)
        return sheet, a1(r, c)

    def get(self, key, default=None):
        return self[key] if dict.__contains__(self, key) else default

    def items(self):
        return ((k, self[k]) for k in self.keys())

    def values(self):
        return (self[k] for k in self.keys())


@dataclass
class ReadResult:
    path: str
    budget: UnitBudget | None
    findings: list[Finding] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    positions: dict[tuple, tuple[str, str]] = field(default_factory=dict)  # cell key -> (sheet, A1)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


class _Plan:
    """What a template with a given layout contains: formulas, labels, input cells per sheet."""

    def __init__(self, formulas: dict[str, dict[tuple[int, int], str]], labels, inputs, order, states):
        self.formulas = formulas
        # each sheet's formulas as the byte-level scan sees an untouched file: (letters, row, xml text)
        self.raw = {sheet: [(col_letter(c).encode(), str(r + 1).encode(), _xml_escape(f[1:]).encode())
                            for (r, c), f in sorted(fs.items())] for sheet, fs in formulas.items()}
        self.labels = labels
        self.inputs = inputs
        self.order = order
        self.states = states


@lru_cache(maxsize=64)
def _plan(profile_id: str, layout_key: tuple) -> _Plan:
    profile = load_profile(profile_id)
    layout = EntryLayout.from_meta(profile, dict(layout_key))
    stub = UnitBudget(profile, "0", "", 2000)
    w = TemplateWriter(stub, layout=layout)
    rec = w.plan()
    formulas: dict[str, dict] = {}
    for ref, f in w.formula_map.items():
        sheet, cell = ref.rsplit("!", 1)
        formulas.setdefault(sheet, {})[_rc(cell)] = f
    labels = {name: sh.labels for name, sh in rec.sheets.items()}
    inputs = {name: sh.inputs for name, sh in rec.sheets.items()}
    plan = _Plan(formulas, labels, inputs, list(rec.sheets), {n: sh.state for n, sh in rec.sheets.items()})
    plan.layout = layout
    plan.typable = {}
    for ref in w.typable:
        sheet, cell = ref.rsplit("!", 1)
        plan.typable.setdefault(sheet, set()).add(_rc(cell))
    return plan


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rc(cell: str) -> tuple[int, int]:
    i = 0
    while cell[i].isalpha():
        i += 1
    return int(cell[i:]) - 1, col_index(cell[:i])


def same_formula(expected: str, actual: str) -> bool:
    """Formulas equal up to sheet-name quoting, spacing and case (LibreOffice drops the quotes)."""
    def cheap(f: str) -> str:  # LibreOffice also writes the constants FALSE/TRUE as FALSE()/TRUE()
        return f.replace("'", "").replace(" ", "").upper().replace("FALSE()", "FALSE").replace("TRUE()", "TRUE")

    if expected == actual or cheap(expected) == cheap(actual):
        return True
    from openpyxl.formula import Tokenizer

    def tokens(f: str):
        try:
            return [(t.type, cheap(t.value)) for t in Tokenizer(f).items if t.type != "WHITE-SPACE"]
        except Exception:
            return [("RAW", cheap(f))]

    return tokens(expected) == tokens(actual)


class _Sheet:
    """Calamine values of one sheet, addressed from A1 (0-based), with bounds."""

    def __init__(self, rows: list[list]):
        self.rows = rows

    def get(self, r: int, c: int):
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""


class EntryReader:
    def __init__(self, path: str | Path, profile: str | None = None, name: str | None = None,
                 verify_lists: bool = True):
        self.verify_lists = verify_lists
        self.path = Path(path)
        self.name = name or str(path)
        self.profile_override = profile
        self.findings: list[Finding] = []
        self.positions = Positions()

    # ------------------------------------------------------------------ helpers
    def add(self, code: str, severity: str, message: str, sheet: str | None = None, r: int | None = None,
            c: int | None = None, **kw) -> None:
        cell = a1(r, c) if r is not None and c is not None else None
        self.findings.append(Finding(code, severity, message, file=self.name, sheet=sheet, cell=cell,
                                     unit=getattr(self, "unit_code", None), **kw))

    def _values(self, sheet_name: str) -> _Sheet:
        try:
            sh = self.cal.get_sheet_by_name(sheet_name)
            rows = sh.to_python(skip_empty_area=False)
        except MemoryError:
            raise
        except Exception as e:  # calamine's CalamineError, XmlError, ZipError … and Rust panics
            raise BudgetxlError(f"{self.name}：无法读取工作表“{sheet_name}”（{damage(e)}）。{REDO}") from None
        return _Sheet(self.scan.with_errors(sheet_name, rows))

    # ------------------------------------------------------------------ main
    def read(self) -> ReadResult:
        skip = {L.SHEET_GUIDE} | (set() if self.verify_lists else {L.SHEET_LISTS})
        light = {L.SHEET_LISTS} if self.verify_lists == "auto" else set()
        scan = scan_package(self.path, self.name, frozenset(skip), frozenset(light))
        if scan.has_macros:
            raise BudgetxlError(f"{self.name}：工作簿含有宏（VBA 代码），出于安全考虑拒绝读取；请另存为不含宏的 .xlsx 后再提交")
        import python_calamine

        try:
            self.cal = python_calamine.CalamineWorkbook.from_path(str(self.path))
        except MemoryError:
            raise
        except Exception as e:
            raise BudgetxlError(f"{self.name}：无法读取工作簿（{damage(e)}）。{REDO}") from None
        self.scan = scan
        names = [s.name for s in scan.sheets]
        meta = self._meta(names, scan)
        profile = self._profile(meta)
        self.profile = profile
        layout_items = tuple(sorted((k, v) for k, v in meta.items()
                                    if k.endswith(".preset") or k.endswith(".spare") or k.startswith("part.")))
        if not layout_items:
            raise NotATemplate(f"{self.name}：不是 budgetxl 生成的填报模板（缺少模板指纹），无法定位数据。"
                               "请使用财政局下发的填报模板填写")
        _check_layout(self.name, layout_items)
        try:
            self.plan = _plan(profile.id, layout_items)
        except (ValueError, KeyError, TypeError, IndexError, OverflowError):
            raise BudgetxlError(f"{self.name}：隐藏的模板指纹（工作表“{L.SHEET_META}”）被改动，无法定位数据。"
                                "请使用财政局下发的原模板重新填写") from None
        self.layout = self.plan.layout
        self._sheets(names, scan)
        self.unit_code = meta.get("unit_code", "")
        try:
            year = int(meta.get("year", "0"))
        except ValueError:
            year = 0
        budget = UnitBudget(profile, self.unit_code, meta.get("unit_name", ""), year)
        self.budget = budget
        self.shifted: set[str] = set()
        # derived cells whose cached value is not an amount (an error value, text): (sheet, r, c, value)
        self.unreadable_given: dict = {}
        self.typed_keys: set = set()  # cells of 类/款 rows typed in spare rows (not formulas: no I06)
        self.typed_parents: list = []
        self.overwritten: dict = {}  # (sheet, A1) of a formula replaced by a constant -> its I05
        present = set(names)
        self._unit_sheet(present)
        for t in profile.ordered:
            if t.name in present:
                self._table(t)
        self._typed_parents()
        self._formulas(scan, present)
        self._cached()
        self._protection(scan, present)
        self._lists(meta, present)
        budget.supplement = self._supplement(present)
        return ReadResult(self.name, budget, self.findings, meta, self.positions)

    # ------------------------------------------------------------------ fingerprint and sheets
    def _meta(self, names: list[str], scan: PackageScan) -> dict[str, str]:
        meta: dict[str, str] = {}
        if L.SHEET_META in names:
            for row in self._values(L.SHEET_META).rows:
                if len(row) >= 2 and row[0]:
                    meta[parse_text_cell(row[0])] = parse_text_cell(row[1])
        if not meta.get("generator") == "budgetxl":
            self.add("I01", "error", "缺少模板指纹：不是 budgetxl 生成的填报模板，或指纹工作表被删除", sheet=L.SHEET_META)
        props = {k[len("budgetxl."):]: v for k, v in scan.custom.items() if k.startswith("budgetxl.")}
        for k, v in props.items():
            if meta.get(k) not in (None, v):
                self.add("I01", "error", f"模板指纹不一致：文档属性 {k}={v}，指纹工作表为 {meta.get(k)}",
                         sheet=L.SHEET_META)
        return meta

    def _profile(self, meta: dict[str, str]) -> Profile:
        wanted = self.profile_override or meta.get("profile") or DEFAULT_PROFILE
        try:
            profile = load_profile(wanted)
        except BudgetxlError:
            self.add("I02", "error", f"模板指纹中的表样“{wanted}”未知，按 {DEFAULT_PROFILE} 读取", sheet=L.SHEET_META)
            profile = load_profile(DEFAULT_PROFILE)
        if meta.get("profile") and meta["profile"] != profile.id:
            self.add("I02", "error", f"模板表样为“{meta['profile']}”，与要求的“{profile.id}”不同", sheet=L.SHEET_META)
        if meta.get("version") and meta["version"] != __version__:
            self.add("I02", "info", f"模板由 budgetxl {meta['version']} 生成，当前为 {__version__}", sheet=L.SHEET_META)
        return profile

    def _sheets(self, names: list[str], scan: PackageScan) -> None:
        expected = self.plan.order
        exp_set, got_set = set(expected), set(names)
        for n in expected:
            if n not in got_set:
                self.add("I03", "error", f"缺少工作表“{n}”（被删除或改名）", sheet=n)
        for n in names:
            if n not in exp_set:
                self.add("I03", "warning", f"多出工作表“{n}”（被新增或改名），其内容不会被读取", sheet=n)
        common = [n for n in names if n in exp_set]
        want = [n for n in expected if n in got_set]
        if common != want:
            moved = next(got for got, exp in zip(common, want) if got != exp)
            self.add("I03", "warning", f"工作表顺序被调整：“{moved}”不在模板中的位置（第{want.index(moved) + 1}个）",
                     sheet=moved)
        for s in scan.sheets:
            want = self.plan.states.get(s.name)
            if want and want != "visible" and s.state == "visible":
                self.add("I08", "warning", f"隐藏的工作表“{s.name}”被取消隐藏", sheet=s.name)

    # ------------------------------------------------------------------ tables
    def _unit_sheet(self, present: set[str]) -> None:
        if L.SHEET_UNIT not in present:
            return
        sh = self._values(L.SHEET_UNIT)
        self.unit_values = sh
        rows = L.unit_rows(self.profile)
        for key, want in (("unit_code", self.budget.unit_code), ("unit_name", self.budget.unit_name),
                          ("year", str(self.budget.year))):
            got = parse_text_cell(sh.get(rows[key], 1))
            if got != want:
                self.add("I05", "error", f"锁定的单位信息被修改：应为“{want}”，实为“{got}”", sheet=L.SHEET_UNIT,
                         r=rows[key], c=1, expected=want, actual=got)

    def _table(self, t: Table) -> None:
        sh = self._values(t.name)
        sl = self.layout.sheets[t.id]
        lanci = [parse_text_cell(sh.get(sl.lanci_row, c)) for c in range(len(t.grid))]
        expected_lanci = sl.lanci()
        if lanci != expected_lanci:
            self.shifted.add(t.name)
            self.add("I04", "error", "表头或栏次行与模板不符：行或列被插入、删除或移动，数据可能错位",
                     sheet=t.name, r=sl.lanci_row, c=0, expected=" ".join(expected_lanci), actual=" ".join(lanci))
        elif not self._numbering(t, sh, sl):
            self.shifted.add(t.name)
        if t.coded:
            self._coded(t, sh, sl)
        else:
            self._fixed(t, sh, sl)

    def _code(self, t: Table, sl, row, r: int, lengths):
        """A row's code from its code cell, or from its 类 | 款 | 项 cells joined: (code, warning,
        error); a level typed as a number loses its leading zero ("301 | 2"), which is an error."""
        cols = sl.code_cols
        if len(cols) == 1:
            raw = row[cols[0]] if len(row) > cols[0] else ""
            return parse_code_cell(raw, lengths)
        parts = []
        for c, (a, b) in zip(cols, t.code_parts):
            v = parse_text_cell(row[c] if len(row) > c else "")
            if not v:
                break
            if not (ascii_digits(v) and len(v) == b - a):
                return None, None, f"科目编码第{len(parts) + 1}段“{v}”应为 {b - a} 位数字（开头的0不能省略）"
            parts.append(v)
        joined = "".join(parts)
        if not joined:
            return None, None, None
        if any(parse_text_cell(row[c] if len(row) > c else "") for c in cols[len(parts):]):
            return None, None, "科目编码中间有空段：类、款、项应从左到右依次填写"
        return parse_code_cell(joined, lengths)

    def _numbering(self, t: Table, sh: _Sheet, sl) -> bool:
        """The 序号 column (where the table prints one) runs 1, 2, … over every data row the template
        wrote (spare rows too): a row inserted or deleted anywhere in the table, even among blank
        spare rows, shows here; below the table the 校验 area starts where the template put it."""
        n = (sl.last_row - sl.data_start + 1) if t.coded else len(t.fixed_rows)
        for i in range(n + 1 if sl.seq_col is not None else 0):
            got = parse_text_cell(sh.get(sl.data_start + i, sl.seq_col))
            want = str(i + 1) if i < n else ""
            if got != want and not (i == n and not got.isdigit()):
                what = f"应为“{want}”，实为“{got}”" if want else f"应在第{n}行结束，第{sl.data_start + i + 1}行却有序号“{got}”"
                self.add("I04", "error", f"序号{what}：这一行附近插入或删除了行，这张表的数据可能错位",
                         sheet=t.name, r=sl.data_start + i, c=sl.seq_col, expected=want, actual=got)
                return False
        mark = self.plan.labels.get(t.name, {}).get((sl.check_start, 0))
        got = parse_text_cell(sh.get(sl.check_start, 0))
        if mark and got != mark:
            self.add("I04", "error", f"“{CHECK_MARK}”区域应从第{sl.check_start + 1}行开始：表格下方插入或删除了行",
                     sheet=t.name, r=sl.check_start, c=0, expected=mark, actual=got)
            return False
        return True

    def _coded(self, t: Table, sh: _Sheet, sl) -> None:
        b = self.budget
        lengths = LEVEL_LENGTHS[t.classification]
        r = sl.data_start
        nc = sl.name_col
        code_col = sl.code_cols[0]
        if norm(parse_text_cell(sh.get(r, nc))) != TOTAL_LABEL:
            self.shifted.add(t.name)
            self.add("I04", "error", "合计行不在模板位置：行被插入或删除", sheet=t.name, r=r, c=nc,
                     expected=TOTAL_LABEL, actual=parse_text_cell(sh.get(r, nc)))
        self._given_row(t, sh, TOTAL, r, sl)
        seen: dict[str, int] = {}
        end = max(len(sh.rows), sl.last_row + 1)
        cols = [(c.key, sl.value_col[c.key], bool(c.formula), c.header) for c in t.columns]
        tid, tname, positions, set_given, set_position = t.id, t.name, self.positions, b.set_given, dict.__setitem__
        entered = [*sl.code_cols, *sl.value_col.values()]  # what a filled row has (not 序号 or the name formula)
        for r in range(sl.data_start + 1, end):
            row = sh.rows[r] if r < len(sh.rows) else ()
            first = row[0] if row else ""
            if isinstance(first, str) and first.startswith(CHECK_MARK):
                break
            if not any(row[c] not in ("", None) for c in entered if c < len(row)):
                continue  # an empty spare row
            code, warn, err = self._code(t, sl, row, r, lengths)
            raw_code = "".join(parse_text_cell(row[c]) for c in sl.code_cols if c < len(row))
            if err:
                self.add("V02", "error", err, sheet=t.name, r=r, c=code_col, actual=raw_code)
                continue
            if warn:
                self.add("V01", "warning", warn, sheet=t.name, r=r, c=code_col)
            if not code:
                if any(sh.get(r, sl.value_col[c.key]) not in ("", None) for c in t.columns if not c.formula):
                    self.add("V02", "error", "这一行填了金额，但没有科目编码", sheet=t.name, r=r, c=code_col)
                continue
            if r > sl.last_row:
                self.shifted.add(t.name)
            if code in seen:
                self.add("V03", "error", f"科目 {code} 重复出现（另见第{seen[code] + 1}行），本行未读取",
                         sheet=t.name, r=r, c=code_col, row=code)
                continue
            seen[code] = r
            if code in sl.code_rows and sl.code_rows[code] != r and t.name not in self.shifted:
                self.shifted.add(t.name)
                self.add("I04", "error", f"科目 {code} 应在第{sl.code_rows[code] + 1}行，实在第{r + 1}行：行被插入或删除",
                         sheet=t.name, r=r, c=code_col, row=code)
            name = parse_text_cell(sh.get(r, nc))
            b.add_code(t.id, code, name if name and not name.startswith("（") else None)
            if len(code) < t.leaf_length:
                self._given_row(t, sh, code, r, sl)
                if r not in sl.code_rows.values():  # a 类/款 code typed in a spare row: its amounts are typed
                    self._typed_parent(t, sh, code, r, sl)
                continue
            width = len(row)
            for ck, col, derived, header in cols:
                key = (tid, code, ck)
                set_position(positions, key, (tname, r, col))
                v = row[col] if col < width else ""
                if derived:
                    supplied = _supplied(v)
                    if supplied is not None:
                        set_given(key, supplied)
                    else:
                        self.unreadable_given[key] = (tname, r, col, v)
                elif v != "" and v is not None:  # (a blank input is zero)
                    self._input(key, v, tname, r, col, code, header)
        for code in sl.preset:
            if code not in seen:
                self.shifted.add(t.name)
                self.add("I04", "error", f"模板中的科目 {code} 所在行被删除或改动", sheet=t.name,
                         r=sl.code_rows[code], c=code_col, row=code)

    def _typed_parent(self, t: Table, sh: _Sheet, code: str, r: int, sl) -> None:
        """Amounts typed on a 类/款 code in a spare row, where only leaf codes take amounts: every
        total adds up the leaves, so such an amount is counted nowhere unless the leaves under it
        are there too (checked once every row is read: :meth:`_typed_parents`)."""
        for c in t.columns:
            key = (t.id, code, c.key)
            self.typed_keys.add(key)  # the whole row: its formula cells compute from the typed ones
            if c.formula:
                continue
            v = sh.get(r, sl.value_col[c.key])
            if v in ("", None):
                continue
            p = parse_amount_cell(v)
            if p.error:
                self.add("V02", "error", p.error, sheet=t.name, r=r, c=sl.value_col[c.key], row=code, column=c.header,
                         actual=parse_text_cell(v), table=t.name, key=key)
            elif p.value:
                self.typed_parents.append((key, p.value, r, sl.value_col[c.key]))

    def _typed_parents(self) -> None:
        b = self.budget
        for key, typed, r, c in self.typed_parents:
            t = self.profile.tables[key[0]]
            children = b.cell_value(key)
            level = "类" if len(key[1]) == min(LEVEL_LENGTHS[t.classification]) else "款"
            if children == 0:
                self.add("V06", "error", f"{level}级科目 {key[1]} {b.row_name(t.id, key[1])} 上填了 {typed:,.2f}，"
                         f"而金额只能填在末级（{t.leaf_length}位）科目上：这个数没有计入任何合计，也不会导出；"
                         f"请把它填到其下的{t.leaf_length}位科目上", sheet=t.name, r=r, c=c, row=key[1],
                         column=t.column(key[2]).header, table=t.name, actual=typed, expected=_ZERO, key=key)
            elif children != typed:
                b.typed_given.add(key)  # H101 compares it with its children

    def _given_row(self, t: Table, sh: _Sheet, row: str, r: int, sl) -> None:
        cells = sh.rows[r] if r < len(sh.rows) else ()
        width = len(cells)
        positions, set_given, tid, name = self.positions, self.budget.set_given, t.id, t.name
        for c in t.columns:
            col = sl.value_col[c.key]
            key = (tid, row, c.key)
            dict.__setitem__(positions, key, (name, r, col))
            v = cells[col] if col < width else ""
            supplied = _supplied(v)
            if supplied is not None:
                set_given(key, supplied)
            else:
                self.unreadable_given[key] = (name, r, col, v)

    def _input(self, key, v, sheet: str, r: int, c: int, row: str, header: str) -> None:
        p = parse_amount_cell(v, unit=self.profile.tables[key[0]].money_unit)
        if p.error:
            self.add("V02", "error", p.error, sheet=sheet, r=r, c=c, row=row, column=header,
                     actual=parse_text_cell(v), table=self.profile.tables[key[0]].name, key=key)
            return
        if p.warning:
            self.add("V01", "warning", p.warning, sheet=sheet, r=r, c=c, row=row, column=header,
                     table=self.profile.tables[key[0]].name)
        if p.value is not None and p.value != 0:
            self.budget.set_input(key, p.value)

    def _fixed(self, t: Table, sh: _Sheet, sl) -> None:
        for i, fixed in enumerate(t.fixed_rows):
            r = sl.data_start + i
            for side in t.sides:
                item = fixed[side.key]
                if item is None:
                    continue
                lc = sl.label_cols[side.key]
                got = parse_text_cell(sh.get(r, lc)) if lc is not None else ""
                if lc is not None and norm(got) != norm(item.label):
                    self.shifted.add(t.name)
                    self.add("I04", "error", f"第{i + 1}行应为“{item.label}”，实为“{got}”：行被插入、删除或改动",
                             sheet=t.name, r=r, c=lc, expected=item.label, actual=got)
                    continue
                for j, c in enumerate(side.columns):
                    key = (t.id, item.key, c.key)
                    cc = sl.cells[key][1]
                    self.positions[key] = (t.name, r, cc)
                    v = sh.get(r, cc)
                    if t.is_input(item.key, c.key):
                        self._input(key, v, t.name, r, cc, item.label, c.header)
                    else:
                        supplied = _supplied(v)
                        if supplied is not None:
                            self.budget.set_given(key, supplied)
                        else:
                            self.unreadable_given[key] = (t.name, r, cc, v)

    # ------------------------------------------------------------------ integrity
    def _formulas(self, scan: PackageScan, present: set[str]) -> None:
        for sheet_name, expected in self.plan.formulas.items():
            if sheet_name not in present or sheet_name in self.shifted:
                continue
            sheet = scan.sheet(sheet_name)
            if sheet.fast is not None and sheet.fast == self.plan.raw[sheet_name]:
                continue  # every formula exactly as written, and no other: nothing to report
            actual = sheet.formulas
            typable = self.plan.typable.get(sheet_name, ())
            for (r, c), f in expected.items():
                got = actual.get((r, c))
                if got is None and (r, c) in typable:
                    continue  # a name typed for a code the code list lacks
                if got is None:
                    self.add("I05", "error", "公式被改为常数或被清除（原为锁定的公式）", sheet=sheet_name, r=r, c=c,
                             expected=f, actual=None)
                    self.overwritten[(sheet_name, a1(r, c))] = self.findings[-1]
                elif not same_formula(f, got):
                    self.add("I05", "error", "公式被修改", sheet=sheet_name, r=r, c=c, expected=f, actual=got)
            inputs = self.plan.inputs.get(sheet_name, set())
            for (r, c), f in actual.items():
                if (r, c) in inputs:
                    self.add("I09", "warning", f"输入单元格中填了公式 {f}，已按其计算结果读取", sheet=sheet_name, r=r, c=c,
                             actual=f)

    def _cached(self) -> None:
        for key, (sheet, r, c, v) in self.unreadable_given.items():
            # a formula cell showing an error value (#N/A, #REF! …) or text: the figure a reader of
            # the workbook sees cannot be read; said for the cell, never taken as blank
            shown = parse_text_cell(v)
            self.add("I06", "warning", f"公式单元格的值“{shown[:40]}”不是金额（公式出错、引用被删除或被改为文字），"
                     f"budgetxl 已按输入数重新计算：{describe_cell(self.profile, key)}", sheet=sheet, r=r, c=c,
                     table=self.profile.tables[key[0]].name, actual=shown)
        b = self.budget
        wrong = [w for w in b.mismatches() if w[0] not in self.typed_keys]  # typed rows: V06 or H101
        if not wrong:
            return
        derived = len(b.given)
        zeros = sum(1 for k, g, _ in wrong if g == 0)
        if derived and zeros == len(wrong) and len(wrong) > 20:
            self.add("I06", "warning", f"有 {len(wrong)} 个公式单元格的缓存值为空或0，文件可能未经 Excel/WPS 重新计算就保存；"
                     "budgetxl 已按输入数重新计算", sheet=None)
            return
        for key, given, computed in wrong:
            sheet, cell = self.positions.get(key, (self.profile.tables[key[0]].name, None))
            i05 = self.overwritten.get((sheet, cell))
            if i05 is not None:  # a value typed where a formula belongs: not a stale cached value
                i05.message = (f"公式被改为常数 {given:,.2f}（{describe_cell(self.profile, key)} 按输入数计算应为 "
                               f"{computed:,.2f}）：原为锁定的公式；budgetxl 按计算值审核，请恢复公式")
                i05.actual, i05.key = given, key
                continue
            self.findings.append(Finding("I06", "warning", f"{describe_cell(self.profile, key)}：公式单元格保存的值 "
                                                            f"{given:,.2f} 不是按当前输入数计算的 {computed:,.2f}。"
                                                            "公式本身未被改动，是保存时没有重新计算（例如用不计算公式的"
                                                            "工具改过输入数）；budgetxl 按重新计算的值审核，"
                                                            "在 Excel/WPS/LibreOffice 中打开后保存即可更新",
                                         file=self.name, unit=self.unit_code, table=self.profile.tables[key[0]].name,
                                         sheet=sheet, cell=cell, expected=computed, actual=given, key=key))

    def _protection(self, scan: PackageScan, present: set[str]) -> None:
        for s in scan.sheets:
            if s.name in self.plan.formulas or s.name in self.plan.inputs:
                if s.name in self.plan.order and s.protected is False:
                    self.add("I07", "warning", "工作表保护被取消", sheet=s.name)
        if not scan.lock_structure:
            self.add("I07", "warning", "工作簿结构保护被取消", sheet=None)

    def _lists(self, meta: dict[str, str], present: set[str]) -> None:
        if not self.verify_lists or L.SHEET_LISTS not in present or "lists_hash" not in meta:
            return
        if self.verify_lists == "auto" and self._lists_untouched(meta):
            return
        sheet = self.scan.sheet(L.SHEET_LISTS)
        if sheet.light:  # bounds-check it before calamine reads it
            rescan(self.path, sheet, self.name)
        if L.grid_hash(self._values(L.SHEET_LISTS).rows) != meta["lists_hash"]:
            self.add("I08", "error", "隐藏的代码表被修改（下拉列表来源与模板不符）", sheet=L.SHEET_LISTS)

    def _lists_untouched(self, meta: dict[str, str]) -> bool:
        """Cheap evidence that the hidden list sheet was not edited: it is still hidden and
        protected, the workbook structure is still locked (it cannot be unhidden otherwise), and
        it has the rows it was written with. Anything else: compare its whole content."""
        s = self.scan.sheet(L.SHEET_LISTS)
        rows = meta.get("lists_rows", "")
        return bool(s and s.state == "hidden" and s.protected and self.scan.lock_structure
                    and _COUNT.fullmatch(rows) and s.rows == int(rows))

    # ------------------------------------------------------------------ supplementary parts
    def _supplement(self, present: set[str]) -> dict:
        p = self.profile
        parts = p.parts
        sup: dict = {"unit": {"code": self.budget.unit_code, "name": self.budget.unit_name, "year": self.budget.year}}
        sup["previous"] = {}
        unit_texts: dict[str, str] = {}
        if L.SHEET_UNIT in present:
            sh = self.unit_values
            rows = L.unit_rows(p)
            for key, label, kind in L.unit_fields(p):
                if kind == "text":
                    unit_texts[key] = parse_text_cell(sh.get(rows[key], 1))
                    self.positions[("narrative", key)] = (L.SHEET_UNIT, rows[key], 1)
                elif kind == "money":
                    sup["previous"][L.previous_key(key)] = self._money(sh, L.SHEET_UNIT, rows[key], 1, label)
            hr = L.institutions_header_row(p)
            if "institutions" in parts:
                sup["institutions"] = self._records(sh, L.SHEET_UNIT, hr + 1, self.layout.parts.get("institutions", 0),
                                                parts["institutions"]["fields"])
        sheets = {key: L.part_sheet(p, key) for key in L.PART_SHEETS if key in parts}
        if sheets.get("projects") in present:
            name = sheets["projects"]
            sh = self._values(name)
            first, n, ind_first, n_ind = L.project_rows(self.layout.parts)
            cols, ind_fields = L.project_columns(p)
            projects = self._records(sh, name, first, n, cols, part="projects")
            by_field: dict[str, list[str]] = {}  # a money4 field: its periods' columns, in order
            for col in cols:
                if "of" in col:
                    by_field.setdefault(col["of"], []).append(col["key"])
            for rec in projects:
                for key, periods in by_field.items():
                    rec[key] = [rec.pop(k) for k in periods]
                rec["indicators"] = []
            link = L.part_entry(p, "projects")["indicator_project"]
            by_code = {rec[link]: rec for rec in projects}
            for rec in self._records(sh, name, ind_first, n_ind, ind_fields):
                owner = by_code.get(rec.pop(ind_fields[0]["key"]))
                if owner is None:
                    self.add("V04", "warning", f"绩效指标所属的{ind_fields[0]['header']}不在项目表中，未归入任何项目",
                             sheet=name)
                    continue
                owner["indicators"].append(rec)
            sup["projects"] = projects
        if sheets.get("procurement") in present:
            name = sheets["procurement"]
            sh = self._values(name)
            _total, first, n = L.procurement_rows(self.layout.parts)
            all_fields = parts["procurement"]["fields"]
            sup["procurement"] = self._records(sh, name, first, n, all_fields, part="procurement",
                                               skip={f["key"] for f in all_fields if f.get("formula")})
        if sheets.get("assets") in present:
            name = sheets["assets"]
            sh = self._values(name)
            rows = L.asset_rows(p)
            values = {}
            for row in parts["assets"]["rows"]:
                rec = {}
                for c, col in enumerate(parts["assets"]["columns"], start=1):
                    if row.get("formula"):
                        rec[col["key"]] = None
                        continue
                    rec[col["key"]] = self._typed(sh, name, rows[row["key"]], c, col)
                    self.positions[("assets", row["key"], col["key"])] = (name, rows[row["key"]], c)
                values[row["key"]] = rec
            sup["assets"] = {"as_of": parse_text_cell(sh.get(L.ASSET_ASOF_ROW, 1)), "values": values}
        if L.SHEET_TEXT in present:
            sh = self._values(L.SHEET_TEXT)
            sup["narrative"] = {sec["key"]: parse_text_cell(sh.get(L.TEXT_FIRST_ROW + i, 2))
                                for i, sec in enumerate(parts["narrative"]) if sec["key"] not in L.UNIT_TEXT}
            for i, sec in enumerate(parts["narrative"]):
                if sec["key"] not in L.UNIT_TEXT:
                    self.positions[("narrative", sec["key"])] = (L.SHEET_TEXT, L.TEXT_FIRST_ROW + i, 2)
        if "narrative" in sup or unit_texts:
            sup.setdefault("narrative", {}).update(unit_texts)
        return sup

    def _records(self, sh: _Sheet, sheet: str, first: int, n: int, fields: list[dict], skip=frozenset(),
                 part: str | None = None) -> list[dict]:
        """Non-empty rows of a list; ``part`` records each field's cell as positions[(part, i, key)]."""
        out = []
        entered = [c for c, fd in enumerate(fields) if fd["key"] not in skip]  # formula columns are never empty
        pick = operator.itemgetter(*entered, entered[-1])  # (always a tuple)
        for i in range(n):
            r = first + i
            row = sh.rows[r] if r < len(sh.rows) else ()
            if len(row) > entered[-1]:
                vals = pick(row)
                if vals.count("") + vals.count(None) == len(vals):
                    continue  # an empty row
            elif not any(row[c] not in ("", None) for c in entered if c < len(row)):
                continue
            rec = {}
            for c, fd in enumerate(fields):
                if fd["key"] in skip:
                    continue
                rec[fd["key"]] = self._typed(sh, sheet, r, c, fd)
            if any(v not in ("", None) for v in rec.values()):
                if part:
                    for c, fd in enumerate(fields):
                        self.positions[(part, len(out), fd["key"])] = (sheet, r, c)
                out.append(rec)
        return out

    def _typed(self, sh: _Sheet, sheet: str, r: int, c: int, fd: dict):
        typ = fd.get("type", "text")
        if typ == "money":
            return self._money(sh, sheet, r, c, fd["header"])
        if typ in ("number", "integer"):
            p = parse_quantity_cell(sh.get(r, c))
            if p.error:
                self.add("V02", "error", p.error, sheet=sheet, r=r, c=c, column=fd["header"])
            elif p.warning:
                self.add("V01", "warning", p.warning, sheet=sheet, r=r, c=c, column=fd["header"])
            return p.value
        return parse_text_cell(sh.get(r, c))

    def _money(self, sh: _Sheet, sheet: str, r: int, c: int, header: str):
        p = parse_amount_cell(sh.get(r, c))
        if p.error:
            self.add("V02", "error", p.error, sheet=sheet, r=r, c=c, column=header)
            return None
        if p.warning:
            self.add("V01", "warning", p.warning, sheet=sheet, r=r, c=c, column=header)
        return p.value


def read_entry(path: str | Path, *, profile: str | None = None, name: str | None = None,
               verify_lists: bool | str = True) -> ReadResult:
    """Read one returned entry workbook. Raises BudgetxlError (Chinese) when it cannot be read at all.

    The hidden 代码表 is compared cell by cell with what was generated when ``verify_lists`` is
    True; ``"auto"`` (check and consolidate, where speed matters) does so only when the cheap
    evidence — still hidden, protected, structure locked, same number of rows — is missing; False
    skips it. An edited list also shows in the data as unknown codes or names (C101/C102).
    """
    return EntryReader(path, profile, name, verify_lists).read()
