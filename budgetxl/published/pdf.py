"""Read a PDF's text layer with pdfplumber: drawn tables (ruling lines) into grids of cells, the
lines under each title, tables continued over pages joined, and the narrative in reading order
without page numbers and running heads. A PDF without a text layer is refused (exit 2): a scan
is never guessed at.

pdfplumber finds each table from its ruling lines (``Page.find_tables``); the cells' boxes give
the grid (merged cells span several grid columns or rows). Characters are then put into the cell
that holds their centre, so wrapped text stays in its cell and is joined.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from pathlib import Path

from ..errors import BudgetxlError
from .document import Cell, Document, Paragraph, Place, Table, header_count
from .texttables import find_text_tables
from .lines import HEADING, PAGE_NUMBER, Grid, Line, edges, group_lines, is_caption, is_table_note, join_wrapped, snap

MAX_PAGES = 2000


class _Drawn:
    """One table as found on one page: its grid, cells and box."""

    def __init__(self, page_no: int, bbox, xs, ys, cells: list[Cell], cover: dict):
        self.page = page_no
        self.bbox = bbox
        self.xs, self.ys = xs, ys
        self.cells = cells
        self.cover = cover  # (row, col) -> Cell
        self.chars: dict[int, list[dict]] = {}
        self.header_rows: int | None = None  # known where the table was read from its words
        self.head_texts: list[str] = []  # a text table's header lines, as printed (spaces left out)
        self.repeated: list = []  # a text table continued: its header lines printed again on this page

    @property
    def nrows(self) -> int:
        return len(self.ys) - 1

    @property
    def ncols(self) -> int:
        return len(self.xs) - 1


def _drawn_tables(page, page_no: int) -> list[_Drawn]:
    out = []
    for ft in page.find_tables():
        boxes = [c for c in ft.cells if c]
        if not boxes:
            continue
        xs = edges([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = edges([b[1] for b in boxes] + [b[3] for b in boxes])
        if len(xs) < 3 or len(ys) < 2:
            continue  # a single framed box (a table of contents, a framed paragraph): text, not a table
        cells, cover = [], {}
        for b in boxes:
            c0, c1 = snap(b[0], xs), snap(b[2], xs)
            r0, r1 = snap(b[1], ys), snap(b[3], ys)
            if c1 <= c0 or r1 <= r0:
                continue
            cell = Cell("", r0, c0, r1 - r0, c1 - c0,
                        Place(page=page_no, bbox=tuple(round(v, 2) for v in b)))
            cells.append(cell)
            for r in range(r0, r1):
                for c in range(c0, c1):
                    cover.setdefault((r, c), cell)
        out.append(_Drawn(page_no, tuple(ft.bbox), xs, ys, cells, cover))
    return out


def _text_tables(lines: list[Line], page_no: int, drawn: list[_Drawn], carry: list[float] | None = None,
                 height: float = 0.0) -> tuple[list[Line], list[_Drawn]]:
    """Tables printed without ruling lines among a page's free lines (budgetxl.published.texttables);
    ``carry``: the columns and header lines of the text table the page before ended with."""
    found, rest = find_text_tables(lines, page_no, [d.bbox[1] for d in drawn], carry, head=0.1 * height)
    out = []
    for bbox, xs, ys, cells, cover, heads, head_texts, again in found:
        d = _Drawn(page_no, bbox, xs, ys, cells, cover)
        d.header_rows = heads
        d.head_texts, d.repeated = head_texts, again
        out.append(d)
    return rest, out


def _carried(lines: list[Line], drawn: list[_Drawn], texts: list[_Drawn], height: float):
    """The columns and header line texts of the text table a page ends with (nothing but its
    foot's page number and running foot below it), which the next page's first lines may
    continue; else None."""
    if not texts:
        return None
    last = max(texts, key=lambda d: d.bbox[3])
    if any(d.bbox[1] > last.bbox[3] for d in drawn):
        return None
    for ln in lines:
        if ln.top > last.bbox[3] and not (ln.top > 0.9 * height or PAGE_NUMBER.match(ln.text)):
            return None
    return list(last.xs), last.head_texts


def _assign(chars, drawn: list[_Drawn]) -> list[dict]:
    """Put each character into the drawn cell that holds its centre; return the others."""
    free = []
    for ch in chars:
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        for d in drawn:
            x0, top, x1, bottom = d.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                g = Grid(d.xs, d.ys)
                cell = d.cover.get((g.row(cy), g.col(cx)))
                if cell is not None:
                    d.chars.setdefault(id(cell), []).append(ch)
                break
        else:
            free.append(ch)
    for d in drawn:
        for cell in d.cells:
            lines = group_lines(d.chars.get(id(cell), []))
            cell.raw = "\n".join(ln.text for ln in lines)
            cell.text = join_wrapped([ln.text for ln in lines])
    return free


def _grid_rows(d: _Drawn) -> list[list[Cell | None]]:
    return [[d.cover.get((r, c)) for c in range(d.ncols)] for r in range(d.nrows)]


def _compatible(prev: Table, prev_xs: list[float], d: _Drawn, tol: float = 3.0) -> list[int] | None:
    """The previous table's grid column of each of d's column edges, when d continues it."""
    if abs(prev_xs[0] - d.xs[0]) > tol or abs(prev_xs[-1] - d.xs[-1]) > tol:
        return None
    mapping = []
    for x in d.xs:
        k = snap(x, prev_xs)
        if abs(prev_xs[k] - x) > tol:
            return None
        mapping.append(k)
    return mapping


def _text_continued(prev: Table, prev_xs: list[float], d: _Drawn) -> list[int] | None:
    """How a text table at the top of a page continues the text table the page before ended with:
    its rows read into that table's columns (no header repeated), or its header printed again,
    cell for cell the same texts over the same number of columns (its columns are then the
    previous table's, one for one: a text table's column edges depend on the widest figure under
    them and differ from page to page). Else None: a table of its own."""
    if d.header_rows == 0:
        return list(range(d.ncols + 1)) if list(d.xs) == list(prev_xs) else None
    if d.ncols != prev.width or d.header_rows != prev.header_rows:
        return None
    mine = [[(d.cover[(r, c)].text if (r, c) in d.cover else "") for c in range(d.ncols)] for r in range(d.header_rows)]
    theirs = [[c.text if c else "" for c in row] for row in prev.header()]
    return list(range(d.ncols + 1)) if mine == theirs else None


def _strip_margins(pages_lines: list[list[Line]], heights: list[float]) -> list[tuple[int, str]]:
    """Drop page numbers and running heads: lines in a page's top or bottom margin that are a page
    number, or that repeat (digits aside) on several pages."""
    def key(ln: Line) -> str:
        return re.sub(r"\d+", "#", ln.text.replace(" ", ""))

    counts: Counter = Counter()
    for lines, h in zip(pages_lines, heights):
        seen = set()
        for ln in lines:
            if ln.top < 0.1 * h or ln.bottom > 0.9 * h:
                seen.add(key(ln))
        counts.update(seen)
    repeated = {k for k, n in counts.items() if n >= 3 and n >= len(pages_lines) / 3}
    dropped = []
    for pg, (lines, h) in enumerate(zip(pages_lines, heights), 1):
        keep = []
        for ln in lines:
            in_margin = ln.top < 0.1 * h or ln.bottom > 0.9 * h
            if in_margin and (PAGE_NUMBER.match(ln.text) or (key(ln) in repeated and not is_caption(ln.text))):
                dropped.append((pg, ln.text))
                continue
            keep.append(ln)
        lines[:] = keep
    return dropped


def _title_block(pending: list[tuple[Line, int]], table_top: float, page_no: int):
    """Split the lines printed before a table into narrative, title and captions. The captions are the
    trailing lines that say who compiled it, its unit or year; the title is the line just above
    them (or just above the table). Returns (narrative, title lines, caption lines)."""
    i = len(pending)
    captions: list[tuple[Line, int]] = []
    while i > 0 and is_caption(pending[i - 1][0].text):
        i -= 1
        captions.insert(0, pending[i])
    title: list[tuple[Line, int]] = []
    while i > 0:
        ln, pg = pending[i - 1]
        if pg != page_no and not captions and not title:
            break
        text = ln.text
        tiny = len(re.sub(r"[\s“”\"'‘’]", "", text)) == 0
        if tiny or (len(text) <= 60 and not text.endswith(("。", "；", "：", ":")) and not title):
            i -= 1
            title.insert(0, pending[i])
            if not tiny:
                # a title may be printed on two lines; take the one above too when it is short and close
                if i > 0:
                    above, apg = pending[i - 1]
                    if apg == pg and ln.top - above.bottom < 0.8 * ln.size and len(above.text) <= 30 \
                            and not above.text.endswith(("。", "；")) and abs((above.x0 + above.x1) - (ln.x0 + ln.x1)) < 4 * ln.size:
                        i -= 1
                        title.insert(0, pending[i])
                break
            continue
        break
    return pending[:i], title, captions


def _paragraphs(lines: list[tuple[Line, int]], page_width: dict[int, float]) -> list[Paragraph]:
    """Join narrative lines into headings and paragraphs."""
    if not lines:
        return []
    sizes = Counter(round(ln.size) for ln, _ in lines)
    body_size = sizes.most_common(1)[0][0] or 1
    lefts = Counter(round(ln.x0) for ln, _ in lines)
    # the left margin: the leftmost start shared by several lines (every line may start elsewhere)
    margin = min((x for x, n in lefts.items() if n >= max(2, lefts.most_common(1)[0][1] // 4)),
                 default=lefts.most_common(1)[0][0]) if lefts else 0
    # pages set their margins apart (a document assembled from several files): a page's own left
    # margin where it shows one beside an indent (two positions each starting several lines)
    by_page: dict[int, Counter] = {}
    for ln, pg in lines:
        by_page.setdefault(pg, Counter())[round(ln.x0)] += 1
    page_left: dict[int, float] = {}
    for pg, c in by_page.items():
        common = [x for x, n in c.items() if n >= max(2, c.most_common(1)[0][1] // 4)]
        if len(common) >= 2:
            page_left[pg] = min(common)
    # each page's right margin: where its long lines end
    page_right: dict[int, float] = {}
    for ln, pg in lines:
        if len(ln.text) >= 20:
            page_right[pg] = max(page_right.get(pg, 0.0), ln.x1)
    everywhere = max(page_right.values(), default=max(ln.x1 for ln, _ in lines))
    out: list[Paragraph] = []
    cur: list[tuple[Line, int]] = []

    def flush():
        if cur:
            text = join_wrapped([ln.text for ln, _ in cur])
            first, pg = cur[0]
            out.append(Paragraph(text, Place(page=pg, bbox=first.bbox), None,
                                 [(ln.text, Place(page=p, bbox=ln.bbox)) for ln, p in cur]))
            cur.clear()

    prev: Line | None = None
    for ln, pg in lines:
        right = page_right.get(pg, everywhere)
        left = page_left.get(pg, margin)
        centre = (ln.x0 + ln.x1) / 2
        centred = ln.x0 > left + 3 * body_size and abs(centre - (left + right) / 2) < 3 * body_size and len(ln.text) < 50
        larger = ln.size > body_size * 1.15
        numbered = bool(HEADING.match(ln.text)) and len(ln.text) <= 40 and not ln.text.endswith("。")
        if centred or larger or numbered:
            flush()
            level = 1 if (centred or larger) else (2 if re.match(r"^(?:第|[一二三四五六七八九十]+[、.．])", ln.text) else 3)
            out.append(Paragraph(ln.text, Place(page=pg, bbox=ln.bbox), level, [(ln.text, Place(page=pg, bbox=ln.bbox))]))
            prev = None
            continue
        indented = ln.x0 > left + 1.2 * body_size
        ended_short = prev is not None and prev.x1 < right - 2.5 * body_size
        gap = prev is not None and pg == cur[-1][1] and ln.top - prev.bottom > 1.2 * max(ln.size, 1)
        if cur and (indented or ended_short or gap):
            flush()
        cur.append((ln, pg))
        prev = ln
    flush()
    return out


MAX_BYTES = 100 * 1024 * 1024  # a published document is a few MB
# Limits per page, checked before pdfminer interprets the page and before the table finder runs;
# the largest real pages (../shared/realdocs, the rendered sample) have 110 KB of content, 2,515
# characters and 3,244 ruling edges.
MAX_PAGE_CONTENT = 4 * 1024 * 1024  # a page's content streams, inflated
MAX_STREAM = 32 * 1024 * 1024  # any other stream the page uses (a font program, a CMap, a form), inflated
MAX_PAGE_OBJECTS = 10_000  # objects reachable from a page's content and resources
MAX_PAGE_CHARS = 50_000  # characters on one page
MAX_PAGE_EDGES = 20_000  # ruling lines and rectangle sides on one page (the table finder is quadratic in them)
_CID = re.compile(r"^\(cid:\d+\)$")
_FIX = "请从原软件（Word、WPS、Excel）重新导出 PDF，或提供原始的 Word/Excel 文件"


def read_pdf(path: str | Path) -> Document:
    """The document, read in a child process with limits on CPU time and memory
    (:func:`budgetxl.safety.run_limited`): pdfminer and the table finder can take minutes or
    gigabytes on a hostile PDF (a decompression bomb, a page of a million lines)."""
    from ..safety import run_limited

    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(1024)
    except OSError as e:
        raise BudgetxlError(f"{name}：无法打开文件（{e.strerror}）") from None
    if size > MAX_BYTES:
        raise BudgetxlError(f"{name}：PDF 文件 {size / 1048576:.0f} MB，超过 {MAX_BYTES // 1048576} MB 的上限，"
                            "不像一份预算公开文件，拒绝读取")
    if b"%PDF-" not in head:
        raise BudgetxlError(f"{name}：不是 PDF 文件（文件开头没有 PDF 标记，可能已损坏或改了扩展名）。{_FIX}")
    return run_limited(_read_pdf, p, name, name=name, what="PDF")


def _damage(e: BaseException) -> str:
    """What is wrong with a PDF, in Chinese, from what pdfminer raised (never the bare name)."""
    from pdfplumber.utils.exceptions import PdfminerException

    while isinstance(e, PdfminerException) and e.args and isinstance(e.args[0], BaseException):
        e = e.args[0]
    kind = type(e).__name__
    text = f"{kind} {e}".lower()
    if "password" in text or "encrypt" in text or "crypt" in text:
        return "文件设置了打开密码或使用了无法解开的加密，请提供未加密的 PDF"
    if isinstance(e, zlib.error) or "decompress" in text or "flate" in text:
        return "压缩数据损坏"
    if "bounding box" in text or "mediabox" in text or "cropbox" in text:
        return "页面尺寸（MediaBox/CropBox）不合规范"
    if "xref" in text or "trailer" in text:
        return "交叉引用表（xref）损坏"
    if "eof" in text:
        return "文件不完整（可能在下载或复制时被截断）"
    if isinstance(e, (OverflowError, ValueError, TypeError, KeyError, IndexError, AttributeError)):
        return "对象的数值或结构不合规范"
    return "文件结构损坏"


def _inflated(stream, limit: int) -> int:
    """A stream's decoded size, or ``limit + 1`` past the limit. A deflated stream is inflated
    here at most to the limit (a decompression bomb stops there); pdfminer decodes the others
    (the guard bounds them)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    if stream.data is not None:
        return len(stream.data)
    filters = stream.get_filters()
    if len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE:
        try:
            return len(zlib.decompressobj().decompress(stream.rawdata or b"", limit + 1))
        except zlib.error:
            return 0  # pdfminer repairs or reports it
    if not filters:
        return len(stream.rawdata or b"")
    return len(stream.get_data())


def _check_page(page, name: str, i: int) -> None:
    """The page's streams before pdfminer decodes them: its content (all streams together) within
    MAX_PAGE_CONTENT, every other stream it reaches (fonts, CMaps, forms; images are not decoded)
    within MAX_STREAM, and no more than MAX_PAGE_OBJECTS objects reached."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
    from pdfminer.psparser import LIT

    image = LIT("Image")
    content = 0
    for s in page.page_obj.contents:
        s = resolve1(s)
        if isinstance(s, PDFStream):
            content += _inflated(s, MAX_PAGE_CONTENT)
            if content > MAX_PAGE_CONTENT:
                raise BudgetxlError(f"{name}：第{i}页的内容解压后超过 {MAX_PAGE_CONTENT // 1048576} MB 的上限"
                                    "（真实的公开文件每页不足 1 MB），文件可能含有压缩炸弹或已损坏，拒绝读取。" + _FIX)
    seen: set[int] = set()
    stack = [page.page_obj.resources]
    count = 0
    while stack:
        o = stack.pop()
        if isinstance(o, PDFObjRef):
            if o.objid in seen:
                continue
            seen.add(o.objid)
            o = resolve1(o)
        if isinstance(o, (PDFStream, dict, list)):
            count += 1
            if count > MAX_PAGE_OBJECTS:
                raise BudgetxlError(f"{name}：第{i}页引用的对象超过 {MAX_PAGE_OBJECTS} 个的上限，"
                                    "文件可能已损坏或被篡改，拒绝读取")
        if isinstance(o, PDFStream):
            if resolve1(o.attrs.get("Subtype")) is not image and _inflated(o, MAX_STREAM) > MAX_STREAM:
                raise BudgetxlError(f"{name}：第{i}页使用的数据（字体、字符映射或图形）解压后超过 "
                                    f"{MAX_STREAM // 1048576} MB 的上限，文件可能含有压缩炸弹或已损坏，拒绝读取。" + _FIX)
            stack.extend(o.attrs.values())
        elif isinstance(o, dict):
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)


MAX_CHAIN = 32  # references to references before an object (writers never chain them)


def _check_tree(path: Path, name: str) -> None:
    """The page tree and what its nodes refer to, before pdfplumber resolves them: pdfminer
    follows a reference to a reference without end, so a cycle of references (or a chain of
    thousands) is refused here. Walks the tree's nodes, their values and their resources' values
    once each."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, PDFStream

    with open(path, "rb") as fh:
        doc = PDFDocument(PDFParser(fh))

        def deref(x):
            chain: set[int] = set()
            while isinstance(x, PDFObjRef):
                if x.objid in chain or len(chain) > MAX_CHAIN:
                    raise BudgetxlError(f"{name}：PDF 的对象 {x.objid} 处有循环或过长的引用链，文件已损坏或被篡改，"
                                        f"拒绝读取。{_FIX}")
                chain.add(x.objid)
                x = doc.getobj(x.objid)
            return x

        seen: set[int] = set()
        stack = [(doc.catalog.get("Pages"), 2)]  # (object, how many levels of its values to look into)
        while stack:
            o, depth = stack.pop()
            if isinstance(o, PDFObjRef):
                if o.objid in seen:
                    continue
                seen.add(o.objid)
            o = deref(o)
            if isinstance(o, PDFStream) or depth <= 0:
                continue
            values = o.values() if isinstance(o, dict) else o if isinstance(o, list) else ()
            for v in values:
                if isinstance(v, (PDFObjRef, dict, list)):
                    stack.append((v, 2 if isinstance(o, dict) and v is o.get("Kids") else depth - 1))


def _close(pdf) -> None:
    """Close the PDF; pdfplumber's close() builds every page again, which fails on the damage
    that stopped the reading: the file is then closed without it."""
    try:
        pdf.close()
    except Exception:
        stream = getattr(pdf, "stream", None)
        if stream is not None and not getattr(pdf, "stream_is_external", False):
            stream.close()


def _read_pdf(path: Path, name: str, progress) -> Document:
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings are English internals
    progress("文件结构")
    try:
        _check_tree(path, name)
        pdf = pdfplumber.open(path)
    except BudgetxlError:
        raise
    except Exception as e:
        raise BudgetxlError(f"{name}：无法打开 PDF 文件（{_damage(e)}）。{_FIX}") from None
    try:
        try:
            n = len(pdf.pages)
        except Exception as e:
            raise BudgetxlError(f"{name}：无法读取 PDF 的页面（{_damage(e)}）。{_FIX}") from None
        if n > MAX_PAGES:
            raise BudgetxlError(f"{name}：PDF 有 {n} 页，超过 {MAX_PAGES} 页的上限，不像一份预算公开文件")
        if n == 0:
            raise BudgetxlError(f"{name}：PDF 中没有任何页面（页面树为空或已损坏）。{_FIX}")
        doc = Document(name, "pdf", pages=n)
        pages_lines: list[list[Line]] = []
        heights, widths = [], {}
        drawn_pages: list[list[_Drawn]] = []
        carry = None  # the columns and header of a text table the page before ended with
        any_text = undecodable = False
        for i, page in enumerate(pdf.pages, 1):
            progress(f"第{i}页")
            try:
                page.bbox  # noqa: B018 - pdfplumber checks the page's boxes here
                _check_page(page, name, i)
                # text drawn outside the page's visible box is not printed: leave it out
                x0, top, x1, bottom = page.bbox
                chars = [c for c in page.chars
                         if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
                if len(chars) > MAX_PAGE_CHARS:
                    raise BudgetxlError(f"{name}：第{i}页有 {len(chars)} 个字符，超过每页 {MAX_PAGE_CHARS} 个的上限，"
                                        "不像预算公开文件的页面，拒绝读取")
                ruled = len(page.lines) + 4 * len(page.rects)
                if ruled > MAX_PAGE_EDGES:
                    raise BudgetxlError(f"{name}：第{i}页有 {ruled} 条线段，超过每页 {MAX_PAGE_EDGES} 条的上限，"
                                        "不像预算公开文件的页面，拒绝读取")
                drawn = _drawn_tables(page, i) if (page.rects or page.lines) else []
                images = bool(page.images)
                height, width = float(page.height), float(page.width)
            except BudgetxlError:
                raise
            except MemoryError:
                raise
            except RecursionError:
                raise
            except Exception as e:
                raise BudgetxlError(f"{name}：第{i}页无法解析（{_damage(e)}），文件可能已损坏。{_FIX}") from None
            glyphs_only = bool(chars) and all(_CID.match(c["text"]) for c in chars)  # no text the fonts give
            if glyphs_only:
                undecodable = True
                chars = []
            if not chars:
                carry = None
                if images or glyphs_only:  # a page printed but not readable (a blank page is not listed)
                    doc.unreadable_pages.append(i)
                pages_lines.append([])
                drawn_pages.append([])
                heights.append(height)
                continue
            any_text = True
            free = _assign(chars, drawn)
            lines, texts = _text_tables(group_lines(free), i, drawn, carry, height)
            carry = _carried(lines, drawn, texts, height)
            pages_lines.append(lines)
            drawn_pages.append(sorted(drawn + texts, key=lambda d: d.bbox[1]))
            heights.append(height)
            widths[i] = width
            page.flush_cache()
        if not any_text:
            if undecodable:
                raise BudgetxlError(f"{name}：这个 PDF 的文字无法解码（字体缺少 ToUnicode 映射，只有字形没有文字），"
                                    "相当于没有文字层，无法可靠读取其中的数字。" + _FIX)
            raise BudgetxlError(f"{name}：这个 PDF 没有文字层（可能是扫描件或图片），无法可靠读取其中的数字。"
                                "请使用由 Word、WPS 或 Excel 直接导出的 PDF，或提供原始的 Word/Excel 文件")
    finally:
        _close(pdf)
    progress("版面")
    doc.margins = _strip_margins(pages_lines, heights)
    _assemble(doc, pages_lines, drawn_pages, widths)
    return doc


def _assemble(doc: Document, pages_lines: list[list[Line]], drawn_pages: list[list[_Drawn]], widths) -> None:
    pending: list[tuple[Line, int]] = []
    narrative: list[tuple[Line, int]] = []
    last: tuple[Table, list[float]] | None = None  # the table the next one may continue
    after_table = False  # lines printed right after the last table (its notes)
    closed = False  # a line printed after the last table (a note included): a text table does not continue it
    for pg, (lines, drawn) in enumerate(zip(pages_lines, drawn_pages), 1):
        events = [(ln.top, 0, ln) for ln in lines] + [(d.bbox[1], 1, d) for d in drawn]
        events.sort(key=lambda e: (e[0], e[1]))
        if pg == 1:
            doc.front = [ln.text for ln in lines]
        for _, kind, obj in events:
            if kind == 0:
                ln = obj
                closed = True
                if after_table and last is not None and is_table_note(ln.text):
                    last[0].notes.append(ln.text)
                    last[0].printed.append((ln.text, Place(page=pg, bbox=ln.bbox)))
                    continue
                after_table = False
                pending.append((ln, pg))
                continue
            d = obj
            rest, title, captions = _title_block(pending, d.bbox[1], pg)
            pending = []
            narrative += rest
            mapping = None
            if last is not None and not title and not captions and not rest:
                if d.header_rows is None:
                    mapping = _compatible(last[0], last[1], d)
                elif not closed and last[0].pages[-1] == pg - 1:
                    mapping = _text_continued(last[0], last[1], d)
            if mapping is not None:
                _continue(last[0], d, mapping)
            else:
                t = _new_table(len(doc.tables) + 1, d, title, captions)
                doc.tables.append(t)
                last = (t, d.xs)
            after_table = True
            closed = False
    narrative += pending
    doc.paragraphs = _paragraphs(narrative, widths)


def _new_table(index: int, d: _Drawn, title, captions) -> Table:
    rows = _grid_rows(d)
    t = Table(index, rows=rows, pages=[d.page])
    t.header_rows = header_count(rows) if d.header_rows is None else d.header_rows
    t.title = join_wrapped([ln.text for ln, _ in title]) if title else ""
    if title:
        t.title_place = Place(page=title[0][1], bbox=title[0][0].bbox)
    t.printed = [(ln.text, Place(page=pg, bbox=ln.bbox)) for ln, pg in (*title, *captions)]
    for ln, _ in captions:
        t.add_caption(ln.text, [seg for seg, _, _ in ln.segments])
    t.find_year()
    return t


def _continue(t: Table, d: _Drawn, mapping: list[int]) -> None:
    """Append a drawn table that continues ``t`` on a later page, its columns put onto t's grid."""
    width = t.width
    rows: list[list[Cell | None]] = []
    for r in range(d.nrows):
        row: list[Cell | None] = [None] * width
        for c in range(d.ncols):
            cell = d.cover.get((r, c))
            if cell is None:
                continue
            a, b = mapping[c], mapping[c + 1]
            for k in range(a, max(b, a + 1)):
                if k < width:
                    row[k] = cell
        rows.append(row)
    # a header repeated on the new page is dropped
    head = [[c.text if c else "" for c in r] for r in t.header()]
    k = 0
    while k < len(rows) and k < len(head) and [c.text if c else "" for c in rows[k]] == head[k]:
        k += 1
    if k < len(head):
        k = 0
    seen: set[int] = set()
    for row in rows[:k]:  # the header printed again: text printed on this page, not rows
        for cell in row:
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                t.printed.append((cell.text, cell.place))
    t.printed += [(ln.text, Place(page=d.page, bbox=ln.bbox)) for ln in d.repeated]
    for cell in d.cells:  # spans and columns in the joined grid
        a, b = mapping[cell.col], mapping[cell.col + cell.colspan]
        cell.col, cell.colspan = a, max(1, b - a)
        cell.row += len(t.rows) - k
    t.rows += rows[k:]
    t.pages.append(d.page)
