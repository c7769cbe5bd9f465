"""Generate a corpus of broken, hostile and tampered entry workbooks (填报模板) for the reader.

Every case starts from a freshly generated template (``write_template(load_sample(), …)``) and
is made by zip-level surgery: sheet XML, workbook.xml, docProps/custom.xml and the package
parts are rewritten byte by byte, so the rest of the file stays exactly as the writer made it
and nothing else triggers a finding. Each case says what ``read_entry`` must do with it:

* ``kind == "error"``: raise ``BudgetxlError`` whose message contains ``expect``;
* ``kind == "finding"``: return, with a finding whose code is ``expect`` that names ``sheet``
  (any sheet when ``sheet`` is None) and ``cell`` (``ANY_CELL``: some cell; None: no cell applies).

Usage::

    python -m tests.corpus.make_corpus OUT_DIR
"""

from __future__ import annotations

import html
import re
import struct
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree as ET  # only ever parses the template we just generated

from budgetxl.reader.xlsxscan import col_index
from budgetxl.template.layout import col_letter

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ANY_CELL = "*"
BASE_NAME = "base.xlsx"
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    kind: str  # "error" | "finding"
    expect: str  # error: substring of the message; finding: the finding code
    sheet: str | None = None  # finding: the sheet it must name (None: any sheet)
    cell: str | None = None  # finding: the cell it must name (ANY_CELL: some cell; None: not checked)
    what: str = ""  # what was done to the file


# ---------------------------------------------------------------------------------- the base
class Base:
    """The freshly generated template, as parts, with the layout to find cells by meaning."""

    def __init__(self, path: Path):
        import budgetxl
        from budgetxl.spec import load_profile
        from budgetxl.template import EntryLayout, write_template

        self.path = path
        self.meta = write_template(budgetxl.load_sample(), path)
        self.data = path.read_bytes()
        with zipfile.ZipFile(path) as z:
            self.parts: dict[str, bytes] = {i.filename: z.read(i) for i in z.infolist()}
        self.profile = load_profile(self.meta["profile"])
        self.layout = EntryLayout.from_meta(self.profile, self.meta)
        rels = ET.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        targets = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/")
                   for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
        wb = ET.fromstring(self.parts["xl/workbook.xml"])
        self.sheet_parts: dict[str, str] = {}
        self.sheet_rids: dict[str, str] = {}
        for s in wb.iter(f"{{{NS_MAIN}}}sheet"):
            rid = s.get(f"{{{NS_REL}}}id")
            self.sheet_parts[s.get("name")] = targets[rid]
            self.sheet_rids[s.get("name")] = rid

    # ------------------------------------------------------------------ parts
    def sheet_xml(self, name: str) -> bytes:
        return self.parts[self.sheet_parts[name]]

    def write(self, path: Path, replace: dict[str, bytes | None] | None = None,
              add: dict[str, bytes] | None = None) -> None:
        """The base package with parts replaced (None removes a part) and parts added at the end."""
        replace = replace or {}
        parts = {n: replace.get(n, d) for n, d in self.parts.items()}
        parts = {n: d for n, d in parts.items() if d is not None}
        parts.update(add or {})
        write_zip(path, parts)

    def with_sheet(self, path: Path, sheet: str, xml: bytes) -> None:
        self.write(path, {self.sheet_parts[sheet]: xml})

    def with_cells(self, path: Path, sheet: str, edits: dict[str, bytes]) -> None:
        """Replace whole <c> elements of one sheet (see ``cell``)."""
        xml = self.sheet_xml(sheet)
        for ref, make in edits.items():
            xml = set_cell(xml, ref, make)
        self.with_sheet(path, sheet, xml)

    # ------------------------------------------------------------------ positions (A1)
    def meta_cell(self, key: str) -> str:
        """The value cell of a fingerprint key on the _budgetxl sheet."""
        import python_calamine

        from budgetxl.template.layout import SHEET_META

        rows = python_calamine.CalamineWorkbook.from_path(str(self.path)).get_sheet_by_name(SHEET_META).to_python()
        return next(f"B{i + 1}" for i, row in enumerate(rows) if row and row[0] == key)

    def table(self, tid: str):
        return self.profile.tables[tid], self.layout.sheets[tid]

    def coded_cells(self, tid: str = "t2", column: str | None = None) -> dict[str, str]:
        """Named cells of a coded table: total row, a leaf row with its input cell, a spare row."""
        from budgetxl.template.layout import a1

        t, sl = self.table(tid)
        col = column or next(c.key for c in t.columns if not c.formula)
        vcol = sl.value_col[col]
        leaf = next(c for c in sl.preset if len(c) == t.leaf_length)
        lr, sr = sl.code_rows[leaf], sl.spare_rows[0]
        return {
            "sheet": t.name, "leaf": leaf,
            "total_formula": a1(sl.data_start, sl.value_col[next(c.key for c in t.columns if c.formula)]),
            "leaf_code": a1(lr, 1), "leaf_input": a1(lr, vcol),
            "spare_code": a1(sr, 1), "spare_input": a1(sr, vcol),
            "lanci": a1(sl.lanci_row, 0), "total_label": a1(sl.data_start, 2),
            "leaf_row": str(lr + 1), "lr0": str(lr),
        }


def write_zip(path: Path, parts: dict[str, bytes], level: int = 6) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# ---------------------------------------------------------------------------------- cell XML
def _cell_re(ref: str) -> re.Pattern:
    return re.compile(rb'<c r="' + ref.encode() + rb'"(?=[\s/>])[^>]*?(?:/>|>.*?</c>)', re.S)


_col_index = col_index      # the reader's own conversions: the corpus addresses cells as it does
_col_letters = col_letter


def _split(ref: str) -> tuple[str, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    return m.group(1), int(m.group(2))


def cell(*, number: str | None = None, text: str | None = None, formula: str | None = None,
         cached: str | None = None, boolean: bool | None = None) -> Callable[[bytes, bytes], bytes]:
    """A maker for a new <c> element (given the reference and the old element's style)."""

    def make(ref: bytes, style: bytes) -> bytes:
        head = b'<c r="' + ref + b'"' + style
        if formula is not None:
            v = b"" if cached is None else b"<v>" + cached.encode() + b"</v>"
            return head + b"><f>" + html.escape(formula.lstrip("="), quote=False).encode() + b"</f>" + v + b"</c>"
        if text is not None:
            return (head + b' t="inlineStr"><is><t xml:space="preserve">'
                    + html.escape(text, quote=False).encode() + b"</t></is></c>")
        if boolean is not None:
            return head + b' t="b"><v>' + (b"1" if boolean else b"0") + b"</v></c>"
        if number is not None:
            return head + b"><v>" + number.encode() + b"</v></c>"
        return head + b"/>"

    return make


def set_cell(xml: bytes, ref: str, make: Callable[[bytes, bytes], bytes]) -> bytes:
    """Replace the <c> element at ``ref`` (keeping its style), or insert it into its row."""
    m = _cell_re(ref).search(xml)
    if m:
        style = re.search(rb'\ss="\d+"', m.group(0).split(b">", 1)[0])
        new = make(ref.encode(), style.group(0) if style else b"")
        return xml[: m.start()] + new + xml[m.end():]
    col, row = _split(ref)
    new = make(ref.encode(), b"")
    rm = re.search(rb'<row r="%d"(?=[\s/>])[^>]*?(/>|>.*?</row>)' % row, xml, re.S)
    if not rm:
        raise ValueError(f"corpus: row {row} not in sheet")
    if rm.group(1) == b"/>":
        open_tag = rm.group(0)[:-2] + b">"
        return xml[: rm.start()] + open_tag + new + b"</row>" + xml[rm.end():]
    body = rm.group(0)
    for cm in re.finditer(rb'<c r="([A-Z]+)\d+"', body):
        if _col_index(cm.group(1).decode()) > _col_index(col):
            body = body[: cm.start()] + new + body[cm.start():]
            break
    else:
        body = body[: -len(b"</row>")] + new + b"</row>"
    return xml[: rm.start()] + body + xml[rm.end():]


def get_formula(xml: bytes, ref: str) -> str:
    m = _cell_re(ref).search(xml)
    f = re.search(rb"<f>(.*?)</f>", m.group(0), re.S) if m else None
    if not f:
        raise ValueError(f"corpus: no formula at {ref}")
    return html.unescape(f.group(1).decode())


def get_cached(xml: bytes, ref: str) -> str:
    m = _cell_re(ref).search(xml)
    v = re.search(rb"<v>(.*?)</v>", m.group(0), re.S) if m else None
    return v.group(1).decode() if v else ""


# ---------------------------------------------------------------------------------- shifting rows/columns
_ENDPOINT = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


def _shift_range(rng: str, axis: str, at: int, delta: int) -> str:
    """Shift a range text (``$A$1:$B$9`` or ``C3``) as Excel does when rows/columns are inserted
    (``delta`` > 0) or deleted (``delta`` < 0) at 1-based row / 0-based column ``at``."""
    ends = rng.split(":")
    out = []
    for i, e in enumerate(ends):
        m = _ENDPOINT.fullmatch(e)
        if not m:
            return rng
        d1, col, d2, row = m.group(1), _col_index(m.group(2)), m.group(3), int(m.group(4))
        pos = row if axis == "row" else col
        if delta < 0 and pos == at and (len(ends) == 1 or ends[0] == ends[-1]):
            return "#REF!"
        if pos > at or (pos == at and (delta > 0 or i == len(ends) - 1)):
            pos += delta
        if axis == "row":
            row = pos
        else:
            col = pos
        out.append(f"{d1}{_col_letters(col)}{d2}{row}")
    return ":".join(out)


def _shift_formula(formula: str, home: str, target: str, axis: str, at: int, delta: int) -> str:
    from openpyxl.formula import Tokenizer

    tok = Tokenizer("=" + formula)
    changed = False
    for item in tok.items:
        if item.type != "OPERAND" or item.subtype != "RANGE":
            continue
        sheet, _, rng = item.value.rpartition("!")
        name = sheet.strip("'").replace("''", "'") if sheet else home
        if name != target:
            continue
        new = _shift_range(rng, axis, at, delta)
        if new != rng:
            item.value = (sheet + "!" if sheet else "") + new
            changed = True
    return tok.render()[1:] if changed else formula


def _rewrite_formulas(xml: bytes, fn: Callable[[str], str]) -> bytes:
    """Apply ``fn`` to the text (without "=") of every <f> element of a worksheet."""
    def fix(m: re.Match) -> bytes:
        f = html.unescape(m.group(2).decode())
        return m.group(1) + html.escape(fn(f), quote=False).encode() + m.group(3)

    return re.sub(rb"(<f(?:\s[^>]*)?>)(.*?)(</f>)", fix, xml, flags=re.S)


def _shift_formulas(xml: bytes, home: str, target: str, axis: str, at: int, delta: int) -> bytes:
    return _rewrite_formulas(xml, lambda f: _shift_formula(f, home, target, axis, at, delta))


def _rename_in_formula(formula: str, old: str, new: str) -> str:
    """References to sheet ``old`` point at ``new`` (quoted), as Excel rewrites them on rename."""
    from openpyxl.formula import Tokenizer

    tok = Tokenizer("=" + formula)
    changed = False
    for item in tok.items:
        if item.type == "OPERAND" and item.subtype == "RANGE" and "!" in item.value:
            sheet, _, rng = item.value.rpartition("!")
            if sheet.strip("'").replace("''", "'") == old:
                item.value = "'" + new.replace("'", "''") + "'!" + rng
                changed = True
    return tok.render()[1:] if changed else formula


def shift_sheet(base: Base, sheet: str, axis: str, at: int, delta: int) -> dict[str, bytes]:
    """Parts after inserting (delta 1) or deleting (delta -1) row ``at`` (1-based) or column
    ``at`` (0-based) of ``sheet``, with every formula of the workbook adjusted as Excel does."""
    part = base.sheet_parts[sheet]
    xml = base.parts[part]
    if delta < 0:  # drop the deleted cells
        if axis == "row":
            xml = re.sub(rb'<row r="%d"(?=[\s/>])[^>]*?(?:/>|>.*?</row>)' % at, b"", xml, flags=re.S)
        else:
            xml = re.sub(rb'<c r="%s\d+"(?=[\s/>])[^>]*?(?:/>|>.*?</c>)' % _col_letters(at).encode(), b"", xml,
                         flags=re.S)
    xml = _shift_formulas(xml, sheet, sheet, axis, at, delta)

    def fix_ref(m: re.Match) -> bytes:
        refs = m.group(2).decode().split(" ")
        return m.group(1) + " ".join(_shift_range(r, axis, at, delta) for r in refs).encode() + m.group(3)

    xml = re.sub(rb'(\s(?:r|ref|sqref|topLeftCell|activeCell)=")([A-Z$]+\d+(?::[A-Z$]+\d+)?'
                 rb'(?: [A-Z$]+\d+(?::[A-Z$]+\d+)?)*)(")', fix_ref, xml)
    if axis == "row":
        def fix_row(m: re.Match) -> bytes:
            r = int(m.group(2))
            return m.group(1) + str(r + delta if r > at or (r == at and delta > 0) else r).encode() + m.group(3)

        xml = re.sub(rb'(<row r=")(\d+)(")', fix_row, xml)
    out = {part: xml}
    for name, p in base.sheet_parts.items():
        if name != sheet:
            other = _shift_formulas(base.parts[p], name, sheet, axis, at, delta)
            if other != base.parts[p]:
                out[p] = other
    return out


# ---------------------------------------------------------------------------------- workbook.xml
def _sheet_el(wb: bytes, name: str) -> re.Match:
    m = re.search(rb'<sheet name="' + html.escape(name).encode() + rb'"[^>]*/>', wb)
    if not m:
        raise ValueError(f"corpus: sheet {name} not in workbook.xml")
    return m


def _unhide(base: Base, path: Path, name: str) -> None:
    """The base package with a hidden or very hidden sheet made visible (its state attribute dropped)."""
    wb = base.parts["xl/workbook.xml"]
    m = _sheet_el(wb, name)
    el = re.sub(rb'\sstate="[^"]*"', b"", m.group(0))
    base.write(path, {"xl/workbook.xml": wb[: m.start()] + el + wb[m.end():]})


def _content_override(ct: bytes, part: str, content_type: str | None) -> bytes:
    """Add (content_type given) or remove the Override of ``part`` in [Content_Types].xml."""
    if content_type is None:
        return re.sub(rb'<Override PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>', b"", ct)
    return ct.replace(b"</Types>", b'<Override PartName="/' + part.encode() + b'" ContentType="'
                      + content_type.encode() + b'"/></Types>')


_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b"]>")


def _with_doctype(xml: bytes) -> bytes:
    decl_end = xml.index(b"?>") + 2
    return xml[:decl_end] + _LAUGHS + xml[decl_end:]


# ---------------------------------------------------------------------------------- the cases
_REGISTRY: list[tuple[str, str, str, Callable]] = []


def _case(name: str, kind: str, ext: str = ".xlsx"):
    def deco(fn):
        _REGISTRY.append((name, kind, ext, fn))
        return fn

    return deco


def case_names() -> list[str]:
    """Every case name, without building anything (for pytest parametrization)."""
    return [name for name, *_ in _REGISTRY]


# --- containers: refused before any XML is parsed -------------------------------------------
@_case("not_a_zip", "error")
def _(base: Base, path: Path):
    """Random bytes named .xlsx."""
    import random

    path.write_bytes(bytes(random.Random(451).randrange(256) for _ in range(4096)).replace(b"PK", b"pk"))
    return {"expect": "不是 xlsx"}


@_case("truncated_zip", "error")
def _(base: Base, path: Path):
    """The first half of a real template (download cut off)."""
    path.write_bytes(base.data[: len(base.data) // 2])
    return {"expect": "损坏"}


@_case("empty_file", "error")
def _(base: Base, path: Path):
    """0 bytes."""
    path.write_bytes(b"")
    return {"expect": "文件为空"}


@_case("csv_renamed", "error")
def _(base: Base, path: Path):
    """A CSV export renamed to .xlsx."""
    path.write_text("科目编码,科目名称,财政拨款收入\n2040220,执法办案,735.75\n", encoding="utf-8-sig")
    return {"expect": "CSV"}


@_case("old_xls_renamed", "error")
def _(base: Base, path: Path):
    """An old binary .xls (OLE compound file) renamed to .xlsx."""
    path.write_bytes(OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(3584))
    return {"expect": ".xls"}


@_case("encrypted_password_to_open", "error")
def _(base: Base, path: Path):
    """A password-to-open workbook: an OLE container holding EncryptionInfo and EncryptedPackage."""
    names = b"".join(n.encode("utf-16-le").ljust(128, b"\0")
                     for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"))
    path.write_bytes(OLE_MAGIC + bytes(504) + names + bytes(2048))
    return {"expect": "密码"}


@_case("encrypted_package_in_zip", "error")
def _(base: Base, path: Path):
    """A zip holding an EncryptedPackage part (encryption wrapped the wrong way)."""
    base.write(path, add={"EncryptedPackage": bytes(1024), "EncryptionInfo": bytes(256)})
    return {"expect": "密码"}


@_case("no_content_types", "error")
def _(base: Base, path: Path):
    """A zip without [Content_Types].xml."""
    base.write(path, {"[Content_Types].xml": None})
    return {"expect": "缺少工作簿结构"}


@_case("plain_zip", "error")
def _(base: Base, path: Path):
    """A zip of documents (no xl/ folder) renamed to .xlsx."""
    write_zip(path, {"[Content_Types].xml": base.parts["[Content_Types].xml"], "说明.txt": "预算".encode()})
    return {"expect": "缺少工作簿结构"}


@_case("vba_macro", "error", ".xlsm")
def _(base: Base, path: Path):
    """An .xlsm-style package: xl/vbaProject.bin, macro-enabled content type."""
    ct = base.parts["[Content_Types].xml"].replace(b"spreadsheetml.sheet.main+xml",
                                                  b"../application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    ct = ct.replace(b"</Types>", b'<Default Extension="bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    rels = base.parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/'
        b'vbaProject" Target="vbaProject.bin"/></Relationships>')
    base.write(path, {"[Content_Types].xml": ct, "xl/_rels/workbook.xml.rels": rels},
               add={"xl/vbaProject.bin": OLE_MAGIC + b"Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nEnd Sub\n"})
    return {"expect": "宏"}


@_case("zip_bomb", "error")
def _(base: Base, path: Path):
    """One part of 300 MB of zeros (≈300 KB compressed), streamed so nothing big is ever in memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in base.parts.items():
            z.writestr(zipfile.ZipInfo(name, _EPOCH), data, compress_type=zipfile.ZIP_DEFLATED)
        with z.open("xl/media/image1.png", "w", force_zip64=True) as fh:
            chunk = bytes(1 << 20)
            for _ in range(300):
                fh.write(chunk)
    return {"expect": "压缩炸弹"}


@_case("zip_ratio_bomb", "error")
def _(base: Base, path: Path):
    """A 20 MB part of zeros: below the size limit, but compressed 1000:1."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in base.parts.items():
            z.writestr(zipfile.ZipInfo(name, _EPOCH), data, compress_type=zipfile.ZIP_DEFLATED)
        with z.open("xl/media/image1.png", "w") as fh:
            chunk = bytes(1 << 20)
            for _ in range(20):
                fh.write(chunk)
    return {"expect": "压缩比异常"}


@_case("too_many_entries", "error")
def _(base: Base, path: Path):
    """2,100 tiny extra parts (more than any real workbook has)."""
    base.write(path, add={f"customXml/item{i}.xml": b"<a/>" for i in range(2100)})
    return {"expect": "过多"}


@_case("corrupt_part_crc", "error")
def _(base: Base, path: Path):
    """A stored worksheet part with one byte changed after writing (CRC mismatch, damaged in transfer)."""
    part = base.sheet_parts["收入总表"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in base.parts.items():
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_STORED if name == part else zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    i = raw.index(b"<v>7", start) + 3  # a digit of a cached value: still valid XML
    raw[i] = ord("8")
    path.write_bytes(bytes(raw))
    return {"expect": "损坏"}


def _damage_part(base: Base, path: Path, damage) -> None:
    """The base package with the bytes of its 收入总表 part changed in place by ``damage(raw, info)``."""
    base.write(path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(base.sheet_parts["收入总表"])
    damage(raw, info)
    path.write_bytes(bytes(raw))


@_case("corrupt_part_deflate", "error")
def _(base: Base, path: Path):
    """A compressed worksheet part whose deflate stream is overwritten in the middle."""
    def overwrite(raw: bytearray, info: zipfile.ZipInfo) -> None:
        mid = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
        raw[mid: mid + 64] = b"\xff" * 64

    _damage_part(base, path, overwrite)
    return {"expect": "损坏"}


def _patch_entry(raw: bytearray, info: zipfile.ZipInfo, local: int, central: int, value: int) -> None:
    """Overwrite a 4-byte field of one member in its local header and its central directory entry."""
    struct.pack_into("<I", raw, info.header_offset + local, value)
    name = info.filename.encode()
    at = raw.index(b"PK\x01\x02")
    while raw[at + 46:at + 46 + len(name)] != name or struct.unpack_from("<H", raw, at + 28)[0] != len(name):
        at = raw.index(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", raw, at + central, value)


@_case("corrupt_deflated_crc", "error")
def _(base: Base, path: Path):
    """A compressed worksheet part whose recorded CRC does not match its (intact) data."""
    _damage_part(base, path, lambda raw, info: _patch_entry(raw, info, 14, 16, info.CRC ^ 0x5A5A5A5A))
    return {"expect": "损坏"}


@_case("understated_part_size", "error")
def _(base: Base, path: Path):
    """A compressed worksheet part that inflates to more than its recorded size (a lying header)."""
    _damage_part(base, path, lambda raw, info: _patch_entry(raw, info, 22, 24, info.file_size // 2))
    return {"expect": "损坏"}


# --- hostile or broken XML ---------------------------------------------------------------------
@_case("billion_laughs_sheet", "error")
def _(base: Base, path: Path):
    """A worksheet with a DOCTYPE of nested entities, one used in a cell."""
    c = base.coded_cells()
    xml = _with_doctype(set_cell(base.sheet_xml(c["sheet"]), c["leaf_input"], cell(text="&lol9;")))
    xml = xml.replace(b"&amp;lol9;", b"&lol9;")
    base.with_sheet(path, c["sheet"], xml)
    return {"expect": "实体"}


@_case("billion_laughs_workbook", "error")
def _(base: Base, path: Path):
    """xl/workbook.xml with a DOCTYPE of nested entities."""
    base.write(path, {"xl/workbook.xml": _with_doctype(base.parts["xl/workbook.xml"])})
    return {"expect": "不安全的 XML"}


@_case("billion_laughs_custom_props", "error")
def _(base: Base, path: Path):
    """docProps/custom.xml with a DOCTYPE of nested entities expanded in a property."""
    xml = _with_doctype(base.parts["docProps/custom.xml"]).replace(b"<vt:lpwstr>451<", b"<vt:lpwstr>&lol9;<")
    base.write(path, {"docProps/custom.xml": xml})
    return {"expect": "不安全的 XML"}


@_case("billion_laughs_shared_strings", "error")
def _(base: Base, path: Path):
    """xl/sharedStrings.xml (not parsed by the scan, only by the value reader) with nested entities."""
    xml = _with_doctype(base.parts["xl/sharedStrings.xml"])
    xml = re.sub(rb"<t>([^<]*)</t>", rb"<t>&lol9;</t>", xml, count=1)
    base.write(path, {"xl/sharedStrings.xml": xml})
    return {"expect": "无法读取"}


@_case("absurd_row", "error")
def _(base: Base, path: Path):
    """A cell at row 1048576 (dimension A1:XFD1048576): a dense read would need gigabytes."""
    c = base.coded_cells()
    xml = base.sheet_xml(c["sheet"]).replace(
        b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>')
    xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    base.with_sheet(path, c["sheet"], xml)
    return {"expect": "数据范围异常"}


@_case("absurd_column", "error")
def _(base: Base, path: Path):
    """A cell in the last column XFD."""
    c = base.coded_cells()
    xml = set_cell(base.sheet_xml(c["sheet"]), "XFD1", cell(number="1"))
    base.with_sheet(path, c["sheet"], xml)
    return {"expect": "数据范围异常"}


@_case("malformed_sheet_xml", "error")
def _(base: Base, path: Path):
    """A worksheet cut off in the middle of <sheetData> (no closing tags)."""
    c = base.coded_cells()
    xml = base.sheet_xml(c["sheet"])
    cut = xml.index(b"<row r=\"%s\"" % c["leaf_row"].encode())
    base.with_sheet(path, c["sheet"], xml[:cut] + b"<row r=\"" + c["leaf_row"].encode() + b'"><c r="A')
    return {"expect": "无法读取工作表“收入总表”"}


@_case("malformed_workbook_xml", "error")
def _(base: Base, path: Path):
    """xl/workbook.xml with an unclosed element."""
    base.write(path, {"xl/workbook.xml": base.parts["xl/workbook.xml"].replace(b"</sheets>", b"")})
    return {"expect": "不是有效的 XML"}


@_case("missing_workbook_xml", "error")
def _(base: Base, path: Path):
    """The package lacks xl/workbook.xml."""
    base.write(path, {"xl/workbook.xml": None})
    return {"expect": "xl/workbook.xml"}


@_case("missing_sheet_part", "error")
def _(base: Base, path: Path):
    """A worksheet listed in workbook.xml whose part is missing from the zip."""
    part = base.sheet_parts["收入总表"]
    ct = _content_override(base.parts["[Content_Types].xml"], part, None)
    base.write(path, {part: None, "[Content_Types].xml": ct})
    return {"expect": "收入总表"}


@_case("no_sheets", "error")
def _(base: Base, path: Path):
    """A workbook.xml with an empty <sheets/>."""
    wb = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", base.parts["xl/workbook.xml"], flags=re.S)
    wb = re.sub(rb"<definedNames>.*</definedNames>", b"", wb, flags=re.S)
    base.write(path, {"xl/workbook.xml": wb})
    return {"expect": "没有工作表"}


# --- fingerprint and structure -----------------------------------------------------------------
@_case("fingerprint_sheet_removed", "error")
def _(base: Base, path: Path):
    """The very hidden _budgetxl sheet deleted: the layout cannot be known, so nothing can be located."""
    from budgetxl.template.layout import SHEET_META

    part, rid = base.sheet_parts[SHEET_META], base.sheet_rids[SHEET_META]
    wb = base.parts["xl/workbook.xml"]
    m = _sheet_el(wb, SHEET_META)
    rels = re.sub(rb'<Relationship Id="' + rid.encode() + rb'"[^>]*/>', b"", base.parts["xl/_rels/workbook.xml.rels"])
    ct = _content_override(base.parts["[Content_Types].xml"], part, None)
    base.write(path, {"xl/workbook.xml": wb[: m.start()] + wb[m.end():], "xl/_rels/workbook.xml.rels": rels,
                      part: None, "[Content_Types].xml": ct})
    return {"expect": "不是 budgetxl 生成的填报模板"}


@_case("custom_property_tampered", "finding")
def _(base: Base, path: Path):
    """docProps/custom.xml budgetxl.unit_code changed (451 -> 452), fingerprint sheet untouched."""
    from budgetxl.template.layout import SHEET_META

    xml = base.parts["docProps/custom.xml"]
    new = re.sub(rb'(name="budgetxl.unit_code"><vt:lpwstr>)[^<]*', rb"\g<1>452", xml)
    assert new != xml
    base.write(path, {"docProps/custom.xml": new})
    return {"expect": "I01", "sheet": SHEET_META}


@_case("fingerprint_value_tampered", "finding")
def _(base: Base, path: Path):
    """The unit code in the _budgetxl sheet changed; the document property still says 451."""
    from budgetxl.template.layout import SHEET_META

    base.with_cells(path, SHEET_META, {base.meta_cell("unit_code"): cell(text="452")})
    return {"expect": "I01", "sheet": SHEET_META}


@_case("fingerprint_unknown_profile", "finding")
def _(base: Base, path: Path):
    """The fingerprint names a table profile that does not exist (hebei-2099)."""
    from budgetxl.template.layout import SHEET_META

    base.with_cells(path, SHEET_META, {base.meta_cell("profile"): cell(text="hebei-2099")})
    return {"expect": "I02", "sheet": SHEET_META}


@_case("table_sheet_renamed", "finding")
def _(base: Base, path: Path):
    """收入总表 renamed to “收入总表 (2)” (references to it renamed too, as Excel does)."""
    old, new = "收入总表", "收入总表 (2)"
    wb = base.parts["xl/workbook.xml"].replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
    wb = wb.replace(f">{old}!".encode(), f">'{new}'!".encode())
    repl = {"xl/workbook.xml": wb}
    for part in base.sheet_parts.values():
        xml = _rewrite_formulas(base.parts[part], lambda f: _rename_in_formula(f, old, new))
        if xml != base.parts[part]:
            repl[part] = xml
    base.write(path, repl)
    return {"expect": "I03", "sheet": old}


@_case("sheet_added", "finding")
def _(base: Base, path: Path):
    """A new worksheet “Sheet1” with a note, added at the end."""
    part = "xl/worksheets/sheet99.xml"
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="' + NS_MAIN.encode()
           + b'"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>' + "备注".encode()
           + b"</t></is></c></row></sheetData></worksheet>")
    wb = base.parts["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="Sheet1" sheetId="99" r:id="rId99"/></sheets>')
    rels = base.parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="' + NS_REL.encode()
        + b'/worksheet" Target="worksheets/sheet99.xml"/></Relationships>')
    ct = _content_override(base.parts["[Content_Types].xml"], part, WORKSHEET_CT)
    base.write(path, {"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": ct},
               add={part: xml})
    return {"expect": "I03", "sheet": "Sheet1"}


@_case("sheets_reordered", "finding")
def _(base: Base, path: Path):
    """支出总表 dragged in front of 收入总表."""
    wb = base.parts["xl/workbook.xml"]
    a, b = _sheet_el(wb, "收入总表"), _sheet_el(wb, "支出总表")
    wb = wb[: a.start()] + b.group(0) + a.group(0) + wb[b.end():]
    base.write(path, {"xl/workbook.xml": wb})
    return {"expect": "I03", "sheet": "支出总表"}


@_case("row_inserted_coded", "finding")
def _(base: Base, path: Path):
    """A blank row inserted between two preset code rows of 收入总表 (formulas adjusted as Excel does)."""
    c = base.coded_cells()
    at = int(c["leaf_row"])
    base.write(path, shift_sheet(base, c["sheet"], "row", at, 1))
    return {"expect": "I04", "sheet": c["sheet"], "cell": ANY_CELL}


@_case("row_inserted_above_total", "finding")
def _(base: Base, path: Path):
    """A row inserted between the 栏次 row and the 合计 row of 收入总表."""
    t, sl = base.table("t2")
    base.write(path, shift_sheet(base, t.name, "row", sl.data_start + 1, 1))
    return {"expect": "I04", "sheet": t.name, "cell": ANY_CELL}


@_case("row_deleted_coded", "finding")
def _(base: Base, path: Path):
    """A preset code row of 收入总表 deleted (references to it become #REF!)."""
    c = base.coded_cells()
    base.write(path, shift_sheet(base, c["sheet"], "row", int(c["leaf_row"]), -1))
    return {"expect": "I04", "sheet": c["sheet"], "cell": ANY_CELL}


@_case("column_inserted", "finding")
def _(base: Base, path: Path):
    """A column inserted before the first amount column of 支出总表."""
    t, sl = base.table("t3")
    base.write(path, shift_sheet(base, t.name, "col", 3, 1))
    return {"expect": "I04", "sheet": t.name, "cell": ANY_CELL}


@_case("fixed_label_changed", "finding")
def _(base: Base, path: Path):
    """The first row label of 收支总表 (a fixed table) overwritten."""
    from budgetxl.template.layout import a1

    t, sl = base.table("t1")
    side = t.sides[0]
    ref = a1(sl.data_start, 1)
    assert t.fixed_rows[0][side.key] is not None
    base.with_cells(path, t.name, {ref: cell(text="其他自筹收入")})
    return {"expect": "I04", "sheet": t.name, "cell": ref}


# --- formulas, cached values, protection, lists ------------------------------------------------
@_case("formula_overwritten_constant", "finding")
def _(base: Base, path: Path):
    """The 合计 formula of 收入总表 replaced by its own value typed in."""
    c = base.coded_cells()
    ref = c["total_formula"]
    value = get_cached(base.sheet_xml(c["sheet"]), ref)
    base.with_cells(path, c["sheet"], {ref: cell(number=value)})
    return {"expect": "I05", "sheet": c["sheet"], "cell": ref}


@_case("formula_changed", "finding")
def _(base: Base, path: Path):
    """The 合计 formula of 收入总表 changed to another formula (cached value kept)."""
    c = base.coded_cells()
    ref = c["total_formula"]
    xml = base.sheet_xml(c["sheet"])
    f, v = get_formula(xml, ref), get_cached(xml, ref)
    new = f.split("+")[0] if "+" in f else f + "*1"
    base.with_cells(path, c["sheet"], {ref: cell(formula=new, cached=v)})
    return {"expect": "I05", "sheet": c["sheet"], "cell": ref}


@_case("cached_value_changed", "finding")
def _(base: Base, path: Path):
    """The cached value of the 合计 formula edited in the XML; the formula stays."""
    c = base.coded_cells()
    ref = c["total_formula"]
    f = get_formula(base.sheet_xml(c["sheet"]), ref)
    base.with_cells(path, c["sheet"], {ref: cell(formula=f, cached="9999.99")})
    return {"expect": "I06", "sheet": c["sheet"], "cell": ref}


@_case("sheet_protection_removed", "finding")
def _(base: Base, path: Path):
    """<sheetProtection> removed from 收入总表 (unprotected in Excel)."""
    c = base.coded_cells()
    xml = base.sheet_xml(c["sheet"])
    new = re.sub(rb"<sheetProtection[^>]*/>", b"", xml)
    assert new != xml
    base.with_sheet(path, c["sheet"], new)
    return {"expect": "I07", "sheet": c["sheet"]}


@_case("lists_sheet_edited", "finding")
def _(base: Base, path: Path):
    """A code in the hidden 代码表 changed (drop-down source tampered)."""
    from budgetxl.template.layout import SHEET_LISTS

    base.with_cells(path, SHEET_LISTS, {"A2": cell(text="9999999")})
    return {"expect": "I08", "sheet": SHEET_LISTS}


@_case("lists_sheet_unhidden", "finding")
def _(base: Base, path: Path):
    """代码表 made visible."""
    from budgetxl.template.layout import SHEET_LISTS

    _unhide(base, path, SHEET_LISTS)
    return {"expect": "I08", "sheet": SHEET_LISTS}


@_case("fingerprint_sheet_unhidden", "finding")
def _(base: Base, path: Path):
    """The very hidden _budgetxl sheet made visible."""
    from budgetxl.template.layout import SHEET_META

    _unhide(base, path, SHEET_META)
    return {"expect": "I08", "sheet": SHEET_META}


@_case("formula_in_input_cell", "finding")
def _(base: Base, path: Path):
    """An input amount typed as a formula (=700+35.75) with the same result."""
    c = base.coded_cells()
    ref = c["leaf_input"]
    v = get_cached(base.sheet_xml(c["sheet"]), ref) or "0"
    base.with_cells(path, c["sheet"], {ref: cell(formula=f"{v}-0", cached=v)})
    return {"expect": "I09", "sheet": c["sheet"], "cell": ref}


@_case("unit_code_changed", "finding")
def _(base: Base, path: Path):
    """The locked unit code on 单位信息 changed (451 -> 452)."""
    from budgetxl.template.layout import SHEET_UNIT, a1, unit_rows

    ref = a1(unit_rows(base.profile)["unit_code"], 1)
    base.with_cells(path, SHEET_UNIT, {ref: cell(text="452")})
    return {"expect": "I05", "sheet": SHEET_UNIT, "cell": ref}


# --- messy values --------------------------------------------------------------------------------
def _value_case(name: str, code: str, where: str, **make):
    @_case(name, "finding")
    def _(base: Base, path: Path):
        c = base.coded_cells()
        ref = c[where]
        base.with_cells(path, c["sheet"], {ref: cell(**make)})
        return {"expect": code, "sheet": c["sheet"], "cell": ref}

    _.__doc__ = f"收入总表 {where}: {make}"


_value_case("amount_text_thousands", "V01", "leaf_input", text="1,234.50")
_value_case("amount_fullwidth_digits", "V01", "leaf_input", text="１２３４.５")
_value_case("amount_with_wanyuan", "V01", "leaf_input", text="12.5万元")
_value_case("amount_dash", "V01", "leaf_input", text="—")
_value_case("amount_letters", "V02", "leaf_input", text="abc")
_value_case("amount_negative", "V02", "leaf_input", number="-5")
_value_case("amount_three_decimals", "V02", "leaf_input", number="1.234")
_value_case("amount_yuan", "V02", "leaf_input", text="100元")
_value_case("amount_percent", "V02", "leaf_input", text="5%")
_value_case("amount_accounting_negative", "V02", "leaf_input", text="(5.00)")
_value_case("amount_boolean", "V02", "leaf_input", boolean=True)
_value_case("amount_text_formula", "V02", "leaf_input", text="=100+1")


@_case("code_as_number", "finding")
def _(base: Base, path: Path):
    """A preset code stored as a number instead of text."""
    c = base.coded_cells()
    base.with_cells(path, c["sheet"], {c["leaf_code"]: cell(number=c["leaf"])})
    return {"expect": "V01", "sheet": c["sheet"], "cell": c["leaf_code"]}


@_case("code_bad_length", "finding")
def _(base: Base, path: Path):
    """A spare row with a 5-digit code that is not a valid code length, with an amount."""
    c = base.coded_cells()
    base.with_cells(path, c["sheet"], {c["spare_code"]: cell(text="20402X"), c["spare_input"]: cell(number="5")})
    return {"expect": "V02", "sheet": c["sheet"], "cell": c["spare_code"]}


@_case("duplicate_code_row", "finding")
def _(base: Base, path: Path):
    """A spare row repeating a preset code, with an amount."""
    c = base.coded_cells()
    base.with_cells(path, c["sheet"], {c["spare_code"]: cell(text=c["leaf"]), c["spare_input"]: cell(number="5")})
    return {"expect": "V03", "sheet": c["sheet"], "cell": c["spare_code"]}


@_case("amount_without_code", "finding")
def _(base: Base, path: Path):
    """A spare row with an amount but no code."""
    c = base.coded_cells()
    base.with_cells(path, c["sheet"], {c["spare_input"]: cell(number="5")})
    return {"expect": "V02", "sheet": c["sheet"], "cell": c["spare_code"]}


@_case("unit_money_letters", "finding")
def _(base: Base, path: Path):
    """上年预算收支总额 on 单位信息 filled with words."""
    from budgetxl.template.layout import SHEET_UNIT, a1, unit_rows

    ref = a1(unit_rows(base.profile)["prev_total"], 1)
    base.with_cells(path, SHEET_UNIT, {ref: cell(text="约一千万")})
    return {"expect": "V02", "sheet": SHEET_UNIT, "cell": ref}


@_case("fixed_table_input_text", "finding")
def _(base: Base, path: Path):
    """An input amount of 三公经费支出表 (a fixed table) written as “12.5万”."""
    from budgetxl.template.layout import a1

    t, sl = base.table("t9")
    r, col = next((rc for key, rc in sl.cells.items() if t.is_input(key[1], key[2])))
    ref = a1(r, col)
    base.with_cells(path, t.name, {ref: cell(text="12.5万")})
    return {"expect": "V01", "sheet": t.name, "cell": ref}


# ---------------------------------------------------------------------------------- build
def build(out_dir: Path) -> list[Case]:
    """Write every case into ``out_dir`` (and the untouched template as ``base.xlsx``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = Base(out_dir / BASE_NAME)
    cases = []
    for name, kind, ext, fn in _REGISTRY:
        path = out_dir / f"{name}{ext}"
        spec = fn(base, path) or {}
        cases.append(Case(name, path, kind, what=(fn.__doc__ or "").strip(), **spec))
    return cases


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m tests.corpus.make_corpus OUT_DIR", file=sys.stderr)
        return 2
    t = time.perf_counter()
    cases = build(Path(argv[0]))
    elapsed = time.perf_counter() - t
    for c in cases:
        where = ""
        if c.kind == "finding":
            where = f" {c.sheet or ''}{'!' + c.cell if c.cell and c.cell != ANY_CELL else ''}"
        print(f"{c.name:32} {c.kind:8} {c.expect}{where}  ({c.path.stat().st_size:,} B)")
    print(f"{len(cases)} cases in {elapsed:.2f} s -> {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
