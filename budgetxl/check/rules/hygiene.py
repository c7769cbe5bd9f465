"""文字: text hygiene — template text left in place, paragraphs printed twice, a percentage or
amount without its unit, a truncated year, 部门 wording in a 单位 document, the unit's
administrative level contradicted by its own text, and the note under an empty table that
contradicts the table.

These rules read the narrative as :func:`budgetxl.check.narrative_items.passages` gives it (the
sections of a workbook or a facts/text disclosure, or a published document's paragraphs), so they
run alike on every source. The document's edition (部门/单位) and level (市级/区级/县级) come from
the document itself (its title lines and table titles) or from the unit's name, never from a
profile's province.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..narrative_items import clean, excerpt, items, list_error, matches, passages, read_list, shipped_list
from ..registry import Rule, register

# ------------------------------------------------------------------------------------------ W301
TEMPLATE_RE = re.compile(
    r"(?=[原主增减上提下降持一保XxＸｘ×＊*□○待请此填（(])(?:"
    r"(?P<reason>(?:主要)?原因(?:是|为)[：:]?\s*(?=[。；;]|$))|"
    r"(?P<pair>(?:增加|增长|上升|提高)[（(](?:减少|下降|降低)[）)]|(?:减少|下降|降低)[（(](?:增加|增长|上升|提高)[）)]|"
    r"增[（(]减[）)]|减[（(]增[）)]|(?:增加|增长)/(?:减少|下降))|"
    r"(?P<steady>(?:持平|一致|保持不变)(?=\s*\d[\d,]*(?:\.\d+)?\s*(?:万元|元)))|"
    r"(?P<x>(?<![A-Za-z])(?:[XxＸｘ]{2,}|[×＊*]{2,}|[□○]{2,})(?![A-Za-z]))|"
    r"(?P<fill>待填写|待补充|请填写|此处填写|填写说明：|（请填[^）]*）|\(请填[^)]*\)))")


@register
class W301(Rule):
    """文字中留着模板的原样文字：“主要原因是。”之后什么也没说、“增加（减少）”“下降（增长）”之类的二选一
    未选、XX/××占位符、“待填写”“请填写”；“持平”“一致”之后紧接着一笔金额（模板的“增加（减少）X万元”
    只改了一半：“与2024年预算一致0万元”）。

    失败示例：“比2023年预算执行数增加（减少）3.20%。主要原因是。”
    通过示例：“比2023年预算执行数增加3.20%。主要原因是：社区活动场次增加。”
    """
    code, title, severity, group = "W301", "文字中留有模板原文", "warning", "文字"

    _WHAT = {"reason": "“原因是”之后没有内容", "pair": "增减方向未选（模板的二选一原样保留）", "x": "占位符未替换",
             "fill": "待填写的模板提示未替换",
             "steady": "说了持平又接着写金额（模板的“增加（减少）X万元”只改了一半，应写“与…持平”或“增加X万元”）"}

    def check(self, ctx):
        seen = set()
        for p in passages(ctx):
            for m in matches(TEMPLATE_RE, p.text):
                kind = m.lastgroup or "x"
                if (p.text, m.group(0)) in seen:
                    continue
                seen.add((p.text, m.group(0)))
                yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start(), m.end())}”——{self._WHAT[kind]}",
                                  actual=m.group(0), **p.where())


# ------------------------------------------------------------------------------------------ W302
MIN_DUP = 20  # characters: short lines (注：单位：万元, 无) repeat legitimately


@register
class W302(Rule):
    """同一段文字印了两次（连续的几段一起重复时报一次）。重复的段落只核对一次，金额不重复计算。

    失败示例：逐项说明印完第11项“…购房补贴（项）”268.77万元后，又从第7项起把第7至11项重印一遍。
    通过示例：每一项只印一次。
    """
    code, title, severity, group = "W302", "段落重复", "warning", "文字"

    def check(self, ctx):
        ps = passages(ctx)
        first: dict[str, int] = {}
        dup_of: dict[int, int] = {}
        for i, p in enumerate(ps):
            if p.heading or len(p.text) < MIN_DUP:
                continue
            if p.text in first:
                dup_of[i] = first[p.text]
            else:
                first[p.text] = i
        runs: list[list[int]] = []
        for i in sorted(dup_of):
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            p0, orig = ps[run[0]], ps[dup_of[run[0]]]
            n = len(run)
            what = f"{n} 段" if n > 1 else "一段"
            yield ctx.finding(self, f"{p0.place}起{what}文字与{orig.place}起的文字重复：“{excerpt(p0.text, 0, 24, 0)}”"
                                    f"（重复的段落只核对一次）", **p0.where())
        # items printed twice inside one paragraph (a text without paragraph breaks)
        dup_passages = {id(ps[i]) for i in dup_of}
        for it in items(ctx):
            if it.duplicate_of is not None and id(it.passage) not in dup_passages and it.passage is it.duplicate_of.passage:
                yield ctx.finding(self, f"{it.passage.place}：“{it.label}”{it.amount.text}这一项写了两次（只核对一次）",
                                  **it.passage.where())


# ------------------------------------------------------------------------------------------ W303
NO_UNIT_RE = re.compile(r"(?=[增下减提降占比])(?P<w>增长|下降|增加|减少|提高|降低|占比|比重|占)(?:了|为|约)?"
                        r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?(?![\d,]))(?=[，。；、,;）)]|$)")


@register
class W303(Rule):
    """增减或占比的数后面没有“%”（也没有万元等单位）：读者无从知道是百分比还是金额。

    失败示例：“比2023年预算执行数增加12.50。”
    通过示例：“比2023年预算执行数增加12.50%。”；“增加3个”。
    """
    code, title, severity, group = "W303", "百分比或金额缺少单位", "warning", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            for m in matches(NO_UNIT_RE, p.text):
                if re.search(r"[第序号编]$", p.text[max(0, m.start() - 1):m.start()]):
                    continue
                yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start(), m.end())}”中“{m.group('w')}{m.group('n')}”"
                                        f"后面没有“%”或金额单位", actual=m.group(0), **p.where())


# ------------------------------------------------------------------------------------------ W304
TRUNCATED_YEAR_RE = re.compile(r"(?<![\d.,，])(?P<y>2\d{2})\s*(?=年)(?!年[级轻龄代])")


@register
class W304(Rule):
    """残缺的年份：“202 年度”“20年”——年份少了数字。

    失败示例：“202 年度部门预算”。
    通过示例：“2025年度部门预算”。
    """
    code, title, severity, group = "W304", "年份残缺", "warning", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            for m in matches(TRUNCATED_YEAR_RE, p.text):
                if re.match(r"\d", p.text[m.end():m.end() + 1]):
                    continue
                yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start(), m.end() + 2)}”中的年份“{m.group('y')}年”"
                                        f"残缺（应为四位年份，如 {ctx.budget.year} 年）", actual=m.group("y") + "年",
                                  expected=f"{ctx.budget.year}年", **p.where())


# ------------------------------------------------------------------------------------------ identity
_EDITION_RE = re.compile(r"(?P<e>部门|单位)(?:预算|决算)(?!支出经济分类|经济分类)")
_LEVEL_RE = re.compile(r"(?P<l>省级|市级|区级|县级|旗级|乡级|镇级)(?:部门|单位|预算单位)?(?:预算|决算)")


def _identity_lines(ctx) -> list[list[str]]:
    """The lines a document names itself in, most telling first: its title (supplement title or the
    cover lines of a published document), then its table titles."""
    title: list[str] = []
    tables: list[str] = []
    doc = (getattr(ctx, "meta", None) or {}).get("document")
    if doc is not None:
        title += [str(x) for x in (getattr(doc, "front", None) or [])]
        tables += [str(getattr(t, "title", "") or "") for t in (getattr(doc, "tables", None) or [])]
    sup = ctx.supplement or {}
    for k in ("title", "document_title"):
        if sup.get(k):
            title.append(str(sup[k]))
    return [[clean(x) for x in title if x], [clean(x) for x in tables if x]]


def edition(ctx) -> str | None:
    """部门 or 单位, as the document's title lines say (None when they do not say)."""
    for lines in _identity_lines(ctx):
        found = [m.group("e") for line in lines for m in _EDITION_RE.finditer(line)]
        if found:
            return "单位" if found.count("单位") > found.count("部门") else "部门"
    return None


DEPT_WORDING_RE = re.compile(r"本部门|部门所属|部门整体|(?:20\d{2}年度?)部门预算(?!支出经济分类|经济分类)|部门预算安排|(?<!\S)部门(?:收入|支出)预算|"
                             r"[（(]部门[）)]|下属\d+家(?:机关|行政单位|事业单位|预算单位|单位)")


@register
class W305(Rule):
    """单位预算的文字用了部门预算的说法（本部门、部门预算安排……）：多半是照抄部门模板。

    只在文件的标题行或表名写明是“单位预算”时检查；分类名称“部门预算支出经济分类”“部门经济分类科目”
    是正式名称，泛指的“部门预算改革”也不算（只算“本部门”“2025年部门预算”“部门预算安排”“下属N家单位”
    这类说自己的用法）。同一原因报一次，列出各处。反方向（部门预算中用了单位的说法）见 W312。

    失败示例：单位预算中写“2025年部门预算安排购置车辆0辆”。
    通过示例：单位预算中写“2025年单位预算安排购置车辆0辆”；表头“部门经济分类科目名称”。
    """
    code, title, severity, group = "W305", "单位预算中用了部门的说法", "info", "文字"

    def check(self, ctx):
        if edition(ctx) != "单位":
            return
        hits = []
        for p in passages(ctx):
            for m in matches(DEPT_WORDING_RE, p.text):
                if "经济分类" not in p.text[m.end():m.end() + 8]:
                    hits.append((p, m))
                    break
        if hits:  # one cause: the 部门 template's wording; every place named
            p, m = hits[0]
            more = f"；另有 {len(hits) - 1} 处：{'、'.join(f'{q.place}“{n.group(0)}”' for q, n in hits[1:6])}" \
                if len(hits) > 1 else ""
            yield ctx.finding(self, f"{p.place}：单位预算中写“{excerpt(p.text, m.start(), m.end())}”，"
                                    f"“{m.group(0)}”是部门预算的说法{more}", actual=m.group(0), **p.where())


_HIGHER_DEF_RE = re.compile(r"(?P<lvl>市级|省级)(?:预算主管部门|财政部门|财政拨款|财政|预算单位|部门)")
_WHOLE_RE = re.compile(r"全(?P<lvl>市|省)(?=[^，。；]{0,16}(?:工作|管理|事务|事业|业务))")
_ON_PURPOSE = re.compile(r"按照|根据|配合|落实|部署|排名|率先|统一|对接|争创|位居|前列|之一")
_UNIT_LEVEL = {"县": "县", "区": "区", "旗": "旗"}


def unit_level(ctx) -> str | None:
    """区, 县 or 旗 when the document or the unit is of that level (区级/县级 in the title lines, else
    the unit's own county-level division by its name); 市级 or None otherwise."""
    for line in (x for lines in _identity_lines(ctx) for x in lines):
        m = _LEVEL_RE.search(line)
        if m:
            lv = m.group("l")[0]
            return lv if lv in _UNIT_LEVEL else None
    from .text import own_county, places

    pl = places(ctx)
    if pl is None:
        return None
    own = own_county(ctx, pl)
    if own is None:
        return None
    last = own.name[-1]
    return _UNIT_LEVEL.get(last)


@register
class W306(Rule):
    """单位的行政层级与它自己的文字矛盾：区级、县级单位的文字说“全市……工作”，或用市级的定义
    （“市级预算主管部门”“市级财政拨款”）——多半照抄了市级的文本。

    层级取自文件的标题行（“区级部门预算”“市级单位预算”），没有时取自单位名称所在的县级区划
    （曲阳县…→县，普陀区…→区；县级市的单位说“全市”是对的，不检查）。市级单位说“全市”是对的。
    句中有“按照、根据、配合、落实、部署、排名、率先”等说明是有意提到上级的，不报。

    失败示例：普陀区的部门预算名词解释写“基本支出预算：是市级预算主管部门及所属预算单位……”。
    通过示例：上海市2025年市级单位预算写“主管全市财政工作”；区级预算写“区级预算主管部门”。
    """
    code, title, severity, group = "W306", "文字与单位层级不符", "warning", "文字"

    def check(self, ctx):
        level = unit_level(ctx)
        if level is None:
            return
        for rx in (_HIGHER_DEF_RE, _WHOLE_RE):  # one cause (a text copied from above) per kind of wording
            hits = []
            for p in passages(ctx):
                for m in matches(rx, p.text):
                    sentence = re.split(r"[。；]", p.text[m.start():])[0]
                    before = re.split(r"[。；]", p.text[:m.start()])[-1]
                    if not _ON_PURPOSE.search(before + sentence[:12]):
                        hits.append((p, m))
                        break
            if not hits:
                continue
            p, m = hits[0]
            more = f"；另有 {len(hits) - 1} 处：{'、'.join(q.place for q, _ in hits[1:6])}" if len(hits) > 1 else ""
            yield ctx.finding(self, f"{p.place}：{level}级单位的文字写“{excerpt(p.text, m.start(), m.end())}”，"
                                    f"“{m.group(0)}”是上级的说法{more}", actual=m.group(0), expected=f"{level}级",
                              **p.where())


# ------------------------------------------------------------------------------------------ W307
EMPTY_NOTE_RE = re.compile(r"空表|无[^，。；]{0,30}?(?:预算|经费|收支|支出|收入)")


@dataclass(frozen=True)
class PrintedTable:
    """A table as a published document prints it (see narrative_items.from_document)."""

    title: str
    notes: tuple[str, ...]
    figures: bool  # prints a non-zero figure
    place: str
    captions: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    index: int | None = None
    starts: tuple[tuple[bool, ...], ...] = ()  # whether a cell begins at each grid position
    row_pages: tuple[int | None, ...] = ()  # the page each row is printed on

    def begins(self, i: int, j: int) -> bool:
        """Whether a cell of its own begins at row i, column j (not a merged cell from the left);
        True where the reading did not say."""
        return self.starts[i][j] if i < len(self.starts) and j < len(self.starts[i]) else True

    def page_of(self, i: int) -> str:
        """Row i's page (第N页), else the table's place."""
        p = self.row_pages[i] if i < len(self.row_pages) else None
        return f"第{p}页" if p else self.place

    def loc(self) -> dict:
        loc = {"table": self.title or None}
        if self.place:
            loc["extra"] = {"place": self.place}
        return loc


def printed_tables(ctx) -> list[PrintedTable]:
    """Every printed table of a published document, in document order."""
    out = []
    for t in (ctx.supplement or {}).get("table_notes") or []:
        out.append(PrintedTable(clean(t.get("title", "")), tuple(clean(n) for n in t.get("notes", [])),
                                bool(t.get("figures")), str(t.get("place", "")),
                                tuple(clean(n) for n in t.get("captions", [])),
                                tuple(tuple(str(x) for x in r) for r in t.get("rows", [])), t.get("index"),
                                tuple(tuple(bool(x) for x in r) for r in t.get("starts", [])),
                                tuple(p if isinstance(p, int) else None for p in t.get("row_pages", []))))
    return out


def _kinds(text: str, kinds) -> list[str]:
    """The kinds of money (the profile's [[roles.fund_kinds]], in order) a title or note names."""
    t = text
    out = []
    for k in kinds:
        if k.word in t:
            out.append(k.name)
            t = t.replace(k.word, "")
    return out


@register
class W307(Rule):
    """空表说明与表不符：表中有数却注明“本表为空表”，或说明写的是另一类资金（国有资本经营预算表下
    写“无政府性基金预算”）。

    失败示例：“三公”经费表印有合计 47.91 万元，表下却注“本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。”
    通过示例：国有资本经营预算支出表为空，表下注“本部门2025年无国有资本经营预算财政拨款安排的预算，故本表为空表。”
    """
    code, title, severity, group = "W307", "空表说明与表不符", "error", "文字"
    roles = ("fund_kinds",)  # the kinds of money titles and notes name, as the profile prints them

    def check(self, ctx):
        for pt in printed_tables(ctx):
            title, place = pt.title, pt.place
            for note in pt.notes:
                if not EMPTY_NOTE_RE.search(note):
                    continue
                loc = pt.loc()
                if pt.figures and "空表" in note:
                    yield ctx.finding(self, f"{place}“{title}”印有数，表下却注“{note}”", actual=note, **loc)
                    break
                kinds = ctx.profile.roles.fund_kinds
                own, said = _kinds(title, kinds), _kinds(note, kinds)
                if own and said and not set(said) & set(own):
                    yield ctx.finding(self, f"{place}“{title}”下的说明“{note}”说的是{'、'.join(said)}，不是本表的"
                                            f"{'、'.join(own)}", severity="warning", actual=note, **loc)
                    break


# ------------------------------------------------------------------------------------------ W309
def _profile_table(ctx, title: str):
    """The profile table a printed title names (None for a table the profile has not)."""
    from ...published.mapping import match_table

    return match_table(title, ctx.profile) if title else None


@register
class W309(Rule):
    """空表没有说明：印出的表没有一个非零的数（全为 0、“-”或空白），表下（或表题与表之间）却没有
    说明为何为空（“注：本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。”“本单位无此项
    预算”）。

    只检查表样中规定了空表说明（empty_note）的表；说明是表题下、表格前后印出的注、说明或写明“无……预算”
    “空表”的短句。读者看到一张空表，无从知道是没有这项预算还是漏印了数字。

    失败示例：上海市财政局2025年单位预算第15页《2025年预算单位政府性基金预算支出功能分类预算表》只有表头和
    空白的合计行，表下没有任何说明。
    通过示例：同一张空表下注“注:本单位2025年无政府性基金预算财政拨款安排的预算，故本表为空表。”
    """
    code, title, severity, group = "W309", "空表没有说明", "warning", "文字"
    says_absent = True

    @classmethod
    def not_applicable(cls, profile) -> str | None:
        if not any(t.empty_note for t in profile.ordered):
            return "表样没有为任何表规定空表说明（empty_note）"
        return super().not_applicable(profile)

    def check(self, ctx):
        for pt in printed_tables(ctx):
            if pt.figures:
                continue
            t = _profile_table(ctx, pt.title)
            if t is None or not t.empty_note:
                continue
            if any(EMPTY_NOTE_RE.search(n) for n in (*pt.notes, *pt.captions)):
                continue
            expected = t.empty_note.format(year=ctx.budget.year)
            yield ctx.finding(self, f"{pt.place}“{pt.title}”是空表（没有一个非零的数），表下却没有说明为何为空；"
                                    f"应注明，如“{expected}”", expected=expected, actual="（没有说明）", **pt.loc())


# ------------------------------------------------------------------------------------------ W308
JIEZHI_RE = re.compile(r"截止(?:到)?(?=\s*(?:\d{4}年|\d{1,2}月|目前|今年|本年|上年|年底|年末))")


@register
class W308(Rule):
    """“截止”后接日期：表示“到某时为止”应写“截至”（“截止”是“到期停止”，后面不接时间）。

    失败示例：“截止2022年12月31日，本部门共有车辆7辆”。
    通过示例：“截至2022年12月31日，本部门共有车辆7辆”；“申报于6月30日截止”。
    """
    code, title, severity, group = "W308", "“截至”误作“截止”", "info", "文字"

    def check(self, ctx):
        for p in passages(ctx):
            m = JIEZHI_RE.search(p.text)
            if m:
                yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start(), m.end() + 8)}”应写“截至”",
                                  expected="截至", actual=m.group(0), **p.where())


# ------------------------------------------------------------------------------------------ W316
@dataclass(frozen=True)
class Typo:
    pattern: re.Pattern
    right: str
    why: str


@functools.lru_cache(maxsize=4)
def typos(path: str) -> tuple[Typo, ...]:
    """The misspellings W316 knows (templates/codes/typos.csv: 误写 a regular expression matching
    only the wrong characters, 应为 what they should be, 说明 why). A list that cannot be read or a
    line that is not a valid expression is an error naming the file and line, not an empty list."""
    what = "别字表"
    out = []
    for n, row in read_list(path, ("误写", "应为"), what):
        if len(row) < 2 or not row[0] or not row[1]:
            raise list_error(path, what, n, "应写误写和应为")
        out.append(Typo(compiled(row[0], path, what, n), row[1], row[2] if len(row) > 2 else ""))
    return tuple(out)


def compiled(pattern: str, path: str, what: str, line: int) -> re.Pattern:
    """A word list's regular expression, or the error naming its line."""
    try:
        return re.compile(pattern)
    except re.error as e:
        raise list_error(path, what, line, f"“{pattern}”不是有效的正则表达式（{e}）") from None


@register
class W316(Rule):
    """文字中的常见别字：同音、形近字写错，且在预算文件中几乎不会是正确写法的搭配（“社区事物受理”应为
    “社区事务受理”，“建筑里面稳重大气”应为“建筑立面”，“财政拔款”应为“拨款”，“台帐”应为“台账”）。

    别字表见 templates/codes/typos.csv（每行一个正则表达式，只匹配写错的字，前后文用 (?<=…)(?=…) 限定；
    表样可在 parts.toml [narrative_checks] typos 指定自己的表）。同一个错写报一次，列出各处。是提示：
    别字不影响数字，但公开的文件应改正。

    失败示例：上海某街道2024年部门预算的项目说明“建成后作为万里街道社区事物受理、社区管理、社区文化艺术活动场所”，
    “建筑里面稳重大气，符合公共服务建筑气质”。
    通过示例：“建成后作为社区事务受理服务中心”；“新生事物”；“建筑里面的设备”。
    """
    code, title, severity, group = "W316", "疑似别字", "info", "文字"

    def check(self, ctx):
        listed = typos(str(shipped_list(ctx, "typos", "codes/typos.csv")))
        for (wrong, t), hits in found_in_text(ctx, listed).items():
            p, m = hits[0]
            why = f"（{t.why}）" if t.why else ""
            yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start() - 10, m.end() + 10)}”中的“{wrong}”疑为"
                                    f"“{t.right}”之误{why}{elsewhere(hits)}", expected=t.right, actual=wrong, **p.where())


def found_in_text(ctx, entries, keep=lambda text, m: True) -> dict:
    """(the text found, the list entry) -> every (passage, match) of it, for each entry's ``pattern``
    over the narrative; ``keep`` may refuse a match by its paragraph's text."""
    ps = [p for p in passages(ctx) if p.text]
    found: dict[tuple, list] = {}
    for e in entries:
        for p in ps:
            for m in e.pattern.finditer(p.text):
                if keep(p.text, m):
                    found.setdefault((m.group(0), e), []).append((p, m))
    return found


def elsewhere(hits) -> str:
    """“；共 N 处：第3页、第5页” when a wording is found more than once."""
    pages = list(dict.fromkeys(q.place for q, _ in hits if q.place))
    return f"；共 {len(hits)} 处：{'、'.join(pages[:6])}" if len(hits) > 1 else ""


# ------------------------------------------------------------------------------------------ W317
@dataclass(frozen=True)
class Renamed:
    pattern: re.Pattern
    now: str
    since: int  # the year of the reform: documents of later years should not print the old name
    why: str


@functools.lru_cache(maxsize=4)
def renamed_bodies(path: str) -> tuple[Renamed, ...]:
    """The bodies and fields renamed by a reform (templates/codes/renamed-bodies.csv: 旧写法 a regular
    expression matching the old name only, 现名称, 自年度, 说明)."""
    what = "已更名机构表"
    out = []
    for n, row in read_list(path, ("旧写法", "现名称", "自年度"), what):
        if len(row) < 3 or not row[0] or not row[1] or not row[2].isdigit():
            raise list_error(path, what, n, "应写旧写法、现名称和自年度（四位年份）")
        out.append(Renamed(compiled(row[0], path, what, n), row[1], int(row[2]), row[3] if len(row) > 3 else ""))
    return tuple(out)


# a clause telling the reform itself (原…更名为…, 组建…, 整合…职责) names the old body rightly
_HISTORY = re.compile(r"更名|改名|改为|组建|整合|合并|撤销|撤并|划入|划转|调整为|前身|改革|改制|并入|转隶")
_CLAUSE = re.compile(r"[。；;！!？?\n]")


def _told_as_old(text: str, m) -> bool:
    """Whether the old name is rightly printed: marked 原 (原区卫生和计划生育委员会, within its own
    list item) or in a clause telling the reform."""
    starts = [x.end() for x in _CLAUSE.finditer(text, 0, m.start())]
    start = starts[-1] if starts else 0
    end = _CLAUSE.search(text, m.end())
    clause = text[start:end.start() if end else len(text)]
    return "原" in re.split(r"[、，,]", text[start:m.start()])[-1] or bool(_HISTORY.search(clause))


@register
class W317(Rule):
    """文字沿用改革前的机构或领域名称：2018年机构改革后仍写“卫生和计划生育”“国土资源局”“环境保护局”
    “工商行政管理局”“地方税务局”“公安消防支队”，2021年后仍写“扶贫开发办公室”。

    名称表见 templates/codes/renamed-bodies.csv（每行一个正则表达式、现名称、自哪一年起不再使用；表样可在
    parts.toml [narrative_checks] renamed_bodies 指定自己的表）。只检查该年以后的文件；前写“原”的，或
    同一句讲更名、组建、整合经过的不报。同一个旧名称报一次，列出各处。是提示：多是照抄旧的“三定”
    或往年文本，公开前应改为现在的名称。支出功能分类科目的旧名称另由 W202 检查。

    失败示例：上海某街道2023年部门预算的主要职能“落实人力资源、社会保障、民政、教育、卫生和计划生育等
    领域的有关法律法规和政策”。
    通过示例：“落实……教育、卫生健康等领域的政策”；“原区卫生和计划生育委员会的职责整合划入区卫生健康委员会”。
    """
    code, title, severity, group = "W317", "沿用已更名的机构或领域名称", "info", "文字"

    def check(self, ctx):
        year = int(ctx.budget.year) if str(ctx.budget.year or "").isdigit() else None
        listed = [r for r in renamed_bodies(str(shipped_list(ctx, "renamed_bodies", "codes/renamed-bodies.csv")))
                  if year is not None and year > r.since]
        found = found_in_text(ctx, listed, keep=lambda text, m: not _told_as_old(text, m))
        for (old, r), hits in found.items():
            p, m = hits[0]
            why = f"（{r.why}）" if r.why else ""
            yield ctx.finding(self, f"{p.place}：“{excerpt(p.text, m.start() - 10, m.end() + 10)}”中的“{old}”是"
                                    f"{r.since}年改革前的名称，现为“{r.now}”{why}{elsewhere(hits)}",
                              expected=r.now, actual=old, **p.where())
