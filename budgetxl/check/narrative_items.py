"""The narrative as real documents write it: passages (paragraphs with their place) and the
classification items (类/款/项 with an amount) they state, with what each item's paragraph says
about last year, the change and its reason.

One model for every source: the sections of an entry workbook's 情况说明 or a facts/text
disclosure (``supplement["narrative"]``, a section split into its paragraphs, wrapped lines
joined), and the paragraphs of a published PDF/docx in reading order (``supplement["paragraphs"]``
or a published document in ``ctx.meta["document"]``), each with its place (page, paragraph, line).

Item shapes understood (all seen in published documents; none is tied to one of them):

* ``“A（类）B（款）C（项）”X万元`` — with or without quotes, 序号 (``1.`` ``1、`` ``（1）``) and
  ``科目`` before the amount, one to three levels, stray spaces and wrapped lines anywhere;
* ``A（204类）B（06款）C（01项）X万元`` — the code parts written inside the level marks;
* ``“A-B-C”科目X万元`` — the levels by position, separated by hyphens or dashes;
* ``“A”科目X万元`` — a 类 on its own (often in whole 万元: ``“一般公共服务支出”科目12,789万元``).

An item's names are mapped to a code by the full path (类, then a 款 under it, then a 项 under
that), never by the 项 name alone: 一般行政管理事务 is a 项 under dozens of 款. Where the path does
not resolve, the item keeps what did resolve, each stated name's problem, and the code the table
figures point at (the only code under the resolved part whose amount is the stated one).
Everything is exact Decimal; amounts are held in 万元 with half a unit of their last stated digit.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .narrative_facts import normalize, precision, where

WAN = Decimal(10000)
LEVELS = ("类", "款", "项")
LEVEL_LENGTH = {"类": 3, "款": 5, "项": 7}

# ---------------------------------------------------------------------------------- passages
_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}%])|(?<=\d)[ \t]+(?=[.%])|(?<=[.])[ \t]+(?=\d)")
_ENDS_PARAGRAPH = re.compile(r"[。！？!?：:；;]\s*$")
# a line that begins a new paragraph: an enumeration (1. 一、 （一） (1)) or a heading word
_STARTS_PARAGRAPH = re.compile(r"^\s*(?:\d{1,3}\s*[.、．](?!\d)|[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[\d一二三四五六七八九十]{1,3}\s*[）)]|"
                               r"注[：:])")


@functools.lru_cache(maxsize=8192)
def matches(rx: re.Pattern, text: str) -> tuple[re.Match, ...]:
    """Every match of a pattern in a text, kept: units of one bureau share much of their wording
    (名词解释, 职能), so a consolidation scans each paragraph once, not once per unit."""
    return tuple(rx.finditer(text))


@functools.lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """Normalized text for matching: full-width digits folded, line breaks and the spaces a PDF
    puts between Chinese characters (letter-spaced runs, "财 政 业 务 费") removed."""
    t = normalize(text).replace("\r", "")
    t = re.sub(r"\n+", "", t)
    t = _SPACE_IN_CJK.sub("", t)
    return t.strip()


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """A section's text as paragraphs (first line number, joined text): a line break ends a
    paragraph where the line ends a sentence or the next line starts an enumeration; otherwise
    the line was wrapped and is joined to the next."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    first = 0
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            if buf:
                out.append((first, "".join(buf)))
                buf = []
            continue
        if buf and _STARTS_PARAGRAPH.match(line):
            out.append((first, "".join(buf)))
            buf = []
        if not buf:
            first = i
        buf.append(line.strip())
        if _ENDS_PARAGRAPH.search(line):
            out.append((first, "".join(buf)))
            buf = []
    if buf:
        out.append((first, "".join(buf)))
    return out


@dataclass
class Passage:
    """One paragraph (or heading) of the narrative, with where it is printed."""

    section: str  # section key (情况说明 part) or heading it stands under
    title: str
    index: int  # 1-based paragraph number within the section (or the document)
    text: str  # cleaned (see :func:`clean`)
    place: str  # "第6页", "第3段", "第12行" — for messages
    loc: dict = field(default_factory=dict)  # location fields of a finding
    heading: bool = False
    raw: str = ""

    def where(self) -> dict:
        loc = {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.loc.items()}
        extra = loc.setdefault("extra", {})
        if self.place:
            extra["place"] = self.place
        return loc


def document_paragraphs(ctx):
    doc = (getattr(ctx, "meta", None) or {}).get("document")
    if doc is not None and getattr(doc, "paragraphs", None) is not None:
        return [{"text": p.text, "place": str(p.place), "heading": p.heading is not None} for p in doc.paragraphs]
    paras = (ctx.supplement or {}).get("paragraphs")
    return paras if isinstance(paras, list) else None


def from_document(doc) -> dict:
    """What the text rules need of a published document (:class:`budgetxl.published.Document`), as
    supplement entries: its paragraphs in reading order with their place, its title lines, and
    each printed table's title, the lines between its title and its body (captions) and under it
    (notes), the short texts of its first row, whether it prints a non-zero figure (W307, W309, W310,
    W314), its first page and its cells' texts by grid row (a merged cell's text in every position it
    covers, where each cell begins, each row's page; P105–P107 read printed project tables); and the pages printed as images only (no text read)."""
    paragraphs = [{"text": p.text, "place": str(p.place), "heading": p.heading is not None}
                  for p in getattr(doc, "paragraphs", None) or []]
    notes = []
    for t in getattr(doc, "tables", None) or []:
        figures = any(f.value != 0 for _, f in t.figures())
        # the short texts of its first row: a form whose title is printed inside it (项目绩效目标填报表)
        rows = getattr(t, "rows", None) or []
        heads = list(dict.fromkeys(c.text.strip() for c in (rows[0] if rows else []) if c is not None
                                   and c.text.strip() and len(c.text.strip()) <= 40))
        pages = getattr(t, "pages", None) or []
        place = str(t.title_place) if t.title or not pages else f"第{pages[0]}页"
        notes.append({"title": t.title or "", "notes": list(t.notes), "captions": list(getattr(t, "captions", None) or []),
                      "figures": figures, "place": place, "index": getattr(t, "index", None), "heads": heads,
                      "rows": [["" if c is None else c.text for c in r] for r in rows],
                      # where each grid position's cell begins (a text printed twice, not one merged cell:
                      # P107), and the page each row is printed on
                      "starts": [[c is not None and getattr(c, "col", j) == j for j, c in enumerate(r)] for r in rows],
                      "row_pages": [next((pl.page for c in r if c is not None and (pl := getattr(c, "place", None))),
                                         None) for r in rows]})
    return {"paragraphs": paragraphs, "title": " ".join(str(x) for x in getattr(doc, "front", None) or []),
            "table_notes": notes, "image_pages": list(getattr(doc, "unreadable_pages", None) or [])}


def passages(ctx) -> list[Passage]:
    """Every paragraph of the unit's narrative in reading order (parsed once per context)."""
    cached = getattr(ctx, "_passages", None)
    sup = ctx.supplement or {}
    narrative = sup.get("narrative") or {}
    key = (tuple(narrative.items()) if isinstance(narrative, dict) else id(narrative), id(sup.get("paragraphs")),
           id((getattr(ctx, "meta", None) or {}).get("document")))
    if cached is not None and cached[0] == key:
        return cached[1]
    out: list[Passage] = []
    given = document_paragraphs(ctx)
    if given is not None:
        section = ""
        for i, p in enumerate(given, start=1):
            text = p.get("text", "") if isinstance(p, dict) else str(p)
            heading = bool(p.get("heading")) if isinstance(p, dict) else False
            if heading:
                section = clean(text)
            place = str(p.get("place") or "") if isinstance(p, dict) else ""
            loc = {"table": "情况说明", "row": section or None}
            if ctx.file:
                loc["extra"] = {"origin": f"{ctx.file} {place}".strip()}
            out.append(Passage(p.get("section", section) if isinstance(p, dict) else section, section, i,
                               clean(text), place, loc, heading, text))
    else:
        narrative = sup.get("narrative") or {}
        titles = {n["key"]: n.get("title", n["key"]) for n in ctx.profile.parts.get("narrative", [])}
        order = list(titles) + [k for k in narrative if k not in titles]
        for skey in order:
            text = str(narrative.get(skey) or "")
            if not text.strip():
                continue
            title = titles.get(skey, skey)
            loc = where(ctx, skey, title)
            for n, (line, para) in enumerate(split_paragraphs(text), start=1):
                place = f"{title}第{n}段" + (f"（第{line}行）" if line > 1 else "")
                out.append(Passage(skey, title, n, clean(para), place, loc, False, para))
    try:
        ctx._passages = (key, out)
    except AttributeError:
        pass
    return out


def excerpt(text: str, start: int, end: int, width: int = 16) -> str:
    s, e = max(0, start - width), min(len(text), end + 6)
    return ("…" if s > 0 else "") + text[s:e] + ("…" if e < len(text) else "")


# ---------------------------------------------------------------------------------- amounts
AMOUNT = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>万元|亿元|元)"


@dataclass(frozen=True)
class Amount:
    text: str
    value: Decimal  # 万元, exact
    half: Decimal  # half a unit of the last stated digit, in 万元
    start: int = 0
    end: int = 0

    @property
    def precision(self) -> str:
        """How precisely the text states it, for a message."""
        return precision(self.half)


def amount(num: str, unit: str, start: int = 0, end: int = 0) -> Amount:
    s = num.replace(",", "")
    d = Decimal(s)
    places = len(s.split(".", 1)[1]) if "." in s else 0
    if unit == "元":
        d, places = d / WAN, places + 4
    elif unit == "亿元":
        d, places = d * WAN, places - 4
    # a stated zero is exactly zero ("0万元" says there is nothing, not "between −0.5 and 0.5")
    half = Decimal(0) if d == 0 else Decimal(5).scaleb(-(places + 1))
    return Amount(f"{num}{unit}", d, half, start, end)


def fmt_wan(d: Decimal) -> str:
    q = d.quantize(Decimal("0.01"))
    return f"{q:f}" if q == d else f"{d.normalize():f}"


def to_wan(value: Decimal, unit: str) -> Decimal:
    return value / WAN if unit == "元" else value * WAN if unit == "亿元" else value


# ---------------------------------------------------------------------------------- item headings
_MARK = r"[（(]\s*(?P<code>\d{1,3})?\s*(?P<lvl>类|款|项)\s*[）)]"
_MARK_RE = re.compile(_MARK)
# a name: no quotes, sentence punctuation or digits; a bracket inside a name (因公出国（境）, 政府
# 办公厅（室）) is allowed when it is not a level mark
_NAME = r"(?:[^“”\"'‘’「」（）()，,。；;：:、\d\s%]|[（(](?!\s*\d*\s*[类款项]\s*[）)])[^（）()\d]{1,4}[）)])+"
_NAME_MARK = re.compile(rf"(?P<name>{_NAME}?)\s*{_MARK}")
_LEAD = r"(?:(?P<no>\d{1,3})\s*[.、．]|[（(]\s*(?P<no2>\d{1,3})\s*[）)])?\s*"
_Q1, _Q2 = r"[“\"‘「]?", r"[”\"’」]?"
_GAP = r"\s*(?:科目)?\s*(?:预算数?|安排|为|共计|合计|资金|：|:)*\s*"
MARKED_RE = re.compile(rf"{_LEAD}{_Q1}\s*(?P<path>(?:{_NAME}?\s*{_MARK}\s*){{1,3}}){_Q2}{_GAP}{AMOUNT}")
_DASH = r"\s*[-－—–‐]{1,2}\s*"
# a code written before its name: 2080505机关事业单位基本养老保险缴费支出82.34万元
CODED_RE = re.compile(rf"{_LEAD}(?<![\d.,])(?P<code>2\d{{2}}(?:\d{{2}}){{0,2}})(?![\d.,])\s*[“\"‘「]?\s*(?P<path>(?!年){_NAME})\s*"
                      rf"[”\"’」]?\s*(?:[（(][类款项][）)])?{_GAP}{AMOUNT}")
DASHED_RE = re.compile(rf"{_LEAD}[“\"‘「]\s*(?P<path>{_NAME}(?:{_DASH}{_NAME}){{0,2}})\s*[”\"’」]\s*(?P<kemu>科目)?{_GAP}{AMOUNT}")


_COULD_MARKED = re.compile(r"[（(]\s*\d{0,3}\s*[类款项]\s*[）)]")
_COULD_DASHED = re.compile(r"[“\"‘「][^”\"’」]{1,60}?[-－—–‐][^”\"’」]{1,80}?[”\"’」]|[“\"‘「][^”\"’」]{2,40}[”\"’」]\s*科目")
_COULD_CODED = re.compile(r"(?<![\d.,])2\d{2}(?:\d{2}){0,2}(?![\d.,年])\s*[“\"‘「]?[\u4e00-\u9fff]")


@dataclass
class Name:
    text: str  # as stated (cleaned)
    level: str  # 类/款/项 as stated (by mark or by position)
    code_part: str | None = None  # digits written in the mark: (204类), (06款)


@dataclass
class Item:
    """A classification item stated in the narrative with its amount."""

    passage: Passage
    start: int
    end: int
    number: str | None
    names: list[Name]
    amount: Amount
    marked: bool  # level marks （类）（款）（项）, else hyphens / a 类 alone
    body: str = ""  # what follows its amount up to the next item (following paragraphs included)
    # resolution against the code list
    code: str | None = None  # the code the path (or the figures) point at
    resolved: str | None = None  # the deepest code the stated path resolves to
    path_ok: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)
    duplicate_of: "Item | None" = None

    @property
    def label(self) -> str:
        if self.marked:
            return "".join(f"{n.text}（{n.code_part or ''}{n.level}）" for n in self.names)
        if len(self.names) == 1 and self.names[0].code_part:
            return f"{self.names[0].code_part}{self.names[0].text}"
        return "-".join(n.text for n in self.names)

    @property
    def key(self) -> tuple:
        return (tuple((n.text, n.level) for n in self.names), self.amount.value)

    @property
    def level(self) -> str:
        return self.names[-1].level


def _names_marked(path: str) -> list[Name]:
    out = []
    for m in _NAME_MARK.finditer(path):
        name = re.sub(r"\s+", "", m.group("name") or "")
        out.append(Name(name, m.group("lvl"), m.group("code")))
    return out


def _names_dashed(path: str) -> list[Name]:
    parts = [re.sub(r"\s+", "", p) for p in re.split(_DASH, path)]
    return [Name(p, LEVELS[i]) for i, p in enumerate(parts) if i < 3]


def find_items(passage: Passage) -> list[Item]:
    """The items a paragraph states, each with its body (the text up to the next item)."""
    t = passage.text
    found: list[Item] = []
    taken: list[tuple[int, int]] = []
    for rx, marked, could in ((MARKED_RE, True, _COULD_MARKED), (DASHED_RE, False, _COULD_DASHED),
                              (CODED_RE, False, _COULD_CODED)):
        if not matches(could, t):  # a cheap scan first: most paragraphs state no item at all
            continue
        for m in matches(rx, t):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if rx is CODED_RE:
                code = m.group("code")
                names = [Name(re.sub(r"\s+", "", m.group("path")), LEVELS[(3, 5, 7).index(len(code))], code)]
            else:
                names = _names_marked(m.group("path")) if marked else _names_dashed(m.group("path"))
            if not names or any(not n.text for n in names if not n.code_part):
                continue
            if marked and [n.level for n in names] != list(LEVELS[:len(names)]):
                pass  # kept: a level written twice or out of order is itself a finding
            amt = amount(m.group("num"), m.group("unit"), m.start("num"), m.end("unit"))
            found.append(Item(passage, m.start(), m.end(), m.group("no") or m.group("no2"), names, amt, marked))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda it: it.start)
    for i, it in enumerate(found):
        nxt = found[i + 1].start if i + 1 < len(found) else len(t)
        it.body = t[it.end:nxt]
    return found


# ---------------------------------------------------------------------------------- code names
NAME_VARIANTS = str.maketrans({"它": "他", "(": "（", ")": "）", "﹙": "（", "﹚": "）"})


def name_key(name: str) -> str:
    """A name for comparison: spaces, quotes and bracket widths ignored, 其它 read as 其他."""
    return re.sub(r"[\s“”\"'‘’「」]", "", name or "").translate(NAME_VARIANTS)


@dataclass(frozen=True)
class Rename:
    code: str
    old: str
    new: str
    since: int


MAX_LIST_BYTES = 2_000_000  # a word list is a few KB; anything this big is not one


@functools.lru_cache(maxsize=16)
def read_list(path: str, header: tuple[str, ...], what: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The rows of a word list a text rule reads (CSV in UTF-8 or GB18030, as a bureau saves it
    from Excel or WPS; lines starting with # are comments), each with its line number in the file,
    after the header, which must begin with ``header``. Blank rows are left out. A file that is
    missing, too big or has another header is a :class:`SpecError` naming the file (and line) —
    never an empty list."""
    from ..errors import SpecError
    from ..fileio import decode_bureau_text

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_LIST_BYTES:
            raise SpecError(f"{what} {p} 有 {size:,} 字节，不像是词表（上限 {MAX_LIST_BYTES:,}）")
        data = p.read_bytes()
    except OSError as e:
        raise SpecError(f"{what} {p} 无法读取（{e.strerror or e}）") from None
    lines = [(n, line) for n, line in enumerate(decode_bureau_text(data, f"{what} {p}").splitlines(), start=1)
             if line.strip() and not line.startswith("#")]
    rows = [(n, tuple(c.strip() for c in row)) for (n, _), row in zip(lines, csv.reader(line for _, line in lines))]
    if not rows or rows[0][1][:len(header)] != header:
        where = f"第{rows[0][0]}行" if rows else ""
        raise SpecError(f"{what} {p} {where}：表头应为“{','.join(header)}”")
    return tuple((n, row) for n, row in rows[1:] if any(row))


def list_error(path: str, what: str, line: int, problem: str):
    """The error for one line of a word list (see :func:`read_list`)."""
    from ..errors import SpecError

    return SpecError(f"{what} {path} 第{line}行：{problem}")


@functools.lru_cache(maxsize=4)
def renames(path: str) -> tuple[Rename, ...]:
    """Classification names that were replaced (templates/codes/function-renamed.csv: 科目编码,
    旧名称, 新名称, 自年度)."""
    what = "已改名科目表"
    out = []
    for n, row in read_list(path, ("科目编码", "旧名称", "新名称", "自年度"), what):
        if len(row) < 4 or not all(row[:3]) or not row[3].isdigit():
            raise list_error(path, what, n, "应写科目编码、旧名称、新名称和自年度（四位年份）")
        out.append(Rename(row[0], row[1], row[2], int(row[3])))
    return tuple(out)


def shipped_list(ctx, key: str, default: str) -> Path:
    """A word list a text rule reads: the profile's own (parts.toml ``[narrative_checks] key``,
    relative to the profile) or the shipped ``templates/<default>``."""
    from ..resources import templates_dir

    rel = (ctx.profile.parts.get("narrative_checks") or {}).get(key)
    return (ctx.profile.directory / rel) if rel else templates_dir() / default


def rename_list(ctx) -> tuple[Rename, ...]:
    return renames(str(shipped_list(ctx, "renamed_codes", "codes/function-renamed.csv")))


def _parent(code: str) -> str:
    return code[:3] if len(code) == 5 else code[:5] if len(code) == 7 else ""


_INDEX: dict[int, tuple] = {}


def _list_index(cl) -> tuple[dict, dict]:
    """A code list's names by parent code and everywhere, built once per list (kept with its id
    and the list itself, so a list freed and another made at the same address is not mistaken)."""
    got = _INDEX.get(id(cl))
    if got is not None and got[0] is cl:
        return got[1], got[2]
    by_parent: dict[str, dict[str, str]] = {}
    anywhere: dict[str, list[str]] = {}
    for code, name in cl.entries.items():
        k = name_key(name)
        by_parent.setdefault(_parent(code), {}).setdefault(k, code)
        anywhere.setdefault(k, []).append(code)
    if len(_INDEX) > 16:
        _INDEX.clear()
    _INDEX[id(cl)] = (cl, by_parent, anywhere)
    return by_parent, anywhere


class Names:
    """Function-code names of one budget: the code list's and the tables' own, by parent code."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.cl = ctx.codes["function"]
        self.tables = [t for t in ctx.profile.ordered if t.coded and t.classification == "function"]
        self.table_codes: dict[str, set[str]] = {}
        for t in self.tables:
            for c in ctx.budget.codes(t.id):
                self.table_codes.setdefault(c, set()).add(t.id)
        base_parent, base_anywhere = _list_index(self.cl)
        # the tables' own names go on top of the list's (copied only where they add something)
        self.by_parent = dict(base_parent)
        self.anywhere = dict(base_anywhere)
        self._copied: set = set()
        listed = self.cl.entries
        for (tid, code), name in ctx.budget.names.items():
            if name and code in self.table_codes and name != listed.get(code):
                self._add(code, name)
        self.old = {r.old: r for r in rename_list(ctx) if r.since <= ctx.budget.year}

    def _add(self, code: str, name: str) -> None:
        parent = _parent(code)
        k = name_key(name)
        if k in self.by_parent.get(parent, {}) and code in self.anywhere.get(k, ()):
            return
        if ("p", parent) not in self._copied:
            self.by_parent[parent] = dict(self.by_parent.get(parent, {}))
            self._copied.add(("p", parent))
        self.by_parent[parent].setdefault(k, code)
        if ("a", k) not in self._copied:
            self.anywhere[k] = list(self.anywhere.get(k, []))
            self._copied.add(("a", k))
        if code not in self.anywhere[k]:
            self.anywhere[k].append(code)

    def name(self, code: str) -> str:
        for tid in sorted(self.table_codes.get(code, ())):
            n = self.ctx.budget.names.get((tid, code))
            if n:
                return n
        return self.cl.name(code) or ""

    def child(self, parent: str, name: str) -> str | None:
        return self.by_parent.get(parent, {}).get(name_key(name))

    def path(self, code: str) -> str:
        parts = [code[:n] for n in (3, 5, 7) if len(code) >= n]
        return "".join(f"{self.name(c)}（{LEVELS[i]}）" for i, c in enumerate(parts))


def resolve(item: Item, names: Names, figures) -> None:
    """Map an item's names to a code by the full path; record each name's problem. ``figures`` is
    ``figures(code) -> list of (value in 万元, desc)`` (table figures of a code)."""
    parent = ""
    resolved = None
    ok = True
    for i, n in enumerate(item.names):
        length = LEVEL_LENGTH.get(n.level, 0)
        code = None
        if n.code_part:  # digits written in the mark
            code = (parent + n.code_part) if len(parent + n.code_part) == length else None
            if code is None and len(n.code_part) == length:
                code = n.code_part
        if code is None and n.text:
            key = name_key(n.text)
            if key in names.old:
                rn = names.old[key]
                if (rn.code.startswith(parent) or not parent) and len(rn.code) == length:
                    code = rn.code
            if code is None:
                code = names.child(parent, n.text)
        if code is None or len(code) != length:
            ok = False
            elsewhere = [c for c in names.anywhere.get(name_key(n.text), []) if c.startswith(parent)] if n.text else []
            if elsewhere:
                c = elsewhere[0]
                lvl = LEVELS[(3, 5, 7).index(len(c))]
                item.problems.append(("level", f"“{n.text}”写作{n.level}，而它是{lvl}（{c} {names.name(c)}）的名称"))
            else:
                under = f" {parent} {names.name(parent)} 下" if parent else ""
                item.problems.append(("name", f"“{n.text}（{n.level}）”不是{under}任何{n.level}的名称"))
            break
        if n.text and name_key(n.text) in names.old and names.old[name_key(n.text)].code == code:
            rn = names.old[name_key(n.text)]
            item.problems.append(("obsolete", f"“{n.text}”已于{rn.since}年起改称“{rn.new}”"))
        elif n.code_part and n.text and name_key(n.text) != name_key(names.name(code)) and \
                name_key(n.text) not in {name_key(x) for x in _all_names(names, code)}:
            item.problems.append(("name", f"“{n.text}”与编码 {code} 的名称“{names.name(code)}”不符"))
        elif n.text and n.text != n.text.replace("其它", "其他") and "其它" not in names.name(code):
            item.problems.append(("variant", f"“{n.text}”应写作“{n.text.replace('其它', '其他')}”（科目名称的规范写法）"))
        resolved, parent = code, code
    item.resolved, item.path_ok = resolved, ok
    if ok:
        item.code = resolved
        return
    # the path broke: the code the figures point at, among the codes under what did resolve
    tol = item.amount.half
    cands = [c for c in names.table_codes if c.startswith(parent) and len(c) > len(parent)]
    hits = sorted({c for c in cands for v, _ in figures(c) if abs(v - item.amount.value) <= tol and v != 0})
    leafish = [c for c in hits if not any(o != c and o.startswith(c) for o in hits)]
    if len(leafish) == 1:
        item.code = leafish[0]


def _all_names(names: Names, code: str) -> list[str]:
    out = [names.cl.name(code) or ""]
    for tid in names.table_codes.get(code, ()):
        n = names.ctx.budget.names.get((tid, code))
        if n:
            out.append(n)
    return out


# ---------------------------------------------------------------------------------- what a body says
_AMT = AMOUNT
PRIOR_RE = re.compile(rf"(?:(?P<y>(?:19|20)\d{{2}})年|上年|上一年度?|去年)[^，。；,;]{{0,10}}?(?:执行数|预算数|决算数|实际数)"
                      rf"(?:为|是|：|:)?\s*{_AMT}")
CURRENT_RE = re.compile(rf"(?:(?P<y>(?:19|20)\d{{2}})年|本年|今年)?(?:度)?(?:预算安排|预算数为|安排预算|预算为)\s*{_AMT}")
PCT = r"(?P<pct>\d+(?:\.\d+)?)\s*%"
CHANGE_RE = re.compile(rf"(?:比|较|与|同)(?P<base>[^，。；,;]{{0,16}}?)(?:相比)?[，,]?\s*(?P<dir>增加|增长|上升|提高|减少|下降|降低|持平|一致|保持不变)"
                       rf"(?:了)?\s*(?:{_AMT}[，,]?\s*(?:增长|下降|增加|减少)?(?:了)?\s*)?(?:{PCT})?")
REASON_RE = re.compile(r"(?:主要)?原因(?:是|为|：|:)+[：:]?(?P<reason>[^。]*)")
_UP_WORDS = ("增加", "增长", "上升", "提高")
_DOWN_WORDS = ("减少", "下降", "降低")


@dataclass
class Change:
    direction: int  # +1, -1, 0 (持平)
    word: str
    start: int
    end: int
    amount: Amount | None = None
    pct: Decimal | None = None
    pct_half: Decimal | None = None
    pct_text: str = ""


@dataclass
class ItemFacts:
    prior: Amount | None = None
    prior_year: int | None = None
    current: list[Amount] = field(default_factory=list)  # restated current-year figures (预算安排P万元)
    change: Change | None = None
    reason: str | None = None
    reason_start: int = 0


def change_of(m: re.Match, offset: int = 0) -> Change:
    word = m.group("dir")
    d = 1 if word in _UP_WORDS else -1 if word in _DOWN_WORDS else 0
    ch = Change(d, word, offset + m.start(), offset + m.end())
    if m.group("num"):
        ch.amount = amount(m.group("num"), m.group("unit"), offset + m.start("num"), offset + m.end("unit"))
    if m.group("pct"):
        p = m.group("pct")
        places = len(p.split(".", 1)[1]) if "." in p else 0
        ch.pct, ch.pct_half, ch.pct_text = Decimal(p), Decimal(5).scaleb(-(places + 1)), p + "%"
    return ch


def item_facts(item: Item, year: int) -> ItemFacts:
    body = item.body
    f = ItemFacts()
    m = PRIOR_RE.search(body)
    if m:
        f.prior = amount(m.group("num"), m.group("unit"), m.start("num"), m.end("unit"))
        f.prior_year = int(m.group("y")) if m.group("y") else year - 1
    for m in CURRENT_RE.finditer(body):
        y = int(m.group("y")) if m.group("y") else year
        if y == year and "执行" not in body[max(0, m.start() - 4):m.start()]:
            f.current.append(amount(m.group("num"), m.group("unit"), m.start("num"), m.end("unit")))
    m = CHANGE_RE.search(body)
    if m:
        f.change = change_of(m)
    m = REASON_RE.search(body)
    if m:
        f.reason, f.reason_start = m.group("reason"), m.start("reason")
    return f


def growth_interval(cur: Amount, prior: Amount) -> tuple[Decimal, Decimal] | None:
    """The growth (cur − prior) / prior in percent over every value the rounded figures allow;
    None when the prior figure may be zero."""
    lo_p, hi_p = prior.value - prior.half, prior.value + prior.half
    if lo_p <= 0:
        return None
    lo_c, hi_c = max(Decimal(0), cur.value - cur.half), cur.value + cur.half
    return ((lo_c / hi_p - 1) * 100, (hi_c / lo_p - 1) * 100)


# ---------------------------------------------------------------------------------- all items
def items(ctx) -> list[Item]:
    """Every item of the narrative, resolved, duplicates marked (parsed once per context)."""
    cached = getattr(ctx, "_narrative_items", None)
    ps = passages(ctx)
    if cached is not None and cached[0] is ps:
        return cached[1]
    names = Names(ctx)
    figs = functools.lru_cache(maxsize=None)(lambda c: tuple(code_figures(ctx, c)))
    out: list[Item] = []
    seen: dict[tuple, Item] = {}
    found = [find_items(p) for p in ps]
    for i, (p, its) in enumerate(zip(ps, found)):
        if its:  # the last item's body goes on in the next paragraphs that are not items or headings
            for q, qits in list(zip(ps, found))[i + 1:i + 4]:
                if qits or q.heading or q.section != p.section or _STARTS_PARAGRAPH.match(q.text):
                    break
                its[-1].body += q.text
        its[:] = [it for it in its if not (it.names[0].code_part and len(it.names) == 1 and not it.marked and
                                           it.names[0].code_part not in names.cl and
                                           it.names[0].code_part not in names.table_codes)]
        for it in its:
            resolve(it, names, figs)
            first = seen.get(it.key + (it.body.strip(),))
            if first is not None:
                it.duplicate_of = first
            else:
                seen[it.key + (it.body.strip(),)] = it
            out.append(it)
    try:
        ctx._narrative_items = (ps, out)
        ctx._narrative_names = names
    except AttributeError:
        pass
    return out


def names_of(ctx) -> Names:
    items(ctx)
    return getattr(ctx, "_narrative_names", None) or Names(ctx)


def _total_column(profile, t) -> str:
    from ..roles import RoleMissing

    if profile.roles is not None:
        try:
            return profile.roles.column(t.id, "total")
        except RoleMissing:
            pass
    return t.value_columns[0].key  # a profile without roles: the 合计 column comes first in a coded table


def code_figures(ctx, code: str) -> list[tuple[Decimal, str]]:
    """The 合计 of a function code in every function-coded table that lists it, in 万元, general
    appropriations first (the item lists describe 财政拨款支出); each with its description."""
    unit = ctx.profile.money_unit
    out = []
    tables = [t for t in ctx.profile.ordered if t.coded and t.classification == "function"]
    from ..roles import RoleMissing

    preferred: list[str] = []
    if ctx.profile.roles is not None:
        try:
            preferred = list(ctx.profile.roles.table_ids("fiscal_expenditure"))
        except RoleMissing:
            pass
    tables.sort(key=lambda t: (preferred.index(t.id) if t.id in preferred else len(preferred), t.number))
    for t in tables:
        if code not in ctx.budget.codes(t.id):
            continue
        col = _total_column(ctx.profile, t)
        v = ctx.budget.value(t.id, code, col)
        if v.is_nan():
            continue  # a table that could not be read: unknown, not a figure to compare with
        header = t.column(col).header
        out.append((to_wan(v, unit), f"{t.name} {code}“{header}”" + (f" {v:,} 元" if unit == "元" else "")))
    return out
