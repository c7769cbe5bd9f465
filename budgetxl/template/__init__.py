"""The entry workbook (填报模板): inputs open and validated, every total a locked formula."""

from .layout import EntryLayout  # noqa: F401
from .writer import write_template  # noqa: F401
