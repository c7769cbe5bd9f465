"""表间: agreement between tables — the aggregate checks declared in the profile (X1xx, also shown
live in the entry template), code-by-code comparisons (X2xx) and the function ↔ economic
classification pairs of basic spending (X301)."""

from __future__ import annotations

from ... import expr
from ...money import ZERO, fmt
from ..cause import identity
from ..hints import slip_hint
from ..registry import Rule, register


def _codes(b, t):
    return set(b.codes(t))


@register
class X201(Rule):
    """收入总表与支出总表按科目逐一不符（上年结转资金也在内）。

    收入按科目安排，支出按同一科目列支；单位有年终结转结余时，差额可能是结转，只作警告。

    失败示例：收入总表 2040220 合计 532.10，支出总表 2040220 合计 500.00，且没有年终结转结余。
    通过示例：每个科目的收入合计等于支出合计。
    """
    code, title, severity, group = "X201", "收入总表与支出总表按科目不符", "error", "表间"
    roles = ("tables.income", "tables.expenditure", "columns.total", "figures.closing_balance")

    def check(self, ctx):
        b, roles = ctx.budget, ctx.profile.roles
        t2, t3 = ctx.table_role("income"), ctx.table_role("expenditure")
        c2, c3 = roles.column(t2.id, "total"), roles.column(t3.id, "total")
        carry_out = ctx.figure("closing_balance")
        severity = "warning" if carry_out else "error"
        for code in sorted(_codes(b, t2) | _codes(b, t3)):
            income, spend = b.value(t2, code, c2), b.value(t3, code, c3)
            if income != spend:
                note = "（单位有年终结转结余，请核对差额是否为结转）" if carry_out else ""
                yield ctx.finding(self, f"科目 {code} {b.row_name(t3.id, code) or b.row_name(t2.id, code)}：收入总表合计 "
                                        f"{fmt(income)}，支出总表合计 {fmt(spend)}，相差 {fmt(spend - income)}"
                                        f"{slip_hint(income, spend, ctx.profile)}{note}",
                                  (t3.id, code, c3) if code in _codes(b, t3) else (t2.id, code, c2),
                                  expected=income, actual=spend, severity=severity,
                                  identity=identity((t2.id, code, c2), (t3.id, code, c3)))


@register
class X202(Rule):
    """财政拨款支出表的数超过支出总表同一科目同一栏（财政拨款支出是全部支出的一部分）。

    失败示例：一般公共预算财政拨款支出表 2101102 基本支出 40.00，支出总表 2101102 基本支出 39.87。
    通过示例：一般公共预算、政府性基金、国有资本经营预算拨款三表之和不超过支出总表（逐科目、逐栏）。
    """
    code, title, severity, group = "X202", "财政拨款支出超过支出总表", "error", "表间"
    roles = ("tables.expenditure", "tables.fiscal_expenditure", "columns.basic", "columns.project", "columns.total")
    COLUMNS = ("basic", "project", "total")  # column roles compared

    def check(self, ctx):
        b, roles = ctx.budget, ctx.profile.roles
        t3 = ctx.table_role("expenditure")
        fiscal = ctx.tables_role("fiscal_expenditure")
        present = [(t, _codes(b, t)) for t in fiscal]
        codes = set().union(*(c for _, c in present))
        t3_codes = _codes(b, t3)
        for code in sorted(codes):
            having = [t for t, c in present if code in c]
            for role in self.COLUMNS:
                col = roles.column(t3.id, role)
                cells = [(t.id, code, roles.column(t.id, role)) for t in having]
                part = sum((b.value(*k) for k in cells), ZERO)
                if not part:
                    continue
                whole = b.code_value(t3, code, col)
                if part > whole:
                    where = next(k for k in cells if b.value(*k) != 0)
                    header = t3.column(col).header
                    yield ctx.finding(self, f"科目 {code} {b.row_name(t3.id, code)}“{header}”：财政拨款 {fmt(part)} "
                                            f"超过支出总表的 {fmt(whole)}，多 {fmt(part - whole)}",
                                      where, expected=whole, actual=part,
                                      identity=identity([(t3.id, code, col)] if code in t3_codes else [], cells, "ge"))


@register
class X203(Rule):
    """支出科目的“类”不在收支总表的 31 类中，无法列入收支总表。

    失败示例：支出总表中有 299 开头的科目。
    通过示例：所有支出科目都属于收支总表列出的类。
    """
    code, title, severity, group = "X203", "科目无法归入收支总表的类", "error", "表间"
    roles = ("tables.summary", "tables.expenditure", "tables.fiscal_expenditure", "columns.total")

    def check(self, ctx):
        classes = {c["code"] for c in ctx.profile.classes if c["code"]}
        b, roles = ctx.budget, ctx.profile.roles
        summary = ctx.table_role("summary").name
        for t in [ctx.table_role("expenditure"), *ctx.tables_role("fiscal_expenditure")]:
            col = roles.column(t.id, "total")
            for code in b.codes(t):
                v = b.value(t, code, col)
                if len(code) == 3 and code not in classes and v != 0:
                    yield ctx.finding(self, f"{t.name} 的科目 {code} 不属于{summary}列出的任何一类，其金额 "
                                            f"{fmt(v)} 没有计入{summary}", (t.id, code, col))


@register
class X301(Rule):
    """基本支出的功能分类与经济分类应成对一致：养老保险、职业年金、医疗保险、公务员医疗补助、其他社保、住房公积金。

    2080505↔30108，2080506↔30109，2101101/2101102↔30110，2101103↔30111，20827xx↔30112，2210201↔30113
    （一般公共预算财政拨款支出表的基本支出对基本支出表）。差额像数字颠倒或元/万元混用时给出提示。

    失败示例：2101103 公务员医疗补助 12.46，而 30111 公务员医疗补助缴费 12.64（数字颠倒）。
    通过示例：2210201 住房公积金 61.82，30113 住房公积金 61.82。
    """
    code, title, severity, group = "X301", "功能分类与经济分类不对应", "warning", "表间"
    roles = ("tables.gpb_expenditure", "tables.basic_economic", "columns.basic", "columns.total", "pairs")

    def check(self, ctx):
        b, roles = ctx.budget, ctx.profile.roles
        t5, t6 = ctx.table_role("gpb_expenditure"), ctx.table_role("basic_economic")
        basic, total = roles.column(t5.id, "basic"), roles.column(t6.id, "total")
        for pair in roles.pairs:
            funcs, econ, label = pair.functions, pair.economic, pair.name
            f_val = sum((b.leaves(t5.id, f, basic) for f in funcs), ZERO)
            e_val = b.code_value(t6, econ, total)
            if f_val == e_val:
                continue
            hint = slip_hint(f_val, e_val, ctx.profile)
            fcodes = "、".join(f + ("xx" if len(f) == 5 else "") for f in funcs)
            f_cells = [ctx.where((t5.id, f, basic)).get("cell") for f in funcs if f in b.codes(t5)]
            also = f"（见{t5.name} {'、'.join(c for c in f_cells if c)}）" if any(f_cells) else ""
            yield ctx.finding(self, f"{label}：功能分类 {fcodes} {t5.column(basic).header} {fmt(f_val)}{also}，经济分类 {econ} "
                                    f"{fmt(e_val)}，相差 {fmt(e_val - f_val)}{hint}",
                              (t6.id, econ, total) if econ in b.codes(t6) else (t5.id, funcs[0], basic),
                              expected=f_val, actual=e_val,
                              identity=identity([(t6.id, econ, total)] if econ in b.codes(t6) else [],
                                                [expr.Leaves(t5.id, f, basic) for f in funcs]))
