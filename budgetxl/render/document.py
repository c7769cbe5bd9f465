"""The whole disclosure document (部门预算信息公开) as a Word file, laid out like the published ones.

Title, 目录, 第一部分 情况说明 (where the profile declares ``part1``; a Shanghai document has no part
heading: its sections follow the cover title, which is printed once) (sections 一 to 十 as ``parts.toml`` [document] declares them: the
generated paragraphs of :mod:`.narrative`, the unit's own texts as written, and the supplementary
tables of :mod:`.parts`), then 第二部分 the nine tables as Word tables (merged header cells as in
the official workbook, the 栏次 row, zero blank, amounts right-aligned). The nine tables and the
procurement table are printed on landscape pages. Text is set in a CJK font (宋体 as the
east-Asian font; a system without it substitutes its own CJK font, e.g. Noto CJK).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..fileio import atomic_path
from ..layout import data_rows, header_cells, lanci_row
from ..model import UnitBudget
from . import parts as P
from .official import FONT, empty_note, table_page

HEADING_FONT = "黑体"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text safe for XML (control characters dropped)."""
    return _CONTROL.sub("", text or "")


# ---------------------------------------------------------------------- the nine tables as grids
def table_grid(table, budget: UnitBudget) -> P.PartTable:
    """One of the nine tables as a printable grid (the same layout as the official workbook)."""
    grid = table.grid
    lanci = lanci_row(table)
    t = P.PartTable(table.id, budget.profile.printed_title(table, budget.year), table.name,
                    table_page(table, budget).widths, budget.label,
                    f"单位：{table.money_unit}", header_rows=table.header_depth + (1 if lanci else 0),
                    note=empty_note(table, budget) if (table.empty_note and budget.is_empty(table)) else "")
    for h in header_cells(table):
        t.cells.append(P.PCell(h.row, h.col, h.text, P.HEADER, h.last_row, h.last_col))
    top = table.header_depth
    for c, text in enumerate(lanci):
        t.cells.append(P.PCell(top, c, text, "lanci"))
    first = top + 1 if lanci else top
    rows = data_rows(table, budget)
    total_at = first + (len(rows) - 1 if table.total_last else 0)
    for r, slots in enumerate(rows, start=first):
        total_row = table.coded and r == total_at
        for c, slot in enumerate(slots):
            if slot.kind == "value":
                t.cells.append(P.PCell(r, c, budget.cell_value(slot.key), P.MONEY, bold=total_row))
            elif slot.kind == "seq":
                t.cells.append(P.PCell(r, c, slot.text, "seq"))
            elif slot.kind == "code":
                t.cells.append(P.PCell(r, c, slot.text, P.CODE))
            elif slot.kind in ("name", "label"):
                last = c + slot.span - 1 if slot.span > 1 else None
                t.cells.append(P.PCell(r, c, slot.text, P.LABEL, last_col=last, indent=slot.indent))
            elif slot.kind == "covered":
                continue
            else:
                t.cells.append(P.PCell(r, c, None, P.TEXT))
    return t


# ---------------------------------------------------------------------- python-docx helpers
class _Doc:
    def __init__(self, budget: UnitBudget):
        import docx
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt, RGBColor

        self.docx, self.qn, self.Pt, self.Cm, self.RGB = docx, qn, Pt, Cm, RGBColor
        self.ALIGN = WD_ALIGN_PARAGRAPH
        self.b = budget
        self.doc = docx.Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.2)
        sec.top_margin = sec.bottom_margin = Cm(2.2)
        self._styles()
        self._footer(sec)

    # -- fonts and styles
    def _set_font(self, rpr_owner, name: str, east_asia: str) -> None:
        rpr = rpr_owner.get_or_add_rPr()
        fonts = rpr.find(self.qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(self.qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(self.qn(attr), None)
        for attr, value in (("w:ascii", name), ("w:hAnsi", name), ("w:eastAsia", east_asia), ("w:cs", name)):
            fonts.set(self.qn(attr), value)

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.size = self.Pt(12)
        self._set_font(normal.element, FONT, FONT)
        rpr = normal.element.get_or_add_rPr()
        lang = rpr.makeelement(self.qn("w:lang"), {self.qn("w:val"): "en-US", self.qn("w:eastAsia"): "zh-CN"})
        rpr.append(lang)
        normal.paragraph_format.space_after = self.Pt(3)
        normal.paragraph_format.line_spacing = 1.25
        for name, size in (("Title", 18), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
            st = styles[name]
            st.font.size = self.Pt(size)
            st.font.bold = True
            st.font.italic = False
            st.font.color.rgb = self.RGB(0, 0, 0)
            self._set_font(st.element, FONT, HEADING_FONT)
            st.paragraph_format.space_before = self.Pt(12 if name != "Heading 3" else 6)
            st.paragraph_format.space_after = self.Pt(6)
        title_ppr = styles["Title"].element.get_or_add_pPr()
        for el in title_ppr.findall(self.qn("w:pBdr")):  # the default template underlines the title
            title_ppr.remove(el)

    def _footer(self, section) -> None:
        p = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        p.alignment = self.ALIGN.CENTER
        p.add_run("第 ")
        fld = p._p.makeelement(self.qn("w:fldSimple"), {self.qn("w:instr"): "PAGE"})
        run = fld.makeelement(self.qn("w:r"), {})
        t = run.makeelement(self.qn("w:t"), {})
        t.text = "1"
        run.append(t)
        fld.append(run)
        p._p.append(fld)
        p.add_run(" 页")

    # -- 目录: entries with the page of their target, as Word and LibreOffice compute it
    def bookmark(self, paragraph, name: str) -> None:
        """Mark ``paragraph`` as the target ``name`` of a 目录 entry."""
        self._bookmarks = getattr(self, "_bookmarks", 0) + 1
        p = paragraph._p
        start = p.makeelement(self.qn("w:bookmarkStart"), {self.qn("w:id"): str(self._bookmarks),
                                                          self.qn("w:name"): name})
        end = p.makeelement(self.qn("w:bookmarkEnd"), {self.qn("w:id"): str(self._bookmarks)})
        ppr = p.find(self.qn("w:pPr"))
        p.insert(0 if ppr is None else list(p).index(ppr) + 1, start)
        p.append(end)

    def toc_entry(self, text: str, target: str, level: int) -> None:
        """One 目录 line: the title, a dotted leader and a PAGEREF field giving the page of the
        bookmark ``target`` (both Word and LibreOffice fill it from their own layout)."""
        from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

        p = self.doc.add_paragraph()
        p.paragraph_format.left_indent = self.Pt(24 * level)
        p.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        p.add_run(clean(text) + "\t")
        for kind, instr in (("begin", None), (None, f" PAGEREF {target} \\h "), ("separate", None),
                            (None, None), ("end", None)):
            run = p.add_run()
            if kind:
                run._r.append(run._r.makeelement(self.qn("w:fldChar"), {self.qn("w:fldCharType"): kind}))
            elif instr:
                el = run._r.makeelement(self.qn("w:instrText"), {self.qn("xml:space"): "preserve"})
                el.text = instr
                run._r.append(el)
            else:
                run.text = "1"  # shown until the application computes the field

    # -- blocks
    def heading(self, text: str, level: int):
        return self.doc.add_heading(clean(text), level=level)

    def title(self, text: str):
        p = self.doc.add_paragraph(clean(text), style="Title")
        p.alignment = self.ALIGN.CENTER
        return p

    def para(self, text: str, *, indent: bool = True, bold: bool = False, align=None, size: float | None = None):
        p = self.doc.add_paragraph()
        run = p.add_run(clean(text))
        run.bold = bold or None
        if size:
            run.font.size = self.Pt(size)
        if indent:
            p.paragraph_format.first_line_indent = self.Pt(24)
        if align is not None:
            p.alignment = align
        return p

    def text_block(self, text: str) -> None:
        for line in (text or "").split("\n"):
            if line.strip():
                self.para(line.strip())

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def new_section(self, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION

        sec = self.doc.add_section(WD_SECTION.NEW_PAGE)
        sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long, short = self.Cm(29.7), self.Cm(21.0)
        sec.page_width, sec.page_height = (long, short) if landscape else (short, long)

    @property
    def text_width(self):
        sec = self.doc.sections[-1]
        return sec.page_width - sec.left_margin - sec.right_margin

    def caption(self, title: str, left: str, right: str, middle: str = "", new_page: bool = False) -> None:
        """A table's title, then one line: the unit on the left, 预算年度 in the middle (the nine
        tables) and 单位/截止时间 on the right; ``new_page``: the title starts a page."""
        from docx.enum.text import WD_TAB_ALIGNMENT

        p = self.para(title, indent=False, bold=True, align=self.ALIGN.CENTER, size=14)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.page_break_before = new_page or None
        self.last_caption = p
        line = self.doc.add_paragraph()
        stops = line.paragraph_format.tab_stops
        if middle:
            stops.add_tab_stop(int(self.text_width / 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        line.paragraph_format.keep_with_next = True
        text = clean(left) + (f"\t{clean(middle)}" if middle else "") + (f"\t{clean(right)}" if right else "")
        line.add_run(text).font.size = self.Pt(10)

    def _column_widths(self, part: P.PartTable, size_pt: float) -> list[int]:
        """Column widths (EMU) over the text width, in proportion to the table's widths, but
        never narrower than what must not wrap: codes, amounts, 序号 and 栏次 whole, a short
        header (up to four characters) on one line."""
        from .page import display_width

        margin = 2 * 5.4 + 1  # Word's default cell margins (0.19 cm each side), pt
        need = [0.0] * part.ncols
        for pc in part.cells:
            if pc.right != pc.col:
                continue
            text = clean(P.show(pc))
            if not text:
                continue
            if pc.kind == P.HEADER:
                units = min(display_width(text), 8)
            elif pc.kind in (P.CODE, P.MONEY, P.NUMBER, "seq", "lanci"):
                units = display_width(text)
            else:
                continue
            need[pc.col] = max(need[pc.col], units * size_pt * 0.55 + margin)
        total_pt = self.text_width / 12700  # EMU -> pt
        total = sum(part.widths)
        widths = [total_pt * w / total for w in part.widths]
        for _ in range(part.ncols):  # raise the narrow ones, take it from those with room to spare
            short = [i for i, w in enumerate(widths) if w < need[i] - 0.01]
            if not short:
                break
            for i in short:
                widths[i] = need[i]
            spare = [i for i, w in enumerate(widths) if i not in short and w > need[i]]
            excess = sum(widths) - total_pt
            room = sum(widths[i] - need[i] for i in spare)
            if room <= 0:
                break
            for i in spare:
                widths[i] -= excess * (widths[i] - need[i]) / room
        return [int(self.Pt(w)) for w in widths]

    def grid(self, part: P.PartTable, keep_together: bool = False) -> None:
        """A :class:`PartTable` as a Word table: merged blocks, borders, header rows repeated on
        every page, no row split across pages; ``keep_together`` keeps the whole table on one
        page where it fits (every row kept with the next, as Word does it), so a table without
        repeatable header rows never starts a page with rows cut off from its top."""
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
        from docx.table import _Cell

        nrows, ncols = part.nrows, part.ncols
        table = self.doc.add_table(rows=nrows, cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        size = self.Pt(9 if ncols > 5 else 10.5)  # never under 9 pt, however many columns
        widths = self._column_widths(part, size.pt)
        for i, col in enumerate(table.columns):
            col.width = widths[i]
        # The cells, taken once before any merge (python-docx's table.cell() walks the whole table).
        trs = table._tbl.tr_lst
        cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in trs]
        for r, tr in enumerate(trs):
            trpr = tr.get_or_add_trPr()
            if r < part.header_rows:
                trpr.append(trpr.makeelement(self.qn("w:tblHeader"), {}))
            trpr.append(trpr.makeelement(self.qn("w:cantSplit"), {}))
            for i, cell in enumerate(cells[r]):
                cell.width = widths[i]
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for pc in part.cells:
            cell = cells[pc.row][pc.col]
            if (pc.bottom, pc.right) != (pc.row, pc.col):
                cell = cell.merge(cells[pc.bottom][pc.right])
            text = clean(P.show(pc))
            par = cell.paragraphs[0]
            par.paragraph_format.first_line_indent = None
            par.paragraph_format.space_after = self.Pt(0)
            par.paragraph_format.line_spacing = 1.0
            if pc.kind in (P.MONEY, P.NUMBER):
                par.alignment = self.ALIGN.RIGHT
            elif pc.kind in (P.HEADER, "lanci", "seq") or (pc.kind == P.LABEL and part.key == "projects"):
                par.alignment = self.ALIGN.CENTER
            else:
                par.alignment = self.ALIGN.LEFT
                if pc.indent:
                    par.paragraph_format.left_indent = self.Pt(10 * pc.indent)
            if keep_together and pc.bottom < nrows - 1:
                par.paragraph_format.keep_with_next = True
            lines = text.split("\n")
            for k, line in enumerate(lines):
                run = par.add_run(line)
                run.font.size = size
                run.bold = (pc.bold or pc.kind == P.HEADER) or None
                if k < len(lines) - 1:
                    run.add_break()
        if part.note:
            self.para(part.note, indent=False, size=10)

    def update_fields_on_open(self) -> None:
        """Ask Word to update the fields (the 目录's page numbers) when it opens the document;
        LibreOffice computes them itself."""
        settings = self.doc.settings.element
        el = settings.makeelement(self.qn("w:updateFields"), {self.qn("w:val"): "true"})
        settings.append(el)

    def save(self, out: Path, inputs=()) -> Path:
        with atomic_path(out, inputs=inputs) as tmp:
            self.doc.save(str(tmp))
        return out


# ---------------------------------------------------------------------- the document
def document_parts(budget: UnitBudget) -> dict:
    return budget.profile.parts["document"]


def render_document(budget: UnitBudget, out: str | Path, *, previous: UnitBudget | None = None,
                    inputs=()) -> Path:
    """Write the whole disclosure document (.docx) for one unit, atomically."""
    from .narrative import narrative

    out = Path(out)
    spec = document_parts(budget)
    texts = narrative(budget, previous)
    d = _Doc(budget)
    core = d.doc.core_properties
    core.title = P.fill(spec["title"], budget)
    core.author = "budgetxl"
    core.subject = f"{budget.profile.budget_kind}公开"

    def f(template: str) -> str:
        return P.fill(template, budget)

    # title and 目录: each entry refers to a bookmark on its heading (or table title); a profile
    # whose document holds the nine tables as one of its sections (`{ tables = "all" }`) lists them there
    inline = any("tables" in item for sec in spec["sections"] for item in sec["content"])
    d.title(f(spec["title"]))
    d.para(f(spec["toc_title"]), indent=False, bold=True, align=d.ALIGN.CENTER, size=16)
    # 第一部分 …情况说明: a part heading of its own where the profile's document has one (Hebei); a
    # document whose narrative begins with its sections under the cover title (Shanghai) has none,
    # and the title is not printed a second time as a heading
    part1 = f(spec["part1"]) if spec.get("part1") else None
    if part1 is not None:
        d.toc_entry(part1, "_budgetxl_part1", 0)

    def toc_tables():
        for table in budget.profile.ordered:
            d.toc_entry(f"{table.number}、{budget.profile.printed_title(table, budget.year)}",
                        f"_budgetxl_{table.id}", 2 if inline else 1)

    for i, sec in enumerate(spec["sections"]):
        d.toc_entry(sec["title"], f"_budgetxl_s{i}", 1)
        if any("tables" in item for item in sec["content"]):
            toc_tables()
    if not inline:
        d.toc_entry(f(spec["part2"]), "_budgetxl_part2", 0)
        toc_tables()
    d.page_break()
    d.update_fields_on_open()

    def nine_tables(heading: str | None = None):  # on landscape pages
        d.new_section(landscape=True)
        if heading is not None:
            d.bookmark(d.heading(heading, 1), "_budgetxl_part2")
        for i, table in enumerate(budget.profile.ordered):
            if i:
                d.page_break()
            grid = table_grid(table, budget)
            d.caption(grid.title, grid.left, grid.right, middle=budget.profile.year_line.format(year=budget.year))
            d.bookmark(d.last_caption, f"_budgetxl_{table.id}")
            d.grid(grid)

    # 第一部分 情况说明 (or the whole document, when the tables are one of its sections)
    if part1 is not None:
        d.bookmark(d.heading(part1, 1), "_budgetxl_part1")
    if spec.get("preface"):
        d.text_block(f(spec["preface"]))
    for i, sec in enumerate(spec["sections"]):
        d.bookmark(d.heading(sec["title"], 2 if part1 is not None else 1), f"_budgetxl_s{i}")
        for item in sec["content"]:
            if "text" in item:
                body = texts.get(item["text"], "")
                if item.get("heading"):
                    d.para(item["heading"], indent=False, bold=True)
                d.text_block(body)
            elif "tables" in item:
                nine_tables()
                d.new_section(landscape=False)
            else:
                tables = P.part_tables(budget, item["table"])
                if item.get("heading") and tables:
                    d.para(item["heading"], indent=False, bold=True)
                for k, pt in enumerate(tables):
                    wide = pt.ncols > 10
                    if wide:
                        d.new_section(landscape=True)
                    # the first table follows its heading; the others of a kept-together kind
                    # start a page (LibreOffice does not keep a table with its next rows)
                    d.caption(pt.heading or pt.title, pt.left, pt.right, new_page=pt.keep_together and k > 0)
                    d.grid(pt, keep_together=pt.keep_together)
                    if wide:
                        d.new_section(landscape=False)

    # 第二部分 the nine tables
    if not inline:
        nine_tables(f(spec["part2"]))
    return d.save(out, inputs)


# ---------------------------------------------------------------------- PDF
def pdf_path(docx: str | Path) -> Path:
    """Where the document's PDF goes: next to the .docx, same stem (公开.docx -> 公开.pdf)."""
    return Path(docx).with_suffix(".pdf")


def writer_available() -> bool:
    """Whether the installed LibreOffice can open Word documents (its Writer component).

    Debian splits LibreOffice: ``libreoffice-calc-nogui`` converts workbooks only; documents need
    ``libreoffice-writer-nogui``. Unknown layouts (no Calc library found either) count as able.
    """
    from .. import lo

    exe = lo.find_soffice()
    if exe is None:
        return False
    prog = Path(os.path.realpath(exe)).parent
    dirs = [prog, prog.parent / "Frameworks", prog.parent / "program"]
    has = lambda stem: any((d / n).exists() for d in dirs for n in (f"lib{stem}lo.so", f"{stem}lo.dll",  # noqa: E731
                                                                        f"lib{stem}lo.dylib"))
    if has("sw"):
        return True
    return not has("sc")


WRITER_HINT = ("LibreOffice 缺少文字处理组件（Writer），无法把文档（.docx）转换为 PDF。请安装 libreoffice-writer-nogui"
               "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）；或不同时使用 --pdf 与 --docx，"
               "只生成公开表 PDF")
