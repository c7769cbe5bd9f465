"""Printed layout of the supplementary parts: 部门机构设置情况, 项目绩效目标表, 部门政府采购预算,
部门固定资产占用情况表.

Like :mod:`budgetxl.layout` for the nine tables, this module turns the declaration in
``parts.toml`` and a unit's supplement into a neutral grid of cells (text, amounts, merged
blocks); the official workbook (:mod:`.official`) and the Word document (:mod:`.document`) both
draw from it, so a part looks the same wherever it is printed. It also holds the few sums the
parts need (a procurement line's 合计, 资产总额, purchases by catalog), used by the narrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from .. import expr
from ..layout import header_cells
from ..money import ZERO
from ..supplement import procurement_total

MONEY, NUMBER, TEXT, HEADER, LABEL, CODE = "money", "number", "text", "header", "label", "code"


@dataclass(frozen=True)
class PCell:
    """One printed cell (or merged block) of a part; ``value`` is text, a Decimal or None (blank)."""

    row: int
    col: int
    value: object
    kind: str = TEXT  # money, number, text, header, label, code
    last_row: int | None = None
    last_col: int | None = None
    bold: bool = False
    indent: int = 0

    @property
    def bottom(self) -> int:
        return self.row if self.last_row is None else self.last_row

    @property
    def right(self) -> int:
        return self.col if self.last_col is None else self.last_col


@dataclass
class PartTable:
    """A supplementary table as printed: title, the line under it, a grid of cells, a note."""

    key: str  # institutions, projects, procurement, assets
    title: str
    sheet: str
    widths: list[float]  # column widths in Excel character units (the document scales them)
    left: str  # line under the title, left: the unit
    right: str  # …and right: 单位：万元 or 截止时间
    cells: list[PCell] = field(default_factory=list)
    header_rows: int = 0  # rows 0 .. header_rows-1 repeat on every printed page
    # printed on one page where it fits, starting a new page (a form-like table whose header
    # rows are only its first line: 项目绩效目标表)
    keep_together: bool = False
    note: str = ""
    heading: str = ""  # the table's heading in the document (项目: "1、…绩效目标表")

    @property
    def nrows(self) -> int:
        return max((c.bottom for c in self.cells), default=-1) + 1

    @property
    def ncols(self) -> int:
        return len(self.widths)


# ---------------------------------------------------------------------- sums
def amount(v) -> Decimal:
    return v if v is not None else ZERO


def _refs(formula: str) -> list[str]:
    return [n.col if n.row == "*" else n.row for n in expr.walk(expr.parse(formula)) if isinstance(n, expr.Ref)]


def procurement_value(profile, rec: dict, key: str) -> Decimal | None:
    return procurement_total(profile, rec) if key == "total" else rec.get(key)


def procurement_sum(profile, lines: list[dict], key: str) -> Decimal:
    return sum((amount(procurement_value(profile, r, key)) for r in lines), ZERO)


def procurement_by_prefix(profile, lines: list[dict], prefixes) -> Decimal:
    """Σ 合计 of the lines whose 政府采购目录序号 starts with one of ``prefixes``."""
    prefixes = tuple(prefixes)
    return sum((procurement_total(profile, r) for r in lines
                if (r.get("catalog") or "").strip().upper().startswith(prefixes)), ZERO)


def asset_value(profile, assets: dict, key: str, col: str) -> Decimal | None:
    """A cell of the assets table: as given, else (a formula row's money column) computed."""
    values = (assets or {}).get("values") or {}
    v = (values.get(key) or {}).get(col)
    if v is not None:
        return v
    row = next((r for r in profile.parts["assets"]["rows"] if r["key"] == key), {})
    ctype = next((c["type"] for c in profile.parts["assets"]["columns"] if c["key"] == col), "")
    if row.get("formula") and ctype == "money":
        return sum((amount((values.get(k) or {}).get(col)) for k in _refs(row["formula"])), ZERO)
    return None


def fixed_asset_purchases(profile, lines: list[dict]) -> Decimal:
    """本年度拟购置固定资产: procurement of the fixed-asset catalogs declared in parts.toml."""
    return procurement_by_prefix(profile, lines, profile.parts["assets"]["print"]["purchase_catalogs"])


# ---------------------------------------------------------------------- layout
def fill(template: str, budget, **more) -> str:
    return template.format(unit_name=budget.unit_name, unit_code=budget.unit_code, year=budget.year, **more)


def _header(text: str, year) -> str:
    return text.replace("{year}", str(year))


def _text(v) -> str:
    return "" if v is None else str(v)


def institutions_table(budget) -> PartTable:
    part = budget.profile.parts["institutions"]
    fields = part["fields"]
    t = PartTable("institutions", part["title"], part["print"]["sheet"], [34, 14, 14, 16], budget.label, "",
                  header_rows=1)
    for c, f in enumerate(fields):
        t.cells.append(PCell(0, c, f["header"], HEADER))
    for r, rec in enumerate(budget.supplement.get("institutions") or [], start=1):
        for c, f in enumerate(fields):
            t.cells.append(PCell(r, c, _text(rec.get(f["key"])), TEXT))
    return t


def _spans(n: int, first: int, width: int) -> list[tuple[int, int]]:
    """``n`` near-equal blocks over ``width`` columns from ``first``: [(start, end), …]."""
    out, c = [], first
    for i in range(n):
        w = width // n + (1 if i < width % n else 0)
        out.append((c, c + w - 1))
        c += w
    return out


def project_tables(budget) -> list[PartTable]:
    """One 项目绩效目标表 per project: code and name, budget and its split, purpose, the cumulative
    spending plan, the goal, then the indicators (一级指标 merged down over its rows)."""
    part = budget.profile.parts["projects"]
    h = {f["key"]: f["header"] for f in part["fields"]}
    plan_periods = next(f for f in part["fields"] if f["type"] == "money4")["periods"]
    ind = part["indicator_fields"]
    unit = f"单位：{budget.profile.money_unit}"
    out = []
    for i, rec in enumerate(budget.supplement.get("projects") or [], start=1):
        t = PartTable("projects", part["title"], fill(part["print"]["sheet"], budget, index=i),
                      [14, 13, 16, 13, 13, 13, 14], budget.label, unit, header_rows=1, keep_together=True,
                      heading=fill(part["print"]["item_title"], budget, index=i, name=rec.get("name") or ""))
        add = t.cells.append
        add(PCell(0, 0, h["code"], LABEL, bold=True))
        add(PCell(0, 1, _text(rec.get("code")), CODE, last_col=2))
        add(PCell(0, 3, h["name"], LABEL, bold=True))
        add(PCell(0, 4, _text(rec.get("name")), TEXT, last_col=6))
        add(PCell(1, 0, h["purpose"], LABEL, last_row=2, bold=True))
        for c, key in ((1, "budget"), (3, "fiscal"), (5, "other")):
            add(PCell(1, c, h[key], LABEL))
            add(PCell(1, c + 1, rec.get(key), MONEY))
        add(PCell(2, 1, _text(rec.get("purpose")), TEXT, last_col=6))
        add(PCell(3, 0, h["plan"], LABEL, last_row=4, bold=True))
        plan = list(rec.get("plan") or [])
        for k, (c0, c1) in enumerate(_spans(len(plan_periods), 1, 6)):
            add(PCell(3, c0, plan_periods[k], HEADER, last_col=c1))
            add(PCell(4, c0, plan[k] if k < len(plan) else None, MONEY, last_col=c1))
        add(PCell(5, 0, h["goal"], LABEL, bold=True))
        add(PCell(5, 1, _text(rec.get("goal")), TEXT, last_col=6))
        # indicators: 一级 二级 三级 描述(2 columns) 指标值 依据
        cols = [(0, 0), (1, 1), (2, 2), (3, 4), (5, 5), (6, 6)]
        top = 6
        for (c0, c1), f in zip(cols, ind):
            add(PCell(top, c0, f["header"], HEADER, last_col=c1))
        rows = list(rec.get("indicators") or [])
        r = top + 1
        while rows:
            level1 = rows[0].get("level1") or ""
            n = 1
            while n < len(rows) and (rows[n].get("level1") or "") == level1 and level1:
                n += 1
            add(PCell(r, 0, level1, TEXT, last_row=r + n - 1))
            for j in range(n):
                for (c0, c1), f in list(zip(cols, ind))[1:]:
                    add(PCell(r + j, c0, _text(rows[j].get(f["key"])), TEXT, last_col=c1))
            r += n
            rows = rows[n:]
        out.append(t)
    return out


def procurement_table(budget) -> PartTable:
    """部门政府采购预算: the two header rows, a 合计 row, the unit's 小计 row, then the lines."""
    prof = budget.profile
    part = prof.parts["procurement"]
    pr = part["print"]
    fields = part["fields"]
    lines = list(budget.supplement.get("procurement") or [])
    widths = [22 if f["key"] in ("project", "item") else 12 if f["type"] in ("money", "code") else 8
              for f in fields]
    t = PartTable("procurement", part["title"], pr["sheet"], widths, budget.label, f"单位：{prof.money_unit}",
                  header_rows=2, note=part.get("note", ""))
    grid = [SimpleNamespace(path=((f["group"],) if f.get("group") else ()) + (_header(f["header"], budget.year),))
            for f in fields]
    for hc in header_cells(SimpleNamespace(grid=grid, header_depth=max(len(g.path) for g in grid))):
        t.cells.append(PCell(hc.row, hc.col, hc.text, HEADER, hc.last_row, hc.last_col))
    summed = set(pr["sum_fields"])
    for r, label in ((2, pr["total_label"]), (3, fill(pr["subtotal_label"], budget))):
        for c, f in enumerate(fields):
            if c == 0:
                t.cells.append(PCell(r, 0, label, LABEL, bold=r == 2))
            elif f["key"] in summed:
                t.cells.append(PCell(r, c, procurement_sum(prof, lines, f["key"]), MONEY, bold=r == 2))
            else:
                t.cells.append(PCell(r, c, None, TEXT))
    for r, rec in enumerate(lines, start=4):
        for c, f in enumerate(fields):
            kind = {"money": MONEY, "number": NUMBER, "code": CODE}.get(f["type"], TEXT)
            v = procurement_value(prof, rec, f["key"]) if kind in (MONEY, NUMBER) else _text(rec.get(f["key"]))
            t.cells.append(PCell(r, c, v, kind))
    return t


def assets_table(budget) -> PartTable:
    """部门固定资产占用情况表: 截止时间, then 项目/数量/价值 rows (资产总额 computed when not given)."""
    prof = budget.profile
    part = prof.parts["assets"]
    pr = part["print"]
    assets = budget.supplement.get("assets") or {}
    as_of = assets.get("as_of") or ""
    t = PartTable("assets", part["title"], pr["sheet"], [34, 14, 22], budget.label,
                  f"{pr['as_of_label']}{as_of}" if as_of else "", header_rows=1)
    t.cells.append(PCell(0, 0, pr["label_header"], HEADER))
    for c, col in enumerate(part["columns"], start=1):
        t.cells.append(PCell(0, c, col["header"], HEADER))
    for r, row in enumerate(part["rows"], start=1):
        bold = bool(row.get("formula"))
        t.cells.append(PCell(r, 0, row["label"], LABEL, bold=bold, indent=2 if row.get("parent") else 0))
        for c, col in enumerate(part["columns"], start=1):
            kind = MONEY if col["type"] == "money" else NUMBER
            t.cells.append(PCell(r, c, asset_value(prof, assets, row["key"], col["key"]), kind, bold=bold))
    return t


def part_tables(budget, which: str) -> list[PartTable]:
    """The printed tables of one part (``projects`` gives one per project); none without a supplement."""
    if not budget.supplement:
        return []
    if which == "institutions":
        return [institutions_table(budget)]
    if which == "projects":
        return project_tables(budget)
    if which == "procurement":
        return [procurement_table(budget)]
    if which == "assets":
        return [assets_table(budget)]
    raise KeyError(which)


PART_ORDER = ("institutions", "projects", "procurement", "assets")


def all_part_tables(budget) -> list[PartTable]:
    """The printed tables of every supplementary part the profile declares."""
    return [t for key in PART_ORDER if key in budget.profile.parts for t in part_tables(budget, key)]


# ---------------------------------------------------------------------- display
def show_number(v) -> str:
    """A quantity as written (no trailing zeros); zero or None blank."""
    if v is None or v == 0:
        return ""
    s = f"{v:f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def show_money(v) -> str:
    """An amount as the publication prints it (1573.23); zero or None blank."""
    if v is None or v == 0:
        return ""
    return f"{v.quantize(Decimal('0.01')):f}"


def show(cell: PCell) -> str:
    if cell.kind == MONEY:
        return show_money(cell.value)
    if cell.kind == NUMBER:
        return show_number(cell.value)
    return _text(cell.value)

