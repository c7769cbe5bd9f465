"""采购: the 部门政府采购预算 of the supplement — each line's 合计 against its fund columns (G101),
quantity × unit price (G102), the share reserved for small and medium enterprises (G103), and the
lines' projects against the 项目绩效目标表 (G104, G105).

In an entry workbook a line's 合计 is a formula, so it is recomputed from the fund columns; in a
TOML or facts supplement it is given, and G101 compares the two. Blank amounts count as zero.
"""

from __future__ import annotations

from decimal import Decimal

from ...money import ZERO, fmt
from ...spec import TOTAL_LABEL
from ...supplement import procurement_fund_keys, procurement_funds, procurement_total
from ..registry import Rule, register
from .projects import amount, headers, norm_name, part_where, projects

PART = "procurement"
HALF_CENT = Decimal("0.005")


def lines(ctx) -> list[dict]:
    return list(ctx.supplement.get(PART) or [])


def line_label(i: int, rec: dict) -> str:
    item = (rec.get("item") or "").strip()
    return f"政府采购第{i + 1}行“{item}”" if item else f"政府采购第{i + 1}行"


def _row(i: int, rec: dict) -> str:
    item = (rec.get("item") or "").strip()
    return f"第{i + 1}行 {item}".strip()


def _num(v: Decimal) -> str:
    """A quantity as written, without trailing zeros."""
    s = f"{v:f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _amt(v: Decimal) -> str:
    """An amount with at least two decimals, more when it has them (a product, a tolerance)."""
    s = f"{v:f}"
    if "." in s:
        whole, frac = s.split(".")
        frac = frac.rstrip("0")
        return f"{whole}.{frac.ljust(2, '0')}"
    return f"{s}.00"


@register
class G101(Rule):
    """政府采购一行的合计与各资金来源之和不符。

    合计 = 一般公共预算拨款 + 基金预算拨款 + 国有资本经营预算拨款 + 财政专户核拨 + 单位资金 +
    上年结转结余（空白按 0 计）。填报模板中合计是公式，只核对补充资料（TOML、事实表）中给出的合计。

    失败示例：合计 13.00，一般公共预算拨款 12.00，其余来源空白。
    通过示例：合计 12.00，一般公共预算拨款 6.00，单位资金 6.00。
    """
    parts = ("procurement",)
    code, title, severity, group = "G101", "政府采购合计与资金来源之和不符", "error", "采购"

    def check(self, ctx):
        h = headers(ctx, PART)
        for i, rec in enumerate(lines(ctx)):
            if "total" not in rec:
                continue  # a workbook: 合计 is a formula over the fund columns
            given, computed = amount(rec.get("total")), procurement_funds(ctx.profile, rec)
            if given != computed:
                parts = " + ".join(f"{h.get(k, k)} {fmt(rec[k])}" for k in procurement_fund_keys(ctx.profile)
                                   if rec.get(k) is not None)
                loc = part_where(ctx, PART, i, "total", row=_row(i, rec), column=h.get("total", TOTAL_LABEL))
                shown = fmt(given) if rec.get("total") is not None else "空白"
                yield ctx.finding(self, f"{line_label(i, rec)}：合计 {shown}，各资金来源之和 "
                                        f"{parts or '0.00'} = {fmt(computed)}，相差 {fmt(given - computed)}",
                                  expected=computed, actual=given, **loc)


@register
class G102(Rule):
    """政府采购一行的数量 × 单价与合计不符（超出单价四舍五入的误差）。

    单价印到 0.01 万元，最多差半分：允许误差 = 数量 × 0.005 + 0.005 万元，结果中给出所用误差。

    失败示例：数量 13，单价 1.00，合计 12.00（13.00 与 12.00 相差 1.00，允许误差 0.070）。
    通过示例：数量 10，单价 14.50，合计 144.96（相差 0.04，允许误差 0.055）。
    """
    parts = ("procurement",)
    code, title, severity, group = "G102", "数量乘单价与合计不符", "warning", "采购"

    def check(self, ctx):
        h = headers(ctx, PART)
        for i, rec in enumerate(lines(ctx)):
            qty, price = rec.get("quantity"), rec.get("unit_price")
            if qty is None or price is None or qty == 0:
                continue
            total = procurement_total(ctx.profile, rec)
            product = qty * price
            tolerance = abs(qty) * HALF_CENT + HALF_CENT
            diff = total - product
            if abs(diff) > tolerance:
                loc = part_where(ctx, PART, i, "unit_price", row=_row(i, rec), column=h.get("unit_price", "单价"))
                yield ctx.finding(self, f"{line_label(i, rec)}：数量 {_num(qty)} × 单价 {fmt(price)} = {_amt(product)}，"
                                        f"合计 {fmt(total)}，两者相差 {_amt(abs(diff))}，超出单价四舍五入的允许误差 "
                                        f"±{_amt(tolerance)}",
                                  expected=product, actual=total, difference=diff, tolerance=tolerance, **loc)


@register
class G103(Rule):
    """预留中小企业份额超过政府采购合计（逐行及全部合计）。

    失败示例：合计 12.00，预留中小微企业份额 13.00。
    通过示例：合计 12.00，预留中小微企业份额 12.00 或空白。
    """
    parts = ("procurement",)
    code, title, severity, group = "G103", "预留中小企业份额超过采购合计", "error", "采购"

    def check(self, ctx):
        h = headers(ctx, PART)
        col = h.get("sme_reserved", "预留中小微企业份额")
        recs = lines(ctx)
        sme_sum, total_sum = ZERO, ZERO
        for i, rec in enumerate(recs):
            sme, total = amount(rec.get("sme_reserved")), procurement_total(ctx.profile, rec)
            sme_sum, total_sum = sme_sum + sme, total_sum + total
            if sme > total:
                loc = part_where(ctx, PART, i, "sme_reserved", row=_row(i, rec), column=col)
                yield ctx.finding(self, f"{line_label(i, rec)}：{col} {fmt(sme)} 超过合计 {fmt(total)}，"
                                        f"多 {fmt(sme - total)}", expected=total, actual=sme, **loc)
        if sme_sum > total_sum:
            loc = {"table": ctx.profile.parts[PART].get("title", PART), "row": TOTAL_LABEL, "column": col}
            yield ctx.finding(self, f"政府采购全部合计：{col} {fmt(sme_sum)} 超过采购合计 {fmt(total_sum)}，"
                                    f"多 {fmt(sme_sum - total_sum)}", expected=total_sum, actual=sme_sum, **loc)


def project_budgets(ctx) -> dict[str, tuple[int, dict]]:
    """Normalised project name -> (index, record) from the 项目绩效目标表 (first of a name wins)."""
    out: dict[str, tuple[int, dict]] = {}
    for i, rec in enumerate(projects(ctx) or []):
        name = norm_name(rec.get("name"))
        if name and name not in out:
            out[name] = (i, rec)
    return out


@register
class G104(Rule):
    """一个项目的政府采购金额超过该项目的预算数。

    按“项目名称”汇总采购行的合计，与项目绩效目标表中同名项目的预算数比较；项目不在项目表中时，
    用采购表中该项目的“预算资金”。

    失败示例：“交警办案业务和业务装备项目”预算数 40.00，采购 1.88 + 44.28 + 0.62 = 46.78。
    通过示例：“交警办案业务和业务装备项目”预算数 50.00，采购合计 46.78。
    """
    parts = ("procurement",)
    code, title, severity, group = "G104", "项目采购金额超过项目预算", "error", "采购"

    def check(self, ctx):
        table = project_budgets(ctx)
        groups: dict[str, list[int]] = {}
        recs = lines(ctx)
        for i, rec in enumerate(recs):
            name = norm_name(rec.get("project"))
            if name:
                groups.setdefault(name, []).append(i)
        for name, idx in groups.items():
            first = recs[idx[0]]
            shown = (first.get("project") or "").strip()
            if name in table:
                budget, source = amount(table[name][1].get("budget")), "项目绩效目标表的预算数"
            else:
                given = next((recs[i]["project_budget"] for i in idx if recs[i].get("project_budget") is not None), None)
                if given is None:
                    continue
                budget, source = given, "采购表中的预算资金"
            totals = [procurement_total(ctx.profile, recs[i]) for i in idx]
            bought = sum(totals, ZERO)
            if bought > budget:
                h = headers(ctx, PART)
                loc = part_where(ctx, PART, idx[0], "project", row=_row(idx[0], first), column=h.get("project", "项目名称"))
                parts = " + ".join(fmt(t) for t in totals)
                yield ctx.finding(self, f"项目“{shown}”的政府采购 {parts} = {fmt(bought)}，超过{source} {fmt(budget)}，"
                                        f"多 {fmt(bought - budget)}", expected=budget, actual=bought, **loc)


@register
class G105(Rule):
    """政府采购的项目来源与项目绩效目标表不一致：预算资金不等于项目预算数，或项目不在项目表中。

    没有任何项目绩效目标表时无从核对，不提示。

    失败示例：采购行项目“交警专项公用项目经费”预算资金 480.00，而项目表中该项目预算数 482.10。
    通过示例：采购行项目名称与预算资金都与项目绩效目标表一致（482.10）。
    """
    parts = ("procurement",)
    code, title, severity, group = "G105", "采购项目来源与项目表不一致", "warning", "采购"

    def check(self, ctx):
        table = project_budgets(ctx)
        if not table:
            return
        h = headers(ctx, PART)
        unknown: dict[str, list[int]] = {}
        for i, rec in enumerate(lines(ctx)):
            name = norm_name(rec.get("project"))
            if not name:
                continue
            if name not in table:
                unknown.setdefault(name, []).append(i)
                continue
            given = rec.get("project_budget")
            budget = amount(table[name][1].get("budget"))
            if given is not None and given != budget:
                loc = part_where(ctx, PART, i, "project_budget", row=_row(i, rec), column=h.get("project_budget", "预算资金"))
                yield ctx.finding(self, f"{line_label(i, rec)}：项目“{rec['project'].strip()}”的预算资金 {fmt(given)}，"
                                        f"项目绩效目标表中该项目预算数 {fmt(budget)}，相差 {fmt(given - budget)}",
                                  expected=budget, actual=given, **loc)
        recs = lines(ctx)
        for name, idx in unknown.items():
            shown = (recs[idx[0]].get("project") or "").strip()
            rows = "、".join(str(i + 1) for i in idx)
            loc = part_where(ctx, PART, idx[0], "project", row=_row(idx[0], recs[idx[0]]), column=h.get("project", "项目名称"))
            yield ctx.finding(self, f"政府采购第{rows}行的项目“{shown}”不在项目绩效目标表中（名称不一致或缺少该项目的绩效目标表）",
                              **loc)
