"""budgetxl.lo: LibreOffice headless recalculation and conversion.

Tests that need LibreOffice are skipped only outside CI; with ``CI`` set they must run (and fail
if LibreOffice is missing).
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from budgetxl import lo
from budgetxl.errors import BudgetxlError

needs_lo = pytest.mark.skipif(
    lo.find_soffice() is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) not installed; install libreoffice-calc-nogui",
)

SUMPRODUCT = 'SUMPRODUCT((LEFT($B$2:$B$9,3)="204")*(LEN($B$2:$B$9)=7),{c}$2:{c}$9)'

CODES = ["2040101", "2040102", "204", "20401", "2050101", "2049999", "2010101", "2040"]
AMOUNTS = [100.5, 200.25, 1000, 50, 70, 0.1, 3.3, 9]
WEIGHTS = [1, 2, 4, 8, 16, 32, 64, 128]


def make_workbook(path: Path, scale: float = 1.0) -> Path:
    """Numbers and formulas; xlsxwriter stores every formula's cached value as 0."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    total = wb.add_worksheet("收入总表")
    total.write_string("A5", "收入合计")
    total.write_number("D5", 1234.56 * scale)
    total.write_formula("D6", "=D5*2")
    ws = wb.add_worksheet("明细")
    for col, head in zip("ABCD", ["名称", "科目编码", "金额", "权重"]):
        ws.write_string(f"{col}1", head)
    for i, (code, amount, weight) in enumerate(zip(CODES, AMOUNTS, WEIGHTS), start=2):
        ws.write_string(f"A{i}", f"项目{i}")
        ws.write_string(f"B{i}", code)  # text codes, as in the templates
        ws.write_number(f"C{i}", amount * scale)
        ws.write_number(f"D{i}", weight)
    ws.write_formula("C10", "=SUM(C2:C9)")
    ws.write_formula("C11", "=" + SUMPRODUCT.format(c="C"))
    ws.write_formula("D11", "=" + SUMPRODUCT.format(c="D"))
    ws.write_formula("C12", '=SUMIF($B$2:$B$9,"204*",C$2:C$9)')
    ws.write_formula("C13", '=SUMIF(C$2:C$9,">100")')
    ws.write_formula("E2", "='收入总表'!D5")
    ws.write_formula("E3", "='收入总表'!D6+C10")  # chain: formula on another sheet, then here
    ws.write_formula("F2", "=IF(ROUND(C2,2)=C2,1,0)")
    ws.write_number("G3", 1.234)
    ws.write_formula("F3", "=IF(ROUND(G3,2)=G3,1,0)")
    ws.data_validation("C2:C9", {
        "validate": "custom",
        "value": "=ROUND(C2,2)=C2",
        "error_title": "金额格式",
        "error_message": "金额最多两位小数",
    })
    wb.close()
    return path


def expected(scale: float = 1.0) -> dict[str, float]:
    sp = [a for c, a in zip(CODES, AMOUNTS) if c.startswith("204") and len(c) == 7]
    return {
        "C10": sum(AMOUNTS) * scale,                                        # 1433.15
        "C11": sum(sp) * scale,                                             # 300.85
        "D11": float(sum(w for c, w in zip(CODES, WEIGHTS) if c.startswith("204") and len(c) == 7)),
        "C12": sum(a for c, a in zip(CODES, AMOUNTS) if c.startswith("204")) * scale,
        "C13": sum(a * scale for a in AMOUNTS if a * scale > 100),
        "E2": 1234.56 * scale,
        "E3": 1234.56 * 2 * scale + sum(AMOUNTS) * scale,
        "F2": 1.0,
        "F3": 0.0,
    }


def values(path: Path) -> dict[str, float]:
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        ws = wb["明细"]
        return {ref: ws[ref].value for ref in expected()}
    finally:
        wb.close()


def assert_values(path: Path, scale: float = 1.0) -> None:
    got = values(path)
    for ref, want in expected(scale).items():
        assert got[ref] == pytest.approx(want, abs=1e-9), f"{path.name} {ref}: {got[ref]!r} != {want!r}"


@pytest.fixture()
def book(tmp_path) -> Path:
    return make_workbook(tmp_path / "源文件.xlsx")


def test_source_has_zero_cached_values(book):
    """Sanity: without recalculation the formulas read back as 0, so the LO tests mean something."""
    got = values(book)
    assert got["C10"] == 0 and got["C11"] == 0 and got["E3"] == 0


@needs_lo
def test_recalculate_computes_all_formulas(book, tmp_path):
    before = book.read_bytes()
    mtime = book.stat().st_mtime_ns
    out = tmp_path / "sub" / "重算.xlsx"
    assert lo.recalculate(book, out) == out
    assert_values(out)
    # The source is untouched.
    assert book.read_bytes() == before
    assert book.stat().st_mtime_ns == mtime
    # Formulas and the validation survive the round trip.
    wb = openpyxl.load_workbook(out)
    ws = wb["明细"]
    assert ws["C11"].value.startswith("=SUMPRODUCT(")
    assert "收入总表" in ws["E2"].value
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "custom"]
    assert dvs and "ROUND(C2,2)=C2" in dvs[0].formula1.replace(" ", "")
    assert "C2:C9" in str(dvs[0].sqref)
    wb.close()
    # No stray files next to the source or the output.
    assert sorted(p.name for p in out.parent.iterdir()) == ["重算.xlsx"]


@needs_lo
def test_recalculate_many_same_basenames(tmp_path):
    pairs = []
    for k in (1, 2, 3):
        d = tmp_path / f"d{k}"
        d.mkdir()
        pairs.append((make_workbook(d / "模板.xlsx", scale=k), tmp_path / f"out{k}.xlsx"))
    assert lo.recalculate_many(pairs) == [dst for _, dst in pairs]
    for k, (_, dst) in zip((1, 2, 3), pairs):
        assert_values(dst, scale=k)  # each output belongs to its own input


@needs_lo
def test_convert_pdf(book, tmp_path):
    out = tmp_path / "表.pdf"
    lo.convert(book, out)
    assert out.read_bytes()[:5] == b"%PDF-"


@needs_lo
def test_timeout_kills_soffice(book, tmp_path):
    out = tmp_path / "out.xlsx"
    with pytest.raises(BudgetxlError) as ei:
        lo.recalculate(book, out, timeout=0.05)
    assert "秒内未完成" in str(ei.value)
    assert not out.exists()
    # Nothing left running with our profile, and the next call still works (fresh profile).
    assert not [pid for pid in _soffice_pids() if pid != os.getpid()]
    lo.recalculate(book, out)
    assert_values(out)


def _soffice_pids() -> list[int]:
    """Live processes using a budgetxl LibreOffice profile of this process."""
    pids = []
    marker = f"budgetxl-lo-{os.getpid()}-".encode()
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            pass
    return pids


def test_missing_soffice(book, tmp_path, monkeypatch):
    monkeypatch.setattr(lo, "find_soffice", lambda: None)
    with pytest.raises(BudgetxlError) as ei:
        lo.recalculate(book, tmp_path / "out.xlsx")
    msg = str(ei.value)
    assert "未找到 LibreOffice" in msg and "libreoffice-calc-nogui" in msg
    with pytest.raises(BudgetxlError, match="未找到 LibreOffice"):
        lo.convert(book, tmp_path / "out.pdf")
    assert not (tmp_path / "out.xlsx").exists()


def test_find_soffice_env(tmp_path, monkeypatch):
    fake = tmp_path / "my-soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BUDGETXL_SOFFICE", str(fake))
    assert lo.find_soffice() == str(fake)
    monkeypatch.setenv("BUDGETXL_SOFFICE", str(tmp_path / "nonexistent"))
    assert lo.find_soffice() is None


def test_no_output_reports_error(book, tmp_path, monkeypatch):
    """A 'LibreOffice' that exits 0 without writing anything (as LO does on load errors)."""
    fake = tmp_path / "fake-soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BUDGETXL_SOFFICE", str(fake))
    with pytest.raises(BudgetxlError) as ei:
        lo.recalculate(book, tmp_path / "out.xlsx")
    msg = str(ei.value)
    assert "未生成输出文件" in msg and "source file could not be loaded" in msg


def test_missing_input(tmp_path):
    with pytest.raises(BudgetxlError, match="输入文件不存在"):
        lo.recalculate(tmp_path / "无.xlsx", tmp_path / "out.xlsx")


def test_refuses_to_overwrite_source(book):
    before = book.read_bytes()
    with pytest.raises(BudgetxlError):
        lo.recalculate(book, book)
    assert book.read_bytes() == before
