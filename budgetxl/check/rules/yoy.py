"""年度: this year against last year — the change the narrative states against the change the
figures give (Y101) and the explanation a large change needs (Y102).

Last year's figures come from the previous year's budget when one is given (``--previous``), else
from the supplement's ``[previous]`` totals (total, basic, project, sangong, operating). Without
them Y101 says nothing; Y102 then falls back on the change the text itself states.
"""

from __future__ import annotations

from decimal import Decimal

from ...money import fmt
from ..narrative_facts import (EXPLAIN_RE, SENTENCE_BREAKS, changes, excerpt, label_name, num, previous_value,
                               sections, table_values, where)
from ..cause import identity
from ..registry import Rule, register


# The subjects are the profile's headline figures that have a last-year figure ([[roles.headline]]
# with `previous`), each explained in its `explained_in` narrative part; a label that means the same
# figure (same_as) stands for it.
def _subjects(roles) -> list[str]:
    return [h.key for h in roles.headline if h.previous]


def _subject(roles, label: str | None) -> str | None:
    if not label:
        return None
    h = roles.previous_of(label)
    return h.key if h is not None else label


def _direction(v: Decimal) -> str:
    return "增加" if v > 0 else ("减少" if v < 0 else "持平")


@register
class Y101(Rule):
    """情况说明写的比上年增减数与本年、上年数据算出的增减不符（收支总计、基本支出、项目支出、“三公”经费、
    机关运行经费）。

    本年数取自表（收支总表收入总计、支出总表基本支出和项目支出合计、三公经费支出表合计、基本支出表
    公用经费合计），上年数取自上年预算（--previous）或补充资料的 [previous]；没有上年数时不检查。
    “增加”应为正数、“减少”应为负数；文字写明的上年数也应等于上年数据。容差 0.005 万元（文字少写小数位时
    为末位的半个单位）。

    失败示例：上年收支总计 1587.23，本年 1573.23，文字写“较2023年预算增加14.00万元”（实为减少）。
    通过示例：文字写“较2023年预算减少14.00万元”，1573.23 − 1587.23 = −14.00。
    """
    code, title, severity, group = "Y101", "文字中的增减数与上年数据不符", "error", "年度"
    roles = ("labels", "headline")

    def check(self, ctx):
        year = ctx.budget.year
        roles = ctx.profile.roles
        subjects = _subjects(roles)
        for sec in sections(ctx):
            for a in sec.amounts:
                subject = _subject(roles, a.subject if a.kind == "change" else a.label)
                if subject not in subjects:
                    continue
                prev = previous_value(ctx, subject)
                if prev is None:
                    continue
                if a.kind == "plain" and a.year is not None and a.year.year == year - 1:
                    this_year = table_values(ctx.budget, subject)
                    if any(abs(a.value - v) <= a.tolerance for v, _ in this_year):
                        continue  # this year's figure under last year's name: W102
                    if abs(a.value - prev) > a.tolerance:
                        yield ctx.finding(
                            self, f"{sec.title}：文字“{excerpt(sec, a.start, a.end)}”写上年{label_name(roles, subject)} "
                                  f"{num(a.value)} 万元，上年数据为 {fmt(prev)} 万元，相差 {num(a.value - prev)} 万元"
                                  f"（容差 {num(a.tolerance)} 万元）",
                            expected=prev, actual=a.value, tolerance=a.tolerance, **where(ctx, sec.key, sec.title))
                    continue
                if a.kind != "change" or a.sign is None:
                    continue
                currents = table_values(ctx.budget, subject)
                if not currents:
                    continue
                computed = [(v - prev, v, desc) for v, desc in currents]
                if any(abs(c - a.signed) <= a.tolerance for c, _, _ in computed):
                    continue
                c, v, desc = computed[0]
                said = f"{'增加' if a.sign > 0 else '减少'} {num(a.value)} 万元"
                if c * a.sign < 0 or (c == 0 and a.value != 0):
                    what = f"实为{_direction(c)}" + (f" {fmt(abs(c))} 万元" if c else "")
                else:
                    what = f"相差 {num(a.signed - c)} 万元（容差 {num(a.tolerance)} 万元）"
                yield ctx.finding(
                    self, f"{sec.title}：文字“{excerpt(sec, a.start, a.end)}”说{label_name(roles, subject)}比上年{said}，而本年 "
                          f"{fmt(v)}（{desc}）− 上年 {fmt(prev)} = {fmt(c)}，{what}",
                    expected=c, actual=a.signed, tolerance=a.tolerance, identity=_identity(ctx, subject, prev, a),
                    **where(ctx, sec.key, sec.title))


def _identity(ctx, subject, prev, a):
    """this year's figure − last year's = the change the text states (see budgetxl.check.cause)."""
    roles = ctx.profile.roles
    node = roles.figure(roles.label(subject).figures[0]).node
    return identity(node, [prev, a.signed], tolerance=a.tolerance) if node is not None else None


@register
class Y102(Rule):
    """增减较大（增减额不少于 10 万元且幅度不低于 10%，“三公”经费则是任何增减）而情况说明没有说明原因。

    对收支总计、基本支出、项目支出、“三公”经费、机关运行经费，用本年表中的数和上年数算出增减（没有上年数
    时用文字写明的增减）。说明原因指在写出该增减的句子或下一句中有“原因、主要、由于、因为、用于”等词，
    或在应说明的部分（比上年增减情况、“三公”经费、机关运行经费）中提到该项目的句子里有这些词。

    失败示例：上年项目支出 424.52，本年 594.30（增加 40%），文字只写“项目支出增加169.78万元。”
    通过示例：“项目支出减少30.22万元，主要为转移支付下达资金减少。”
    """
    code, title, severity, group = "Y102", "较大增减没有说明原因", "warning", "年度"
    roles = ("labels", "headline")

    def check(self, ctx):
        secs = sections(ctx)
        if not secs:
            return
        roles = ctx.profile.roles
        by_key = {s.key: s for s in secs}
        for subject in _subjects(roles):
            currents = table_values(ctx.budget, subject)
            if not currents:
                continue
            cur = currents[0][0]
            stated = [(s, a) for s in secs for a in changes(s)
                      if _subject(roles, a.subject) == subject and a.sign is not None]
            prev = previous_value(ctx, subject)
            if prev is None:
                if not stated:
                    continue
                prev = cur - stated[0][1].signed
            delta = cur - prev
            if roles.headline_entry(subject).any_change:
                large = delta != 0
            else:
                large = abs(delta) >= 10 and (prev <= 0 or abs(delta) >= prev * Decimal("0.1"))
            designated = roles.headline_entry(subject).explained_in
            if not large or self._explained(roles, subject, designated, stated, by_key):
                continue
            pct = f"，{_direction(delta)} {abs(delta) / prev * 100:.1f}%" if prev > 0 else ""
            part = next((p for p in ctx.profile.parts.get("narrative", []) if p["key"] == designated), None)
            if part is not None:  # the reason goes where the profile says this change is explained
                loc = where(ctx, designated, part["title"])
                place = (f"{loc['sheet']}!{loc['cell']}" if loc.get("cell") else "情况说明") + f"“{part['title']}”"
                how = (f"请在{place}中写明原因（如“……，主要原因是……”）"
                       + ("；这一部分的数字由 budgetxl 按表格生成，所写的原因照原文印在生成的文字中"
                          if part.get("kind") == "generated" else ""))
            else:
                sec = stated[0][0] if stated else None
                loc = where(ctx, sec.key, sec.title) if sec else {}
                how = "请写明原因（如“主要原因是……”）"
            unit = ctx.profile.money_unit
            yield ctx.finding(
                self, f"{label_name(roles, subject)}比上年{_direction(delta)} {fmt(abs(delta))} {unit}（上年 {fmt(prev)}，本年 "
                      f"{fmt(cur)}{pct}），情况说明中没有说明增减原因：{how}",
                expected=prev, actual=cur, **loc)

    @staticmethod
    def _explained(roles, subject, designated, stated, by_key) -> bool:
        for sec, a in stated:
            s, e = a.sentence
            nxt = e + 1
            ends = [i for i in (sec.text.find(b, nxt) for b in SENTENCE_BREAKS) if i >= 0]
            if EXPLAIN_RE.search(sec.text[s:min(ends) if ends else len(sec.text)]):
                return True
        sec = by_key.get(designated)
        if sec is None:
            return False
        headline = _subject(roles, sec.first_label())
        start = 0
        for i, ch in enumerate(sec.text + "。"):
            if ch in SENTENCE_BREAKS or i == len(sec.text):
                sentence = sec.text[start:i]
                labels = {_subject(roles, lb[2]) for lb in sec.labels if start <= lb[0] < i}
                if EXPLAIN_RE.search(sentence) and (subject in labels or headline == subject):
                    return True
                start = i + 1
        return False

