"""The scan that runs before python-calamine reads a workbook, for every spreadsheet format read:
the bounded, defused xlsx scan (:mod:`budgetxl.reader.xlsxscan`), and for an .xls or .ods the error
values of its cells (#DIV/0!, #N/A …), which calamine reads as empty cells: a figure that cannot
be read must never read as blank, which a published table prints for zero. An .xls is read for
them by xlrd (calamine does not expose a cell's error), an .ods by its content.xml through
defusedxml."""

from __future__ import annotations

from pathlib import Path

from ..errors import BudgetxlError
from ..safety import check_container, damage, read_part
from .xlsxscan import MAX_COLS, MAX_ROWS, PackageScan, SheetScan, scan_package

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def scan_workbook(path: str | Path, name: str | None = None) -> PackageScan:
    """The scan of a workbook by its kind; refuses (BudgetxlError) what cannot be read."""
    name = name or str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".xls", ".ods"):
        return scan_package(path, name)
    try:
        return PackageScan((_xls_errors if suffix == ".xls" else _ods_errors)(path, name), {}, False, False)
    except BudgetxlError as e:  # what to do: the unit's own program can still open it, perhaps
        from ..filekinds import SAVE_AS_XLSX

        raise BudgetxlError(f"{e.message}。若能打开，{SAVE_AS_XLSX} 后再提交", e.problems) from None


def _xls_errors(path, name: str) -> list[SheetScan]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except MemoryError:
        raise
    except Exception as e:  # xlrd.XLRDError, struct and index errors of a damaged file
        raise BudgetxlError(f"{name}：无法读取 .xls 工作簿（{damage(e)}），文件可能已损坏或加密") from None
    sheets = []
    try:
        for i in range(book.nsheets):
            sh = book.sheet_by_index(i)
            if sh.nrows > MAX_ROWS or sh.ncols > MAX_COLS:
                raise BudgetxlError(f"{name}：工作表“{sh.name}”过大（{sh.nrows} 行 × {sh.ncols} 列）")
            scan = SheetScan(sh.name, "", max_row=sh.nrows - 1, max_col=sh.ncols - 1, protected=None)
            for r in range(sh.nrows):
                for c, kind in enumerate(sh.row_types(r)):
                    if kind == xlrd.XL_CELL_ERROR:
                        code = sh.cell_value(r, c)
                        scan.errors[(r, c)] = xlrd.error_text_from_code.get(code, f"#ERR{code}")
            sheets.append(scan)
            book.unload_sheet(i)
    except BudgetxlError:
        raise
    except MemoryError:
        raise
    except Exception as e:
        raise BudgetxlError(f"{name}：无法读取 .xls 工作簿（{damage(e)}）") from None
    finally:
        book.release_resources()
    return sheets


def _ods_errors(path, name: str) -> list[SheetScan]:
    from defusedxml import ElementTree as DET

    zf = check_container(path, keep_open=True, kind="ods")
    with zf:
        data = read_part(zf, "content.xml", name)
    try:
        root = DET.fromstring(data)
    except MemoryError:
        raise
    except Exception as e:  # ParseError, and defusedxml's refusals of entities and DTDs
        raise BudgetxlError(f"{name}：content.xml 无法解析（{damage(e)}）") from None
    t = "{%s}" % _TABLE
    sheets = []
    for table in root.iter(t + "table"):
        scan = SheetScan(table.get(t + "name", ""), "", protected=None)
        r = 0
        for row in table.iter(t + "table-row"):
            rows = int(row.get(t + "number-rows-repeated", "1"))
            c = 0
            for cell in row:
                cols = int(cell.get(t + "number-columns-repeated", "1"))
                if cell.get("{%s}value-type" % _CALCEXT) == "error":
                    text = "".join(cell.itertext()).strip() or "#VALUE!"
                    for k in range(min(rows, MAX_ROWS)):
                        for j in range(min(cols, MAX_COLS)):
                            scan.errors[(r + k, c + j)] = text
                c += cols
            r += rows
        sheets.append(scan)
    return sheets
