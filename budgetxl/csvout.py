"""Every CSV that budgetxl writes goes through here: UTF-8 with a BOM (Excel and WPS then read the
Chinese text correctly instead of guessing GBK), "\\n" line ends, and — for reports and
manifests — no cell that a spreadsheet would run as a formula.

Two kinds of CSV:

* ``report`` (审核报告, 汇总清单): its text comes from hostile inputs (a unit name, a formula
  found in a workbook, a message quoting a cell). A text cell that begins with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe (``'=1+1``),
  which Excel, WPS and LibreOffice show as text and never evaluate (the OWASP advice for CSV
  injection). A plain number (``-14.00``) is left alone: it is data, not a formula.
* ``data`` (the facts CSV): values are written exactly as they are, because the file is read
  back by budgetxl and by other programs, and an apostrophe would change the data. Its columns
  are amounts (always plain numbers), codes (digits), table, row and column names that must
  match the profile, so only 单位名称 and 科目名称 are free text; see README, "facts CSV".

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("-14.00"), neutralise("-1+2"), neutralise(3)
('-14.00', "'-1+2", 3)
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def neutralise(value):
    """A text cell that could run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class Writer:
    """A csv.writer for one kind of CSV (``report`` neutralises text cells, ``data`` does not)."""

    def __init__(self, fh, kind: str = "report"):
        if kind not in ("report", "data"):
            raise ValueError(kind)
        self._w = csv.writer(fh, lineterminator="\n")
        self._safe = kind == "report"

    def writerow(self, row: Iterable) -> None:
        self._w.writerow([neutralise(v) for v in row] if self._safe else row)

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def to_text(header: list[str], rows: Iterable[Iterable], *, kind: str = "report", bom: bool = True) -> str:
    """The whole CSV as text (BOM first when ``bom``)."""
    buf = io.StringIO(newline="")
    if bom:
        buf.write(BOM)
    w = Writer(buf, kind)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write(path: str | Path, header: list[str], rows: Iterable[Iterable], *, kind: str = "report",
          inputs=()) -> int:
    """Write a CSV atomically, streaming the rows (BOM, "\\n" line ends). Returns the row count."""
    from .fileio import atomic_path

    n = 0
    with atomic_path(path, inputs=inputs) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(BOM)
        w = Writer(fh, kind)
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n
