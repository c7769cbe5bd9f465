"""Read what is published — PDF, Word, official-layout spreadsheets, text — without any profile:
tables as grids of cells with their header rows and title lines, the narrative in reading order,
every figure exact with its printed precision and its place. Mapping onto a profile's tables is a
separate step (:mod:`budgetxl.published.mapping`)."""

from .document import Cell, Document, Paragraph, Place, Table
from .figures import Figure, money_unit, parse_figure

__all__ = ["Cell", "Document", "Figure", "Paragraph", "Place", "Table", "money_unit", "parse_figure"]
