"""Patch an xlsx package in place of rewriting it: the parts that change are parsed and written
again with lxml, every other member is copied byte for byte (its compressed data included).

This is what ``check --annotate`` needs: a few cells highlighted and given notes, and one sheet
added. A whole-workbook load and save (openpyxl) costs about 600 ms a copy and drops what openpyxl
does not model (cached formula values, most of the extensions); patching costs a few tens of ms
and keeps everything else exactly as the unit returned it.

The package is untrusted: the container goes through :func:`budgetxl.safety.check_container`
first, and every part is parsed without entity resolution, network access, DTDs or huge-tree
mode (a part with a DOCTYPE is refused: OOXML parts never have one).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from .errors import BudgetxlError
from .safety import REDO, Package, check_container, damage, read_part

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
EXT_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_WORKSHEET = REL + "/worksheet"
REL_COMMENTS = REL + "/comments"
REL_VML = REL + "/vmlDrawing"
REL_STYLES = REL + "/styles"
REL_OFFICE_DOC = REL + "/officeDocument"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

# the order of a worksheet's children (CT_Worksheet) and of a style sheet's (CT_Stylesheet):
# a new child goes where the schema puts it, or Excel calls the file damaged
WORKSHEET_ORDER = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
                   "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
                   "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
                   "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
                   "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
                   "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                   "webPublishItems", "tableParts", "extLst")
STYLES_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                "tableStyles", "colors", "extLst")
WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                  "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
                  "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
                  "fileRecoveryPr", "webPublishObjects", "extLst")
CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False)


def q(tag: str, ns: str = MAIN) -> str:
    return f"{{{ns}}}{tag}"


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def split_ref(ref: str) -> tuple[int, int] | None:
    """(row, column) of a single-cell reference such as ``D15`` or ``$D$15``; None otherwise."""
    m = CELL_REF.fullmatch(ref or "")
    if not m or col_number(m.group(1)) > 16384 or int(m.group(2)) > 1048576:
        return None
    return int(m.group(2)), col_number(m.group(1))


def child(parent, tag: str, order: tuple[str, ...], ns: str = MAIN):
    """``parent``'s child ``tag``, made where the schema's ``order`` puts it when there is none."""
    found = parent.find(q(tag, ns))
    if found is not None:
        return found
    new = etree.Element(q(tag, ns))
    later = set(order[order.index(tag) + 1:])
    for i, c in enumerate(parent):
        if isinstance(c.tag, str) and etree.QName(c).localname in later:
            parent.insert(i, new)
            return new
    parent.append(new)
    return new


class XlsxPackage:
    """An xlsx package open for patching: ``part(name)`` parses a member (once) for changes,
    ``add(name, root)`` adds one, :meth:`save` writes the package with every other member copied
    as it was."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = str(path)
        self.zf: zipfile.ZipFile = check_container(path, keep_open=True)
        self.parsed: dict[str, etree._Element] = {}
        self.added: dict[str, etree._Element | bytes] = {}
        self._read: dict[str, etree._Element] = {}
        self.names = {i.filename for i in self.zf.infolist()}
        rels = self.read("_rels/.rels")
        target = next((r.get("Target") for r in rels if r.get("Type") == REL_OFFICE_DOC), None)
        if not target:
            raise BudgetxlError(f"{self.name}：工作簿缺少主文档，文件已损坏。{REDO}")
        self.workbook_part = target.lstrip("/")

    def close(self) -> None:
        self.zf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def exists(self, name: str) -> bool:
        return name in self.names or name in self.added

    def raw(self, name: str) -> bytes:
        return read_part(self.zf, name, self.name)

    def part(self, name: str) -> etree._Element:
        """The parsed root of member ``name``, to change: the part is written again on :meth:`save`."""
        if name in self.added:
            return self.added[name]
        if name not in self.parsed:
            self.parsed[name] = self.read(name)
        return self.parsed[name]

    def read(self, name: str) -> etree._Element:
        """The parsed root of member ``name``, to look at (a part not changed is copied as it was)."""
        if name in self.added or name in self.parsed:
            return self.part(name)
        if name not in self._read:
            self._read[name] = self.parse(self.raw(name), name)
        return self._read[name]

    def parse(self, data: bytes, name: str) -> etree._Element:
        try:
            tree = etree.fromstring(data, _parser()).getroottree()
        except etree.XMLSyntaxError as e:
            raise BudgetxlError(f"{self.name}：部件 {name} 无法读取（{damage(e)}）。{REDO}") from None
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise BudgetxlError(f"{self.name}：部件 {name} 含有 DTD 声明，不是 Excel/WPS 保存的 xlsx，拒绝读取。{REDO}")
        return tree.getroot()

    def add(self, name: str, content) -> None:
        self.added[name] = content

    def replace(self, name: str, content) -> None:
        """Give part ``name`` new content (an lxml root or bytes), a member or a new part."""
        if name in self.names:
            self.parsed[name] = content
        else:
            self.add(name, content)

    def unused(self, pattern: str) -> str:
        """The first member name ``pattern % n`` (n = 1, 2, …) not in the package."""
        n = 1
        while self.exists(pattern % n):
            n += 1
        return pattern % n

    # -------------------------------------------------------------------- relationships
    @staticmethod
    def rels_name(part: str) -> str:
        d, base = posixpath.split(part)
        return posixpath.join(d, "_rels", base + ".rels")

    @staticmethod
    def resolve(part: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def rels(self, part: str) -> etree._Element:
        """The relationships of ``part`` (made empty when it has none)."""
        name = self.rels_name(part)
        if not self.exists(name):
            self.add(name, etree.Element(q("Relationships", PKG_REL), nsmap={None: PKG_REL}))
        return self.part(name)

    def relate(self, part: str, rel_type: str, target_part: str) -> str:
        """A new relationship from ``part`` to ``target_part``; returns its id."""
        rels = self.rels(part)
        used = {r.get("Id") for r in rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        rel = etree.SubElement(rels, q("Relationship", PKG_REL))
        rel.set("Id", f"rId{n}")
        rel.set("Type", rel_type)
        rel.set("Target", posixpath.relpath(target_part, posixpath.dirname(part)))
        return f"rId{n}"

    def targets(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, part name) of ``part``'s internal relationships."""
        if not self.exists(self.rels_name(part)):
            return {}
        return {r.get("Id"): (r.get("Type"), self.resolve(part, r.get("Target", "")))
                for r in self.read(self.rels_name(part)) if r.get("TargetMode") != "External"}

    def content_type(self, part: str, ctype: str) -> None:
        types = self.part("[Content_Types].xml")
        o = etree.SubElement(types, q("Override", CT))
        o.set("PartName", "/" + part)
        o.set("ContentType", ctype)

    def default_type(self, extension: str, ctype: str) -> None:
        types = self.part("[Content_Types].xml")
        if any(d.get("Extension", "").lower() == extension for d in types.iter(q("Default", CT))):
            return
        d = etree.Element(q("Default", CT))
        d.set("Extension", extension)
        d.set("ContentType", ctype)
        types.insert(0, d)

    # -------------------------------------------------------------------- saving
    def save(self, out: str | Path) -> None:
        """Write the package to ``out`` (a path the caller made atomic): changed and new parts
        serialised and deflated, every other member's compressed bytes copied unchanged."""
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in self.zf.infolist():
                if info.filename in self.parsed:
                    self._write(zout, info.filename, self.parsed[info.filename], info.date_time)
                elif isinstance(self.zf, Package):
                    self._copy(zout, info)
                else:  # a large package is not held in memory: inflate and deflate it again
                    zout.writestr(self._info(info.filename, info.date_time), self.raw(info.filename))
            for name, content in self.added.items():
                self._write(zout, name, content)

    @staticmethod
    def _info(name: str, date_time=(1980, 1, 1, 0, 0, 0)) -> zipfile.ZipInfo:
        zi = zipfile.ZipInfo(name, date_time)
        zi.compress_type = zipfile.ZIP_DEFLATED
        return zi

    def _write(self, zout: zipfile.ZipFile, name: str, content, date_time=(1980, 1, 1, 0, 0, 0)) -> None:
        data = content if isinstance(content, bytes) else etree.tostring(
            content, xml_declaration=True, encoding="UTF-8", standalone=True)
        zout.writestr(self._info(name, date_time), data)

    def _copy(self, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Copy a member's compressed bytes as they are (a fresh local header, no data
        descriptor); zipfile has no public call for a raw copy."""
        try:
            data = self.zf.raw_member(info)
        except zipfile.BadZipFile as e:
            raise BudgetxlError(f"{self.name}：部件 {info.filename} 无法读取（{damage(e)}）。{REDO}") from None
        zi = zipfile.ZipInfo(info.filename, info.date_time)
        zi.compress_type = info.compress_type
        zi.flag_bits = info.flag_bits & 0x800  # keep only the UTF-8 name flag
        zi.external_attr = info.external_attr
        zi.CRC, zi.compress_size, zi.file_size = info.CRC, info.compress_size, info.file_size
        zi.header_offset = zout.fp.tell()
        zout.fp.write(zi.FileHeader(zip64=False))
        zout.fp.write(data)
        zout.filelist.append(zi)
        zout.NameToInfo[zi.filename] = zi
        zout.start_dir = zout.fp.tell()


class Styles:
    """The package's style sheet, for cell formats added by a patch (each made once)."""

    def __init__(self, pkg: XlsxPackage, part: str):
        self.root = pkg.part(part)
        self.cell_xfs = child(self.root, "cellXfs", STYLES_ORDER)
        self._made: dict = {}

    def _append(self, tag: str, element) -> int:
        group = child(self.root, tag, STYLES_ORDER)
        group.append(element)
        n = sum(1 for c in group if isinstance(c.tag, str))
        group.set("count", str(n))
        return n - 1

    def base_xf(self, s: int):
        xfs = [x for x in self.cell_xfs if isinstance(x.tag, str)]
        if 0 <= s < len(xfs):
            return xfs[s]
        if xfs:
            return xfs[0]
        x = etree.Element(q("xf"))
        for k in ("numFmtId", "fontId", "fillId", "borderId"):
            x.set(k, "0")
        return x

    def solid_fill(self, rgb: str) -> int:
        key = ("fill", rgb)
        if key not in self._made:
            fill = etree.Element(q("fill"))
            pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
            etree.SubElement(pattern, q("fgColor"), rgb=rgb)
            etree.SubElement(pattern, q("bgColor"), indexed="64")
            if not len(child(self.root, "fills", STYLES_ORDER)):  # the two fills Excel reserves
                for reserved in ("none", "gray125"):
                    self._append("fills", etree.fromstring(
                        f'<fill xmlns="{MAIN}"><patternFill patternType="{reserved}"/></fill>'))
            self._made[key] = self._append("fills", fill)
        return self._made[key]

    def with_fill(self, s: int, rgb: str) -> int:
        """The index of a cell format like ``s`` (its font, border, number format, alignment and
        protection) with a solid ``rgb`` fill."""
        key = ("xf", s, rgb)
        if key not in self._made:
            import copy

            xf = copy.deepcopy(self.base_xf(s))
            xf.set("fillId", str(self.solid_fill(rgb)))
            xf.set("applyFill", "1")
            self._made[key] = self._append("cellXfs", xf)
        return self._made[key]

    def font(self, *, bold: bool = False, colour: str | None = None, underline: bool = False) -> int:
        """A font like the workbook's default one, bold or coloured and underlined."""
        key = ("font", bold, colour, underline)
        if key not in self._made:
            import copy

            fonts = child(self.root, "fonts", STYLES_ORDER)
            first = next((f for f in fonts if isinstance(f.tag, str)), None)
            font = copy.deepcopy(first) if first is not None else etree.Element(q("font"))
            for tag in ("b", "u", "color"):
                for old in font.findall(q(tag)):
                    font.remove(old)
            # CT_Font is a sequence: b, i, strike, …, u, vertAlign, sz, color, name, …
            if bold:
                font.insert(0, etree.Element(q("b")))
            if underline:
                u = etree.Element(q("u"))
                sz = font.find(q("sz"))
                (sz.addprevious(u) if sz is not None else font.insert(len(font.findall(q("b"))), u))
            if colour:
                c = etree.Element(q("color"), rgb=colour)
                name = font.find(q("name"))
                (name.addprevious(c) if name is not None else font.append(c))
            self._made[key] = self._append("fonts", font)
        return self._made[key]

    def number_format(self, code: str) -> int:
        nfs = child(self.root, "numFmts", STYLES_ORDER)
        for nf in nfs:
            if isinstance(nf.tag, str) and nf.get("formatCode") == code:
                return int(nf.get("numFmtId"))
        ids = [int(nf.get("numFmtId", "0")) for nf in nfs if isinstance(nf.tag, str)]
        new = max([163, *ids]) + 1
        self._append("numFmts", etree.Element(q("numFmt"), numFmtId=str(new), formatCode=code))
        return new

    def xf(self, *, font: int = 0, number_format: int = 0, horizontal: str | None = None,
           vertical: str | None = None, wrap: bool = False, quote: bool = False) -> int:
        """A new cell format (no fill, no border) on the default cell style."""
        key = ("new", font, number_format, horizontal, vertical, wrap, quote)
        if key not in self._made:
            xf = etree.Element(q("xf"), numFmtId=str(number_format), fontId=str(font), fillId="0", borderId="0",
                               xfId="0")
            if font:
                xf.set("applyFont", "1")
            if number_format:
                xf.set("applyNumberFormat", "1")
            if quote:  # the text shows as typed and stays text when edited (Excel's own leading ')
                xf.set("quotePrefix", "1")
            if horizontal or vertical or wrap:
                xf.set("applyAlignment", "1")
                al = etree.SubElement(xf, q("alignment"))
                if horizontal:
                    al.set("horizontal", horizontal)
                if vertical:
                    al.set("vertical", vertical)
                if wrap:
                    al.set("wrapText", "1")
            self._made[key] = self._append("cellXfs", xf)
        return self._made[key]


class Sheet:
    """One worksheet part being patched: cells found or made in place, styles changed."""

    def __init__(self, pkg: XlsxPackage, part: str, name: str):
        self.pkg, self.part_name, self.name = pkg, part, name
        self.root = pkg.part(part)
        self.data = child(self.root, "sheetData", WORKSHEET_ORDER)
        self._rows: dict[int, etree._Element] | None = None

    def _index(self) -> dict[int, etree._Element]:
        if self._rows is None:
            self._rows = {}
            n = 0
            for row in self.data.iterchildren(q("row")):
                n = int(row.get("r") or n + 1)
                row.set("r", str(n))  # rows (and cells) may leave their place implicit
                self._rows[n] = row
        return self._rows

    def cell(self, r: int, c: int):
        """The ``<c>`` element at row ``r``, column ``c``, made (empty) in its place if absent."""
        rows = self._index()
        row = rows.get(r)
        if row is None:
            row = etree.Element(q("row"), r=str(r))
            after = [n for n in rows if n < r]
            if after:
                rows[max(after)].addnext(row)
            else:
                self.data.insert(0, row)
            rows[r] = row
        n = 0
        for cell in row.iterchildren(q("c")):
            ref = cell.get("r")
            pos = split_ref(ref) if ref else None
            n = pos[1] if pos else n + 1
            if not ref:
                cell.set("r", f"{col_letters(n)}{r}")
            if n == c:
                return cell
            if n > c:
                new = etree.Element(q("c"), r=f"{col_letters(c)}{r}")
                cell.addprevious(new)
                row.attrib.pop("spans", None)  # an optional hint, now out of date
                return new
        new = etree.SubElement(row, q("c"), r=f"{col_letters(c)}{r}")
        row.attrib.pop("spans", None)
        return new

    def legacy_drawing_part(self) -> str | None:
        """The part of the sheet's legacy drawing, when it has one."""
        old = self.root.find(q("legacyDrawing"))
        if old is None:
            return None
        kind, part = self.pkg.targets(self.part_name).get(old.get(q("id", REL)), (None, None))
        return part if kind == REL_VML else None

    def legacy_drawing(self, vml_part: str) -> None:
        """Point the sheet's legacy drawing (the shapes of its notes) at ``vml_part``."""
        old = self.root.find(q("legacyDrawing"))
        targets = self.pkg.targets(self.part_name)
        if old is not None and old.get(q("id", REL)) in targets:
            rid = old.get(q("id", REL))
            rels = self.pkg.rels(self.part_name)
            for rel in rels:
                if rel.get("Id") == rid:
                    rel.set("Target", posixpath.relpath(vml_part, posixpath.dirname(self.part_name)))
            return
        if old is not None:
            self.root.remove(old)
        rid = self.pkg.relate(self.part_name, REL_VML, vml_part)
        el = child(self.root, "legacyDrawing", WORKSHEET_ORDER)
        el.set(q("id", REL), rid)


VML_V = "urn:schemas-microsoft-com:vml"
VML_O = "urn:schemas-microsoft-com:office:office"
VML_X = "urn:schemas-microsoft-com:office:excel"


def comments_part(notes: dict[str, str], author: str, old=None) -> etree._Element:
    """A comments part with ``notes`` (cell reference -> text), keeping the notes of ``old`` (the
    sheet's comments part) on other cells."""
    root = etree.Element(q("comments"), nsmap={None: MAIN})
    authors = etree.SubElement(root, q("authors"))
    listing = etree.SubElement(root, q("commentList"))
    names: list[str] = []
    kept = []
    earlier: dict[str, etree._Element] = {}  # a cell's own note: kept under the new text
    if old is not None:
        names = [a.text or "" for a in old.iter(q("author"))]
        kept = [c for c in old.iter(q("comment")) if c.get("ref") not in notes]
        earlier = {c.get("ref"): c.find(q("text")) for c in old.iter(q("comment")) if c.get("ref") in notes}
    if author not in names:
        names.append(author)
    for a in names:
        etree.SubElement(authors, q("author")).text = a
    import copy

    for c in kept:
        listing.append(copy.deepcopy(c))
    space = "{http://www.w3.org/XML/1998/namespace}space"
    for ref, text in notes.items():
        c = etree.SubElement(listing, q("comment"), ref=ref, authorId=str(names.index(author)))
        body = etree.SubElement(c, q("text"))
        before = earlier.get(ref)
        if before is None:
            t = etree.SubElement(body, q("t"))
            t.text = text
            t.set(space, "preserve")
            continue
        # a text is one <t> or runs <r>: the new text and the old note's, each as runs
        t = etree.SubElement(etree.SubElement(body, q("r")), q("t"))
        t.text = text + "\n\n原批注：\n"
        t.set(space, "preserve")
        for part in before:
            if etree.QName(part).localname == "r":
                body.append(copy.deepcopy(part))
            elif etree.QName(part).localname == "t":
                etree.SubElement(body, q("r")).append(copy.deepcopy(part))
    return root


def vml_part(refs: list[str], block: int) -> bytes:
    """The legacy drawing that Excel needs to show notes: one hidden note shape per cell (the
    shape ids in the 1024-id ``block``, unique in the workbook)."""
    nsmap = {"v": VML_V, "o": VML_O, "x": VML_X}
    root = etree.Element("xml", nsmap=nsmap)
    layout = etree.SubElement(root, q("shapelayout", VML_O))
    layout.set(q("ext", VML_V), "edit")
    idmap = etree.SubElement(layout, q("idmap", VML_O), data=str(block))
    idmap.set(q("ext", VML_V), "edit")
    st = etree.SubElement(root, q("shapetype", VML_V), id="_x0000_t202", coordsize="21600,21600",
                          path="m,l,21600r21600,l21600,xe")
    st.set(q("spt", VML_O), "202")
    etree.SubElement(st, q("stroke", VML_V), joinstyle="miter")
    p = etree.SubElement(st, q("path", VML_V), gradientshapeok="t")
    p.set(q("connecttype", VML_O), "rect")
    for i, ref in enumerate(refs, start=1):
        r, c = split_ref(ref)
        shape = etree.SubElement(root, q("shape", VML_V), id=f"_x0000_s{block * 1024 + i}", type="#_x0000_t202",
                                 style=f"position:absolute;margin-left:80pt;margin-top:2pt;width:216pt;"
                                       f"height:96pt;z-index:{i};visibility:hidden",
                                 fillcolor="#ffffe1")
        shape.set(q("insetmode", VML_O), "auto")
        etree.SubElement(shape, q("fill", VML_V), color2="#ffffe1")
        etree.SubElement(shape, q("shadow", VML_V), on="t", color="black", obscured="t")
        etree.SubElement(shape, q("path", VML_V)).set(q("connecttype", VML_O), "none")
        box = etree.SubElement(shape, q("textbox", VML_V), style="mso-direction-alt:auto")
        etree.SubElement(box, "div", style="text-align:left")
        data = etree.SubElement(shape, q("ClientData", VML_X), ObjectType="Note")
        etree.SubElement(data, q("MoveWithCells", VML_X))
        etree.SubElement(data, q("SizeWithCells", VML_X))
        etree.SubElement(data, q("Anchor", VML_X)).text = f"{c}, 15, {max(r - 2, 0)}, 2, {c + 3}, 15, {r + 4}, 4"
        etree.SubElement(data, q("AutoFill", VML_X)).text = "False"
        etree.SubElement(data, q("Row", VML_X)).text = str(r - 1)
        etree.SubElement(data, q("Column", VML_X)).text = str(c - 1)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=False)


class Workbook(XlsxPackage):
    """An xlsx package with its worksheets by name, for highlighting cells, giving them notes and
    adding a sheet."""

    def __init__(self, path: str | Path):
        super().__init__(path)
        self.book = self.part(self.workbook_part)  # always changed: the new sheet
        sheets = self.book.find(q("sheets"))
        if sheets is None:
            raise BudgetxlError(f"{self.name}：工作簿缺少工作表列表，文件已损坏。{REDO}")
        self.sheets_el = sheets
        targets = self.targets(self.workbook_part)
        self.sheet_names = [s.get("name") for s in sheets.iterchildren(q("sheet"))]
        self.worksheets: dict[str, str] = {}  # name -> part, worksheets only (no chart sheets)
        for s in sheets.iterchildren(q("sheet")):
            kind, part = targets.get(s.get(q("id", REL)), (None, None))
            if kind == REL_WORKSHEET and part in self.names:
                self.worksheets[s.get("name")] = part
        styles = next((p for k, p in targets.values() if k == REL_STYLES), None)
        if styles is None or styles not in self.names:
            raise BudgetxlError(f"{self.name}：工作簿缺少样式部件，文件已损坏。{REDO}")
        self.styles = Styles(self, styles)
        self._sheets: dict[str, Sheet] = {}

    def sheet(self, name: str) -> Sheet:
        if name not in self._sheets:
            self._sheets[name] = Sheet(self, self.worksheets[name], name)
        return self._sheets[name]

    def highlight(self, sheet: str, ref: str, rgb: str) -> bool:
        """Give the cell a solid ``rgb`` fill (its other formatting kept); False when the sheet is
        not a worksheet of the package or ``ref`` is not one cell."""
        pos = split_ref(ref)
        if sheet not in self.worksheets or pos is None:
            return False
        c = self.sheet(sheet).cell(*pos)
        c.set("s", str(self.styles.with_fill(int(c.get("s") or 0), rgb)))
        return True

    def notes(self, sheet: str, notes: dict[str, str], author: str) -> None:
        """Give cells of ``sheet`` notes (cell reference -> text): its comments part (notes on
        other cells kept) and the legacy drawing Excel shows them with."""
        if not notes:
            return
        ws = self.sheet(sheet)
        notes = {ref.replace("$", ""): text for ref, text in notes.items()}
        comments = next((p for k, p in self.targets(ws.part_name).values() if k == REL_COMMENTS), None)
        old = self.read(comments) if comments and comments in self.names else None
        root = comments_part(notes, author, old)
        refs = [c.get("ref") for c in root.iter(q("comment")) if split_ref(c.get("ref") or "")]
        if comments is None:
            comments = self.unused("xl/comments%d.xml")
            self.relate(ws.part_name, REL_COMMENTS, comments)
            self.content_type(comments, CT_COMMENTS)
        self.replace(comments, root)
        vml = ws.legacy_drawing_part() or self.unused("xl/drawings/vmlDrawing%d.vml")
        self.replace(vml, vml_part(refs, self._vml_block(vml)))
        self.default_type("vml", CT_VML)
        ws.legacy_drawing(vml)

    def _vml_block(self, replaced: str) -> int:
        """A block of shape ids that no other legacy drawing of the package uses (VML parts are
        often not well-formed XML, so their ``o:idmap data`` lists are found by pattern)."""
        used = set()
        for n in (self.names | set(self.added)) - {replaced}:
            if n.lower().endswith(".vml"):
                data = self.added.get(n)
                data = self.raw(n) if data is None else data
                for m in re.finditer(rb'idmap[^>]*?data="([0-9, ]+)"', data):
                    used |= {int(x) for x in re.split(rb"[ ,]+", m.group(1)) if x}
        block = 1
        while block in used:
            block += 1
        return block

    def add_first_sheet(self, wanted: str, root: etree._Element, print_titles: str | None = None) -> str:
        """Add worksheet ``root`` as the first sheet, active and selected, named ``wanted`` (with
        "_" added while the name is taken); returns its name. Sheet-scoped names (print titles,
        filters) keep their sheets."""
        name = wanted
        while name.lower() in {n.lower() for n in self.sheet_names}:
            name += "_"
        part = self.unused("xl/worksheets/sheet%d.xml")
        self.add(part, root)
        self.content_type(part, CT_WORKSHEET)
        rid = self.relate(self.workbook_part, REL_WORKSHEET, part)
        ids = [int(s.get("sheetId")) for s in self.sheets_el.iterchildren(q("sheet")) if
               (s.get("sheetId") or "").isdigit()]
        el = etree.Element(q("sheet"), name=name, sheetId=str(max(ids, default=0) + 1))
        el.set(q("id", REL), rid)
        self.sheets_el.insert(0, el)
        names = self.book.find(q("definedNames"))
        for d in names.iterchildren(q("definedName")) if names is not None else ():
            if (d.get("localSheetId") or "").isdigit():  # names scoped to a sheet by its position
                d.set("localSheetId", str(int(d.get("localSheetId")) + 1))
        if print_titles:
            names = child(self.book, "definedNames", WORKBOOK_ORDER)
            d = etree.Element(q("definedName"), name="_xlnm.Print_Titles", localSheetId="0")
            d.text = "'" + name.replace("'", "''") + "'!" + print_titles
            names.insert(0, d)
        for view in self.book.iter(q("workbookView")):
            view.set("activeTab", "0")
            view.set("firstSheet", "0")
        for other, p in self.worksheets.items():  # one selected tab: several would group the sheets
            if p not in self.parsed and b"tabSelected" not in self.raw(p):
                continue
            for v in self.sheet(other).root.iter(q("sheetView")):
                v.attrib.pop("tabSelected", None)
        self._app_titles(name)
        self.sheet_names.insert(0, name)
        self.worksheets = {name: part, **self.worksheets}
        return name

    def _app_titles(self, name: str) -> None:
        """docProps/app.xml lists the sheets: add the new one where its structure is the usual
        one (Excel, WPS, LibreOffice); the part is informative, so anything else is left as it is."""
        app = "docProps/app.xml"
        if app not in self.names:
            return
        root = self.part(app)
        pairs = root.find(f"{q('HeadingPairs', EXT_PROPS)}/{q('vector', VT)}")
        titles = root.find(f"{q('TitlesOfParts', EXT_PROPS)}/{q('vector', VT)}")
        if pairs is None or titles is None:
            return
        variants = list(pairs.iterchildren(q("variant", VT)))
        offset = 0
        for label, count in zip(variants[::2], variants[1::2]):
            text = label.find(q("lpstr", VT))
            number = count.find(q("i4", VT))
            if text is None or number is None or not (number.text or "").strip().isdigit():
                return
            if text.text in ("Worksheets", "工作表"):
                number.text = str(int(number.text) + 1)
                t = etree.Element(q("lpstr", VT))
                t.text = name
                items = list(titles)
                (items[offset].addprevious(t) if offset < len(items) else titles.append(t))
                titles.set("size", str(len(titles)))
                return
            offset += int(number.text)
