"""A bounded, defused scan of an xlsx package: sheet names and states, and per sheet the formula
text of every formula cell, the extent of the cells, and whether the sheet is protected.

Values come from python-calamine (fast, Rust); this scan supplies what calamine does not expose,
and runs first so that a sheet with absurd dimensions is refused before any dense read.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as DET

from ..errors import BudgetxlError
from ..safety import REDO, check_container, read_part

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
# A sheet is read by calamine as a dense grid of (last row) x (last column) cells, so both are
# bounded before it is read: at most 50,000 x 64 = 3.2 million cells (about 0.3 GB at worst).
# Templates use 15 columns and a few thousand rows at most.
MAX_ROWS = 50_000
MAX_COLS = 64
_CELL = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass
class SheetScan:
    name: str
    part: str
    state: str = "visible"
    _formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    fast: list | None = None  # raw (column letters, row, escaped text) of plain formulas, in order
    max_row: int = -1
    max_col: int = -1
    protected: bool | None = False
    rows: int = 0  # number of <row> elements
    light: bool = False  # only rows and protection were scanned
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "#DIV/0!" (t="e" cells)

    @property
    def formulas(self) -> dict[tuple[int, int], str]:
        """Formula text by (row, col), "=" included; built on first use from the raw matches."""
        if self.fast is not None:
            for letters, row, text in self.fast:
                col = _COLS.get(letters)
                if col is None:
                    col = _COLS[letters] = col_index(letters.decode())
                t = text.decode("utf-8", "replace")
                self._formulas[(int(row) - 1, col)] = "=" + (html.unescape(t) if "&" in t else t)
            self.fast = None
        return self._formulas


@dataclass
class PackageScan:
    sheets: list[SheetScan]
    custom: dict[str, str]
    has_macros: bool
    lock_structure: bool

    def sheet(self, name: str) -> SheetScan | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    def with_errors(self, name: str, rows: list[list]) -> list[list]:
        """calamine's rows of a sheet with every error value (#DIV/0!, #N/A …) put back as an
        :class:`ErrorValue`: calamine gives an empty cell for them, and a figure that cannot be
        read must never read as empty."""
        s = self.sheet(name)
        for (r, c), text in (s.errors.items() if s else ()):
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            if len(row) <= c:
                row.extend([""] * (c + 1 - len(row)))
            row[c] = ErrorValue(text)
        return rows


class ErrorValue(str):
    """An error value of a cell (the text Excel shows: #DIV/0!, #N/A, #VALUE! …). A str, so that
    every cell parser reports it as what it is (not a number, not a code) instead of a blank."""


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _parse(zf: zipfile.ZipFile, part: str, name: str):
    data = read_part(zf, part, name)
    try:
        return DET.fromstring(data, forbid_dtd=True)
    except DET.ParseError:
        raise BudgetxlError(f"{name}：工作簿部件 {part} 不是有效的 XML，文件已损坏。{REDO}") from None
    except RecursionError:
        raise BudgetxlError(f"{name}：工作簿部件 {part} 的 XML 嵌套过深，疑似恶意文件，拒绝读取") from None
    except Exception as e:  # defusedxml raises DTDForbidden, EntitiesForbidden …
        raise BudgetxlError(f"{name}：工作簿部件 {part} 含有不安全的 XML 结构（{type(e).__name__}），拒绝读取") from None


# row 50000 and beyond (leading zeros allowed), or column 65 (BM) and beyond, in any case
_RE_BOUNDS = re.compile(rb'r="(?:[A-Za-z]{0,3}0*(?:[5-9]\d{4}|[1-9]\d{5})|(?:[A-Za-z]{3}|[C-Zc-z][A-Za-z]|[Bb][M-Zm-z])\d)')
# a cell element: <c …>, <c/>, <x:c …> (not <col>, <cfRule> …)
_RE_CELL_OPEN = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c[\s/>]')
_RE_REF = re.compile(rb'r="([A-Z]{1,3})(\d{1,9})"')
_RE_END = re.compile(rb'</(?:[A-Za-z_][\w.-]*:)?worksheet\s*>\s*$')
_RE_ROOT = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?worksheet\b')
_RE_F_FAST = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*><f>([^<]*)</f>')
_COLS: dict[bytes, int] = {}
_RE_F_PLAIN = re.compile(rb'<f\b([^>]*?)(?:/>|>(.*?)</f>)', re.S)
_RE_F = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?f\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?f>)', re.S)
_RE_ATTR = re.compile(rb'\b([A-Za-z_:]+)="([^"]*)"')
_RE_CLOSE_HEAD = re.compile(rb'</(?:[A-Za-z_][\w.-]*:)?')
_RE_CLOSE_TAIL = re.compile(rb'\s*>')
_MAIN_URI = NS_MAIN.encode()
_RE_PROT = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?sheetProtection\b([^>]*)')


def _scan_sheet(zf: zipfile.ZipFile, sheet: SheetScan, name: str) -> None:
    """Scan one worksheet part with byte-level regular expressions (no entity expansion at all)."""
    data = read_part(zf, sheet.part, name, f"工作表“{sheet.name}”的数据（部件 {sheet.part}）")
    m = _RE_ROOT.search(data)  # the root element comes first: the search ends almost at once
    prolog = data[: m.start()] if m else data
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise BudgetxlError(f"{name}：工作表“{sheet.name}”含有 DTD/实体声明（可能是 XML 攻击），拒绝读取")
    if not _RE_END.search(data, max(0, len(data) - 64)):  # calamine reads a cut-off part without a word
        raise BudgetxlError(f"{name}：无法读取工作表“{sheet.name}”：数据不完整（部件 {sheet.part} 的 XML 被截断），文件已损坏。{REDO}")
    hit = _RE_BOUNDS.search(data)  # every cell reference in the part, wherever it stands
    if hit:
        ref = re.compile(rb'r="([A-Z]{0,3})(\d+)').match(data, data.rfind(b"r=", 0, hit.end()))
        if ref and ref.group(1):
            where = f"单元格 {ref.group(1).decode()}{ref.group(2).decode()}"
        else:
            where = f"第{ref.group(2).decode()}行" if ref else hit.group(0).decode(errors="replace")
        raise BudgetxlError(f"{name}：工作表“{sheet.name}”的数据范围异常（{where}，超过上限 {MAX_ROWS} 行或 {MAX_COLS} 列），"
                            "疑似异常文件，拒绝读取。请删除表格以外的内容后另存再提交")
    # every cell must say where it stands: a cell without r="…" is placed after the one before it,
    # so a run of them could widen the grid past the bounds above without the search seeing it
    n_cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/")
    if n_cells != data.count(b'<c r="') or (m is not None and b":" in m.group(0)):
        _cells_located(data, sheet, name)
    if b't="e"' in data:
        _error_cells(data, sheet)
    # The fast path: the spreadsheet namespace is only the default one (no <x:f> can exist), and
    # every formula opening in the cells is a plain <c r="D6" …><f>E6+M6</f>. Shared formulas,
    # formulas with attributes (<f aca="false">) and anything unusual take the general path.
    end = _cells_end(data)  # formulas stand in the cells, not in the validations that follow
    if m is not None and b":" not in m.group(0) and data.count(_MAIN_URI) == 1:
        n_f = data.count(b"<f", 0, end)
        if not n_f:
            _protection(sheet, data)
            return
        fast = _RE_F_FAST.findall(data, 0, end)
        if len(fast) == n_f:
            sheet.fast = fast  # decoded only if someone asks for the formulas (see SheetScan.formulas)
            _protection(sheet, data)
            return
    shared: dict[bytes, tuple[int, int, str]] = {}
    prefixed = b":f>" in data or b":f " in data
    for f in (_RE_F if prefixed else _RE_F_PLAIN).finditer(data, 0, end):
        at = data.rfind(b' r="', 0, f.start())
        ref = _RE_REF.match(data, at + 1) if at >= 0 else None
        if not ref:
            continue
        r, c = int(ref.group(2)) - 1, col_index(ref.group(1).decode())
        attrs = dict(_RE_ATTR.findall(f.group(1)))
        text = html.unescape((f.group(2) or b"").decode("utf-8", "replace"))
        si = attrs.get(b"si")
        if attrs.get(b"t") == b"shared" and si is not None:
            if text:
                shared[si] = (r, c, text)
            else:
                text = _from_shared(shared.get(si), r, c)
        sheet._formulas[(r, c)] = "=" + text
    _protection(sheet, data)


_RE_ERROR_CELL = re.compile(rb'<((?:[A-Za-z_][\w.-]*:)?c)\b([^>]*?\bt="e"[^>]*?)(?:/>|>(.*?)</\1\s*>)', re.S)
_RE_V = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)<')


def _error_cells(data: bytes, sheet: SheetScan) -> None:
    for m in _RE_ERROR_CELL.finditer(data):
        ref = re.search(rb'\br="([A-Z]{1,3})(\d{1,7})"', m.group(2))
        if not ref:
            continue
        v = _RE_V.search(m.group(3) or b"")
        text = html.unescape(v.group(1).decode("utf-8", "replace")).strip() if v else ""
        sheet.errors[(int(ref.group(2)) - 1, col_index(ref.group(1).decode()))] = text or "#错误值"


MAX_DECLARED_COUNT = 1_000_000
_RE_COUNT = re.compile(rb'\b(?:count|uniqueCount)="\s*([^"]*)"')


def _check_counts(data: bytes, part: str, name: str) -> None:
    """The item counts a part declares (shared strings, styles): calamine reserves memory for
    them before reading, so an absurd count (10^9) would abort the process."""
    for m in _RE_COUNT.finditer(data):
        v = m.group(1).strip()
        if not v.isdigit() or len(v) > 9 or int(v) > MAX_DECLARED_COUNT:
            raise BudgetxlError(f"{name}：部件 {part} 声明的条目数“{v[:20].decode(errors='replace')}”异常"
                                f"（上限 {MAX_DECLARED_COUNT}），疑似异常文件，拒绝读取。{REDO}")


def _cells_located(data: bytes, sheet: SheetScan, name: str) -> None:
    """The slow check for unusual serialisations: every cell element has an r attribute."""
    for m in _RE_CELL_OPEN.finditer(data):
        end = data.find(b">", m.end() - 1)
        head = data[m.start(): end if end >= 0 else len(data)]
        if not re.search(rb'\sr="[A-Za-z]{1,3}\d+"', head):
            raise BudgetxlError(f"{name}：工作表“{sheet.name}”中有单元格缺少位置信息（r 属性），"
                                "不是 Excel/WPS 保存的格式，无法可靠定位数据。请在 Excel/WPS 中打开并另存为 .xlsx 后再提交")


def _cells_end(data: bytes) -> int:
    """Where the cells of a worksheet part end: its last mention of sheetData when that is a closing
    tag (every cell stands before the element's closing tag), else the end of the part."""
    at = data.rfind(b"sheetData")
    if at < 0 or not _RE_CLOSE_TAIL.match(data, at + 9):
        return len(data)
    lt = data.rfind(b"<", 0, at)
    return at if lt >= 0 and _RE_CLOSE_HEAD.fullmatch(data, lt, at) else len(data)


def _light_scan(zf: zipfile.ZipFile, sheet: SheetScan, name: str) -> None:
    """Rows and protection only, for a sheet that will not be read unless something looks wrong
    (call :func:`rescan` before reading it)."""
    data = read_part(zf, sheet.part, name, f"工作表“{sheet.name}”的数据（部件 {sheet.part}）")
    sheet.rows = data.count(b"<row ") + data.count(b":row ")
    sheet.light = True
    _protection(sheet, data)


def rescan(path: str | Path, sheet: SheetScan, name: str) -> None:
    """The full scan (bounds, formulas) of a sheet that was only scanned lightly."""
    with zipfile.ZipFile(path) as zf:
        _scan_sheet(zf, sheet, name)
    sheet.light = False


def _protection(sheet: SheetScan, data: bytes) -> None:
    at = data.rfind(b"sheetProtection")
    prot = _RE_PROT.search(data, max(at - 20, 0)) if at >= 0 else None
    if prot:
        attrs = dict(_RE_ATTR.findall(prot.group(1)))
        sheet.protected = attrs.get(b"sheet") in (b"1", b"true")


def _from_shared(master, r: int, c: int) -> str:
    if master is None:
        return ""
    from openpyxl.formula.translate import Translator

    from ..template.layout import a1

    mr, mc, text = master
    try:
        return Translator("=" + text, origin=a1(mr, mc)).translate_formula(a1(r, c))[1:]
    except Exception:
        return text


def scan_package(path: str | Path, name: str | None = None, skip: frozenset[str] = frozenset(),
                 light: frozenset[str] = frozenset()) -> PackageScan:
    """Check the container, then scan workbook structure and every worksheet part except those
    named in ``skip`` (sheets that will not be read at all; their protection stays unknown)."""
    name = name or str(path)
    zf = check_container(path, keep_open=True)
    with zf:
        names = set(zf.namelist())
        has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
        wb = _parse(zf, "xl/workbook.xml", name)
        rels = _parse(zf, "xl/_rels/workbook.xml.rels", name)
        targets = {}
        for rel in rels.iter(_q(NS_PKG_REL, "Relationship")):
            target = rel.get("Target", "")
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = target
        prot = wb.find(_q(NS_MAIN, "workbookProtection"))
        # LibreOffice saves a structure-protected workbook as a bare <workbookProtection/>
        lock = prot is not None and (prot.get("lockStructure") in ("1", "true") or not prot.attrib)
        sheets = []
        sheets_el = wb.find(_q(NS_MAIN, "sheets"))
        for s in (sheets_el if sheets_el is not None else []):
            rid = s.get(_q(NS_REL, "id"))
            part = targets.get(rid, "")
            sheets.append(SheetScan(s.get("name", ""), part, s.get("state", "visible")))
        if not sheets:
            raise BudgetxlError(f"{name}：工作簿中没有工作表，文件已损坏。{REDO}")
        for sheet in sheets:
            if sheet.name in skip:
                sheet.protected = None
            elif sheet.name in light and sheet.part in names:
                _light_scan(zf, sheet, name)
            elif sheet.part in names:
                _scan_sheet(zf, sheet, name)
        for part in ("xl/sharedStrings.xml", "xl/styles.xml"):
            if part in names:
                _check_counts(read_part(zf, part, name), part, name)
        custom = {}
        if "docProps/custom.xml" in names:
            root = _parse(zf, "docProps/custom.xml", name)
            for prop in root:
                value = next(iter(prop), None)
                custom[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return PackageScan(sheets, custom, has_macros, lock)
