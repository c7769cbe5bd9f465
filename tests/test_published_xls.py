"""Official-layout workbooks saved as .xls or .ods (as a bureau may publish them) are read by
``check`` and ``import`` figure for figure as the .xlsx they were converted from: the sample
units' official workbooks, rendered by budgetxl and converted by LibreOffice. A cell holding an
error value is a finding naming it, never a blank (calamine reads error cells as empty); an entry
template saved as .xls is refused with what to do, and the commands that read entry templates
still refuse .xls and .ods."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from budgetxl.cli import main

SAMPLES = ["451_2024", "putuo_zfb_2025"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="budgetxl")


@pytest.fixture(scope="module", params=SAMPLES)
def converted(request, tmp_path_factory):
    from budgetxl import lo
    from budgetxl.render.official import render_official
    from budgetxl.sample import load_sample

    if lo.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    d = tmp_path_factory.mktemp(request.param)
    sample = load_sample(request.param)
    render_official(sample, d / "公开表.xlsx")
    for kind in ("xls", "ods"):
        lo.convert(d / "公开表.xlsx", d / f"公开表.{kind}", kind)
    return sample, d


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_official_workbook_as_xls_or_ods_reads_as_the_xlsx(converted, kind):
    from budgetxl.reader.official import read_official

    sample, d = converted
    ref, ref_pos = read_official(d / "公开表.xlsx")
    got, pos = read_official(d / f"公开表.{kind}")
    assert got.profile.id == ref.profile.id == sample.profile.id
    assert (got.unit_code, got.unit_name, got.year) == (ref.unit_code, ref.unit_name, ref.year)
    assert got.inputs == ref.inputs == sample.inputs  # every input figure, exact
    assert got.given == ref.given and len(got.given) > 50  # every printed total
    assert {k: pos[k] for k in pos} == {k: ref_pos[k] for k in ref_pos}  # the same sheet and cell


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_check_and_import_take_xls_and_ods(converted, kind, tmp_path):
    sample, d = converted
    ref, got = (run("check", d / f"公开表.{k}", "--format", "json") for k in ("xlsx", kind))
    assert got.exit_code == ref.exit_code and got.exit_code in (0, 1), got.output

    def findings(res):
        return [{k: v for k, v in f.items() if k != "file"} for f in json.loads(res.output)["findings"]]

    assert findings(got) == findings(ref)
    for k in ("xlsx", kind):
        res = run("import", d / f"公开表.{k}", "-o", tmp_path / f"{k}.csv", "--unit-code", sample.unit_code or "1")
        assert res.exit_code == 0, res.output
    assert (tmp_path / f"{kind}.csv").read_bytes() == (tmp_path / "xlsx.csv").read_bytes()


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_an_error_value_is_named_not_read_as_blank(converted, kind, tmp_path):
    from budgetxl import lo
    from budgetxl.reader.official import read_official

    sample, d = converted
    _, positions = read_official(d / "公开表.xlsx")
    key = next(k for k in sample.inputs if sample.inputs[k])
    sheet, cell = positions[key]
    wb = openpyxl.load_workbook(d / "公开表.xlsx")
    wb[sheet][cell] = "=1/0"
    wb.save(tmp_path / "坏.xlsx")
    lo.convert(tmp_path / "坏.xlsx", tmp_path / f"坏.{kind}", kind)  # LibreOffice computes #DIV/0!
    res = run("check", tmp_path / f"坏.{kind}", "--format", "json")
    assert res.exit_code == 1, res.output
    [v05] = [f for f in json.loads(res.output)["findings"] if f["code"] == "V05" and "#DIV/0!" in f["message"]]
    assert (v05["sheet"], v05["cell"]) == (sheet, cell), v05
    res = run("import", tmp_path / f"坏.{kind}", "-o", tmp_path / "f.csv")
    assert res.exit_code == 2 and not (tmp_path / "f.csv").exists()


def test_entry_template_saved_as_xls_is_refused_with_what_to_do(tmp_path):
    from budgetxl import lo
    from budgetxl.inputs import SAVE_AS_XLSX

    if lo.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    res = run("template", "--unit-code", "451", "--unit-name", "某单位", "--year", "2025", "-o", tmp_path / "t.xlsx")
    assert res.exit_code == 0, res.output
    lo.convert(tmp_path / "t.xlsx", tmp_path / "t.xls", "xls")
    res = run("check", tmp_path / "t.xls")
    assert res.exit_code == 2 and "填报模板" in res.output and SAVE_AS_XLSX in res.output, res.output
    for args in (["export", tmp_path / "t.xls", "-o", tmp_path / "e.csv"],
                 ["consolidate", tmp_path / "t.xls", "-o", tmp_path / "c.xlsx", "--quiet"]):
        res = run(*args)
        assert res.exit_code == 2 and SAVE_AS_XLSX in res.output, (args, res.output)


def test_code_cells_typed_as_numbers_read_padded_one_finding_per_table(tmp_path):
    """A bureau's workbook whose 类 | 款 | 项 cells were typed as numbers (款 03 became 3): every figure
    read as the sample's, the code padded from its level's width, and one V01 per table (the one
    cause), each other row folded under it — not a warning per row."""
    from budgetxl.check.runner import check_file
    from budgetxl.render.official import render_official
    from budgetxl.sample import load_sample

    sample = load_sample("putuo_zfb_2025")
    render_official(sample, tmp_path / "公开表.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "公开表.xlsx")
    typed: dict[str, int] = {}
    split = {t.name for t in sample.profile.ordered if t.coded and t.code_layout == "split"}
    for ws in wb.worksheets:
        if ws.title not in split:
            continue
        for row in ws.iter_rows(min_row=1, max_col=3):
            parts = [c.value for c in row]
            if all(isinstance(v, str) and v.isdigit() for v in parts[:2]) and parts[1].startswith("0"):
                for c in row:
                    if isinstance(c.value, str) and c.value.isdigit():
                        c.value = int(c.value)
                typed[ws.title] = typed.get(ws.title, 0) + 1
    assert typed, "the sample prints no 款 with a leading zero"
    wb.save(tmp_path / "数字编码.xlsx")
    [ctx] = check_file(tmp_path / "数字编码.xlsx", profile=sample.profile.ref)
    assert {k: v for k, v in ctx.budget.inputs.items() if v} == {k: v for k, v in sample.inputs.items() if v}
    v01 = [f for f in ctx.findings if f.code == "V01"]
    assert sorted(f.table for f in v01) == sorted(typed), [str(f) for f in v01]
    for f in v01:
        assert 1 + f.total_consequences == typed[f.table] and "前导零" in f.message
        if typed[f.table] > 1:
            assert f"本表共 {typed[f.table]} 行" in f.message
    assert not [f for f in ctx.findings if f.code == "V05"]
