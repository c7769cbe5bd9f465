"""Lines of text from positioned characters, and what the lines under a table title say.

Characters are grouped into lines by their vertical position, ordered left to right, and a line is
cut into segments where a wide gap separates two runs of text (a title line's "编制部门：…" and
"单位：元" are two segments). Wrapped text is joined: Chinese with nothing between, other text
with a space.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# a line that is only a page number ("- 3 -", "第3页 共20页", "3/20", "(3)")
PAGE_NUMBER = re.compile(r"^\s*(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
                         r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[（(]\s*\d{1,4}\s*[)）])\s*$")

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’]")


@dataclass
class Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    segments: list[tuple[str, float, float]]  # (text, x0, x1)
    bold: bool = False
    chars: list[dict] = field(default_factory=list, repr=False, compare=False)  # left to right

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2))


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of a wrapped cell or paragraph: nothing between Chinese, a space otherwise.

    >>> join_wrapped(["事业单位", "经营收入"]), join_wrapped(["Total", "amount"])
    ('事业单位经营收入', 'Total amount')
    """
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(p[0])):
            out += " "
        out += p
    return out


def _line_text(chars: list[dict]) -> tuple[str, list[tuple[str, float, float]]]:
    """A line's text and its segments; chars sorted by x0."""
    segments: list[tuple[str, float, float]] = []
    buf, sx0, prev = [], None, None
    for ch in chars:
        t = ch["text"]
        size = ch.get("size") or (ch["bottom"] - ch["top"]) or 1.0
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            if gap > 2.5 * size:  # a wide gap: a new segment
                text = "".join(buf).strip()
                if text:
                    segments.append((text, sx0, prev["x1"]))
                buf, sx0 = [], None
            elif gap > 0.3 * size and buf and buf[-1] != " " and t != " ":
                buf.append(" ")
        if sx0 is None:
            sx0 = ch["x0"]
        buf.append(t)
        prev = ch
    text = "".join(buf).strip()
    if text and prev is not None:
        segments.append((text, sx0, prev["x1"]))
    return "  ".join(s[0] for s in segments), segments


def group_lines(chars: list[dict]) -> list[Line]:
    """Group characters into lines (top to bottom), each left to right."""
    chars = [c for c in chars if c["text"] and (c["text"].strip() or c["text"] == " ")]
    if not chars:
        return []
    chars.sort(key=lambda c: (c["top"], c["x0"]))
    rows: list[list[dict]] = []
    cur: list[dict] = []
    cur_mid = None
    for ch in chars:
        h = (ch["bottom"] - ch["top"]) or 1.0
        mid = (ch["top"] + ch["bottom"]) / 2
        if cur and abs(mid - cur_mid) <= 0.45 * h:
            cur.append(ch)
            continue
        if cur:
            rows.append(cur)
        cur, cur_mid = [ch], mid
    if cur:
        rows.append(cur)
    out = []
    for r in rows:
        r.sort(key=lambda c: c["x0"])
        text, segments = _line_text(r)
        if not text:
            continue
        visible = [c for c in r if c["text"].strip()]
        sizes = sorted(c.get("size") or 0 for c in visible)
        bold = sum(1 for c in visible if "bold" in str(c.get("fontname", "")).lower()) > len(visible) / 2
        out.append(Line(text, min(c["x0"] for c in visible), min(c["top"] for c in visible),
                        max(c["x1"] for c in visible), max(c["bottom"] for c in visible),
                        sizes[len(sizes) // 2] if sizes else 0.0, segments, bold, r))
    return out


class Grid:
    """Cell lookup of one drawn table: which cell covers a point."""

    def __init__(self, xs: list[float], ys: list[float]):
        self.xs, self.ys = xs, ys

    def col(self, x: float) -> int:
        return bisect_right(self.xs, x) - 1

    def row(self, y: float) -> int:
        return bisect_right(self.ys, y) - 1


def edges(values, tol: float = 1.5) -> list[float]:
    """Distinct coordinates, values closer than ``tol`` merged."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def snap(v: float, es: list[float]) -> int:
    """Index of the edge nearest to v."""
    i = bisect_right(es, v)
    cands = [k for k in (i - 1, i) if 0 <= k < len(es)]
    return min(cands, key=lambda k: abs(es[k] - v))


# ---------------------------------------------------------------- caption lines
_ORG = re.compile(r"(编制部门|编制单位|预算单位|预算主管部门|主管部门|单位名称|部门名称)\s*[:：]\s*(.+?)\s*$")
_YEAR = re.compile(r"(?:预算年度|年度)\s*[:：]\s*(\d{4})|[（(]\s*(\d{4})\s*年度\s*[)）]|((?:19|20)\d{2})\s*年")
_CAPTION = re.compile(r"编制部门|编制单位|预算单位\s*[:：]|^单位\s*[:：]|金额单位|单位\s*[:：]\s*(?:亿元|万元|千元|元)|预算年度|^[（(]\s*\d{4}\s*年度\s*[)）]$")


# a line printed under a table that annotates it: "注：…"/"说明：…", or a short line saying the table
# is empty and why ("本单位无此项预算。", "无政府性基金预算财政拨款安排的预算，故本表为空表。")
_NOTE = re.compile(r"^\s*(?:注|说明|备注)\s*[:：]")
_EMPTY_LINE = re.compile(r"空表|^[^。]{0,16}无[^，。；]{0,30}?(?:预算|经费|收支|支出|收入|此项|此类|数据)")


def is_table_note(text: str) -> bool:
    """Whether a line printed right after a table is a note on it (not narrative)."""
    t = text.strip()
    return bool(_NOTE.match(t)) or (len(t) <= 60 and bool(_EMPTY_LINE.search(t)))


def is_caption(text: str) -> bool:
    return bool(_CAPTION.search(text.strip()))


def org_of(segment: str) -> str | None:
    from .figures import money_unit

    m = _ORG.search(segment)
    if not m:
        return None
    value = m.group(2).strip()
    if money_unit(segment) and re.fullmatch(r"(?:亿元|万元|千元|元)", value):
        return None
    return value


def year_of(text: str) -> int | None:
    m = _YEAR.search(text)
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")
