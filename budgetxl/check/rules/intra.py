"""表内: totals, subtotals and row identities within a table, and the balances of 收支总表 and
财政拨款收支总表. Derived cells are recomputed from the inputs; a printed or supplied value that
differs is a finding at that cell."""

from __future__ import annotations

from decimal import Decimal

from ...money import fmt
from ...spec import TOTAL, TOTAL_LABEL
from ..cause import identity
from ..registry import Rule, register
from ..hints import slip_hint


def _given_mismatches(ctx, category):
    b = ctx.budget
    for key, given, computed in sorted(b.mismatches()):
        t = ctx.profile.tables[key[0]]
        if _category(t, key) == category:
            yield key, given, computed


def _basis(ctx, key) -> str:
    """Said of a derived cell checked against the figures printed beside it (what it is computed
    from is in tables the document does not print)."""
    return "（按本表印出的各数核对；其所依据的表文件中没有）" if ctx.budget.on_printed_basis(key) else ""


def _category(t, key) -> str:
    if not t.coded:
        return "fixed"
    if t.column(key[2]).formula:
        return "row"
    return "hierarchy"


@register
class H101(Rule):
    """类、款合计与其下明细之和不符（每一栏）。

    失败示例：支出总表 204 公共安全支出 基本支出 735.75，而其下 20402 公安为 735.57。
    通过示例：每个类等于其款之和，每个款等于其项之和，合计等于各类之和。
    """
    code, title, severity, group = "H101", "类、款合计与明细之和不符", "error", "表内"

    def check(self, ctx):
        typed = ctx.budget.typed_given
        for key, given, computed in _given_mismatches(ctx, "hierarchy"):
            if ctx.kind == "workbook" and key not in typed:
                continue  # in a workbook these cells are formulas: a difference is I05/I06
            what = TOTAL_LABEL if key[1] == TOTAL else f"科目 {key[1]}"
            yield ctx.finding(self, f"{ctx.describe(key)}：{what}应等于其下明细之和 {fmt(computed)}，实为 {fmt(given)}"
                                    f"{slip_hint(computed, given, ctx.profile)}{_basis(ctx, key)}",
                              key, expected=computed, actual=given, identity=identity(("given", key), key))


@register
class H102(Rule):
    """一行中的合计（小计）与各栏之和不符。

    失败示例：收入总表 合计 1573.23，而 小计 1573.23 + 上年结转 10.00 = 1583.23。
    通过示例：合计 = 小计 + 上年结转；小计 = 各收入来源之和；支出总表 合计 = 五栏之和。
    """
    code, title, severity, group = "H102", "行内合计与各栏之和不符", "error", "表内"

    def check(self, ctx):
        if ctx.kind == "workbook":
            return
        for key, given, computed in _given_mismatches(ctx, "row"):
            t = ctx.profile.tables[key[0]]
            yield ctx.finding(self, f"{ctx.describe(key)} 应为 {fmt(computed)}（{t.column(key[2]).formula}），实为 {fmt(given)}"
                                    f"{slip_hint(computed, given, ctx.profile)}{_basis(ctx, key)}",
                              key, expected=computed, actual=given, identity=identity(("given", key), key))


@register
class H103(Rule):
    """收支总表、财政拨款收支总表、“三公”经费表中由其他数推算的数不符。

    失败示例：收支总表“四、公共安全支出”填 1200.00，而支出总表 204 合计为 1267.85。
    通过示例：收支总表各类支出等于支出总表对应类的合计，本年收入合计等于各项收入之和。
    """
    code, title, severity, group = "H103", "推算数不符", "error", "表内"

    def check(self, ctx):
        if ctx.kind == "workbook":
            return
        from ...facts import describe_formula

        for key, given, computed in _given_mismatches(ctx, "fixed"):
            node = ctx.budget.formula(key)
            yield ctx.finding(self, f"{ctx.describe(key)} 应为 {fmt(computed)}（= {describe_formula(ctx.profile, node)}），"
                                    f"实为 {fmt(given)}{slip_hint(computed, given, ctx.profile)}{_basis(ctx, key)}", key, expected=computed, actual=given,
                              identity=identity(("given", key), key))


@register
class H104(Rule):
    """收支总表、财政拨款收支总表收支不平衡。

    失败示例：收支总表 收入总计 1573.23，支出总计 1600.00。
    通过示例：收入总计 = 支出总计；财政拨款各类资金收入（含年初结转）= 支出（含年末结转）。
    """
    code, title, severity, group = "H104", "收支不平衡", "error", "表内"

    def check(self, ctx):
        for t in ctx.profile.ordered:
            for bal in t.balances:
                left, right = ctx.budget.evaluate(bal.left), ctx.budget.evaluate(bal.right)
                if left.is_nan() or right.is_nan():  # computed from tables not printed: the printed sides,
                    # out of balance both as printed and as recomputed from their printed parts (a wrong
                    # printed total or part is H103's, once)
                    b = ctx.budget
                    near = b.evaluate_printed(bal.left), b.evaluate_printed(bal.right)
                    deep = b.evaluate_printed(bal.left, deep=True), b.evaluate_printed(bal.right, deep=True)
                    left, right = near if deep[0] != deep[1] else deep
                if left != right:
                    key = (t.id, bal.right.row, bal.right.col) if hasattr(bal.right, "row") else None
                    yield ctx.finding(self, f"{t.name}：{bal.title}：收入方 {fmt(left)}，支出方 {fmt(right)}，"
                                            f"相差 {fmt(right - left)}", key, expected=left, actual=right,
                                      identity=identity(bal.left, bal.right))


@register
class H105(Rule):
    """基本支出表中经济分类与人员经费、公用经费栏不对应。

    301 工资福利支出、303 对个人和家庭的补助属于人员经费；302 商品和服务支出、310 资本性支出等属于公用经费。

    失败示例：30201 办公费 填在“人员经费”栏。
    通过示例：30201 办公费 3.30 填在“公用经费”栏。
    """
    code, title, severity, group = "H105", "人员经费与公用经费归类不符", "warning", "表内"
    roles = ("tables.basic_economic", "columns.personnel", "columns.public", "economic.personnel")

    def check(self, ctx):
        t = ctx.table_role("basic_economic")
        b, roles = ctx.budget, ctx.profile.roles
        classes = roles.classes("personnel")
        cols = {role: roles.column(t.id, role) for role in ("personnel", "public")}
        for code in b.leaf_codes(t):
            personnel = code[:3] in classes
            wrong_col = cols["public" if personnel else "personnel"]
            v = b.value(t, code, wrong_col)
            if v != 0:
                key = (t.id, code, wrong_col)
                right = t.column(cols["personnel" if personnel else "public"]).header
                yield ctx.finding(self, f"{t.name} {code} {b.row_name(t.id, code)} 的 {fmt(v)} {t.money_unit}填在了"
                                        f"“{t.column(wrong_col).header}”栏，应属于{right}", key,
                                  expected=Decimal("0.00"), actual=v)
