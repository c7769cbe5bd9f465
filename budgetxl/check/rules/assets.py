"""资产: the 部门固定资产占用情况表 of the supplement — 资产总额 against its categories (A101) and
the 其中 lines against their parent line (A102). Blank amounts count as zero.

In an entry workbook 资产总额 is a formula, so A101 only checks a total that is given (TOML, facts).
"""

from __future__ import annotations

import re

from ...money import ZERO, fmt
from ..registry import Rule, register
from .projects import amount

PART = "assets"


def _rows(ctx) -> list[dict]:
    return list(ctx.profile.parts[PART].get("rows", []))


def _columns(ctx) -> list[dict]:
    return list(ctx.profile.parts[PART].get("columns", []))


def _values(ctx) -> dict:
    return (ctx.supplement.get(PART) or {}).get("values") or {}


def _where(ctx, row: dict, col: dict) -> dict:
    loc = {"table": ctx.profile.parts[PART].get("title", PART), "row": row["label"], "column": col["header"]}
    pos = ctx.positions.get((PART, row["key"], col["key"]))
    if pos:
        loc["sheet"], loc["cell"] = pos
    return loc


def _short(label: str) -> str:
    """A row label or column header without its trailing unit note: 1、房屋（平方米） -> 1、房屋."""
    return re.sub(r"[（(][^（(]*[)）]$", "", label).strip() or label


def _num(v) -> str:
    s = f"{v:f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


@register
class A101(Rule):
    """固定资产占用情况表的资产总额不等于各类资产之和（价值栏）。

    资产总额 = 1、房屋 + 2、车辆 + 3、单价在20万元以上的设备 + 4、其他固定资产（“其中：办公用房”
    已含在房屋中，不再相加）。填报模板中资产总额是公式，只核对给出的资产总额。

    失败示例：资产总额 2156.29，而 786.00 + 196.79 + 0.00 + 1172.60 = 2155.39。
    通过示例：资产总额 2156.29 = 786.90 + 196.79 + 0.00 + 1172.60。
    """
    parts = ("assets",)
    code, title, severity, group = "A101", "资产总额与各类资产之和不符", "error", "资产"

    def check(self, ctx):
        values = _values(ctx)
        for row in _rows(ctx):
            formula = row.get("formula")
            if not formula:
                continue
            parts = re.findall(r"(\w+)\.\*", formula)
            labels = {r["key"]: _short(r["label"]) for r in _rows(ctx)}
            for col in _columns(ctx):
                if col.get("type") != "money":
                    continue  # quantities are in different units (平方米, 辆, 台): no sum
                given = (values.get(row["key"]) or {}).get(col["key"])
                if given is None:
                    continue
                items = [amount((values.get(k) or {}).get(col["key"])) for k in parts]
                computed = sum(items, ZERO)
                if given != computed:
                    terms = " + ".join(f"{labels.get(k, k)} {fmt(v)}" for k, v in zip(parts, items))
                    yield ctx.finding(self, f"{_short(row['label'])}（{_short(col['header'])}）{fmt(given)}，各类资产之和 {terms} = "
                                            f"{fmt(computed)}，相差 {fmt(given - computed)}",
                                      expected=computed, actual=given, **_where(ctx, row, col))


@register
class A102(Rule):
    """“其中”行超过其所属的行：办公用房超过房屋（面积或价值）。

    失败示例：房屋 5034 平方米、786.90 万元，其中办公用房 5034 平方米、900.00 万元。
    通过示例：房屋 5034 平方米、786.90 万元，其中办公用房 5034 平方米、786.90 万元。
    """
    parts = ("assets",)
    code, title, severity, group = "A102", "其中项超过所属项", "error", "资产"

    def check(self, ctx):
        values = _values(ctx)
        rows = {r["key"]: r for r in _rows(ctx)}
        for row in rows.values():
            parent = rows.get(row.get("parent") or "")
            if parent is None:
                continue
            for col in _columns(ctx):
                part = (values.get(row["key"]) or {}).get(col["key"])
                whole = amount((values.get(parent["key"]) or {}).get(col["key"]))
                if part is None or part <= whole:
                    continue
                show = fmt if col.get("type") == "money" else _num
                what = _short(col["header"])
                yield ctx.finding(self, f"{_short(row['label'])}的{what} {show(part)} 超过{_short(parent['label'])}的{what} "
                                        f"{show(whole)}，多 {show(part - whole)}",
                                  expected=whole, actual=part, **_where(ctx, row, col))
