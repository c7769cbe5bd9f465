"""One cause, one headline: returned workbooks with the mistakes accountants make, saved by
LibreOffice (which recalculates), checked as users run `check` (issue 11, items 2, 3 and 4)."""

import json
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from budgetxl.check.report import annotate, as_json, human
from budgetxl.check.runner import check_file
from budgetxl.cli import main
from budgetxl.lo import find_soffice, recalculate

from .conftest import REPO

needs_lo = pytest.mark.skipif(find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")
ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"
SEED_TEXT_ERRORS = {"W102", "W103", "A103"}  # the seed's own mistakes in its text (not figures)


def _returned(tmp: Path, name: str, edits) -> Path:
    """The sample entry workbook with cells typed over, saved by LibreOffice."""
    wb = openpyxl.load_workbook(ENTRY)
    for sheet, cell, value in edits:
        wb[sheet][cell].value = value
    raw = tmp / f"{name}_typed.xlsx"
    wb.save(raw)
    return recalculate(raw, tmp / f"{name}.xlsx")


def _headlines(path: Path):
    [r] = check_file(path)
    return r, [f for f in r.findings if f.code not in SEED_TEXT_ERRORS and f.severity == "error"]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("returned")
    t3 = "支出总表"
    return {
        "typo": _returned(tmp, "typo", [(t3, "E10", 735.755)]),
        "yuan": _returned(tmp, "yuan", [(t3, "E10", 7357500)]),
        "swapped": _returned(tmp, "swapped", [(t3, "F9", 523.10)]),
        "kuan": _returned(tmp, "kuan", [(t3, "B28", "20503"), (t3, "E28", 30),
                                        (t3, "B29", "20502"), (t3, "E29", 100), (t3, "B30", "2050201"),
                                        (t3, "E30", 100.5)]),
        "six": _returned(tmp, "six", [(t3, "E10", 735.755), (t3, "F9", 523.10), (t3, "B28", "20503"),
                                      (t3, "E28", 30), ("一般公共预算财政拨款基本支出表", "D20", 33000),
                                      ("三公经费支出表", "D9", 5)]),
    }


@needs_lo
def test_three_decimal_typo_is_one_headline(books):
    """Today: 13 errors with the cause 7th. Now: the unreadable cell, with what it breaks folded under it."""
    r, heads = _headlines(books["typo"])
    assert [(f.code, f.sheet, f.cell) for f in heads] == [("V02", "支出总表", "E10")]
    assert heads[0].total_consequences >= 10 and {"X201", "H104"} <= {c.code for c in heads[0].consequences}
    assert r.findings[0] is heads[0]  # cause first


@needs_lo
def test_one_cell_in_yuan_is_named_with_the_unit_hint(books, tmp_path):
    r, heads = _headlines(books["yuan"])
    assert [(f.code, f.cell) for f in heads] == [("X100", "E10")]
    msg = heads[0].message
    assert "10000 倍" in msg and "元" in msg and "数字颠倒" not in msg
    assert not any("数字颠倒" in c.message for c in heads[0].consequences)
    out = tmp_path / "marked.xlsx"
    annotate(books["yuan"], r.findings, out)
    ws = openpyxl.load_workbook(out)["支出总表"]
    assert ws["E10"].comment is not None and "X100" in ws["E10"].comment.text  # the cause, not only the totals


@needs_lo
def test_swapped_digits_named_at_the_cell(books):
    _, heads = _headlines(books["swapped"])
    assert [(f.code, f.cell) for f in heads] == [("X100", "F9")]
    assert "数字颠倒" in heads[0].message and "532.10" in heads[0].message


@needs_lo
def test_amounts_on_kuan_codes_are_errors_at_their_cells(books):
    """An amount on a 款 code in a spare row is counted nowhere: V06 at the cell; a typed 款 that
    disagrees with its items is H101; neither is a cached-value warning about recalculation."""
    r, heads = _headlines(books["kuan"])
    got = {(f.code, f.cell) for f in r.all_findings}
    assert ("V06", "E28") in got and ("H101", "E29") in got
    assert not [f for f in r.all_findings if f.code == "I06"]
    assert not [f for f in r.all_findings if "未重新计算" in f.message]


@needs_lo
def test_six_mistakes_headlines(books):
    r, heads = _headlines(books["six"])
    codes = [f.code for f in heads]
    assert codes[0] == "V02" and "V06" in codes and "I05" in codes and "X100" in codes
    assert len(heads) <= 6
    i05 = next(f for f in heads if f.code == "I05")
    assert "33,000.00" in i05.message  # the constant typed over the formula, as the sheet shows it


@needs_lo
def test_json_nests_consequences_with_a_count_and_human_has_a_unit_line(books):
    results = check_file(books["typo"])
    data = json.loads(as_json(results))
    v02 = next(f for f in data["findings"] if f["code"] == "V02")
    assert v02["consequence_count"] == len(v02["consequences"]) >= 10
    assert data["files"][0]["folded"] == v02["consequence_count"]
    text = human(results)
    assert "小结：" in text and "已折叠" in text


def test_inserted_spare_row_is_one_i04(tmp_path):
    """Today: a row inserted among the spare rows gives 98 × I05 and no I04."""
    from tests.corpus.make_corpus import Base, shift_sheet

    base = Base(tmp_path / "base.xlsx")
    t = base.profile.table("支出总表")
    sl = base.layout.sheets[t.id]
    for at in (sl.spare_rows[1] + 1, sl.check_start + 1):  # 1-based: among the spare rows; above 校验
        p = tmp_path / f"inserted{at}.xlsx"
        base.write(p, shift_sheet(base, t.name, "row", at, 1))
        [r] = check_file(p)
        heads = [f for f in r.findings if f.code not in SEED_TEXT_ERRORS and f.severity == "error"]
        assert [(f.code, f.sheet) for f in heads] == [("I04", t.name)], [str(f) for f in heads]


def test_cli_json_has_nested_findings():
    res = CliRunner().invoke(main, ["check", str(ENTRY), "--format", "json"])
    data = json.loads(res.output)
    assert "folded" in data["summary"]


def test_whole_workbook_in_yuan_is_an_error(tmp_path):
    """Every identity holds in a workbook typed in 元; last year's totals (in 万元) show it."""
    import copy

    import budgetxl
    from budgetxl.template import write_template

    b = budgetxl.load_sample()
    b = copy.deepcopy(b, {id(b.profile): b.profile})
    for k, v in list(b.inputs.items()):
        b.set_input(k, v * 10000)
    path = tmp_path / "yuan.xlsx"
    write_template(b, path)
    [r] = check_file(path)
    u = [f for f in r.findings if f.code == "U101"]
    assert u and u[0].severity == "error" and "元" in u[0].message
    res = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 1 and "U101" in res.output
