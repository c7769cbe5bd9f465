"""Rounding tails of printed figures (尾差, T101): see :class:`T101`.

A published document prints every figure rounded to its printed precision (whole 元, two decimals
of 万元 …), each figure rounded on its own. A printed total and its printed parts then differ by
up to half a unit of each figure's last printed digit, added up: for ``total = Σ parts`` with n
parts, ``|printed total − Σ printed parts| ≤ ½·q_total + Σ ½·q_part`` (= ½·q·(n + 1) when every
figure prints to the same unit q). A difference within that bound is what independent rounding
explains, not a mistake. The bound is taken over the identity's expansion into printed figures
(each with the weight it has in the identity), from each figure's own printed precision; a figure
the document did not print (blank, "-") counts as exact.
"""

from __future__ import annotations

from decimal import Decimal

from ...findings import Finding
from ...money import fmt
from ..cause import Linear, folded_names
from ..registry import Rule, register

_HALF = Decimal("0.5")


def tail_bound(ctx, form: dict) -> tuple[Decimal, int] | None:
    """(the largest difference rounding explains, how many printed figures the identity adds up) for
    an identity's linear form, or None when a figure of it has no printed precision."""
    bound, n = Decimal(0), 0
    for (kind, key), coef in form.items():
        q = ctx.quanta.get(key)
        if q is None:
            if key in ctx.budget.inputs or key in ctx.budget.given:
                return None  # a figure whose precision is unknown: no allowance
            continue  # not printed (blank, "-"): an exact zero
        bound += abs(coef) * _HALF * q
        n += 1
    return bound, n


def _residual(lin: Linear, form: dict) -> Decimal:
    return sum((c * lin.value(v) for v, c in form.items()), Decimal(0))


@register
class T101(Rule):
    """尾差：公开文本中印出的合计与其各组成数之和相差很小，按各数印刷精度独立舍入即可解释，是提示而不是错误。

    公开文本中的每个数都按其印刷精度（整元、两位小数的万元……）各自四舍五入，合计与各项之和因此可能差
    几个末位单位：n 个组成数与合计的舍入误差合计最多为 ½ × 末位单位 ×（n + 1）（各数精度不同时逐个相加）。
    差额在此范围内的不符（H101、H102、X107 等）报一条提示“尾差”，说明原因和舍位平衡的做法，同一尾差
    引起的其他不符折叠在其下；超出范围的仍按错误报告。填报模板和 facts CSV 中的数是精确输入，不适用本条，
    照常按精确值审核。

    失败示例：一份以整元印刷的文本中，科目 21201 合计印为 94,995,790 元，其下 4 项印出的数相加为
    94,995,789 元，相差 1 元，而 5 个整元数的舍入误差合计可达 2.5 元：报一条 T101 提示（尾差），
    同一尾差在其他表引起的不符折叠在其下，不报 H101/H102 错误。
    通过示例：合计与各项之和相差 100 元，超出舍入能解释的范围：照常报 H101 错误。
    """
    code, title, severity, group = "T101", "尾差（印刷数字独立舍入所致）", "info", "表内"
    needs = ("findings",)  # runs over the other rules' findings, before X100

    def check(self, ctx):
        return iter(())  # no finding of its own from the budget: see fold()

    def fold(self, ctx, findings: list[Finding]) -> list[Finding]:
        if ctx.kind != "document" or not ctx.quanta:
            return findings  # exact inputs (workbook, facts CSV): the exact rules stand
        lin = Linear(ctx.budget)
        tails: list[tuple[Finding, dict, Decimal, Decimal, int]] = []
        rest: list[Finding] = []
        for f in findings:
            got = self._tail(ctx, lin, f)
            if got is None:
                rest.append(f)
            else:
                tails.append((f, *got))
        return rest + [self._headline(ctx, group) for group in _groups(tails)]

    @staticmethod
    def _tail(ctx, lin: Linear, f: Finding):
        if f.identity is None or f.severity == "info" or f.identity.tolerance:
            return None  # (a text's amount has its own tolerance, from the text's precision)
        try:
            form = lin.form(f.identity)
        except (KeyError, AttributeError, ValueError):
            return None
        got = tail_bound(ctx, form)
        if got is None:
            return None
        bound, n = got
        r = _residual(lin, form)
        if f.identity.relation != "eq":
            r = min(r, Decimal(0))  # left ≥ right: only a shortfall is a difference
        if r == 0 or abs(r) > bound:
            return None
        return form, r, bound, n

    def _headline(self, ctx, group) -> Finding:
        number = {t.name: t.number for t in ctx.profile.tables.values()}

        def order(g: Finding):
            return (number.get(g.table or "", 10 ** 6), g.sheet or "", g.cell or "", g.code)

        group.sort(key=lambda g: (len(g[1]), order(g[0])))  # the most local identity first
        f, _, r, bound, n = group[0]
        loc = {k: getattr(f, k) for k in ("table", "sheet", "cell", "row", "column")}
        quantum = _common_quantum(ctx, group[0][1])
        rule = (f"各数按印刷精度（末位 {fmt(quantum)}）独立四舍五入，{n - 1} 个组成数与合计的舍入误差合计最多 "
                f"½ × {fmt(quantum)} × {n} = {fmt(bound)}" if quantum is not None else
                f"各数按各自的印刷精度独立四舍五入，{n} 个数的舍入误差合计最多 {fmt(bound)}")
        msg = (f"尾差：{f.message}。相差 {fmt(abs(r))}，{rule}，这一差额可由舍入解释，不是填报错误；"
               f"如需印出的数自身平衡，可按舍位平衡把 {fmt(abs(r))} 调整到其中一个组成数上（通常是金额最大的一项），"
               f"使合计等于各项之和")
        if len(group) > 1:
            msg += f"；同一尾差引起的：{folded_names(g[0] for g in group)}"
        head = Finding(self.code, self.severity, msg, file=ctx.file, unit=ctx.budget.unit_code,
                       expected=f.expected, actual=f.actual, difference=abs(r), tolerance=bound, **loc)
        head.key = f.key
        for g in group:
            g[0].severity = "info"  # explained by rounding: not an error of the document
        head.fold(sorted((g[0] for g in group), key=order))
        return head


def _common_quantum(ctx, form: dict) -> Decimal | None:
    qs = {ctx.quanta[key] for (_, key) in form if key in ctx.quanta}
    return qs.pop() if len(qs) == 1 else None


def _groups(tails: list) -> list[list]:
    """Tails of one cause: sharing a printed figure, or the same row's figure printed in several
    tables with the same difference (one amount rounded the same way wherever it is printed)."""
    parent = list(range(len(tails)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict = {}
    for i, (f, form, r, _, _) in enumerate(tails):
        marks = [("var", v) for v in form]
        if f.key is not None:
            marks.append(("row", f.key[1], abs(r)))
        for m in marks:
            if m in seen:
                parent[find(i)] = find(seen[m])
            else:
                seen[m] = i
    out: dict[int, list] = {}
    for i, t in enumerate(tails):
        out.setdefault(find(i), []).append(t)
    return list(out.values())
