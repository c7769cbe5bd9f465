"""What a published document holds, independent of any profile: its tables (cells in a grid, with
their header rows, the lines printed under each title, the money unit) and its narrative (headings
and paragraphs in reading order). Every cell and line keeps its place (page and box for a PDF,
paragraph for Word, sheet and cell for a workbook, line for a text file) and its printed text, so a
finding can point at it and quote it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .figures import Figure, money_unit, parse_figure
from .lines import org_of, year_of
from ..labels import ascii_digits


@dataclass(frozen=True)
class Place:
    """Where something is printed. Only the fields that apply to the document's kind are set."""

    page: int | None = None  # 1-based PDF page
    bbox: tuple[float, float, float, float] | None = None  # PDF points: x0, top, x1, bottom
    paragraph: int | None = None  # 1-based paragraph of a Word document
    line: int | None = None  # 1-based line of a text file
    sheet: str | None = None
    cell: str | None = None  # A1 reference in a workbook

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.cell:
            parts.append(f"单元格{self.cell}")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        return "".join(parts)


@dataclass
class Cell:
    """One printed cell: its text (wrapped lines joined), its grid position and span, its place."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    place: Place = field(default_factory=Place)
    raw: str = ""  # the text as printed, line breaks kept

    @property
    def figure(self) -> Figure | None:
        """The cell as an amount (blank and dashes are zero), or None when it is text."""
        return parse_figure(self.text)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Table:
    """A table as printed, joined over the pages it continues on.

    ``rows`` are grid rows: ``rows[i][j]`` is the cell that covers grid row i and column j (a merged
    cell appears in every position it covers, the same object), or None where nothing is drawn.
    ``header_rows`` is how many leading rows are header rows (column titles), by their look: the
    rows before the first one that prints a figure or a code, or is blank.
    """

    index: int  # 1-based, in document order
    title: str = ""
    captions: list[str] = field(default_factory=list)  # lines between the title and the table
    notes: list[str] = field(default_factory=list)  # lines right after it (注：……)
    rows: list[list[Cell | None]] = field(default_factory=list)
    header_rows: int = 0
    unit: str | None = None  # money unit printed for this table (元, 万元 …)
    org: str | None = None  # 编制部门 / 编制单位 line's value
    year: int | None = None
    pages: list[int] = field(default_factory=list)
    title_place: Place = field(default_factory=Place)
    printed: list[tuple[str, Place]] = field(default_factory=list)  # title, caption and note lines as printed

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def add_caption(self, text: str, segments: list[str] | None = None) -> None:
        """A line printed between the title and the table (``segments``: its parts as printed apart;
        by default split at runs of spaces or tabs). The first money unit and 编制部门/单位 found are
        the table's; a part that is neither, nor a year, while no org is known, is the unit line
        without its label ("451某某单位")."""
        self.captions.append(text)
        for seg in segments if segments is not None else re.split(r"\s{2,}|\t", text):
            unit, org, year = money_unit(seg), org_of(seg), year_of(seg)
            self.unit = self.unit or unit
            self.org = self.org or org
            if not (unit or org or year) and self.org is None and seg.strip():
                self.org = seg.strip()

    def find_year(self) -> None:
        """The budget year, from the title or else the first caption that prints one."""
        for text in [self.title, *self.captions]:
            self.year = self.year or year_of(text)

    def header(self) -> list[list[Cell | None]]:
        return self.rows[: self.header_rows]

    def body(self) -> list[list[Cell | None]]:
        return self.rows[self.header_rows:]

    def column_paths(self) -> list[tuple[str, ...]]:
        """Each column's header texts from the top header row down (a header spanning several
        columns is part of each one's path), empty and repeated texts left out."""
        out = []
        header = [r for r in self.header() if not is_column_numbers(r)]
        for j in range(self.width):
            path: list[str] = []
            seen = set()
            for r in header:
                c = r[j] if j < len(r) else None
                if c is not None and c.text and id(c) not in seen:
                    seen.add(id(c))
                    path.append(c.text)
            out.append(tuple(path))
        return out

    def texts(self) -> list[list[str]]:
        return [["" if c is None else c.text for c in r] for r in self.rows]

    def figures(self):
        """Every (cell, figure) of the body that prints a number (blank and dash cells excluded)."""
        seen = set()
        for r in self.body():
            for c in r:
                if c is None or id(c) in seen:
                    continue
                seen.add(id(c))
                f = c.figure
                if f is not None and not f.zero_mark and not f.blank:
                    yield c, f


def is_data_row(cells) -> bool:
    """A body row by its look: it prints a figure (other than numbers 1, 2, 3 … of a 栏次 row) or
    nothing at all (the blank row of an empty table)."""
    texts = [c.text for c in cells if c is not None]
    if not any(t.strip() for t in texts):
        return True
    nums = []
    for t in texts:
        f = parse_figure(t)
        if f is not None and not f.blank and not f.zero_mark:
            nums.append(f.value)
    if not nums:
        return False
    return not (len(nums) >= 2 and nums == [type(nums[0])(i) for i in range(1, len(nums) + 1)])


def header_count(rows) -> int:
    """How many leading rows are header rows: those before the first body row."""
    n = 0
    for r in rows:
        if is_data_row(r) or (n and joins_columns(rows[n - 1], r)):
            break
        n += 1
    return n


def joins_columns(above, row) -> bool:
    """A row with one cell across columns the row above names apart: not a header row, since a
    header only divides its columns further down. It is the body of an empty table: its 合计 label
    spanning the code and name columns, printed right under the header."""
    for j in range(1, min(len(row), len(above))):
        c, a, b = row[j], above[j - 1], above[j]
        if c is not None and c is row[j - 1] and a is not None and b is not None and a is not b \
                and a.text.strip() and b.text.strip():
            return True
    return False


def is_column_numbers(row) -> bool:
    """A row numbering the columns 1, 2, 3 … (a 栏次 row), with at most one label before the numbers."""
    seen, texts = set(), []
    for c in row:
        if c is not None and id(c) not in seen and c.text.strip():
            seen.add(id(c))
            texts.append(c.text.strip())
    nums = [t for t in texts if ascii_digits(t)]
    return len(nums) >= 2 and len(texts) - len(nums) <= 1 and [int(t) for t in nums] == list(range(1, len(nums) + 1))


@dataclass
class Paragraph:
    """A heading or a paragraph of the narrative, in reading order."""

    text: str
    place: Place = field(default_factory=Place)
    heading: int | None = None  # heading level (1 = 一、…, 2 = （一）…), None for body text
    lines: list[tuple[str, Place]] = field(default_factory=list)  # the printed lines it joins


@dataclass
class Document:
    """A published document read without any profile."""

    path: str
    kind: str  # "pdf", "docx", "xlsx", "xls", "txt"
    pages: int = 0
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    front: list[str] = field(default_factory=list)  # the cover lines (document title, unit)
    unreadable_pages: list[int] = field(default_factory=list)  # pages without a text layer
    margins: list[tuple[int, str]] = field(default_factory=list)  # page numbers and running heads left out

    def text(self) -> str:
        """The narrative as plain text, one paragraph a line."""
        return "\n".join(p.text for p in self.paragraphs)

    def printed_texts(self):
        """Every text read, with its place: cells, the lines around tables, the narrative's lines
        and the margins left out (for proving a reading against another one)."""
        for t in self.tables:
            yield from t.printed
            seen = set()
            for r in t.rows:
                for c in r:
                    if c is not None and id(c) not in seen:
                        seen.add(id(c))
                        yield c.text, c.place
        for p in self.paragraphs:
            yield from p.lines
        for pg, text in self.margins:
            yield text, Place(page=pg)

    def figure_count(self) -> int:
        return sum(1 for t in self.tables for _ in t.figures())


def money_total(figures) -> Decimal:
    return sum((f.value for f in figures), Decimal(0))
