"""Read what is published — PDF, Word, official-layout spreadsheets, text — without any profile:
tables as grids of cells with their header rows and title lines, the narrative in reading order,
every figure exact with its printed precision and its place. Mapping onto a profile's tables is a
separate step (:mod:`budgetxl.published.mapping`)."""

from .document import Cell, Document, Paragraph, Place, Table
from .figures import Figure, money_unit, parse_figure

__all__ = ["Cell", "Document", "Figure", "Paragraph", "Place", "Table", "money_unit", "parse_figure"]



def read_document(path) -> Document:
    """Read a published document by its kind: PDF, Word (.docx), spreadsheet (.xlsx, .xls, .ods)."""
    from pathlib import Path

    from ..errors import BudgetxlError

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(p)
    if suffix == ".docx":
        from .word import read_docx

        return read_docx(p)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from .sheet import read_sheets

        return read_sheets(p)
    raise BudgetxlError(f"{p}：不支持的公开文件类型“{suffix}”")
