"""budgetxl check and budgetxl rules as users run them."""

import csv
import io
import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from budgetxl.check.docs import rules_markdown
from budgetxl.cli import main

from .conftest import REPO

ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_seed_acceptance_findings_at_their_cells():
    """On the sample: no false error, and the real inconsistencies of the seed at the right cells."""
    res = run("check", ENTRY, "--format", "json")
    data = json.loads(res.output)
    findings = data["findings"]
    assert [f for f in findings if f["severity"] == "error" and f["code"] not in ("W102", "W103", "A103")] == []
    x301 = [f for f in findings if f["code"] == "X301"]
    assert x301 and x301[0]["cell"] == "D15" and "数字颠倒" in x301[0]["message"]
    assert "12.46" in x301[0]["message"] and "12.64" in x301[0]["message"]


def test_json_fields_and_exit_codes():
    res = run("check", ENTRY, "--format", "json", "--select", "X301")
    assert res.exit_code == 0
    f = json.loads(res.output)["findings"][0]
    for k in ("code", "severity", "message", "sheet", "cell", "expected", "actual", "difference"):
        assert k in f
    assert f["expected"] == "12.46" and f["actual"] == "12.64" and f["difference"] == "0.18"
    assert run("check", ENTRY, "--select", "X301", "--fail-on", "warning").exit_code == 1


def test_csv_format(tmp_path):
    out = tmp_path / "r.csv"
    res = run("check", ENTRY, "--format", "csv", "--select", "X3*", "-o", out)
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[0]["规则"] == "X301" and rows[0]["单元格"] == "D15" and rows[0]["级别"] == "警告"
    en = tmp_path / "en.csv"
    assert run("check", ENTRY, "--format", "csv", "--select", "X3*", "--lang", "en", "-o", en).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(en.read_text("utf-8-sig"))))
    assert rows[0]["code"] == "X301" and rows[0]["cell"] == "D15" and rows[0]["severity"] == "warning"


def test_select_and_ignore_by_group_and_glob():
    res = run("check", ENTRY, "--format", "json", "--ignore", "表间")
    assert not [f for f in json.loads(res.output)["findings"] if f["code"].startswith("X")]
    res = run("check", ENTRY, "--format", "json", "--select", "X3*")
    assert {f["code"] for f in json.loads(res.output)["findings"]} == {"X301"}
    res = run("check", ENTRY, "--select", "NOPE")
    assert res.exit_code == 2 and "未知的规则" in res.output


def test_many_files_one_summary_and_unreadable(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    good = tmp_path / "good.xlsx"
    shutil.copy(ENTRY, good)
    res = run("check", good, bad, tmp_path / "good.xlsx")
    assert res.exit_code == 1  # the unreadable file is an error of the report; the other was checked
    assert "无法读取" in res.output and "共检查 2 个文件" in res.output


def test_directory_input(tmp_path):
    shutil.copy(ENTRY, tmp_path / "a.xlsx")
    shutil.copy(ENTRY, tmp_path / "b.xlsx")
    res = run("check", tmp_path, "--format", "json")
    assert json.loads(res.output)["summary"]["files"] == 2


def test_annotate_marks_cells_and_links(tmp_path):
    out = tmp_path / "ann.xlsx"
    before = ENTRY.read_bytes()
    res = run("check", ENTRY, "--annotate", out)
    assert ENTRY.read_bytes() == before
    wb = openpyxl.load_workbook(out)
    ws = wb["审核结果"]
    assert wb.sheetnames[0] == "审核结果"
    codes = [r[0].value for r in ws.iter_rows(min_row=2)]
    assert "X301" in codes
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "X301")
    assert row[4].hyperlink.location == "'一般公共预算财政拨款基本支出表'!D15" or \
        row[4].hyperlink.target == "#'一般公共预算财政拨款基本支出表'!D15"
    cell = wb["一般公共预算财政拨款基本支出表"]["D15"]
    assert cell.comment and "X301" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFEB9C")
    assert res.exit_code in (0, 1)


def test_rules_command_json():
    res = run("rules", "--format", "json")
    rules = json.loads(res.output)
    assert {"code", "group", "severity", "title", "fail_example", "pass_example"} <= set(rules[0])
    assert len({r["code"] for r in rules}) == len(rules)


def test_rules_reference_is_current():
    assert (REPO / "docs" / "rules.md").read_text("utf-8") == rules_markdown(), \
        "regenerate: python -m budgetxl.check.docs > docs/rules.md"


@pytest.mark.parametrize("path", ["samples/451_2024/facts.csv"])
def test_check_facts_and_text(path, seed_tables_path):
    for p in (REPO / path, seed_tables_path):
        res = run("check", p, "--format", "json")
        assert res.exit_code in (0, 1)
        assert any(f["code"] == "X301" for f in json.loads(res.output)["findings"])


def test_previous_year_rules(tmp_path, sample_facts):
    """--previous: the change stated in the text is compared with the computed change."""
    last = tmp_path / "2023.csv"  # the unit's figures as last year's (年度 2023)
    last.write_text(sample_facts.read_text("utf-8").replace(",2024,", ",2023,"), "utf-8")
    res = run("check", ENTRY, "--previous", last, "--format", "json", "--select", "年度")
    data = json.loads(res.output)
    codes = {f["code"] for f in data["findings"]}
    # last year's figures equal this year's, so the stated 减少14.00万元 is wrong
    assert "Y101" in codes, data["findings"]


def test_bureau_code_list(tmp_path):
    """--codes: a code missing from the bureau's own list is reported (C101)."""
    from budgetxl.codes import code_list
    from budgetxl.spec import load_profile

    full = code_list(load_profile(), "function")
    lines = ["科目编码,科目名称"] + [f"{c},{n}" for c, n in full.entries.items() if c != "2040220"]
    codes = tmp_path / "codes.csv"
    codes.write_text("\n".join(lines) + "\n", "utf-8")
    res = run("check", ENTRY, "--codes", codes, "--format", "json", "--select", "代码")
    found = json.loads(res.output)["findings"]
    assert found and all(f["code"] == "C101" and "2040220" in f["message"] for f in found)
    assert {f["table"] for f in found} == {"收入总表", "支出总表", "一般公共预算财政拨款支出表"}  # each table's cell
    assert run("check", ENTRY, "--format", "json", "--select", "代码").output.count('"C101"') == 0
