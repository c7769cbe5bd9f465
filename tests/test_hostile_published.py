"""Regression tests for what the PDF and docx fuzzing families found (issue 12), each built from
its reproducer: a clean exit 1 or 2 with a Chinese message naming the file and the page or part,
limits enforced before the work, and the guard that bounds a reader's CPU time and memory."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from budgetxl.errors import BudgetxlError
from budgetxl.safety import GuardedError, run_limited
from tests.fuzz.families import published as fam
from tests.fuzz.families.workbook import write_parts
from tests.test_hostile import assert_refused, run

ENTRY = Path(__file__).resolve().parents[1] / "samples" / "451_2024" / "entry.xlsx"
needs_lo = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                              reason="the PDF bases are printed by LibreOffice")


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """The sample rendered as the published documents (docx; the PDFs where LibreOffice is)."""
    from tests.fuzz.core import _render_published

    root = tmp_path_factory.mktemp("published")
    return _render_published(root, ENTRY)


def _pdf(tmp_path, data: bytes, name: str = "hostile.pdf") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _first_page_font_file(data: bytes) -> int:
    for body in fam._objects(data).values():
        m = re.search(rb"/FontFile\d?\s*(\d+)\s+\d+\s+R", body)
        if m:
            return int(m.group(1))
    raise AssertionError("no embedded font")


# ---------------------------------------------------------------------------------- PDF
@needs_lo
def test_tables_pdf_without_a_shared_left_margin_reads(docs, tmp_path):
    """render --pdf's own tables PDF was exit 3 (min() of an empty sequence: no two narrative
    lines started at the same x)."""
    res = run("check", docs["pdf_tables"])
    assert res.exit_code in (0, 1), res.output
    assert "内部错误" not in res.output


@needs_lo
def test_page_box_that_is_not_numbers(docs, tmp_path):
    """[0 0 1e30 1e30] (pdfminer reads 1 and a name) was exit 3 when pdfplumber's close()
    rebuilt the pages."""
    data = re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox[0 0 1e30 1e30]", docs["pdf"].read_bytes())
    p = _pdf(tmp_path, data)
    assert_refused(run("check", p), p, "MediaBox")


@needs_lo
def test_font_program_bomb_refused_before_decoding(docs, tmp_path):
    """A font program that inflates to 600 MB: refused at 32 MB inflated, naming the page,
    without pdfminer decoding it (it took 29 s and 1 GB)."""
    data = docs["pdf"].read_bytes()
    bomb = fam._bomb(600 * 1024 * 1024, b"\0")
    body = b"<</Filter/FlateDecode/Length %d>>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    p = _pdf(tmp_path, fam._update(data, {_first_page_font_file(data): body}))
    assert_refused(run("check", p), p, "第1页", "32 MB", "压缩炸弹")


@needs_lo
def test_content_bomb_refused(docs, tmp_path):
    data = docs["pdf"].read_bytes()
    objs = fam._objects(data)
    num, _ = fam._content(objs, fam._pages(objs)[1])
    bomb = fam._bomb(600 * 1024 * 1024, b" ")
    body = b"<</Filter/FlateDecode/Length %d>>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    p = _pdf(tmp_path, fam._update(data, {num: body}))
    assert_refused(run("import", p, "-o", tmp_path / "f.csv"), p, "第2页", "4 MB")
    assert not (tmp_path / "f.csv").exists()


@needs_lo
def test_reference_cycle_refused_at_once(docs, tmp_path):
    """Two objects that refer to each other, as a page's resources: pdfminer's resolve1 loops
    without end (45 s, the guard's limit); now refused before pdfplumber resolves it."""
    data = docs["pdf"].read_bytes()
    objs = fam._objects(data)
    page = fam._pages(objs)[0]
    n = fam._next_num(data)
    body = re.sub(rb"/Resources\s*\d+\s+\d+\s+R", b"", objs[page].rstrip())
    body = body[:body.rfind(b">>")] + b"/Resources %d 0 R>>" % n
    p = _pdf(tmp_path, fam._update(data, {n: b"%d 0 R" % (n + 1), n + 1: b"%d 0 R" % n, page: body}))
    assert_refused(run("check", p), p, "循环")


@needs_lo
def test_page_of_thirty_thousand_lines_refused_before_the_table_finder(docs, tmp_path):
    import random

    data = docs["pdf"].read_bytes()
    objs = fam._objects(data)
    num, ops = fam._content(objs, fam._pages(objs)[0])
    r = random.Random(1)
    add = b"".join(b"%d %d m %d %d l S\n" % (r.randrange(600), r.randrange(800), r.randrange(600), r.randrange(800))
                   for _ in range(30_000))
    p = _pdf(tmp_path, fam._update(data, {num: fam._stream(ops + b"\n" + add)}))
    assert_refused(run("check", p), p, "第1页", "条线段", "20000")


@needs_lo
def test_fonts_without_tounicode_are_no_text_layer(docs, tmp_path):
    p = _pdf(tmp_path, docs["pdf"].read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    assert_refused(run("check", p), p, "ToUnicode", "文字层")


@needs_lo
def test_pdf_without_text_is_the_scan_message(docs, tmp_path):
    data = docs["pdf"].read_bytes()
    objs = fam._objects(data)
    new = {}
    for page in fam._pages(objs):
        num, ops = fam._content(objs, page)
        new[num] = fam._stream(fam._strip_text(ops))
    p = _pdf(tmp_path, fam._update(data, new))
    assert_refused(run("check", p), p, "没有文字层", "扫描件")


@needs_lo
@pytest.mark.parametrize("kind", ["password", "unknown"])
def test_encrypted_pdf(docs, tmp_path, kind):
    if kind == "password":
        p = _pdf(tmp_path, docs["pdf_encrypted"].read_bytes())
    else:
        data = docs["pdf"].read_bytes()
        n = fam._next_num(data)
        p = _pdf(tmp_path, fam._update(data, {n: b"<</Filter/FuzzSecurity/V 1>>"}, b"/Encrypt %d 0 R" % n))
    assert_refused(run("check", p), p, "加密")


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not a pdf", b"%PDF-1.6\n" + b"x" * 100])
def test_not_a_pdf(tmp_path, data):
    p = _pdf(tmp_path, data)
    assert_refused(run("check", p), p)


# ---------------------------------------------------------------------------------- the guard
def _spin(progress):
    progress("第7页")
    while True:
        pass


def _hog(progress):
    progress("部件 x.xml")
    return b"x" * (4 * 1024 ** 3)


def _bug(progress):
    raise ValueError("a bug")


def _refuse(progress):
    raise BudgetxlError("x.pdf：说好的拒绝")


def test_guard_stops_cpu_time_and_names_the_place():
    with pytest.raises(BudgetxlError, match=r"x\.pdf：读取PDF超过 1 秒的处理时间上限（读到第7页时）"):
        run_limited(_spin, name="x.pdf", what="PDF", cpu_seconds=1)


def test_guard_stops_memory_and_names_the_place():
    with pytest.raises(BudgetxlError, match=r"内存超过 256 MB 的上限（读到部件 x\.xml时）"):
        run_limited(_hog, name="x.docx", what="Word 文档", memory=256 * 1024 * 1024)


def test_guard_keeps_bugs_and_refusals_as_they_are():
    with pytest.raises(GuardedError, match="ValueError: a bug"):
        run_limited(_bug, name="x.pdf", what="PDF")
    with pytest.raises(BudgetxlError, match="说好的拒绝"):
        run_limited(_refuse, name="x.pdf", what="PDF")
    assert run_limited(lambda progress: {"a": [1, 2]}, name="x", what="PDF") == {"a": [1, 2]}


# ---------------------------------------------------------------------------------- docx
def _docx_parts(docs) -> dict[str, bytes]:
    with zipfile.ZipFile(docs["docx"]) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _docx(tmp_path, parts) -> Path:
    p = tmp_path / "hostile.docx"
    write_parts(parts, p)
    return p


def test_docx_relationship_to_a_missing_part(docs, tmp_path):
    """A relationship pointing at no part was 无法读取 Word 文件（KeyError）."""
    parts = _docx_parts(docs)
    rels = "word/_rels/document.xml.rels"
    parts[rels] = re.sub(rb'Target="styles.xml"', b'Target="missing.xml"', parts[rels])
    p = _docx(tmp_path, parts)
    assert_refused(run("check", p), p, "缺少必要的内部部件")


def test_docx_main_part_of_another_content_type(docs, tmp_path):
    parts = _docx_parts(docs)
    ct = "[Content_Types].xml"
    parts[ct] = parts[ct].replace(b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml")
    p = _docx(tmp_path, parts)
    assert_refused(run("check", p), p, "内容类型")


@pytest.mark.parametrize("span", [b"99999", b"2147483648"])
def test_docx_absurd_grid_span_refused_before_the_grid_is_built(docs, tmp_path, span):
    """gridSpan 99999 on a few cells took 940 MB building python-docx's grid."""
    parts = _docx_parts(docs)
    d = parts["word/document.xml"]
    parts["word/document.xml"] = d.replace(b"<w:tc>", b'<w:tc><w:tcPr><w:gridSpan w:val="' + span + b'"/></w:tcPr>', 3)
    p = _docx(tmp_path, parts)
    assert_refused(run("check", p), p, "word/document.xml", "1000 列")


def test_docx_too_many_cells_refused(docs, tmp_path):
    parts = _docx_parts(docs)
    d = parts["word/document.xml"]
    cell = b"<w:tc><w:p><w:r><w:t>1.00</w:t></w:r></w:p></w:tc>"
    tbl = b"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid>" + (b"<w:tr>" + cell * 4 + b"</w:tr>") * 60_000 + b"</w:tbl>"
    at = d.rfind(b"<w:sectPr")
    parts["word/document.xml"] = d[:at] + tbl + d[at:]
    p = _docx(tmp_path, parts)
    assert_refused(run("import", p, "-o", tmp_path / "f.csv"), p, "200000")


def test_docx_encrypted_member(docs, tmp_path):
    """The zip checks of the workbooks apply to a docx: an encrypted member is said, not a
    RuntimeError of zipfile."""
    from tests.test_hostile import patch_member

    raw = patch_member(docs["docx"].read_bytes(), "word/document.xml", 8, 6, 1)
    p = tmp_path / "hostile.docx"
    p.write_bytes(raw)
    assert_refused(run("check", p), p, "被加密", "Word/WPS")


def test_docx_main_part_that_is_not_a_word_body(docs, tmp_path):
    """The full campaign's docx_zip/exit3 (seed 1000016, bomb): word/document.xml replaced by a
    worksheet's XML was AttributeError ('_Element' has no 'body'), exit 3."""
    parts = _docx_parts(docs)
    parts["word/document.xml"] = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                                  b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                                  b"</sheetData></worksheet>")
    p = _docx(tmp_path, parts)
    assert_refused(run("import", p, "-o", tmp_path / "f.csv"), p, "word/document.xml", "w:document")
    assert not (tmp_path / "f.csv").exists()


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_zip_member_needing_an_unknown_zip_version(docs, tmp_path, kind):
    """The full campaign's zip_blank/exit3 (seed 1000114, flip): a central-directory "version
    needed to extract" of 19.2 made zipfile raise NotImplementedError while opening, exit 3."""
    from tests.test_hostile import patch_member

    src, member = (ENTRY, "xl/workbook.xml") if kind == "xlsx" else (docs["docx"], "word/document.xml")
    raw = patch_member(src.read_bytes(), member, 6, 4, 192)  # version needed to extract: central +6, local +4
    p = tmp_path / f"hostile.{kind}"
    p.write_bytes(raw)
    assert_refused(run("check", p), p, "损坏")


# A page printed as an image: the rest is read, the page is one finding, and the checks that say
# what the text lacks are not checkable (they might be answered on that page).
_INLINE_IMAGE = b"\nq 200 0 0 200 100 300 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q\n"


@needs_lo
def test_a_page_printed_as_an_image_is_a_finding_and_its_checks_not_checked(docs, tmp_path):
    from budgetxl.check.runner import check_file

    data = docs["pdf"].read_bytes()
    objs = fam._objects(data)
    pages = fam._pages(objs)
    num, ops = fam._content(objs, pages[-1])  # the last page: narrative text
    p = _pdf(tmp_path, fam._update(data, {num: fam._stream(fam._strip_text(ops) + _INLINE_IMAGE)}))
    before = p.read_bytes()
    [ctx] = check_file(p)
    last = len(pages)
    v05 = [f for f in ctx.findings if f.code == "V05" and "没有可读的文字" in f.message]
    assert len(v05) == 1 and f"第{last}页" in v05[0].message, [str(f) for f in ctx.findings]
    skipped = {n["rule"]: n["missing"] for n in ctx.not_checked}
    for code in ("W501", "W504", "W310"):
        assert skipped.get(code) == f"第{last}页（只印成图片）的文字", skipped
    assert not {"W501", "W504", "W310"} & {f.code for f in ctx.findings}
    assert p.read_bytes() == before


@needs_lo
def test_a_blank_page_is_not_an_image_page(docs, tmp_path):
    from budgetxl.check.runner import check_file

    data = docs["pdf"].read_bytes()
    objs = fam._objects(data)
    num, ops = fam._content(objs, fam._pages(objs)[-1])
    p = _pdf(tmp_path, fam._update(data, {num: fam._stream(fam._strip_text(ops))}))
    [ctx] = check_file(p)
    assert not [f for f in ctx.findings if "没有可读的文字" in f.message]
    assert not [n for n in ctx.not_checked if "图片" in n["missing"]]
