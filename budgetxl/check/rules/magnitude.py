"""年度/表内: the whole workbook in the wrong money unit (元 where the profile's unit is 万元, or the
other way round). Every identity holds in such a workbook, so only figures from outside it tell:
last year's totals, and the amounts the unit's own text states."""

from __future__ import annotations

from decimal import Decimal

from ...money import fmt
from ..narrative_facts import previous_value, sections, table_values
from ..registry import Rule, register
from ..hints import unit_slips

# a ratio this close to a unit factor (this year against last year) is a unit slip, not growth
_NEAR = Decimal(2)


def _near(ratio: Decimal, factor: Decimal) -> bool:
    return factor / _NEAR <= ratio <= factor * _NEAR


@register
class U101(Rule):
    """整个工作簿的金额单位疑似填错：本年数约为上年数或文字所写金额的 1 万倍（按“元”填了“万元”的表），
    或约为其万分之一。

    表内、表间校验在这种工作簿里全部一致，只有表外的数能看出来：上年数（--previous 或补充资料的上年数）
    和情况说明中单位自己写的金额。表样的金额单位取自表样定义（money_unit）。

    失败示例：上年收支总计 1587.23 万元，本年收支总计 15732300.00（按元填写）。
    通过示例：上年 1587.23 万元，本年 1573.23 万元。
    """
    code, title, severity, group = "U101", "金额单位疑似填错", "error", "表内"
    roles = ("headline",)

    def check(self, ctx):
        slips = unit_slips(ctx.profile)
        if not slips:
            return
        roles = ctx.profile.roles
        unit = ctx.profile.money_unit
        pairs = []  # (this year, last year, description, headline) for every headline figure known both years
        for h in roles.headline:
            if not h.previous:
                continue
            prev = previous_value(ctx, h.key)
            values = table_values(ctx.budget, h.key)
            if prev and values and values[0][0]:
                pairs.append((values[0][0], prev, values[0][1], h))
        for factor, typed in slips:
            # the whole workbook: every headline figure off by the factor (one cell typed in 元 moves
            # only the totals it is in, and is X100 at that cell)
            if pairs and all(_near(cur / prev, factor) for cur, prev, _, _ in pairs):
                cur, prev, desc, h = pairs[0]
                key = roles.figure(roles.label(h.key).figures[0]).cell
                yield ctx.finding(
                    self, f"本年{desc} {fmt(cur)} 是上年 {fmt(prev)} 的约 {_times(cur / prev)}"
                          + (f"，其他 {len(pairs) - 1} 个主要数也都如此" if len(pairs) > 1 else "")
                          + f"：整个工作簿可能按“{typed}”填写了，而表的金额单位是{unit}（表内、表间校验仍然一致，"
                          "只有与上年比较才看得出）", key, expected=prev, actual=cur)
                return
        stated = self._stated(ctx)
        if stated:
            yield stated

    def _stated(self, ctx):
        """The text's amounts against the tables: most of them off by the same unit factor."""
        slips = unit_slips(ctx.profile)
        counts: dict = {}
        total = 0
        for sec in sections(ctx):
            for a in sec.amounts:
                if a.kind != "plain" or a.label is None or not a.value:
                    continue
                try:
                    values = table_values(ctx.budget, a.label)
                except Exception:
                    continue
                if not values or not values[0][0]:
                    continue
                total += 1
                ratio = values[0][0] / a.value
                for factor, typed in slips:
                    if _near(ratio, factor):
                        counts.setdefault((factor, typed), []).append((sec, a, values[0]))
        for (factor, typed), items in counts.items():
            if len(items) >= 2 and len(items) * 2 > total:
                sec, a, (v, desc) = items[0]
                from ..narrative_facts import where

                return ctx.finding(
                    self, f"情况说明写的 {len(items)} 个金额（如“{a.label_text} {a.value} {ctx.profile.money_unit}”）"
                          f"都约为表中数（{desc} {fmt(v)}）的 1/{_times(factor)}：表格可能按“{typed}”填写了，"
                          f"而表的金额单位是{ctx.profile.money_unit}", expected=a.value, actual=v,
                    **where(ctx, sec.key, sec.title))
        return None


def _times(ratio: Decimal) -> str:
    if ratio >= 1:
        return f"{ratio:,.0f} 倍"
    return f"1/{1 / ratio:,.0f}"
