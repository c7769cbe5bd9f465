"""Tables printed without ruling lines (text only, as some units publish them), read from the
positions of their words: columns identified by their header text, never by position alone.

A table is looked for below the lines that say who compiled it or its money unit (编制部门 /
编制单位 / 单位：元 …, :func:`budgetxl.published.lines.is_caption`) where no drawn table follows,
and where a header row alone begins one (its title on the page before, or not printed at all): a
line of several words and no figure, the lines under it close together down to the first line
printing a figure or a code. Its header is the lines down to that line (or the 栏次 row), its body
the lines from there while they stay close together. A page that begins with such body lines,
after a page whose last text table ran to its foot, its header printed again or not, continues that
table: its words go into that table's columns (:func:`find_text_tables` ``carry``). Then:

* words: a line's characters cut where a gap wider than most of a character separates them, and
  where an amount runs straight into text ("1,573.23一、…");
* columns: the x-ranges the body's words cover (the 栏次 numbers give every column a word);
  each header word that prints over no column's body is, bottom line first, a column's own
  header (the nearest column still without one) or the header of an empty column of its own;
  a header word over columns that already have their header is a header spanning columns, its
  columns the run of the columns below it on whose middle it is printed;
* a header cell printed on two lines (one word exactly under another, over no body column's
  words) is one cell;
* rows: each body line printing a figure or a code is a row; a line of text only is the wrapped
  part of the row whose middle is nearest, when nearer than three quarters of the rows' spacing,
  else a row of its own.

The result is a grid of cells like a drawn table's (merged header cells spanning their columns and
rows), mapped onto the profile by header text as drawn tables are. What cannot be made into a
consistent grid is left as text (the table is then missing, which the mapping reports), never
guessed at."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Cell, Place, is_column_numbers
from .lines import PAGE_NUMBER, Line, is_caption, join_wrapped

_AMOUNT = re.compile(r"^[-－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SEPARATED = re.compile(r"\d(?:,\d{3})*\.\d+$|\d,\d{3}$")  # an amount as printed (separators or decimals)
_CODE = re.compile(r"^\d{3,}$")
_NOTE = re.compile(r"^\s*(?:注|说明)\s*[:：]")
MAX_HEADER_LINES = 10


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    line: int = 0  # index of its line in the table's header or body

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def words_of(ln: Line) -> list[Word]:
    out: list[Word] = []
    buf: list[dict] = []

    def flush():
        text = "".join(c["text"] for c in buf).strip()
        if text:
            out.append(Word(text, min(c["x0"] for c in buf), max(c["x1"] for c in buf),
                            min(c["top"] for c in buf), max(c["bottom"] for c in buf), ln.size or 1.0))
        buf.clear()

    end = None  # where the word so far ends, the spaces printed after it included
    for ch in ln.chars:
        if not ch["text"].strip():  # a printed space belongs to the text around it
            end = ch["x1"] if buf else end
            continue
        if buf:
            size = ch.get("size") or ln.size or 1.0
            gap = ch["x0"] - max(end, buf[-1]["x1"])
            run = "".join(c["text"] for c in buf)
            digit_edge = run[-1:].isdigit() != ch["text"].isdigit()
            if gap > 0.3 * size or (digit_edge and ch["x0"] - buf[-1]["x1"] > 0.3 * size) or (
                    not re.match(r"[\d,.]", ch["text"]) and _SEPARATED.search(run) and gap > -0.1 * size):
                flush()
        buf.append(ch)
        end = ch["x1"]
    flush()
    return out


def _is_figure(w: Word) -> bool:
    return bool(_AMOUNT.match(w.text)) and ("," in w.text or "." in w.text or bool(_CODE.match(w.text)))


def _column_numbers(ws: list[Word]) -> bool:
    nums = [w.text for w in ws if w.text.isascii() and w.text.isdigit()]
    return len(nums) >= 3 and len(ws) - len(nums) <= 1 and nums == [str(i) for i in range(1, len(nums) + 1)]


def _data(ws: list[Word]) -> bool:
    return len(ws) >= 2 and (any(_is_figure(w) for w in ws) or _column_numbers(ws))


@dataclass
class Node:
    text: str
    x0: float
    x1: float
    line: int
    words: list[Word] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    band: int | None = None  # a leaf's column
    cols: tuple[int, int] = (0, 0)  # first column, one past the last

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _header_texts(region: list[Line]) -> list[str]:
    """The texts of a text table's header lines (those above its first line of figures; a 栏次
    row included)."""
    out = []
    for ln in region:
        ws = words_of(ln)
        if _data(ws) and not _column_numbers(ws):
            break
        out.append(_squeeze(ln.text))
    return out


def find_text_tables(lines: list[Line], page_no: int, drawn_tops: list[float],
                     carry: tuple[list[float], list[str]] | None = None, head: float = 0.0):
    """(tables, the lines left): each table a (bbox, xs, ys, cells, cover, header rows, header line
    texts, header lines repeated) tuple for the PDF reader. ``carry``: the column edges and header
    line texts of the text table the page before ended with (at its foot). Lines that begin this
    page (below ``head``, the top margin's running heads and page numbers aside: lines of one word
    there), its header lines printed again or not, then lines of figures, are that table's rows
    continued, read into its columns (header rows 0; the header lines printed again are returned
    as the last element, for the reading to account for them)."""
    tables, rest = [], []
    i, n = 0, len(lines)
    if carry is not None and not drawn_tops:
        xs, heads = carry
        k = 0
        while k < n and (PAGE_NUMBER.match(lines[k].text) or (lines[k].bottom <= head and len(words_of(lines[k])) == 1)):
            k += 1  # a page number, a running head (one run of text in the top margin)
        again = k
        if heads and [_squeeze(ln.text) for ln in lines[k:k + len(heads)]] == heads:
            again = k + len(heads)  # the header printed again on this page
        first = words_of(lines[again]) if again < n else []
        # a row: two words or more, not a 栏次 row, printing a figure, a code or a row number (a
        # header line of another table prints none), and figures in the lines that follow it closely
        row = len(first) >= 2 and not _column_numbers(first) and \
            any(_is_figure(w) or (w.text.isascii() and w.text.isdigit()) for w in first)
        end = _body_end(lines, again + 1) if row else again
        if any(_is_figure(w) for ln in lines[again:end] for w in words_of(ln)):
            table = _build(lines[again:end], page_no, xs)
            if table is not None:
                rest += lines[:k]
                tables.append((*table, heads, lines[k:again]))
                i = end
    while i < n:
        ln = lines[i]
        if not is_caption(ln.text):
            found = _header_only(lines, i, drawn_tops)
            table = _build(lines[i:found], page_no) if found else None
            if table is not None:
                tables.append((*table, _header_texts(lines[i:found]), []))
                i = found
                continue
            rest.append(ln)
            i += 1
            continue
        j = i
        while j < n and is_caption(lines[j].text):
            j += 1
        rest += lines[i:j]
        bottom = lines[j - 1].bottom
        if any(bottom - 1 <= top <= bottom + 4 * (ln.size or 10) for top in drawn_tops):
            i = j  # the captions of a drawn table
            continue
        found = _region(lines, j)
        table = _build(lines[j:found], page_no) if found else None
        if table is None:
            i = j
            continue
        tables.append((*table, _header_texts(lines[j:found]), []))
        i = found
    return tables, rest


def _header_only(lines: list[Line], start: int, drawn_tops: list[float]) -> int | None:
    """One past the last line of a text table whose header row begins at ``start`` with no title or
    caption line above it, or None: a line of two words or more and no figure, and under it, each
    close to the one above, at most MAX_HEADER_LINES - 1 lines more of the header without a
    figure, then a line of figures (or the 栏次 numbers). A table printed empty needs its caption
    lines to be told from text and is not looked for here."""
    n = len(lines)
    ws = words_of(lines[start])
    if len(ws) < 2 or any(_is_figure(w) for w in ws) or _data(ws):
        return None
    if start > 0 and not (lines[start].top - lines[start - 1].bottom > 0.8 * (lines[start].size or 10)):
        above = words_of(lines[start - 1])
        if len(above) >= 2 and not _data(above):
            return None  # inside a header that begins higher up
    if any(lines[start].bottom - 1 <= top <= lines[start].bottom + 4 * (lines[start].size or 10) for top in drawn_tops):
        return None
    for k in range(start + 1, min(n, start + MAX_HEADER_LINES)):
        if lines[k].top - lines[k - 1].bottom > 1.0 * (lines[k].size or 10) or is_caption(lines[k].text):
            return None
        if _data(words_of(lines[k])):
            end = _body_end(lines, k + 1)
            if not any(_is_figure(w) for ln in lines[k:end] for w in words_of(ln)):
                return None  # a header printed over no rows (repeated at a page's top): text
            return end
    return None


def _region(lines: list[Line], start: int) -> int | None:
    """One past the last line of a text table whose header begins at ``start``, or None."""

    n = len(lines)
    first = next((k for k in range(start, min(n, start + MAX_HEADER_LINES + 1)) if _data(words_of(lines[k]))), None)
    if first is None:  # a table printed empty: its header (and a 合计 row), then the note saying so
        for k in range(start + 2, min(n, start + MAX_HEADER_LINES + 2)):
            if lines[k].top - lines[k - 1].bottom > 2.5 * (lines[k].size or 10) or is_caption(lines[k].text):
                return None
            if _NOTE.match(lines[k].text):
                return k
        return None
    if first == start:
        return None
    return _body_end(lines, first + 1)


def _body_end(lines: list[Line], k: int) -> int:
    """One past the last body line of a text table whose body runs on at line ``k``."""
    n = len(lines)
    while k < n:
        ln, prev = lines[k], lines[k - 1]
        size = ln.size or 10
        if is_caption(ln.text) or _NOTE.match(ln.text) or PAGE_NUMBER.match(ln.text) or \
                ln.top - prev.bottom > 2.5 * size:
            break
        if k + 1 < n and is_caption(lines[k + 1].text):
            break  # the title of the next table
        k += 1
    return k


def _bands(body: list[list[Word]]) -> list[list[float]]:
    """The x-ranges the body's words cover, as columns, left to right. A 栏次 number is printed in
    the middle of its column and the figures under it to one side: a number of the 栏次 row joins
    the words it nearly touches."""
    numbers = {id(w) for ws in body if _column_numbers(ws) for w in ws}
    spans = sorted((w.x0, w.x1, id(w) in numbers, w.size) for ws in body for w in ws)
    bands: list[list] = []
    for x0, x1, number, size in spans:
        near = 0.5 * size if (number or (bands and bands[-1][2])) else 0.3
        if bands and x0 <= bands[-1][1] + near:
            bands[-1][1] = max(bands[-1][1], x1)
            bands[-1][2] = bands[-1][2] and number
        else:
            bands.append([x0, x1, number])
    out = [[b[0], b[1]] for b in bands]
    row = next((ws for ws in body if _column_numbers(ws)), None)
    if row is None:
        return out
    # with a 栏次 row every column has its number (and the first its label): a range of words
    # without one belongs to the column beside it that has one (figures printed to one side)
    numbered = [any(_overlaps(w.x0, w.x1, b0, b1) for w in row) for b0, b1 in out]
    if not any(numbered):
        return out
    merged = [list(b) for b, k in zip(out, numbered) if k]
    for (b0, b1), k in zip(out, numbered):
        if k:
            continue
        m = min(merged, key=lambda m: max(m[0] - b1, b0 - m[1], 0))
        m[0], m[1] = min(m[0], b0), max(m[1], b1)
    return sorted(merged)


def _overlaps(a0, a1, b0, b1) -> bool:
    return min(a1, b1) - max(a0, b0) > 0


def _build(region: list[Line], page_no: int, carry: list[float] | None = None):
    header_lines, body_lines = [], []
    lined = [(ln, words_of(ln)) for ln in region]
    empty = not any(_data(ws) for _, ws in lined)
    if carry is not None:  # the rows of a table continued from the page before, in its columns
        if empty:
            return None
        body_lines = lined
    elif empty:  # the lines after the last of several words: the rows of an empty table (a 合计 row)
        last = max((k for k, (_, ws) in enumerate(lined) if len(ws) >= 2), default=-1)
        header_lines, body_lines = lined[:last + 1], lined[last + 1:]
    else:
        for ln, ws in lined:
            (body_lines if body_lines or _data(ws) else header_lines).append((ln, ws))
    # rows: lines with a figure or a code anchor a row; a text-only line joins the nearest anchor
    anchors = [k for k, (_, ws) in enumerate(body_lines) if empty or _data(ws) or any(_CODE.match(w.text) for w in ws)]
    if not anchors or not (header_lines or carry is not None):
        return None
    mids = [(body_lines[k][0].top + body_lines[k][0].bottom) / 2 for k in anchors]
    every = [(ln.top + ln.bottom) / 2 for ln, _ in body_lines]
    pitch = sorted(b - a for a, b in zip(every, every[1:]))  # most lines are rows of one line
    pitch = pitch[len(pitch) // 2] if pitch else (body_lines[0][0].size or 10) * 1.5
    rows: list[list[int]] = [[k] for k in anchors]
    own: list[list[int]] = []
    for k, (ln, _) in enumerate(body_lines):
        if k in anchors:
            continue
        mid = (ln.top + ln.bottom) / 2
        d, r = min((abs(mid - m), r) for r, m in enumerate(mids))
        if d < 0.75 * pitch:
            rows[r].append(k)
        else:
            own.append([k])
    rows = sorted(rows + own, key=lambda ks: min(body_lines[k][0].top for k in ks))
    if carry is not None:
        return _grid([], list(carry), rows, body_lines, [], page_no)
    body = [ws for _, ws in body_lines]
    bands = [] if empty else _bands(body)  # an empty table's columns are its header's
    # header words, wrapped cells joined (a word exactly under another, over no body column)
    words = [Word(w.text, w.x0, w.x1, w.top, w.bottom, w.size, li) for li, (_, ws) in enumerate(header_lines) for w in ws]

    def spans(nd) -> int:  # body columns a header word is printed over
        return sum(1 for b0, b1 in bands if _overlaps(nd.x0, nd.x1, b0, b1))

    nodes: list[Node] = []
    for w in sorted(words, key=lambda w: (w.line, w.x0)):
        above = next((nd for nd in nodes if nd.words[-1].line < w.line and abs(nd.centre - w.centre) < 0.3 * w.size
                      and 0 <= w.top - nd.words[-1].bottom < 0.8 * w.size and spans(nd) < 2
                      and not _centred_between(nd, [o for o in words if o.line == w.line])), None)
        if above is not None:
            above.words.append(w)
            above.text = join_wrapped([above.text, w.text])
            above.x0, above.x1 = min(above.x0, w.x0), max(above.x1, w.x1)
            continue
        nodes.append(Node(w.text, w.x0, w.x1, w.line, [w]))
    # leaves and columns, bottom line first
    cols = [list(b) for b in bands]  # extents, header leaves included
    leaf_of: dict[int, Node] = {}
    parents: list[Node] = []
    bottom_first = sorted(nodes, key=lambda nd: (-max(w.line for w in nd.words), nd.x0))
    # first the header words printed over a body column: its header, or (over several, or over
    # one whose header is printed below) a header spanning columns
    loose = []
    for nd in bottom_first:
        under = [c for c, (b0, b1) in enumerate(bands) if _overlaps(nd.x0, nd.x1, b0, b1)]
        lower = [o for o in nodes if min(w.line for w in o.words) > max(w.line for w in nd.words)]
        if not under:
            loose.append(nd)
        elif len(under) >= 2 or under[0] in leaf_of or any(_overlaps(nd.x0, nd.x1, o.x0, o.x1) for o in lower) or \
                any(_centred_between(nd, [w for o in lower for w in o.words if w.line == li])
                    for li in {w.line for o in lower for w in o.words}):
            parents.append(nd)
        else:
            leaf_of[under[0]] = nd
            cols[under[0]] = [min(cols[under[0]][0], nd.x0), max(cols[under[0]][1], nd.x1)]
    # then the others: over a header below (spanning it), the header of the column beside it that
    # has none yet, or of an empty column of its own
    for nd in loose:
        if any(_overlaps(nd.x0, nd.x1, leaf.x0, leaf.x1) for leaf in leaf_of.values()) or \
                _between_leaves(cols, leaf_of, nd):
            parents.append(nd)
            continue
        c = min(range(len(cols)), key=lambda c: _gap(cols[c], nd), default=None)
        if c is None or c in leaf_of or _gap(cols[c], nd) > 2 * nd.words[0].size:
            cols.append([nd.x0, nd.x1])
            bands.append([nd.x0, nd.x1])
            c = len(cols) - 1
        leaf_of[c] = nd
        cols[c] = [min(cols[c][0], nd.x0), max(cols[c][1], nd.x1)]
    order = sorted(range(len(cols)), key=lambda c: cols[c][0])
    cols = [cols[c] for c in order]
    leaf_of = {order.index(c): nd for c, nd in leaf_of.items()}
    for c, nd in leaf_of.items():
        nd.band, nd.cols = c, (c, c + 1)
    for a, b in zip(cols, cols[1:]):
        if a[1] > b[0] + 0.5:
            return None  # columns that overlap: no consistent grid
    xs = [cols[0][0]] + [(a[1] + b[0]) / 2 for a, b in zip(cols, cols[1:])] + [cols[-1][1]]
    if len(cols) > 1:  # the outer edges: as far out as the outer columns' headers are printed in their middle
        if 0 in leaf_of:
            xs[0] = min(xs[0], 2 * leaf_of[0].centre - xs[1])
        if len(cols) - 1 in leaf_of:
            xs[-1] = max(xs[-1], 2 * leaf_of[len(cols) - 1].centre - xs[-2])
    # spanning headers, bottom line first: the run of top-level nodes below centred on the header
    tops: list[Node] = sorted(leaf_of.values(), key=lambda nd: nd.cols[0])
    for p in sorted(parents, key=lambda nd: (-nd.line, nd.x0)):
        below = [nd for nd in tops if nd.line > p.line]
        best = None
        for i in range(len(below)):
            for j in range(i, len(below)):
                run = below[i:j + 1]
                if any(a.cols[1] != b.cols[0] for a, b in zip(run, run[1:])):
                    break  # not contiguous
                x0, x1 = xs[run[0].cols[0]], xs[run[-1].cols[1]]
                if not (x0 - 1 <= p.centre <= x1 + 1):
                    continue
                off = abs((x0 + x1) / 2 - p.centre)
                # the widest run it is printed in the middle of (column edges are known to a few points)
                if off <= 1.5 * p.words[0].size and (best is None or len(run) > len(best[1])):
                    best = (off, run)
        if best is None:
            return None  # a header over no run of columns it is centred on
        if len(best[1]) == 1:  # over one cell only: the first line of that cell, printed on two
            child = best[1][0]
            first = min(child.words, key=lambda w: w.top)
            if not (0 <= first.top - p.words[-1].bottom < 0.8 * first.size and abs(first.centre - p.centre) < 0.3 * first.size):
                return None
            child.text, child.words, child.line = join_wrapped([p.text, child.text]), p.words + child.words, p.line
            continue
        p.children = best[1]
        p.cols = (best[1][0].cols[0], best[1][-1].cols[1])
        tops = sorted([nd for nd in tops if nd not in best[1]] + [p], key=lambda nd: nd.cols[0])
    covered = sorted(c for nd in tops for c in range(*nd.cols))
    if covered != sorted(set(covered)):
        return None
    return _grid(tops, xs, rows, body_lines, header_lines, page_no)


def _centred_between(nd, line: list[Word]) -> bool:
    """Whether a header word is printed centred between the nearest words of a lower line on
    either side of its middle (the header of the cells they head)."""
    c = nd.centre
    left = [w for w in line if w.x1 <= c]
    right = [w for w in line if w.x0 >= c]
    if not left or not right:
        return False
    a, b = max(left, key=lambda w: w.x1), min(right, key=lambda w: w.x0)
    return abs((a.centre + b.centre) / 2 - c) < 0.5 * a.size


def _gap(col, nd) -> float:
    """The horizontal gap between a column's extent and a header word (0 where they overlap)."""
    return max(col[0] - nd.x1, nd.x0 - col[1], 0)


def _between_leaves(cols, leaf_of, nd) -> bool:
    """Whether a header word is printed between two columns whose headers are printed below it
    (a header spanning them, printed narrower than they are)."""
    last = max(w.line for w in nd.words)
    left = [c for c in range(len(cols)) if cols[c][1] <= nd.x0]
    right = [c for c in range(len(cols)) if cols[c][0] >= nd.x1]
    if not left or not right:
        return False
    a = max(left, key=lambda c: cols[c][1])
    b = min(right, key=lambda c: cols[c][0])
    return all(c in leaf_of and min(w.line for w in leaf_of[c].words) > last for c in (a, b))


def _grid(tops, xs, rows, body_lines, header_lines, page_no):
    ncols = len(xs) - 1

    def depth(nd):
        return 1 + max((depth(c) for c in nd.children), default=0)

    levels = max((depth(nd) for nd in tops), default=0)
    grid: list[list[Cell | None]] = [[None] * ncols for _ in range(levels)]
    cells: list[Cell] = []

    def place(nd, level):
        span = levels - level if not nd.children else 1
        box = (min(w.x0 for w in nd.words), min(w.top for w in nd.words),
               max(w.x1 for w in nd.words), max(w.bottom for w in nd.words))
        cell = Cell(nd.text, level, nd.cols[0], span, nd.cols[1] - nd.cols[0],
                    Place(page=page_no, bbox=tuple(round(v, 2) for v in box)), raw="\n".join(w.text for w in nd.words))
        cells.append(cell)
        for r in range(level, level + span):
            for c in range(*nd.cols):
                grid[r][c] = cell
        for ch in nd.children:
            place(ch, level + 1)

    for nd in tops:
        place(nd, 0)
    top = min(ln.top for ln, _ in header_lines or body_lines)
    ys = [top]
    for r, ks in enumerate(rows):
        row_words = [[w for w in body_lines[k][1]] for k in sorted(ks, key=lambda k: body_lines[k][0].top)]
        lines_of = [body_lines[k][0] for k in ks]
        y0, y1 = min(ln.top for ln in lines_of), max(ln.bottom for ln in lines_of)
        row: list[Cell | None] = []
        for c in range(ncols):
            mine = [w for ws in row_words for w in ws if xs[c] <= w.centre < xs[c + 1] or
                    (c == 0 and w.centre < xs[0]) or (c == ncols - 1 and w.centre >= xs[-1])]
            if mine:
                box = (min(w.x0 for w in mine), min(w.top for w in mine), max(w.x1 for w in mine),
                       max(w.bottom for w in mine))
            else:
                box = (xs[c], y0, xs[c + 1], y1)
            cell = Cell(join_wrapped([w.text for w in mine]), levels + r, c, 1, 1,
                        Place(page=page_no, bbox=tuple(round(v, 2) for v in box)),
                        raw="\n".join(w.text for w in mine))
            cells.append(cell)
            row.append(cell)
        grid.append(row)
        ys.append(y1)
    for r in range(levels):  # a column no header names: an empty header cell over it
        for c in range(ncols):
            if grid[r][c] is None:
                cell = Cell("", r, c, 1, 1, Place(page=page_no, bbox=(xs[c], top, xs[c + 1], top)))
                cells.append(cell)
                grid[r][c] = cell
    bottom = max(ln.bottom for ln, _ in body_lines)
    bbox = (round(xs[0], 2), round(top, 2), round(xs[-1], 2), round(bottom, 2))
    cover = {(r, c): grid[r][c] for r in range(len(grid)) for c in range(ncols)}
    first = min(ln.top for ln, _ in body_lines)
    ys = [top + (first - top) * k / levels for k in range(levels)] + [first] + ys[1:]
    # the header: the header's rows and a 栏次 row under them (a 合计 row of an empty table is a body row)
    heads = levels + sum(1 for _ in zip(range(1), grid[levels:]) if levels and is_column_numbers(grid[levels]))
    return bbox, xs, ys, cells, cover, heads
