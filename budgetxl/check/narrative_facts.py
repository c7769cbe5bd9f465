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

from ..money import convert
from ..roles import describe
from ..supplement import procurement_total

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
# What the text states amounts for is the profile's: [[roles.labels]] gives each label its id, its
# name and its written forms (regular expressions); the longest form that starts first wins.
class Labels:
    """The labels of one profile, compiled once: one combined search and each form on its own."""

    def __init__(self, roles):
        self.roles = roles
        forms = [(f, lb.id) for lb in roles.labels.values() for f in lb.forms]
        forms.sort(key=lambda x: -len(re.sub(r"\[[^\]]*\][?]?", "x", x[0])))
        self.forms = [(re.compile(f), k) for f, k in forms]
        self.names = {lb.id: lb.name for lb in roles.labels.values()}
        if not forms:
            self.search = None
            return
        first = set()
        for f, _ in forms:
            m = re.match(r"\[([^\]]*)\]\??(.)?", f)
            first.update(m.group(1) + (m.group(2) or "") if m else f[0])
        # a look-ahead on the first character lets the scan skip most positions quickly
        self.search = re.compile(f"(?=[{re.escape(''.join(sorted(first)))}])(?:{'|'.join(f for f, _ in forms)})")
        self.id = functools.lru_cache(maxsize=4096)(self._id)

    def __getstate__(self):  # the profile goes to worker processes: its cache does not pickle
        return {k: v for k, v in self.__dict__.items() if k != "id"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.search is not None:
            self.id = functools.lru_cache(maxsize=4096)(self._id)

    def _id(self, text: str) -> str:
        """The label id of a matched label text."""
        return next(k for rx, k in self.forms if rx.fullmatch(text))

    def finditer(self, text: str):
        return self.search.finditer(text) if self.search is not None else iter(())


def labels_of(roles) -> Labels:
    """The compiled labels of a profile's roles (kept with them)."""
    got = roles.__dict__.get("_labels")
    if got is None:
        got = roles.__dict__["_labels"] = Labels(roles)
    return got


def _default_roles():
    from ..spec import load_profile

    return load_profile().roles


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


_PLACES = {1: "一", 2: "两", 3: "三"}


def precision(half: Decimal) -> str:
    """How precisely the text states an amount (``half``: half a unit of its last stated digit, in
    万元), for a message: 整数万元, N 位小数, or 以元计 (to the 元 or finer)."""
    if half == 0:
        return "文字写的是 0，恰为零"
    if half >= Decimal("0.5"):
        return "文字为整数万元"
    if half <= Decimal("0.00005"):
        return "文字以元计"
    places = -half.normalize().as_tuple().exponent - 1  # half = 5 × 10^-(places + 1)
    return f"文字保留{_PLACES.get(places, str(places))}位小数"


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
    def precision(self) -> str:
        """Why the tolerance is what it is, for a message."""
        said = precision(self.half)
        return said if self.half >= Decimal("0.005") else f"{said}，比表的 0.01 万元更精确，容差取其一半"

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


def parse_section(key: str, title: str, raw_text: str, budget_year: int, roles=None) -> Section:
    """One narrative section parsed with a profile's labels (``roles``; the default profile's when
    not given)."""
    labels = labels_of(roles if roles is not None else _default_roles())
    t = normalize(raw_text)
    sec = Section(key, title, t)
    for m in labels.finditer(t):
        sec.labels.append((m.start(), m.end(), labels.id(m.group(0)), m.group(0)))
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
    out = [parse_section(key, titles.get(key, key), text, ctx.budget.year, ctx.profile.roles)
           for key, text in texts if text.strip()]
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
def figure_value(budget, figure) -> Decimal | None:
    """A figure's exact value for a budget; None for a part's total when the unit lists no lines
    of that part (nothing to compare with, which is not zero)."""
    if figure.part is not None:
        lines = ((budget.supplement or {}).get(figure.part)) or []
        if not lines:
            return None
        return sum((procurement_total(budget.profile, rec) for rec in lines), Decimal("0.00"))
    return budget.evaluate(figure.node)


def table_values(budget, label: str) -> list[tuple[Decimal, str]]:
    """The table figures a label stands for (the profile's [[roles.labels]] figures), each with its
    description. A part's total is left out when the unit lists no lines of it; a label or figure
    the profile lacks raises RoleMissing (the rule is then not applicable, never silent)."""
    profile = budget.profile
    roles = profile.roles
    out = []
    for name in roles.label(label).figures:
        fig = roles.figure(name)
        v = figure_value(budget, fig)
        if v is not None:  # in the unit the text states amounts in (元 tables, 万元 text in Shanghai)
            desc = describe(profile, fig)
            unit = profile.figure_unit(fig.node) if fig.node is not None else profile.text_unit
            if unit != profile.text_unit:  # compare in the text's unit, show the table's figure too
                v, desc = convert(v, unit, profile.text_unit), f"{desc} {v:,} {unit}"
            out.append((v, desc))
    return out


def label_name(roles, label: str | None) -> str:
    lb = roles.labels.get(label) if label else None
    return lb.name if lb is not None else (label or "")


def previous_value(ctx, label: str) -> Decimal | None:
    """Last year's figure for a label: from the previous year's budget (--previous) when given,
    else from supplement["previous"] under the headline key the label stands for; None when
    unknown or when the profile asks for no last-year figure of it."""
    head = ctx.profile.roles.previous_of(label)
    if head is None:
        return None
    if ctx.previous is not None:
        vals = table_values(ctx.previous, label)
        if vals:
            return vals[0][0]
    v = ((ctx.supplement or {}).get("previous") or {}).get(head.key)
    return v if isinstance(v, Decimal) else None


_COUNT_GAP = r"\s*(?:共|总计|合计|共计|为|有|计|：|:)*\s*"


@functools.lru_cache(maxsize=64)
def _count_re(words: tuple[str, ...], measure: str) -> re.Pattern:
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:{alts}){_COUNT_GAP}(?P<n>\d+)\s*{re.escape(measure)}")


def stated_counts(text: str, words, measure: str, not_after=()) -> list[tuple[int, int, int]]:
    """Counts a text states of what ``words`` name, in ``measure`` ("共有车辆0辆", "车辆7辆",
    "编报绩效目标的项目共4个"): (start, end, count) of each. A count right after a word of ``not_after`` in its clause (购置车辆
    0辆: a purchase, not what is held) is left out."""
    out = []
    t = normalize(text)
    for m in _count_re(tuple(words), measure).finditer(t):
        clause = re.split(f"[{re.escape(CLAUSE_BREAKS)}，,]", t[:m.start()])[-1]
        if any(clause.endswith(w) or clause[-len(w) - 2:].find(w) >= 0 for w in not_after):
            continue
        out.append((m.start(), m.end(), int(m.group("n"))))
    return out


def changes(sec: Section) -> list[Stated]:
    return [a for a in sec.amounts if a.kind == "change"]
