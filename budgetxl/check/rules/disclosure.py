"""文字: what the text must disclose about “三公”经费, as the profile's ``[disclosure]`` declares it —
each item's amount (W501), a 公务用车运行费 that needs vehicles the text says the unit does not have
(W502), the items' official names written one character off (W503), the topics the document
must cover (W504), the numbers (团组数, 批次, 车辆数) stated beside the items' amounts (W505) and
the parts of a 项目说明 that must state money (W506).

The items, their official names and the words a vehicle count is stated with are profile data
(``[[disclosure.details]]``, ``[disclosure.vehicles]``, ``[[disclosure.topics]]``, ``[[disclosure.counts]]``
in profile.toml); a profile that declares
none of them is not applicable to these rules.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ...money import fmt
from ...roles import Count, describe
from ..narrative_facts import CLAUSE_BREAKS, normalize, parse_section, stated_counts
from ..narrative_items import AMOUNT, NAME_VARIANTS, document_paragraphs, excerpt, passages
from ..registry import Rule, register


def _stated(ctx) -> dict[str, list[tuple[Decimal, object]]]:
    """Label id -> [(amount in 万元, passage)] of every amount the narrative states next to a label."""
    cached = getattr(ctx, "_disclosure_stated", None)
    ps = passages(ctx)
    if cached is not None and cached[0] is ps:
        return cached[1]
    out: dict[str, list] = {}
    for p in ps:
        if p.heading or not p.text:
            continue
        sec = parse_section(p.section, p.title, p.text, ctx.budget.year, ctx.profile.roles)
        for a in sec.amounts:
            if a.kind == "plain" and a.label is not None:
                out.setdefault(a.label, []).append((a.value, p))
    try:
        ctx._disclosure_stated = (ps, out)
    except AttributeError:
        pass
    return out


def _implied_zero(roles, label: str, stated) -> bool:
    """Whether a label is a part of a whole the text states as zero (公务用车购置及运行费0万元: its
    购置费 and 运行费 are zero too), through the profile's partitions."""
    for part in roles.partitions:
        if label in part.parts:
            if any(v == 0 for v, _ in stated.get(part.whole, ())) or _implied_zero(roles, part.whole, stated):
                return True
    return False


@register
class W501(Rule):
    """文字没有写出表样要求的“三公”经费明细：因公出国（境）费、公务接待费、公务用车购置及运行费（及其
    中的购置费、运行费），每项应写明金额。

    要写的明细由表样的 [[disclosure.details]] 规定（各项以其名目写在金额前，如“公务接待费25.40万元”）；
    上级项目写明为 0 时（“公务用车购置及运行费0万元”），其下的明细视为已说明。文件没有文字部分（只有表）
    时不检查。缺几项报一次，列出所缺各项。

    失败示例：“2025年“三公”经费预算数为346.30万元。其中：因公出国（境）费288.70万元；公务用车购置及运行费
    32.20万元。”——没有写公务接待费，也没有写公务用车购置费、运行费各多少。
    通过示例：“（一）因公出国（境）费288.70万元……（二）公务用车购置及运行费32.20万元……其中：公务用车购置费
    0.00万元……公务用车运行费32.20万元……（三）公务接待费25.40万元”。
    """
    code, title, severity, group = "W501", "文字缺少“三公”经费明细", "warning", "文字"
    says_absent = True
    roles = ("disclosure.details", "labels")

    def check(self, ctx):
        ps = [p for p in passages(ctx) if not p.heading and p.text]
        if not ps:
            return  # no text at all (a document of tables only): nothing to say it lacks
        roles = ctx.profile.roles
        stated = _stated(ctx)
        missing = [d for d in roles.disclosure.details
                   if d.label not in stated and not _implied_zero(roles, d.label, stated)]
        if not missing:
            return
        # placed at the paragraph that states the “三公” total, else the first one naming any item
        wholes = {p.whole for p in roles.partitions if any(d.label in p.parts for d in roles.disclosure.details)}
        at = next((p for lb in [*sorted(wholes), *(d.label for d in roles.disclosure.details)]
                   for _, p in stated.get(lb, ())), None)
        names = "、".join(d.name for d in missing)
        where = f"{at.place}：" if at is not None and at.place else ""
        loc = at.where() if at is not None else {"table": "情况说明"}
        yield ctx.finding(self, f"{where}文字没有写出“三公”经费的{len(missing)}项明细：{names}（表样要求写明"
                                f"{'、'.join(d.name for d in roles.disclosure.details)}各项的金额）",
                          expected=names, actual="（未写）", **loc)


def _asset_value(ctx, cell: tuple[str, str] | None):
    """The assets part's value at ``(row, field)``, None when the profile names no cell or the unit
    gave none."""
    if cell is None:
        return None
    row, col = cell
    return (((ctx.supplement or {}).get("assets") or {}).get("values") or {}).get(row, {}).get(col)


@register
class W502(Rule):
    """文字说单位没有公务用车（保有量 0 辆），却安排了公务用车运行费。

    车辆数从文字中读取（“共有车辆0辆”“车辆7辆”，购置、更新的车辆数不算；用哪些词写、量词是什么由表样的
    [disclosure.vehicles] 规定），表样规定了资产表的车辆数时也读资产表。文字各处写的保有量都为 0 而
    运行费大于 0 时报一次。

    失败示例：上海市财政局2025年单位预算写“截至2024年8月31日，上海市财政局共有车辆0辆”，而“三公”经费表
    公务用车运行费 32.20 万元。
    通过示例：“共有车辆0辆”，公务用车运行费 0 万元；或“共有车辆8辆”，运行费 21.56 万元。
    """
    code, title, severity, group = "W502", "没有公务用车却安排了运行费", "warning", "文字"
    roles = ("disclosure.vehicles",)

    def check(self, ctx):
        roles = ctx.profile.roles
        v = roles.disclosure.vehicles
        fig = roles.figure(v.figure)
        spending = ctx.figure(v.figure)
        if spending.is_nan() or spending <= 0:
            return
        held = []  # (count, passage or None, excerpt)
        if v.held:
            for p in passages(ctx):
                for start, end, n in stated_counts(p.text, v.held, v.measure, v.not_after):
                    held.append((n, p, excerpt(p.text, start, end)))
        q = _asset_value(ctx, v.asset)
        if q is not None:
            held.append((Decimal(q), None, None))
        if not held or any(n != 0 for n, _, _ in held):
            return
        unit = ctx.profile.figure_unit(fig.node)
        label = next((lb.name for lb in roles.labels.values() if v.figure in lb.figures), None)
        what = f"{label}（{describe(ctx.profile, fig)}）" if label else describe(ctx.profile, fig)
        n, p, text = next(((n, p, t) for n, p, t in held if p is not None), held[0])
        if p is not None:
            said, loc = f"{p.place}：文字写“{text}”（保有量 0 {v.measure}）", p.where()
        else:
            title = ((ctx.profile.parts or {}).get("assets") or {}).get("title") or "资产"
            said, loc = f"{title}的车辆数为 0", {"table": title}
        yield ctx.finding(self, f"{said}，而{what}为 {fmt(spending)} {unit}：没有公务用车却安排了运行费"
                                f"（若车辆由他处调用或租用，应在文字中说明）",
                          expected=f"0 {unit}", actual=f"{fmt(spending)} {unit}", **loc)


# ------------------------------------------------------------------------------------------ W503
def one_edit(a: str, b: str) -> bool:
    """Whether two different strings are one insertion, deletion or substitution apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _key(text: str) -> str:
    return text.translate(NAME_VARIANTS)  # bracket widths and 其它 folded, one character for one


def near_names(text: str, official: str, right: set[str], known: set[str] = frozenset()) -> list[tuple[int, int]]:
    """Spans of ``text`` one edit from ``official`` with the same first and last character (an edit
    at either end is the wording around the name, not a slip in it), that neither overlap a right
    name (``right``: the official names and their other right forms) nor are a ``known`` name."""
    t, n = _key(text), _key(official)
    out = []
    spans = [(i, i + len(a)) for a in right for i in _find_all(t, a)]
    for i, ch in enumerate(t):
        if ch != n[0]:
            continue
        for length in (len(n) - 1, len(n), len(n) + 1):
            sub = t[i:i + length]
            if len(sub) != length or sub[-1] != n[-1] or sub in right or sub in known or not one_edit(sub, n):
                continue
            if any(s < i + length and i < e for s, e in spans):
                continue
            out.append((i, i + length))
            break
    return out


def _find_all(t: str, a: str):
    i = t.find(a)
    while a and i >= 0:
        yield i
        i = t.find(a, i + 1)


@register
class W503(Rule):
    """“三公”经费项目的名称与正式名称差一个字：“公务车用车运行费”（公务用车运行费）、“公务车购置及运行费”
    （公务用车购置及运行费）——多一个字、少一个字或错一个字。

    正式名称和其他正确写法由表样的 [[disclosure.details]] 规定；与其中一个名称恰差一个字（插入、删除或替换，
    首尾两字相同）、又不是正确写法或代码表中的名称（如经济分类的“因公出国（境）费用”）的写法报出。
    同一个错写只报一次，列出各处。

    失败示例：“公务车用车运行费21.56万元，比2022年预算持平，主要原因是公务车用车运行费保持不变。”
    通过示例：“公务用车运行费21.56万元，比2022年预算持平。”
    """
    code, title, severity, group = "W503", "“三公”项目名称写错", "warning", "文字"
    roles = ("disclosure.details",)

    def check(self, ctx):
        details = ctx.profile.roles.disclosure.details
        right = {_key(a) for d in details for a in d.accepted}
        known = {_key(x) for cl in ctx.codes.values() for x in cl.entries.values() if x}  # code list names
        found: dict[tuple[str, str], list] = {}
        for p in passages(ctx):
            for a in dict.fromkeys(a for d in details for a in d.accepted):
                for s, e in near_names(p.text, a, right, known):
                    found.setdefault((p.text[s:e], a), []).append((p, s, e))
        for (slip, name), hits in found.items():
            p, s, e = hits[0]
            more = f"；共 {len(hits)} 处：{'、'.join(dict.fromkeys(q.place for q, _, _ in hits))}" if len(hits) > 1 else ""
            place = f"{p.place}：" if p.place else ""
            yield ctx.finding(self, f"{place}“{excerpt(p.text, s, e)}”中的“{slip}”应为“{name}”"
                                    f"（与正式名称差一个字）{more}", expected=name, actual=slip, **p.where())


# ------------------------------------------------------------------------------------------ W504
def _bare(text: str) -> str:
    """A text without spaces and quote marks, so that “三公” and "三公" and 三 公 read alike."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "“”\"'‘’「」")


@register
class W504(Rule):
    """文字没有说明表样要求公开的某一部分：主要职能、机构设置、名词解释、预算编制说明、“三公”经费、
    机关运行经费、政府采购、绩效目标、国有资产等（财政部预算公开检查要点要求逐项说明）。

    只对公开的文件（PDF、Word、文本）检查：填报模板和数据文件的情况说明由 budgetxl 按表样逐部分排出。
    要说明的部分及认定它的词由表样的 [[disclosure.topics]] 规定；标题或任一段落写到其中一个词即视为
    已说明（写了“本部门无政府采购预算”也算说明）。文件没有文字部分（只有表）时不检查；有的页只印成图片、
    读不到文字时，这一检查无法进行（列入未检查）。缺几部分报一次，列出所缺各部分。

    失败示例：上海某区部门预算的“其他相关情况说明”只写了“三公”经费、机关运行经费、政府采购和绩效目标，
    全文没有一处写到国有资产占有使用情况。
    通过示例：“五、国有资产占有使用情况 截至2024年8月31日，本部门共有车辆0辆……”。
    """
    code, title, severity, group = "W504", "文字缺少应公开的部分", "warning", "文字"
    roles = ("disclosure.topics",)
    says_absent = True

    def check(self, ctx):
        if document_paragraphs(ctx) is None:
            return  # an entry workbook or facts: budgetxl prints every section of the profile's document
        ps = [p for p in passages(ctx) if p.text]
        if not any(not p.heading for p in ps):
            return  # no text at all (a document of tables only): nothing to say it lacks
        text = _bare("\n".join(p.text for p in ps))
        missing = [t for t in ctx.profile.roles.disclosure.topics
                   if not any(_bare(w) in text for w in t.words)]
        if not missing:
            return
        names = "、".join(t.name for t in missing)
        yield ctx.finding(self, f"文字没有说明{len(missing)}个应公开的部分：{names}（全文的标题和段落都没有写到"
                                f"{'；'.join('“' + '”或“'.join(t.words) + '”' for t in missing)}）",
                          expected=names, actual="（未写）", table="情况说明")


# ------------------------------------------------------------------------------------------ W505
_SENTENCE = re.compile(f"[^{re.escape(CLAUSE_BREAKS)}]+")


def count_stated(text: str, c: Count) -> bool:
    """Whether a sentence (clause) of ``text`` prints one of the count's words and a number in one
    of its measure words ("组织出访团组3个", "共15人次", "安排购置车辆1辆") and none of its
    ``unless`` words; a number of money (839万元) is not a count."""
    measures = "|".join(re.escape(m) for m in sorted(c.measures, key=len, reverse=True))
    number = re.compile(rf"(?<![\d.])\d+\s*(?:{measures})")
    for sentence in _SENTENCE.findall(normalize(text)):
        if any(w in sentence for w in c.words) and number.search(sentence) \
                and not any(w in sentence for w in c.unless):
            return True
    return False


@register
class W505(Rule):
    """文字写了“三公”经费某项的金额，却没有写财政部预决算公开要求同时说明的数量：因公出国（境）的
    团组数和人次、公务用车的购置数和保有量、公务接待的批次和人次。

    要写的数量由表样的 [[disclosure.counts]] 规定（每项：哪一项的金额不为 0 时要写、数量的名称、句中
    应有的词和量词，如“团组”与“个”、“人次”与“人次、人”）。数量应和金额写在同一段（标明 anywhere 的，
    如公务用车保有量，可写在文中任何地方，也可由资产表的车辆数给出）；一句中既有这些词之一、又有
    “数字+量词”才算写了（“839万元”是金额，不是数量）。该项表中金额为 0 时不要求；文字没有写这一项的
    金额时由 W501 报告，这里不重复。每项缺几个数量报一次。

    失败示例：上海某区部门预算写“（一）因公出国（境）费839万元，与2024年预算持平。”——没有写出访团组数和人次。
    通过示例：“（一）因公出国（境）费839万元……安排出访团组12个、62人次。”；公务接待费为 0 时不要求批次。
    """
    code, title, severity, group = "W505", "“三公”经费缺少团组、批次、车辆等数量说明", "warning", "文字"
    roles = ("disclosure.counts", "labels")
    says_absent = True

    def check(self, ctx):
        roles = ctx.profile.roles
        ps = [p for p in passages(ctx) if not p.heading and p.text]
        if not ps:
            return  # no text at all (a document of tables only)
        stated = _stated(ctx)
        for need in roles.disclosure.counts:
            lb = roles.labels.get(need.label)
            if lb is None:
                continue
            amounts = [ctx.figure(f) for f in lb.figures]
            known = [a for a in amounts if not a.is_nan()]
            amount = max(known, default=None)
            if amount is None or amount <= 0:
                continue  # no money for the item (or its amount unread: reported where it is read)
            if not stated.get(need.label):
                continue  # the text states no amount for the item: W501's finding
            if _asset_value(ctx, need.asset) is not None:
                continue  # the assets part states the number
            at = stated[need.label][0][1]
            scope = ps if need.anywhere else [p for p in ps if any(re.search(f, p.text) for f in lb.forms)]
            missing = [c for c in need.counts if not any(count_stated(p.text, c) for p in scope)]
            if not missing:
                continue
            fig = roles.figure(lb.figures[amounts.index(amount)])
            unit = ctx.profile.figure_unit(fig.node)
            names = "、".join(c.name for c in missing)
            where = "全文" if need.anywhere else "写到这一项的段落"
            m = next((m for f in lb.forms for m in [re.search(f, at.text)] if m), None)
            start = m.start() if m else 0
            yield ctx.finding(self, f"{at.place}：文字写“{excerpt(at.text, start, start + 24)}”，{lb.name}（"
                                    f"{describe(ctx.profile, fig)}）为 {fmt(amount)} {unit}，{where}却没有写"
                                    f"{need.name}的{names}；预决算公开要求同时说明这些数量",
                              expected=names, actual="（未写）", **at.where())


# ------------------------------------------------------------------------------------------ W506
_MONEY = re.compile(AMOUNT)


@register
class W506(Rule):
    """公开文件中应写明金额的部分没有写金额：项目经费情况说明的“六、年度预算安排”只写了
    “根据合同条款，按时拨付资金”，没有一个金额（别的文件在这里写分季度用款计划或各项经费的金额）。

    哪些标题下要写什么由表样的 [[disclosure.sections]] 规定（heading：标题中的词；needs = "money"：
    其下文字应写出金额）。公开的文件中，标题下到下一个标题之间的段落都算这一部分；填报模板和数据文件中
    是情况说明里标题含这个词的那一部分。标题下没有文字时不报（金额可能印在其下的表中）。

    失败示例：上海某区政府办公室2025年部门预算，区政府督查及建议提案工作业务经费项目经费情况说明
    “六、年度预算安排 结合区政府重点工作推进情况，根据合同条款，按时拨付资金。”
    通过示例：“六、年度预算安排 第一季度用款计划15万元，第二季度用款计划15万元……”；“信息化系统日常维护费166.66万元……”。
    """
    code, title, severity, group = "W506", "应写金额的部分没有写金额", "warning", "文字"
    roles = ("disclosure.sections",)
    says_absent = True

    def check(self, ctx):
        # nothing written under a heading is left alone: the money may be in a table printed there
        for need, head, place, body, loc in _lacking(ctx, "money", lambda body: any(_MONEY.search(q.text) for q in body)):
            yield ctx.finding(self, f"{place}“{head}”其下只写了“{excerpt(body[0].text, 0, 40, 0)}”，没有一个"
                                    f"金额（这一部分应写明{need.name}的金额）",
                              expected=f"{need.name}的金额", actual=body[0].text[:60], **loc)


# ------------------------------------------------------------------------------------------ W507
# Ways a text names who carries a project out: 由…负责/实施, 实施主体为…, 本单位/我局, the unit's own
# name, or a body (…科、…处, …办事处, …中心) as the first words, not a task (主要完成…, 开展…).
_BY = re.compile(r"由[^，。；]{1,40}?(?:负责|实施|承担|组织|牵头|建设|完成|开展|执行|办理|落实)|"
                 r"实施(?:主体|单位)\s*(?:为|是|：|:)")
_SELF = re.compile(r"(?:本|我)(?:单位|部门|机关|局|办|委|院|所|站|队|中心|街道|镇|乡|处|科|室)")
_BODY = r"(?:办事处|办公室|政府|委员会|单位|中心|公司|街道|局|委|办|科|处|室|所|站|队|院|部|镇|乡|组)"
_LEADS = re.compile(rf"^[^，。；、,]{{1,24}}?{_BODY}(?=[、，,和及与（(]|负责|实施|承担|牵头|为|$)")
_TASK_FIRST = re.compile(r"^(?:主要|完成|开展|负责|做好|推进|实施|进行|组织|落实|根据|结合|按照|通过|围绕|用于|保障|确保|为)")


def names_a_body(text: str, unit_names=()) -> bool:
    """Whether a 实施主体 text says who carries the work out."""
    t = text.strip()
    if _BY.search(t) or _SELF.search(t) or any(n and n in t for n in unit_names):
        return True
    return bool(_LEADS.search(t)) and not _TASK_FIRST.search(t)


@register
class W507(Rule):
    """应写明由谁实施的部分没有写：项目经费情况说明的“三、实施主体”写的是要做的事（“主要完成区委、区政府
    年度重点工作任务书印制工作……”），没有写由哪个单位、部门或科室实施。

    哪些标题下要写明实施者由表样的 [[disclosure.sections]] 规定（needs = "body"）。写了“由……负责（实施、
    承担）”“实施主体为……”“本单位”“我局”、单位自己的名称，或以单位、科室名称开头（“办公室、预算科、
    国库科……”）的，都算写明。标题下没有文字时不报。是提示：由谁实施有时写在项目概述中。

    失败示例：上海某区政府办公室2025年部门预算，重点工作任务书印制项目“三、实施主体 主要完成区委、区政府
    年度重点工作任务书印制工作，使全区各单位进一步明晰自身目标任务”。
    通过示例：“三、实施主体 本工程由建设单位万里街道办事处建设”；“三、实施主体 办公室、预算科、国库科、企业科”。
    """
    code, title, severity, group = "W507", "没有写明由谁实施", "info", "文字"
    roles = ("disclosure.sections",)
    says_absent = True

    def check(self, ctx):
        unit = [ctx.budget.unit_name] if getattr(ctx.budget, "unit_name", None) else []
        for need, head, place, body, loc in _lacking(ctx, "body", lambda body: any(names_a_body(q.text, unit) for q in body)):
            yield ctx.finding(self, f"{place}“{head}”其下写的是“{excerpt(body[0].text, 0, 40, 0)}”，没有写明"
                                    f"由哪个单位、部门或科室实施（{need.name}）",
                              expected="实施的单位或部门", actual=body[0].text[:60], **loc)


# ------------------------------------------------------------------------------------------ W508
_STEPS = re.compile(r"\d|[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[）)]|首先|其次|第[一二三四五六七八九十]")
_SUBSTANCE = 30  # characters (punctuation and spaces not counted) below which one sentence says no procedure


def says_how(body_texts) -> bool:
    """Whether the text of a part that should describe how the work is done says something: more
    than one sentence's worth of words, or any figure, date, step or enumeration."""
    text = "".join(body_texts)
    words = [ch for ch in text if ch.isalnum()]
    return len(words) > _SUBSTANCE or bool(_STEPS.search(text))


@register
class W508(Rule):
    """应写明具体做法的部分只有一句套话：项目经费情况说明的“四、实施方案”只写了“结合区政府重点工作推进情况，
    定期开展。”，没有步骤、进度、内容或任何数字。

    哪些标题下要写明具体做法由表样的 [[disclosure.sections]] 规定（needs = "detail"）。其下文字（不计标点）
    不足 30 个字，又没有数字、日期、序号（1、 （一） 首先……）时报告；标题下没有文字时不报。是提示：短而
    具体的方案（“按季度招标采购，12月底前完成验收”）不会被报。

    失败示例：上海某区政府办公室2025年部门预算“四、实施方案 结合区政府重点工作推进情况，定期开展。”；
    上海某区财政局2025年部门预算“四、实施方案 根据与中介机构的相关合同有序推进。”
    通过示例：“四、实施方案 本工程紧临两条城市道路路口……制定相应合理有效的设计策略：1、建筑形体方正……”。
    """
    code, title, severity, group = "W508", "应写具体做法的部分只有一句套话", "info", "文字"
    roles = ("disclosure.sections",)
    says_absent = True

    def check(self, ctx):
        for need, head, place, body, loc in _lacking(ctx, "detail", lambda body: says_how(q.text for q in body)):
            yield ctx.finding(self, f"{place}“{head}”其下只写了“{excerpt(body[0].text, 0, 40, 0)}”，没有写明"
                                    f"{need.name}的具体做法（步骤、进度或内容）",
                              expected=f"{need.name}的具体做法", actual=body[0].text[:60], **loc)


def _lacking(ctx, needs: str, says):
    """(need, heading, place, paragraphs, location) of each part of the profile's sections asking
    ``needs`` whose text is there but does not say it (``says(paragraphs)`` false); a heading with
    nothing under it is left alone."""
    for need in ctx.profile.roles.disclosure.sections:
        if need.needs == needs:
            for head, place, body, loc in _sections(ctx, need.heading):
                if body and not says(body):
                    yield need, head, place, body, loc


def _sections(ctx, word: str):
    """(heading, place, paragraphs, location) of each part whose heading prints ``word``: in a
    published document the paragraphs from that heading to the next; in an entry workbook or facts
    the 情况说明 part of that title."""
    ps = passages(ctx)
    if document_paragraphs(ctx) is not None:
        for i, h in enumerate(ps):
            if not h.heading or word not in h.text:
                continue
            body = []
            for q in ps[i + 1:]:
                if q.heading:
                    break
                if q.text:
                    body.append(q)
            yield h.text, f"{h.place}：" if h.place else "", body, h.where()
        return
    titles = {n["key"]: n.get("title", n["key"]) for n in ctx.profile.parts.get("narrative", [])}
    for key, title in titles.items():
        if word in title:
            body = [q for q in ps if q.section == key and q.text]
            yield title, "", body, (body[0].where() if body else {"table": "情况说明", "row": title})
