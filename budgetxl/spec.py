"""Declarative table definitions (profiles).

A profile (``templates/<id>/profile.toml`` and ``parts.toml``) describes every table of a
disclosure: its rows, columns, 栏次, codes, and for every cell whether it is an input or derived
and how. Everything that knows about layout (template writer, reader, checks, renderer, docs)
asks this module; nothing else hard-codes a row or a column.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from . import expr
from .errors import SpecError
from .labels import norm, norm_qualified
from .resources import available_profiles, profile_dir
from .roles import Roles, load_disclosure, load_roles

DEFAULT_PROFILE = "hebei-2024"
from .expr import INPUT, TOTAL, TOTAL_LABEL  # noqa: E402,F401  (the language's words: 合计 row key and label)

LEAF_LENGTH = {"function": 7, "economic": 5}
LEVEL_LENGTHS = {"function": (3, 5, 7), "economic": (3, 5)}
LEVEL_NAMES = {3: "类", 5: "款", 7: "项"}
SERIAL = "序号"  # the header of the 序号 column, where a profile prints one (serial_column)
LANCI = "栏次"  # the first cell of the 栏次 row numbering the columns (column_numbers)
MONEY_UNITS = ("元", "万元")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    group: str | tuple[str, ...] | None = None  # one header above, or several (outermost first)
    formula: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        if not self.group:
            return (self.header,)
        groups = (self.group,) if isinstance(self.group, str) else self.group
        return (*groups, self.header)


@dataclass(frozen=True)
class Item:
    """A labelled row of one side of a fixed table."""

    key: str
    label: str
    side: str
    cells: dict[str, str]
    qualifier: str | None = None
    indent: int = 0
    class_code: str | None = None  # rows generated from the 类 list
    in_body: bool = True
    printed: tuple[str, ...] = ()  # other wordings the same row is printed under (a profile's data)

    @property
    def forms(self) -> tuple[str, ...]:
        """The normalized labels this row is printed under: its label, then its printed variants."""
        return tuple(dict.fromkeys(norm(x) for x in (self.label, *self.printed)))


@dataclass(frozen=True)
class Side:
    key: str
    group: str
    label_header: str  # "" = the side prints no label column (a one-row table of amounts)
    columns: tuple[Column, ...]
    body: tuple[Item, ...]
    only_nonzero: bool = False  # body rows printed only when they hold money (Shanghai's 类 lines)
    numbering: str | None = None  # "chinese": printed labels numbered 一、二、… after filtering


@dataclass(frozen=True)
class Balance:
    left: expr.Node
    right: expr.Node
    title: str


@dataclass(frozen=True)
class Check:
    """An aggregate cross-table identity (eq) or bound (ge: left >= right)."""

    code: str
    title: str
    left: expr.Node
    right: expr.Node
    relation: str
    show: tuple[str, ...]


@dataclass(frozen=True)
class GridColumn:
    """One printed column of a table, in order. ``kind`` is seq, code, name, label or value."""

    kind: str
    side: str | None = None
    column: Column | None = None
    path: tuple[str, ...] = ()


@dataclass
class Table:
    id: str
    name: str
    title: str
    kind: str  # "coded" or "fixed"
    number: int
    classification: str | None = None
    code_group: str | None = None
    empty_note: str | None = None
    columns: tuple[Column, ...] = ()  # coded tables
    sides: tuple[Side, ...] = ()  # fixed tables
    footer: tuple[dict[str, Item], ...] = ()
    balances: tuple[Balance, ...] = ()
    money_unit: str = "万元"  # the unit this table's amounts are in (the profile's unless overridden)
    titles: tuple[str, ...] = ()  # other titles the same table is printed under (单位 variants …)
    code_header: tuple[str, ...] = ()  # coded tables: header path above the code cell(s)
    name_header: tuple[str, ...] = ()  # … and above the name column
    code_layout: str = "single"  # "single": one code cell; "split": 类 | 款 | 项 cells
    serial_column: bool = True  # a 序号 column first
    column_numbers: bool = True  # a 栏次 row under the headers
    total_spans_code: bool = False  # coded tables: the 合计 label spans the code and name cells
    total_last: bool = False  # coded tables: the 合计 row printed below the codes (else above)
    _formula_cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ structure
    @property
    def coded(self) -> bool:
        return self.kind == "coded"

    @property
    def leaf_length(self) -> int:
        return LEAF_LENGTH[self.classification]  # type: ignore[index]

    @cached_property
    def leaf_cuts(self) -> tuple[int, ...]:
        """The prefix lengths a coded table's leaf codes are added up by: 0 (all of them) and each
        level above the leaf (类, 款)."""
        return (0, *(k for k in LEVEL_LENGTHS[self.classification] if k < self.leaf_length))

    @cached_property
    def value_columns(self) -> tuple[Column, ...]:
        """All amount columns, in printed order (for fixed tables: every side's columns)."""
        if self.coded:
            return self.columns
        return tuple(c for s in self.sides for c in s.columns)

    def side(self, key: str) -> Side:
        for s in self.sides:
            if s.key == key:
                return s
        raise SpecError(f"表{self.id}没有“{key}”栏组")

    def side_columns(self, side: str | None) -> tuple[Column, ...]:
        return self.columns if side is None else self.side(side).columns

    def column(self, key: str, side: str | None = None) -> Column:
        for c in (self.side_columns(side) if side else self.value_columns):
            if c.key == key:
                return c
        raise SpecError(f"表{self.id}没有“{key}”栏")

    @cached_property
    def items(self) -> dict[str, Item]:
        """Fixed tables: every labelled row, body rows first, by key."""
        out: dict[str, Item] = {}
        for s in self.sides:
            for it in s.body:
                out[it.key] = it
        for row in self.footer:
            for it in row.values():
                out[it.key] = it
        return out

    @cached_property
    def fixed_rows(self) -> tuple[dict[str, Item | None], ...]:
        """Fixed tables: the printed rows, each mapping side key to its item (or None)."""
        n = max((len(s.body) for s in self.sides), default=0)
        rows = []
        for i in range(n):
            rows.append({s.key: (s.body[i] if i < len(s.body) else None) for s in self.sides})
        for frow in self.footer:
            rows.append({s.key: frow.get(s.key) for s in self.sides})
        return tuple(rows)

    @cached_property
    def code_parts(self) -> tuple[tuple[int, int], ...]:
        """Coded tables: the (start, end) character ranges of the printed code cells — one cell for
        the whole code, or one per level (类 | 款 | 项: 201 | 03 | 01)."""
        if self.code_layout != "split":
            return ((0, self.leaf_length),)
        cuts = LEVEL_LENGTHS[self.classification]  # type: ignore[index]
        return tuple(zip((0, *cuts[:-1]), cuts))

    @cached_property
    def grid(self) -> tuple[GridColumn, ...]:
        """The printed columns in order, each with its header path (for merged header rows)."""
        cols = [GridColumn("seq", path=(SERIAL,))] if self.serial_column else []
        if self.coded:
            code_path = self.code_header or (self.code_group, "科目编码")
            if self.code_layout == "split":
                for _, end in self.code_parts:
                    cols.append(GridColumn("code", path=(*code_path, LEVEL_NAMES[end])))
            else:
                cols.append(GridColumn("code", path=code_path))
            cols.append(GridColumn("name", path=self.name_header or (self.code_group, "科目名称")))
            cols += [GridColumn("value", None, c, c.path) for c in self.columns]
        else:
            for s in self.sides:
                prefix = (s.group,) if s.group else ()
                if s.label_header:
                    cols.append(GridColumn("label", s.key, None, prefix + (s.label_header,)))
                cols += [GridColumn("value", s.key, c, prefix + c.path) for c in s.columns]
        return tuple(cols)

    def printed_rows(self, codes: list[str]) -> list[str]:
        """Coded tables: the row keys in printed order — 合计 above or below the codes."""
        return [*codes, TOTAL] if self.total_last else [TOTAL, *codes]

    def split_code(self, code: str) -> tuple[str, ...]:
        """A code as its printed cells (``2010301`` → ``201``, ``03``, ``01`` when split; a shorter
        code leaves the lower cells blank)."""
        return tuple(code[a:b] for a, b in self.code_parts)

    @property
    def all_titles(self) -> tuple[str, ...]:
        return (self.title, *self.titles)

    @cached_property
    def header_depth(self) -> int:
        return max(len(g.path) for g in self.grid)

    def lanci(self) -> dict[tuple[str | None, str], int]:
        """栏次 numbers of the amount columns: (side, column key) -> number (1 = first after 序号)."""
        first = 0 if self.serial_column else 1
        return {(g.side, g.column.key): i + first for i, g in enumerate(self.grid) if g.kind == "value"}

    # ------------------------------------------------------------------ labels
    @cached_property
    def _label_index(self) -> dict[str, list[Item]]:
        idx: dict[str, list[Item]] = {}
        for it in self.items.values():
            for form in it.forms:
                idx.setdefault(form, []).append(it)
        return idx

    def find_item(self, label: str) -> tuple[Item | None, str | None]:
        """Resolve a printed (possibly qualified) label to an item. Returns (item, error)."""
        qualifier, lab = norm_qualified(label)
        found = self._label_index.get(lab, [])
        if qualifier is not None:
            found = [it for it in found if it.qualifier and norm(it.qualifier) == qualifier]
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, f"表“{self.name}”没有行“{label}”"
        forms = "、".join(f"“{it.qualifier}/{norm(it.label)}”" for it in found)
        return None, f"表“{self.name}”中“{label}”出现不止一次，请写明是哪一行：{forms}"

    def fact_label(self, item: Item) -> str:
        """The label written to a facts CSV for an item: qualified only where needed."""
        if len(self._label_index.get(norm(item.label), [])) > 1 and item.qualifier:
            return f"{item.qualifier}/{item.label}"
        return item.label

    def find_column(self, header: str, side: str | None = None) -> Column | None:
        h = norm(header)
        for c in (self.side_columns(side) if (side or self.coded) else self.value_columns):
            if norm(c.header) == h:
                return c
        return None

    # ------------------------------------------------------------------ formulas
    def formula(self, row: str, col: str) -> expr.Node | None:
        """The bound formula of cell (row, col), or None when the cell is an input.

        ``row`` is a code or ``total`` for coded tables, an item key for fixed tables.
        """
        key = (row, col)
        try:
            return self._formula_cache[key]
        except KeyError:
            pass
        node = self._formula(row, col)
        self._formula_cache[key] = node
        return node

    def _formula(self, row: str, col: str) -> expr.Node | None:
        if self.coded:
            column = self.column(col)
            if column.formula:
                return expr.bind(expr.parse(column.formula), self.id, row, col)
            if row == TOTAL:
                return expr.Leaves(self.id, "", col)
            if len(row) < self.leaf_length:
                return expr.Leaves(self.id, row, col)
            return None
        item = self.items[row]
        column = self.column(col, item.side)
        if col in item.cells:
            text = item.cells[col]
        elif column.formula:
            text = column.formula
        elif "*" in item.cells:
            text = item.cells["*"]
        else:
            raise SpecError(f"表{self.id}的单元格 {row}.{col} 没有定义（应为 input 或公式）")
        if text == INPUT:
            return None
        return expr.bind(expr.parse(text), self.id, row, col)

    def __getstate__(self):  # compiled closures cannot be pickled (process pools): rebuild them there
        state = self.__dict__.copy()
        state["_formula_cache"] = {}
        return state

    def compiled(self, row: str, col: str):
        """The formula of (row, col) as a Python closure (None for an input cell); the profile keeps
        them (:meth:`Profile.cell_function`)."""
        node = self.formula(row, col)
        return None if node is None else expr.compile_py(node)

    def is_input(self, row: str, col: str) -> bool:
        return self.formula(row, col) is None

    def item_columns(self, item: Item) -> tuple[Column, ...]:
        return self.side(item.side).columns


@dataclass
class Profile:
    id: str
    name: str
    money_unit: str
    title_prefix: str
    tables: dict[str, Table]
    classes: tuple[dict, ...]
    parts: dict
    directory: Path
    function_codes: str
    economic_codes: str
    places: str
    checks: tuple[Check, ...] = ()
    roles: Roles | None = None
    ref: str = ""  # what load_profile takes to load this profile again: its id if shipped, else its folder
    money_places: int = 2  # decimals every amount is exact to (in its table's unit)
    text_unit: str = "万元"  # the unit the narrative (情况说明) states amounts in, and last year's figures
    title_format: str = "{title}"  # printed title of a table; {year} and {title}
    unit_line: str = "{code}{name}"  # the unit line under each title; {code} and {name}
    year_line: str = "预算年度：{year}"  # "" when the tables print no year line
    _cell_fns: dict = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self):  # compiled closures cannot be pickled: rebuilt on first use
        state = self.__dict__.copy()
        state["_cell_fns"] = {}
        return state

    def cell_function(self, key: tuple[str, str, str]):
        """The compiled formula of a cell (table id, row, column), None for an input cell; compiled
        once per profile and process."""
        try:
            return self._cell_fns[key]
        except KeyError:
            fn = self._cell_fns[key] = self.tables[key[0]].compiled(key[1], key[2])
            return fn

    @property
    def budget_kind(self) -> str:
        """What the disclosure is, as its documents call it ([document] kind: 部门预算, 单位预算):
        the word of the titles and properties budgetxl writes."""
        kind = self.parts.get("document", {}).get("kind")
        if not kind:
            raise SpecError(f"表样“{self.id}”的 parts.toml 没有写明预算的种类（[document] 的 kind，如“部门预算”）")
        return kind

    def printed_title(self, table: Table, year: int | str) -> str:
        """A table's title as printed for a budget year (``2025年部门收入预算总表``)."""
        return self.title_format.format(year=year, title=table.title)

    def read_unit_line(self, text: str) -> tuple[str, str]:
        """(unit code, unit name) of a printed unit line, read by the profile's ``unit_line``
        (``{code}{name}``: ``451曲阳县…``; ``编制部门：{name}``: no code printed, so ``""``); a line
        that does not follow the form is all name."""
        pieces = re.split(r"(\{code\}|\{name\})", self.unit_line)
        pattern = "".join(r"\s*(?P<code>\d*)\s*" if p == "{code}" else r"\s*(?P<name>.*?)\s*" if p == "{name}"
                          else "".join("[:：]" if ch in ":：" else re.escape(ch) for ch in p) for p in pieces if p)
        m = re.fullmatch(pattern, text.strip())
        if m is None:
            return "", text.strip()
        groups = m.groupdict()
        return (groups.get("code") or ""), (groups.get("name") or "").strip()

    def figure_unit(self, node: expr.Node) -> str:
        """The money unit of an expression over cells: its tables' (they must agree)."""
        units = {self.tables[n.table].money_unit for n in expr.walk(node)
                 if isinstance(n, (expr.Ref, expr.Leaves, expr.SideSum))}
        if len(units) > 1:
            raise SpecError(f"公式混用了不同金额单位的表（{'、'.join(sorted(units))}）")
        return units.pop() if units else self.money_unit

    def unit_of(self, table: "Table | str") -> str:
        """The money unit of a table's amounts (元, 万元)."""
        return (table if isinstance(table, Table) else self.table(table)).money_unit

    @property
    def ordered(self) -> list[Table]:
        return sorted(self.tables.values(), key=lambda t: t.number)

    @cached_property
    def _by_name(self) -> dict[str, Table]:
        out = {}
        for t in self.tables.values():
            out[norm(t.name)] = t
            for title in t.all_titles:
                out[norm(title)] = t
            out[t.id] = t
        return out

    def table(self, name_or_id: str) -> Table:
        """A table by id (``t2``), facts name (``收入总表``) or title (``部门预算收入总表``)."""
        t = self._by_name.get(norm(name_or_id)) or self._by_name.get(name_or_id)
        if t is None:
            raise KeyError(name_or_id)
        return t

    def find_table(self, name: str) -> Table | None:
        try:
            return self.table(name)
        except KeyError:
            return None

    def resource(self, relative: str) -> Path:
        return (self.directory / relative).resolve()


# ---------------------------------------------------------------------- loading
def _columns(raw: list[dict]) -> tuple[Column, ...]:
    return tuple(Column(c["key"], c["header"], _group(c.get("group")), c.get("formula")) for c in raw)


def _item(raw: dict, side: str, in_body: bool) -> Item:
    return Item(
        key=raw["key"], label=raw["label"], side=side, cells=dict(raw.get("cells", {})),
        qualifier=raw.get("qualifier"), indent=int(raw.get("indent", 0)), in_body=in_body,
        printed=tuple(raw.get("printed", ())),
    )


def _group(raw) -> str | tuple[str, ...] | None:
    if isinstance(raw, list):
        return tuple(raw) or None
    return raw or None


def _expand(spec, side: str, classes) -> tuple[Item, ...]:
    if isinstance(spec, list):
        return tuple(_item(r, side, True) for r in spec)
    if isinstance(spec, dict) and spec.get("each") == "classes":
        out = []
        for c in classes:
            code = c["code"]
            key = c.get("key") or expr.substitute(spec["key"], code=code)
            if code:
                cells = {k: expr.substitute(v, code=code) for k, v in spec["cells"].items()}
            else:  # a line with no function code can never hold money
                cells = {k: "0" for k in spec["cells"]}
            out.append(Item(key=key, label=c["label"], side=side, cells=cells, class_code=code or None))
        return tuple(out)
    raise SpecError(f"表体定义无法识别：{spec!r}")


LAYOUTS = ("single", "split")


def _table(tid: str, raw: dict, number: int, classes, defaults: dict) -> Table:
    kind = raw["kind"]
    t = Table(id=tid, name=raw["name"], title=raw["title"], kind=kind, number=number,
              classification=raw.get("classification"), code_group=raw.get("code_group"),
              empty_note=raw.get("empty_note"),
              money_unit=raw.get("money_unit", defaults["money_unit"]),
              titles=tuple(raw.get("titles", ())),
              code_header=tuple(raw.get("code_header", ())), name_header=tuple(raw.get("name_header", ())),
              code_layout=raw.get("code_layout", defaults["code_layout"]),
              serial_column=bool(raw.get("serial_column", defaults["serial_column"])),
              column_numbers=bool(raw.get("column_numbers", defaults["column_numbers"])),
              total_spans_code=bool(raw.get("total_spans_code", defaults["total_spans_code"])),
              total_last=raw.get("total_row", defaults["total_row"]) == "last")
    if raw.get("total_row", defaults["total_row"]) not in ("first", "last"):
        raise SpecError(f"表{tid}的 total_row 必须是 first 或 last")
    if t.money_unit not in MONEY_UNITS:
        raise SpecError(f"表{tid}的 money_unit 必须是 {'、'.join(MONEY_UNITS)} 之一")
    if t.code_layout not in LAYOUTS:
        raise SpecError(f"表{tid}的 code_layout 必须是 single 或 split")
    if kind == "coded":
        if t.classification not in LEAF_LENGTH:
            raise SpecError(f"表{tid}的 classification 必须是 function 或 economic")
        t.columns = _columns(raw["columns"])
    elif kind == "fixed":
        body = raw.get("body", {})
        t.sides = tuple(
            Side(s["key"], s.get("group", ""), s.get("label_header", "项目"), _columns(s["columns"]),
                 _expand(body.get(s["key"], []), s["key"], classes),
                 only_nonzero=bool(s.get("only_nonzero", False)), numbering=s.get("numbering"))
            for s in raw["sides"]
        )
        t.footer = tuple({side: _item(it, side, False) for side, it in row.items()} for row in raw.get("footer", []))
    else:
        raise SpecError(f"表{tid}的 kind 必须是 coded 或 fixed")
    t.balances = tuple(
        Balance(_bind_all(b["left"], tid), _bind_all(b["right"], tid), b["title"]) for b in raw.get("balances", [])
    )
    return t


def _bind_all(text: str, tid: str) -> expr.Node:
    node = expr.parse(text)
    return expr.bind(node, tid, "*", "*")


def _validate(profile: Profile) -> None:
    """Every formula must refer to cells that exist; fail early on a broken definition."""
    for t in profile.tables.values():
        if not t.coded:
            keys = [it.key for s in t.sides for it in s.body] + [it.key for r in t.footer for it in r.values()]
            if len(keys) != len(set(keys)):
                raise SpecError(f"表{t.id}的行键重复")
            for it in t.items.values():
                for c in t.item_columns(it):
                    node = t.formula(it.key, c.key)
                    if node is not None:
                        _check_refs(profile, t, node)
        else:
            for c in t.columns:
                for row in (TOTAL, "1" * t.leaf_length):
                    node = t.formula(row, c.key)
                    if node is not None:
                        _check_refs(profile, t, node)


def _check_refs(profile: Profile, table: Table, node: expr.Node) -> None:
    for n in expr.walk(node):
        if isinstance(n, (expr.Ref, expr.Leaves, expr.SideSum)):
            if n.table not in profile.tables:
                raise SpecError(f"表{table.id}的公式引用了不存在的表 {n.table}")
            other = profile.tables[n.table]
            if isinstance(n, expr.Leaves) and not other.coded:
                raise SpecError(f"leaves() 只能用于科目表，不能用于 {n.table}")
            if isinstance(n, expr.Ref) and not other.coded and n.row not in other.items:
                raise SpecError(f"表{table.id}的公式引用了 {n.table} 不存在的行 {n.row}")
            if isinstance(n, expr.Ref) and other.coded and other is not table and n.row != TOTAL:
                raise SpecError(f"表{table.id}的公式只能引用科目表的合计行（total），不能引用 {n.row}")
            cols = {c.key for c in other.value_columns}
            if n.col not in cols:
                raise SpecError(f"表{table.id}的公式引用了 {n.table} 不存在的栏 {n.col}")


def _read_profile(d: Path, depth: int = 0) -> tuple[dict, dict]:
    """A profile folder's profile.toml and parts.toml as data. ``base = "../other"`` makes it a
    variant of another profile: its top-level keys replace the base's, a table it declares replaces
    only the keys it sets (a variant can retitle a table or redraw one side), its [[checks]] come
    after the base's (one with the same code replaces it), and a parts.toml of its own replaces the
    base's parts key by key (a variant can give its own [[narrative]] and [document], the 单位
    wording of a 部门 profile's, and keep the base's [guide])."""
    path = d / "profile.toml"
    if not path.is_file():
        raise SpecError(f"没有名为“{d.name}”的表样定义（{path}）")
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"表样定义 {path} 无法解析：{e}") from None
    parts_path = d / "parts.toml"
    parts = tomllib.loads(parts_path.read_text("utf-8")) if parts_path.is_file() else None
    base = raw.pop("base", None)
    if base is None:
        return raw, parts or {}
    if depth > 3:
        raise SpecError(f"{path}：base 嵌套过深")
    braw, bparts = _read_profile((d / base).resolve(), depth + 1)
    merged = {**braw, **{k: v for k, v in raw.items() if k not in ("tables", "checks")}}
    own = {c["code"] for c in raw.get("checks", [])}  # the base's checks, and the variant's own
    merged["checks"] = [c for c in braw.get("checks", []) if c["code"] not in own] + raw.get("checks", [])
    tables = dict(braw.get("tables", {}))
    for tid, override in raw.get("tables", {}).items():
        table = dict(tables.get(tid, {}))
        for k, v in override.items():  # a table's body: the sides it gives replace the base's
            table[k] = {**table[k], **v} if isinstance(v, dict) and isinstance(table.get(k), dict) else v
        tables[tid] = table
    merged["tables"] = tables
    return merged, {**bparts, **(parts or {})}


def profile_folder(name_or_folder: str | Path) -> Path:
    """The folder of a profile: a shipped profile's id (``templates/<id>``) or the path of a folder
    holding a ``profile.toml`` (a profile that is not shipped)."""
    text = str(name_or_folder)
    given = Path(text).expanduser()
    if given.is_dir() or "/" in text or "\\" in text or text.startswith("."):
        if not (given / "profile.toml").is_file():
            raise SpecError(f"表样目录“{text}”中没有 profile.toml")
        return given.resolve()
    d = profile_dir(text)
    if not (d / "profile.toml").is_file():
        shipped = "、".join(available_profiles())
        raise SpecError(f"没有名为“{text}”的表样定义；自带的表样：{shipped}（也可以给出含 profile.toml 的目录）")
    return d


def load_profile(profile: str | Path | Profile = DEFAULT_PROFILE) -> Profile:
    """Load and validate a profile: a shipped one by id (default ``hebei-2024``) or a folder
    holding a ``profile.toml``. A Profile is returned as it is."""
    if isinstance(profile, Profile):
        return profile
    return _load_folder(profile_folder(profile))


@lru_cache(maxsize=8)
def _load_folder(d: Path) -> Profile:
    raw, parts = _read_profile(d)
    classes = tuple(raw.get("classes", []))
    defaults = {"money_unit": raw.get("money_unit", "万元"), "code_layout": raw.get("code_layout", "single"),
                "serial_column": raw.get("serial_column", True), "column_numbers": raw.get("column_numbers", True),
                "total_spans_code": raw.get("total_spans_code", False), "total_row": raw.get("total_row", "first")}
    tables = {tid: _table(tid, raw["tables"][tid], i + 1, classes, defaults) for i, tid in enumerate(raw["order"])}
    if defaults["money_unit"] not in MONEY_UNITS:
        raise SpecError(f"表样定义的 money_unit 必须是 {'、'.join(MONEY_UNITS)} 之一")
    profile = Profile(
        id=raw["id"], name=raw["name"], money_unit=defaults["money_unit"],
        title_prefix=raw.get("title_prefix", ""), tables=tables, classes=classes, parts=parts,
        directory=d, function_codes=raw["function_codes"], economic_codes=raw["economic_codes"],
        places=raw.get("places", ""), money_places=int(raw.get("money_places", 2)),
        title_format=raw.get("title_format", "{title}"), unit_line=raw.get("unit_line", "{code}{name}"),
        year_line=raw.get("year_line", "预算年度：{year}"), text_unit=raw.get("text_unit", "万元"),
    )
    if profile.text_unit != "万元":  # the narrative parser reads every stated amount into 万元
        raise SpecError("表样定义的 text_unit 目前只支持 万元")
    if profile.money_places != 2:
        raise SpecError("表样定义的 money_places 目前只支持 2（金额精确到两位小数）")
    profile.checks = tuple(
        Check(c["code"], c["title"], _bind_all(c["left"], "*"), _bind_all(c["right"], "*"), c.get("relation", "eq"),
              tuple(c.get("show", ())))
        for c in raw.get("checks", [])
    )
    for c in profile.checks:
        if c.relation not in ("eq", "ge"):
            raise SpecError(f"校验 {c.code} 的 relation 必须是 eq 或 ge")
        for node in (c.left, c.right):
            _check_refs(profile, profile.tables[c.show[0]] if c.show else profile.ordered[0], node)
    _validate(profile)
    profile.roles = load_roles(profile, raw.get("roles"), _check_refs)
    profile.roles.disclosure = load_disclosure(profile.roles, raw.get("disclosure"))
    profile.ref = raw["id"] if d == profile_dir(raw["id"]) else str(d)
    return profile


load_profile.cache_clear = _load_folder.cache_clear  # type: ignore[attr-defined]
