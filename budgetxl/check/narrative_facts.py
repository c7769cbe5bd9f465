"""Facts stated in the narrative (情况说明): amounts next to known labels, the year each amount is
stated for, and the changes against last year (比上年增加/减少). Shared by the 文字 (W1xx) and
年度 (Y1xx) rules.

The parser is deliberately small and conservative: an amount is bound to a label only when the
label comes shortly before it in the same clause (no 。；between them) and the words in between
are connectors (为、共计、安排、合计、是、：…). Amounts inside comparisons (较上年…减少 X, 比 2023 年的
X) are kept apart from plain statements. Amounts in 万元, 元 and 亿元 are understood; full-width
digits and thousands separators (``1,573.23 万元``) are accepted. Everything is exact Decimal.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import ZERO

# ---------------------------------------------------------------------------------- text
_TRANS = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "－": "-", "％": "%",
                        "\u3000": " ", "\u00a0": " ", "＂": '"'})


_NEEDS_TRANS = re.compile("[" + "".join(chr(c) for c in _TRANS) + "]")


def normalize(text: str) -> str:
    """Full-width digits, point, minus and spaces folded to ASCII, one character for one (so
    positions in the result are positions in the original)."""
    text = text or ""
    return text.translate(_TRANS) if _NEEDS_TRANS.search(text) else text  # translate is slow on CJK text


SENTENCE_BREAKS = "。！？!?\n"
CLAUSE_BREAKS = SENTENCE_BREAKS + "；;"

# (the leading look-ahead lets the scan skip to candidate characters; same matches without it)
AMOUNT_RE = re.compile(
    r"(?=[-\d])(?<![\d.,])(?P<neg>-)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元)(?!\s*[/／每])")

# ---------------------------------------------------------------------------------- labels
_Q_OPEN, _Q_CLOSE = "[“\"‘'「『]?", "[”\"’'」』]?"

_FISCAL = "(?:财政)?(?:拨款)?(?:安排的?)?"

# label id -> written forms (regular expressions); the longest form that starts first wins
LABEL_FORMS: dict[str, list[str]] = {
    "total": ["预算收入", "收入预算", "收支总预算", "预算收支安排", "预算收支", "收支预算", "收入总计", "支出总计",
              "收支总计", "收支总额", "收入合计", "支出合计", "支出预算", "预算支出", "收入总额", "支出总额", "部门预算总收入", "部门预算总支出"],
    "gpb": ["一般公共预算收入", "一般公共预算拨款收入", "一般公共预算财政拨款收入", "一般公共预算拨款"],
    "fund": ["政府性基金预算收入", "政府性基金预算拨款收入", "政府性基金收入", "基金预算收入", "政府性基金预算拨款"],
    "soe": ["国有资本经营预算收入", "国有资本经营预算拨款收入", "国有资本经营预算拨款"],
    "special": ["财政专户核拨收入", "财政专户管理资金收入", "财政专户管理资金", "财政专户收入"],
    "own": ["单位资金收入", "单位资金"],
    "fiscal": ["财政拨款收入"],
    "carry": ["上年结转结余", "上年结转和结余", "上年结转", "年初结转和结余", "年初结转结余", "年初财政拨款结转和结余"],
    "business": ["事业收入"],
    "operating_income": ["事业单位经营收入", "经营收入"],
    "superior": ["上级补助收入"],
    "affiliated": ["附属单位上缴收入"],
    "other_income": ["其他收入"],
    "gpb_exp": ["一般公共预算支出", "一般公共预算财政拨款支出"],
    "fund_exp": ["政府性基金预算支出", "政府性基金预算财政拨款支出"],
    "soe_exp": ["国有资本经营预算支出", "国有资本经营预算财政拨款支出"],
    "fiscal_exp": ["财政拨款支出"],
    "basic": ["基本支出"],
    "project": ["项目支出"],
    # 基本支出/项目支出 qualified by the kind of appropriation: compared with that table only
    "gpb_basic": [f"一般公共预算{_FISCAL}基本支出"], "gpb_project": [f"一般公共预算{_FISCAL}项目支出"],
    "fund_basic": [f"政府性基金(?:预算)?{_FISCAL}基本支出"], "fund_project": [f"政府性基金(?:预算)?{_FISCAL}项目支出"],
    "soe_basic": [f"国有资本经营预算{_FISCAL}基本支出"], "soe_project": [f"国有资本经营预算{_FISCAL}项目支出"],
    "fiscal_basic": ["财政拨款(?:安排的?)?基本支出"], "fiscal_project": ["财政拨款(?:安排的?)?项目支出"],
    "personnel": ["人员经费", "人员支出"],
    "public": ["日常公用经费", "公用经费", "公用支出"],
    "operating": ["机关运行经费", "运行经费"],
    "sangong": [f"{_Q_OPEN}三公{_Q_CLOSE}经费"],
    "abroad": ["因公出国[（(]境[）)]费", "因公出国境费", "因公出国费"],
    "car": ["公务用车购置及运维费", "公务用车购置及运行维护费", "公务用车购置及运行费"],
    "car_purchase": ["公务用车购置费"],
    "car_operation": ["公务用车运维费", "公务用车运行维护费", "公务用车运行费"],
    "reception": ["公务接待费"],
    "procurement": ["政府采购预算", "政府采购资金", "政府采购总额", "政府采购金额"],
}

LABEL_NAMES = {
    "total": "收支总计", "gpb": "一般公共预算拨款收入", "fund": "政府性基金预算拨款收入",
    "soe": "国有资本经营预算拨款收入", "special": "财政专户管理资金收入", "own": "单位资金收入",
    "fiscal": "财政拨款收入", "carry": "上年结转结余", "business": "事业收入", "operating_income": "经营收入",
    "superior": "上级补助收入", "affiliated": "附属单位上缴收入", "other_income": "其他收入",
    "gpb_basic": "一般公共预算财政拨款基本支出", "gpb_project": "一般公共预算财政拨款项目支出",
    "fund_basic": "政府性基金预算财政拨款基本支出", "fund_project": "政府性基金预算财政拨款项目支出",
    "soe_basic": "国有资本经营预算财政拨款基本支出", "soe_project": "国有资本经营预算财政拨款项目支出",
    "fiscal_basic": "财政拨款基本支出", "fiscal_project": "财政拨款项目支出",
    "gpb_exp": "一般公共预算财政拨款支出", "fund_exp": "政府性基金预算财政拨款支出",
    "soe_exp": "国有资本经营预算财政拨款支出", "fiscal_exp": "财政拨款支出", "basic": "基本支出",
    "project": "项目支出", "personnel": "人员经费", "public": "公用经费", "operating": "机关运行经费",
    "sangong": "“三公”经费", "abroad": "因公出国（境）费", "car": "公务用车购置及运维费",
    "car_purchase": "公务用车购置费", "car_operation": "公务用车运行维护费", "reception": "公务接待费",
    "procurement": "政府采购预算",
}

# the figures a reader of the disclosure takes in first (W102 compares unlabelled amounts with these)
HEADLINE = ("total", "basic", "project", "personnel", "public", "sangong")


def _label_regex() -> tuple[re.Pattern, list[tuple[re.Pattern, str]]]:
    forms = [(f, k) for k, fs in LABEL_FORMS.items() for f in fs]
    forms.sort(key=lambda x: -len(re.sub(r"\[[^\]]*\][?]?", "x", x[0])))
    first = set()
    for f, _ in forms:
        m = re.match(r"\[([^\]]*)\]\??(.)?", f)
        first.update(m.group(1) + (m.group(2) or "") if m else f[0])
    # a look-ahead on the first character lets the scan skip most positions quickly
    combined = re.compile(f"(?=[{re.escape(''.join(sorted(first)))}])(?:{'|'.join(f for f, _ in forms)})")
    return combined, [(re.compile(f), k) for f, k in forms]


LABEL_RE, _LABEL_FORMS_RE = _label_regex()


@functools.lru_cache(maxsize=4096)
def label_id(text: str) -> str:
    """The label id of a matched label text."""
    return next(k for rx, k in _LABEL_FORMS_RE if rx.fullmatch(text))


# words that may stand between a label and its amount: 基本支出为978.93万元, “三公”经费预算安排1.20万元
GAP_RE = re.compile(r"^(?:[\s：:]|预算数?|总额|总计|合计|共计|累计|共|为|是|安排|资金|数额?|金额|达到?|计|预计|拟|"
                    r"全年|年度|本年度?|支出|经费|收入|总|约)*$")
GAP_MAX = 12

# ---------------------------------------------------------------------------------- years, comparisons
YEAR_RE = re.compile(r"(?=[12上去前本今当])(?:(?<!\d)(?P<y>(?:19|20)\d{2})\s*年(?!\d)|"
                     r"(?P<prev>上一?年度?|去年|前一年)(?!度?结转|度?结余)|(?P<cur>本年度?|今年|当年))")
_CMP_BEFORE = re.compile(r"(?:较之?|比|与|同|相较于?|相对于?|对比|低于|高于|超过)(?:的)?\s*$")
_CMP_AFTER = re.compile(r"^(?:度)?(?:的)?(?:年初)?(?:预算数?|决算数?|执行数|同期|水平|实际数?)?(?:数)?\s*"
                        r"(?:相比|比较|对比|相较|持平)")
COMPARE_RE = re.compile(r"(?:较之?|比|与|相较于?|相对于?|对比)(?:的)?\s*(?:上一?年度?|去年|(?:19|20)\d{2}\s*年)|同比|相比")
DIRECTION_RE = re.compile(r"(?P<d>增减|增加|增长|上升|提高|增多|(?<!新)增|减少|下降|降低|缩减|压减|节约|节省|减|"
                          r"多|少)(?:了)?(?:约|为|达)?\s*$")
_UP = ("增加", "增长", "上升", "提高", "增多", "增", "多")
STEADY_RE = re.compile(r"持平|无增减|没有增减|未发生变化|无变化|保持不变")
EXPLAIN_RE = re.compile(r"原因|主要|由于|因为|用于|因素|系|是因")


@dataclass
class Year:
    start: int
    end: int
    year: int
    text: str
    comparison: bool


@dataclass
class Stated:
    """One amount written in a narrative section, with what the text says about it."""

    section: str
    start: int
    end: int
    raw: str
    value: Decimal  # 万元, exact
    half: Decimal  # half a unit of the last stated digit, in 万元
    kind: str  # "plain", "change" (增加/减少 X) or "compared" (比上年的 X)
    label: str | None = None  # label id the amount is stated for (plain amounts)
    label_text: str | None = None
    sign: int | None = None  # change: +1 增加, -1 减少, None 增减 (unknown)
    subject: str | None = None  # change: label id of what changed
    year: Year | None = None  # the year mention governing the amount (None: no year said)
    sentence: tuple[int, int] = (0, 0)
    clause: tuple[int, int] = (0, 0)

    @property
    def tolerance(self) -> Decimal:
        """Text against an independently rounded table figure: 0.005 万元, or half a unit of the last
        stated digit when the text states fewer decimals."""
        return max(Decimal("0.005"), self.half)

    @property
    def signed(self) -> Decimal | None:
        return None if self.sign is None else self.sign * self.value


@dataclass
class Section:
    key: str
    title: str
    text: str  # normalized
    amounts: list[Stated] = field(default_factory=list)
    labels: list[tuple[int, int, str, str]] = field(default_factory=list)  # (start, end, id, text)
    years: list[Year] = field(default_factory=list)
    _sentences: _Spans | None = field(default=None, repr=False, compare=False)

    def sentence_of(self, pos: int) -> tuple[int, int]:
        if self._sentences is None:
            self._sentences = _Spans.pair(self.text)[1]
        return self._sentences(pos)

    def first_label(self) -> str | None:
        return self.labels[0][2] if self.labels else None


_CLAUSE_BREAK_RE = re.compile(f"[{re.escape(CLAUSE_BREAKS)}]")


class _Spans:
    """The sentence or clause around any position of one text (breaks found once, then bisected)."""

    def __init__(self, text: str, at: list[int]):
        self.at = at
        self.n = len(text)

    @classmethod
    def pair(cls, text: str) -> tuple["_Spans", "_Spans"]:
        """Clause and sentence spans of a text, from one scan for the breaks."""
        clause = [m.start() for m in _CLAUSE_BREAK_RE.finditer(text)]
        return cls(text, clause), cls(text, [i for i in clause if text[i] in SENTENCE_BREAKS])

    def __call__(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.at, pos)
        return (self.at[i - 1] + 1 if i else 0), (self.at[i] if i < len(self.at) else self.n)


def _amount(num: str, unit: str, neg: bool) -> tuple[Decimal, Decimal]:
    s = num.replace(",", "")
    d = Decimal(s)
    places = len(s.split(".", 1)[1]) if "." in s else 0
    if unit == "元":
        d, places = d / 10000, places + 4
    elif unit == "亿元":
        d, places = d * 10000, places - 4
    return (-d if neg else d), Decimal(5).scaleb(-(places + 1))


def _years(text: str, budget_year: int) -> list[Year]:
    out = []
    for m in YEAR_RE.finditer(text):
        if m.group("y"):
            y = int(m.group("y"))
        elif m.group("prev"):
            y = budget_year - 1
        else:
            y = budget_year
        cmp = bool(_CMP_BEFORE.search(text[max(0, m.start() - 4):m.start()])) or \
            bool(_CMP_AFTER.match(text[m.end():m.end() + 14]))
        out.append(Year(m.start(), m.end(), y, m.group(0), cmp))
    return out


def parse_section(key: str, title: str, raw_text: str, budget_year: int) -> Section:
    t = normalize(raw_text)
    sec = Section(key, title, t)
    for m in LABEL_RE.finditer(t):
        sec.labels.append((m.start(), m.end(), label_id(m.group(0)), m.group(0)))
    sec.years = _years(t, budget_year)
    prev_end = 0
    clause_of, sentence_of = _Spans.pair(t)
    sec._sentences = sentence_of
    for m in AMOUNT_RE.finditer(t):
        if "每" in t[max(0, m.start() - 2):m.start()]:
            prev_end = m.end()
            continue  # a unit price (每人1200元), not an amount
        value, half = _amount(m.group("num"), m.group("unit"), bool(m.group("neg")))
        clause = clause_of(m.start())
        sentence = sentence_of(m.start())
        seg_start = max(clause[0], prev_end)
        seg = t[seg_start:m.start()]
        st = Stated(key, m.start(), m.end(), m.group(0), value, half, "plain", sentence=sentence, clause=clause)
        d = DIRECTION_RE.search(seg)
        if d and d.group("d") in ("多", "少") and not COMPARE_RE.search(t[clause[0]:m.start()]):
            d = None
        if d:
            st.kind = "change"
            word = d.group("d")
            st.sign = None if word == "增减" else (1 if word in _UP else -1)
            if st.value < 0 and st.sign is not None:  # 增加-14.00万元
                st.sign, st.value = -st.sign, -st.value
            dir_pos = seg_start + d.start()
            before = [lb for lb in sec.labels if clause[0] <= lb[0] and lb[1] <= dir_pos]
            st.subject = before[-1][2] if before else None
        elif COMPARE_RE.search(seg):
            st.kind = "compared"
        else:
            inside = [lb for lb in sec.labels if seg_start <= lb[0] and lb[1] <= m.start()]
            if inside:
                lb = inside[-1]
                gap = t[lb[1]:m.start()]
                if len(gap) <= GAP_MAX and GAP_RE.match(gap):
                    st.label, st.label_text = lb[2], lb[3]
        governing = [y for y in sec.years if sentence[0] <= y.start and y.end <= m.start() and not y.comparison]
        st.year = governing[-1] if governing else None
        sec.amounts.append(st)
        prev_end = m.end()
    fallback = sec.first_label()
    for st in sec.amounts:
        if st.kind == "change" and st.subject is None:
            st.subject = fallback
    return sec


def sections(ctx) -> list[Section]:
    """Every non-empty narrative section of the unit, parsed (once per context and text)."""
    narrative = (ctx.supplement or {}).get("narrative") or {}
    titles = {n["key"]: n.get("title", n["key"]) for n in ctx.profile.parts.get("narrative", [])}
    order = list(titles) + [k for k in narrative if k not in titles]
    texts = tuple((key, str(narrative.get(key) or "")) for key in order)
    cached = getattr(ctx, "_narrative_sections", None)
    if cached is not None and cached[0] == (ctx.budget.year, texts):
        return cached[1]
    out = [parse_section(key, titles.get(key, key), text, ctx.budget.year) for key, text in texts if text.strip()]
    try:
        ctx._narrative_sections = ((ctx.budget.year, texts), out)
    except AttributeError:  # a context that takes no attributes: parse every time
        pass
    return out


def where(ctx, key: str, title: str | None = None) -> dict:
    """Location fields of a finding about a narrative section: its cell in a workbook."""
    loc: dict = {"table": "情况说明"}
    if title:
        loc["row"] = title
    pos = ctx.positions.get(("narrative", key))
    if pos:
        loc["sheet"], loc["cell"] = pos
    else:  # a published text: the line where the section starts
        line = (ctx.supplement or {}).get("narrative_lines", {}).get(key)
        if line:
            loc["extra"] = {"origin": f"{ctx.file} 第{line}行"}
    return loc


def excerpt(sec: Section, start: int, end: int, width: int = 14) -> str:
    """The words around a span, for a message: …运行经费共计安排90.03万元…"""
    s = max(sec.sentence_of(start)[0], start - width)
    e = min(sec.sentence_of(max(start, end - 1))[1], end + 4)
    txt = sec.text[s:e].strip()
    return ("…" if s > 0 else "") + txt + ("…" if e < len(sec.text) else "")


def num(d: Decimal) -> str:
    """A figure for a message: two decimals, more when the text stated more."""
    q = d.quantize(Decimal("0.01"))
    return f"{q:f}" if q == d else f"{d.normalize():f}"


# ---------------------------------------------------------------------------------- table values
def _cell(table: str, row: str, col: str, desc: str):
    return lambda b, sup: (b.value(table, row, col), desc)


def _sum(cells: list[tuple[str, str, str]], desc: str):
    return lambda b, sup: (sum((b.value(*c) for c in cells), ZERO), desc)


def procurement_sum(profile, sup: dict) -> Decimal | None:
    """Σ of the procurement lines' 合计 (None when there are none)."""
    from ..supplement import procurement_total

    lines = (sup or {}).get("procurement") or []
    if not lines:
        return None
    return sum((procurement_total(profile, rec) for rec in lines), ZERO)


def _procurement(b, sup):
    total = procurement_sum(b.profile, sup)
    if total is None:
        raise KeyError("procurement")
    return total, "政府采购预算表“合计”"


_T1, _T2, _T3, _T4 = "收支总表", "收入总表", "支出总表", "财政拨款收支总表"
_T5, _T6, _T7, _T8, _T9 = ("一般公共预算财政拨款支出表", "一般公共预算财政拨款基本支出表", "政府性基金预算财政拨款支出表",
                           "国有资本经营预算财政拨款支出表", "三公经费支出表")

# label id -> where the tables hold the figure (the first is the one shown; a text figure equal to
# any of them is accepted, e.g. 基本支出 of all funds or of general appropriations only)
VALUES = {
    "total": [_cell(_T1, "grand_in", "amount", "收支总表“收入总计”"), _cell(_T1, "grand_out", "amount", "收支总表“支出总计”"),
              _cell(_T1, "total_in", "amount", "收支总表“本年收入合计”"),
              _cell(_T1, "total_out", "amount", "收支总表“本年支出合计”")],
    "gpb": [_cell(_T1, "gpb", "amount", "收支总表“一般公共预算拨款收入”"), _cell(_T4, "gpb", "amount", "财政拨款收支总表“一般公共预算拨款”")],
    "fund": [_cell(_T1, "fund", "amount", "收支总表“政府性基金预算拨款收入”"), _cell(_T4, "fund", "amount", "财政拨款收支总表“政府性基金预算拨款”")],
    "soe": [_cell(_T1, "soe", "amount", "收支总表“国有资本经营预算拨款收入”"), _cell(_T4, "soe", "amount", "财政拨款收支总表“国有资本经营预算拨款”")],
    "special": [_cell(_T1, "special", "amount", "收支总表“财政专户管理资金收入”"), _cell(_T2, "total", "special", "收入总表“财政专户收入”合计")],
    "own": [_cell(_T1, "own", "amount", "收支总表“单位资金”")],
    "fiscal": [_cell(_T2, "total", "fiscal", "收入总表“财政拨款收入”合计"), _cell(_T4, "total_in", "amount", "财政拨款收支总表“本年收入合计”")],
    "carry": [_cell(_T1, "carry_in", "amount", "收支总表“上年结转结余”"), _cell(_T2, "total", "carryover", "收入总表“上年结转”合计"),
              _cell(_T4, "open", "amount", "财政拨款收支总表“年初财政拨款结转和结余”")],
    "business": [_cell(_T2, "total", "business", "收入总表“事业收入”合计")],
    "operating_income": [_cell(_T2, "total", "operating", "收入总表“经营收入”合计")],
    "superior": [_cell(_T2, "total", "superior", "收入总表“上级补助收入”合计")],
    "affiliated": [_cell(_T2, "total", "affiliated", "收入总表“附属单位上缴收入”合计")],
    "other_income": [_cell(_T2, "total", "other", "收入总表“其他收入”合计")],
    "gpb_exp": [_cell(_T5, "total", "total", "一般公共预算财政拨款支出表“合计”")],
    "fund_exp": [_cell(_T7, "total", "total", "政府性基金预算财政拨款支出表“合计”")],
    "soe_exp": [_cell(_T8, "total", "total", "国有资本经营预算财政拨款支出表“合计”")],
    "fiscal_exp": [_cell(_T4, "total_out", "total", "财政拨款收支总表“本年支出合计”"),
                   _cell(_T4, "grand_out", "total", "财政拨款收支总表“支出总计”")],
    "basic": [_cell(_T3, "total", "basic", "支出总表“基本支出”合计"), _cell(_T5, "total", "basic", "一般公共预算财政拨款支出表“基本支出”合计"),
              _sum([(_T5, "total", "basic"), (_T7, "total", "basic"), (_T8, "total", "basic")], "财政拨款基本支出"),
              _cell(_T6, "total", "total", "一般公共预算财政拨款基本支出表“合计”")],
    "project": [_cell(_T3, "total", "project", "支出总表“项目支出”合计"), _cell(_T5, "total", "project", "一般公共预算财政拨款支出表“项目支出”合计"),
                _sum([(_T5, "total", "project"), (_T7, "total", "project"), (_T8, "total", "project")], "财政拨款项目支出")],
    "gpb_basic": [_cell(_T5, "total", "basic", "一般公共预算财政拨款支出表“基本支出”合计")],
    "gpb_project": [_cell(_T5, "total", "project", "一般公共预算财政拨款支出表“项目支出”合计")],
    "fund_basic": [_cell(_T7, "total", "basic", "政府性基金预算财政拨款支出表“基本支出”合计")],
    "fund_project": [_cell(_T7, "total", "project", "政府性基金预算财政拨款支出表“项目支出”合计")],
    "soe_basic": [_cell(_T8, "total", "basic", "国有资本经营预算财政拨款支出表“基本支出”合计")],
    "soe_project": [_cell(_T8, "total", "project", "国有资本经营预算财政拨款支出表“项目支出”合计")],
    "fiscal_basic": [_sum([(_T5, "total", "basic"), (_T7, "total", "basic"), (_T8, "total", "basic")], "财政拨款基本支出")],
    "fiscal_project": [_sum([(_T5, "total", "project"), (_T7, "total", "project"), (_T8, "total", "project")],
                            "财政拨款项目支出")],
    "personnel": [_cell(_T6, "total", "personnel", "一般公共预算财政拨款基本支出表“人员经费”合计")],
    "public": [_cell(_T6, "total", "public", "一般公共预算财政拨款基本支出表“公用经费”合计")],
    "operating": [_cell(_T6, "total", "public", "一般公共预算财政拨款基本支出表“公用经费”合计（机关运行经费）")],
    "sangong": [_cell(_T9, "total", "total", "三公经费支出表“合计”"), _cell(_T9, "total", "gpb", "三公经费支出表“合计”一般公共预算财政拨款"),
                _cell(_T9, "sangong", "total", "三公经费支出表“三公经费小计”")],
    "abroad": [_cell(_T9, "abroad", "total", "三公经费支出表“因公出国（境）费”"),
               _cell(_T9, "abroad", "gpb", "三公经费支出表“因公出国（境）费”一般公共预算")],
    "car": [_cell(_T9, "car", "total", "三公经费支出表“公务用车购置及运维费”"), _cell(_T9, "car", "gpb", "三公经费支出表“公务用车购置及运维费”一般公共预算")],
    "car_purchase": [_cell(_T9, "car_purchase", "total", "三公经费支出表“公务用车购置费”"),
                     _cell(_T9, "car_purchase", "gpb", "三公经费支出表“公务用车购置费”一般公共预算")],
    "car_operation": [_cell(_T9, "car_operation", "total", "三公经费支出表“公务用车运行维护费”"),
                      _cell(_T9, "car_operation", "gpb", "三公经费支出表“公务用车运行维护费”一般公共预算")],
    "reception": [_cell(_T9, "reception", "total", "三公经费支出表“公务接待费”"),
                  _cell(_T9, "reception", "gpb", "三公经费支出表“公务接待费”一般公共预算")],
    "procurement": [_procurement],
}


def table_values(budget, sup: dict | None, label: str) -> list[tuple[Decimal, str]]:
    """The table figures a label stands for; cells the profile lacks are left out."""
    out = []
    for get in VALUES.get(label, []):
        try:
            out.append(get(budget, sup or {}))
        except (KeyError, ValueError, AttributeError, TypeError):
            continue
    return out


# last year's totals kept in supplement["previous"]
PREVIOUS_KEYS = {"total": "total", "basic": "basic", "project": "project", "sangong": "sangong",
                 "operating": "operating", "public": "operating"}


def previous_value(ctx, label: str) -> Decimal | None:
    """Last year's figure for a label: from the previous year's budget (--previous) when given,
    else from supplement["previous"]; None when unknown."""
    if label not in PREVIOUS_KEYS:
        return None
    if ctx.previous is not None:
        vals = table_values(ctx.previous, ctx.previous.supplement, label)
        if vals:
            return vals[0][0]
    v = ((ctx.supplement or {}).get("previous") or {}).get(PREVIOUS_KEYS[label])
    return v if isinstance(v, Decimal) else None


def changes(sec: Section) -> list[Stated]:
    return [a for a in sec.amounts if a.kind == "change"]
