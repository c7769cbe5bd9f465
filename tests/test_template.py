"""The entry workbook: formulas recalculated by LibreOffice agree with budgetxl, protection,
validation, fingerprint, and a stored structural reference."""

import json
import os
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.formula import Tokenizer

import budgetxl
from budgetxl import UnitBudget
from budgetxl.cli import main
from budgetxl.lo import find_soffice, recalculate
from budgetxl.template.layout import SHEET_LISTS, SHEET_META
from budgetxl.template.fingerprint import formula_hash
from budgetxl.template.writer import TemplateWriter

from .conftest import REPO
from .workbook_structure import REFERENCE, reference_template, structure

needs_lo = pytest.mark.skipif(find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")
CENT = Decimal("0.01")
ALLOWED_FUNCTIONS = {"SUM(", "SUMPRODUCT(", "LEFT(", "LEN(", "IF(", "IFERROR(", "VLOOKUP(", "ROUND(", "AND(",
                     "ISNUMBER("}


def _differences(writer: TemplateWriter, recalculated: Path) -> list[str]:
    """Every formula cell whose LibreOffice value differs from budgetxl's computed (cached) value."""
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    diffs = []
    for ref, expected in writer.formula_values.items():
        sheet, cell = ref.rsplit("!", 1)
        got = wb[sheet][cell].value
        if isinstance(expected, (int, float)):
            ok = isinstance(got, (int, float)) and Decimal(repr(float(got))).quantize(CENT) == \
                Decimal(repr(float(expected))).quantize(CENT)
        else:
            ok = (got or "") == expected
        if not ok:
            diffs.append(f"{ref}: budgetxl {expected!r}, LibreOffice {got!r} ({writer.formula_map[ref]})")
    return diffs


@pytest.fixture(scope="module")
def sample_budget():
    return budgetxl.load_sample()


@needs_lo
def test_prefilled_template_recalculated_by_libreoffice_matches(tmp_path, sample_budget):
    w = TemplateWriter(sample_budget)
    src = tmp_path / "prefilled.xlsx"
    w.write(src)
    out = recalculate(src, tmp_path / "recalc.xlsx")
    assert len(w.formula_values) > 600
    assert _differences(w, out) == []


@needs_lo
def test_blank_template_filled_and_recalculated_matches(tmp_path, sample_budget):
    """Fill a blank template's input cells with the sample's inputs, recalculate, compare every formula."""
    flat = TemplateWriter(sample_budget, flat=True)  # the sample laid out as a filled-in blank template
    flat.write(tmp_path / "flat.xlsx")
    spare = len(flat.layout.sheets["t2"].spare_rows)
    blank = TemplateWriter(UnitBudget.empty(sample_budget.unit_code, sample_budget.unit_name, sample_budget.year),
                           spare=spare)
    blank.write(tmp_path / "blank.xlsx")
    assert blank.formula_map == flat.formula_map  # same cells, same formulas: only the inputs differ
    src = openpyxl.load_workbook(tmp_path / "flat.xlsx")
    dst = openpyxl.load_workbook(tmp_path / "blank.xlsx")
    filled = 0
    for ws in src.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.protection.locked is False and c.value not in (None, ""):
                    assert dst[ws.title][c.coordinate].protection.locked is False
                    dst[ws.title][c.coordinate].value = c.value
                    filled += 1
    assert filled > 300
    dst.save(tmp_path / "filled.xlsx")
    out = recalculate(tmp_path / "filled.xlsx", tmp_path / "recalc.xlsx")
    assert _differences(flat, out) == []


@needs_lo
def test_a_changed_input_propagates_in_libreoffice(tmp_path, sample_budget):
    """Type a new amount into a leaf and a new code into a spare row; totals follow as budgetxl says."""
    w = TemplateWriter(sample_budget)
    w.write(tmp_path / "t.xlsx")
    lay = w.layout.sheets["t3"]
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ws = wb["支出总表"]
    r, c = lay.cells[("t3", "2040220", "project")]
    ws.cell(r + 1, c + 1).value = 600
    spare = lay.spare_rows[0]
    ws.cell(spare + 1, 2).value = "2130101"
    ws.cell(spare + 1, lay.value_col["basic"] + 1).value = 5.5
    wb.save(tmp_path / "edited.xlsx")
    out = recalculate(tmp_path / "edited.xlsx", tmp_path / "recalc.xlsx")
    b = budgetxl.load_sample()
    b.set("支出总表", "2040220", "项目支出", "600.00")
    b.set("支出总表", "2130101", "基本支出", "5.50")
    got = openpyxl.load_workbook(out, data_only=True)
    t3 = got["支出总表"]
    tr, tc = lay.cells[("t3", "total", "total")]
    assert Decimal(str(t3.cell(tr + 1, tc + 1).value)).quantize(CENT) == b.value("支出总表", "total", "合计")
    t1 = w.layout.sheets["t1"]
    r13, c13 = t1.cells[("t1", "c213", "amount")]
    assert Decimal(str(got["收支总表"].cell(r13 + 1, c13 + 1).value)).quantize(CENT) == Decimal("5.50")
    assert t3.cell(spare + 1, 3).value == budgetxl.codes.code_list(b.profile, "function").name("2130101")


@pytest.fixture(scope="module")
def entry(tmp_path_factory, sample_budget):
    p = tmp_path_factory.mktemp("entry") / "entry.xlsx"
    w = TemplateWriter(sample_budget)
    w.write(p)
    return p, w


def test_sheets_in_order_and_hidden(entry, profile):
    p, _ = entry
    wb = openpyxl.load_workbook(p)
    names = [t.name for t in profile.ordered]
    assert wb.sheetnames == ["填报说明", "单位信息", *names, "项目", "政府采购", "固定资产", "情况说明", SHEET_LISTS, SHEET_META]
    assert wb[SHEET_LISTS].sheet_state == "hidden"
    assert wb[SHEET_META].sheet_state == "veryHidden"
    assert wb.security.lockStructure


def test_protection_locking_and_validation(entry, profile):
    p, w = entry
    wb = openpyxl.load_workbook(p)
    for ws in wb.worksheets:
        assert ws.protection.sheet, f"{ws.title} not protected"
        validated = set()
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col,
                                        max_col=rng.max_col):
                    validated.update(c.coordinate for c in row)
        inputs = 0
        for row in ws.iter_rows():
            for c in row:
                is_formula = isinstance(c.value, str) and c.value.startswith("=")
                if is_formula and f"{ws.title}!{c.coordinate}" not in w.typable:  # (a name the unit may type)
                    assert c.protection.locked is not False, f"formula in input cell {ws.title}!{c.coordinate}"
                if c.protection.locked is False:
                    inputs += 1
                    assert c.coordinate in validated, f"no validation on input {ws.title}!{c.coordinate}"
        if ws.title in {t.name for t in profile.ordered}:
            assert inputs > 0
    # every formula budgetxl wrote is in a locked cell, but the name of a spare row (a code the list lacks)
    for ref in w.formula_map:
        sheet, cell = ref.rsplit("!", 1)
        assert wb[sheet][cell].protection.locked is not False or ref in w.typable


def test_every_input_cell_of_the_model_is_unlocked_and_every_derived_cell_a_formula(entry, profile):
    p, w = entry
    wb = openpyxl.load_workbook(p)
    for t in profile.ordered:
        sl = w.layout.sheets[t.id]
        ws = wb[t.name]
        for key, (r, c) in sl.cells.items():
            cell = ws.cell(r + 1, c + 1)
            if t.is_input(key[1], key[2]):
                assert cell.protection.locked is False, (t.name, cell.coordinate)
            else:
                assert isinstance(cell.value, str) and cell.value.startswith("="), (t.name, cell.coordinate)


def test_formulas_are_portable(entry):
    """Excel 2007-level functions only, every sheet reference quoted."""
    _, w = entry
    for ref, formula in w.formula_map.items():
        for tok in Tokenizer(formula).items:
            if tok.type == "FUNC" and tok.subtype == "OPEN":
                assert tok.value.upper() in ALLOWED_FUNCTIONS, (ref, tok.value)
            if tok.type == "OPERAND" and tok.subtype == "RANGE" and "!" in tok.value:
                assert tok.value.startswith("'"), (ref, formula)


def test_fingerprint(entry, profile):
    p, w = entry
    wb = openpyxl.load_workbook(p)
    meta = {r[0].value: r[1].value for r in wb[SHEET_META].iter_rows()}
    assert meta["profile"] == profile.id and meta["version"] == budgetxl.__version__
    found = {f"{ws.title}!{c.coordinate}": c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")}
    assert formula_hash(found) == meta["formula_hash"] == w.meta_values["formula_hash"]
    props = {prop.name: prop.value for prop in wb.custom_doc_props.props}
    assert props["budgetxl.formula_hash"] == meta["formula_hash"]
    assert props["budgetxl.profile"] == profile.id


def test_cached_values_are_the_computed_values(entry, sample_budget, profile):
    """A viewer that does not recalculate shows the right numbers."""
    p, w = entry
    wb = openpyxl.load_workbook(p, data_only=True)
    t1 = w.layout.sheets["t1"]
    r, c = t1.cells[("t1", "grand_out", "amount")]
    assert Decimal(str(wb["收支总表"].cell(r + 1, c + 1).value)) == sample_budget.value("t1", "grand_out", "amount")


def test_structure_matches_stored_reference(tmp_path):
    p = tmp_path / "t.xlsx"
    reference_template(p)
    stored = json.loads(REFERENCE.read_text("utf-8"))
    current = json.loads(json.dumps(structure(p), ensure_ascii=False, sort_keys=True))
    assert current == stored, "template layout changed: if intended, run python -m tests.workbook_structure"


def test_committed_sample_entry_is_up_to_date(tmp_path, sample_facts):
    out = tmp_path / "entry.xlsx"
    res = CliRunner().invoke(main, ["template", "--data", str(sample_facts), "--supplement",
                                    str(REPO / "samples" / "451_2024" / "supplement.toml"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    committed = REPO / "samples" / "451_2024" / "entry.xlsx"
    assert structure(out, values=True) == structure(committed, values=True), \
        "regenerate samples/451_2024/entry.xlsx with budgetxl template (see README)"


def test_password_protects_sheets_and_structure(tmp_path, sample_budget):
    p = tmp_path / "pw.xlsx"
    TemplateWriter(sample_budget, password="secret").write(p)
    wb = openpyxl.load_workbook(p)
    assert wb["支出总表"].protection.password
    assert wb.security.workbookPassword


def test_blank_template_cli(tmp_path):
    out = tmp_path / "blank.xlsx"
    res = CliRunner().invoke(main, ["template", "--unit-code", "902", "--unit-name", "某某局", "--year", "2025",
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb["支出总表"]["A2"].value == "902某某局"
    assert "预算年度：2025" in [c.value for c in wb["支出总表"][2]]


def test_bureau_code_list_feeds_the_dropdowns(tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("科目编码,科目名称\n204,公共安全支出\n20402,公安\n2040299,新设科目\n301,工资福利支出\n30101,基本工资\n",
                     "utf-8")
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(main, ["template", "--unit-code", "1", "--unit-name", "x", "--year", "2025",
                                    "--codes", str(codes), "-o", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out)[SHEET_LISTS]
    assert ws["A2"].value == "2040299" and ws["D2"].value == "30101"


def test_county_batch(tmp_path, sample_facts):
    text = sample_facts.read_text("utf-8").splitlines()
    lines = [text[0]]
    for i in range(5):
        lines += [l.replace("451,曲阳县公安局交通管理大队", f"45{i},单位{i}", 1) for l in text[1:]]
    county = tmp_path / "county.csv"
    county.write_text("\n".join(lines) + "\n", "utf-8")
    res = CliRunner().invoke(main, ["template", "--data", str(county), "--out-dir", str(tmp_path / "out"),
                                    "--jobs", "2"])
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [f"45{i}_单位{i}_2024_填报模板.xlsx" for i in range(5)]


@pytest.mark.parametrize("args, expect", [
    (["-o", "x.xlsx"], "空白模板需要"),
    (["--unit-code", "1", "--unit-name", "x", "--year", "3000", "-o", "x.xlsx"], "不合理"),
    (["--unit-code", "1", "--unit-name", "x", "--year", "2025"], "-o"),
    (["--unit-code", "1", "--unit-name", "x", "--year", "2025", "--out-dir", "d"], "--data"),
])
def test_template_usage_errors(tmp_path, monkeypatch, args, expect):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["template", *args])
    assert res.exit_code == 2 and expect in res.output
