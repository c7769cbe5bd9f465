"""An annotated copy of a published PDF: each finding's printed cell boxed (a rectangle annotation
in the finding's colour) with the findings as its note, and one note on the first page listing
every finding, those that name no printed cell included. The PDF's own content is not touched:
pypdf copies it and adds annotations (no PDF is written by hand here).

A finding names its cell as the reader placed it ("第N页", "表X第r行第c列「…」"); the box is that
cell's box as pdfplumber measured it when the document was read (read again here, with the
profile the check used), turned from pdfplumber's coordinates (points from the page's top left)
into the page's own (points from its bottom left)."""

from __future__ import annotations

from pathlib import Path

from ..errors import BudgetxlError
from ..findings import SEVERITY_CN, Finding, note_text, worst

COLOURS = {"error": "ff0000", "warning": "ff9900", "info": "0070c0"}
PAD = 1.0  # points around the printed cell


def cell_boxes(pdf: str | Path, profile: str | None = None) -> dict[tuple[str, str], tuple[int, tuple]]:
    """(sheet, cell) as findings name a printed figure -> (page, pdfplumber bbox)."""
    from ..published.mapping import read_published

    reading = read_published(pdf, profile)
    out = {}
    for key, where in reading.positions.items():
        c = reading.cells.get(key)
        if c is not None and c.place.page and c.place.bbox:
            out[tuple(where)] = (c.place.page, c.place.bbox)
    return out


def _rect(page, bbox) -> tuple[float, float, float, float]:
    """pdfplumber's (x0, top, x1, bottom) on ``page`` (a pypdf page) as a PDF rectangle."""
    box = page.mediabox
    x0, top, x1, bottom = bbox
    left, upper = float(box.left), float(box.top)
    return (left + x0 - PAD, upper - bottom - PAD, left + x1 + PAD, upper - top + PAD)


def annotate_pdf(pdf: str | Path, findings: list[Finding], out: str | Path, profile: str | None = None) -> int:
    """Write ``out``: a copy of ``pdf`` with every finding's cell boxed and noted. Returns the
    number of cells boxed."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Rectangle, Text
    from pypdf.generic import NameObject, TextStringObject

    from ..fileio import atomic_path

    boxes = cell_boxes(pdf, profile)
    notes: dict[tuple[int, tuple], list[Finding]] = {}
    unplaced: list[Finding] = []
    caused: dict[int, Finding] = {}
    every = []
    for head in findings:
        for f in head.flatten():
            every.append(f)
            if f is not head:
                caused[id(f)] = head
            at = boxes.get((f.sheet, f.cell))
            if at is None:
                unplaced.append(f)
            else:
                notes.setdefault(at, []).append(f)
    try:
        reader = PdfReader(str(pdf))
        writer = PdfWriter(clone_from=reader)
    except Exception as e:
        raise BudgetxlError(f"{pdf}：无法复制 PDF 以写出标注（{type(e).__name__}）") from None
    marked = 0
    for (page_no, bbox), fs in notes.items():
        page = writer.pages[page_no - 1]
        if page.rotation % 360:  # the box would be turned: say so rather than box the wrong place
            unplaced += fs
            continue
        text = note_text(fs, caused)
        box = Rectangle(rect=_rect(page, bbox), border_color=COLOURS[worst(fs).severity])
        box[NameObject("/Contents")] = TextStringObject(text)
        box[NameObject("/T")] = TextStringObject("budgetxl")
        writer.add_annotation(page_number=page_no - 1, annotation=box)
        marked += 1
    counts = {s: sum(1 for f in every if f.severity == s) for s in ("error", "warning", "info")}
    summary = [f"budgetxl 审核：错误 {counts['error']} 个，警告 {counts['warning']} 个，提示 {counts['info']} 个；"
               f"{marked} 个单元格已框出（框内注释写明问题）"]
    if unplaced:
        summary.append("以下问题没有对应的印刷单元格：")
        summary += [f"{f.code} {SEVERITY_CN[f.severity]}：{f.message}" for f in unplaced]
    first = writer.pages[0]
    left, upper = float(first.mediabox.left), float(first.mediabox.top)
    note = Text(rect=(left + 4, upper - 24, left + 24, upper - 4), text="\n".join(summary), open=False)
    note[NameObject("/T")] = TextStringObject("budgetxl")
    writer.add_annotation(page_number=0, annotation=note)
    with atomic_path(out, inputs=(pdf,)) as tmp:
        with open(tmp, "wb") as fh:
            writer.write(fh)
    return marked
