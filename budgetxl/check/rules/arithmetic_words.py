"""文字: arithmetic written in words — products ("N人×P元/人=A万元", "共计N条，每条P元，共计A万元"),
listed parts of a figure ("面积13459平方米，其中地上8013平方米（其中计容7998平方米，不计容105平方米）")
and quarterly amounts or percentages of a budget — recomputed exactly (Decimal) within the
rounding the text's own figures allow, in 元 and 万元 alike.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..narrative_items import amount, excerpt, fmt_wan, matches, passages
from ..registry import Rule, register
from ...labels import ascii_digits

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MONEY_UNIT = r"万元|亿元|元"
COUNT_UNIT = r"人次|人|个|辆|台|次|条|件|套|户|名|间|平方米|㎡|米|公里|天|日|月|批|项|场|期|册|份|本|张|家|所|座|吨|箱|盒|只"


def _half(num: str) -> Decimal:
    s = num.replace(",", "")
    places = len(s.split(".", 1)[1]) if "." in s else 0
    return Decimal(5).scaleb(-(places + 1))


def _dec(num: str) -> Decimal:
    return Decimal(num.replace(",", ""))


def _money(num: str, unit: str) -> tuple[Decimal, Decimal]:
    a = amount(num, unit)
    return a.value, a.half


def _slip(a: Decimal, b: Decimal) -> str:
    """A hint when two whole figures differ by a digit transposition."""
    if a == a.to_integral() and b == b.to_integral() and a != b:
        sa, sb = str(int(a)), str(int(b))
        if sorted(sa) == sorted(sb) and (a - b) % 9 == 0:
            return f"；{sa} 与 {sb} 数字相同而次序不同，疑为数字颠倒"
    return ""


# ------------------------------------------------------------------------------------------ W401
FACTOR = rf"(?P<GRP>{NUM})\s*(?P<GRPu>{MONEY_UNIT}|{COUNT_UNIT})?(?:\s*/\s*(?:{COUNT_UNIT}|年))?"
PRODUCT_RE = re.compile(
    FACTOR.replace("GRP", "a") + r"\s*[×xX*＊]\s*" + FACTOR.replace("GRP", "b") +
    r"(?:\s*[×xX*＊]\s*" + FACTOR.replace("GRP", "c") + r")?" + rf"\s*[=＝]\s*(?P<r>{NUM})\s*(?P<ru>{MONEY_UNIT})")
EACH_RE = re.compile(rf"(?:共计?|合计)?(?P<n>{NUM})\s*(?P<nu>{COUNT_UNIT})[，,、]?\s*(?:每{{1}}(?:{COUNT_UNIT})?|单价|按每(?:{COUNT_UNIT})?)"
                     rf"[^\d，。；]{{0,6}}?(?P<p>{NUM})\s*(?P<pu>{MONEY_UNIT})(?:\s*/\s*(?:{COUNT_UNIT}))?[^。；\d]{{0,10}}?"
                     rf"(?:共计|合计|总计|共|计)\s*(?P<r>{NUM})\s*(?P<ru>{MONEY_UNIT})")


@register
class W401(Rule):
    """文字写出的乘法算不对：“N人×P元/人=A万元”“共计N条，每条P元，共计A万元”。

    数量乘单价（元、万元各自换算）与写出的结果比较；容差为结果末位的半个单位加上单价末位的半个单位
    乘以数量（单价本身可能是四舍五入的）。

    失败示例：“培训费按120人×300元/人=3.80万元测算”（120 × 300 = 36,000 元 = 3.60 万元）。
    通过示例：“共计50条，每条1,200元，共计6.00万元”。
    """
    code, title, severity, group = "W401", "文字中的乘法算式不符", "error", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            products = matches(PRODUCT_RE, p.text) if ("=" in p.text or "＝" in p.text) else ()
            for m in products:
                factors = [(m.group(g), m.group(g + "u")) for g in "abc" if m.group(g)]
                money = [(n, u) for n, u in factors if u and re.fullmatch(MONEY_UNIT, u)]
                if len(money) != 1:
                    continue  # the price must be the one money factor
                yield from self._compare(ctx, p, m, factors, money[0])
            for m in (matches(EACH_RE, p.text) if ("每" in p.text or "单价" in p.text) else ()):
                yield from self._compare(ctx, p, m, [(m.group("n"), m.group("nu")), (m.group("p"), m.group("pu"))],
                                         (m.group("p"), m.group("pu")))

    def _compare(self, ctx, p, m, factors, price):
        price_v, price_h = _money(*price)
        qty = Decimal(1)
        qty_text = []
        for n, u in factors:
            if (n, u) == price:
                continue
            qty *= _dec(n)
            qty_text.append(f"{n}{u or ''}")
        got = price_v * qty
        stated, stated_h = _money(m.group("r"), m.group("ru"))
        tol = stated_h + price_h * qty
        if abs(got - stated) <= tol:
            return
        yield ctx.finding(
            self, f"{p.place}：“{excerpt(p.text, m.start(), m.end())}”：{' × '.join(qty_text)} × {price[0]}{price[1]} = "
                  f"{fmt_wan(got)} 万元，文字写 {fmt_wan(stated)} 万元，相差 {fmt_wan(stated - got)} 万元（容差 ±{fmt_wan(tol)} 万元）",
            expected=got, actual=stated, tolerance=tol, **p.where())


# ------------------------------------------------------------------------------------------ W402
_QTY = rf"(?P<num>{NUM})\s*(?P<unit>{MONEY_UNIT}|{COUNT_UNIT})"
QTY_RE = re.compile(_QTY)
_COMPARE_BEFORE = re.compile(r"(?:增加|减少|增长|下降|比|较|多|少|超|节约|压减|降低|提高)[^，,、]{0,6}$")
_NESTED = re.compile(r"包括|其中|含|即")
_OPEN = "（("
_CLOSE = "）)"


def _part_lists(text: str):
    """(whole match, [(part match)]) for every "X单位（其中A单位，B单位）" / "X单位，其中：A单位、B单位".
    Parts are the quantities in the bracket or up to the sentence end, at the bracket's own depth,
    with the whole's unit, not inside a comparison."""
    for w in QTY_RE.finditer(text):
        rest = text[w.end():]
        lead = re.match(r"\s*[（(]\s*其中[：:]?|\s*[，,]\s*其中[：:]?", rest)
        if not lead:
            continue
        bracket = lead.group(0).strip().startswith(tuple(_OPEN))
        i = w.end() + lead.end()
        depth = 0
        parts = []
        j = i
        while j < len(text):
            ch = text[j]
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                if depth == 0:
                    break
                depth -= 1
            elif ch in "。；;" and depth == 0:
                break
            elif depth == 0 and parts and _NESTED.match(text, j):
                break  # a part's own breakdown (…，包括A和B): the list of parts ends here
            if depth == 0:
                m = QTY_RE.match(text, j)
                if m and (j == 0 or not re.match(r"[\d.,]", text[j - 1])):
                    if m.group("unit") == w.group("unit") and not _COMPARE_BEFORE.search(text[i:j]):
                        parts.append(m)
                    j = m.end()
                    continue
            j += 1
        if bracket and (j >= len(text) or text[j] not in _CLOSE):
            continue
        yield w, parts, j


@register
class W402(Rule):
    """文字列出的各部分加起来与总数不符：部分之和大于总数，或与总数只差数字的次序（如 8013 与 8103）。

    “X（其中A，B）”“X，其中：A、B”中与总数同单位的各数（不含“比上年增加”之类比较中的数）相加；“其中”
    常只列一部分，所以部分之和小于总数时只在两数数字相同、次序不同（差为 9 的倍数）时报。容差为各数末位
    半个单位之和。

    失败示例：“地上建筑面积为8013平方米（其中计容面积7998平方米，不计容面积105平方米）”（7998 + 105 = 8103）。
    通过示例：“规划建筑面积约为13459平方米，其中地上建筑面积为8103平方米，地下建筑面积为5356平方米”。
    """
    code, title, severity, group = "W402", "文字列出的各部分与总数不符", "warning", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            if "其中" not in p.text:
                continue
            for w, parts, end in _part_lists(p.text):
                if not parts:
                    continue
                money = re.fullmatch(MONEY_UNIT, w.group("unit")) is not None
                if money:
                    whole, wh = _money(w.group("num"), w.group("unit"))
                    vals = [_money(m.group("num"), m.group("unit")) for m in parts]
                else:
                    whole, wh = _dec(w.group("num")), _half(w.group("num"))
                    vals = [(_dec(m.group("num")), _half(m.group("num"))) for m in parts]
                total = sum((v for v, _ in vals), Decimal(0))
                tol = wh + sum((h for _, h in vals), Decimal(0))
                slip = _slip(whole, total)
                if total > whole + tol or (len(parts) >= 2 and slip):
                    unit = "万元" if money else w.group("unit")
                    terms = " + ".join(m.group("num") for m in parts)
                    fmt = fmt_wan if money else (lambda d: f"{d.normalize():f}")
                    yield ctx.finding(
                        self, f"{p.place}：“{excerpt(p.text, w.start(), end, 4)}”：{terms} = {fmt(total)}{unit}，"
                              f"而总数写 {w.group(0)}{slip}", expected=total, actual=whole, tolerance=tol, **p.where())


# ------------------------------------------------------------------------------------------ W403
QUARTER_RE = re.compile(rf"第(?P<q>[一二三四1-4])季度(?P<gap>[^，。；\d]{{0,12}}?)(?:(?P<num>{NUM})\s*(?P<unit>{MONEY_UNIT})|"
                        rf"(?P<pct>\d+(?:\.\d+)?)\s*%)")
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
TOTAL_BEFORE_RE = re.compile(rf"(?:预算|资金|总额|安排|总计|合计|金额)[^，。；\d]{{0,8}}?(?P<num>{NUM})\s*(?P<unit>{MONEY_UNIT})")


@register
class W403(Rule):
    """分季度的用款计划与预算数不符：四个季度的金额之和不等于同段写的预算总数，或四个季度的百分比之和
    不是 100%（写“累计”的，各季应逐季不减并以 100% 结束）。

    容差为各数末位半个单位之和。

    失败示例：“项目预算632.20万元，第一季度用款计划158.05万元，第二季度用款计划158.05万元，第三季度用款计划158.05万元，
    第四季度用款计划148.05万元”（合计 622.20）。
    通过示例：“第一季度支出预算的25%，第二季度25%，第三季度25%，第四季度25%”。
    """
    code, title, severity, group = "W403", "分季度计划与预算数不符", "warning", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            if "季度" not in p.text:
                continue
            qs = list(matches(QUARTER_RE, p.text))
            if not qs:
                continue
            amounts = {_Q[m.group("q")]: m for m in qs if m.group("num")}
            pcts = {_Q[m.group("q")]: m for m in qs if m.group("pct")}
            if len(pcts) == 4:
                vals = [Decimal(pcts[i].group("pct")) for i in range(1, 5)]
                tol = sum((_half(pcts[i].group("pct")) for i in range(1, 5)), Decimal(0))
                cumulative = "累计" in p.text
                if cumulative:
                    bad = any(b < a for a, b in zip(vals, vals[1:])) or abs(vals[-1] - 100) > _half(pcts[4].group("pct"))
                    got = vals[-1]
                else:
                    got = sum(vals, Decimal(0))
                    bad = abs(got - 100) > tol
                if bad:
                    yield ctx.finding(self, f"{p.place}：分季度比例 {'、'.join(f'{v}%' for v in vals)}"
                                            f"{'（累计）应逐季不减并以 100% 结束' if cumulative else f'之和为 {got}%，不是 100%'}",
                                      expected=Decimal(100), actual=got, **p.where())
            if len(amounts) == 4:
                first = min(m.start() for m in amounts.values())
                totals = list(TOTAL_BEFORE_RE.finditer(p.text[:first]))
                if not totals:
                    continue
                t = totals[-1]
                whole, wh = _money(t.group("num"), t.group("unit"))
                vals = [_money(amounts[i].group("num"), amounts[i].group("unit")) for i in range(1, 5)]
                got = sum((v for v, _ in vals), Decimal(0))
                tol = wh + sum((h for _, h in vals), Decimal(0))
                if "累计" in p.text:
                    got = vals[-1][0]
                    tol = wh + vals[-1][1]
                if abs(got - whole) > tol:
                    yield ctx.finding(self, f"{p.place}：四个季度的用款计划合计 {fmt_wan(got)} 万元，而同段写预算 "
                                            f"{fmt_wan(whole)} 万元，相差 {fmt_wan(got - whole)} 万元（容差 ±{fmt_wan(tol)} 万元）",
                                      expected=whole, actual=got, tolerance=tol, **p.where())


# ------------------------------------------------------------------------------------------ W404
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def cn_number(text: str) -> int | None:
    """A count written in digits or in Chinese numerals up to 99 (十二, 二十一)."""
    if ascii_digits(text):
        return int(text)
    if not text or any(c not in _CN_DIGITS for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text] if len(text) == 1 else None


COUNT_LIST_RE = re.compile(r"(?:设|有|下设|内设|设有|包括)(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3})(?P<m>个|家|项|类)(?P<what>[^，。；：:]{1,10}?)"
                           r"[，,]?\s*(?:包括|分别是|分别为|即|为)[：:]\s*(?P<list>[^。；]+)")


@register
class W404(Rule):
    """文字说“设N个……，包括：A、B、……”，而列出的个数不是 N。

    按顿号数列出的名称（名称里可能有“和”，只有最后一项里的“和”“及”可能连着两个名称）；列举中另有
    “等”时不查（本来就不全）。

    失败示例：“设10个内设机构，包括：办公室、秘书科、综合科。”
    通过示例：“设3个内设机构，包括：办公室、秘书科和综合科。”
    """
    code, title, severity, group = "W404", "列举的个数与所说的个数不符", "info", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            for m in matches(COUNT_LIST_RE, p.text):
                n = cn_number(m.group("n"))
                lst = m.group("list")
                if n is None or "等" in lst:
                    continue
                parts = [x for x in re.split(r"[、，,]", lst) if x.strip()]
                # names may hold 和 (经济建设和社会发展处): only the last part may join two names with 和/及
                counts = {len(parts), len(parts) + 1} if re.search(r"和|及", parts[-1] if parts else "") else {len(parts)}
                if len(parts) < 2 or n in counts:
                    continue
                yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start(), m.start() + 24, 0)}”说{n}{m.group('m')}，"
                                        f"列出的是{len(parts)}{m.group('m')}", expected=Decimal(n),
                                  actual=Decimal(len(parts)), **p.where())
