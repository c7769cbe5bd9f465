"""The blocks of a published disclosure text: tab-indented cells, one per line, rows separated by
blank lines; page numbers and bookmark artefacts between them. Shared by the table reader
(:mod:`budgetxl.textimport`) and the parts reader (:mod:`budgetxl.textparts`)."""

from __future__ import annotations

import re

ARTEFACT = re.compile(r"^\s*\[bookmark:[^\]]*\]\s*")
YEAR = re.compile(r"预算年度[:：]\s*(\d{4})")
_LOOKS_LIKE_HEADING = re.compile(r"^\[bookmark|^[一二三四五六七八九十]+、|^第[一二三四五六七八九十]+部分|表$|^注[:：]")
PAGE_NUMBER = re.compile(r"^\s*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:/\s*\d{1,4}\s*)?$|^\s*-\s*\d{1,4}\s*-\s*$")


def blocks(lines: list[str], start: int):
    """Yield (line number, cells) rows of tab-indented cells from ``start`` until the table ends."""
    row: list[str] = []
    row_line = start
    i = start
    prev_tab = False
    while i < len(lines):
        raw = lines[i]
        if raw.startswith("\t"):
            if not row:
                row_line = i + 1
            row.append(raw[1:].strip())
            prev_tab = True
            i += 1
            continue
        if raw.strip() == "":
            if row:
                yield row_line, row
                row = []
        elif PAGE_NUMBER.match(raw):
            pass  # a page number between the rows of a table split over pages
        elif prev_tab and row and not _LOOKS_LIKE_HEADING.search(raw.strip()):
            row[-1] = f"{row[-1]}\n{raw.strip()}"  # a line break inside a cell's text
            i += 1
            continue
        else:
            break
        prev_tab = False
        i += 1
    if row:
        yield row_line, row
