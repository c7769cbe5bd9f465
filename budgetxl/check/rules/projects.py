"""项目: the 项目绩效目标表 of the supplement — their total against the 项目支出 of the tables
(P101), the cumulative 资金支出计划 (P102), the split into 财政资金 and 其他资金 (P103) and the
presence of 产出 and 效益 indicators (P104).

Blank amounts count as zero. Findings point at the cell of the entry workbook when the budget was
read from one, else at the project (table, row and column of the supplement).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ...money import ZERO, fmt
from ..cause import identity
from ..registry import Rule, register

PART = "projects"
GROUP = "项目"  # the findings' group in reports


def amount(v) -> Decimal:
    """A supplement amount, blank (None) as zero."""
    return v if v is not None else ZERO


def norm_name(s) -> str:
    """A name for matching: full-width forms folded (NFKC), all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", str(s or "")).split())


def headers(ctx, part: str) -> dict[str, str]:
    """Field key -> printed header of a supplementary part (``{year}`` filled in)."""
    year = ctx.budget.year or ""
    return {f["key"]: f["header"].replace("{year}", str(year)) for f in ctx.profile.parts[part].get("fields", [])}


def part_title(ctx, part: str) -> str:
    return ctx.profile.parts.get(part, {}).get("title", part)


def part_where(ctx, part: str, index, field: str, *, row: str | None = None, column: str | None = None) -> dict:
    """Location fields of a finding about one field of a supplementary part."""
    loc = {"table": part_title(ctx, part)}
    pos = ctx.positions.get((part, index, field))
    if pos:
        loc["sheet"], loc["cell"] = pos
    if row is not None:
        loc["row"] = row
    if column is not None:
        loc["column"] = column
    return loc


def projects(ctx) -> list[dict] | None:
    """The projects of the supplement; None when the supplement has no project part at all."""
    sup = ctx.supplement
    if "projects" not in sup or sup["projects"] is None:
        return None
    return list(sup["projects"])


def project_label(i: int, rec: dict) -> str:
    name = (rec.get("name") or "").strip()
    return f"项目{i + 1}“{name}”" if name else f"项目{i + 1}"


def _plan_periods(ctx) -> list[str]:
    f = next((f for f in ctx.profile.parts[PART]["fields"] if f.get("type") == "money4"), None)
    return list(f.get("periods", [])) if f else []


@register
class P101(Rule):
    """项目绩效目标表的预算数合计与支出总表的项目支出合计不符。

    各项目预算数之和应等于支出总表“项目支出”栏的合计（空白按 0 计）。单位有项目支出而一个项目
    绩效目标表也没有列出时，给出警告。

    失败示例：三个项目 482.10 + 62.20 + 40.00 = 584.30，而支出总表项目支出合计 594.30。
    通过示例：482.10 + 62.20 + 50.00 = 594.30，等于支出总表项目支出合计。
    """
    parts = ("projects",)
    code, title, severity, group = "P101", "项目预算数合计与项目支出不符", "error", GROUP
    roles = ("figures.project",)
    says_absent = True  # "没有任何项目绩效目标表": not checkable where part of the document is missing

    def check(self, ctx):
        recs = projects(ctx)
        if recs is None:
            return
        fig = ctx.profile.roles.figure("project")
        key = fig.cell
        spending = ctx.figure("project")
        if not recs:
            if spending != 0:
                yield ctx.finding(self, f"项目支出未列出项目绩效目标表：支出总表项目支出合计 {fmt(spending)}，"
                                        "但没有任何项目绩效目标表", key, severity="warning", actual=spending)
            return
        total = sum((amount(r.get("budget")) for r in recs), ZERO)
        if total != spending:
            parts = " + ".join(fmt(amount(r.get("budget"))) for r in recs)
            yield ctx.finding(self, f"{len(recs)} 个项目绩效目标表的预算数合计 {parts} = {fmt(total)}，"
                                    f"支出总表项目支出合计 {fmt(spending)}，相差 {fmt(total - spending)}",
                              key, expected=spending, actual=total, identity=identity(key, total))


@register
class P102(Rule):
    """项目的资金支出计划不是累计数，或 12 月底累计数不等于预算数。

    资金支出计划按 3月底、6月底、10月底、12月底 填累计数：各期不能减少，12 月底应等于项目预算数；
    已填计划的中间或末尾不能空白（开头空白视为该期尚未支出）。计划全部空白时给出警告。

    失败示例：预算数 482.10，计划 144.63、289.26、433.89、480.00（12 月底不等于预算数）。
    通过示例：预算数 50.00，计划 15.00、30.00、50.00、50.00。
    """
    parts = ("projects",)
    code, title, severity, group = "P102", "资金支出计划不是累计数或与预算数不符", "error", GROUP

    def check(self, ctx):
        recs = projects(ctx) or []
        periods = _plan_periods(ctx)
        h = headers(ctx, PART)
        plan_header = h.get("plan", "资金支出计划")

        def where(i, j, rec):
            name = periods[j] if j < len(periods) else f"第{j + 1}期"
            loc = part_where(ctx, PART, i, f"plan{j}", row=rec.get("name") or f"项目{i + 1}",
                             column=f"{plan_header}·{name}")
            return name, loc

        for i, rec in enumerate(recs):
            label = project_label(i, rec)
            plan = list(rec.get("plan") or [])
            budget = amount(rec.get("budget"))
            if not plan or all(v is None for v in plan):
                _, loc = where(i, len(plan) - 1 if plan else max(len(periods) - 1, 0), rec)
                yield ctx.finding(self, f"{label}未填{plan_header}（预算数 {fmt(budget)}）", severity="warning", **loc)
                continue
            started, prev = False, ZERO
            last = len(plan) - 1
            for j, v in enumerate(plan):
                name, loc = where(i, j, rec)
                if v is None:
                    if not started:
                        continue  # nothing spent yet: a leading blank is zero
                    if j == last:
                        yield ctx.finding(self, f"{label}{plan_header}“{name}”为空：12 月底累计数应等于预算数 "
                                                f"{fmt(budget)}", expected=budget, **loc)
                    else:
                        yield ctx.finding(self, f"{label}{plan_header}“{name}”为空：累计计划中间不能空白"
                                                f"（该期没有新增支出时填上一期累计数 {fmt(prev)}）", expected=prev, **loc)
                    continue
                if v < 0:
                    yield ctx.finding(self, f"{label}{plan_header}“{name}”为负数 {fmt(v)}", actual=v, **loc)
                elif v < prev:
                    yield ctx.finding(self, f"{label}{plan_header}“{name}”累计 {fmt(v)} 少于上一期的 {fmt(prev)}："
                                            "支出计划应填累计数，各期不能减少", expected=prev, actual=v, **loc)
                started, prev = True, v
                if j == last and v != budget:
                    yield ctx.finding(self, f"{label}{plan_header}“{name}”累计 {fmt(v)}，应等于项目预算数 "
                                            f"{fmt(budget)}，相差 {fmt(v - budget)}", expected=budget, actual=v, **loc)


@register
class P103(Rule):
    """项目的财政资金与其他资金之和不等于预算数。

    项目绩效目标表中“预算数 = 其中：财政资金 + 其他资金”（空白按 0 计）。

    失败示例：预算数 482.10，财政资金 480.00，其他资金空白。
    通过示例：预算数 482.10，财政资金 400.00，其他资金 82.10。
    """
    parts = ("projects",)
    code, title, severity, group = "P103", "项目资金来源之和不等于预算数", "error", GROUP

    def check(self, ctx):
        h = headers(ctx, PART)
        for i, rec in enumerate(projects(ctx) or []):
            budget = amount(rec.get("budget"))
            fiscal, other = amount(rec.get("fiscal")), amount(rec.get("other"))
            if fiscal + other != budget:
                loc = part_where(ctx, PART, i, "budget", row=rec.get("name") or f"项目{i + 1}",
                                 column=h["budget"])
                yield ctx.finding(self, f"{project_label(i, rec)}：{h.get('fiscal', '财政资金')} {fmt(fiscal)} + "
                                        f"{h.get('other', '其他资金')} {fmt(other)} = {fmt(fiscal + other)}，"
                                        f"与预算数 {fmt(budget)} 相差 {fmt(fiscal + other - budget)}",
                                  expected=budget, actual=fiscal + other, **loc)


OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"


def _level1(text: str) -> str | None:
    s = norm_name(text)
    for word, kind in (("产出", OUTPUT), ("效益", BENEFIT), ("满意", SATISFACTION), ("成本", COST)):
        if word in s:
            return kind
    return None


def _from_level2(text: str) -> str | None:
    """The 一级指标 implied by a 二级指标 (数量/质量/时效 → 产出, …效益/可持续影响 → 效益)."""
    s = norm_name(text)
    if "满意" in s:
        return SATISFACTION
    if "效益" in s or "可持续" in s:
        return BENEFIT
    if any(w in s for w in ("数量", "质量", "时效")):
        return OUTPUT
    return None


def indicator_kinds(indicators) -> set[str]:
    """一级指标 present; a blank 一级指标 continues the row above (merged cells in the print)."""
    kinds, current = set(), None
    for ind in indicators or []:
        kind = _level1(ind.get("level1", ""))
        if kind is None:
            kind = _from_level2(ind.get("level2", "")) or current
        else:
            current = kind
        if kind:
            kinds.add(kind)
    return kinds


@register
class P104(Rule):
    """项目绩效目标表缺少产出指标或效益指标。

    每个项目至少应有一个产出指标和一个效益指标（一级指标空白时沿用上一行，或由二级指标判断）；
    同时缺少满意度指标的，在提示中一并列出。

    失败示例：项目只有“产出指标—数量指标—出警执勤次数”一条指标。
    通过示例：项目有产出指标（数量、质量、时效、成本）、效益指标（社会效益）和满意度指标。
    """
    parts = ("projects",)
    code, title, severity, group = "P104", "项目缺少产出或效益指标", "warning", GROUP

    def check(self, ctx):
        for i, rec in enumerate(projects(ctx) or []):
            kinds = indicator_kinds(rec.get("indicators"))
            missing = [k for k in (OUTPUT, BENEFIT) if k not in kinds]
            if not missing:
                continue
            also = "；也没有满意度指标" if SATISFACTION not in kinds else ""
            lacking = "和".join(missing)
            what = f"未填任何绩效指标（缺少{lacking}）" if not rec.get("indicators") else f"绩效指标缺少{lacking}"
            loc = part_where(ctx, PART, i, "name", row=rec.get("name") or f"项目{i + 1}", column="一级指标")
            yield ctx.finding(self, f"{project_label(i, rec)}{what}{also}", **loc)


# ------------------------------------------------------------------------------------------ P105
def _form_of(pt, forms):
    """The project-table form (``[[disclosure.project_tables]]``) a printed table is, by the words
    its title or its first rows print (a form printed inside the table's own first row)."""
    from ...labels import norm

    heads = [norm(pt.title)] + [norm(x) for r in pt.rows[:3] for x in dict.fromkeys(r) if x]
    for f in forms:
        if any(norm(w) in h for w in f.titles for h in heads if h):
            return f
    return None


def _labelled(pt, label: str) -> list[tuple[int, int, str]]:
    """(row, column, printed text) of each cell printing a label (first position of a merged cell)."""
    from ...labels import norm

    want = norm(label)
    out = []
    for i, r in enumerate(pt.rows):
        for j, x in enumerate(r):
            if x and norm(x) == want and (j == 0 or r[j - 1] != x) and (i == 0 or j >= len(pt.rows[i - 1])
                                                                         or pt.rows[i - 1][j] != x):
                out.append((i, j, x))
    return out


def _value_right(pt, i: int, j: int):
    """The amount printed right of a label cell in its row (blank and dashes are zero), or None."""
    from ...published.figures import parse_figure

    r = pt.rows[i]
    k = j
    while k < len(r) and r[k] == r[j]:
        k += 1  # the label's own (merged) cell
    if k >= len(r):
        return None
    f = parse_figure(r[k])
    if f is None:
        return None
    return f


@register
class P105(Rule):
    """印出的项目表中，“其中”项大于它所属的总数：“其中：当年财政拨款 11,419,043.00”大于“年度资金申请总额
    10,903,043.00”。

    哪些表是项目表（表题或表中首行的文字）、每个总数下有哪些“其中”项，由表样的 [[disclosure.project_tables]]
    规定；“其中”项在总数同一栏的下方，或同一行的右侧，金额印在各自名称的右边。每个项目、每个超出的“其中”项
    报一次。

    失败示例：普陀区万里街道2023年部门预算第35页“公共服务设施运行经费”项目：年度资金申请总额 10,903,043.00，
    其中：当年财政拨款 11,419,043.00。
    通过示例：年度资金申请总额 10,903,043.00，其中：当年财政拨款 10,903,043.00，上年结转资金 0.00。
    """
    code, title, severity, group = "P105", "项目表中其中项大于总数", "error", GROUP
    roles = ("disclosure.project_tables",)

    def check(self, ctx):
        from .hygiene import printed_tables

        forms = ctx.profile.roles.disclosure.project_tables
        for pt in printed_tables(ctx):
            form = _form_of(pt, forms)
            if form is None:
                continue
            name = _project_name(pt, form.name_label)
            for whole, parts in form.wholes:
                for wi, wj, wtext in _labelled(pt, whole):
                    wf = _value_right(pt, wi, wj)
                    if wf is None or wf.blank:
                        continue
                    for part in parts:
                        cell = _part_of(pt, part, wi, wj)
                        if cell is None:
                            continue
                        pf = _value_right(pt, cell[0], cell[1])
                        if pf is None or pf.blank or pf.value <= wf.value:
                            continue
                        what = f"“{name}”项目" if name else "项目"
                        yield ctx.finding(
                            self, f"{pt.place}{what}：“{cell[2]}”{pf.text}大于所属的“{wtext}”{wf.text}，"
                                  f"多 {_printed_like(pf.value - wf.value, pf)}（其中项不能大于总数）",
                            expected=f"≤ {wf.text}", actual=pf.text, row=name or None, column=cell[2], **pt.loc())


def _printed_like(d: Decimal, f) -> str:
    """A difference printed as the figure it comes from is (thousands separators, its decimals)."""
    q = d.quantize(Decimal(1).scaleb(-f.places)) if f.places else d.quantize(Decimal(1))
    return f"{q:,}" if "," in f.text else f"{q}"


def _part_of(pt, part: str, wi: int, wj: int):
    """The cell of a 其中 line belonging to the whole at (wi, wj): the nearest below it in the same
    column, else the nearest right of it in the same row."""
    cells = _labelled(pt, part)
    below = sorted((c for c in cells if c[1] == wj and c[0] > wi), key=lambda c: c[0])
    if below:
        return below[0]
    right = sorted((c for c in cells if c[0] == wi and c[1] > wj), key=lambda c: c[1])
    return right[0] if right else None


def _project_name(pt, label: str | None) -> str:
    """The project's name as the table prints it: the text right of the form's name label."""
    if not label:
        return ""
    for r in pt.rows[:6]:
        for j, x in enumerate(r):
            if norm_name(x) == norm_name(label):
                rest = [y for y in r[j + 1:] if y and y != x]
                return rest[0].strip() if rest else ""
    return ""


# ------------------------------------------------------------------------------------------ P106
def _form_totals(ctx, form) -> list:
    """Every printed project form's total (the form's ``total`` whole, each time it is printed: two
    forms joined over a page break are still two), as (figure, place)."""
    from .hygiene import printed_tables

    out = []
    for pt in printed_tables(ctx):
        if _form_of(pt, (form,)) is None:
            continue
        for i, j, _ in _labelled(pt, form.total):
            f = _value_right(pt, i, j)
            if f is not None:
                out.append((f, pt.place))
    return out


@register
class P106(Rule):
    """文字所说的项目预算资金与印出的各项目表不符：“编报绩效目标的项目5个，涉及项目预算资金3328.13万元”，
    而印出的 5 张项目表“年度资金申请总额”合计 3,351.33 万元。

    项目表、其中哪个总数是项目的预算资金、表的金额单位，以及文字用哪些词写项目个数和金额，由表样的
    [[disclosure.project_tables]] 规定（total、unit、counted、measure、money）。只在文字写的项目个数等于
    印出的项目表个数时比较（只印了部分项目时无从核对）；文字与表各自四舍五入，容差为文字末位的半个单位
    （至少 0.005 万元）。

    失败示例：普陀区万里街道2023年部门预算第29页“编报绩效目标的项目5个，涉及项目预算资金3328.13万元”，
    第31–35页五张绩效目标填报表的年度资金申请总额 4,100,000.00 + 6,351,000.00 + 4,563,800.00 + 7595500.00 +
    10,903,043.00 = 33,513,343.00 元。
    通过示例：同样五张表，文字写“涉及项目预算资金3351.33万元”；或文字写 11 个项目而文件没有印出项目表。
    """
    code, title, severity, group = "P106", "文字所说的项目资金与项目表不符", "error", GROUP
    roles = ("disclosure.project_tables",)

    @classmethod
    def not_applicable(cls, profile) -> str | None:
        why = super().not_applicable(profile)
        if why is None and not any(f.total and f.counted and f.amount
                                   for f in profile.roles.disclosure.project_tables):
            return "表样的 [[disclosure.project_tables]] 没有规定 total、counted 和 money"
        return why

    def check(self, ctx):
        from ...money import convert
        from ..narrative_facts import stated_counts
        from ..narrative_items import AMOUNT, amount, excerpt, fmt_wan, passages

        text_unit = ctx.profile.text_unit
        for form in ctx.profile.roles.disclosure.project_tables:
            if not (form.total and form.counted and form.amount):
                continue
            totals = _form_totals(ctx, form)
            if not totals:
                continue  # no form printed: nothing to add up
            words = "|".join(re.escape(w) for w in form.amount)
            amount_re = re.compile(rf"(?:{words})\s*(?:共|为|合计|共计|：|:)*\s*{AMOUNT}")
            for p in passages(ctx):
                for start, end, n in stated_counts(p.text, form.counted, form.measure):
                    m = amount_re.search(p.text, end)
                    if m is None or n != len(totals) or re.search(r"[。；;]", p.text[end:m.start()]):
                        continue
                    said = amount(m.group("num"), m.group("unit"))
                    whole = sum((f.value for f, _ in totals), Decimal(0))
                    in_text = convert(whole, form.unit, text_unit)
                    tol = max(said.half, Decimal("0.005"))
                    if abs(said.value - in_text) <= tol:
                        continue
                    # each form's figure with its page: two forms on one page, one over a page break
                    parts = " + ".join(f"{f.text}（{pl}）" if pl else f.text for f, pl in totals)
                    also = f"（{in_text:.2f} {text_unit}）" if form.unit != text_unit else ""
                    shown = f"{whole:,.2f}" if "," in "".join(f.text for f, _ in totals) else f"{whole:.2f}"
                    yield ctx.finding(
                        self, f"{p.place}：文字写“{excerpt(p.text, start, m.end())}”，而文件印出的 {n} 张项目表"
                              f"“{form.total}”合计 {parts} = {shown} {form.unit}{also}，"
                              f"相差 {fmt_wan(said.value - in_text)} {text_unit}（容差 ±{fmt_wan(tol)} {text_unit}，{said.precision}）",
                        expected=in_text.quantize(Decimal("0.01")), actual=said.value, tolerance=tol, **p.where())


# ------------------------------------------------------------------------------------------ P107
# A target that can be measured prints a number: digits, Chinese numerals, or 全 (全覆盖, 全部).
_MEASURED = re.compile(r"[0-9０-９%％〇零一二两三四五六七八九十百千万全]")
# Indicators that are ratios (…率, 满意度, 比例, 占比) need one; the others may be qualitative
# (达标, 有效, 提升 — 定性指标).
_RATIO = re.compile(r"(?:率|满意度|比例|占比)$")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]$")


def target_problem(name, value) -> str | None:
    """Why an indicator's target cannot be measured, or None: it is blank, it copies the indicator's
    name, or the indicator is a ratio and its target has no figure (“完工及时率：及时率”)."""
    n, v = norm_name(name), norm_name(value)
    if not n:
        return None
    if not v:
        return "未填指标值"
    if v == n:
        return "指标值照抄指标名称"
    if _MEASURED.search(v):
        return None
    if any(_RATIO.search(_BRACKETED.sub("", x)) for x in (n, v)):
        return "是比率，指标值却没有数"
    return None


def printed_indicators(pt, form):
    """(row, project name, indicator, target) of each indicator row of a printed project form: the
    rows under the header row that prints the form's ``indicator`` and ``target`` headers, the
    project being the last one named above; a row printing one text across both columns (a
    title, the next form) ends the indicators."""
    want = (norm_name(form.indicator), norm_name(form.target))
    name_label = norm_name(form.name_label or "")
    project, cols = "", None
    for i, r in enumerate(pt.rows):
        texts = [norm_name(x) for x in r]
        if name_label and name_label in texts:
            rest = [x for x in r[texts.index(name_label) + 1:] if x and norm_name(x) != name_label]
            project, cols = (rest[0].strip() if rest else ""), None
            continue
        if want[0] in texts and want[1] in texts:
            cols = (texts.index(want[0]), texts.index(want[1]))
            continue
        if cols is None:
            continue
        nj, vj = cols
        if vj >= len(r) or nj >= len(r) or not pt.begins(i, vj) or not pt.begins(i, nj):
            cols = None  # one cell across the columns: the indicators have ended
            continue
        yield i, project, r[nj], r[vj]


@register
class P107(Rule):
    """绩效指标的指标值无法衡量：未填、照抄指标名称，或比率类指标（…率、满意度、比例、占比）的指标值
    没有数。

    每个项目报一次，列出其中每条这样的指标。定性指标（达标、有效、提升等）不在此列；指标值写了数字、
    中文数字或“全”（全覆盖）的视为可衡量。印出的项目表中，指标名称与指标值各是哪一栏由表样的
    [[disclosure.project_tables]] 的 indicator、target 规定；录入表的绩效指标取三级指标与指标值。

    失败示例：普陀区万里街道2023年部门预算第31页“新建万里街道社区公共服务中心”项目：三级指标“完工及时率”
    指标值“及时率”，“居民满意度”指标值“满意度”；曲阳县交通管理大队“交通事故下降率”指标值“有效预防”。
    通过示例：“完工及时率”指标值“≥95%”；“预算内经费”指标值“合规”（定性指标）。
    """
    code, title, severity, group = "P107", "绩效指标值无法衡量", "warning", GROUP

    def check(self, ctx):
        for i, rec in enumerate(projects(ctx) or []):
            bad = [(ind.get("level3"), ind.get("value"), why) for ind in rec.get("indicators") or []
                   if (why := target_problem(ind.get("level3"), ind.get("value")))]
            if bad:
                loc = part_where(ctx, PART, i, "name", row=project_label(i, rec), column=_target_header(ctx))
                yield self._finding(ctx, project_label(i, rec), bad, loc)
        yield from self._printed(ctx)

    def _printed(self, ctx):
        from .hygiene import printed_tables

        forms = [f for f in ctx.profile.roles.disclosure.project_tables if f.indicator and f.target]
        for pt in printed_tables(ctx):
            form = _form_of(pt, forms)
            if form is None:
                continue
            by_project: dict[str, list] = {}
            for i, project, name, value in printed_indicators(pt, form):
                why = target_problem(name, value)
                if why:
                    by_project.setdefault(project, []).append((i, name, value, why))
            title = pt.title or next((x for x in (pt.rows[0] if pt.rows else ()) if x), None)
            for project, bad in by_project.items():
                page = pt.page_of(bad[0][0])
                what = f"{page}“{project}”" if project else page
                loc = {"table": title, "row": project or None, "column": form.target, "extra": {"place": page}}
                yield self._finding(ctx, what, [(n, v, w) for _, n, v, w in bad], loc)

    def _finding(self, ctx, what: str, bad, loc):
        listed = "；".join(f"“{_clip(n)}”" + (f"指标值“{_clip(v)}”" if norm_name(v) else "") + f"（{w}）"
                          for n, v, w in bad)
        return ctx.finding(self, f"{what}有 {len(bad)} 条绩效指标的指标值无法衡量：{listed}。"
                                 "应写明可衡量的目标值（如“≥95%”“≥1000次”）",
                           expected="可衡量的指标值", actual="；".join(_clip(v) or "（空白）" for _, v, _ in bad), **loc)


def _target_header(ctx) -> str | None:
    """The entry workbook's header of an indicator's target (指标值)."""
    fields = ctx.profile.parts.get(PART, {}).get("indicator_fields", [])
    return next((f["header"] for f in fields if f["key"] == "value"), None)


def _clip(s, n: int = 30) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= n else s[:n] + "…"
