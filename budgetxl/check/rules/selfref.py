"""文字: the document against itself — a table the text refers to that the document does not print,
subordinate units the text speaks of while the 机构设置 says there are none, 单位 wording in a
部门 document, plans dated in a year already past, a table title without the year prefix the
other titles carry, and money attributed to a kind of unit the document's own 名词解释 leaves out.

Like the other text rules these read the narrative as :func:`budgetxl.check.narrative_items.passages`
gives it; the printed tables (their titles, notes and first-row texts) come from a published
document (``supplement["table_notes"]``, made by :func:`budgetxl.check.narrative_items.from_document`),
so the rules about what the document prints run on published documents only: an entry workbook or
facts CSV is not yet a printed document. The words are the language of budget documents in general
(详见, 拟, 所属单位, 本部门); nothing here names a province or a profile's table.
"""

from __future__ import annotations

import re

from ..narrative_items import clean, excerpt, matches, passages
from ..registry import Rule, register
from .hygiene import edition


def _printed(ctx) -> list[dict]:
    """The printed tables of a published document: title, notes, first-row texts, place."""
    out = []
    for t in (ctx.supplement or {}).get("table_notes") or []:
        if isinstance(t, dict):
            out.append({"title": clean(str(t.get("title") or "")), "notes": [clean(str(n)) for n in t.get("notes") or []],
                        "heads": [clean(str(h)) for h in t.get("heads") or []], "place": str(t.get("place") or "")})
    return out


def _others(items: list[tuple], limit: int = 5, after: int = 0) -> str:
    """"；另有 N 处：…" for a finding that names every place of one cause (each quoted with ``after``
    characters of what follows)."""
    if len(items) <= 1:
        return ""
    return f"；另有 {len(items) - 1} 处：" + "、".join(f"{p.place}“{p.text[m.start():m.end() + after]}”"
                                                     for p, m in items[1:limit + 1])


# ------------------------------------------------------------------------------------------ W310
# "详见单位的项目绩效目标表", "具体见附表《…表》", "参见政府采购预算表": a named table (not 下表/上表/本表)
_REF_RE = re.compile(r"(?:详见|具体见|参见|请见|(?<![意听看预遇发再常可罕])见)(?:附件|附表)?[《“]?(?P<ref>[^，。；：:、（）()《》“”\s]{2,30}?表)(?![格示达述明])")
_REF_VAGUE = re.compile(r"^(?:[下上前后左右本此该附各第]|如下|以下|以上|下列|附件|所附)")
# what names no one table: the whole set or a kind of form ("详见部门预算公开表", "见各单位预算表")
_REF_GENERIC = {"预算", "决算", "公开", "预算公开", "决算公开", "报", "统计", "明细", "汇总", "附"}
# words that say whose or which edition a table is, not which table: left out before comparing
_REF_LEAD = re.compile(r"^(?:单位的|部门的|本部门的?|本单位的?|各单位的?|各部门的?|所属单位的?|相关的?|有关的?|具体的?|公开的?)+")
_REF_WORDS = re.compile(r"(?:19|20)\d{2}年度?|预算单位|部门|单位|的")


def _named(ref: str) -> str:
    """The table a reference names, without whose it is (单位的项目绩效目标表 → 项目绩效目标表)."""
    return _REF_LEAD.sub("", ref) or ref


def _core(name: str) -> str:
    """What names the table in a reference or a title: without its edition words, year and 表."""
    return _REF_WORDS.sub("", re.sub(r"表$", "", _named(name)))


def _names_it(core: str, line: str) -> bool:
    """Whether a printed line names the table of ``core``: its characters in order, with at most
    three others between two of them (项目绩效目标 in 财政项目支出绩效目标填报表)."""
    rx = "[^，。；]{0,3}".join(map(re.escape, core))
    return re.search(rx, _REF_WORDS.sub("", line)) is not None


@register
class W310(Rule):
    """文字说“详见……表”，文件中却没有印这张表（多半是照抄了别的文件或模板）。

    按表名比对文件印出的每张表的标题、表内首行的文字（如表头里的“财政项目支出绩效目标填报表”）、
    目录和各级标题，不计“部门/单位/年份”之类的字；表名是表样的一张表（按表样的标题及其变体）且
    文件中读到了这张表的，也算印了；“详见下表”“见附表”这类不指名的说法不查。
    只对公开的文件检查（填报模板和数据文件还不是印出的文件），且只在表样的表都读到、没有只印成图片的
    页时检查（缺表时已有 V05；读到的不全就说不清文件印了什么）。同一张表报一次，列出各处。

    失败示例：部门预算“七、绩效目标”写“详见单位的项目绩效目标表”，全文没有项目绩效目标表。
    通过示例：文字写“详见项目绩效目标表”，文件后附“财政项目支出绩效目标填报表”。
    """
    code, title, severity, group = "W310", "文字引用的表文件中没有", "warning", "文字"
    says_absent = True

    def check(self, ctx):
        tables = _printed(ctx)
        if not tables or ctx.budget.absent:
            return  # a partial reading (V05) cannot tell what is not printed (image pages: says_absent)
        ps = passages(ctx)
        refs: dict[str, list] = {}
        for p in ps:
            for m in matches(_REF_RE, p.text):
                name = m.group("ref")
                if _REF_VAGUE.match(name):
                    continue
                core = _core(name)
                if len(core) >= 2 and core not in _REF_GENERIC:
                    refs.setdefault(core, []).append((p, m))
        if not refs:
            return
        lines = [x for t in tables for x in (t["title"], *t["heads"], *t["notes"]) if x]
        lines += [p.text for p in ps if len(p.text) <= 60 or p.heading]
        from ...published.mapping import match_table

        for core, hits in refs.items():
            if any(_names_it(core, x) for x in lines if not _REF_RE.search(x)):
                continue
            if match_table(_named(hits[0][1].group("ref")), ctx.profile) is not None:  # a profile table: read
                continue
            p, m = hits[0]
            name = _named(m.group("ref"))
            yield ctx.finding(self, f"{p.place}：文字写“{excerpt(p.text, m.start(), m.end())}”，文件中却没有印“{name}”"
                                    f"（按表名比对了文件的 {len(tables)} 张表的标题、表头和目录）{_others(hits)}",
                              expected=f"印出“{name}”或删去引用", actual=m.group(0), **p.where())


# ------------------------------------------------------------------------------------------ W311
# the department says it has no subordinate units ("本部门以及下属0家预算单位", "无下属单位")
_NO_SUB_RE = re.compile(r"(?:下属|所属)(?:的)?(?:预算单位|二级单位|单位)?(?:共|为|有)?\s*[0零]\s*(?:家|个)|"
                        r"(?:无|没有)(?:下属|所属)(?:的)?(?:预算)?单位")
# what says the department does have more than itself: its units counted ("行政单位1家，事业单位1家") or
# a subordinate unit whose budget is merged into its own ("下属事业单位…不单列预算")
_UNIT_COUNT_RE = re.compile(r"(?:行政单位|事业单位|参公单位|机关)\s*(?P<n>\d+)\s*(?:家|个)")
_MERGED_RE = re.compile(r"不单列预算|并入本部|并入本级|纳入本部|纳入本级")
# and, speaking of itself, of its subordinate units ("局本级及所属单位", "本部门下属单位", "（含所属单位）");
# the generic definitions of 名词解释 ("预算主管部门及所属预算单位") are not about this department
_SUB_RE = re.compile(r"(?:本级|本部|本部门|本单位|我[局委办厅院部署处所站队])(?:的)?(?:及|和|与|以及|、|及其|和其)?"
                     r"(?:其)?(?:所属|下属)(?:各)?(?:行政|事业|预算|二级)?(?:单位)|"
                     r"[（(]含(?:所属|下属)(?:各)?(?:事业|预算)?单位[）)]")


@register
class W311(Rule):
    """文字说到“所属单位”“下属单位”，而机构设置说本部门没有下属单位（“下属0家预算单位”“无下属单位”）。

    只算说自己的用法（“局本级及所属单位”“本部门下属单位”“（含所属单位）”）；名词解释里泛指的
    “预算主管部门及所属预算单位”不算。机构设置紧接着数出不止一家单位（“行政单位1家，事业单位1家”），
    或说下属单位“不单列预算”、并入本级的，所属单位确实存在，不报。同一原因报一次，列出各处。

    失败示例：机构设置“财政局部门预算包括财政局本部以及下属0家预算单位”，编制说明却写“主要用于局本级及所属单位人员经费”。
    通过示例：机构设置“包括本部以及下属1家事业单位”，编制说明写“主要用于局本级及所属单位人员经费”。
    """
    code, title, severity, group = "W311", "文字说到的下属单位与机构设置不符", "warning", "文字"

    def check(self, ctx):
        ps = passages(ctx)
        none = next(((p, m) for p in ps for m in matches(_NO_SUB_RE, p.text)), None)
        if none is None or any(_MERGED_RE.search(p.text) for p in ps):
            return
        near = ps[ps.index(none[0]):ps.index(none[0]) + 4]  # the 机构设置 lines that count its units
        if sum(int(m.group("n")) for p in near for m in _UNIT_COUNT_RE.finditer(p.text)) > 1:
            return
        hits = []
        for p in ps:
            if p is none[0]:
                continue
            m = next(iter(matches(_SUB_RE, p.text)), None)
            if m is not None:
                hits.append((p, m))
        if hits:
            p, m = hits[0]
            q, n = none
            yield ctx.finding(self, f"{p.place}：文字写“{excerpt(p.text, m.start(), m.end())}”，而{q.place}"
                                    f"“{excerpt(q.text, n.start(), n.end())}”说没有下属单位{_others(hits)}",
                              expected=n.group(0), actual=m.group(0), **p.where())


# ------------------------------------------------------------------------------------------ W312
_UNIT_SELF_RE = re.compile(r"本单位(?=[^，。；]{0,12}?(?:预算|决算|编报|共有|政府采购|面向|无))")


@register
class W312(Rule):
    """部门预算的文字大多说“本部门”，个别地方却说“本单位……预算”：多半是照抄了单位预算的文本
    （W305 的反方向）。

    只在文件的标题行或表名写明是“部门预算”、且全文说“本部门”比说“本单位”多时检查，只报少数的
    “本单位”说自己的用法（“本单位政府采购预算”“本单位编报绩效目标的项目”）；全文都说“本单位”的
    部门预算（汇总单位文本的写法）不报。同一原因报一次，列出各处。

    失败示例：部门预算写“本部门无公务用车”，政府采购一节却写“2025年度本单位政府采购预算117.00万元”。
    通过示例：部门预算各处都写“本部门”：“2025年度本部门政府采购预算117.00万元”。
    """
    code, title, severity, group = "W312", "部门预算中用了单位的说法", "warning", "文字"

    def check(self, ctx):
        if edition(ctx) != "部门":
            return
        ps = passages(ctx)
        dept = sum(p.text.count("本部门") for p in ps)
        unit = sum(p.text.count("本单位") for p in ps)
        if not unit or dept <= unit:
            return
        first = [(p, m[0]) for p in ps for m in [matches(_UNIT_SELF_RE, p.text)] if m]  # one place per paragraph
        if first:
            p, m = first[0]
            yield ctx.finding(self, f"{p.place}：部门预算中写“{excerpt(p.text, m.start(), m.end() + 8)}”，"
                                    f"“本单位”是单位预算的说法（全文说“本部门”{dept} 处、“本单位”{unit} 处）{_others(first, after=8)}",
                              expected="本部门", actual="本单位", **p.where())


# ------------------------------------------------------------------------------------------ W313
# a plan ("拟从2020年起", "计划于2023年完成", "将于2022年底") — the year is when it is to happen
_PLAN_RE = re.compile(r"(?<![原曾已按照据])(?:拟|计划|预计|准备|打算|将)(?:于|从|自|在)(?P<y>(?:19|20)\d{2})\s*年|"
                      r"(?<![原曾已])拟(?P<y2>(?:19|20)\d{2})\s*年")


@register
class W313(Rule):
    """计划、打算的说法配了预算年度以前的年份（2025年预算写“拟从2020年起……”）：年份可能是旧文本未更新。

    预算在上一年编制，说上一年的计划（2025年预算写“预计于2024年底完成”）是编制时的说法，不报；
    早两年以上的才报。只查“拟、计划、预计、准备、将”紧接“于/从/自/在”和年份（或“拟2020年”）的说法；“原计划于……”
    “已于……”说的是过去，不查。

    失败示例：2025年部门预算的项目经费情况说明写“拟从2020年起，由我局申请400.00万元以上基本建设项目……评审经费”。
    通过示例：2025年部门预算写“拟从2025年起……”；“原计划于2023年完成”。
    """
    code, title, severity, group = "W313", "计划用语配了过去的年份", "warning", "文字"

    def check(self, ctx):
        year = ctx.budget.year
        if not year:
            return
        for p in passages(ctx):
            for m in matches(_PLAN_RE, p.text):
                y = int(m.group("y") or m.group("y2"))
                if y < year - 1:
                    yield ctx.finding(self, f"{p.place}：{year}年预算写“{excerpt(p.text, m.start(), m.end() + 2)}”，"
                                            f"计划的年份 {y} 年比预算年度早 {year - y} 年，年份可能是旧文本未更新",
                                      expected=f"{year - 1}年或以后", actual=f"{y}年", **p.where())
                    break


# ------------------------------------------------------------------------------------------ W314
_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年")


@register
class W314(Rule):
    """表样的表印出的标题中，大多数带着年份（“2024年部门收入预算总表”），个别一张却没有
    （“部门“三公”经费和机关运行经费预算表”）：标题漏了年份。

    只比较按标题认得出的表样的表（附加的项目表、采购表等不算），且至少三张带年份时才查；
    目录里同样漏了年份的一并说明。

    失败示例：2024年部门预算九张表中八张标题为“2024年部门…”，第9张印作“部门“三公”经费和机关运行经费预算表”。
    通过示例：九张表的标题都是“2024年部门…”；或都不带年份（决算表“收入支出决算总表”）。
    """
    code, title, severity, group = "W314", "表名缺少年份", "warning", "文字"

    def check(self, ctx):
        from ...published.mapping import match_table

        tables = [t for t in _printed(ctx) if t["title"] and match_table(t["title"], ctx.profile) is not None]
        dated = [t for t in tables if _YEAR_RE.search(t["title"])]
        bare = [t for t in tables if not _YEAR_RE.search(t["title"])]
        if len(dated) < 3 or not bare or len(bare) >= len(dated):
            return
        years = sorted({_YEAR_RE.search(t["title"]).group(0).replace(" ", "") for t in dated})
        ps = passages(ctx)
        for t in bare:
            also = ""
            for p in ps:  # the 目录 line of the same table (leader dots), when it also lacks the year
                i = p.text.find(t["title"]) if "…" in p.text or "···" in p.text else -1
                if i >= 0 and not _YEAR_RE.search(p.text[max(0, i - 8):i]):
                    also = f"；{p.place}目录中也写作“{excerpt(p.text, i, i + len(t['title']), 4).rstrip('.…·')}”"
                    break
            loc = {"table": t["title"], "extra": {"place": t["place"]}} if t["place"] else {"table": t["title"]}
            yield ctx.finding(self, f"{t['place']}表名“{t['title']}”没有年份，其他 {len(dated)} 张表的标题都带"
                                    f"“{'、'.join(years)}”{also}", expected=f"{years[0]}{t['title']}",
                              actual=t["title"], **loc)


# ------------------------------------------------------------------------------------------ W315
# the kinds of unit budget documents speak of. Order matters: a 参公 unit is a 事业单位 by name
# (参照公务员法管理的事业单位), and 行政事业单位 / 机关事业单位 name both kinds at once.
_KINDS = (
    ("参公", r"(?:参照|实行|依照|按照)公务员法?管理的?(?:事业)?单位|参公(?:事业)?单位|参公管理(?:的)?事业单位"),
    ("行政事业", r"(?:行政|机关)事业单位(?!养老|医疗|基本养老|职业年金)"),
    ("行政", r"行政单位|行政机关|(?<=[\d一二三四五六七八九十两]家)机关|(?<=[\d一二三四五六七八九十两]个)机关"),
    ("事业", r"事业单位"),
)
_KIND_RE = re.compile("|".join(f"(?P<k{i}>{rx})" for i, (_, rx) in enumerate(_KINDS)))
_KIND_WORDS = {"参公": "参照公务员法管理的事业单位", "行政": "行政单位", "事业": "事业单位"}
# a 名词解释 entry: "（八）机关运行经费：指行政单位和参照公务员法管理的事业单位使用……"
_DEF_RE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十\d]{1,3}[、.．])?[、\s]*"
                     r"[“\"]?(?P<term>[\u4e00-\u9fff“”\"（）()]{2,16}?)[”\"]?[：:]\s*(?:是指|指|是|即|系)?"
                     r"(?:为保障|为保证|为)?(?P<subject>[^，。；]*)")
# what may stand between the kinds a definition's subject names ("行政单位和参照公务员法管理的事业单位",
# "行政单位（含参照公务员法管理的事业单位）") before what the money is for
_JOIN = r"(?:和|及|以及|与|、|或|[（(]|[）)]|包括|含|其|各级|所属|下属|的)*"
_SUBJECT_END = re.compile(r"^(?:使用|取得|开展|运行|安排|在|用于|按|从|依法|发生|开支|支付|用)")
_NEGATED = re.compile(r"无|没有|不含|不包括|不属于|不涉及|除|以外|之外|不得")
_AMOUNT_AFTER = re.compile(r"^[^，。；]{0,12}?\d[\d,]*(?:\.\d+)?\s*(?:万元|元)")


def _kinds_in(text: str) -> list[tuple[str, re.Match]]:
    """The unit kinds a text names, in order (行政事业单位 counts as 行政 and 事业)."""
    out = []
    for m in _KIND_RE.finditer(text):
        kind = _KINDS[int(m.lastgroup[1:])][0]
        out += [(k, m) for k in (("行政", "事业") if kind == "行政事业" else (kind,))]
    return out


def definitions(ctx) -> dict[str, tuple]:
    """The document's own definitions that name the kinds of unit a term belongs to: term → (kinds,
    passage). Only a definition whose subject is nothing but unit kinds counts ("指行政单位和参照
    公务员法管理的事业单位使用……"); one that names them in passing ("指除事业收入以外的收入") does not."""
    out: dict[str, tuple] = {}
    for p in passages(ctx):
        m = _DEF_RE.match(p.text)
        if m is None:
            continue
        term = m.group("term").strip("“”\"")
        subject = m.group("subject")
        run = re.match(rf"(?:{_JOIN}(?:{_KIND_RE.pattern}))+{_JOIN}", subject)
        if run is None or not _SUBJECT_END.match(subject[run.end():]):
            continue
        kinds = {k for k, _ in _kinds_in(run.group(0))}
        if kinds and len(term) >= 2 and term not in out:
            out[term] = (kinds, p)
    return out


@register
class W315(Rule):
    """文字把一笔钱归给了文件自己的名词解释不包括的单位：名词解释说“机关运行经费：指行政单位和参照
    公务员法管理的事业单位使用……”，说明却写“下属1家机关和1家事业单位……的机关运行经费预算为……”——
    普通事业单位不在定义之内（参公事业单位才在）。

    只用文件自己印出的定义：定义的主语只由单位类别组成（行政单位、参照公务员法管理的事业单位/参公单位、
    事业单位，用“和、及、（含……）”连接）时才算；说明中同一句里、这笔钱之前写着单位类别（“1家事业单位”
    “行政事业单位”；“N家机关”算行政单位），且随后说了金额，才比较；句中说“无、不含、除……以外”的不算。
    同一名词报一次，列出各处。

    失败示例：名词解释“（八）机关运行经费：指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的
    基本支出中的日常公用经费支出。”，其他相关情况说明“2025年上海市普陀区人民政府办公室下属1家机关和1家事业单位
    财政拨款的机关运行经费预算为213.28万元。”
    通过示例：同一定义下写“2025年……（部门）下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为464.64万元”。

    是提示而不是警告：文字没说那家事业单位是不是参公单位，若是，只是说法不准确（宜写明“参公事业单位”）。
    """
    code, title, severity, group = "W315", "文字与文件自己的名词解释不符", "info", "文字"

    def check(self, ctx):
        defs = definitions(ctx)
        if not defs:
            return
        for term, (admitted, dp) in defs.items():
            hits = []
            for p in passages(ctx):
                if p is dp or p.heading:
                    continue
                for m in re.finditer(re.escape(term), p.text):
                    sentence_start = max(p.text.rfind(c, 0, m.start()) for c in "。；;：:，,") + 1
                    before = re.sub(r"“[^”]*”", "", p.text[sentence_start:m.start()])
                    if not _AMOUNT_AFTER.match(p.text[m.end():]) or _NEGATED.search(before):
                        continue
                    said = [(k, km) for k, km in _kinds_in(before) if k not in admitted]
                    if said:
                        hits.append((p, m, said))
                        break
            if not hits:
                continue
            p, m, said = hits[0]
            names = "、".join(dict.fromkeys(km.group(0) for _, km in said))
            allowed = "、".join(_KIND_WORDS[k] for k in ("行政", "参公", "事业") if k in admitted)
            more = f"；另有 {len(hits) - 1} 处：{'、'.join(q.place for q, _, _ in hits[1:6])}" if len(hits) > 1 else ""
            yield ctx.finding(self, f"{p.place}：文字写“{excerpt(p.text, m.start() - 20, m.end() + 8, 0)}”，把{term}归于"
                                    f"{names}；而{dp.place}名词解释说{term}是{allowed}的（“{excerpt(dp.text, 0, 40, 0)}”）；若所说的单位是参照公务员法管理的，宜照定义写明{more}",
                              expected=f"{term}只属于{allowed}", actual=names, **p.where())
