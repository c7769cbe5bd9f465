"""Reading returned entry workbooks: exact round trips, LibreOffice-saved files, untouched inputs."""

import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import budgetxl
from budgetxl import UnitBudget
from budgetxl.cli import main
from budgetxl.lo import find_soffice, recalculate
from budgetxl.reader.entry import read_entry, same_formula
from budgetxl.template.writer import TemplateWriter

from .conftest import REPO

needs_lo = pytest.mark.skipif(find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")
ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"


def _supplement_view(sup: dict, profile) -> dict:
    """The parts of a supplement that an entry workbook carries as inputs (formula fields excluded)."""
    proc_formula = {f["key"] for f in profile.parts["procurement"]["fields"] if f.get("formula")}
    asset_formula = {r["key"] for r in profile.parts["assets"]["rows"] if r.get("formula")}
    return {
        "institutions": sup["institutions"],
        "projects": sup["projects"],
        "procurement": [{k: v for k, v in rec.items() if k not in proc_formula} for rec in sup["procurement"]],
        "assets": {"as_of": sup["assets"]["as_of"],
                   "values": {k: v for k, v in sup["assets"]["values"].items() if k not in asset_formula}},
        "narrative": sup["narrative"],
    }


def test_sample_entry_reads_clean_and_exact(sample):
    r = read_entry(ENTRY)
    assert r.findings == []
    assert r.budget.inputs == sample.inputs
    assert r.budget.mismatches() == []
    assert _supplement_view(r.budget.supplement, sample.profile) == _supplement_view(sample.supplement, sample.profile)
    for k, v in sample.supplement["previous"].items():
        assert r.budget.supplement["previous"][k] == v


def _fill_blank(tmp_path: Path, sample) -> Path:
    flat = TemplateWriter(sample, flat=True)
    flat.write(tmp_path / "flat.xlsx")
    blank = TemplateWriter(UnitBudget.empty(sample.unit_code, sample.unit_name, sample.year),
                           spare=len(flat.layout.sheets["t2"].spare_rows))
    blank.write(tmp_path / "blank.xlsx")
    src, dst = openpyxl.load_workbook(tmp_path / "flat.xlsx"), openpyxl.load_workbook(tmp_path / "blank.xlsx")
    for ws in src.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.protection.locked is False and c.value not in (None, ""):
                    dst[ws.title][c.coordinate].value = c.value
    dst.save(tmp_path / "filled.xlsx")
    return tmp_path / "filled.xlsx"


@needs_lo
def test_round_trip_template_fill_libreoffice_export(tmp_path, sample, sample_facts):
    """template -> fill -> save in LibreOffice -> export gives exactly the input facts."""
    filled = _fill_blank(tmp_path, sample)
    saved = recalculate(filled, tmp_path / "returned.xlsx")
    r = read_entry(saved)
    assert [f for f in r.findings if f.severity == "error"] == []
    out = tmp_path / "facts.csv"
    res = CliRunner().invoke(main, ["export", str(saved), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == sample_facts.read_bytes()
    assert _supplement_view(r.budget.supplement, sample.profile) == _supplement_view(sample.supplement, sample.profile)


@needs_lo
def test_libreoffice_saved_entry_has_no_findings(tmp_path, sample):
    saved = recalculate(ENTRY, tmp_path / "lo.xlsx")
    r = read_entry(saved)
    assert r.findings == []
    assert r.budget.inputs == sample.inputs


def test_export_many_and_duplicates(tmp_path):
    a = tmp_path / "a.xlsx"
    shutil.copy(ENTRY, a)
    res = CliRunner().invoke(main, ["export", str(ENTRY), str(a), "-o", str(tmp_path / "f.csv")])
    assert res.exit_code == 2 and "同一单位同一年度" in res.output
    assert not (tmp_path / "f.csv").exists()


def test_render_from_workbook(tmp_path):
    res = CliRunner().invoke(main, ["render", str(ENTRY), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(tmp_path / "o.xlsx").sheetnames[0] == "收支总表"


@pytest.mark.parametrize("expected, actual, same", [
    ("='收入总表'!D5+1", "=收入总表!D5+1", True),
    ("=IFERROR(VLOOKUP(B2,'代码表'!$A$2:$B$9,2,FALSE),\"x\")", "=IFERROR(VLOOKUP(B2,代码表!$A$2:$B$9,2,FALSE()),\"x\")", True),
    ("=SUM(D7:D9)", "=sum( D7:D9 )", True),
    ("=E6+F6", "=E6+F7", False),
    ("=E6+F6", "=E6-F6", False),
])
def test_formula_comparison(expected, actual, same):
    assert same_formula(expected, actual) is same


def test_no_command_modifies_its_inputs(tmp_path, sample_facts, seed_tables_path):
    """bytes and mtime of every input are unchanged after every command."""
    files = {}
    for src in (ENTRY, sample_facts, seed_tables_path, REPO / "samples" / "451_2024" / "supplement.toml"):
        dst = tmp_path / src.name
        shutil.copy2(src, dst)
        files[dst] = (dst.read_bytes(), dst.stat().st_mtime_ns)
    e, f, s, sup = (tmp_path / p.name for p in (ENTRY, sample_facts, seed_tables_path,
                                                REPO / "samples" / "451_2024" / "supplement.toml"))
    runner = CliRunner()
    for args in (["render", e, "-o", tmp_path / "o1.xlsx"], ["render", f, "-o", tmp_path / "o2.xlsx"],
                 ["export", e, "-o", tmp_path / "o3.csv"], ["import-text", s, "-o", tmp_path / "o4.csv"],
                 ["template", "--data", f, "--supplement", sup, "-o", tmp_path / "o5.xlsx"],
                 ["render", e, "-o", e], ["export", e, "-o", e]):
        runner.invoke(main, [str(a) for a in args])
    for p, (data, mtime) in files.items():
        assert p.read_bytes() == data and p.stat().st_mtime_ns == mtime, p


def test_wps_wrong_sheet_dimension_is_harmless(tmp_path, sample):
    """WPS may write a wrong <dimension>: reading does not depend on it."""
    import re
    import zipfile

    out = tmp_path / "wps.xlsx"
    with zipfile.ZipFile(ENTRY) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            zo.writestr(info, data)
    r = read_entry(out)
    assert r.findings == [] and r.budget.inputs == sample.inputs


def test_in_memory_package_reads_every_member_as_zipfile_does(tmp_path):
    """The scan inflates members itself (one call each, size-bounded, CRC-checked); the bytes must
    be exactly zipfile's, for deflated and stored members alike."""
    import zipfile

    from budgetxl.safety import Package, check_container

    mixed = tmp_path / "mixed.xlsx"
    with zipfile.ZipFile(ENTRY) as src, zipfile.ZipFile(mixed, "w") as dst:
        for i, info in enumerate(src.infolist()):
            dst.writestr(info.filename, src.read(info), zipfile.ZIP_STORED if i % 3 == 0 else zipfile.ZIP_DEFLATED)
    for path in (ENTRY, mixed):
        pkg = check_container(path, keep_open=True)
        assert isinstance(pkg, Package)
        with pkg, zipfile.ZipFile(path) as plain:
            assert pkg.namelist() == plain.namelist()
            for name in plain.namelist():
                assert pkg.read(name) == plain.read(name), name


@pytest.mark.parametrize("edit", [
    # a far cell after </sheetData>: no cell for Excel or calamine, refused all the same
    lambda x: x.replace(b"</sheetData>", b'</sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', 1),
    # a fake end of the cells in a comment, and the real one written </sheetData >
    lambda x: x.replace(b"<sheetData>", b"<!--</sheetData>--><sheetData>", 1).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData >', 1),
])
def test_far_cells_are_refused_wherever_they_stand(tmp_path, edit):
    """The bounds check looks at every cell reference of a worksheet part: whatever hides the
    end of the cells, a dense read of a far-away cell never reaches calamine."""
    import zipfile

    from budgetxl.errors import BudgetxlError
    from budgetxl.reader.xlsxscan import scan_package

    target = tmp_path / "far.xlsx"
    part = scan_package(ENTRY).sheet("收入总表").part
    with zipfile.ZipFile(ENTRY) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, edit(data) if info.filename == part else data)
    with pytest.raises(BudgetxlError, match="数据范围异常"):
        read_entry(target)


def test_unusual_formulas_take_the_general_path(tmp_path):
    """Formulas the fast path does not match are still found: a prefixed <x:f> under a default-
    namespace root, and a shared-formula child without its master (both in input cells: I09)."""
    import zipfile

    from budgetxl.reader.xlsxscan import NS_MAIN, scan_package

    scan = scan_package(ENTRY)
    part = scan.sheet("收入总表").part
    reader_cells = read_entry(ENTRY).positions
    sheet, f7 = reader_cells[("t2", "2040220", "fiscal")]
    assert sheet == "收入总表"
    for form in (b"<x:f>1+1</x:f>", b'<f t="shared" si="9"/>'):
        target = tmp_path / "f.xlsx"
        with zipfile.ZipFile(ENTRY) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == part:
                    data = data.replace(b"<worksheet ", b'<worksheet xmlns:x="' + NS_MAIN.encode() + b'" ', 1)
                    data = re.sub(rb'(<c r="' + f7.encode() + rb'"[^>]*?)(/>|>.*?</c>)',
                                  lambda m: m.group(1) + b">" + form + b"<v>1</v></c>", data, count=1)
                dst.writestr(info.filename, data)
        found = read_entry(target).findings
        assert any(f.code == "I09" and f.cell == f7 for f in found), (form, [(f.code, f.cell) for f in found])


def test_in_memory_package_refuses_what_zipfile_refuses(tmp_path):
    """A member whose local header names another file is refused, as zipfile refuses it."""
    import zipfile

    from budgetxl.safety import Package

    raw = bytearray(ENTRY.read_bytes())
    with zipfile.ZipFile(ENTRY) as z:
        info = z.getinfo("xl/workbook.xml")
    at = info.header_offset + 30
    raw[at:at + 2] = b"XX"  # "xl/workbook.xml" -> "XX/workbook.xml" in the local header only
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(raw))
    with zipfile.ZipFile(bad) as plain, pytest.raises(zipfile.BadZipFile):
        plain.read("xl/workbook.xml")
    with Package(bytes(raw)) as pkg, pytest.raises(zipfile.BadZipFile):
        pkg.read("xl/workbook.xml")
