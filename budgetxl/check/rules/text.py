"""文字: the narrative (情况说明) against the tables — amounts stated next to a known label (W101),
this year's figures written under another year (W102), other places' names copied from another
unit's text (W103), the arithmetic of 比上年增减 within the text (W104) — and the fixed assets the
text says will be bought against the procurement lines (A103, group 资产).

The text is parsed by :mod:`budgetxl.check.narrative_facts`. Text and tables are independently
rounded, so those comparisons allow 0.005 万元 (or half a unit of the last digit the text states)
and print the tolerance.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ...supplement import procurement_total
from ...money import ZERO, fmt
from ..narrative_facts import (STEADY_RE, Section, Stated, changes, excerpt, label_name, num, previous_value,
                               sections, table_values, where)
from ..cause import identity
from ..registry import Rule, register
from ..hints import slip_hint


def _other_year(a: Stated, year: int) -> bool:
    return a.year is not None and a.year.year != year


@register
class W101(Rule):
    """情况说明中写在已知名目后的金额与表中的数不符。

    名目包括预算收入（收支总计）、一般公共预算收入、政府性基金预算收入、财政专户管理资金收入、单位资金收入、
    上年结转结余、支出预算、基本支出、人员经费、日常公用经费、项目支出、机关运行经费（河北口径：基本支出表
    公用经费合计）、“三公”经费及其各项、政府采购预算等。金额须在同一分句内紧跟名目（中间只有“为、共计、
    安排、合计、是、：”之类的词）；“较上年增加/减少”之类比较中的金额和写明其他年度的金额不在此核对
    （见 W104、Y101、W102）。文字与表格各自四舍五入，容差 0.005 万元；文字少写小数位时容差为末位的半个单位。

    失败示例：“基本支出978.39万元”，而支出总表基本支出合计 978.93。
    通过示例：“其中基本支出978.93万元，包括人员经费888.90万元和日常公用经费90.03万元”，与表一致。
    """
    code, title, severity, group = "W101", "文字中的金额与表不符", "error", "文字"
    roles = ("labels",)

    def check(self, ctx):
        year = ctx.budget.year
        for sec in sections(ctx):
            for a in sec.amounts:
                if a.kind != "plain" or a.label is None or _other_year(a, year):
                    continue
                values = table_values(ctx.budget, a.label)
                if not values or any(abs(a.value - v) <= a.tolerance for v, _ in values):
                    continue
                v, desc = values[0]
                hint = slip_hint(a.value.quantize(Decimal("0.01")), v, ctx.profile) if a.half <= Decimal("0.005") else ""
                roles = ctx.profile.roles
                nodes = [roles.figure(n).node for n in roles.label(a.label).figures]
                ident = identity(nodes[0], a.value, tolerance=a.tolerance) if nodes[0] is not None else None
                yield ctx.finding(
                    self, f"{sec.title}：文字“{excerpt(sec, a.start, a.end)}”中{a.label_text} {num(a.value)} 万元，"
                          f"表中为 {num(v)} 万元（{desc}），相差 {num(a.value - v)} 万元（容差 {num(a.tolerance)} 万元，"
                          f"{a.precision}）{hint}",
                    expected=v, actual=a.value, tolerance=a.tolerance, identity=ident, **where(ctx, sec.key, sec.title))


@register
class W102(Rule):
    """本年的数写在了其他年度下：分句写明的年度不是预算年度，而金额恰是本年表中的数。

    例如 2024 年预算的文字写“2023年，我部门运行经费共计安排90.03万元”，而 90.03 正是 2024 年基本支出表的
    公用经费合计：年份多半是沿用上年文本未改。金额紧跟已知名目时与该名目的表中数比较，否则与收支总计、
    基本支出、项目支出、人员经费、公用经费、“三公”经费比较。比较中的年份（较2023年、比上年、与2023年
    相比）不算；金额为 0、句中说明“持平”，或上年数本来相同且同一部分另写了本年数时不报。每个写错的
    年份报一次。

    失败示例：“2023年，我部门运行经费共计安排90.03万元”（2024 年预算，公用经费合计 90.03）。
    通过示例：“2024年，我部门运行经费共计安排90.03万元”；“较2023年预算减少14.00万元”。
    """
    code, title, severity, group = "W102", "本年的数写在其他年度下", "error", "文字"
    roles = ("labels", "headline")

    def check(self, ctx):
        year = ctx.budget.year
        roles = ctx.profile.roles
        headline = [h.key for h in roles.headline if h.overview and h.key in roles.labels]
        for sec in sections(ctx):
            reported = set()
            for a in sec.amounts:
                if a.kind != "plain" or not _other_year(a, year) or a.value == 0 or a.year.start in reported:
                    continue
                labels = [a.label] if a.label else headline
                match = None
                for lb in labels:
                    for v, desc in table_values(ctx.budget, lb):
                        if abs(a.value - v) <= a.tolerance:
                            match = (lb, v, desc)
                            break
                    if match:
                        break
                if match is None:
                    continue
                lb, v, desc = match
                sentence = sec.text[a.sentence[0]:a.sentence[1]]
                if STEADY_RE.search(sentence):
                    continue
                prev = previous_value(ctx, lb) if a.year.year == year - 1 else None
                stated_now = any(x.kind == "plain" and x.label == lb and not _other_year(x, year) for x in sec.amounts)
                if prev is not None and abs(prev - a.value) <= a.tolerance and stated_now:
                    continue  # last year's figure was the same, and this year's is stated too
                reported.add(a.year.start)
                what = a.label_text or label_name(roles, lb)
                yield ctx.finding(
                    self, f"{sec.title}：文字“{excerpt(sec, a.year.start, a.end)}”把 {num(a.value)} 万元（{what}）写在"
                          f"“{a.year.text}”下，而这正是 {year} 年表中的数（{desc} {fmt(v)}）：年份应为“{year}年”",
                    expected=f"{year}年", actual=a.year.text, **where(ctx, sec.key, sec.title))


# ------------------------------------------------------------------------------------------ W103
_ETHNIC = ("满|蒙古|回|藏|苗|彝|壮|布依|朝鲜|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|景颇|"
           "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|"
           "保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各")
_AUTONOMOUS = re.compile(rf"^(?P<core>.+?)(?:(?:{_ETHNIC})族)*自治[县旗州区]$")
_PROVINCE_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")

# words that follow a place's name when it names an institution: 顺平交警, 顺平县公安局, 唐县人民政府
INSTITUTION = re.compile(r"(?=[县区市旗交公车人政财法检教卫医供城税自住水民审应消融电日纪监发大支])"
                         r"(?:县|区|市|旗)?(?:交警|公安|交管|车管|县委|区委|市委|旗委|县政府|区政府|市政府|人民|政府|财政|"
                         r"交通|法院|检察|教育|卫健|卫生健康|医院|供电|城管|税务|市场监管|自然资源|住建|水利|民政|人社|"
                         r"审计|应急管理|消防|融媒|电视台|日报|纪委|监委|发改|大队|支队)")
# short forms that are also everyday words (or name institutions themselves): never a place on their own
COMMON_SHORT = frozenset("""
公安 平安 和平 新华 长安 永安 太平 城关 城中 城区 城厢 城东 城西 城南 城北 市中 市南 市北 新城 老城 新建 新兴
新区 中山 南山 东山 西山 北山 青山 金山 宝山 白云 红旗 东风 胜利 前进 友谊 友好 团结 解放 振兴 复兴 工农 爱民
建华 宏伟 回民 光明 长寿 安居 富民 大方 通道 民权 和顺 平和 万全 永和 长乐 康乐 安定 向阳 朝阳 河北 海南 河东
河西 江北 江南 山城 运河 河口 江口 二道 大通 大同 郊区 矿区 东区 西区 高新 开发 经开 兴安 安宁 宁安 石门 中原
站前 铁东 铁西 桥东 桥西 路南 路北 龙山 金水 文峰 山阳 建安 安乐 龙华 普陀 鼓楼 西湖 东湖 天桥 海港 东港
""".split())
# one-character counties (唐县, 涉县, 和县) stand alone only after a break or a preposition, and not
# when the 县 begins a word of its own (县城, 县域, 县级, 县委 …)
_WORD_START = re.compile(r"^$|[\s，,。；;：:、“\"「『（(在到赴与及对向从至责辖]$")
_COUNTY_COMPOUND = re.compile(r"[城域级委直属乡镇区里内外情]")
_PLACE_AFTER = re.compile(r"道路|境内|辖区|全境|范围|各乡镇|城乡")
# a place named next to these words is mentioned on purpose (cooperation, neighbours, roads)
DELIBERATE = re.compile(r"对口|帮扶|支援|援建|协作|交界|毗邻|相邻|接壤|周边|邻近|结对|联合|联动|跨区域|跨县|途经|连接")


@dataclass(frozen=True)
class County:
    name: str
    province: str
    prefecture: str

    @property
    def short(self) -> str:
        m = _AUTONOMOUS.match(self.name)
        if m:
            return m.group("core")
        return self.name[:-1] if self.name[-1] in "县区市旗" else self.name

    @property
    def where(self) -> str:
        pref = "" if self.prefecture in (self.province, "省直辖县级行政区划", "自治区直辖县级行政区划") else self.prefecture
        return f"{self.province}{pref}"


class Places:
    """County-level divisions (templates/places/county-divisions.csv) and the searches over them."""

    def __init__(self, path: Path):
        counties = []
        with open(path, encoding="utf-8-sig", newline="") as fh:
            lines = (line for line in fh if not line.startswith("#"))
            for row in csv.DictReader(lines):
                name = (row.get("县") or "").strip()
                if name:
                    counties.append(County(name, (row.get("省") or "").strip(), (row.get("市") or "").strip()))
        self.counties = counties
        self.by_name: dict[str, list[County]] = {}
        self.by_short: dict[str, list[County]] = {}
        for c in counties:
            self.by_name.setdefault(c.name, []).append(c)
            if len(c.short) >= 2:
                self.by_short.setdefault(c.short, []).append(c)
        self._full_lengths = sorted({len(n) for n in self.by_name}, reverse=True)
        self._short_lengths = sorted({len(n) for n in self.by_short}, reverse=True)
        ending: dict[str, set[int]] = {}  # last character -> lengths of the short forms ending in it
        for n in self.by_short:
            ending.setdefault(n[-1], set()).add(len(n))
        self._short_ending = {ch: sorted(ls, reverse=True) for ch, ls in ending.items()}
        self._last = re.compile(f"[{re.escape(''.join({n[-1] for n in self.by_name}))}]")

    def find_full(self, text: str) -> list[tuple[int, int, str]]:
        """Full county names in the text, longest first and not overlapping. A full name ends in
        县/区/市/旗, so only the few places where such a character stands are looked at."""
        found = []
        for m in self._last.finditer(text):
            end = m.end()
            for n in self._full_lengths:
                if n <= end and text[end - n:end] in self.by_name:
                    found.append((end - n, end, text[end - n:end]))
                    break
        return _no_overlap(found)

    def short_before(self, text: str, end: int) -> tuple[int, int, str] | None:
        """The longest short form (顺平) ending at ``end``."""
        if end <= 0:
            return None
        for n in self._short_ending.get(text[end - 1], ()):
            if n <= end and text[end - n:end] in self.by_short:
                return end - n, end, text[end - n:end]
        return None

    def short_after(self, text: str, start: int) -> tuple[int, int, str] | None:
        """The longest short form starting at ``start``."""
        for n in self._short_lengths:
            if text[start:start + n] in self.by_short and start + n <= len(text):
                return start, start + n, text[start:start + n]
        return None


def _no_overlap(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for sp in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if not out or sp[0] >= out[-1][1]:
            out.append(sp)
    return out


_PLACES: dict[str, Places] = {}


def places(ctx) -> Places | None:
    from ...resources import templates_dir

    rel = getattr(ctx.profile, "places", "") or ""
    memo = (str(ctx.profile.directory), rel)  # resolve the path once per profile, not per unit
    if memo in _PLACES:
        return _PLACES[memo]
    path = (ctx.profile.directory / rel) if rel else templates_dir() / "places" / "county-divisions.csv"
    path = path.resolve()
    key = str(path)
    if key not in _PLACES:
        if not path.is_file():
            return None
        _PLACES[key] = Places(path)
    _PLACES[memo] = _PLACES[key]
    return _PLACES[key]


def _region_short(name: str) -> str:
    s = _PROVINCE_SUFFIX.sub("", name)
    return s if len(s) >= 2 else name


def own_county(ctx, pl: Places) -> County | None:
    """The unit's county: the longest county name in the unit's name (曲阳县公安局… → 曲阳县); among
    equal names, the one whose province or prefecture the name also mentions, else the profile's
    province."""
    names = [ctx.budget.unit_name or "", str(((ctx.supplement or {}).get("unit") or {}).get("name") or "")]
    text = "".join(names)
    found = [f[2] for n in names for f in pl.find_full(n)]
    cands: list[County] = []
    if found:
        cands = pl.by_name[max(found, key=len)]
    else:
        shorts = [f[2] for f in (pl.short_after(n, 0) for n in names) if f]
        if shorts:
            cands = pl.by_short[max(shorts, key=len)]
    if not cands:
        return None
    province_hint = _region_short(re.split(r"部门|预算|公开|（|\(", ctx.profile.name or "")[0])

    def score(c: County) -> tuple:
        return (_region_short(c.prefecture) in text or c.prefecture in text, _region_short(c.province) in text,
                bool(province_hint) and (province_hint in c.province or _region_short(c.province) in province_hint))

    return max(cands, key=score)


_OPEN_QUOTES = "“\"「『‘'"
_OPEN_QUOTES_RE = re.compile("[" + re.escape("".join(_OPEN_QUOTES)) + "]")


@register
class W103(Rule):
    """情况说明中出现其他县（市、区）的名称，多半是照抄其他单位的材料后未改。

    由单位名称确定本单位所在县（最长匹配县级区划表：曲阳县公安局交通管理大队 → 河北省保定市曲阳县），
    再在情况说明各部分查找其他县级区划的名称：全称（顺平县）任何位置都算；简称（去掉县、区、市、旗，
    至少两字，如“顺平”）只在后接机构用语（交警、公安、政府、财政、人民、交通、法院、教育、医院……）或
    位于引号开头时才算。一字县名（唐县、涉县、和县）须后接机构用语、前有其所属市名，或单独成词（前为
    标点或“在、到、赴、与、负责”等，后面不是县城、县域、县级、县委之类）；简称与常用词相同的
    （平安、和平、新华、城关……）须后接机构用语或前有所属市名；城区、郊区、矿区不算。本县及其所属市、
    省的名称和本县名称中的字串不算；同一句中写明对口帮扶、协作、交界等时不报。
    单位名称中找不到县级区划（市级、省级单位）时不检查。

    失败示例：曲阳县公安局交通管理大队的文字写“进一步完善“顺平交警”微信公众号”。
    通过示例：文字只提到曲阳县、保定市、河北省，或写“曲阳交警”。
    """
    code, title, severity, group = "W103", "文字中出现其他地方的名称", "error", "文字"

    def check(self, ctx):
        pl = places(ctx)
        if pl is None:
            return
        own = own_county(ctx, pl)
        if own is None:
            return
        own_words = {own.name, own.short, own.prefecture, _region_short(own.prefecture), own.province,
                     _region_short(own.province)}
        own_text = "".join(own_words) + (ctx.budget.unit_name or "")

        def skip(name: str) -> bool:
            return name in own_words or name in own_text

        for sec in sections(ctx):
            t = sec.text
            hits: dict[str, list[tuple[int, int, str, County]]] = {}
            full = pl.find_full(t)
            covered = [(f[0], f[1]) for f in full]
            for start, end, name in full:
                if skip(name):
                    continue
                if name in COMMON_SHORT:
                    continue  # 城区, 郊区, 矿区: everyday words first
                county = self._pick(pl.by_name[name], own)
                named = bool(INSTITUTION.match(t, end)) or \
                    _region_short(county.prefecture) in t[max(0, start - 6):start]
                if county.short in COMMON_SHORT and not named:
                    continue  # 和平区, 城关区: only as an institution's or a prefecture's place
                alone = (_WORD_START.search(t[max(0, start - 1):start])
                         and not _COUNTY_COMPOUND.match(t, end)) or _PLACE_AFTER.match(t, end)
                if len(name) <= 2 and not named and not alone:
                    continue  # 唐县 alone, not 贡献县域, 新县城, 市和县两级
                if self._deliberate(t, start):
                    continue
                hits.setdefault(county.name, []).append((start, end, name, county))
            shorts = [pl.short_before(t, m.start()) for m in INSTITUTION.finditer(t)]
            shorts += [pl.short_after(t, q.end()) for q in _OPEN_QUOTES_RE.finditer(t)]
            for start, end, name in _no_overlap([x for x in shorts if x]):
                if any(s <= start < e for s, e in covered):
                    continue
                if name in COMMON_SHORT or skip(name):
                    continue
                if self._deliberate(t, start):
                    continue
                county = self._pick(pl.by_short[name], own)
                inst = INSTITUTION.match(t, end)
                form = t[start:inst.end()] if inst else name
                hits.setdefault(county.name, []).append((start, end, form, county))
            for name, found in hits.items():
                county = found[0][3]
                s, e = found[0][0], found[0][1]
                forms = "、".join(dict.fromkeys(f"“{x[2]}”" for x in found))
                times = f"{len(found)} 处" if len(found) > 1 else "1 处"
                yield ctx.finding(
                    self, f"{sec.title}：出现其他地方的名称 {forms}（{county.where}{county.name}，共 {times}，如"
                          f"“{excerpt(sec, s, e, 10)}”），而本单位属{own.where}{own.name}：可能是照抄其他单位材料后"
                          f"未改，请核对", expected=own.name, actual=county.name, **where(ctx, sec.key, sec.title))

    @staticmethod
    def _pick(cands: list[County], own: County) -> County:
        return max(cands, key=lambda c: (c.prefecture == own.prefecture, c.province == own.province))

    @staticmethod
    def _deliberate(text: str, pos: int) -> bool:
        s = max(text.rfind(b, 0, pos) for b in "。；;！？!?\n") + 1
        ends = [i for i in (text.find(b, pos) for b in "。；;！？!?\n") if i >= 0]
        return bool(DELIBERATE.search(text[s:min(ends) if ends else len(text)]))


# ------------------------------------------------------------------------------------------ W104
# a whole and the parts its change splits into (the parts must all be stated): the profile's
# [[roles.partitions]]; labels that mean the same figure (same_as) count as one


def _text_tolerance(*amounts: Stated) -> Decimal:
    """Text against text: figures stated to 0.01 must agree exactly; a figure stated with fewer
    decimals may be off by half a unit of its last digit."""
    return sum((a.half for a in amounts if a.half > Decimal("0.005")), ZERO)


def _signed(v: Decimal) -> str:
    return f"+{num(v)}" if v > 0 else (f"−{num(-v)}" if v < 0 else num(v))


def _direction(sign: int) -> str:
    return "增加" if sign > 0 else "减少"


@register
class W104(Rule):
    """情况说明中“比上年增减”的数自相矛盾：各部分增减之和不等于总的增减，或与文字写明的本年数、上年数不符。

    在每一部分文字中找出“较（比、与）上年……增加/减少 X 万元”及其主语（收支总计、基本支出、项目支出、
    “三公”经费及其各项……）。总额的增减应等于各部分增减之和（收支总计 = 基本支出 + 项目支出，
    “三公”经费 = 因公出国（境）费 + 公务用车购置及运维费 + 公务接待费，公务用车购置及运维费 = 购置费 +
    运行维护费，基本支出 = 人员经费 + 公用经费），各部分都写出时才核对；收支总计只在单位没有经营支出、
    上解上级、对附属单位补助和年终结转结余时按基本 + 项目核对。同一句写明本年数 X 和上年数 P 时，
    增减应为 X − P，“增加”对应正数、“减少”对应负数。文字中的数都写到 0.01 时须完全相等。

    失败示例：“较2023年预算减少14.00万元，其中：基本支出增加16.22万元……项目支出减少20.22万元”
    （16.22 − 20.22 = −4.00）。
    通过示例：“较2023年预算减少14.00万元，其中：基本支出增加16.22万元……项目支出减少30.22万元”。
    """
    code, title, severity, group = "W104", "文字中的增减数自相矛盾", "error", "文字"
    roles = ("labels", "partitions")

    def check(self, ctx):
        for sec in sections(ctx):
            yield from self._parts(ctx, sec)
            yield from self._against_stated(ctx, sec)

    def _parts(self, ctx, sec: Section):
        roles = ctx.profile.roles
        first: dict[str, Stated] = {}
        for a in changes(sec):
            if a.subject and a.sign is not None:
                first.setdefault(roles.canonical(a.subject), a)
        for part in roles.partitions:
            whole, parts = part.whole, part.parts
            if whole not in first or not all(p in first for p in parts):
                continue
            if part.unless and ctx.budget.evaluate(roles.figure(part.unless).node) != 0:
                continue
            w = first[whole]
            ps = [first[p] for p in parts]
            total = sum((p.signed for p in ps), ZERO)
            tol = _text_tolerance(w, *ps)
            if abs(total - w.signed) <= tol:
                continue
            terms = " ".join(f"{label_name(roles, p)} {_signed(x.signed)}" for p, x in zip(parts, ps))
            yield ctx.finding(
                self, f"{sec.title}：{label_name(roles, whole)}比上年{_direction(w.sign)} {num(w.value)} 万元"
                      f"（{_signed(w.signed)}），而各部分增减之和 {terms} = {_signed(total)}，相差 "
                      f"{num(total - w.signed)} 万元（容差 {num(tol)} 万元）",
                expected=total, actual=w.signed, tolerance=tol, **where(ctx, sec.key, sec.title))

    def _against_stated(self, ctx, sec: Section):
        year = ctx.budget.year
        same = ctx.profile.roles.canonical
        for ch in changes(sec):
            if ch.subject is None:
                continue
            subject = same(ch.subject)
            same_sentence = [a for a in sec.amounts if a.sentence == ch.sentence and a is not ch]
            current = [a for a in same_sentence if a.kind == "plain" and a.label and
                       same(a.label) == subject and not _other_year(a, year) and a.start < ch.start]
            prior = [a for a in same_sentence if a.start < ch.start and a not in current and
                     (a.kind == "compared" or (a.kind == "plain" and a.year is not None and a.year.year == year - 1
                                              and (a.label is None or same(a.label) == subject)))]
            if len(current) != 1 or len(prior) != 1:
                continue
            x, p = current[0], prior[0]
            computed = x.value - p.value
            tol = _text_tolerance(x, p, ch)
            if ch.sign is not None and computed * ch.sign < 0 and abs(computed) > tol:
                msg = (f"文字说“{_direction(ch.sign)}”，而本年 {num(x.value)} − 上年 {num(p.value)} = "
                       f"{_signed(computed)}，实为{_direction(-ch.sign)}")
            elif ch.sign is not None and abs(computed - ch.signed) > tol:
                msg = (f"{_direction(ch.sign)} {num(ch.value)} 万元，而本年 {num(x.value)} − 上年 {num(p.value)} = "
                       f"{_signed(computed)}，相差 {num(computed - ch.signed)} 万元（容差 {num(tol)} 万元）")
            else:
                continue
            yield ctx.finding(self, f"{sec.title}：{label_name(ctx.profile.roles, subject)}“{excerpt(sec, x.start, ch.end)}”："
                                    f"{msg}", expected=computed, actual=ch.signed, tolerance=tol,
                              **where(ctx, sec.key, sec.title))


# ------------------------------------------------------------------------------------------ A103
# government procurement catalogue (政府采购品目分类目录, 2022) classes; which of them are fixed
# assets is the profile's: parts.toml [assets.print] purchase_catalogs (the renderer uses the same)
CATALOG_NAMES = {"A01": "房屋和构筑物", "A02": "设备", "A03": "文物和陈列品", "A04": "图书和档案", "A05": "家具和用具",
                 "A06": "特种动植物", "A07": "物资", "A08": "无形资产"}
PLANNED_RE = re.compile(r"(?:拟|计划|预计|准备|新)?(?:购置|购买|采购|新增|配置)(?:的)?(?:各类|各项)?固定资产"
                        r"(?P<gap>[^。；;\d]{0,16}?)$")


def fixed_asset_classes(profile) -> tuple[str, ...]:
    declared = ((profile.parts.get("assets") or {}).get("print") or {}).get("purchase_catalogs")
    return tuple(str(c).upper() for c in declared or ())


@register
class A103(Rule):
    """情况说明中“本年度拟购置固定资产总额”与政府采购预算中固定资产类采购合计不符。

    固定资产类采购指政府采购品目分类目录（2022 年版，大类与《固定资产等资产基础分类与代码》
    GB/T 14885-2022 一致）中属于固定资产的大类：默认 A01 房屋和构筑物、A02 设备、A03 文物和陈列品、
    A05 家具和用具——它们按规定登记为固定资产；A04 图书和档案在部门预算中多是资料印刷、订阅（如“其他
    资料”），A07 物资是耗材，A08 无形资产不是固定资产，均不计入。表样可在 parts.toml 的
    [assets.print] purchase_catalogs 中另行规定（生成文字时用同一规定）。文字数小于采购中的固定资产合计是错误；
    文字数更大时，若文字说“已列入政府采购预算”也是错误，否则是警告（可能有不属政府采购的购置）。
    没有政府采购明细时不检查。容差 0.005 万元（文字少写小数位时为末位的半个单位）。

    失败示例：“本年度拟购置固定资产总额为0.00万元，已按要求列入政府采购预算”，而政府采购预算中有台式计算机
    （A02010105）1.88、其他存储设备（A02010599）44.28、其他办公设备（A02029900）0.62，合计 46.78。
    通过示例：“本年度拟购置固定资产总额为46.78万元”，与上述三项之和相等。
    """
    code, title, severity, group = "A103", "拟购置固定资产与政府采购预算不符", "error", "资产"

    @classmethod
    def not_applicable(cls, profile) -> str | None:
        if not fixed_asset_classes(profile):
            return "表样的 parts.toml 没有规定固定资产类采购品目（[assets.print] purchase_catalogs）"
        return None

    def check(self, ctx):
        lines = (ctx.supplement or {}).get("procurement") or []
        if not lines:
            return
        classes = fixed_asset_classes(ctx.profile)
        items = []
        for rec in lines:
            cat = "".join(str(rec.get("catalog") or "").split()).upper()
            if cat.startswith(classes):
                items.append((rec, procurement_total(ctx.profile, rec)))
        bought = sum((v for _, v in items), ZERO)
        year = ctx.budget.year
        for sec in sections(ctx):
            for a in sec.amounts:
                if a.kind != "plain" or _other_year(a, year):
                    continue
                head = sec.text[a.clause[0]:a.start]
                if not PLANNED_RE.search(head):
                    continue
                if abs(a.value - bought) <= a.tolerance:
                    continue
                listed = "、".join(f"{r.get('item') or '（未写名称）'}（{r.get('catalog')}）{fmt(v)}" for r, v in items)
                kinds = "、".join(f"{c} {CATALOG_NAMES.get(c[:3], '')}".strip() for c in classes)
                detail = f"：{listed}" if items else f"（没有 {kinds} 类货物）"
                claims = "列入政府采购" in sec.text
                severity = "error" if a.value < bought or claims else "warning"
                extra = "" if a.value < bought else "；文字数更大，若另有不属政府采购的购置请在文字中说明"
                yield ctx.finding(
                    self, f"{sec.title}：文字“{excerpt(sec, a.start, a.end)}”写拟购置固定资产 {num(a.value)} 万元，而政府"
                          f"采购预算中固定资产类（{kinds}）"
                          f"采购合计 {fmt(bought)} 万元{detail}；相差 {num(a.value - bought)} 万元（容差 "
                          f"{num(a.tolerance)} 万元）{extra}",
                    expected=bought, actual=a.value, tolerance=a.tolerance, severity=severity,
                    **where(ctx, sec.key, sec.title))

