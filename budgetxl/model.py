"""The exact data model of one unit's budget.

A :class:`UnitBudget` holds the *input* cells of the nine tables (Decimal 万元) and computes
every derived cell from them with the profile's formulas. Values supplied for derived cells (a
facts CSV that carries totals, a workbook's cached values) are kept apart in ``given`` and are
never used for computing: they are only compared.

>>> from budgetxl import UnitBudget
>>> b = UnitBudget.empty("451", "曲阳县公安局交通管理大队", 2024)
>>> b.set("支出总表", "2040250", "基本支出", "735.75")
>>> b.set("支出总表", "2040220", "项目支出", "532.10")
>>> b.value("支出总表", "204", "合计")
Decimal('1267.85')
>>> b.value("收支总表", "四、公共安全支出", "预算数")
Decimal('1267.85')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

from . import expr
from .codes import code_list
from .errors import BudgetxlError
from .factrows import FACT_COLUMNS, fact_rows
from .money import ZERO, money
from .spec import DEFAULT_PROFILE, LEVEL_LENGTHS, TOTAL, TOTAL_LABEL, Profile, Table, load_profile
from .labels import ascii_digits

CellKey = tuple[str, str, str]  # (table id, row key or code, column key)
UNKNOWN = Decimal("NaN")  # the value of a cell of an absent table, and of all that is computed from it


@dataclass
class UnitBudget:
    """One unit's budget for one year: inputs, computed derived cells, and supplied values."""

    profile: Profile
    unit_code: str
    unit_name: str
    year: int
    # the cells are this class's own: changed only through its methods (set, put, set_input …), so
    # that a change can never leave a computed total stale; the public names are read-only views
    _inputs: dict[CellKey, Decimal] = field(default_factory=dict, repr=False)
    _given: dict[CellKey, Decimal] = field(default_factory=dict, repr=False)
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (table id, code) -> name as written
    _origin: dict[CellKey, str] = field(default_factory=dict, repr=False)  # where a value came from
    supplement: dict | None = None
    read_problems: list = field(default_factory=list)  # what a lenient reader could not read
    read_notes: list = field(default_factory=list)  # what a reader read but found printed irregularly (V01)
    absent: set = field(default_factory=set)  # ids of tables the source did not have: their cells are unknown
    # input cells a document prints but a reader could not read ("12,3a4"): key -> where, as said in
    # the reader's finding; their value is unknown, not zero, and so is all computed from them
    unreadable: dict = field(default_factory=dict)
    # derived cells whose given value was typed into an input cell of a workbook (a 类/款 code in a
    # spare row) and differs from the sum of its leaves: H101 reports them in workbooks too
    typed_given: set = field(default_factory=set)
    _codes: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _cache: dict[CellKey, Decimal] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def empty(cls, unit_code: str, unit_name: str, year: int, profile: Profile | str = DEFAULT_PROFILE) -> "UnitBudget":
        p = load_profile(profile) if isinstance(profile, str) else profile
        return cls(p, str(unit_code), unit_name, int(year))

    def with_unit_code(self, unit_code: str) -> "UnitBudget":
        """The same budget under another unit code (a published document that prints none: the
        code the user gives for it)."""
        from dataclasses import replace

        return replace(self, unit_code=str(unit_code))

    @property
    def inputs(self) -> Mapping[CellKey, Decimal]:
        """The input cells (read-only: change them with :meth:`set`, :meth:`set_input`, :meth:`put`)."""
        return MappingProxyType(self._inputs)

    @property
    def given(self) -> Mapping[CellKey, Decimal]:
        """Values supplied for derived cells, kept to be compared (read-only: :meth:`put`, :meth:`set_given`)."""
        return MappingProxyType(self._given)

    @property
    def origin(self) -> Mapping[CellKey, str]:
        """Where each value came from, a CSV line or a sheet cell (read-only: :meth:`set_origin`)."""
        return MappingProxyType(self._origin)

    @property
    def key(self) -> tuple[str, int]:
        return (self.unit_code, self.year)

    @property
    def label(self) -> str:
        """The unit line printed under each table title, as the profile writes it, e.g.
        ``451曲阳县公安局交通管理大队`` or ``编制部门：上海市普陀区人民政府办公室``."""
        return self.profile.unit_line.format(code=self.unit_code, name=self.unit_name)

    def _table(self, table: str | Table) -> Table:
        return table if isinstance(table, Table) else self.profile.table(table)

    def resolve(self, table: str | Table, row: str, col: str) -> CellKey:
        """Resolve printed names (表名, 科目编码 or 行标签, 栏目) to a cell key."""
        t = self._table(table)
        if t.coded:
            r = TOTAL if row in ("", TOTAL, TOTAL_LABEL) else str(row)
            c = t.find_column(col) or (t.column(col) if col in {x.key for x in t.columns} else None)
            if c is None:
                raise KeyError(f"{t.name} 没有栏目 {col}")
            return (t.id, r, c.key)
        if row in t.items:
            item = t.items[row]
        else:
            item, err = t.find_item(row)
            if item is None:
                raise KeyError(err)
        c = t.find_column(col, item.side)
        if c is None:
            cols = {x.key: x for x in t.item_columns(item)}
            if col not in cols:
                raise KeyError(f"{t.name} 的“{item.label}”没有栏目 {col}")
            c = cols[col]
        return (t.id, item.key, c.key)

    def add_code(self, table_id: str, code: str, name: str | None = None) -> None:
        """Make a code row (and its 类/款 ancestors) part of a coded table."""
        t = self.profile.tables[table_id]
        codes = self._codes.setdefault(table_id, set())
        for n in t_levels(t):
            if len(code) > n:
                codes.add(code[:n])
        codes.add(code)
        if name:
            self.names[(table_id, code)] = name
        self._cache.clear()

    def set(self, table: str | Table, row: str, col: str, amount, *, origin: str | None = None) -> None:
        """Set an input cell (amount in 万元, str/int/Decimal). Raises on a derived cell."""
        key = self.resolve(table, row, col)
        t = self.profile.tables[key[0]]
        if not t.is_input(key[1], key[2]):
            raise BudgetxlError(f"{t.name}“{row}”的“{col}”是派生数（由公式计算），不能直接填写")
        if t.coded:
            self.add_code(t.id, key[1])
        self._inputs[key] = money(amount)
        if origin:
            self._origin[key] = origin
        self._cache.clear()

    def set_input(self, key: CellKey, amount: Decimal, *, origin: str | None = None) -> None:
        """Set an input cell by its key (table id, row key or code, column key) to an exact amount
        (a reader's or consolidation's path: the code row must already be present)."""
        if self.profile.cell_function(key) is not None:
            t = self.profile.tables[key[0]]
            raise BudgetxlError(f"{t.name} 的单元格 {key[1]}.{key[2]} 是派生数（由公式计算），不能直接填写")
        self._inputs[key] = amount
        if origin:
            self._origin[key] = origin
        self._cache.clear()

    def remove_input(self, key: CellKey) -> None:
        """Clear an input cell (it is then zero)."""
        self._inputs.pop(key, None)
        self._cache.clear()

    def set_given(self, key: CellKey, amount: Decimal, *, origin: str | None = None) -> None:
        """Record the value a source supplied for a derived cell (compared, never used to compute)."""
        self._given[key] = amount
        if origin:
            self._origin[key] = origin

    def put(self, key: CellKey, amount: Decimal, *, origin: str | None = None) -> None:
        """Record a value read for a cell: an input cell's amount is an input, a derived cell's a
        supplied value (given)."""
        if self.profile.cell_function(key) is None:
            self.set_input(key, amount, origin=origin)
        else:
            self.set_given(key, amount, origin=origin)

    def mark_absent(self, table_ids) -> None:
        """Tables the source did not have: their cells, and all computed from them, are unknown."""
        self.absent = set(table_ids)
        self._cache.clear()

    def mark_unreadable(self, key: CellKey, where: str) -> None:
        """An input cell printed but not readable: unknown (NaN), like a cell of an absent table."""
        self.unreadable[key] = where
        self._cache.clear()

    def set_origin(self, key: CellKey, origin: str) -> None:
        self._origin[key] = origin

    # ------------------------------------------------------------------ computation
    def codes(self, table: str | Table) -> list[str]:
        """The code rows of a coded table, in printed order (类, its 款, its 项, …)."""
        t = self._table(table)
        return sorted(self._codes.get(t.id, ()))

    def leaf_codes(self, table: str | Table) -> list[str]:
        t = self._table(table)
        return [c for c in self.codes(t) if len(c) == t.leaf_length]

    def value(self, table: str | Table, row: str, col: str) -> Decimal:
        """The exact value of any cell (input or derived), by id/key or printed names."""
        hit = self._cache.get((table, row, col)) if type(table) is str else None  # ids and keys, computed
        if hit is not None:
            return hit
        t = self._table(table)
        key = (t.id, row, col)
        if not self._is_key(t, row, col):
            key = self.resolve(t, row, col)
        return self._value(key)

    def code_value(self, table: str | Table, code: str, col: str) -> Decimal:
        """A code row's value in a coded table: 0 where the unit has no such row, unknown (NaN)
        where the table itself is absent (absent is not zero)."""
        t = self._table(table)
        if self.absent and t.id in self.absent:
            return UNKNOWN
        return self.value(t, code, col) if code in self._codes.get(t.id, ()) else ZERO

    def _is_key(self, t: Table, row: str, col: str) -> bool:
        if t.coded:
            return (row == TOTAL or ascii_digits(row)) and any(c.key == col for c in t.columns)
        item = t.items.get(row)
        return item is not None and any(c.key == col for c in t.item_columns(item))

    def cell_value(self, key: CellKey) -> Decimal:
        """The exact value of a cell by its key (table id, row key or code, column key)."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if self.absent and key[0] in self.absent:
            return UNKNOWN  # absent is not zero: every figure computed from it is unknown too
        fn = self.profile.cell_function(key)
        if fn is None:
            v = UNKNOWN if self.unreadable and key in self.unreadable else self._inputs.get(key, ZERO)
        else:
            v = fn(self)
        self._cache[key] = v
        return v

    _value = cell_value

    def _cell(self, table: str, row: str, col: str) -> Decimal:
        return self._value((table, row, col))

    def leaves(self, table: str, prefix: str, col: str) -> Decimal:
        """Σ of a column over the leaf codes that start with ``prefix`` (table id, column key)."""
        if self.absent and table in self.absent:
            return UNKNOWN
        sums = self._cache.get(("#sums", table, col))  # type: ignore[arg-type]
        if sums is None:
            sums = self._leaf_sums(table, col)
        hit = sums.get(prefix)
        if hit is not None:
            return hit
        t = self.profile.tables[table]
        if len(prefix) in t.leaf_cuts:
            return ZERO  # a 类/款 with no leaves
        return sum((self._value((table, c, col)) for c in self._codes.get(table, ())
                    if len(c) == t.leaf_length and c.startswith(prefix)), ZERO)  # any other prefix

    def _leaf_sums(self, table: str, col: str) -> dict[str, Decimal]:
        """A column's sums over the leaf codes for every 类/款 prefix and the total (prefix ""), made
        in one pass over the leaves and kept with the computed cells."""
        t = self.profile.tables[table]
        n, cuts = t.leaf_length, t.leaf_cuts
        sums = {"": ZERO}
        for code in self._codes.get(table, ()):
            if len(code) == n:
                v = self._value((table, code, col))
                for k in cuts:
                    p = code[:k]
                    sums[p] = sums.get(p, ZERO) + v
        self._cache[("#sums", table, col)] = sums  # type: ignore[index]
        return sums

    def side_sum(self, table: str, side: str, col: str, cell=None) -> Decimal:
        """Σ of a column over the body rows of one side of a fixed table (``cell``: how a cell's
        value is had, the computed value by default)."""
        t = self.profile.tables[table]
        value = cell or self._cell
        return sum((value(table, it.key, col) for it in t.side(side).body), ZERO)

    def evaluate(self, node: expr.Node) -> Decimal:
        """Evaluate any bound expression of the profile language against this budget."""
        return expr.evaluate(node, self._cell, self.leaves, self.side_sum)

    def balances(self) -> list[tuple[str, str, Decimal, Decimal]]:
        """Every balance identity of the profile: (table id, title, left, right)."""
        return [(t.id, b.title, self.evaluate(b.left), self.evaluate(b.right))
                for t in self.profile.ordered for b in t.balances]

    def formula(self, key: CellKey) -> expr.Node | None:
        return self.profile.tables[key[0]].formula(key[1], key[2])

    # ------------------------------------------------------------------ iteration
    def cells(self, table: str | Table) -> Iterator[CellKey]:
        """Every cell of a table that exists for this unit (rows present × their columns)."""
        t = self._table(table)
        if t.coded:
            for row in [TOTAL, *self.codes(t)]:
                for c in t.columns:
                    yield (t.id, row, c.key)
        else:
            for item in t.items.values():
                for c in t.item_columns(item):
                    yield (t.id, item.key, c.key)

    def all_cells(self) -> Iterator[CellKey]:
        for t in self.profile.ordered:
            yield from self.cells(t)

    def row_name(self, table_id: str, row: str) -> str:
        """The name printed for a row: a code's name as written, else from the code list."""
        t = self.profile.tables[table_id]
        if not t.coded:
            return t.items[row].label
        if row == TOTAL:
            return TOTAL_LABEL
        name = self.names.get((table_id, row))
        if name:
            return name
        for other in self.profile.tables.values():  # the same code named in another table
            if other.classification == t.classification and (other.id, row) in self.names:
                return self.names[(other.id, row)]
        return code_list(self.profile, t.classification).name(row) or ""

    def is_empty(self, table: str | Table) -> bool:
        """True when a table holds no money at all (it is then published empty, with a note)."""
        t = self._table(table)
        return all(self._value(k) == 0 for k in self.cells(t))

    def mismatches(self) -> list[tuple[CellKey, Decimal, Decimal]]:
        """Supplied values of derived cells that differ from the computed values.

        A derived cell that cannot be computed from the inputs (it needs a table the source lacks:
        a document that prints only some tables) is checked as an auditor checks a lone table:
        its formula over the figures printed beside it (:meth:`printed_value`), and over the
        finest printed figures beneath those. It is a mismatch only when it disagrees with both
        — a total that agrees with a wrong subtotal printed under it is not blamed for it, nor is a
        total that agrees with the parts when the subtotal between them is wrong — and then the
        expected value is the one from the figures beside it (:meth:`on_printed_basis` tells these
        cells). Where even that needs an unknown figure the computed value stays NaN: the check is
        not checkable."""
        out = []
        for key, given in self._given.items():
            computed = self._value(key)
            if self.on_printed_basis(key):
                near, deep = self.printed_value(key), self.printed_value(key, deep=True)
                known = [v for v in (near, deep) if not v.is_nan()]
                if known:
                    computed = given if given in known else known[0]
            if computed != given:
                out.append((key, given, computed))
        return out

    def on_printed_basis(self, key: CellKey) -> bool:
        """Whether a derived cell of a printed table cannot be computed from the inputs (they are
        in tables the source lacks), so that it is checked against the figures printed beside it."""
        return key[0] not in self.absent and self.formula(key) is not None and self._value(key).is_nan()

    def _operand(self, key: CellKey, deep: bool) -> Decimal:
        """An operand for :meth:`printed_value`: its value from the inputs where that is known;
        else as printed (``deep``: recomputed from the printed figures it is made of first); a
        derived cell printed blank in a printed table is 0."""
        v = self._value(key)
        if not v.is_nan():
            return v
        given = self._given.get(key)
        if given is not None and not deep:
            return given
        node = self.formula(key)
        if node is not None and key[0] not in self.absent:
            local = self.evaluate_printed(node, deep=deep)
            if not local.is_nan():
                return local
        if given is not None:
            return given
        if node is not None and not self.unreadable and key[0] not in self.absent:
            return ZERO  # printed blank; what it would be computed from is in tables not printed
        return v

    def evaluate_printed(self, node: expr.Node, *, deep: bool = False) -> Decimal:
        """An expression over the printed figures, where the inputs it is computed from are in
        tables the source lacks (``deep``: recomputed from the finest printed figures)."""
        def cell(table, row, col):
            return self._operand((table, row, col), deep)

        return expr.evaluate(node, cell, self.leaves, lambda t, side, col: self.side_sum(t, side, col, cell))

    def printed_value(self, key: CellKey, *, deep: bool = False) -> Decimal:
        """A derived cell's formula over the printed figures of its operands (``deep``: over the
        finest printed figures beneath them)."""
        node = self.formula(key)
        return UNKNOWN if node is None or key[0] in self.absent else self.evaluate_printed(node, deep=deep)

    # ------------------------------------------------------------------ pandas
    def frame(self, table: str | Table, *, numeric: str = "decimal"):
        """The table as a DataFrame in printed layout.

        Coded tables: columns 科目编码, 科目名称 and one per amount column (header as printed),
        first row 合计. Fixed tables: 行, 项目 and the amount columns; a cell that does not exist
        on a row's side is NaN/None. ``numeric="float"`` gives float64 for quick plotting;
        the default keeps exact Decimals (object dtype).
        """
        import pandas as pd

        t = self._table(table)
        conv = (lambda d: float(d)) if numeric == "float" else (lambda d: d)
        records = []
        if t.coded:
            for row in [TOTAL, *self.codes(t)]:
                rec = {"科目编码": "" if row == TOTAL else row, "科目名称": self.row_name(t.id, row)}
                for c in t.columns:
                    rec[c.header] = conv(self._value((t.id, row, c.key)))
                records.append(rec)
            return pd.DataFrame.from_records(records, columns=["科目编码", "科目名称", *[c.header for c in t.columns]])
        headers: list[str] = []
        for c in t.value_columns:
            if c.header not in headers:
                headers.append(c.header)
        for item in t.items.values():
            rec = {"行": item.key, "项目": t.fact_label(item)}
            for c in t.item_columns(item):
                rec[c.header] = conv(self._value((t.id, item.key, c.key)))
            records.append(rec)
        return pd.DataFrame.from_records(records, columns=["行", "项目", *headers])

    def facts(self, *, derived: bool = True, zeros: bool = False):
        """All cells as a long DataFrame with the facts-CSV columns (金额 as Decimal)."""
        import pandas as pd

        return pd.DataFrame(list(fact_rows([self], derived=derived, zeros=zeros)), columns=FACT_COLUMNS)


def t_levels(t: Table) -> tuple[int, ...]:
    return LEVEL_LENGTHS[t.classification]  # type: ignore[index]


def iter_inputs(budget: UnitBudget) -> Iterable[tuple[CellKey, Decimal]]:
    return sorted(budget.inputs.items())
