"""--annotate on a published PDF: a copy with each finding's printed cell boxed and noted (pypdf
annotations). Read back with pypdf, every box holds, on its page, the very text the finding
quotes from its cell (read there by pdfplumber); the first page carries one note listing every
finding; the input is untouched. On the sample unit's official tables printed to PDF (the seed's
own transposition, X301) and on a real document when ../shared is present."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetxl.cli import main

REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"
REAL = REALDOCS / "04_sh_putuo_wanli_dept_2025.pdf"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="budgetxl")


def _boxes(pdf: Path) -> list[tuple[int, str, str]]:
    """(page, note, text printed inside the box) of every box annotation of ``pdf``."""
    import pdfplumber
    from pypdf import PdfReader

    out = []
    reader = PdfReader(pdf)
    with pdfplumber.open(pdf) as plumbed:
        for i, page in enumerate(reader.pages):
            for ref in page.get("/Annots") or []:
                a = ref.get_object()
                if a["/Subtype"] != "/Square":
                    continue
                x0, y0, x1, y1 = (float(v) for v in a["/Rect"])
                upper, left = float(page.mediabox.top), float(page.mediabox.left)
                inside = plumbed.pages[i].within_bbox((x0 - left, upper - y1, x1 - left, upper - y0))
                out.append((i + 1, str(a["/Contents"]), re.sub(r"\s", "", inside.extract_text() or "")))
    return out


def _check_annotated(pdf: Path, tmp_path: Path) -> list[dict]:
    before = pdf.read_bytes()
    out = tmp_path / "标注.pdf"
    res = run("check", pdf, "--format", "json", "-o", tmp_path / "r.json", "--annotate", out)
    assert res.exit_code in (0, 1), res.output
    assert pdf.read_bytes() == before  # the input untouched
    findings = [g for f in json.loads((tmp_path / "r.json").read_text("utf-8"))["findings"]
                for g in (f, *f.get("consequences", []))]
    boxes = _boxes(out)
    placed = [f for f in findings if f.get("cell") and "「" in f["cell"]]
    assert placed and len(boxes) == len({(f["sheet"], f["cell"]) for f in placed})
    for f in placed:  # each placed finding: a box on its page, noting it, around the text it quotes
        page = int(re.fullmatch(r"第(\d+)页", f["sheet"]).group(1))
        quoted = re.sub(r"\s", "", re.search(r"「(.*)」", f["cell"]).group(1))
        hits = [b for b in boxes if b[0] == page and f["code"] in b[1] and f["message"][:20] in b[1]]
        assert hits, (f, boxes)
        assert quoted in hits[0][2], (f, hits)
    from pypdf import PdfReader

    [summary] = [a.get_object() for a in PdfReader(out).pages[0].get("/Annots") if a.get_object()["/Subtype"] == "/Text"]
    assert "budgetxl 审核" in str(summary["/Contents"])
    return findings


def test_annotate_official_pdf(official_pdf, tmp_path):
    findings = _check_annotated(official_pdf, tmp_path)
    assert any(f["code"] == "X301" for f in findings)  # the seed's own transposition, boxed


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/realdocs not present")
def test_annotate_real_document(tmp_path):
    _check_annotated(REAL, tmp_path)


def test_annotate_many_pdfs_into_a_directory(official_pdf, tmp_path):
    import shutil

    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.pdf", "b.pdf"):
        shutil.copy(official_pdf, d / name)
    res = run("check", d, "--format", "json", "-o", tmp_path / "r.json", "--annotate", tmp_path / "out")
    assert res.exit_code in (0, 1), res.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_审核.pdf", "b_审核.pdf"]
    res = run("check", official_pdf, "--annotate", tmp_path / "x.xlsx")
    assert res.exit_code == 2 and ".pdf" in res.output  # a PDF's copy is a PDF
