"""文字: the classification items the narrative states (“A（类）B（款）C（项）”X万元 and the other
shapes of :mod:`budgetxl.check.narrative_items`) against the tables and the code list, and the
figures of each item's paragraph against each other (last year's figure, the restated amount, the
change, its percentage and its reason).

Text and tables are rounded independently: an amount is compared with the table within half a
unit of the last digit the text states (±0.005 万元 for two decimals, ±0.5 万元 for whole 万元), and a
percentage with every value its rounded inputs allow (interval arithmetic, Decimal). Each finding
prints the tolerance and why. A paragraph printed twice is checked once.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from ..narrative_items import (AMOUNT, Amount, Item, amount, code_figures, excerpt, fmt_wan, growth_interval, matches,
                               item_facts, items, names_of, passages)
from ..registry import Rule, register

MIN_TOL = Decimal("0.005")


def _tol(a: Amount) -> Decimal:
    return max(MIN_TOL, a.half)


def _unique(ctx) -> list[Item]:
    return [it for it in items(ctx) if it.duplicate_of is None]


def _at(it: Item) -> str:
    return f"{it.passage.place}：" if it.passage.place else ""


def _pct(d: Decimal) -> str:
    return f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}%"


def _places(a: Amount) -> int:
    return max(0, -(a.half * 2).normalize().as_tuple().exponent) if a.half else 2


def _truncated(v: Decimal, a: Amount) -> bool:
    """The text cut the table figure off at its last digit (87.708 → 87.70): a practice of some
    documents, as legitimate as rounding."""
    q = Decimal(1).scaleb(-_places(a))
    return v >= 0 and (v // q) * q == a.value


def _digit_hint(a: Amount, v: Decimal) -> str:
    """Why the text may differ: one digit too many or too few, or a factor of ten."""
    q = Decimal(1).scaleb(-_places(a))
    text = str(a.value.quantize(q)).replace(".", "")
    table = {str(v.quantize(q)).replace(".", ""), str((v // q) * q).replace(".", "")}
    for t in table:
        if len(text) == len(t) + 1 and any(text[:i] + text[i + 1:] == t for i in range(len(text))):
            return "；文字比表中数多一位数字，疑为多写了一位"
        if len(t) == len(text) + 1 and any(t[:i] + t[i + 1:] == text for i in range(len(t))):
            return "；文字比表中数少一位数字，疑为漏写了一位"
    if v != 0 and (a.value / v).quantize(Decimal("0.1")) in (Decimal("10.0"), Decimal("0.1")):
        return "；文字约为表中数的 10 倍或十分之一，疑为小数点或位数错误"
    return ""


@register
class W201(Rule):
    """文字逐项列出的科目金额与表中该科目的数不符。

    情况说明（预算编制说明）常按科目逐项写金额：“A（类）B（款）C（项）”X万元、A（204类）B（06款）C（01项）X万元、
    “A-B-C”科目X万元、“A”科目X万元（类一级，常为整数万元）。科目按名称的完整路径（类→其下的款→其下的项）
    对应编码，再与按支出功能分类列示的各表（先一般公共预算财政拨款支出表）中该编码的合计比较。文字与表
    各自四舍五入：容差为文字末位的半个单位（两位小数 ±0.005 万元，整数万元 ±0.5 万元；表以元计时换算为
    万元后比较），提示中写明容差及其来由；文字按末位截去尾数（877,080 元写 87.70 万元）也算相符。文字中
    重复印出的段落只核对一次。

    失败示例：“社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”887.36万元，
    而一般公共预算支出功能分类表 2080506 合计 873,617 元（87.36 万元）。
    通过示例：“一般公共服务支出”科目12,789万元，表中 201 合计 127,886,849 元（12,788.68 万元，整数万元容差 ±0.5）。
    """
    code, title, severity, group = "W201", "文字所列科目金额与表不符", "error", "文字"

    def check(self, ctx):
        for it in _unique(ctx):
            if it.code is None:
                continue  # the names did not resolve: W202 says so
            figs = code_figures(ctx, it.code)
            tol = _tol(it.amount)
            names = names_of(ctx)
            if not figs:
                if any(ctx.budget.codes(t.id) for t in names.tables):
                    yield ctx.finding(
                        self, f"{_at(it)}文字列出“{it.label}”{it.amount.text}（{it.code} {names.path(it.code)}），而按功能分类"
                              f"列示的各表中没有这一科目", actual=it.amount.value, **it.passage.where())
                continue
            if any(abs(v - it.amount.value) <= tol or _truncated(v, it.amount) for v, _ in figs):
                continue
            v, desc = figs[0]
            diff = it.amount.value - v
            hint = _digit_hint(it.amount, v)
            yield ctx.finding(
                self, f"{_at(it)}文字“{excerpt(it.passage.text, it.start, it.end)}”写 {it.code} {names.path(it.code)} "
                      f"{fmt_wan(it.amount.value)} 万元，表中为 {fmt_wan(v)} 万元（{desc}），相差 {fmt_wan(diff)} 万元"
                      f"（容差 ±{fmt_wan(tol)} 万元，{it.amount.precision}）{hint}",
                expected=v, actual=it.amount.value, tolerance=tol, **it.passage.where())


def _rounds(v: Decimal, a: Amount) -> bool:
    return abs(v - a.value) <= _tol(a)


@register
class W213(Rule):
    """文字所列科目金额有的四舍五入、有的截去尾数：同一文件中多数金额按四舍五入写出，个别金额却截去了
    尾数（877,080 元写 87.70 万元，四舍五入应为 87.71 万元）。

    截尾本身是一些文件的写法，W201 也算它相符；但同一文件两种写法都有时，截尾的几处多半是手工抄写时
    舍掉的，和其他各处不一致。只在文件中至少另有一处金额按四舍五入写出、且截尾会得出不同的数时报告；
    各处合报一次。

    失败示例：上海某区财政局2025年部门预算写“行政单位离退休（项）”87.70万元（表中 877,080 元）、“住房公积金（项）”
    204.91万元（2,049,197 元），而“机关事业单位基本养老保险缴费支出”等各项按四舍五入写出。
    通过示例：各项都按四舍五入写出；或各项都截去尾数。
    """
    code, title, severity, group = "W213", "文字金额的舍入方式不一致", "info", "文字"

    def check(self, ctx):
        cut, rounded = [], 0
        for it in _unique(ctx):
            if it.code is None:
                continue
            figs = code_figures(ctx, it.code)
            if any(_rounds(v, it.amount) for v, _ in figs):
                rounded += any(not _truncated(v, it.amount) for v, _ in figs if _rounds(v, it.amount))
                continue
            hit = next(((v, d) for v, d in figs if _truncated(v, it.amount)), None)
            if hit is not None:
                cut.append((it, *hit))
        if not cut or not rounded:
            return
        it, v, desc = cut[0]
        q = Decimal(1).scaleb(-_places(it.amount))
        listed = "；".join(f"{_at(c)}“{c.label}”{c.amount.text}（表中 {fmt_wan(w)} 万元，四舍五入为 "
                          f"{w.quantize(q, rounding=ROUND_HALF_UP)}）" for c, w, _ in cut[:6])
        more = f"等 {len(cut)} 处" if len(cut) > 6 else f"共 {len(cut)} 处"
        yield ctx.finding(self, f"文字中 {rounded} 处金额按四舍五入写出，而以下金额截去了尾数（{more}）：{listed}；"
                                f"宜统一按四舍五入写出", expected=v.quantize(q, rounding=ROUND_HALF_UP),
                          actual=it.amount.value, **it.passage.where())


@register
class W202(Rule):
    """文字所列科目的名称或层级与科目代码表不符：款、项名称写在了错误的层级，名称不在其上级科目之下，
    写进括号的编码与名称不符，或用了“其它”之类的非规范写法。

    科目按完整路径核对（类→其下的款→其下的项），不凭项名单独对应：“一般行政管理事务”是几十个款下的项。
    名称以科目代码表（templates/codes/，或财政局以 --codes 载入的正式目录）和表中印出的名称为准，空格、
    引号和括号的全角半角不计。路径断开时，按金额在已对应的上级科目下找出表中唯一金额相符的科目，
    写明应为哪一科目。“其它”写法为提示，其余为警告。

    失败示例：“卫生健康支出（类）卫生健康支出（款）计划生育事务（项）”科目20.00万元——“卫生健康支出”是类名，
    “计划生育事务”是款（21007）名；表中 2100717 计划生育服务 200,000 元。
    通过示例：“卫生健康支出（类）计划生育事务（款）计划生育服务（项）”20.00万元。
    """
    code, title, severity, group = "W202", "文字所列科目名称或层级不符", "warning", "文字"

    def check(self, ctx):
        names = names_of(ctx)
        for it in _unique(ctx):
            probs = [(k, m) for k, m in it.problems if k in ("level", "name", "variant")]
            if not probs:
                continue
            sev = "info" if all(k == "variant" for k, _ in probs) else "warning"
            said = "；".join(m for _, m in probs)
            if it.code and not it.path_ok:
                said += f"；按金额 {fmt_wan(it.amount.value)} 万元应为 {it.code} {names.path(it.code)}"
            yield ctx.finding(self, f"{_at(it)}文字“{it.label}”{it.amount.text}：{said}", severity=sev,
                              actual=it.label, expected=names.path(it.code) if it.code else None,
                              **it.passage.where())


@functools.lru_cache(maxsize=8)
def _old_names_re(names: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(o) for o in names))


@register
class W203(Rule):
    """文字中用了已停用的科目名称（例如 2018 年起“医疗卫生与计划生育支出”改称“卫生健康支出”）。

    旧名称与其改名年度见 templates/codes/function-renamed.csv（表样可在 parts.toml [narrative_checks]
    renamed_codes 中另指）；预算年度不早于改名年度而文字仍用旧名，多半是沿用旧文本。逐项科目中的旧名
    与全文中出现的旧名都报，每个旧名每段一次。

    失败示例：2023 年预算写“医疗卫生与计划生育支出（类）行政事业单位医疗（款）行政单位医疗（项）”144.55万元。
    通过示例：“卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）”144.55万元。
    """
    code, title, severity, group = "W203", "文字中用了已停用的科目名称", "warning", "文字"

    def check(self, ctx):
        names = names_of(ctx)
        # in free text only names that cannot be part of an ordinary word: a 类's, or a long 款's
        old = {k: r for k, r in names.old.items() if len(r.code) == 3 or len(r.old) >= 6}
        if not old:
            return
        seen = set()
        rx = _old_names_re(tuple(sorted(old, key=len, reverse=True)))
        for p in passages(ctx):
            for m in matches(rx, p.text):
                if (p.text, m.group(0)) in seen:
                    continue
                seen.add((p.text, m.group(0)))
                rn = old[m.group(0)]
                yield ctx.finding(
                    self, f"{p.place}：文字“{excerpt(p.text, m.start(), m.end())}”用了“{rn.old}”，该科目（{rn.code}）自"
                          f"{rn.since}年起改称“{rn.new}”", expected=rn.new, actual=rn.old, **p.where())


@register
class W204(Rule):
    """同一科目的本年金额在同一段中写了两次而前后不一（标题金额与“预算安排X万元”不同）。

    逐项说明常先写“科目”X万元，再写“YYYY年预算安排P万元”：两处是同一个数，按文字的精度应相等
    （两位小数时须完全相同，精度不同时容差为较粗一处末位的半个单位）。提示写明哪一个与表相符。

    失败示例：“…机关事业单位职业年金缴费支出（项）”220.63万元……2023年预算安排441.25万元（表中 2080506 为 220.63）。
    通过示例：“…住房公积金（项）”350.35万元……2024年预算安排350.35万元。
    """
    code, title, severity, group = "W204", "同一金额前后写得不一致", "error", "文字"

    def check(self, ctx):
        year = ctx.budget.year
        for it in _unique(ctx):
            f = item_facts(it, year)
            for cur in f.current:
                tol = max(it.amount.half, cur.half)
                if abs(cur.value - it.amount.value) <= tol:
                    continue
                figs = code_figures(ctx, it.code) if it.code else []
                table = ""
                if figs:
                    v, desc = figs[0]
                    ok = [x for x in (it.amount, cur) if abs(x.value - v) <= _tol(x)]
                    table = f"；表中为 {fmt_wan(v)} 万元（{desc}）" + (f"，与“{ok[0].text}”相符" if len(ok) == 1 else "")
                yield ctx.finding(
                    self, f"{_at(it)}“{it.label}”先写 {it.amount.text}，同段又写“{excerpt(it.body, cur.start, cur.end, 10)}”"
                          f"（{fmt_wan(cur.value)} 万元），相差 {fmt_wan(cur.value - it.amount.value)} 万元{table}",
                    expected=it.amount.value, actual=cur.value, tolerance=tol, **it.passage.where())
                break


def _overlap(lo: Decimal, hi: Decimal, p: Decimal, h: Decimal) -> bool:
    return not (p + h < lo or p - h > hi)


@register
class W205(Rule):
    """文字写的增减额或增减百分比不能由文字自己的数得出（按四舍五入区间计算）。

    逐项说明写“YYYY年当年预算执行数为E万元，YYYY年预算安排P万元，比YYYY年预算执行数增加（减少）p%”：
    增幅 (P − E) / E 按 E、P 各自末位的半个单位取区间（两位小数：±0.005 万元），百分比按其末位取区间；
    两个区间不相交才报（与标题金额或“预算安排”金额之一相符即可）。方向说反（数在减少而文字写增加）
    由 W207 报，这里不重复。只写“比上年增加D万元，增长p%”时上年数取 X − D；写了增减额而它不等于本年数减上年数（容差为
    各数末位半个单位之和）也报。上年数为 0 时增幅无定义，见 W206。

    失败示例：“2022年当年预算执行数为11.67万元，2023年预算安排45.41万元，比2022年预算执行数增加314.82%”
    （(45.41 − 11.67) / 11.67 = 289.12%，区间 [288.91%, 289.33%]）。
    通过示例：“执行数为1.48万元，…预算安排2.63万元，…增加77.70 %”（区间 [77.18%, 78.24%]）。
    """
    code, title, severity, group = "W205", "文字中的增减额或百分比与数不符", "error", "文字"

    def check(self, ctx):
        year = ctx.budget.year
        for it in _unique(ctx):
            f = item_facts(it, year)
            ch = f.change
            if ch is None or ch.direction == 0:
                continue
            if ch.amount is not None and f.prior is not None:
                delta = ch.direction * ch.amount.value
                computed = it.amount.value - f.prior.value
                tol = it.amount.half + f.prior.half + ch.amount.half
                if abs(computed - delta) > tol:
                    yield ctx.finding(
                        self, f"{_at(it)}“{it.label}”：文字写比上年{ch.word} {fmt_wan(ch.amount.value)} 万元，而按文字的数 "
                              f"{fmt_wan(it.amount.value)} − {fmt_wan(f.prior.value)} = {fmt_wan(computed)} 万元（容差 ±"
                              f"{fmt_wan(tol)} 万元）", expected=computed, actual=delta, tolerance=tol, **it.passage.where())
                    continue
            if ch.pct is None:
                continue
            if f.prior is None and ch.amount is not None:  # 比上年增加D万元，增长p%: last year = X − D
                d = ch.direction * ch.amount.value
                f.prior = Amount("", it.amount.value - d, it.amount.half + ch.amount.half)
            if f.prior is None:
                continue
            delta = it.amount.value - f.prior.value
            if abs(delta) > it.amount.half + f.prior.half and (delta > 0) != (ch.direction > 0):
                continue  # the direction itself contradicts the figures: W207 says so (one cause)
            curs = [it.amount] + f.current
            ivs = [(c, growth_interval(c, f.prior)) for c in curs]
            if any(iv is None for _, iv in ivs):
                continue  # a zero base: W206
            stated = ch.direction * ch.pct
            if any(_overlap(lo, hi, stated, ch.pct_half) for _, (lo, hi) in ivs):
                continue
            c, (lo, hi) = ivs[0]
            g = (c.value / f.prior.value - 1) * 100
            word = ch.word
            if (g > 0) != (ch.direction > 0) and abs(g) > abs(hi - lo):
                word += f"（实为{'增加' if g > 0 else '减少'}）"
            yield ctx.finding(
                self, f"{_at(it)}“{it.label}”：文字写比上年{word} {ch.pct_text}，而按文字的数 ({fmt_wan(c.value)} − "
                      f"{fmt_wan(f.prior.value)}) / {fmt_wan(f.prior.value)} = {_pct(g)}（按各数四舍五入的区间为 "
                      f"[{_pct(lo)}, {_pct(hi)}]）", expected=g.quantize(Decimal("0.01")), actual=stated,
                tolerance=ch.pct_half, **it.passage.where())


@register
class W206(Rule):
    """上年数为 0，文字仍写增长百分比（如“增加100.00%”）：从零起的增幅无定义，宜写“新增”。

    失败示例：“2022年当年预算执行数为0万元，2023年预算安排60.13万元，比2022年预算执行数增加100.00%”。
    通过示例：“2022年当年预算执行数为0万元，2023年新增预算安排60.13万元”。
    """
    code, title, severity, group = "W206", "从零起算的增长百分比", "info", "文字"

    def check(self, ctx):
        year = ctx.budget.year
        for it in _unique(ctx):
            f = item_facts(it, year)
            if f.change is None or f.change.pct is None or f.prior is None or f.prior.value != 0:
                continue
            yield ctx.finding(
                self, f"{_at(it)}“{it.label}”：上年数为 0（“{f.prior.text}”），文字写{f.change.word} {f.change.pct_text}；"
                      f"从零起的增幅无定义，宜写“新增”", actual=f.change.pct_text, **it.passage.where())


_REASON_UP = re.compile(r"增加|增长|上升|提高|新增|增多|扩大")
_REASON_DOWN = re.compile(r"减少|下降|降低|压减|缩减|减少了|取消|削减")
_STEADY = re.compile(r"持平|保持不变|不变|一致|无变化")
_MIXED = re.compile(r"(?:增加|增长|新增|上升|提高)[^。]*?(?:减少|下降|降低)|(?:减少|下降|降低)[^。]*?(?:增加|增长|新增|上升|提高)")


@register
class W207(Rule):
    """增减的方向自相矛盾：文字说增加（减少）而数在减少（增加）或持平；同一句既说增减又说持平；
    或说明的原因与增减的方向相反（“减少2.98%。主要原因是：…经费增加”）。

    数的方向按文字自己的本年数与上年数（各按末位的半个单位取区间）判断；原因只在它只讲一个方向时比较。
    数与措辞矛盾为错误，原因与方向相反为警告。

    失败示例：“执行数为114.00万元，…预算安排110.60万元，比2023年预算执行数减少2.98%。主要原因是：宣传事务一般行政
    管理事务经费增加。”
    通过示例：“…比2022年预算执行数减少4.83%。主要原因是：公益性岗位补贴经费减少。”
    """
    code, title, severity, group = "W207", "增减方向自相矛盾", "warning", "文字"

    def check(self, ctx):
        year = ctx.budget.year
        for it in _unique(ctx):
            f = item_facts(it, year)
            ch = f.change
            if ch is None:
                continue
            if f.prior is not None:
                tol = it.amount.half + f.prior.half
                delta = it.amount.value - f.prior.value
                actual = 0 if abs(delta) <= tol else (1 if delta > 0 else -1)
                if actual != ch.direction:
                    said = {1: "增加", -1: "减少", 0: "持平"}
                    yield ctx.finding(
                        self, f"{_at(it)}“{it.label}”：文字说比上年“{ch.word}”，而本年 {fmt_wan(it.amount.value)} 万元、"
                              f"上年 {fmt_wan(f.prior.value)} 万元，实为{said[actual]}"
                              + (f" {fmt_wan(abs(delta))} 万元" if actual else ""),
                        severity="error", expected=said[actual], actual=ch.word, **it.passage.where())
                    continue
            if f.reason and ch.direction != 0 and not _MIXED.search(f.reason):
                up, down = bool(_REASON_UP.search(f.reason)), bool(_REASON_DOWN.search(f.reason))
                if (ch.direction < 0 and up and not down) or (ch.direction > 0 and down and not up):
                    yield ctx.finding(
                        self, f"{_at(it)}“{it.label}”：文字说比上年{ch.word}，说明的原因却是“{f.reason.strip()}”，方向相反",
                        actual=f.reason.strip(), **it.passage.where())
        yield from self._sentences(ctx)

    def _sentences(self, ctx):
        """Plain sentences (summary paragraphs included) that say 增加/减少 and 持平 at once."""
        rx = re.compile(r"(?P<a>增加|减少|增长|下降)[^，。；,;]{0,12}?(?:与|和|同|比)[^，。；,;]{0,12}?(?:持平|一致|保持不变)|"
                        r"(?:与|和|同|比)[^，。；,;]{0,12}?(?:持平|一致)[^，。；,;]{0,6}?(?P<b>增加|减少|增长|下降)\s*\d")
        for p in passages(ctx):
            if "持平" not in p.text and "一致" not in p.text and "不变" not in p.text:
                continue
            for m in matches(rx, p.text):
                yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start(), m.end())}”同时说了增减和持平",
                                  severity="error", actual=m.group(0), **p.where())


_CLAUSE = re.compile(r"[^。；;]+")
_CUR_THEN_UP = re.compile(rf"{AMOUNT}\s*[，,]?\s*(?:比|较)[^。；;，,]{{0,16}}?(?:增加|增长|多)\s*(?P<num2>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit2>万元|亿元|元)")


@register
class W208(Rule):
    """文字写的增加额大于本年数本身：上年数就成了负数，增加额多半是从别处照抄的。

    紧接本年金额写“（，）比上年（YYYY年）增加D”的，D 大于本年金额（按各自末位的半个单位）即报；两者
    之间另有文字（可能已换了主语）时不查。

    失败示例：“政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元”。
    通过示例：“一般公共预算拨款支出预算16497.86万元，比2022年预算增加1421.25万元”。
    """
    code, title, severity, group = "W208", "增加额大于本年数", "error", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            if "比" not in p.text and "较" not in p.text:
                continue
            for cl in matches(_CLAUSE, p.text):
                m = _CUR_THEN_UP.search(cl.group(0))
                if not m or re.search(r"执行数|决算数|上年数?为|年度?为", cl.group(0)[:m.start("num")]):
                    continue
                cur = amount(m.group("num"), m.group("unit"))
                up = amount(m.group("num2"), m.group("unit2"))
                if up.value > cur.value + cur.half + up.half:
                    s = cl.start() + m.start()
                    yield ctx.finding(
                        self, f"{p.place}：“{excerpt(p.text, s, cl.start() + m.end())}”：本年 {fmt_wan(cur.value)} 万元，"
                              f"却比上年增加 {fmt_wan(up.value)} 万元，上年数将为 {fmt_wan(cur.value - up.value)} 万元",
                        expected=f"≤ {fmt_wan(cur.value)}", actual=up.value, **p.where())


_RATE = re.compile(r"(?:年初预算|预算数|调整预算)(?:数)?(?:为|是)?\s*0(?:\.0+)?\s*(?:万元|元)[^。]{0,60}?"
                   r"(?:完成(?:年初|调整)?预算(?:数)?的|完成率为?|执行率为?)\s*(?P<pct>\d+(?:\.\d+)?)\s*%")


@register
class W209(Rule):
    """以 0 为年初预算数计算完成率：预算数为 0 时完成率无定义。

    失败示例：“年初预算为0万元，决算数为5.20万元，完成年初预算的100%”。
    通过示例：“年初预算为0万元，决算数为5.20万元，为年中追加”。
    """
    code, title, severity, group = "W209", "以零预算计算完成率", "warning", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            for m in (matches(_RATE, p.text) if "率" in p.text or "完成" in p.text else ()):
                yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start(), m.end())}”：年初预算为 0，完成率"
                                        f" {m.group('pct')}% 无定义", actual=m.group("pct") + "%", **p.where())


_SHARE = re.compile(rf"{AMOUNT}[，,]?\s*占(?P<what>[^，。；,;%\d]{{0,16}}?)的?\s*(?P<pct>\d+(?:\.\d+)?)\s*%")
_WHOLE = re.compile(rf"{AMOUNT}[^。]*?其中")


@register
class W210(Rule):
    """文字写的占比不能由文字自己的数得出：“其中：A万元，占B%”的 A 除以“其中”之前的总数。

    总数取同一句中“其中”之前最近的金额；各数按末位的半个单位、百分比按其末位取区间，不相交才报。

    失败示例：“支出预算1573.23万元，其中：基本支出978.93万元，占72.22%”（978.93 / 1573.23 = 62.22%）。
    通过示例：“支出预算1573.23万元，其中：基本支出978.93万元，占62.22%”。
    """
    code, title, severity, group = "W210", "文字中的占比与数不符", "error", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            for m in (matches(_SHARE, p.text) if "占" in p.text else ()):
                head = p.text[:m.start()]
                head = head[head.rfind("。") + 1:]  # the whole is stated in the same sentence
                wholes = list(_WHOLE.finditer(head))
                if not wholes:
                    continue
                w = wholes[-1]
                whole = amount(w.group("num"), w.group("unit"))
                part = amount(m.group("num"), m.group("unit"))
                if whole.value - whole.half <= 0 or part.value > whole.value + whole.half:
                    continue
                pct = Decimal(m.group("pct"))
                places = len(m.group("pct").split(".", 1)[1]) if "." in m.group("pct") else 0
                h = Decimal(5).scaleb(-(places + 1))
                lo = (max(Decimal(0), part.value - part.half) / (whole.value + whole.half)) * 100
                hi = ((part.value + part.half) / (whole.value - whole.half)) * 100
                if _overlap(lo, hi, pct, h):
                    continue
                g = part.value / whole.value * 100
                yield ctx.finding(
                    self, f"{p.place}：“{excerpt(p.text, m.start(), m.end())}”：{fmt_wan(part.value)} / {fmt_wan(whole.value)} = "
                          f"{_pct(g)}（区间 [{_pct(lo)}, {_pct(hi)}]），文字写 {m.group('pct')}%",
                    expected=g.quantize(Decimal("0.01")), actual=pct, tolerance=h, **p.where())


_GENERIC_UNDER = 3  # a 项 name used under this many 款 or more (行政运行, 一般行政管理事务) names no one 项


_MENTIONS: dict[int, tuple] = {}


def _mentions(ctx):
    """(name written in a text, code it names) — each 款 name joined to its 项 name (统计信息事务统计管理),
    and the 项 names that belong to one 款 only; built once per code list."""
    cl = names_of(ctx).cl
    got = _MENTIONS.get(id(cl))
    if got is not None and got[0] is cl:
        return got[1], got[2]
    joined: dict[str, str] = {}
    count: dict[str, int] = {}
    for code, name in cl.entries.items():
        if len(code) == 7:
            count[name] = count.get(name, 0) + 1
    for code, name in cl.entries.items():
        if len(code) == 7 and cl.name(code[:5]):
            joined[cl.name(code[:5]) + name] = code
    single = {n: c for c, n in cl.entries.items() if len(c) == 7 and count.get(n, 0) < _GENERIC_UNDER and len(n) >= 4}
    if len(_MENTIONS) > 16:
        _MENTIONS.clear()
    _MENTIONS[id(cl)] = (cl, joined, single)
    return joined, single


@register
class W211(Rule):
    """逐项说明的用途或原因写的是另一个科目：“城管执法（项）”的说明写“主要用于城乡社区管理事务一般行政管理
    事务”，“职业年金缴费支出（项）”的原因写“事业单位离退休经费增加”——多半是照抄上一项未改。

    说明中出现的“款名+项名”（按科目代码表）或文中另一逐项所列的项名（只属于一个款的项名，“行政运行”“一般
    行政管理事务”这类通用项名不算）不是本项自己的名称时报。

    失败示例：“城乡社区支出（类）城乡社区管理事务（款）城管执法（项）”690.58万元，主要用于城乡社区管理事务一般
    行政管理事务。
    通过示例：“城乡社区支出（类）城乡社区管理事务（款）城管执法（项）”690.58万元，主要用于城管执法。
    """
    code, title, severity, group = "W211", "逐项说明写的是另一科目", "warning", "文字"

    def check(self, ctx):
        its = _unique(ctx)
        if not its:
            return
        joined, single = _mentions(ctx)
        listed = {it.names[-1].text: it for it in its if it.level == "项" and it.names[-1].text in single}
        for it in its:
            own = "".join(n.text for n in it.names)
            body = re.split(r"(?:19|20)\d{2}年当年|执行数", it.body)[0] + (item_facts(it, ctx.budget.year).reason or "")
            hit = None
            for name, code in joined.items():
                if name in body and name not in own and code != it.code and not own.endswith(name):
                    hit = (name, code)
                    break
            if hit is None:
                for name, other in listed.items():
                    if other is not it and name in body and name not in own and not any(name in n.text for n in it.names):
                        hit = (name, other.code or "")
                        break
            if hit is None:
                continue
            name, code = hit
            yield ctx.finding(self, f"{_at(it)}“{it.label}”的说明写“{name}”，那是 {code} {names_of(ctx).path(code) if code else ''}"
                                    f"的名称，不是本项", actual=name, **it.passage.where())


_BASIC_ONLY = re.compile(r"主要用于[^。；]{0,20}?(?<!非)基本支出")
_PROJECT_WORD = re.compile(r"项目")


@register
class W212(Rule):
    """逐项说明说某科目用于基本支出，而表中该科目另有项目支出（或反过来只说项目而表中全是基本支出）。

    按功能分类列示、分基本支出和项目支出的表（先一般公共预算财政拨款支出表）中该编码的项目支出不为 0，
    而说明写“主要用于……基本支出”且不提项目时报（提示：用途说得不全）。

    失败示例：“一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元，主要用于行政单位的基本支出
    （表中 2010301 项目支出 110,000.00 元）。
    通过示例：“…-行政运行”科目1,202.95万元，主要用于行政单位的基本支出及援外干部工作经费等项目支出。
    """
    code, title, severity, group = "W212", "逐项说明的用途与表中支出类别不符", "info", "文字"
    roles = ("columns.project",)

    def check(self, ctx):
        roles = ctx.profile.roles
        for it in _unique(ctx):
            if it.code is None:
                continue
            m = _BASIC_ONLY.search(it.body)
            if not m or _PROJECT_WORD.search(it.body.split("。")[0]):
                continue
            for tid, col in roles.columns.get("project", {}).items():
                t = ctx.profile.tables[tid]
                if t.classification != "function" or it.code not in ctx.budget.codes(tid):
                    continue
                v = ctx.budget.value(tid, it.code, col)
                if v:
                    yield ctx.finding(
                        self, f"{_at(it)}“{it.label}”的说明写“{m.group(0)}”，而{t.name} {it.code} 另有{t.column(col).header} "
                              f"{v:,} {ctx.profile.money_unit}", actual=m.group(0), **it.passage.where())
                    break
