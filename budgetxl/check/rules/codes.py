"""代码: classification codes against the loaded code list (the profile's, or the bureau's)."""

from __future__ import annotations

from ...labels import norm
from ..registry import Rule, register



def _rows(ctx):
    """Every code row of every coded table of the profile."""
    b = ctx.budget
    for t in ctx.profile.ordered:
        if not t.coded:
            continue
        for code in b.codes(t):
            yield t, code


@register
class C101(Rule):
    """科目编码不在代码表中（代码表过期，或编码填错）；没有填写科目名称时为错误（公开表会印出空白名称）。

    说明用的是哪一份代码表：财政局用 --codes 提供的，还是 budgetxl 自带的（手工整理、未经核对，不是官方
    代码表），以及代码表的年度与预算年度不同。填报模板中代码表没有的科目，可在科目名称格中直接填写名称。

    失败示例：2040299 不在 2024 年支出功能分类科目中，且没有填写名称。
    通过示例：2040220 执法办案。
    """
    code, title, severity, group = "C101", "科目编码不在代码表中", "warning", "代码"

    def check(self, ctx):
        year = ctx.budget.year
        for t, code in _rows(ctx):
            cl = ctx.codes[t.classification]
            if code in cl:
                continue
            named = ctx.budget.names.get((t.id, code))
            if not named and len(code) != t.leaf_length:
                continue  # a 类/款 above a listed code: reported at the code itself
            which = cl.describe(year) if hasattr(cl, "describe") else (getattr(cl, "edition", "") or "代码表")
            key = (t.id, code, t.columns[0].key)
            if named:
                yield ctx.finding(self, f"{t.name} 的科目编码 {code}（{named}）不在{which}中：请核对编码；确属代码表"
                                        "未收录的科目时，公开表照所填名称印出", key)
                continue
            loc = ctx.where(key)
            place = ""
            if loc.get("cell"):
                row = "".join(ch for ch in loc["cell"] if ch.isdigit())
                place = f"，或在 {loc['sheet']}!{_name_cell(int(row))} 填写科目名称"
            yield ctx.finding(self, f"{t.name} 的科目编码 {code} 不在{which}中，也没有填写科目名称：公开表这一行的"
                                    f"科目名称将是空白。请核对编码{place}", key, severity="error")


def _name_cell(row: int) -> str:
    """The name cell of a coded row in the entry workbook (the column after the code)."""
    from ...template.layout import a1

    return a1(row - 1, 2)


@register
class C102(Rule):
    """科目名称与代码表不一致。

    失败示例：2101103 写成“公务员医疗补贴”，代码表为“公务员医疗补助”。
    通过示例：2101103 公务员医疗补助。
    """
    code, title, severity, group = "C102", "科目名称与代码表不一致", "warning", "代码"

    def check(self, ctx):
        for t, code in _rows(ctx):
            written = ctx.budget.names.get((t.id, code))
            official = ctx.codes[t.classification].name(code)
            if written and official and norm(written) != norm(official):
                yield ctx.finding(self, f"{t.name} 科目 {code} 的名称为“{written}”，代码表中为“{official}”",
                                  (t.id, code, t.columns[0].key), expected=official, actual=written)


@register
class C103(Rule):
    """列出了项（款）却没有列出它所属的款（类）。

    适用于已公开的表格文本：每个项之上应列出其款和类的合计行。

    失败示例：列出 2040220 执法办案，却没有 20402 公安 一行。
    通过示例：204、20402、2040220 依次列出。
    """
    code, title, severity, group = "C103", "项没有列出所属的款", "error", "代码"

    def check(self, ctx):
        if ctx.kind != "text":
            return
        b = ctx.budget
        for t, code in _rows(ctx):
            if (t.id, code) in b.names:
                continue
            child = next((c for c in b.codes(t) if c.startswith(code) and len(c) > len(code) and (t.id, c) in b.names),
                         None)
            if child:
                yield ctx.finding(self, f"{t.name} 列出了 {child}，却没有列出其所属的 {code} 一行",
                                  (t.id, child, t.columns[0].key), row=code)
